/*
 * SIGCHLD: a child's exit (or kill) sends its parent SIGCHLD with si_pid,
 * si_code (CLD_EXITED, CLD_KILLED) and si_status; a stop and a continue
 * do too (CLD_STOPPED, CLD_CONTINUED) unless SA_NOCLDSTOP. A parent that
 * ignores SIGCHLD, or asks SA_NOCLDWAIT, leaves no zombie: the child is
 * reaped at once and wait4 gives ECHILD. waitid reports the same facts
 * (WNOWAIT leaves the child to wait for, WNOHANG with nothing to report
 * gives si_pid 0).
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <time.h>

static volatile sig_atomic_t chld_calls, chld_code, chld_status;
static volatile pid_t chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_calls++;
    chld_pid = si->si_pid;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void install(int flags, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
}

static const char *cld_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "?";
    }
}

/* Waits (SIGCHLD blocked outside) until the handler has run 'calls' times. */
static void await_chld(int calls)
{
    sigset_t none;
    sigemptyset(&none);
    while (chld_calls < calls)
        sigsuspend(&none);
}

static void block_chld(int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(how, &set, NULL);
}

static void exits_and_kills(void)
{
    install(0, on_chld);
    block_chld(SIG_BLOCK);
    chld_calls = 0;
    pid_t child = fork();
    if (child == 0)
        _exit(3);
    await_chld(1);
    printf("exit 3: %s, si_status %d, si_pid is the child: %s\n", cld_name(chld_code),
           chld_status, chld_pid == child ? "yes" : "no");
    CHECK(chld_code == CLD_EXITED && chld_status == 3 && chld_pid == child);
    CHECK(waitpid(child, NULL, 0) == child);

    child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, SIGTERM);
    await_chld(2);
    printf("SIGTERM: %s, si_status %d\n", cld_name(chld_code), chld_status);
    CHECK(chld_code == CLD_KILLED && chld_status == SIGTERM);
    waitpid(child, NULL, 0);
    block_chld(SIG_UNBLOCK);
}

static void stops(void)
{
    install(0, on_chld);
    block_chld(SIG_BLOCK);
    chld_calls = 0;
    pid_t child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, SIGSTOP);
    await_chld(1);
    printf("SIGSTOP: %s, si_status %d\n", cld_name(chld_code), chld_status);
    CHECK(chld_code == CLD_STOPPED && chld_status == SIGSTOP);
    kill(child, SIGCONT);
    await_chld(2);
    printf("SIGCONT: %s, si_status %d\n", cld_name(chld_code), chld_status);
    CHECK(chld_code == CLD_CONTINUED && chld_status == SIGCONT);

    install(SA_NOCLDSTOP, on_chld);
    kill(child, SIGSTOP);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PID, child, &si, WSTOPPED) == 0);
    kill(child, SIGCONT);
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PID, child, &si, WCONTINUED) == 0);
    printf("with SA_NOCLDSTOP, a stop and a continue send no SIGCHLD: %s\n",
           chld_calls == 2 ? "yes" : "no");
    CHECK(chld_calls == 2);
    kill(child, SIGKILL);
    await_chld(3);
    printf("SIGKILL: %s, si_status %d\n", cld_name(chld_code), chld_status);
    CHECK(chld_code == CLD_KILLED && chld_status == SIGKILL);
    waitpid(child, NULL, 0);
    block_chld(SIG_UNBLOCK);
}

static void no_zombies(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    errno = 0;
    int r = waitpid(child, NULL, 0);
    int e = errno;
    int gone = kill(child, 0) < 0 && errno == ESRCH;
    printf("SIGCHLD ignored: waitpid %s, the child is gone: %s\n", r < 0 ? ut_errname(e) : "ok",
           gone ? "yes" : "no");
    CHECK(r < 0 && e == ECHILD && gone);

    install(SA_NOCLDWAIT, on_chld);
    block_chld(SIG_BLOCK);
    chld_calls = 0;
    child = fork();
    if (child == 0)
        _exit(5);
    await_chld(1);
    pause_ms(20);
    errno = 0;
    r = waitpid(child, NULL, WNOHANG);
    printf("SA_NOCLDWAIT: the handler ran (%s, %d), waitpid %s\n", cld_name(chld_code), chld_status,
           r < 0 ? ut_errname(errno) : "found it");
    CHECK(chld_code == CLD_EXITED && chld_status == 5 && r < 0 && errno == ECHILD);
    block_chld(SIG_UNBLOCK);
    signal(SIGCHLD, SIG_DFL);
}

static void waitid_reports(void)
{
    siginfo_t si;
    pid_t child = fork();
    if (child == 0) {
        pause_ms(50);
        _exit(7);
    }
    memset(&si, 0xff, sizeof(si));
    int r = waitid(P_PID, child, &si, WEXITED | WNOHANG);
    printf("waitid WNOHANG before it exits: %d, si_pid %d, si_signo %d\n", r, si.si_pid,
           si.si_signo);
    CHECK(r == 0 && si.si_pid == 0 && si.si_signo == 0);
    memset(&si, 0, sizeof(si));
    r = waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: %d, %s, si_status %d, the child: %s\n", r, cld_name(si.si_code),
           si.si_status, si.si_pid == child ? "yes" : "no");
    CHECK(r == 0 && si.si_code == CLD_EXITED && si.si_status == 7 && si.si_pid == child);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PGID, 0, &si, WEXITED);
    printf("then waitid of our group reaps it: %d, si_signo SIGCHLD: %s\n", r,
           si.si_signo == SIGCHLD && si.si_pid == child ? "yes" : "no");
    CHECK(r == 0 && si.si_signo == SIGCHLD && si.si_pid == child);
    EXPECT_ERRNO("and once more", waitid(P_PID, child, &si, WEXITED), ECHILD);
    EXPECT_ERRNO("waitid without WEXITED, WSTOPPED or WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG),
                 EINVAL);
    EXPECT_ERRNO("waitid P_PID 0", waitid(P_PID, 0, &si, WEXITED), EINVAL);
}

int main(void)
{
    ut_start();
    exits_and_kills();
    stops();
    no_zombies();
    waitid_reports();
    return ut_finish("test_sigchld");
}
