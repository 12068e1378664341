/*
 * Process groups and sessions: setpgid's rules (a child, before it calls
 * execve; not a session leader; an existing group of the same session),
 * setsid (a new session and group, not for a group leader), getpgid and
 * getsid; kill(-pgid) and kill(0) reach every member of a group and no one
 * else; wait4(-pgid) and wait4(0) wait for a group.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <time.h>

/* A child that sleeps until killed, in group 'pgid' (0: its own; -1: ours). */
static pid_t sleeper(pid_t pgid)
{
    pid_t child = fork();
    if (child == 0) {
        if (pgid >= 0)
            setpgid(0, pgid);
        for (;;)
            pause();
    }
    if (pgid >= 0)
        setpgid(child, pgid); /* both sides, as shells do, so the order does not matter */
    return child;
}

static void reap(pid_t pid, int want_sig)
{
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(want_sig ? WIFSIGNALED(status) && WTERMSIG(status) == want_sig
                   : WIFEXITED(status));
}

static void groups_and_kill(void)
{
    pid_t a = sleeper(0);
    pid_t b = sleeper(a);
    pid_t c = sleeper(0);
    printf("getpgid: a leads its group %s, b joined it %s, c its own %s\n",
           getpgid(a) == a ? "yes" : "no", getpgid(b) == a ? "yes" : "no",
           getpgid(c) == c ? "yes" : "no");
    CHECK(getpgid(a) == a && getpgid(b) == a && getpgid(c) == c);
    EXPECT_ERRNO("kill -a with signal 0", kill(-a, 0), 0);
    CHECK(kill(-a, SIGTERM) == 0);
    reap(a, SIGTERM);
    reap(b, SIGTERM);
    printf("kill(-pgid) ended both members; the other group lives: %s\n",
           kill(c, 0) == 0 ? "yes" : "no");
    CHECK(kill(c, 0) == 0);
    EXPECT_ERRNO("kill a group that is gone", kill(-a, SIGTERM), ESRCH);
    kill(c, SIGKILL);
    reap(c, SIGKILL);
}

static void setpgid_rules(void)
{
    pid_t child = sleeper(-1);
    EXPECT_ERRNO("setpgid of a child into a group that does not exist", setpgid(child, 999999),
                 EPERM);
    EXPECT_ERRNO("setpgid with a negative group", setpgid(child, -1), EINVAL);
    EXPECT_ERRNO("setpgid of a child into its own group", setpgid(child, 0), 0);
    kill(child, SIGKILL);
    reap(child, SIGKILL);
    EXPECT_ERRNO("setpgid of a pid that is no child any more", setpgid(child, 0), ESRCH);

    child = fork();
    if (child == 0) {
        /* prune has this program in /bin; the host finds it through /proc */
        execl("/bin/test_sig_pgrp", "test_sig_pgrp", "sleep", (char *)NULL);
        execl("/proc/self/exe", "test_sig_pgrp", "sleep", (char *)NULL);
        _exit(127);
    }
    pause_ms(200); /* it has called execve by now */
    EXPECT_ERRNO("setpgid of a child after its execve", setpgid(child, 0), EACCES);
    kill(child, SIGKILL);
    reap(child, SIGKILL);

    /* A shell's pipeline: the first command's group is the job's; the
     * command may have exited (a zombie, not reaped yet) before the
     * second joins its group, which still exists until the reap. */
    pid_t first = fork();
    if (first == 0)
        _exit(0);
    CHECK(setpgid(first, first) == 0);
    siginfo_t info;
    CHECK(waitid(P_PID, first, &info, WEXITED | WNOWAIT) == 0); /* a zombie now */
    child = sleeper(-1);
    EXPECT_ERRNO("setpgid into the group of a zombie", setpgid(child, first), 0);
    kill(child, SIGKILL);
    reap(child, SIGKILL);
    reap(first, 0);
    child = sleeper(-1);
    EXPECT_ERRNO("setpgid into the group of a reaped process", setpgid(child, first), EPERM);
    kill(child, SIGKILL);
    reap(child, SIGKILL);
}

static void sessions(void *arg)
{
    (void)arg;
    /* a group leader may not start a session */
    setpgid(0, 0);
    if (setsid() != -1 || errno != EPERM)
        _exit(1);
    pid_t child = fork();
    if (child == 0) {
        pid_t sid = setsid();
        if (sid != getpid() || getsid(0) != sid || getpgid(0) != sid)
            _exit(2);
        if (setpgid(0, getppid()) != -1 || errno != EPERM) /* another session's group */
            _exit(3);
        if (setsid() != -1 || errno != EPERM) /* a session leader already */
            _exit(4);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        _exit(10 + WEXITSTATUS(status));
    if (getsid(child) != -1 || errno != ESRCH)
        _exit(20);
    _exit(0);
}

static void wait_for_groups(void)
{
    pid_t a = fork();
    if (a == 0) {
        setpgid(0, 0);
        pause_ms(50);
        _exit(1);
    }
    setpgid(a, a);
    pid_t mine = fork();
    if (mine == 0) {
        pause_ms(100);
        _exit(2);
    }
    int status;
    pid_t got = waitpid(-a, &status, 0);
    printf("waitpid(-pgid): the member of that group: %s\n", got == a ? "yes" : "no");
    CHECK(got == a && WEXITSTATUS(status) == 1);
    got = waitpid(0, &status, 0);
    printf("waitpid(0): the child in our group: %s\n", got == mine ? "yes" : "no");
    CHECK(got == mine && WEXITSTATUS(status) == 2);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        for (;;)
            pause();
    }
    ut_start();
    groups_and_kill();
    setpgid_rules();
    int status = ut_run_child(sessions, NULL);
    printf("setsid, getsid and the session rules: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    wait_for_groups();
    return ut_finish("test_sig_pgrp");
}
