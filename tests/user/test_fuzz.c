/*
 * System call fuzzing: forked children make random system calls (numbers
 * 0..460, arguments drawn from interesting values: 0, -1, small and huge
 * numbers, pointers to valid memory, unaligned, across into a PROT_NONE
 * page, to read-only memory, NULL, kernel addresses, non-canonical ones).
 * Half the children run up to four threads making calls at once, and each
 * child maps an arena (32 pages) that pointer and length arguments often
 * fall in, so that one thread's munmap, mprotect, madvise or mremap meets
 * another's user copies there (most mremap calls are aimed at the arena). A child may die of what it did to itself (a signal is
 * fine); the kernel must survive every call: this test passing at all is the
 * check. The seed is fixed, so a run is reproducible on one machine (up to
 * the threads' timing).
 *
 * Calls that would end or replace the child (exit, exit_group, execve) or
 * may block without end (pause and sigsuspend, unless -s) are left out;
 * sleeps, futex waits, poll, select and sigtimedwait get a short time-out;
 * the kill family never targets the parent (pid 0, -1, 1 or the parent's
 * pid become the child's own). A child of the fork family exits at once.
 * The children close fds 0..2, so no call can read the console (which
 * would block) or write on it; with -s, fd 0 is the terminal again.
 * Each child has a budget of calls; the parent watches its progress (a
 * counter in shared memory) and reports a child that stops making progress
 * for 20 s as hung, with the call it is stuck in, then kills it.
 * With -s (what make test runs; /bin/init runs it without), the parent also
 * signals the child at random moments (0 to 4 ms apart), to its process or
 * to one of its threads, while the child's threads fault, unmap and fork:
 * signals the child handles (on an alternate stack, with and without
 * SA_RESTART, a queued real-time one), signals ignored by default, a stop
 * followed by SIGCONT, and one time in 32 SIGKILL; the child's fd 0 is
 * then the terminal, non-blocking, for its reads, writes and ioctls (a read
 * that blocks, once a random fcntl cleared O_NONBLOCK, ends with the
 * parent's signals, SIGKILL at the latest).
 * The file calls run in a sandbox: each child works in its own directory
 * /tmp/fuzz.PID (the parent removes it after the child), and the calls that
 * make, change or remove names (open with O_CREAT or O_TRUNC, mkdir,
 * unlink, rename, link, symlink, truncate, chmod, utimes...) get names
 * relative to it from a small set, with AT_FDCWD, instead of random paths,
 * so that no call reaches the initrd's files or leaves anything behind;
 * chdir stays inside it, fchdir is given a bad fd.
 * Not run on the host: random calls as root on a real machine are a bad idea.
 */
/* prune-test: prune-only */
/* prune-test: unknown-syscalls */
/* prune-test: args: -s */
/* prune-test: soak-args: -s SEED 20000 */
#include "ut.h"
#include "fuzz_args.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#define MAX_NR 460
#define CALLS_PER_CHILD 100
#define TOTAL_CALLS 6000
#define HANG_MS 20000
#define MAX_THREADS 4

/* What a child's threads are doing, in MAP_SHARED memory the parent reads. */
struct progress {
    atomic_long calls;        /* calls started, by all threads */
    atomic_long enosys;       /* calls that returned -ENOSYS */
    atomic_long handled;      /* signal handlers run (-s) */
    struct {
        volatile int tid;     /* the thread's id, 0 until it starts */
        volatile long nr;     /* the thread's current call and its arguments */
        volatile long args[6];
    } thread[MAX_THREADS];
};

static struct progress *progress;
/* With a trace, a child writes each call on this fd before making it. */
#define TRACE_FD 1000
static int tracing;
static pid_t parent_pid;

/* -s: the parent signals the children, and the children handle some. */
static int signalling;

/* Whether nr must never be called: it ends or replaces the process, or it
 * may block for good, or it could reach the machine or the parent. With
 * -s, pause and rt_sigsuspend may be: a signal from the parent ends them,
 * SIGKILL at the latest. */
