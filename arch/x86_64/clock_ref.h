/*
 * Reference clocks: counters of known frequency that the TSC and the local
 * APIC timer are measured against at boot (arch/x86_64/tsc.h). A PC may
 * have any of them; newer PCs gate the 8254 PIT, and firmware may hide the
 * HPET. In the order prune prefers them:
 *
 *   HPET           memory-mapped, >= 10 MHz, 32 or 64 bits (ACPI "HPET" table)
 *   ACPI PM timer  I/O port, 3.579545 MHz, 24 or 32 bits (FADT PM_TMR_BLK)
 *   PIT            I/O ports 0x40-0x43, 1.193182 MHz, channel 2, 16 bits
 *
 * A clock counts as present only when it is described (ACPI) and is seen
 * to count: a read that never changes means the device is absent or off.
 * Boot CPU only, before other CPUs start.
 */
#ifndef ARCH_X86_64_CLOCK_REF_H
#define ARCH_X86_64_CLOCK_REF_H

#include <stdbool.h>
#include <stdint.h>

struct clock_ref {
    const char *name;
    uint64_t hz;
    uint64_t mask;          /* the counter's width: it wraps at mask + 1 */
    uint64_t (*read)(void); /* the counter, counting up */
};

enum clock_ref_id { CLOCK_REF_HPET, CLOCK_REF_PM_TIMER, CLOCK_REF_PIT, CLOCK_REF_COUNT };

/* Fills *ref for clock 'id' and returns true if that clock is present and
 * counting; returns false and sets *why to a short reason otherwise. */
bool clock_ref_probe(enum clock_ref_id id, struct clock_ref *ref, const char **why);

/* The short name of clock 'id' ("hpet", "pmtimer", "pit"), as the
 * command line's calibrate= option names it. */
const char *clock_ref_option_name(enum clock_ref_id id);

#endif
