/*
 * Masks delay signals: a blocked signal stays pending (sigpending shows
 * it) and arrives once unblocked, once for a standard signal however often
 * it was sent to the same pending set (raise() puts it in the thread's,
 * kill() in the process's), once per sigqueue for a real-time one, in
 * order; several deliverable at once are all delivered on the way back
 * to user mode, each frame on top of the last, so the handler of the one
 * taken last runs first (Linux's order, below); ignoring a
 * pending signal discards it; sigsuspend and sigtimedwait wait for one;
 * SIGKILL and SIGSTOP cannot be blocked or caught; a child inherits the
 * mask but not what is pending.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <time.h>

static volatile sig_atomic_t calls;
static int values[16];
static volatile int nvalues;
static volatile int sig_order[16];
static volatile int nsigs;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    calls++;
    if (nvalues < 16)
        values[nvalues++] = si->si_value.sival_int;
    if (nsigs < 16)
        sig_order[nsigs++] = sig;
}

static void install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void block(int sig, int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    CHECK(sigprocmask(how, &set, NULL) == 0);
}

static int is_pending(int sig)
{
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, sig);
}

static void standard(void)
{
    install(SIGUSR1);
    block(SIGUSR1, SIG_BLOCK);
    calls = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("blocked SIGUSR1 sent 3 times: %d calls, pending %s\n", calls,
           is_pending(SIGUSR1) ? "yes" : "no");
    CHECK(calls == 0 && is_pending(SIGUSR1));
    block(SIGUSR1, SIG_UNBLOCK);
    printf("unblocked: %d calls (the thread's and the process's), pending %s\n", calls,
           is_pending(SIGUSR1) ? "yes" : "no");
    CHECK(calls == 2 && !is_pending(SIGUSR1));

    block(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    install(SIGUSR1);
    calls = 0;
    block(SIGUSR1, SIG_UNBLOCK);
    printf("a pending signal set to SIG_IGN is discarded: %s\n", calls ? "no" : "yes");
    CHECK(calls == 0);
}

static void realtime(void)
{
    int a = SIGRTMIN + 1, b = SIGRTMIN + 2;
    install(a);
    install(b);
    block(a, SIG_BLOCK);
    block(b, SIG_BLOCK);
    nvalues = nsigs = 0;
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), b, (union sigval){.sival_int = 10 + i});
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), a, (union sigval){.sival_int = i});
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, a);
    sigaddset(&both, b);
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    /* a (the lower) is taken first and blocked in its handler, then b is
     * taken and its frame goes on top: b's handler runs first, then b's
     * other two, then a's three */
    char seen[64] = "";
    for (int i = 0; i < nvalues; i++)
        snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), " %s%d",
                 sig_order[i] == a ? "a" : "b", values[i]);
    printf("real-time signals queued 3 + 3:%s\n", seen);
    CHECK(strcmp(seen, " b11 b12 b13 a1 a2 a3") == 0);
}

static void suspend_and_wait(void)
{
    install(SIGUSR1);
    block(SIGUSR1, SIG_BLOCK);
    block(SIGUSR2, SIG_BLOCK);
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        struct timespec ms = {0, 50 * 1000 * 1000};
        nanosleep(&ms, NULL);
        kill(me, SIGUSR1);
        nanosleep(&ms, NULL);
        kill(me, SIGUSR2);
        _exit(0);
    }
    calls = 0;
    sigset_t none;
    sigemptyset(&none);
    errno = 0;
    int r = sigsuspend(&none);
    int e = errno;
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    printf("sigsuspend: %d %s, %d call, SIGUSR1 blocked again: %s\n", r, ut_errname(e), calls,
           sigismember(&after, SIGUSR1) ? "yes" : "no");
    CHECK(r == -1 && e == EINTR && calls == 1 && sigismember(&after, SIGUSR1));

    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    siginfo_t si;
    int sig = sigwaitinfo(&usr2, &si);
    printf("sigwaitinfo: %s from the child: %s\n", sig == SIGUSR2 ? "SIGUSR2" : "other",
           si.si_pid == child ? "yes" : "no");
    CHECK(sig == SIGUSR2 && si.si_pid == child);
    waitpid(child, NULL, 0);

    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    errno = 0;
    sig = sigtimedwait(&usr2, &si, &ten_ms);
    printf("sigtimedwait with nothing pending: %d %s\n", sig, ut_errname(errno));
    CHECK(sig == -1 && errno == EAGAIN);
    block(SIGUSR1, SIG_UNBLOCK);
    block(SIGUSR2, SIG_UNBLOCK);
}

static void unblockable(void)
{
    sigset_t all, now;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("block everything: SIGKILL %s, SIGSTOP %s, SIGUSR1 %s\n",
           sigismember(&now, SIGKILL) ? "blocked" : "not blocked",
           sigismember(&now, SIGSTOP) ? "blocked" : "not blocked",
           sigismember(&now, SIGUSR1) ? "blocked" : "not blocked");
    CHECK(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP) && sigismember(&now, SIGUSR1));

    raise(SIGUSR2);
    pid_t child = fork();
    if (child == 0) {
        sigset_t mine;
        sigprocmask(SIG_BLOCK, NULL, &mine);
        _exit(sigismember(&mine, SIGUSR1) && !is_pending(SIGUSR2) ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    printf("a child keeps the mask, not the pending signals: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    signal(SIGUSR2, SIG_IGN);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    signal(SIGUSR2, SIG_DFL);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    EXPECT_ERRNO("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL), EINVAL);
    EXPECT_ERRNO("sigaction SIGSTOP", sigaction(SIGSTOP, &sa, NULL), EINVAL);
    EXPECT_ERRNO("sigaction signal 65", sigaction(65, &sa, NULL), EINVAL);
    EXPECT_ERRNO("sigaction SIGKILL, reading only", sigaction(SIGKILL, NULL, &sa), 0);
}

int main(void)
{
    ut_start();
    standard();
    realtime();
    suspend_and_wait();
    unblockable();
    return ut_finish("test_sig_mask");
}