static int excluded(long nr)
{
    switch (nr) {
    case SYS_pause: case SYS_rt_sigsuspend:
        return !signalling;
    case SYS_exit: case SYS_exit_group: case SYS_execve: case SYS_execveat:
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
    case SYS_rt_sigtimedwait: case SYS_ppoll:
        a[2] = short_timeout(f);
        break;
    case SYS_pselect6:
        a[4] = short_timeout(f);
        break;
    case SYS_poll:
        a[2] = (long)rng_below(f, 3); /* milliseconds */
        break;
    case SYS_select:
        a[4] = rng_below(f, 4) ? (long)&short_tv : short_timeout(f);
        break;
    case SYS_alarm:
        a[0] = 0;
        break;
    case SYS_mremap:
        /* three calls in four move, grow or shrink pieces of the arena,
         * while other threads fault and copy there */
        if (rng_below(f, 4)) {
            static const long flags[] = { 0, MREMAP_MAYMOVE, MREMAP_MAYMOVE | MREMAP_FIXED,
                                          MREMAP_MAYMOVE | MREMAP_DONTUNMAP };
            a[0] = (long)(ARENA + rng_below(f, ARENA_PAGES) * PG);
            a[1] = (long)(rng_below(f, ARENA_PAGES / 4) * PG);
            a[2] = (long)((1 + rng_below(f, ARENA_PAGES / 4)) * PG);
            a[3] = flags[rng_below(f, 4)];
            a[4] = (long)(ARENA + rng_below(f, ARENA_PAGES) * PG);
        }
        break;
    }
    sandbox_file_call(f, nr, a);
}

/* Removes 'name' in dirfd and everything under it, following no link. A
 * listing may miss entries made or removed while it runs, so a directory
 * is listed again until it can go. */
static void remove_tree(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlinkat(dirfd, name, 0);
        return;
    }
    for (int pass = 0; pass < 8 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0; pass++) {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                remove_tree(fd, e->d_name);
        if (d)
            closedir(d);
    }
}

/* The sandbox directory of the child with this pid. */
static void sandbox_path(char *buf, size_t size, pid_t pid)
{
    snprintf(buf, size, "/tmp/fuzz.%d", (int)pid);
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
        SYS_read, SYS_write, SYS_open, SYS_close, SYS_stat, SYS_fstat, SYS_lstat, SYS_lseek,
        SYS_mmap, SYS_mprotect, SYS_munmap, SYS_brk, SYS_rt_sigaction, SYS_rt_sigprocmask,
        SYS_ioctl, SYS_pread64, SYS_readv, SYS_writev, SYS_access, SYS_sched_yield, SYS_mincore,
        SYS_madvise, SYS_dup, SYS_dup2, SYS_nanosleep, SYS_getpid, SYS_clone, SYS_fork, SYS_vfork,
        SYS_wait4, SYS_kill, SYS_uname, SYS_fcntl, SYS_getcwd, SYS_gettimeofday, SYS_getuid,
        SYS_getgid, SYS_geteuid, SYS_getegid, SYS_getppid, SYS_arch_prctl, SYS_gettid, SYS_tkill,
        SYS_time, SYS_futex, SYS_getdents64, SYS_set_tid_address, SYS_clock_gettime,
        SYS_clock_getres, SYS_clock_nanosleep, SYS_tgkill, SYS_openat, SYS_newfstatat, SYS_dup3,
        SYS_prlimit64, SYS_getrandom, SYS_process_vm_readv, SYS_process_vm_writev, SYS_rt_sigreturn,
        SYS_mremap, SYS_msync, SYS_clone3, SYS_set_robust_list, SYS_sigaltstack, SYS_prctl,
        SYS_waitid, SYS_readlink, SYS_pipe, SYS_pipe2, SYS_get_robust_list, SYS_rseq,
        SYS_readlinkat, SYS_sysinfo, SYS_sched_getaffinity, SYS_setpgid, SYS_getpgid, SYS_getpgrp,
        SYS_setsid, SYS_getsid, SYS_rt_sigpending, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo,
        SYS_rt_sigtimedwait, SYS_rt_sigsuspend, SYS_pause, SYS_restart_syscall, SYS_poll, SYS_ppoll,
        SYS_select, SYS_pselect6, SYS_pwrite64, SYS_sendfile, SYS_fsync, SYS_fdatasync,
        SYS_truncate, SYS_ftruncate, SYS_chdir, SYS_rename, SYS_mkdir, SYS_rmdir, SYS_creat,
        SYS_link, SYS_unlink, SYS_symlink, SYS_chmod, SYS_fchmod, SYS_chown, SYS_fchown,
        SYS_lchown, SYS_umask, SYS_utime, SYS_statfs, SYS_fstatfs, SYS_utimes, SYS_mkdirat,
        SYS_fchownat, SYS_futimesat, SYS_unlinkat, SYS_renameat, SYS_linkat, SYS_symlinkat,
        SYS_fchmodat, SYS_faccessat, SYS_utimensat, SYS_renameat2, SYS_copy_file_range,
        SYS_faccessat2,
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

/* A child's handler (-s): counts, makes a system call and uses the FPU,
 * so that the frame, the restart rules and the FPU state all take part. */
static void on_signal(int sig)
{
    volatile double x = sig;
    x = x * 1.5 + 0.25;
    long a[6] = { 0 };
    raw_syscall(SYS_getppid, a);
    atomic_fetch_add(&progress->handled, 1);
}

/*
 * -s: the child handles the signals the parent sends it: SIGUSR1 with
 * SA_RESTART on an alternate stack, SIGUSR2 without SA_RESTART, SIGRTMIN+1
 * with SA_SIGINFO. Its own random calls may change all of that.
 */
static void handle_signals(void)
{
    static char altstack[4 * PG];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGRTMIN + 1, &sa, NULL);
}

