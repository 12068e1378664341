/*
 * Finding the ACPI tables at boot: RSDP (from the multiboot2 tags,
 * boot_info.rsdp) -> XSDT or RSDT -> "APIC" (the MADT, parsed by
 * madt_parse(), arch/x86_64/madt.h), "FACP" and "HPET" (fadt_parse() and
 * hpet_table_parse(), arch/x86_64/fadt.h), read through the direct map.
 * See docs/acpi.md.
 *
 * acpi_init() runs on the boot CPU before any other CPU starts; afterwards
 * the result is read-only and acpi_madt() may be called from any CPU.
 */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include "arch/x86_64/fadt.h"
#include "arch/x86_64/madt.h"

/*
 * Finds and parses the MADT, printing what it found or why it gave up (no
 * RSDP, a bad checksum, a table above the direct map...). Never panics: on
 * failure the kernel is meant to run on the boot CPU alone. Idempotent: later
 * calls return the first call's result without looking again.
 * Returns 0 or a negated ACPI_E* code.
 */
int acpi_init(void);

/* The parsed MADT, or NULL if acpi_init() failed or has not run. */
const struct madt_info *acpi_madt(void);

/* The parsed FADT and HPET table (looked up by the same acpi_init(), before
 * the MADT), or NULL if the firmware has none or they did not parse. */
const struct fadt_info *acpi_fadt(void);
const struct hpet_info *acpi_hpet(void);

#endif
