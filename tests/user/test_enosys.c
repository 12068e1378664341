/*
 * A system call number the kernel does not know returns ENOSYS (prune also
 * logs the number once), and the program goes on normally.
 */
/* prune-test: deterministic-output */
/* prune-test: unknown-syscalls */
#include "ut.h"

#include <sys/syscall.h>

int main(void)
{
    ut_start();
    EXPECT_ERRNO("syscall 999", syscall(999), ENOSYS);
    EXPECT_ERRNO("syscall 999 again", syscall(999), ENOSYS);
    EXPECT_ERRNO("syscall 100000", syscall(100000), ENOSYS);
    EXPECT_ERRNO("syscall -1", syscall(-1), ENOSYS);
    EXPECT_ERRNO("getpid after them", getpid() > 0 ? 0 : -1, 0);
    return ut_finish("test_enosys");
}
