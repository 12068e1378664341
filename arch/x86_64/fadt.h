/*
 * Two more ACPI tables as bytes: the FADT ("FACP": where the ACPI PM timer
 * is, whether the PC has an 8042 keyboard controller) and the HPET table
 * (where the High Precision Event Timer is). Pure, like madt.h: reads only
 * the buffer it is given, and tests/host/test_fadt.c runs it on recorded
 * and hand-made tables. Finding the tables is arch/x86_64/acpi.c's job.
 */
#ifndef ARCH_X86_64_FADT_H
#define ARCH_X86_64_FADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IAPC_BOOT_ARCH (FADT offset 109, defined from FADT revision 3, ACPI 2.0). */
#define FADT_BOOT_LEGACY_DEVICES (1u << 0) /* ISA/LPC devices the OS may probe */
#define FADT_BOOT_8042 (1u << 1)           /* an 8042 keyboard controller */
#define FADT_BOOT_NO_VGA (1u << 2)         /* do not probe VGA registers */
#define FADT_BOOT_NO_CMOS_RTC (1u << 5)

#define FADT_FIRST_REVISION_WITH_BOOT_ARCH 3
#define FADT_PM_TIMER_HZ 3579545 /* the ACPI PM timer's fixed clock */

struct fadt_info {
    uint8_t revision;
    bool boot_arch_known;   /* revision >= 3: boot_arch means something */
    uint16_t boot_arch;     /* FADT_BOOT_* */
    uint16_t pm_timer_port; /* I/O port of the PM timer, 0 if none */
    bool pm_timer_32bit;    /* TMR_VAL_EXT: 32 bits, else 24 */
    bool hardware_reduced;  /* HW_REDUCED_ACPI: no fixed hardware (no PM timer) */
};

struct hpet_info {
    uint64_t phys;       /* MMIO base of the event timer block */
    uint8_t number;      /* HPET sequence number */
    uint16_t min_tick;   /* minimum periodic clock tick, in counter ticks */
};

/*
 * Parses the FADT at 'table' ('len' readable bytes) into *out after checking
 * its signature, length and checksum. The PM timer's port is PM_TMR_BLK, or
 * X_PM_TMR_BLK when that one is zero and the extended block is in system I/O
 * space; a timer whose PM_TMR_LEN is not 4 counts as absent.
 * Returns 0 or a negated ACPI_E* code (arch/x86_64/madt.h).
 */
int fadt_parse(const void *table, size_t len, struct fadt_info *out);

/* Parses the HPET table at 'table' ('len' readable bytes) into *out: 0, or a
 * negated ACPI_E* code (ACPI_EENTRY if the block is not in memory space). */
int hpet_table_parse(const void *table, size_t len, struct hpet_info *out);

#endif
