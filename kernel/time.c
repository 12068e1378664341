/* Clocks, sleeping, and their system calls; see kernel/time.h. */
#include "kernel/time.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/uaccess.h"
#include "drivers/rtc.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"

/* Linux's struct timespec / struct timeval / struct timezone (x86_64). */
struct user_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

struct user_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

struct user_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};

/* Resolution reported for the coarse clocks: one tick. */
#define COARSE_RES_NS (NSEC_PER_SEC / TIMER_HZ)

/*
 * realtime_offset_ns: wall-clock time minus monotonic time, set once by
 * the first time_realtime_ns() under realtime_lock, then published by the
 * release store of realtime_ready; readers that see realtime_ready (acquire)
 * read it without the lock.
 */
static struct spinlock realtime_lock = SPINLOCK_INIT("realtime");
static int64_t realtime_offset_ns;
static bool realtime_ready;

uint64_t time_monotonic_ns(void)
{
    return tsc_to_ns(rdtsc());
}

uint64_t time_cycles(void)
{
    return rdtsc();
}

uint64_t time_cycles_per_second(void)
{
    return tsc_hz;
}

/* Wall-clock minus monotonic time; reads the RTC on the first call after
 * the TSC is calibrated. Before that (the initrd is unpacked into the
 * tmpfs earlier, and stamps its files) monotonic time reads 0: the RTC
 * alone gives the time, and nothing is kept, or the TSC's count since the
 * machine's reset (seconds of UEFI firmware) would be added to every later
 * reading. */
static int64_t realtime_offset(void)
{
    if (__atomic_load_n(&realtime_ready, __ATOMIC_ACQUIRE))
        return realtime_offset_ns;
    if (time_cycles_per_second() == 0) {
        int64_t epoch = rtc_read_epoch();
        return (epoch > 0 ? epoch : 0) * NSEC_PER_SEC;
    }
    spin_lock(&realtime_lock);
    if (!realtime_ready) {
        int64_t epoch = rtc_read_epoch();
        if (epoch < 0) {
            printk("prune: the CMOS clock reads no valid date; wall-clock time starts at 1970\n");
            epoch = 0;
        }
        realtime_offset_ns = epoch * NSEC_PER_SEC - (int64_t)time_monotonic_ns();
        __atomic_store_n(&realtime_ready, true, __ATOMIC_RELEASE);
    }
    spin_unlock(&realtime_lock);
    return realtime_offset_ns;
}

int64_t time_realtime_ns(void)
{
    return realtime_offset() + (int64_t)time_monotonic_ns();
}

/* True for the clocks that show wall-clock time. */
static bool clock_is_wall(int clockid)
{
    return clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_COARSE ||
           clockid == CLOCK_TAI;
}

