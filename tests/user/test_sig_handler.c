/*
 * Signal handlers run, with Linux's siginfo and masks: raise, kill and
 * sigqueue each give their si_code, si_pid and value; sa_mask and the
 * signal itself are blocked during the handler (SA_NODEFER lets it nest);
 * SA_RESETHAND runs the handler once; every general register comes back
 * after a handler, whether the signal arrived at a system call or in the
 * middle of a loop (the timer interrupt's way back); a process-directed
 * signal goes to a thread that does not block it.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static volatile sig_atomic_t calls, last_code, last_pid, last_value, nest, max_nest;
static volatile long handler_tid;
static char order[64];
static volatile int order_len;

static void note(char c)
{
    if (order_len < (int)sizeof(order) - 1)
        order[order_len++] = c;
}

/* Counts the call last: a thread that waits for 'calls' to change, while
 * the handler runs in another thread, then reads the other fields whole. */
static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_value = si->si_value.sival_int;
    handler_tid = syscall(SYS_gettid);
    calls++;
    (void)sig;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int masked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (masked)
        sigaddset(&sa.sa_mask, masked);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    case SI_KERNEL: return "SI_KERNEL";
    default: return "other";
    }
}

static void senders(void)
{
    install(SIGUSR1, on_info, 0, 0);
    calls = 0;
    raise(SIGUSR1);
    printf("raise: %d call, %s, si_pid is ours: %s\n", calls, code_name(last_code),
           last_pid == getpid() ? "yes" : "no");
    CHECK(calls == 1 && last_code == SI_TKILL && last_pid == getpid());
    kill(getpid(), SIGUSR1);
    printf("kill: %d calls, %s\n", calls, code_name(last_code));
    CHECK(calls == 2 && last_code == SI_USER);
    union sigval v = {.sival_int = 42};
    sigqueue(getpid(), SIGUSR1, v);
    printf("sigqueue: %d calls, %s, value %d\n", calls, code_name(last_code), last_value);
    CHECK(calls == 3 && last_code == SI_QUEUE && last_value == 42);
}

/* SIGUSR1's handler raises SIGUSR2 (in its sa_mask) and itself: both wait
 * until it returns. */
static void on_usr1_masked(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    note('[');
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    if (sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2))
        note('m');
    if (nest++ == 0) {
        raise(SIGUSR2);
        raise(sig);
    }
    note(']');
}

static void on_usr2_note(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    note('2');
}

/* With SA_NODEFER the handler nests in itself. */
static void on_nested(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    nest++;
    if (nest > max_nest)
        max_nest = nest;
    if (nest < 3)
        raise(sig);
    nest--;
}

static void masks(void)
{
    install(SIGUSR1, on_usr1_masked, 0, SIGUSR2);
    install(SIGUSR2, on_usr2_note, 0, 0);
    order_len = 0;
    nest = 0;
    raise(SIGUSR1);
    order[order_len] = '\0';
    printf("sa_mask and the signal itself held back during the handler: %s\n", order);
    CHECK(strcmp(order, "[m][m]2") == 0 || strcmp(order, "[m]2[m]") == 0);

    install(SIGUSR1, on_nested, SA_NODEFER, 0);
    nest = max_nest = 0;
    raise(SIGUSR1);
    printf("SA_NODEFER: nested %d deep\n", max_nest);
    CHECK(max_nest == 3);

    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask after the handlers: SIGUSR1 %s\n", sigismember(&now, SIGUSR1) ? "blocked" : "open");
    CHECK(!sigismember(&now, SIGUSR1));
}

static void reset_twice(void *arg)
{
    (void)arg;
    install(SIGUSR2, on_info, SA_RESETHAND, 0);
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    if (calls != 1 || now.sa_handler != SIG_DFL)
        _exit(3);
    raise(SIGUSR2); /* the default action now: terminate */
}

static void resethand(void)
{
    calls = 0;
    ut_expect_killed("SA_RESETHAND: a second raise", reset_twice, NULL, SIGUSR2);
}

/* Every general register but rax, rcx and r11 (the syscall instruction's)
 * must survive a handler run at a system call; the handler clobbers them. */
