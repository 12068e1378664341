/*
 * The TSC's frequency, found once at boot, and what it is used for:
 * monotonic time (kernel/time.h), udelay(), the local APIC timer's tick.
 *
 * Where the frequency comes from, first that gives a believable figure
 * (between TSC_MIN_HZ and TSC_MAX_HZ) wins:
 *   1. CPUID leaf 0x15 (crystal clock x TSC ratio), or leaf 0x16 (base MHz);
 *   2. measured against a reference clock (arch/x86_64/clock_ref.h): the
 *      HPET, the ACPI PM timer, then the PIT.
 * The next source that gives a believable figure cross-checks the first;
 * both are printed. "calibrate=cpuid|hpet|pmtimer|pit" on the command line
 * puts one source first. No believable figure at all stops the boot: every
 * time-out would be wrong.
 */
#ifndef ARCH_X86_64_TSC_H
#define ARCH_X86_64_TSC_H

#include <stdbool.h>
#include <stdint.h>

#define TSC_MIN_HZ 100000000ul     /* 100 MHz: no x86_64 CPU's TSC is slower */
#define TSC_MAX_HZ 10000000000ul   /* 10 GHz: nor faster */

/* What tsc_calibrate() found; read-only after it. */
struct tsc_info {
    uint64_t hz;              /* the TSC's frequency */
    const char *source;       /* where hz came from: "CPUID leaf 0x15", "HPET"... */
    uint64_t check_hz;        /* a second source's figure, 0 if none */
    const char *check_source; /* its name, NULL if none */
    uint64_t crystal_hz;      /* CPUID 0x15's core crystal (the APIC timer's clock), or 0 */
    bool invariant;           /* CPUID 0x80000007 EDX[8]: constant rate in every P/C-state */
    bool deadline_timer;      /* CPUID 1 ECX[24]: the APIC timer takes a TSC deadline */
};

/* The TSC's frequency in Hz (tsc_info()->hz), for quick reads. */
extern uint64_t tsc_hz;

/* Boot CPU, after acpi_init(), before lapic_init_boot(): finds the TSC's
 * frequency and prints where from. Panics if no source gives a figure in
 * [TSC_MIN_HZ, TSC_MAX_HZ]. */
void tsc_calibrate(void);

const struct tsc_info *tsc_info(void);

/* True if 'hz' is a believable TSC frequency. */
bool tsc_hz_believable(uint64_t hz);

struct clock_ref;
/* Measures the TSC against 'ref' (the median of three short runs) and
 * returns its frequency in Hz. Boot CPU or a test; takes about 75 ms. */
uint64_t tsc_measure(const struct clock_ref *ref);

/* Nanoseconds in 'cycles' TSC cycles (after tsc_calibrate). */
uint64_t tsc_to_ns(uint64_t cycles);

/* Busy-waits 'us' microseconds using the TSC (after tsc_calibrate). */
void udelay(uint64_t us);

#endif
