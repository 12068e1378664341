/*
 * Helpers shared by the user tests (tests/user/test_*.c). A user test is a
 * plain C program built with "musl-gcc -static": the same binary runs on the
 * host Linux (the oracle) and on prune, prints what it checked and exits 0
 * when every check held, 1 otherwise (tools/user-test.sh compares the two).
 * Output is unbuffered, so it comes out in program order even around fork.
 */
#ifndef TESTS_USER_UT_H
#define TESTS_USER_UT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* wait4, MAP_ANONYMOUS, syscall */
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_time.h"

static int ut_failures;

/* Call first: unbuffered stdout (nothing is left in a buffer at fork). */
static inline void ut_start(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* Records and reports a failed condition; the test goes on. */
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            ut_failures++;                                                     \
            printf("FAIL %s:%d: expected %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                      \
    } while (0)

/* Linux's name of an errno value, for output that compares across kernels. */
static inline const char *ut_errname(int e)
{
    static const struct { int value; const char *name; } names[] = {
        { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
        { EINTR, "EINTR" }, { EBADF, "EBADF" }, { ECHILD, "ECHILD" },
        { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
        { EFAULT, "EFAULT" }, { EEXIST, "EEXIST" }, { ENOTDIR, "ENOTDIR" },
        { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" },
        { ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { ERANGE, "ERANGE" },
        { ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" },
        { ETIMEDOUT, "ETIMEDOUT" }, { EOPNOTSUPP, "EOPNOTSUPP" },
        { ENOSPC, "ENOSPC" }, { ENOEXEC, "ENOEXEC" }, { EPIPE, "EPIPE" },
        { ENXIO, "ENXIO" }, { ELOOP, "ELOOP" }, { ENAMETOOLONG, "ENAMETOOLONG" },
        { EBUSY, "EBUSY" }, { EXDEV, "EXDEV" }, { ENOTEMPTY, "ENOTEMPTY" },
        { EFBIG, "EFBIG" }, { EMLINK, "EMLINK" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].value == e)
            return names[i].name;
    return "E?";
}

/*
 * Checks that a libc-style call (result -1 and errno on failure) failed with
 * errno want (0: that it succeeded), and prints "what: ERRNAME" or "what: ok".
 */
static inline void ut_expect_errno(const char *what, long result, int err, int want)
{
    int got = result == -1 ? err : 0;
    printf("%s: %s\n", what, got ? ut_errname(got) : "ok");
    if (got != want) {
        ut_failures++;
        printf("FAIL %s: expected %s\n", what, want ? ut_errname(want) : "ok");
    }
}
#define EXPECT_ERRNO(what, call, want)                                         \
    do {                                                                       \
        errno = 0;                                                             \
        long ut_result_ = (long)(call);                                        \
        ut_expect_errno(what, ut_result_, errno, want);                        \
    } while (0)

/* "exited N" or "killed by signal S" for a wait4 status, in a static buffer. */
static inline const char *ut_status_text(int status)
{
    static char text[40];
    if (WIFEXITED(status))
        snprintf(text, sizeof(text), "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof(text), "killed by signal %d", WTERMSIG(status));
    else
        snprintf(text, sizeof(text), "status 0x%x", status);
    return text;
}

/* Runs fn(arg) in a child process and returns its wait4 status. The child
 * exits 0 if fn returns. */
static inline int ut_run_child(void (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    if (pid < 0) {
        ut_failures++;
        printf("FAIL fork: %s\n", ut_errname(errno));
        return -1;
    }
    int status = 0;
    pid_t got = wait4(pid, &status, 0, NULL);
    if (got != pid) {
        ut_failures++;
        printf("FAIL wait4 returned %d: %s\n", (int)got, ut_errname(errno));
    }
    return status;
}

/* Checks that fn(arg), run in a child, is killed by signal sig, and prints
 * "what: killed by signal S" (or how it ended instead). */
static inline void ut_expect_killed(const char *what, void (*fn)(void *), void *arg, int sig)
{
    int status = ut_run_child(fn, arg);
    printf("%s: %s\n", what, ut_status_text(status));
    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
        ut_failures++;
        printf("FAIL %s: expected killed by signal %d\n", what, sig);
    }
}

/* Prints the verdict and returns the exit status for main. */
static inline int ut_finish(const char *name)
{
    if (ut_failures)
        printf("%s: %d check(s) failed\n", name, ut_failures);
    else
        printf("%s: all checks passed\n", name);
    return ut_failures ? 1 : 0;
}

#endif
