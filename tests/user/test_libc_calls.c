/*
 * The calls the C libraries make at start-up and soon after (glibc:
 * set_robust_list, rseq, readlink("/proc/self/exe"), prlimit64; pthreads:
 * clone3; sysconf and qsort: sched_getaffinity, sysinfo; prctl), each
 * checked for Linux's answer: prctl's name and parent-death signal,
 * the robust list read back, rseq (Linux registers it, or says EBUSY when
 * glibc already did; prune: ENOSYS, which glibc copes with), the
 * executable's path, sysinfo's figures, the CPU mask, and a thread. Run
 * under tools/user-test.sh, any "prune: unknown syscall" line the kernel
 * prints fails the run too.
 */
#include "ut.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>

static void name_and_parent_death(void)
{
    char name[16];
    EXPECT_ERRNO("PR_SET_NAME", prctl(PR_SET_NAME, "a-rather-long-thread-name"), 0);
    EXPECT_ERRNO("PR_GET_NAME", prctl(PR_GET_NAME, name), 0);
    printf("name cut to 15 bytes: %s\n", name);
    CHECK(strcmp(name, "a-rather-long-t") == 0);
    EXPECT_ERRNO("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65), EINVAL);
    EXPECT_ERRNO("an unknown option", prctl(1000, 0, 0, 0, 0), EINVAL);
    EXPECT_ERRNO("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE) == 1 ? 0 : -1, 0);

    /* a grandchild asks for SIGUSR1 when its parent dies; the parent dies */
    int ready[2], told[2];
    CHECK(pipe(ready) == 0 && pipe(told) == 0);
    pid_t middle = fork();
    if (middle == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            sigset_t usr1;
            sigemptyset(&usr1);
            sigaddset(&usr1, SIGUSR1);
            sigprocmask(SIG_BLOCK, &usr1, NULL);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            int sig = 0;
            prctl(PR_GET_PDEATHSIG, &sig);
            char c = (char)sig;
            (void)write(ready[1], &c, 1);
            struct timespec bound = {20, 0}; /* no signal at all: fail, not hang */
            int got = sigtimedwait(&usr1, NULL, &bound);
            c = (char)(got > 0 ? got : 0);
            (void)write(told[1], &c, 1);
            _exit(0);
        }
        char c;
        (void)read(ready[0], &c, 1);
        _exit(c == SIGUSR1 ? 0 : 1);
    }
    int status;
    waitpid(middle, &status, 0);
    printf("PR_GET_PDEATHSIG read back: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char sig = 0;
    CHECK(read(told[0], &sig, 1) == 1);
    printf("the grandchild got signal %d when its parent exited\n", sig);
    CHECK(sig == SIGUSR1);
    close(ready[0]);
    close(ready[1]);
    close(told[0]);
    close(told[1]);
}

static void robust_list_and_rseq(void)
{
    static uint64_t head[3];
    EXPECT_ERRNO("set_robust_list, wrong size", syscall(SYS_set_robust_list, head, 8), EINVAL);
    uint64_t old_head = 0;
    size_t old_len = 0;
    CHECK(syscall(SYS_get_robust_list, 0, &old_head, &old_len) == 0);
    EXPECT_ERRNO("set_robust_list", syscall(SYS_set_robust_list, head, sizeof(head)), 0);
    uint64_t got = 0;
    size_t len = 0;
    EXPECT_ERRNO("get_robust_list", syscall(SYS_get_robust_list, 0, &got, &len), 0);
    CHECK(got == (uint64_t)(uintptr_t)head && len == sizeof(head));
    EXPECT_ERRNO("get_robust_list of no thread", syscall(SYS_get_robust_list, 999999, &got, &len),
                 ESRCH);
    syscall(SYS_set_robust_list, (void *)(uintptr_t)old_head, old_len ? old_len : sizeof(head));

    static struct { uint32_t cpu_id_start, cpu_id; uint64_t cs; uint32_t flags; } __attribute__((
        aligned(32))) area;
    errno = 0;
    long r = syscall(SYS_rseq, &area, 32, 0, 0x53053053);
    int e = errno;
    printf("rseq: %s\n", r == 0 ? "registered" : ut_errname(e));
    CHECK(r == 0 || e == EBUSY || e == EINVAL || e == ENOSYS);
    if (r == 0)
        syscall(SYS_rseq, &area, 32, 1, 0x53053053); /* unregister */
}

static void executable_path(void)
{
    char path[256];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    CHECK(n > 0);
    path[n > 0 ? n : 0] = '\0';
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    printf("/proc/self/exe ends in %s\n", base);
    CHECK(strncmp(base, "test_libc_calls", 15) == 0);
    char cut[4];
    EXPECT_ERRNO("readlink into 4 bytes", readlink("/proc/self/exe", cut, sizeof(cut)) == 4 ? 0 : -1,
                 0);
    EXPECT_ERRNO("readlink of a file that is no link", readlink("/proc/self/status", path, 8),
                 EINVAL);
    EXPECT_ERRNO("readlink of nothing", readlink("/no/such/file", path, 8), ENOENT);
    EXPECT_ERRNO("readlink, size 0", syscall(SYS_readlink, "/proc/self/exe", path, 0), EINVAL);
}

static void system_figures(void)
{
    struct sysinfo si;
    EXPECT_ERRNO("sysinfo", sysinfo(&si), 0);
    CHECK(si.uptime > 0 && si.mem_unit >= 1 && si.procs >= 1);
    CHECK(si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram);
    long pages = sysconf(_SC_PHYS_PAGES);
    printf("sysinfo and sysconf agree on the memory: %s\n",
           pages > 0 && (uint64_t)pages * sysconf(_SC_PAGESIZE) <=
                            (uint64_t)si.totalram * si.mem_unit + 4096 ? "yes" : "no");
    CHECK(pages > 0);
    EXPECT_ERRNO("sysinfo to NULL", syscall(SYS_sysinfo, NULL), EFAULT);

    cpu_set_t set;
    CPU_ZERO(&set);
    EXPECT_ERRNO("sched_getaffinity", sched_getaffinity(0, sizeof(set), &set), 0);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    printf("CPUs in our mask: as many as online: %s\n", CPU_COUNT(&set) == online ? "yes" : "no");
    CHECK(CPU_COUNT(&set) >= 1);
    EXPECT_ERRNO("sched_getaffinity, 4 bytes", syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL);
    EXPECT_ERRNO("sched_getaffinity, 8 bytes",
                 syscall(SYS_sched_getaffinity, 0, 8, &set) == 8 ? 0 : -1, 0);
    EXPECT_ERRNO("sched_getaffinity of no thread", syscall(SYS_sched_getaffinity, 999999, 8, &set),
                 ESRCH);
}

static void *thread_body(void *arg)
{
    return (void *)((uintptr_t)arg + 1);
}

static void a_thread(void)
{
    pthread_t t;
    void *ret = NULL;
    CHECK(pthread_create(&t, NULL, thread_body, (void *)41) == 0);
    CHECK(pthread_join(t, &ret) == 0);
    printf("a thread ran: returned %lu\n", (unsigned long)(uintptr_t)ret);
    CHECK(ret == (void *)42);
}

int main(void)
{
    ut_start();
    name_and_parent_death();
    robust_list_and_rseq();
    executable_path();
    system_figures();
    a_thread();
    return ut_finish("test_libc_calls");
}
