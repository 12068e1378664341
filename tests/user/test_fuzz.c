/*
 * System call fuzzing: forked children make random system calls (numbers
 * 0..460, arguments drawn from interesting values: 0, -1, small and huge
 * numbers, pointers to valid memory, unaligned, across into a PROT_NONE
 * page, to read-only memory, NULL, kernel addresses, non-canonical ones).
 * Half the children run up to four threads making calls at once, and each
 * child maps an arena (32 pages) that pointer and length arguments often
 * fall in, so that one thread's munmap, mprotect or madvise meets another's
 * user copies there. A child may die of what it did to itself (a signal is
 * fine); the kernel must survive every call: this test passing at all is the
 * check. The seed is fixed, so a run is reproducible on one machine (up to
 * the threads' timing).
 *
 * Calls that would end or replace the child (exit, exit_group, execve) or
 * may block without end (pause, sigsuspend, poll...) are left out; sleeps and
 * futex waits get a short time-out; the kill family never targets the parent
 * (pid 0, -1, 1 or the parent's pid become the child's own). A child of the
 * fork family exits at once. The children close fds 0..2, so no call can
 * read the console (which would block) or write on it.
 * Each child has a budget of calls; the parent watches its progress (a
 * counter in shared memory) and reports a child that stops making progress
 * for 20 s as hung, with the call it is stuck in, then kills it.
 * With -s, the parent also signals the child at random moments (0 to 4 ms
 * apart), to its process or to one of its threads: mostly a signal whose
 * default action is to be ignored (unless the child's random rt_sigaction
 * calls changed that), one time in 32 SIGKILL.
 * Not run on the host: random calls as root on a real machine are a bad idea.
 */
/* prune-test: prune-only */
/* prune-test: unknown-syscalls */
/* prune-test: soak-args: -s SEED 20000 */
#include "ut.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define PG 4096ul
#define MAX_NR 460
#define CALLS_PER_CHILD 100
#define TOTAL_CALLS 6000
#define HANG_MS 20000
#define MAX_THREADS 4

/* What a child's threads are doing, in MAP_SHARED memory the parent reads. */
struct progress {
    atomic_long calls;        /* calls started, by all threads */
    atomic_long enosys;       /* calls that returned -ENOSYS */
    struct {
        volatile int tid;     /* the thread's id, 0 until it starts */
        volatile long nr;     /* the thread's current call and its arguments */
        volatile long args[6];
    } thread[MAX_THREADS];
};

/* One fuzzing thread: its random sequence and its slot in progress. */
struct fuzzer {
    uint64_t rng;
    int slot;
};

static struct progress *progress;
/* With a trace, a child writes each call on this fd before making it. */
#define TRACE_FD 1000
static int tracing;
static pid_t parent_pid;

/* Memory the arguments point to: two read-write pages then a PROT_NONE
 * page; and a read-only page. Each child also maps an arena, where the
 * memory calls of one thread meet the user copies of the others. */
#define ARENA ((char *)0x10000000)
#define ARENA_PAGES 32
static char *rw_pages, *none_page, *ro_page;
static char rw_template[2 * PG];

