/*
 * A read or write whose end would pass the largest file offset (2^63 - 1)
 * fails with EINVAL before anything else is looked at, as Linux's
 * rw_verify_area() decides: read() at a file position of 2^63 - 1, pread()
 * there, or one byte too many just below it. A read of 0 bytes there is
 * fine (0 on a file), and a read that ends exactly at 2^63 - 1 reaches the
 * end of the file. The check comes before EISDIR (a directory) and uses the
 * count asked for, not the one cut to Linux's per-call maximum.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static char buf[16];

int main(void)
{
    ut_start();
    int f = open("/proc/self/status", O_RDONLY);
    CHECK(f >= 0);
    EXPECT_ERRNO("lseek to 2^63 - 1", lseek(f, INT64_MAX, SEEK_SET) == INT64_MAX ? 0 : -1, 0);
    EXPECT_ERRNO("read 1 byte at 2^63 - 1", read(f, buf, 1), EINVAL);
    EXPECT_ERRNO("read 0 bytes at 2^63 - 1", read(f, buf, 0), 0);
    EXPECT_ERRNO("pread 1 byte at 2^63 - 1", pread(f, buf, 1, INT64_MAX), EINVAL);
    EXPECT_ERRNO("pread 0 bytes at 2^63 - 1", pread(f, buf, 0, INT64_MAX), 0);
    EXPECT_ERRNO("pread 2 bytes at 2^63 - 2", pread(f, buf, 2, INT64_MAX - 1), EINVAL);
    EXPECT_ERRNO("pread 1 byte at 2^63 - 2", pread(f, buf, 1, INT64_MAX - 1), 0);
    /* raw: glibc's headers know buf is smaller than 4 GiB */
    EXPECT_ERRNO("pread 4 GiB at 2^63 - 2^32",
                 syscall(SYS_pread64, f, buf, 1ul << 32, INT64_MAX - (1l << 32) + 1), EINVAL);
    struct iovec v = {buf, 1};
    EXPECT_ERRNO("readv 1 byte at 2^63 - 1", readv(f, &v, 1), EINVAL);
    EXPECT_ERRNO("write 1 byte at 2^63 - 1", write(f, buf, 1), EBADF);
    close(f);

    int dir = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    EXPECT_ERRNO("read a directory", read(dir, buf, 1), EISDIR);
    EXPECT_ERRNO("lseek a directory to 2^63 - 1",
                 lseek(dir, INT64_MAX, SEEK_SET) == INT64_MAX ? 0 : -1, 0);
    EXPECT_ERRNO("read 1 byte of a directory at 2^63 - 1", read(dir, buf, 1), EINVAL);
    close(dir);
    return ut_finish("test_read_offset_max");
}
