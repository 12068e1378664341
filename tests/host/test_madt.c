/*
 * Host tests of the pure ACPI parsing (arch/x86_64/madt.c).
 * Recorded tables in tests/host/data/ (read relative to the repo root):
 *   madt-host-firecracker.hex   this build host's /sys/firmware/acpi/tables/APIC
 *   madt-qemu-smpN.hex          QEMU 7.2 pc machine, SeaBIOS, -smp N (N = 1, 4, 64, 80)
 *   madt-qemu-smp1-maxcpus4.hex -smp 1,maxcpus=4: three disabled CPUs
 *   madt-qemu-uefi-smp2.hex     OVMF, -smp 2
 * The malformed and x2APIC cases are built here byte by byte.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "arch/x86_64/madt.c"

#define TABLE_MAX 4096

struct table {
    uint8_t bytes[TABLE_MAX];
    size_t len;
};

/* Reads tests/host/data/'name' (a '#' comment line, then the table's bytes
 * as hex pairs, as "od -An -tx1" prints them) into *t; returns false (and
 * says so) if it cannot. */
static bool load(const char *name, struct table *t)
{
    char path[256];
    snprintf(path, sizeof(path), "tests/host/data/%s", name);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("    # cannot open %s (run from the repository root)\n", path);
        return false;
    }
    fscanf(f, "#%*[^\n]");
    unsigned byte;
    t->len = 0;
    while (t->len < sizeof(t->bytes) && fscanf(f, "%2x", &byte) == 1)
        t->bytes[t->len++] = byte;
    fclose(f);
    return t->len > 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, v);
    put32(p + 4, v >> 32);
}

/* Makes the byte sum of the 'len' bytes at 'p' zero by adjusting p[at]. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    p[at] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = -sum;
}

/* Starts an empty MADT: header, local APIC 0xfee00000, PCAT_COMPAT. */
static void madt_begin(struct table *t)
{
    memset(t, 0, sizeof(*t));
    memcpy(t->bytes, "APIC", 4);
    t->bytes[8] = 1;
    put32(t->bytes + 36, 0xfee00000);
    put32(t->bytes + 40, MADT_PCAT_COMPAT);
    t->len = MADT_ENTRIES_OFFSET;
}

/* Appends one entry of 'len' bytes (type and length fields included). */
static void madt_add(struct table *t, const uint8_t *entry, size_t len)
{
    memcpy(t->bytes + t->len, entry, len);
    t->len += len;
}

/* Sets the header length to the bytes added so far and fixes the checksum. */
static void madt_finish(struct table *t)
{
    put32(t->bytes + 4, t->len);
    fix_checksum(t->bytes, t->len, 9);
}

static void add_lapic(struct table *t, uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t e[8] = { MADT_LAPIC, 8, uid, id };
    put32(e + 4, flags);
    madt_add(t, e, sizeof(e));
}

static void add_x2apic(struct table *t, uint32_t id, uint32_t flags, uint32_t uid)
{
    uint8_t e[16] = { MADT_X2APIC, 16 };
    put32(e + 4, id);
    put32(e + 8, flags);
    put32(e + 12, uid);
    madt_add(t, e, sizeof(e));
}

static void add_ioapic_entry(struct table *t, uint8_t id, uint32_t phys, uint32_t gsi)
{
    uint8_t e[12] = { MADT_IOAPIC, 12, id };
    put32(e + 4, phys);
    put32(e + 8, gsi);
    madt_add(t, e, sizeof(e));
}

static bool has_cpu(const struct madt_info *m, uint32_t apic_id)
{
    for (int i = 0; i < m->cpu_count; i++)
        if (m->apic_ids[i] == apic_id)
            return true;
    return false;
}

