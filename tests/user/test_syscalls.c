/*
 * The smaller system calls musl programs lean on: getpid/getppid/gettid,
 * sched_yield, clock_gettime and nanosleep/clock_nanosleep, uname, getrandom,
 * ioctl(TIOCGWINSZ) on a non-terminal (a pipe), rt_sigprocmask, kill and tgkill with
 * default actions, and process_vm_readv/process_vm_writev on a child.
 * Raw system calls where musl would use the host's vDSO.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

static long now_ns(clockid_t clock)
{
    struct timespec ts;
    if (syscall(SYS_clock_gettime, clock, &ts) != 0)
        return -1;
    return ts.tv_sec * 1000000000l + ts.tv_nsec;
}

static void clocks(void)
{
    long t0 = now_ns(CLOCK_MONOTONIC);
    long prev = t0;
    int backwards = 0;
    for (int i = 0; i < 1000; i++) {
        long t = now_ns(CLOCK_MONOTONIC);
        backwards += t < prev;
        prev = t;
    }
    printf("CLOCK_MONOTONIC never goes back: %s\n", backwards ? "no" : "yes");
    CHECK(t0 > 0 && !backwards);
    CHECK(now_ns(CLOCK_REALTIME) > 0);

    struct timespec twenty_ms = { 0, 20 * 1000 * 1000 };
    long start = now_ns(CLOCK_MONOTONIC);
    EXPECT_ERRNO("nanosleep 20 ms", nanosleep(&twenty_ms, NULL), 0);
    long slept = now_ns(CLOCK_MONOTONIC) - start;
    printf("slept at least 20 ms: %s\n", slept >= 20000000 ? "yes" : "no");
    CHECK(slept >= 20000000);
    start = now_ns(CLOCK_MONOTONIC);
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &twenty_ms, NULL) == 0);
    CHECK(now_ns(CLOCK_MONOTONIC) - start >= 20000000);
    struct timespec bad = { 0, 1000000000 };
    EXPECT_ERRNO("nanosleep with tv_nsec 10^9", syscall(SYS_nanosleep, &bad, NULL), EINVAL);
    EXPECT_ERRNO("clock_gettime of clock 12345", syscall(SYS_clock_gettime, 12345, &bad), EINVAL);
}

static void identity(void)
{
    pid_t me = getpid();
    CHECK(me > 0);
    CHECK(syscall(SYS_gettid) == me);
    CHECK(getppid() >= 0);
    pid_t child = fork();
    if (child == 0)
        _exit(getppid() == me ? 0 : 1);
    int status = 0;
    CHECK(wait4(child, &status, 0, NULL) == child);
    printf("child's getppid is the parent: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_ERRNO("sched_yield", sched_yield(), 0);

    struct utsname u;
    EXPECT_ERRNO("uname", uname(&u), 0);
    CHECK(u.sysname[0] && u.release[0] && strcmp(u.machine, "x86_64") == 0);
    printf("uname machine: %s\n", u.machine);
}

static void randomness(void)
{
    unsigned char a[32] = { 0 }, b[32] = { 0 };
    EXPECT_ERRNO("getrandom 32 bytes", syscall(SYS_getrandom, a, sizeof(a), 0) == 32 ? 0 : -1, 0);
    syscall(SYS_getrandom, b, sizeof(b), 0);
    printf("two getrandom results differ: %s\n", memcmp(a, b, sizeof(a)) ? "yes" : "no");
    CHECK(memcmp(a, b, sizeof(a)) != 0);
}

static void terminal_and_signals(void)
{
    struct winsize ws;
    int p[2];
    CHECK(pipe(p) == 0);
    EXPECT_ERRNO("ioctl TIOCGWINSZ on a pipe", ioctl(p[1], TIOCGWINSZ, &ws), ENOTTY);
    close(p[0]);
    close(p[1]);

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    EXPECT_ERRNO("rt_sigprocmask block SIGUSR1", sigprocmask(SIG_BLOCK, &block, &old), 0);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1));
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);

    pid_t child = fork();
    if (child == 0) {
        struct timespec second = { 1, 0 };
        for (int i = 0; i < 10; i++)
            nanosleep(&second, NULL);
        _exit(0);
    }
    EXPECT_ERRNO("kill SIGTERM", kill(child, SIGTERM), 0);
    int status = 0;
    wait4(child, &status, 0, NULL);
    printf("child sent SIGTERM: %s\n", ut_status_text(status));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    child = fork();
    if (child == 0) {
        syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGKILL);
        _exit(0);
    }
    wait4(child, &status, 0, NULL);
    printf("child tgkills itself with SIGKILL: %s\n", ut_status_text(status));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    EXPECT_ERRNO("kill a reaped child", kill(child, 0), ESRCH);
    EXPECT_ERRNO("kill with signal 1000", kill(getpid(), 1000), EINVAL);
}

static volatile long child_value = 1;  /* the child sets 42, the parent reads it */
static volatile long child_go;         /* the parent writes 1 into the child's copy */

static void other_process_memory(void)
{
    pid_t child = fork();
    if (child == 0) {
        child_value = 42;
        struct timespec ms = { 0, 1000 * 1000 };
        long give_up = now_ns(CLOCK_MONOTONIC) + 2000000000l; /* 2 s */
        while (!child_go && now_ns(CLOCK_MONOTONIC) < give_up)
            nanosleep(&ms, NULL);
        _exit(child_go == 1 ? 0 : 1);
    }
    long seen = 0;
    struct iovec local = { &seen, sizeof(seen) };
    struct iovec remote = { (void *)&child_value, sizeof(child_value) };
    for (int i = 0; i < 5000 && seen != 42; i++) {
        if (process_vm_readv(child, &local, 1, &remote, 1, 0) != sizeof(seen))
            break;
        sched_yield();
    }
    printf("process_vm_readv of the child's variable: %ld\n", seen);
    CHECK(seen == 42);
    long one = 1;
    struct iovec src = { &one, sizeof(one) };
    struct iovec dst = { (void *)&child_go, sizeof(child_go) };
    EXPECT_ERRNO("process_vm_writev into the child",
                 process_vm_writev(child, &src, 1, &dst, 1, 0) == sizeof(one) ? 0 : -1, 0);
    int status = 0;
    wait4(child, &status, 0, NULL);
    printf("child saw the write: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(child_value == 1 && child_go == 0);
    struct iovec bad = { (void *)16, sizeof(long) };
    EXPECT_ERRNO("process_vm_readv from a bad address",
                 process_vm_readv(getpid(), &local, 1, &bad, 1, 0), EFAULT);
}

int main(void)
{
    ut_start();
    clocks();
    identity();
    randomness();
    terminal_and_signals();
    other_process_memory();
    return ut_finish("test_syscalls");
}