int clock_read_ns(int clockid, int64_t *out)
{
    switch (clockid) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI: /* Linux's TAI offset is 0 until NTP sets it */
        *out = time_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME: /* prune never suspends */
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *out = (int64_t)time_monotonic_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

uint64_t time_deadline_after(int64_t ns)
{
    uint64_t now = time_monotonic_ns();
    return (uint64_t)ns > UINT64_MAX - now ? UINT64_MAX : now + (uint64_t)ns;
}

uint64_t time_deadline_at(int clockid, int64_t abs_ns)
{
    if (abs_ns < 0)
        abs_ns = 0;
    if (!clock_is_wall(clockid))
        return (uint64_t)abs_ns;
    /* abs_ns - offset, computed without signed overflow. */
    int64_t offset = realtime_offset();
    if (offset < 0)
        return (uint64_t)abs_ns + (uint64_t)-offset;
    return abs_ns <= offset ? 0 : (uint64_t)(abs_ns - offset);
}

int time_sleep_until(uint64_t deadline)
{
    struct wait_entry we = {0};
    bool timed = deadline != UINT64_MAX;
    int ret = 0;
    for (;;) {
        if (timed)
            prepare_to_wait(&tick_wait_queue, &we);
        else
            sched_set_current_state(THREAD_SLEEPING); /* a signal's sender wakes us */
        if (timed && time_monotonic_ns() >= deadline)
            break;
        if (signal_pending()) {
            ret = -EINTR;
            break;
        }
        schedule();
    }
    if (timed)
        finish_wait(&tick_wait_queue, &we);
    else
        sched_set_current_state(THREAD_RUNNING);
    return ret;
}

int timespec_from_user(uint64_t uts, int64_t *ns)
{
    struct user_timespec ts;
    if (copy_from_user(&ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    if (ts.tv_sec >= INT64_MAX / NSEC_PER_SEC)
        *ns = INT64_MAX;
    else
        *ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
    return 0;
}

int timespec_to_user(uint64_t uts, int64_t ns)
{
    struct user_timespec ts = {ns / NSEC_PER_SEC, ns % NSEC_PER_SEC};
    return copy_to_user(uts, &ts, sizeof(ts));
}

static long sys_clock_gettime(uint64_t clockid, uint64_t utp)
{
    int64_t ns;
    int ret = clock_read_ns((int)clockid, &ns);
    if (ret)
        return ret;
    return timespec_to_user(utp, ns);
}
SYSCALL(SYS_clock_gettime, sys_clock_gettime);

static long sys_clock_getres(uint64_t clockid, uint64_t ures)
{
    int64_t ns;
    int ret = clock_read_ns((int)clockid, &ns);
    if (ret)
        return ret;
    if (!ures)
        return 0;
    bool coarse = clockid == CLOCK_REALTIME_COARSE || clockid == CLOCK_MONOTONIC_COARSE;
    return timespec_to_user(ures, coarse ? COARSE_RES_NS : 1);
}
SYSCALL(SYS_clock_getres, sys_clock_getres);

/*
 * A relative sleep until 'deadline' (nanosleep, clock_nanosleep without
 * TIMER_ABSTIME). Interrupted by a signal, it writes the time left to
 * 'urem' (if not 0) and returns -ERESTART_RESTARTBLOCK: a handler turns
 * that into -EINTR; without one, restart_syscall() sleeps on to the same
 * deadline (the restart block), as Linux's hrtimer_nanosleep_restart().
 */
static long sleep_restart(struct restart_block *rb);

static long relative_sleep(uint64_t deadline, uint64_t urem)
{
    if (time_sleep_until(deadline) == 0)
        return 0;
    if (urem) {
        uint64_t now = time_monotonic_ns();
        if (timespec_to_user(urem, now < deadline ? (int64_t)(deadline - now) : 0))
            return -EFAULT;
    }
    struct restart_block *rb = &current_thread()->sig.restart;
    rb->fn = sleep_restart;
    rb->deadline = deadline;
    rb->uaddr = urem;
    return -ERESTART_RESTARTBLOCK;
}

static long sleep_restart(struct restart_block *rb)
{
    return relative_sleep(rb->deadline, rb->uaddr);
}

static long sys_nanosleep(uint64_t ureq, uint64_t urem)
{
    int64_t ns;
    int ret = timespec_from_user(ureq, &ns);
    if (ret)
        return ret;
    return relative_sleep(time_deadline_after(ns), urem);
}
SYSCALL(SYS_nanosleep, sys_nanosleep);

/* Linux's order of checks: the clock (-EINVAL unknown, -EOPNOTSUPP if it
 * cannot sleep), then the request (-EFAULT, -EINVAL). Flags other than
 * TIMER_ABSTIME are ignored, as on Linux. */
static long sys_clock_nanosleep(uint64_t clockid, uint64_t flags, uint64_t ureq, uint64_t urem)
{
    int64_t ns;
    if (clock_read_ns((int)clockid, &ns))
        return -EINVAL;
    if (clockid == CLOCK_MONOTONIC_RAW || clockid == CLOCK_REALTIME_COARSE ||
        clockid == CLOCK_MONOTONIC_COARSE || clockid == CLOCK_THREAD_CPUTIME_ID)
        return -EOPNOTSUPP;
    int ret = timespec_from_user(ureq, &ns);
    if (ret)
        return ret;
    if (flags & TIMER_ABSTIME) /* a restart sleeps to the same deadline */
        return time_sleep_until(time_deadline_at((int)clockid, ns)) ? -ERESTARTNOHAND : 0;
    return relative_sleep(time_deadline_after(ns), urem);
}
SYSCALL(SYS_clock_nanosleep, sys_clock_nanosleep);

static long sys_gettimeofday(uint64_t utv, uint64_t utz)
{
    if (utv) {
        int64_t ns = time_realtime_ns();
        struct user_timeval tv = {ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / NSEC_PER_USEC};
        if (copy_to_user(utv, &tv, sizeof(tv)))
            return -EFAULT;
    }
    if (utz) {
        struct user_timezone tz = {0, 0};
        if (copy_to_user(utz, &tz, sizeof(tz)))
            return -EFAULT;
    }
    return 0;
}
SYSCALL(SYS_gettimeofday, sys_gettimeofday);

static long sys_time(uint64_t utloc)
{
    int64_t seconds = time_realtime_ns() / NSEC_PER_SEC;
    if (utloc && put_user_u64(utloc, (uint64_t)seconds))
        return -EFAULT;
    return seconds;
}
SYSCALL(SYS_time, sys_time);