/* The five ISA overrides and the LINT1 NMI every QEMU pc MADT has. */
static void check_qemu_pc_interrupts(const struct madt_info *m)
{
    CHECK(m->lapic_phys == 0xfee00000);
    CHECK(m->flags == MADT_PCAT_COMPAT);
    CHECK(m->ioapic_count == 1);
    CHECK(m->ioapics[0].phys == 0xfec00000);
    CHECK(m->ioapics[0].gsi_base == 0);
    CHECK(m->override_count == 5);
    CHECK(m->overrides[0].bus == 0 && m->overrides[0].irq == 0 && m->overrides[0].gsi == 2);
    CHECK(m->overrides[0].flags == 0);
    CHECK(m->overrides[1].irq == 5 && m->overrides[1].gsi == 5);
    CHECK((m->overrides[1].flags & MADT_TRIGGER_MASK) == 0xc);   /* level */
    CHECK((m->overrides[1].flags & MADT_POLARITY_MASK) == 1);    /* active high */
    CHECK(m->nmi_count == 1);
    CHECK(m->nmis[0].acpi_uid == MADT_NMI_ALL_CPUS && m->nmis[0].lint == 1);
    CHECK(m->dropped == 0);
}

/* Loads a recorded QEMU table with 'n' CPUs (APIC ids 0..n-1) and checks it. */
static void check_qemu_smp(const char *name, int n)
{
    struct table t;
    struct madt_info m;
    CHECK(load(name, &t));
    CHECK(madt_parse(t.bytes, t.len, &m) == 0);
    CHECK(m.cpu_count == (n < MADT_MAX_CPUS ? n : MADT_MAX_CPUS));
    CHECK(m.cpus_listed == n);
    CHECK(m.cpus_online_capable == 0);
    for (int i = 0; i < m.cpu_count; i++)
        CHECK(m.apic_ids[i] == (uint32_t)i && m.acpi_uids[i] == (uint32_t)i);
    check_qemu_pc_interrupts(&m);
}

HOST_TEST(qemu_smp1)
{
    check_qemu_smp("madt-qemu-smp1.hex", 1);
}

HOST_TEST(qemu_smp4)
{
    check_qemu_smp("madt-qemu-smp4.hex", 4);
}

HOST_TEST(qemu_smp64)
{
    check_qemu_smp("madt-qemu-smp64.hex", 64);
}

HOST_TEST(qemu_smp80_capped_at_64)
{
    check_qemu_smp("madt-qemu-smp80.hex", 80);
}

HOST_TEST(qemu_uefi_smp2)
{
    check_qemu_smp("madt-qemu-uefi-smp2.hex", 2);
}

HOST_TEST(qemu_maxcpus_lists_disabled_cpus)
{
    struct table t;
    struct madt_info m;
    CHECK(load("madt-qemu-smp1-maxcpus4.hex", &t));
    CHECK(madt_parse(t.bytes, t.len, &m) == 0);
    CHECK(m.cpu_count == 1 && m.apic_ids[0] == 0);
    CHECK(m.cpus_listed == 1);
    CHECK(m.cpus_online_capable == 0);
    check_qemu_pc_interrupts(&m);
}

HOST_TEST(host_firecracker)
{
    struct table t;
    struct madt_info m;
    CHECK(load("madt-host-firecracker.hex", &t));
    CHECK(madt_parse(t.bytes, t.len, &m) == 0);
    CHECK(m.cpu_count == 2 && has_cpu(&m, 0) && has_cpu(&m, 1));
    CHECK(m.lapic_phys == 0xfee00000);
    CHECK(m.ioapic_count == 1 && m.ioapics[0].phys == 0xfec00000);
    CHECK(m.override_count == 0 && m.nmi_count == 0);
}

HOST_TEST(bad_checksum_rejected)
{
    struct table t;
    struct madt_info m;
    CHECK(load("madt-qemu-smp4.hex", &t));
    t.bytes[MADT_ENTRIES_OFFSET + 3] ^= 1; /* an APIC id */
    CHECK(madt_parse(t.bytes, t.len, &m) == -ACPI_ECHECKSUM);
}

HOST_TEST(bad_signature_rejected)
{
    struct table t;
    struct madt_info m;
    CHECK(load("madt-qemu-smp4.hex", &t));
    memcpy(t.bytes, "FACP", 4);
    CHECK(madt_parse(t.bytes, t.len, &m) == -ACPI_ESIGNATURE);
}

HOST_TEST(buffer_shorter_than_length_field)
{
    struct table t;
    struct madt_info m;
    CHECK(load("madt-qemu-smp4.hex", &t));
    CHECK(madt_parse(t.bytes, t.len - 1, &m) == -ACPI_ESHORT);
    CHECK(madt_parse(t.bytes, 20, &m) == -ACPI_ESHORT);
    put32(t.bytes + 4, 40); /* a header with no room for the MADT fields */
    fix_checksum(t.bytes, 40, 9);
    CHECK(madt_parse(t.bytes, t.len, &m) == -ACPI_ESHORT);
}