static void on_clobber(int sig)
{
    (void)sig;
    __asm__ volatile("xor %%ebx, %%ebx\n\txor %%r12d, %%r12d\n\txor %%r13d, %%r13d\n\t"
                     "xor %%r14d, %%r14d\n\txor %%r15d, %%r15d\n\txor %%r8d, %%r8d\n\t"
                     "xor %%r9d, %%r9d\n\txor %%r10d, %%r10d\n\txor %%edx, %%edx\n\t"
                     "xor %%esi, %%esi\n\txor %%edi, %%edi"
                     ::: "rbx", "r12", "r13", "r14", "r15", "r8", "r9", "r10", "rdx", "rsi",
                       "rdi");
}

uint64_t sig_handler_regs_out[10]; /* named in the assembly below */

static void registers_at_syscall(void)
{
    signal(SIGUSR1, on_clobber);
    long tid = syscall(SYS_gettid);
    uint64_t *out = sig_handler_regs_out;
    __asm__ volatile("push %%rbx\n\t"
                     "push %%rbp\n\t"
                     "mov $0x1111, %%rbx\n\t"
                     "mov $0x2222, %%rbp\n\t"
                     "mov $0x8888, %%r8\n\t"
                     "mov $0x9999, %%r9\n\t"
                     "mov $0xaaaa, %%r10\n\t"
                     "mov $0xcccc, %%r12\n\t"
                     "mov $0xdddd, %%r13\n\t"
                     "mov $0xeeee, %%r14\n\t"
                     "mov $0xffff, %%r15\n\t"
                     "mov $234, %%eax\n\t" /* tgkill(pid, tid, SIGUSR1) */
                     "syscall\n\t"
                     "lea sig_handler_regs_out(%%rip), %%rax\n\t"
                     "mov %%rbx, 0(%%rax)\n\t"
                     "mov %%rbp, 8(%%rax)\n\t"
                     "mov %%r8, 16(%%rax)\n\t"
                     "mov %%r9, 24(%%rax)\n\t"
                     "mov %%r10, 32(%%rax)\n\t"
                     "mov %%r12, 40(%%rax)\n\t"
                     "mov %%r13, 48(%%rax)\n\t"
                     "mov %%r14, 56(%%rax)\n\t"
                     "mov %%r15, 64(%%rax)\n\t"
                     "mov %%rdx, 72(%%rax)\n\t"
                     "pop %%rbp\n\t"
                     "pop %%rbx"
                     :
                     : "D"((long)getpid()), "S"(tid), "d"((long)SIGUSR1)
                     : "rax", "rcx", "r11", "r8", "r9", "r10", "r12", "r13", "r14", "r15",
                       "memory");
    static const uint64_t want[10] = {0x1111, 0x2222, 0x8888, 0x9999, 0xaaaa,
                                      0xcccc, 0xdddd, 0xeeee, 0xffff, SIGUSR1};
    int bad = memcmp(out, want, sizeof(want)) != 0;
    printf("registers after a handler at a system call: %s\n", bad ? "changed" : "kept");
    CHECK(!bad);
}

/* A loop that keeps values in every register, rcx and r11 included, until
 * a flag in memory is set; a signal sent by another process interrupts it
 * in user mode (its handler sets the flag). */
static volatile int stop_spinning;

static void on_stop_spinning(int sig)
{
    (void)sig;
    on_clobber(sig);
    stop_spinning = 1;
}

