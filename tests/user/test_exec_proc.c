/*
 * execve of a /proc file or directory fails with EACCES (they have no
 * execute permission, or are not regular files), as on Linux, after the
 * same path lookup as open(2): a missing /proc name is ENOENT and a
 * trailing slash after a /proc file is ENOTDIR. A directory of the initrd
 * is EACCES too.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

static char *const argv[] = {"x", NULL};
static char *const envp[] = {NULL};

int main(void)
{
    ut_start();
    EXPECT_ERRNO("execve /proc/self/status", execve("/proc/self/status", argv, envp), EACCES);
    EXPECT_ERRNO("execve /proc/meminfo", execve("/proc/meminfo", argv, envp), EACCES);
    EXPECT_ERRNO("execve /proc/self", execve("/proc/self", argv, envp), EACCES);
    EXPECT_ERRNO("execve /proc", execve("/proc", argv, envp), EACCES);
    EXPECT_ERRNO("execve /proc/nonexistent", execve("/proc/nonexistent", argv, envp), ENOENT);
    EXPECT_ERRNO("execve /proc/self/status/", execve("/proc/self/status/", argv, envp),
                 ENOTDIR);
    EXPECT_ERRNO("execve /", execve("/", argv, envp), EACCES);
    EXPECT_ERRNO("execve /nonexistent", execve("/nonexistent", argv, envp), ENOENT);
    return ut_finish("test_exec_proc");
}
