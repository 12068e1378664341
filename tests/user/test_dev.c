/*
 * The memory devices of /dev, as on Linux: null (reads find the end),
 * zero (zeros), full (zeros; writes fail with ENOSPC), random and urandom
 * (random bytes that differ from read to read), each a character device
 * with Linux's number; writes to null, zero and the random devices take
 * everything.
 */
/* prune-test: deterministic-output */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ut.h"

/* Reads n bytes of path into buf; returns read's result. */
static long read_dev(const char *path, void *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long r = read(fd, buf, n);
    close(fd);
    return r;
}

/* write(2) of n bytes to path; returns its result (errno set). */
static long write_dev(const char *path, size_t n)
{
    static char data[8192];
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    long r = write(fd, data, n);
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

int main(void)
{
    ut_start();
    static const struct { const char *path; unsigned major, minor; } devs[] = {
        {"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9},
    };
    for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
        struct stat st;
        CHECK(stat(devs[i].path, &st) == 0);
        printf("%s: %s %u:%u mode %o\n", devs[i].path, S_ISCHR(st.st_mode) ? "char" : "not char",
               major(st.st_rdev), minor(st.st_rdev), st.st_mode & 0777);
        CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == devs[i].major &&
              minor(st.st_rdev) == devs[i].minor);
    }

    char buf[5000];
    CHECK(read_dev("/dev/null", buf, sizeof(buf)) == 0);
    for (int full = 0; full < 2; full++) {
        memset(buf, 0x5a, sizeof(buf));
        CHECK(read_dev(full ? "/dev/full" : "/dev/zero", buf, sizeof(buf)) == sizeof(buf));
        int zeros = 0;
        for (size_t i = 0; i < sizeof(buf); i++)
            zeros += buf[i] == 0;
        printf("%s: %d of %zu bytes read are zero\n", full ? "/dev/full" : "/dev/zero", zeros,
               sizeof(buf));
        CHECK(zeros == (int)sizeof(buf));
    }

    char a[64], b[64];
    CHECK(read_dev("/dev/urandom", a, sizeof(a)) == sizeof(a));
    CHECK(read_dev("/dev/random", b, sizeof(b)) == sizeof(b));
    printf("two random reads differ: %s\n", memcmp(a, b, sizeof(a)) ? "yes" : "no");
    CHECK(memcmp(a, b, sizeof(a)) != 0);

    EXPECT_ERRNO("write 8192 bytes to /dev/null", write_dev("/dev/null", 8192) == 8192 ? 0 : -1, 0);
    EXPECT_ERRNO("write 8192 bytes to /dev/zero", write_dev("/dev/zero", 8192) == 8192 ? 0 : -1, 0);
    EXPECT_ERRNO("write 10 bytes to /dev/urandom", write_dev("/dev/urandom", 10) == 10 ? 0 : -1, 0);
    EXPECT_ERRNO("write to /dev/full", write_dev("/dev/full", 10), ENOSPC);
    return ut_finish("test_dev");
}