HOST_TEST(length_field_cuts_an_entry)
{
    struct table t;
    struct madt_info m;
    CHECK(load("madt-qemu-smp4.hex", &t));
    uint32_t cut = t.len - 3; /* inside the last (NMI) entry */
    put32(t.bytes + 4, cut);
    fix_checksum(t.bytes, cut, 9);
    CHECK(madt_parse(t.bytes, t.len, &m) == -ACPI_EENTRY);
    cut = MADT_ENTRIES_OFFSET + 1; /* not even a type and length */
    put32(t.bytes + 4, cut);
    fix_checksum(t.bytes, cut, 9);
    CHECK(madt_parse(t.bytes, t.len, &m) == -ACPI_EENTRY);
}

HOST_TEST(zero_and_short_entry_lengths_rejected)
{
    static const uint8_t zero[] = { MADT_LAPIC, 0, 0, 0, 1, 0, 0, 0 };
    static const uint8_t unknown_zero[] = { 0x7f, 0 };
    static const uint8_t one[] = { 0x7f, 1 };
    static const uint8_t short_ioapic[] = { MADT_IOAPIC, 8, 0, 0, 0, 0, 0xc0, 0xfe };
    const struct { const uint8_t *e; size_t len; } cases[] = {
        { zero, sizeof(zero) }, { unknown_zero, sizeof(unknown_zero) }, { one, sizeof(one) },
        { short_ioapic, sizeof(short_ioapic) },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct table t;
        struct madt_info m;
        madt_begin(&t);
        add_lapic(&t, 0, 0, MADT_CPU_ENABLED);
        madt_add(&t, cases[i].e, cases[i].len);
        madt_finish(&t);
        CHECK(madt_parse(t.bytes, t.len, &m) == -ACPI_EENTRY);
    }
}

HOST_TEST(disabled_and_online_capable_cpus_skipped)
{
    struct table t;
    struct madt_info m;
    madt_begin(&t);
    add_lapic(&t, 0, 0, MADT_CPU_ENABLED);
    add_lapic(&t, 1, 1, 0);
    add_lapic(&t, 2, 2, MADT_CPU_ONLINE_CAPABLE);
    add_lapic(&t, 3, 3, MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE);
    madt_finish(&t);
    CHECK(madt_parse(t.bytes, t.len, &m) == 0);
    CHECK(m.cpu_count == 2);
    CHECK(m.apic_ids[0] == 0 && m.apic_ids[1] == 3 && m.acpi_uids[1] == 3);
    CHECK(m.cpus_online_capable == 1);
}

HOST_TEST(x2apic_entries_and_address_override)
{
    struct table t;
    struct madt_info m;
    madt_begin(&t);
    add_lapic(&t, 0, 0, MADT_CPU_ENABLED);
    add_x2apic(&t, 0x100, MADT_CPU_ENABLED, 256);
    add_x2apic(&t, 0x101, 0, 257);
    add_x2apic(&t, 0, MADT_CPU_ENABLED, 0); /* the boot CPU again */
    uint8_t addr[12] = { MADT_LAPIC_ADDRESS, 12 };
    put64(addr + 4, 0x1234fee00000ull);
    madt_add(&t, addr, sizeof(addr));
    uint8_t nmi[12] = { MADT_X2APIC_NMI, 12, 5, 0 };
    put32(nmi + 4, 256);
    nmi[8] = 1;
    madt_add(&t, nmi, sizeof(nmi));
    static const uint8_t unknown[] = { 0x42, 5, 1, 2, 3 };
    madt_add(&t, unknown, sizeof(unknown));
    madt_finish(&t);
    CHECK(madt_parse(t.bytes, t.len, &m) == 0);
    CHECK(m.cpu_count == 2);
    CHECK(m.apic_ids[1] == 0x100 && m.acpi_uids[1] == 256);
    CHECK(m.lapic_phys == 0x1234fee00000ull);
    CHECK(m.nmi_count == 1 && m.nmis[0].acpi_uid == 256 && m.nmis[0].lint == 1);
    CHECK(m.nmis[0].flags == 5);
}

