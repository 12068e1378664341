/* Boot-time tests of ACPI discovery (arch/x86_64/acpi.c) on QEMU's tables. */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "tests/kernel/ktest.h"

/* This CPU's APIC id: x2APIC id from CPUID leaf 0xB if there is one, else
 * the 8-bit initial APIC id of leaf 1. */
static uint32_t boot_apic_id(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 0xb) {
        cpuid(0xb, 0, &a, &b, &c, &d);
        if (b != 0)
            return d;
    }
    cpuid(1, 0, &a, &b, &c, &d);
    return b >> 24;
}

KTEST(acpi_madt_lists_boot_cpu_and_ioapic)
{
    KASSERT(acpi_init() == 0);
    const struct madt_info *m = acpi_madt();
    KASSERT(m != NULL);
    KEXPECT(m->cpu_count >= 1);
    KEXPECT(m->lapic_phys == 0xfee00000);
    bool found = false;
    for (int i = 0; i < m->cpu_count; i++)
        found |= m->apic_ids[i] == boot_apic_id();
    KEXPECT(found);
    KASSERT(m->ioapic_count >= 1);
    KEXPECT(m->ioapics[0].phys == 0xfec00000);
    KEXPECT(m->ioapics[0].gsi_base == 0);
}

KTEST(acpi_init_is_idempotent)
{
    int first = acpi_init();
    const struct madt_info *m = acpi_madt();
    KEXPECT(acpi_init() == first);
    KEXPECT(acpi_madt() == m);
}