static int spin_keeps_registers(void)
{
    uint64_t bad;
    __asm__ volatile("push %%rbx\n\t"
                     "push %%rbp\n\t"
                     "mov $0x1111, %%rbx\n\t"
                     "mov $0x2222, %%rbp\n\t"
                     "mov $0x3333, %%rcx\n\t"
                     "mov $0x4444, %%r11\n\t"
                     "mov $0x8888, %%r8\n\t"
                     "mov $0x9999, %%r9\n\t"
                     "mov $0xaaaa, %%r10\n\t"
                     "mov $0xcccc, %%r12\n\t"
                     "mov $0xdddd, %%r13\n\t"
                     "mov $0xeeee, %%r14\n\t"
                     "mov $0xffff, %%r15\n\t"
                     "mov $0x5555, %%rsi\n\t"
                     "mov $0x6666, %%rdi\n\t"
                     "1: cmpl $0, %[flag]\n\t"
                     "je 1b\n\t"
                     "xor %%eax, %%eax\n\t"
                     "cmp $0x1111, %%rbx\n\tsetne %%al\n\t"
                     "cmp $0x2222, %%rbp\n\tjne 2f\n\t"
                     "cmp $0x3333, %%rcx\n\tjne 2f\n\t"
                     "cmp $0x4444, %%r11\n\tjne 2f\n\t"
                     "cmp $0x8888, %%r8\n\tjne 2f\n\t"
                     "cmp $0x9999, %%r9\n\tjne 2f\n\t"
                     "cmp $0xaaaa, %%r10\n\tjne 2f\n\t"
                     "cmp $0xcccc, %%r12\n\tjne 2f\n\t"
                     "cmp $0xdddd, %%r13\n\tjne 2f\n\t"
                     "cmp $0xeeee, %%r14\n\tjne 2f\n\t"
                     "cmp $0xffff, %%r15\n\tjne 2f\n\t"
                     "cmp $0x5555, %%rsi\n\tjne 2f\n\t"
                     "cmp $0x6666, %%rdi\n\tjne 2f\n\t"
                     "jmp 3f\n"
                     "2: mov $1, %%eax\n"
                     "3: pop %%rbp\n\t"
                     "pop %%rbx"
                     : "=a"(bad), [flag] "+m"(stop_spinning)
                     :
                     : "rcx", "r11", "r8", "r9", "r10", "r12", "r13", "r14", "r15", "rsi",
                       "rdi", "memory");
    return bad != 0;
}

static void registers_in_a_loop(void)
{
    signal(SIGUSR1, on_stop_spinning);
    stop_spinning = 0;
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        struct timespec ms = {0, 20 * 1000 * 1000};
        for (int i = 0; i < 500; i++) { /* 10 s at most */
            nanosleep(&ms, NULL);
            kill(me, SIGUSR1);
        }
        _exit(0);
    }
    int bad = spin_keeps_registers();
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    printf("registers after a handler that interrupted a loop: %s\n", bad ? "changed" : "kept");
    CHECK(!bad);
}

/* A process-directed signal that the main thread blocks goes to the
 * thread that does not. */
static volatile long thread_tid;
static volatile int thread_done;

static void *open_thread(void *arg)
{
    (void)arg;
    thread_tid = syscall(SYS_gettid);
    while (!thread_done)
        sched_yield();
    return NULL;
}

static void thread_choice(void)
{
    install(SIGUSR2, on_info, 0, 0);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_SETMASK, NULL, &old);
    calls = 0;
    thread_tid = 0;
    thread_done = 0;
    pthread_t t;
    pthread_create(&t, NULL, open_thread, NULL); /* inherits our mask: SIGUSR2 open */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    while (!thread_tid)
        sched_yield();
    kill(getpid(), SIGUSR2);
    for (int i = 0; i < 100000 && !calls; i++)
        sched_yield();
    printf("a process-directed signal the main thread blocks ran in the other thread: %s\n",
           calls == 1 && handler_tid == thread_tid ? "yes" : "no");
    CHECK(calls == 1 && handler_tid == thread_tid);
    thread_done = 1;
    pthread_join(t, NULL);

    calls = 0;
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
    printf("tgkill to the main thread that blocks it: %s until unblocked\n",
           calls ? "delivered" : "pending");
    CHECK(calls == 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    printf("then: %d call in the main thread: %s\n", calls,
           handler_tid == syscall(SYS_gettid) ? "yes" : "no");
    CHECK(calls == 1 && handler_tid == syscall(SYS_gettid));
}

int main(void)
{
    ut_start();
    senders();
    masks();
    resethand();
    registers_at_syscall();
    registers_in_a_loop();
    thread_choice();
    return ut_finish("test_sig_handler");
}
