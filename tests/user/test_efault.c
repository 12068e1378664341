/*
 * Bad user pointers make system calls fail with EFAULT, never crash the
 * kernel: NULL, unmapped, the kernel half and non-canonical addresses given to
 * write, read, clock_gettime, mincore, uname, open and wait4.
 * Raw system calls: musl's clock_gettime would go to the host's vDSO.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

static const struct {
    const char *name;
    unsigned long address;
} bad[] = {
    { "NULL", 0 },
    { "unmapped", 0x100000 }, /* below where a static program is loaded */
    { "kernel half", 0xffffffff80000000ul },
    { "non-canonical", 0x0000800000000000ul },
};

int main(void)
{
    ut_start();
    char what[80];
    /* A read-only page (the kernel must not write into it either) and,
     * right after it, a page that was mapped and is no more. */
    char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *gone = ro + 4096;
    munmap(gone, 4096);
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        void *p = (void *)bad[i].address;
        snprintf(what, sizeof(what), "write from %s", bad[i].name);
        EXPECT_ERRNO(what, syscall(SYS_write, 1, p, 16), EFAULT);
        snprintf(what, sizeof(what), "read into %s", bad[i].name);
        EXPECT_ERRNO(what, syscall(SYS_read, fd, p, 16), EFAULT);
        snprintf(what, sizeof(what), "clock_gettime into %s", bad[i].name);
        EXPECT_ERRNO(what, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p), EFAULT);
        snprintf(what, sizeof(what), "mincore into %s", bad[i].name);
        EXPECT_ERRNO(what, syscall(SYS_mincore, (unsigned long)ro, 4096, p), EFAULT);
        snprintf(what, sizeof(what), "uname into %s", bad[i].name);
        EXPECT_ERRNO(what, syscall(SYS_uname, p), EFAULT);
        snprintf(what, sizeof(what), "open of a path at %s", bad[i].name);
        EXPECT_ERRNO(what, syscall(SYS_open, p, O_RDONLY), EFAULT);
    }
    EXPECT_ERRNO("write from an unmapped page", syscall(SYS_write, 1, gone, 16), EFAULT);
    EXPECT_ERRNO("read into a read-only page", syscall(SYS_read, fd, ro, 16), EFAULT);
    EXPECT_ERRNO("clock_gettime into a read-only page",
                 syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ro), EFAULT);
    EXPECT_ERRNO("mincore into a read-only page",
                 syscall(SYS_mincore, (unsigned long)ro, 4096, ro), EFAULT);

    pid_t child = fork();
    if (child == 0)
        _exit(7);
    EXPECT_ERRNO("wait4 status into the kernel half",
                 syscall(SYS_wait4, child, 0xffffffff80000000ul, 0, 0), EFAULT);
    /* Whether the failed wait4 reaped the child is not checked: reap it. */
    int status = 0;
    wait4(child, &status, 0, NULL);

    /* A buffer that runs from a good page into a bad one. */
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(two + 4096, 4096);
    struct timespec *straddle = (struct timespec *)(two + 4096 - 8);
    EXPECT_ERRNO("clock_gettime straddling into a hole",
                 syscall(SYS_clock_gettime, CLOCK_MONOTONIC, straddle), EFAULT);
    close(fd);
    printf("still running\n");
    return ut_finish("test_efault");
}