HOST_TEST(more_ioapics_than_fit_are_counted)
{
    struct table t;
    struct madt_info m;
    madt_begin(&t);
    add_lapic(&t, 0, 0, MADT_CPU_ENABLED);
    for (int i = 0; i < MADT_MAX_IOAPICS + 2; i++)
        add_ioapic_entry(&t, i, 0xfec00000 + 0x1000 * i, 24 * i);
    madt_finish(&t);
    CHECK(madt_parse(t.bytes, t.len, &m) == 0);
    CHECK(m.ioapic_count == MADT_MAX_IOAPICS);
    CHECK(m.ioapics[1].id == 1 && m.ioapics[1].phys == 0xfec01000);
    CHECK(m.ioapics[1].gsi_base == 24);
    CHECK(m.dropped == 2);
}

/* Builds an RSDP: revision 2 with XSDT 'xsdt' if xsdt != 0, else revision 0. */
static void make_rsdp(uint8_t r[36], uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "PRUNE ", 6);
    put32(r + 16, rsdt);
    if (xsdt) {
        r[15] = 2;
        put32(r + 20, 36);
        put64(r + 24, xsdt);
    }
    fix_checksum(r, 20, 8);
    if (xsdt)
        fix_checksum(r, 36, 32);
}

HOST_TEST(rsdp_v1_and_v2)
{
    uint8_t r[36];
    uint64_t root;
    bool xsdt;
    make_rsdp(r, 0x7fe0000, 0);
    CHECK(acpi_rsdp_parse(r, 20, 14, &root, &xsdt) == 0);
    CHECK(root == 0x7fe0000 && !xsdt);
    make_rsdp(r, 0x7fe0000, 0x7fe1000);
    CHECK(acpi_rsdp_parse(r, 36, 15, &root, &xsdt) == 0);
    CHECK(root == 0x7fe1000 && xsdt);
    CHECK(acpi_rsdp_parse(r, 36, 14, &root, &xsdt) == 0); /* old tag: RSDT */
    CHECK(root == 0x7fe0000 && !xsdt);
    CHECK(acpi_rsdp_parse(r, 19, 14, &root, &xsdt) == -ACPI_ESHORT);
}

HOST_TEST(rsdp_bad_checksums_and_signature)
{
    uint8_t r[36];
    uint64_t root;
    bool xsdt;
    make_rsdp(r, 0x7fe0000, 0x7fe1000);
    r[30] ^= 0x10; /* XSDT address: only the extended checksum covers it */
    CHECK(acpi_rsdp_parse(r, 36, 15, &root, &xsdt) == -ACPI_ECHECKSUM);
    make_rsdp(r, 0x7fe0000, 0x7fe1000);
    r[16] ^= 0x10; /* RSDT address: both checksums cover it */
    CHECK(acpi_rsdp_parse(r, 36, 15, &root, &xsdt) == -ACPI_ECHECKSUM);
    make_rsdp(r, 0x7fe0000, 0);
    r[0] = 'X';
    CHECK(acpi_rsdp_parse(r, 20, 14, &root, &xsdt) == -ACPI_ESIGNATURE);
}

HOST_TEST(root_tables_list_entries)
{
    uint8_t t[36 + 3 * 8] = "XSDT";
    put32(t + 4, sizeof(t));
    put64(t + 36, 0x7fe2000);
    put64(t + 44, 0x1234567890ull);
    put64(t + 52, 0x7fe3000);
    fix_checksum(t, sizeof(t), 9);
    CHECK(acpi_table_check(t, sizeof(t), "XSDT") == (long)sizeof(t));
    CHECK(acpi_table_check(t, sizeof(t), "RSDT") == -ACPI_ESIGNATURE);
    CHECK(acpi_root_count(sizeof(t), true) == 3);
    CHECK(acpi_root_entry(t, true, 1) == 0x1234567890ull);
    CHECK(acpi_root_count(sizeof(t), false) == 6);
    CHECK(acpi_root_entry(t, false, 4) == 0x7fe3000);
    t[40] ^= 1;
    CHECK(acpi_table_check(t, sizeof(t), "XSDT") == -ACPI_ECHECKSUM);
}

HOST_TEST_MAIN()
