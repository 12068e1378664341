/*
 * A call that fills a user buffer running into an unmapped hole returns
 * what it copied before the hole, as Linux does, and fails with EFAULT
 * only when nothing was copied:
 *  - getdents64: the records that fit before the hole (Linux's filldir64
 *    stops at the first record it cannot write); the directory offset
 *    moves past those records only;
 *  - process_vm_readv / process_vm_writev: the bytes up to the hole, on
 *    the local side or the remote one (Linux counts bytes, not pages or
 *    iovecs).
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define PAGE 4096

/* A page followed by an unmapped one: returns the address of the hole. */
static char *page_before_hole(void)
{
    char *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (two == MAP_FAILED || munmap(two + PAGE, PAGE) != 0) {
        printf("FAIL mmap/munmap: %s\n", ut_errname(errno));
        exit(1);
    }
    return two + PAGE;
}

static long getdents64(int fd, void *buf, size_t len)
{
    return syscall(SYS_getdents64, fd, buf, len);
}

/* The length of the record at buf + off (struct linux_dirent64's d_reclen). */
static unsigned short reclen_at(const char *buf, long off)
{
    unsigned short len;
    memcpy(&len, buf + off + 16, sizeof(len));
    return len;
}

static void getdents_into_hole(char *hole)
{
    int dir = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    static char all[8192];
    long n = getdents64(dir, all, sizeof(all));
    CHECK(n > 0);
    long first3 = 0;
    for (int i = 0; i < 3 && first3 < n; i++)
        first3 += reclen_at(all, first3);
    CHECK(first3 < n); /* a fourth record exists */

    /* Three records fit before the hole, the fourth runs into it. */
    lseek(dir, 0, SEEK_SET);
    char *buf = hole - first3 - 5;
    long got = getdents64(dir, buf, 4096);
    printf("getdents64, 3 records fit before the hole: %s\n",
           got == first3 ? "their bytes" : got < 0 ? ut_errname(errno) : "other count");
    printf("# getdents64: %ld bytes, the first 3 records hold %ld\n", got, first3);
    CHECK(got == first3 && memcmp(buf, all, first3) == 0);
    static char rest[8192];
    long more = getdents64(dir, rest, sizeof(rest));
    printf("then the listing goes on at the fourth record: %s\n",
           more > 0 && strcmp(rest + 19, all + first3 + 19) == 0 ? "yes" : "no");
    CHECK(more == n - first3 && strcmp(rest + 19, all + first3 + 19) == 0);

    /* Not even the first record fits. */
    lseek(dir, 0, SEEK_SET);
    EXPECT_ERRNO("getdents64, the first record runs into the hole",
                 getdents64(dir, hole - 5, 4096), EFAULT);
    EXPECT_ERRNO("getdents64 at the hole", getdents64(dir, hole, 4096), EFAULT);
    long again = getdents64(dir, rest, sizeof(rest));
    printf("and the offset has not moved: %s\n", again == n ? "yes" : "no");
    CHECK(again == n);
    close(dir);
}

/* process_vm_readv/writev on ourselves with the given iovecs. */
static long vm_rw(int write, struct iovec *local, int nlocal, struct iovec *remote, int nremote)
{
    return write ? process_vm_writev(getpid(), local, nlocal, remote, nremote, 0)
                 : process_vm_readv(getpid(), local, nlocal, remote, nremote, 0);
}

static void expect_count(const char *what, long got, long want)
{
    printf("%s: %s\n", what,
           got == want ? "the bytes before the hole" : got < 0 ? ut_errname(errno) : "other count");
    if (got != want) {
        printf("# %s: %ld, expected %ld\n", what, got, want);
        ut_failures++;
    }
}

static void process_vm_into_hole(char *hole)
{
    static char data[64] = "abcdefghijklmnopqrstuvwxyz";
    static char sink[64];
    struct iovec near_hole = {hole - 6, 16}, at_hole = {hole, 16};
    struct iovec good = {data, 16}, good2 = {sink, 16};
    struct iovec two_local[2] = {{hole - 6, 16}, {sink, 16}};

    expect_count("process_vm_readv, local buffer runs into a hole",
                 vm_rw(0, &near_hole, 1, &good, 1), 6);
    CHECK(memcmp(hole - 6, data, 6) == 0);
    expect_count("process_vm_readv, a local iovec after the hole",
                 vm_rw(0, two_local, 2, &good, 1), 6);
    EXPECT_ERRNO("process_vm_readv, local buffer at the hole", vm_rw(0, &at_hole, 1, &good, 1),
                 EFAULT);
    expect_count("process_vm_readv, remote buffer runs into a hole",
                 vm_rw(0, &good2, 1, &near_hole, 1), 6);
    memcpy(hole - 6, "UVWXYZ", 6);
    expect_count("process_vm_writev, local buffer runs into a hole",
                 vm_rw(1, &near_hole, 1, &good2, 1), 6);
    CHECK(memcmp(sink, "UVWXYZ", 6) == 0);
    expect_count("process_vm_writev, remote buffer runs into a hole",
                 vm_rw(1, &good, 1, &near_hole, 1), 6);
    CHECK(memcmp(hole - 6, data, 6) == 0);
    EXPECT_ERRNO("process_vm_writev, local buffer at the hole", vm_rw(1, &at_hole, 1, &good2, 1),
                 EFAULT);
}

int main(void)
{
    ut_start();
    char *hole = page_before_hole();
    getdents_into_hole(hole);
    process_vm_into_hole(hole);
    return ut_finish("test_partial_copy");
}
