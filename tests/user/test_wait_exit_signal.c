/*
 * Which children wait4 sees depends on their exit signal, as on Linux
 * (eligible_child()): without __WCLONE or __WALL only children that report
 * with SIGCHLD; with __WCLONE only the others ("clone children", exit
 * signal 0 here); with __WALL both. A child with exit signal 0 is not seen
 * by a plain wait4, so wait4 gives ECHILD when it is the only child.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

#include <sched.h>

#ifndef __WCLONE
#define __WCLONE 0x80000000
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif

static char stack[64 * 1024] __attribute__((aligned(16)));

static int child_exits(void *arg)
{
    return (int)(long)arg;
}

/* A new process with exit signal 'sig' that exits with 'code'. */
static pid_t spawn(int sig, int code)
{
    pid_t pid = clone(child_exits, stack + sizeof(stack), sig, (void *)(long)code);
    CHECK(pid > 0);
    pause_ms(100); /* a zombie by now: wait4 with WNOHANG can see it */
    return pid;
}

/* Checks that wait4(pid, options) reaps child 'want' and prints how it ended. */
static void expect_reaped(const char *what, pid_t pid, int options, pid_t want)
{
    int status = 0;
    pid_t got = wait4(pid, &status, options, NULL);
    printf("%s: %s\n", what,
           got == want ? ut_status_text(status) : got < 0 ? ut_errname(errno) : "other pid");
    if (got != want) {
        ut_failures++;
        printf("FAIL %s: expected the child\n", what);
    }
}

int main(void)
{
    ut_start();
    int status = 0;
    pid_t quiet = spawn(0, 3);
    EXPECT_ERRNO("exit signal 0: wait4(-1, WNOHANG)", wait4(-1, &status, WNOHANG, NULL), ECHILD);
    EXPECT_ERRNO("exit signal 0: wait4(pid, WNOHANG)", wait4(quiet, &status, WNOHANG, NULL),
                 ECHILD);
    EXPECT_ERRNO("exit signal 0: wait4(pid)", wait4(quiet, &status, 0, NULL), ECHILD);
    expect_reaped("exit signal 0: wait4(-1, __WCLONE)", -1, __WCLONE, quiet);

    pid_t quiet2 = spawn(0, 4);
    expect_reaped("exit signal 0: wait4(pid, __WALL)", quiet2, __WALL, quiet2);

    pid_t normal = spawn(SIGCHLD, 5);
    EXPECT_ERRNO("SIGCHLD: wait4(pid, __WCLONE)", wait4(normal, &status, __WCLONE, NULL), ECHILD);
    expect_reaped("SIGCHLD: wait4(pid, __WCLONE | __WALL)", normal, __WCLONE | __WALL, normal);

    pid_t a = spawn(0, 6), b = spawn(SIGCHLD, 7);
    expect_reaped("both kinds: wait4(-1) takes the SIGCHLD one", -1, 0, b);
    EXPECT_ERRNO("then wait4(-1, WNOHANG)", wait4(-1, &status, WNOHANG, NULL), ECHILD);
    expect_reaped("then wait4(-1, __WALL)", -1, __WALL, a);
    EXPECT_ERRNO("no child left: wait4(-1, __WALL)", wait4(-1, &status, __WALL, NULL), ECHILD);
    return ut_finish("test_wait_exit_signal");
}
