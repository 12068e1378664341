/*
 * Time: the clocks of clock_gettime and the sleeps of nanosleep and timed
 * futex waits. See docs/userspace.md, "Time".
 *
 * Monotonic time is the TSC converted with its frequency (found at boot,
 * arch/x86_64/tsc.h): nanoseconds since the machine started. Wall-clock time
 * (CLOCK_REALTIME) is the CMOS RTC, read once on first use, plus the
 * monotonic time elapsed since; nothing sets it, so it never jumps and an
 * absolute REALTIME deadline is a fixed monotonic one.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ll
#define NSEC_PER_USEC 1000ll

/* Linux clock ids. */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

#define TIMER_ABSTIME 1 /* clock_nanosleep: the time is a deadline, not a length */

/* Nanoseconds since the machine started (after tsc_calibrate). Never
 * goes back on one CPU, nor across CPUs whose TSCs agree (QEMU's do). */
uint64_t time_monotonic_ns(void);

/* The TSC: cycles since the CPU was reset (timestamps of mm/pt_trace.h),
 * and how many it counts per second. */
uint64_t time_cycles(void);
uint64_t time_cycles_per_second(void);

/* Nanoseconds since 1970-01-01 00:00:00 UTC. The first call reads the RTC
 * (process context). */
int64_t time_realtime_ns(void);

/* The time of clock 'clockid' in nanoseconds: 0, or -EINVAL if prune does
 * not have that clock. CPU-time clocks are approximated by monotonic time. */
int clock_read_ns(int clockid, int64_t *out);

/* The monotonic deadline 'ns' (>= 0) nanoseconds from now, saturating. */
uint64_t time_deadline_after(int64_t ns);

/* The monotonic deadline at which clock 'clockid' (one clock_read_ns
 * knows) reads 'abs_ns'; 0 if that is before the machine started. */
uint64_t time_deadline_at(int clockid, int64_t abs_ns);

/* Sleeps until monotonic time reaches 'deadline', waking at each tick to
 * check (so up to one tick, 1/TIMER_HZ s, late); UINT64_MAX sleeps with no
 * deadline and no tick. Returns 0, or -EINTR as soon as a signal is
 * pending (signal_pending(), kernel/signal.h). Process context, no lock
 * held. */
int time_sleep_until(uint64_t deadline);

/* Reads a user struct timespec as nanoseconds (saturating at INT64_MAX):
 * 0, -EFAULT, or -EINVAL if tv_sec < 0 or tv_nsec is not in [0, 1e9). */
int timespec_from_user(uint64_t uts, int64_t *ns);

/* Writes ns (>= 0) as a user struct timespec: 0 or -EFAULT. */
int timespec_to_user(uint64_t uts, int64_t ns);

#endif