/* splitmix64 */
static uint64_t rng_next(struct fuzzer *f)
{
    uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_below(struct fuzzer *f, uint64_t n)
{
    return rng_next(f) % n;
}

/* A short timespec (1 ms) and a bad one (tv_nsec too large), for sleeps. */
static const struct timespec short_sleep = { 0, 1000 * 1000 };
static const struct timespec bad_nsec = { 0, 1000 * 1000 * 1000 };

/* An address somewhere interesting. */
static long random_pointer(struct fuzzer *f)
{
    static const unsigned long fixed[] = {
        0, 1, 0x1000, 0x10000,
        0xffff800000000000ul, 0xffff800000001000ul, 0xffff888000000000ul,
        0xffffffff80000000ul, 0xffffffff80100000ul, 0xfffffffffffff000ul,
        0x0000800000000000ul, 0x0000800000001000ul, 0x8000000000000000ul,
        0xdead000000000000ul, 0x00007ffffffff000ul, 0x00007fffffffeffful,
        0x00007fffffffffff,
    };
    switch (rng_below(f, 10)) {
    case 0:
    case 1:
        return (long)fixed[rng_below(f, sizeof(fixed) / sizeof(fixed[0]))];
    case 8:
    case 9: /* a page of the arena, or a little inside one */
        return (long)(ARENA + rng_below(f, ARENA_PAGES) * PG + (rng_below(f, 4) ? 0 : rng_below(f, PG)));
    case 2: /* page-aligned, or inside, of the read-write pages */
        return (long)(rw_pages + rng_below(f, 8) * 256);
    case 3: /* unaligned */
        return (long)(rw_pages + 1 + rng_below(f, 2 * PG - 1));
    case 4: /* running off the end into the PROT_NONE page */
        return (long)(none_page - 1 - rng_below(f, 16));
    case 5:
        return (long)(rng_below(f, 2) ? none_page : ro_page + rng_below(f, PG));
    case 6: /* code, stack */
        return rng_below(f, 2) ? (long)&random_pointer : (long)__builtin_frame_address(0);
    default:
        return (long)rng_next(f);
    }
}

/* An argument: a number or an address. */
static long random_argument(struct fuzzer *f)
{
    static const long fixed[] = {
        0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 4095, 4096, 4097, 65536,
        0x7fffffff, 0x80000000l, 0xffffffffl, 0x100000000l,
        -1, -2, -4095, -4096, INT64_MIN, INT64_MAX, 1l << 40, 1l << 47,
    };
    switch (rng_below(f, 7)) {
    case 0:
    case 1:
        return fixed[rng_below(f, sizeof(fixed) / sizeof(fixed[0]))];
    case 6: /* a length in pages */
        return (long)((1 + rng_below(f, ARENA_PAGES / 2)) * PG);
    case 2:
        return (long)rng_below(f, 1024);
    case 3:
        return (long)rng_next(f);
    default:
        return random_pointer(f);
    }
}

/* Whether nr must never be called: it ends or replaces the process, or it
 * may block for good, or it could reach the machine or the parent. */
static int excluded(long nr)
{
    switch (nr) {
    case SYS_exit: case SYS_exit_group: case SYS_execve: case SYS_execveat:
    case SYS_pause: case SYS_rt_sigsuspend: case SYS_rt_sigtimedwait:
    case SYS_poll: case SYS_select: case SYS_pselect6: case SYS_ppoll:
    case SYS_epoll_wait: case SYS_epoll_pwait: case 441 /* epoll_pwait2 */:
    case SYS_accept: case SYS_accept4: case SYS_recvfrom: case SYS_recvmsg:
    case SYS_recvmmsg: case SYS_msgrcv: case SYS_semop: case SYS_semtimedop:
    case SYS_flock: case SYS_io_getevents: case SYS_io_pgetevents:
    case SYS_mq_timedreceive: case 449 /* futex_waitv */: case 455 /* futex_wait */:
    case SYS_reboot: case SYS_kexec_load: case SYS_kexec_file_load:
    case SYS_ptrace: case SYS_pidfd_send_signal: case SYS_pidfd_open:
        return 1;
    }
    return 0;
}

/* A pid argument that cannot reach the parent (or everybody). */
static long own_unless_foreign(long pid)
{
    int p = (int)pid;
    return p <= 1 || p == parent_pid ? (long)getpid() : pid;
}

/* A signal that cannot stop the child (the parent's wait4 would wait). */
static long no_stop_signal(long sig)
{
    int s = (int)sig;
    return s == SIGSTOP || s == SIGTSTP || s == SIGTTIN || s == SIGTTOU ? 0 : sig;
}

/* A time-out pointer that cannot mean "for ever" or "for long". */
static long short_timeout(struct fuzzer *f)
{
    switch (rng_below(f, 6)) {
    case 0:
        return (long)&bad_nsec;
    case 1:
        return (long)0xffff800000000000ul;
    case 2:
        return (long)none_page;
    default:
        return (long)&short_sleep;
    }
}

/* Makes the arguments of nr safe for the parent and the time budget. */
static void sanitize(struct fuzzer *f, long nr, long *a)
{
    switch (nr) {
    case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo:
        a[0] = own_unless_foreign(a[0]);
        a[1] = no_stop_signal(a[1]);
        break;
    case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
        a[0] = own_unless_foreign(a[0]);
        a[1] = own_unless_foreign(a[1]);
        a[2] = no_stop_signal(a[2]);
        break;
    case SYS_process_vm_readv: case SYS_process_vm_writev:
    case SYS_prlimit64: case SYS_sched_setaffinity: case SYS_setpgid:
    case SYS_sched_setparam: case SYS_sched_setscheduler:
    case SYS_migrate_pages: case SYS_move_pages: case SYS_kcmp:
        a[0] = own_unless_foreign(a[0]);
        break;
    case SYS_setpriority: case SYS_ioprio_set:
        a[1] = own_unless_foreign(a[1]);
        break;
    case SYS_nanosleep:
        a[0] = rng_below(f, 8) ? short_timeout(f) : 0;
        break;
    case SYS_clock_nanosleep:
        a[2] = short_timeout(f);
        break;
    case SYS_futex:
        a[3] = short_timeout(f);
        break;
    case SYS_alarm:
        a[0] = 0;
        break;
    }
}

/* Whether nr makes a new thread or process (its child must exit at once). */
static int creates_child(long nr)
{
    return nr == SYS_clone || nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone3;
}

/*
 * The system call itself. For the fork family, the new thread or process
 * (rax = 0) exits right after the syscall instruction, touching no stack:
 * it may share this stack, or have been given a random one.
 */
static long raw_syscall(long nr, const long *a)
{
    register long r10 __asm__("r10") = a[3];
    register long r8 __asm__("r8") = a[4];
    register long r9 __asm__("r9") = a[5];
    long ret;
    if (creates_child(nr))
        __asm__ volatile("syscall\n\t"
                         "test %%rax, %%rax\n\t"
                         "jnz 1f\n\t"
                         "mov $60, %%eax\n\t"
                         "xor %%edi, %%edi\n\t"
                         "syscall\n\t"
                         "ud2\n"
                         "1:"
                         : "=a"(ret)
                         : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory");
    else
        __asm__ volatile("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory");
    return ret;
}

/*
 * Half the calls go to a number prune implements (where the bugs can be),
 * half to any number.
 */
static long random_number(struct fuzzer *f)
{
    static const short known[] = {
        SYS_read, SYS_write, SYS_open, SYS_close, SYS_stat, SYS_fstat, SYS_lstat,
        SYS_lseek, SYS_mmap, SYS_mprotect, SYS_munmap, SYS_brk, SYS_rt_sigaction,
        SYS_rt_sigprocmask, SYS_ioctl, SYS_pread64, SYS_readv, SYS_writev,
        SYS_access, SYS_sched_yield, SYS_mincore, SYS_madvise, SYS_dup, SYS_dup2,
        SYS_nanosleep, SYS_getpid, SYS_clone, SYS_fork, SYS_vfork, SYS_wait4,
        SYS_kill, SYS_uname, SYS_fcntl, SYS_getcwd, SYS_gettimeofday, SYS_getuid,
        SYS_getgid, SYS_geteuid, SYS_getegid, SYS_getppid, SYS_arch_prctl,
        SYS_gettid, SYS_tkill, SYS_time, SYS_futex, SYS_getdents64,
        SYS_set_tid_address, SYS_clock_gettime, SYS_clock_getres,
        SYS_clock_nanosleep, SYS_tgkill, SYS_openat, SYS_newfstatat, SYS_dup3,
        SYS_prlimit64, SYS_getrandom, SYS_process_vm_readv, SYS_process_vm_writev,
        SYS_rt_sigreturn, SYS_mremap, SYS_msync, SYS_clone3, SYS_set_robust_list,
        SYS_sigaltstack, SYS_prctl, SYS_waitid, SYS_readlink, SYS_pipe, SYS_pipe2,
    };
    if (rng_below(f, 2))
        return known[rng_below(f, sizeof(known) / sizeof(known[0]))];
    return (long)rng_below(f, MAX_NR + 1);
}

/* Makes budget random calls. */
static void fuzz_calls(struct fuzzer *f, int budget)
{
    progress->thread[f->slot].tid = (int)syscall(SYS_gettid);
    for (int i = 0; i < budget; i++) {
        long nr;
        do
            nr = random_number(f);
        while (excluded(nr));
        long a[6];
        for (int k = 0; k < 6; k++)
            a[k] = random_argument(f);
        sanitize(f, nr, a);
        memcpy(rw_pages, rw_template, sizeof(rw_template));
        progress->thread[f->slot].nr = nr;
        for (int k = 0; k < 6; k++)
            progress->thread[f->slot].args[k] = a[k];
        atomic_fetch_add(&progress->calls, 1);
        if (tracing) {
            char line[200];
            int n = snprintf(line, sizeof(line),
                             "trace: thread %d call %d: %ld (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
                             f->slot, i, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            long w[6] = { TRACE_FD, (long)line, n };
            raw_syscall(SYS_write, w);
        }
        if (raw_syscall(nr, a) == -ENOSYS)
            atomic_fetch_add(&progress->enosys, 1);
    }
}

/* Another thread of a child: fuzzes, then ends itself (not the process). */
static void *fuzz_thread(void *arg)
{
    fuzz_calls(arg, CALLS_PER_CHILD);
    long a[6] = { 0 };
    raw_syscall(SYS_exit, a);
    __builtin_unreachable();
}

/*
 * A child's life: closes the console, starts up to MAX_THREADS - 1 more
 * fuzzing threads (half the children), makes its calls and exits 0, which
 * also ends the threads still running.
 */
static void fuzz_child(uint64_t seed)
{
    static struct fuzzer fuzzers[MAX_THREADS];
    if (tracing)
        dup2(1, TRACE_FD);
    for (long fd = 0; fd < 3; fd++) {
        long a[6] = { fd };
        raw_syscall(SYS_close, a);
    }
    mmap(ARENA, ARENA_PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
         -1, 0);
    for (int t = 0; t < MAX_THREADS; t++)
        fuzzers[t] = (struct fuzzer){ .rng = seed * MAX_THREADS + (uint64_t)t, .slot = t };
    int threads = rng_below(&fuzzers[0], 2) ? 1 + (int)rng_below(&fuzzers[0], MAX_THREADS) : 1;
    for (int t = 1; t < threads; t++) {
        pthread_t id;
        pthread_create(&id, NULL, fuzz_thread, &fuzzers[t]);
    }
    fuzz_calls(&fuzzers[0], CALLS_PER_CHILD);
    long a[6] = { 0 };
    raw_syscall(SYS_exit_group, a);
}

/* Fills the template of the read-write pages: paths, a short timespec, an
 * iovec array, small numbers. */
static void make_template(void)
{
    for (size_t i = 0; i < sizeof(rw_template); i++)
        rw_template[i] = (char)(i * 7);
    strcpy(rw_template, "/proc/self/status");
    strcpy(rw_template + 256, "/bin");
    memcpy(rw_template + 512, &short_sleep, sizeof(short_sleep));
    struct { void *base; size_t len; } iov[3] = {
        { rw_pages + 1024, 64 },
        { (void *)0xffff800000000000ul, 64 },
        { none_page - 8, 64 },
    };
    memcpy(rw_template + 768, iov, sizeof(iov));
    memset(rw_template + 1536, 0, 512);
}

/* Signals sent by the parent (-s): how many, when the next one is due
 * (microseconds of CLOCK_MONOTONIC), and the parent's own random sequence. */
static int signalling;
static long signals_sent;
static long next_signal_us;
static struct fuzzer parent_rng;

static long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* With -s, when one is due: a signal for child pid, to its process or to
 * one of its threads; SIGKILL one time in 32, else one ignored by default. */
static void maybe_signal(pid_t pid)
{
    static const int ignored[] = { SIGURG, SIGWINCH, SIGCHLD, SIGCONT };
    if (!signalling || now_us() < next_signal_us)
        return;
    next_signal_us = now_us() + (long)rng_below(&parent_rng, 4000);
    int sig = rng_below(&parent_rng, 32) ? ignored[rng_below(&parent_rng, 4)] : SIGKILL;
    int tid = progress->thread[rng_below(&parent_rng, MAX_THREADS)].tid;
    if (tid > 0 && rng_below(&parent_rng, 2))
        syscall(SYS_tgkill, pid, tid, sig);
    else
        kill(pid, sig);
    signals_sent++;
}

/*
 * Waits for child pid, watching its progress and, with -s, signalling it;
 * returns its status, or -1 if it hung (it is then killed, and the call it
 * hung in reported).
 */
static int watch_child(int child_index, pid_t pid)
{
    long last_calls = -1, last_change = now_ms();
    int status;
    for (;;) {
        pid_t got = wait4(pid, &status, WNOHANG, NULL);
        if (got == pid)
            return status;
        if (got < 0) {
            printf("FAIL wait4: %s\n", ut_errname(errno));
            return -1;
        }
        long calls = atomic_load(&progress->calls);
        if (calls != last_calls) {
            last_calls = calls;
            last_change = now_ms();
        } else if (now_ms() - last_change > HANG_MS) {
            printf("FAIL child %d (pid %d) hung after %ld calls; its threads' last calls:\n",
                   child_index, (int)pid, calls);
            for (int t = 0; t < MAX_THREADS; t++)
                printf("  %ld (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", progress->thread[t].nr,
                       progress->thread[t].args[0], progress->thread[t].args[1],
                       progress->thread[t].args[2], progress->thread[t].args[3],
                       progress->thread[t].args[4], progress->thread[t].args[5]);
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, NULL);
            return -1;
        }
        if (signalling) {
            maybe_signal(pid);
            sched_yield();
        } else {
            pause_ms(1);
        }
    }
}

/*
 * Usage: test_fuzz [-s] [SEED [CALLS [CHILD]]] (defaults: the fixed seed,
 * TOTAL_CALLS): -s signals the children; CHILD (a number from a FAIL line)
 * runs only that child and prints each call it makes.
 */
int main(int argc, char **argv)
{
    ut_start();
    signalling = argc > 1 && strcmp(argv[1], "-s") == 0;
    if (signalling) {
        argc--;
        argv++;
    }
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x70756e65ull;
    long total_calls = argc > 2 ? strtol(argv[2], NULL, 0) : TOTAL_CALLS;
    int only_child = argc > 3 ? atoi(argv[3]) : -1;
    printf("fuzz: seed %#llx%s\n", (unsigned long long)seed, signalling ? ", signals" : "");
    parent_rng.rng = ~seed;
    parent_pid = getpid();
    progress = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    rw_pages = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro_page = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(progress != MAP_FAILED && rw_pages != MAP_FAILED && ro_page != MAP_FAILED);
    if (ut_failures)
        return ut_finish("test_fuzz");
    none_page = rw_pages + 2 * PG;
    CHECK(mprotect(none_page, PG, PROT_NONE) == 0);
    make_template();

    long calls = 0, enosys = 0, start = now_ms();
    int children = 0, exited = 0, hung = 0, by_signal[65] = { 0 };
    int first = only_child >= 0 ? only_child : 0;
    tracing = only_child >= 0;
    for (int child = first; calls < total_calls && children < total_calls / 10; child++) {
        if (only_child >= 0 && child > first)
            break;
        memset(progress, 0, sizeof(*progress));
        pid_t pid = fork();
        if (pid == 0)
            fuzz_child(seed * 1000 + (uint64_t)child);
        if (pid < 0) {
            printf("FAIL fork: %s\n", ut_errname(errno));
            ut_failures++;
            break;
        }
        children++;
        int status = watch_child(child, pid);
        calls += atomic_load(&progress->calls);
        enosys += atomic_load(&progress->enosys);
        if (status == -1)
            hung++;
        else if (WIFSIGNALED(status))
            by_signal[WTERMSIG(status) < 65 ? WTERMSIG(status) : 0]++;
        else
            exited++;
    }
    /* Orphans of the children's fork family calls may come to us. */
    while (wait4(-1, NULL, WNOHANG | __WALL, NULL) > 0)
        ;
    printf("fuzz: %ld calls (%ld ENOSYS) in %d children, %ld ms\n", calls, enosys,
           children, now_ms() - start);
    if (signalling)
        printf("fuzz: %ld signals sent\n", signals_sent);
    printf("fuzz: %d children exited, %d hung", exited, hung);
    for (int s = 1; s <= 64; s++)
        if (by_signal[s])
            printf(", %d killed by signal %d", by_signal[s], s);
    printf("\n");
    ut_failures += hung;
    CHECK(only_child >= 0 || calls >= total_calls / 2);
    return ut_finish("test_fuzz");
}
