/*
 * Who may reach another process's memory: Linux's rule for one user with
 * Yama's ptrace_scope 1 (a process reaches itself and its descendants).
 * process_vm_readv from a parent into its child and grandchild works; from
 * the child into its parent, or into a sibling, it fails with EPERM.
 * Opening /proc/<pid>/environ or ptdump of a process that is not the
 * caller or a descendant fails with EACCES; of a child it works. Yama's
 * exception, prctl(PR_SET_PTRACER): a process names a pid (and its
 * descendants) or anyone that may reach it as well.
 * prune-only: the host runs these tests as root without Yama, where
 * everything is allowed.
 */
/* prune-test: prune-only */
/* prune-test: deterministic-output */
#include "ut.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/uio.h>

static char secret[16] = "secret";

/* process_vm_readv of 'secret' in pid: 0 if it read "secret", else errno. */
static int peek(pid_t pid)
{
    char got[16] = "";
    struct iovec local = {got, sizeof(got)}, remote = {secret, sizeof(secret)};
    if (process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0)
        return errno;
    return strcmp(got, "secret") == 0 ? 0 : -1;
}

/* open(/proc/<pid>/name): 0 if it opened, else errno. */
static int open_proc(pid_t pid, const char *name)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static const char *result(int e)
{
    return e == 0 ? "ok" : e < 0 ? "wrong data" : ut_errname(e);
}

/* A child that waits on 'hold' until it closes, then exits 0; if
 * 'grandchild', it first forks one that does the same and reports its pid
 * on 'report'. */
static pid_t sleeper(int hold[2], int report)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    close(hold[1]);
    if (report >= 0) {
        pid_t g = fork();
        if (g == 0) {
            char c;
            while (read(hold[0], &c, 1) > 0)
                ;
            _exit(0);
        }
        if (write(report, &g, sizeof(g)) != sizeof(g))
            _exit(1);
    }
    char c;
    while (read(hold[0], &c, 1) > 0)
        ;
    _exit(0);
}

int main(void)
{
    ut_start();
    int hold[2], report[2];
    CHECK(pipe(hold) == 0 && pipe(report) == 0);
    pid_t a = sleeper(hold, report[1]);
    pid_t grandchild = 0;
    CHECK(read(report[0], &grandchild, sizeof(grandchild)) == sizeof(grandchild));
    pid_t b = sleeper(hold, -1);
    printf("self: %s\n", result(peek(getpid())));
    printf("parent into child: %s\n", result(peek(a)));
    printf("grandparent into grandchild: %s\n", result(peek(grandchild)));
    CHECK(peek(getpid()) == 0 && peek(a) == 0 && peek(grandchild) == 0);
    printf("environ of the child: %s\n", result(open_proc(a, "environ")));
    printf("ptdump of the grandchild: %s\n", result(open_proc(grandchild, "ptdump")));
    CHECK(open_proc(a, "environ") == 0 && open_proc(grandchild, "ptdump") == 0);

    pid_t parent = getpid();
    pid_t probe = fork();
    if (probe == 0) {
        /* a child of the test: a sibling of a and b, the parent of none */
        int into_parent = peek(parent), into_sibling = peek(b), into_nephew = peek(grandchild);
        int environ_parent = open_proc(parent, "environ");
        int ptdump_sibling = open_proc(b, "ptdump");
        int status_parent = open_proc(parent, "status");
        printf("child into parent: %s\n", result(into_parent));
        printf("into a sibling: %s\n", result(into_sibling));
        printf("into a sibling's child: %s\n", result(into_nephew));
        printf("environ of the parent: %s\n", result(environ_parent));
        printf("ptdump of a sibling: %s\n", result(ptdump_sibling));
        printf("status of the parent: %s\n", result(status_parent));
        bool ok = into_parent == EPERM && into_sibling == EPERM && into_nephew == EPERM &&
                  environ_parent == EACCES && ptdump_sibling == EACCES && status_parent == 0;
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK(waitpid(probe, &status, 0) == probe && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Yama's exception: a process names who else may reach it */
    CHECK(prctl(PR_SET_PTRACER, a, 0, 0, 0) == 0);
    probe = fork();
    if (probe == 0) {
        int into_parent = peek(parent);
        printf("child into parent, its ptracer a sibling: %s\n", result(into_parent));
        _exit(into_parent == EPERM ? 0 : 1);
    }
    CHECK(waitpid(probe, &status, 0) == probe && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0) == 0);
    probe = fork();
    if (probe == 0) {
        int into_parent = peek(parent);
        printf("child into parent, PR_SET_PTRACER_ANY: %s\n", result(into_parent));
        _exit(into_parent == 0 ? 0 : 1);
    }
    CHECK(waitpid(probe, &status, 0) == probe && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(prctl(PR_SET_PTRACER, 0, 0, 0, 0) == 0);
    EXPECT_ERRNO("PR_SET_PTRACER of no process", prctl(PR_SET_PTRACER, 999999, 0, 0, 0), EINVAL);
    close(hold[1]);
    CHECK(waitpid(a, &status, 0) == a && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(waitpid(b, &status, 0) == b && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return ut_finish("test_proc_perm");
}
