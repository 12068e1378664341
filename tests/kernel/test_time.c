/* Clocks and sleeping (kernel/time.h), the CMOS clock (drivers/rtc.h). */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/clock_ref.h"
#include "arch/x86_64/tsc.h"
#include "drivers/rtc.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp_call.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "tests/kernel/ktest.h"

#define NS_PER_MS 1000000ull

/* 2024-01-01 00:00:00 UTC: any machine running these tests is later. */
#define EPOCH_2024 1704067200ll

KTEST(time_monotonic_never_goes_back)
{
    uint64_t prev = time_monotonic_ns();
    for (int i = 0; i < 100000; i++) {
        uint64_t now = time_monotonic_ns();
        if (!KEXPECT(now >= prev))
            return;
        prev = now;
    }
}

/* Each CPU, one after the other, reads a time no earlier than the one
 * before it (the CPUs' TSCs agree). */
static uint64_t last_read_ns;
static bool cross_cpu_ok = true;

static void read_after_last(void *arg)
{
    (void)arg;
    uint64_t now = time_monotonic_ns();
    if (now < last_read_ns)
        cross_cpu_ok = false;
    last_read_ns = now;
}

KTEST(time_monotonic_across_cpus)
{
    last_read_ns = time_monotonic_ns();
    for (int round = 0; round < 10; round++)
        for (int cpu = 0; cpu < cpu_count; cpu++)
            smp_call_function(1ull << cpu, read_after_last, NULL, true);
    KEXPECT(cross_cpu_ok);
}

KTEST(time_sleep_is_at_least_as_long_as_asked)
{
    /* Against the tick count too, so that a wrong TSC scale shows: with a
     * TSC measured 2,600 times too slow (no PIT before the HPET and PM
     * timer were used), the 64 ms sleep ended after one tick. A loaded
     * host may swallow ticks of a descheduled vCPU (a loaded run saw at
     * most 4 of 6), so a third of them is enough. */
    for (uint64_t ms = 1; ms <= 64; ms *= 4) {
        uint64_t start = time_monotonic_ns(), start_ticks = sched_ticks();
        KEXPECT(time_sleep_until(start + ms * NS_PER_MS) == 0);
        uint64_t slept = time_monotonic_ns() - start;
        uint64_t ticks = sched_ticks() - start_ticks;
        KEXPECT(slept >= ms * NS_PER_MS);
        KEXPECT(ticks * 3 + 1 >= ms * TIMER_HZ / 1000);
        /* No upper bound: how late a sleeper runs depends on the host's
         * load (a test asserts correctness, not timing). */
    }
    /* A deadline in the past returns at once. */
    KEXPECT(time_sleep_until(0) == 0);
}

KTEST(time_deadlines)
{
    uint64_t now = time_monotonic_ns();
    KEXPECT(time_deadline_after(0) >= now);
    KEXPECT(time_deadline_after(INT64_MAX) == UINT64_MAX ||
            time_deadline_after(INT64_MAX) >= (uint64_t)INT64_MAX);
    KEXPECT(time_deadline_at(CLOCK_MONOTONIC, 12345) == 12345);
    KEXPECT(time_deadline_at(CLOCK_MONOTONIC, -5) == 0);
    /* A wall-clock deadline one second from now is one second from now. */
    int64_t wall = time_realtime_ns();
    uint64_t mono = time_monotonic_ns();
    uint64_t d = time_deadline_at(CLOCK_REALTIME, wall + NSEC_PER_SEC);
    KEXPECT(d >= mono + NSEC_PER_SEC - 10 * NS_PER_MS && d <= mono + NSEC_PER_SEC + 10 * NS_PER_MS);
    KEXPECT(time_deadline_at(CLOCK_REALTIME, 0) == 0);
}

KTEST(time_rtc_and_realtime)
{
    int64_t rtc = rtc_read_epoch();
    KEXPECT(rtc >= EPOCH_2024);
    int64_t wall = time_realtime_ns();
    KEXPECT(wall / NSEC_PER_SEC >= EPOCH_2024);
    /* Wall-clock time follows the RTC within its one-second resolution
     * (plus a second for the time between the two reads). */
    int64_t rtc_now = rtc_read_epoch();
    int64_t diff = time_realtime_ns() / NSEC_PER_SEC - rtc_now;
    KEXPECT(diff >= -2 && diff <= 2);
}

KTEST(time_clock_ids)
{
    int64_t ns;
    int valid[] = {CLOCK_REALTIME,        CLOCK_MONOTONIC,        CLOCK_PROCESS_CPUTIME_ID,
                   CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,  CLOCK_REALTIME_COARSE,
                   CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,        CLOCK_TAI};
    for (unsigned i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        KEXPECT(clock_read_ns(valid[i], &ns) == 0 && ns > 0);
    KEXPECT(clock_read_ns(8, &ns) == -EINVAL);  /* CLOCK_REALTIME_ALARM */
    KEXPECT(clock_read_ns(12, &ns) == -EINVAL);
    KEXPECT(clock_read_ns(-1, &ns) == -EINVAL); /* a process CPU clock */
}

/* The TSC frequency in use is believable, and every reference clock this
 * machine has measures the same one, within 10%: a clock that is absent,
 * stopped or read wrongly gives a figure off by a large factor (a PIT that
 * does not count made it 2 MHz instead of 2,600). */
KTEST(time_reference_clocks_agree)
{
    KEXPECT(tsc_hz_believable(tsc_hz));
    KEXPECT(tsc_info()->source != NULL);
    KEXPECT(!tsc_hz_believable(2000000));
    KEXPECT(!tsc_hz_believable(20000000000ull));
    for (int id = 0; id < CLOCK_REF_COUNT; id++) {
        struct clock_ref ref;
        const char *why;
        if (!clock_ref_probe(id, &ref, &why)) {
            printk("    # %s: absent (%s)\n", clock_ref_option_name(id), why);
            continue;
        }
        uint64_t hz = tsc_measure(&ref);
        printk("    # %s: TSC %lu kHz\n", ref.name, hz / 1000);
        KEXPECT(hz > tsc_hz - tsc_hz / 10 && hz < tsc_hz + tsc_hz / 10);
    }
}
