/* Walk RSDP -> XSDT/RSDT -> MADT, FADT, HPET through the direct map; see acpi.h. */
#include "arch/x86_64/acpi.h"

#include "kernel/bootinfo.h"
#include "kernel/printk.h"
#include "mm/layout.h"

/*
 * boot/entry.asm maps physical [0, 4 GiB) at DIRECT_MAP_BASE before kmain;
 * firmware puts ACPI tables there (QEMU, OVMF and PCs alike).
 */
#define ACPI_MAPPED_END (4ul << 30)

/* Written by the first acpi_init() on the boot CPU only; read-only after. */
static bool acpi_done;
static int acpi_result;
static struct madt_info madt;
static bool fadt_found, hpet_found;
static struct fadt_info fadt;
static struct hpet_info hpet;

/* Bytes readable through the direct map from 'phys' (0 if unmapped). */
static size_t mapped_bytes(uint64_t phys)
{
    return phys < ACPI_MAPPED_END ? ACPI_MAPPED_END - phys : 0;
}

/*
 * Finds the table with signature 'sig' listed in the checked root table
 * 'root'; sets *phys to its physical address. Returns 0 or -ACPI_ENOENT.
 */
static int find_table(const void *root, bool xsdt, const char *sig, uint64_t *phys)
{
    int count = acpi_root_count(acpi_table_length(root), xsdt);
    for (int i = 0; i < count; i++) {
        uint64_t entry = acpi_root_entry(root, xsdt, i);
        if (mapped_bytes(entry) < ACPI_SDT_HEADER_LEN)
            continue;
        const char *p = phys_to_virt(entry);
        if (p[0] == sig[0] && p[1] == sig[1] && p[2] == sig[2] && p[3] == sig[3]) {
            *phys = entry;
            return 0;
        }
    }
    return -ACPI_ENOENT;
}

/* Parses the optional FADT and HPET tables listed in 'root', saying why
 * one that is listed cannot be used. */
static void find_timer_tables(const void *root, bool xsdt)
{
    uint64_t phys;
    if (find_table(root, xsdt, "FACP", &phys) == 0) {
        int err = fadt_parse(phys_to_virt(phys), mapped_bytes(phys), &fadt);
        fadt_found = err == 0;
        if (err)
            printk("acpi: FADT: %s; no PM timer, 8042 unknown\n", acpi_strerror(err));
    }
    if (find_table(root, xsdt, "HPET", &phys) == 0) {
        int err = hpet_table_parse(phys_to_virt(phys), mapped_bytes(phys), &hpet);
        hpet_found = err == 0;
        if (err)
            printk("acpi: HPET table: %s; HPET not used\n", acpi_strerror(err));
    }
}

/* Does the work of acpi_init(); 'what' is set to the table that failed. */
static int acpi_find_madt(const char **what)
{
    uint64_t root_phys;
    bool xsdt;
    *what = "RSDP";
    if (boot_info.rsdp_revision_tag == 0)
        return -ACPI_ENOENT;
    int err = acpi_rsdp_parse(boot_info.rsdp, sizeof(boot_info.rsdp),
                              boot_info.rsdp_revision_tag, &root_phys, &xsdt);
    if (err)
        return err;

    *what = xsdt ? "XSDT" : "RSDT";
    if (mapped_bytes(root_phys) < ACPI_SDT_HEADER_LEN)
        return -ACPI_ERANGE;
    const void *root = phys_to_virt(root_phys);
    long len = acpi_table_check(root, mapped_bytes(root_phys), xsdt ? "XSDT" : "RSDT");
    if (len < 0)
        return len;

    find_timer_tables(root, xsdt);
    *what = "MADT";
    uint64_t madt_phys;
    err = find_table(root, xsdt, "APIC", &madt_phys);
    if (err)
        return err;
    return madt_parse(phys_to_virt(madt_phys), mapped_bytes(madt_phys), &madt);
}

/* Prints the boot message for a parsed MADT. */
static void report(const struct madt_info *m)
{
    printk("acpi: MADT: %d CPU(s), %d I/O APIC(s), %d override(s), local APIC at 0x%lx\n",
           m->cpu_count, m->ioapic_count, m->override_count, m->lapic_phys);
    if (m->cpus_listed > m->cpu_count)
        printk("acpi: MADT lists %d CPUs; using the first %d\n", m->cpus_listed,
               MADT_MAX_CPUS);
    if (m->cpus_online_capable)
        printk("acpi: %d hot-pluggable CPU(s) absent now, ignored\n", m->cpus_online_capable);
    if (m->dropped)
        printk("acpi: %d I/O APIC, override or NMI entries beyond our tables ignored\n",
               m->dropped);
}

int acpi_init(void)
{
    if (acpi_done)
        return acpi_result;
    const char *what;
    acpi_result = acpi_find_madt(&what);
    acpi_done = true;
    if (acpi_result == 0)
        report(&madt);
    else
        printk("acpi: %s: %s; running on the boot CPU only\n", what,
               acpi_strerror(acpi_result));
    return acpi_result;
}

const struct madt_info *acpi_madt(void)
{
    return acpi_done && acpi_result == 0 ? &madt : NULL;
}

const struct fadt_info *acpi_fadt(void)
{
    return fadt_found ? &fadt : NULL;
}

const struct hpet_info *acpi_hpet(void)
{
    return hpet_found ? &hpet : NULL;
}