/*
 * A child's life: closes the console (with -s: handles signals and opens
 * the terminal as fd 0), starts up to MAX_THREADS - 1 more fuzzing threads
 * (half the children), makes its calls and exits 0, which also ends the
 * threads still running.
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
    if (signalling) {
        handle_signals();
        open("/dev/tty", O_RDWR | O_NONBLOCK);
    }
    char sandbox[64];
    sandbox_path(sandbox, sizeof(sandbox), getpid());
    if (mkdir(sandbox, 0755) < 0 || chdir(sandbox) < 0 || mkdir("d", 0755) < 0)
        _exit(3);
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

/* Signals sent by the parent (-s): how many, when the next one is due
 * (microseconds of CLOCK_MONOTONIC), and the parent's own random sequence. */
static long signals_sent;
static long next_signal_us;
static struct fuzzer parent_rng;

static long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * With -s, when one is due: a signal for child pid, to its process or to
 * one of its threads: one it handles (SIGUSR1, SIGUSR2, SIGRTMIN+1, the
 * last queued with a value), one ignored by default, or a stop (SIGSTOP or
 * SIGTSTP, always followed by SIGCONT as the next signal); SIGKILL one time
 * in 32.
 */
static void maybe_signal(pid_t pid)
{
    static const int menu[] = { SIGUSR1, SIGUSR2, SIGURG, SIGWINCH, SIGCHLD, SIGCONT,
                                SIGSTOP, SIGTSTP };
    static int stopped;
    if (!signalling || now_us() < next_signal_us)
        return;
    next_signal_us = now_us() + (long)rng_below(&parent_rng, 4000);
    int sig = menu[rng_below(&parent_rng, sizeof(menu) / sizeof(menu[0]))];
    if (rng_below(&parent_rng, 9) == 0)
        sig = SIGRTMIN + 1;
    if (stopped)
        sig = SIGCONT;
    else if (rng_below(&parent_rng, 32) == 0)
        sig = SIGKILL;
    stopped = sig == SIGSTOP || sig == SIGTSTP;
    int tid = progress->thread[rng_below(&parent_rng, MAX_THREADS)].tid;
    if (sig == SIGRTMIN + 1) {
        union sigval value = { .sival_int = (int)signals_sent };
        sigqueue(pid, sig, value);
    } else if (tid > 0 && sig != SIGCONT && rng_below(&parent_rng, 2)) {
        syscall(SYS_tgkill, pid, tid, sig);
    } else {
        kill(pid, sig);
    }
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

    long calls = 0, enosys = 0, handled = 0, start = now_ms();
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
        char sandbox[64];
        sandbox_path(sandbox, sizeof(sandbox), pid);
        remove_tree(AT_FDCWD, sandbox);
        struct stat st;
        if (lstat(sandbox, &st) == 0) {
            printf("FAIL %s is left\n", sandbox);
            ut_failures++;
        }
        calls += atomic_load(&progress->calls);
        enosys += atomic_load(&progress->enosys);
        handled += atomic_load(&progress->handled);
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
        printf("fuzz: %ld signals sent, %ld handlers ran\n", signals_sent, handled);
    printf("fuzz: %d children exited, %d hung", exited, hung);
    for (int s = 1; s <= 64; s++)
        if (by_signal[s])
            printf(", %d killed by signal %d", by_signal[s], s);
    printf("\n");
    ut_failures += hung;
    CHECK(only_child >= 0 || calls >= total_calls / 2);
    return ut_finish("test_fuzz");
}
