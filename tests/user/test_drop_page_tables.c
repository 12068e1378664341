/*
 * /proc/sys/vm/drop_page_tables: writing 1 frees every page table that
 * holds no data, in every process, now. Reads over 1 GiB (one per 2 MiB)
 * fill 512 PTE tables with the zero page; a region dropped with
 * MADV_DONTNEED leaves empty tables under ptreclaim=lazy. After the write,
 * VmPTE is back where it was before the reads, and the pages written
 * before still read back their data, the rest zeros. A value other than 1
 * gives EINVAL. prune's own file: Linux has no such knob.
 */
/* prune-test: deterministic-output */
/* prune-test: prune-only */
/* prune-test: cmdlines: ptreclaim=eager | ptreclaim=lazy */
#include "ut.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

#define TWO_MIB (2ul << 20)
#define AREA (1ul << 30)
#define PATH "/proc/sys/vm/drop_page_tables"

/* Writes 'text' to the knob; returns 0 or the errno. */
static int drop(const char *text)
{
    int fd = open(PATH, O_WRONLY);
    if (fd < 0)
        return errno;
    ssize_t n = write(fd, text, strlen(text));
    int err = n == (ssize_t)strlen(text) ? 0 : errno;
    close(fd);
    return err;
}

static long vmpte(void)
{
    return proc_kb("/proc/self/status", "VmPTE");
}

int main(void)
{
    ut_start();
    char *area = mmap(NULL, AREA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    /* data in two places, and a region written then dropped */
    area[100 * TWO_MIB + 5] = 42;
    area[400 * TWO_MIB + 7] = 43;
    memset(area + 200 * TWO_MIB, 1, TWO_MIB);
    CHECK(madvise(area + 200 * TWO_MIB, TWO_MIB, MADV_DONTNEED) == 0);
    long baseline = vmpte();

    int zeros = 1;
    for (uint64_t off = 0; off < AREA; off += TWO_MIB)
        zeros &= area[off + 4096] == 0;
    long filled = vmpte();
    printf("reads over 1 GiB: zeros %s, VmPTE grew by at least 2000 kB: %s\n",
           zeros ? "yes" : "no", filled - baseline >= 2000 ? "yes" : "no");
    CHECK(zeros && filled - baseline >= 2000);

    int err = drop("1\n");
    long dropped = vmpte();
    printf("write 1: %s, VmPTE back to its baseline: %s\n", err ? strerror(err) : "ok",
           dropped <= baseline ? "yes" : "no");
    printf("# VmPTE %ld kB before the reads, %ld kB after, %ld kB after the drop\n", baseline,
           filled, dropped);
    CHECK(!err && dropped <= baseline);

    int data = area[100 * TWO_MIB + 5] == 42 && area[400 * TWO_MIB + 7] == 43;
    zeros = area[200 * TWO_MIB] == 0 && area[100 * TWO_MIB + 4] == 0;
    for (uint64_t off = 0; off < AREA; off += 64 * TWO_MIB)
        zeros &= area[off + 8192] == 0;
    printf("data still there: %s, the rest zeros: %s\n", data ? "yes" : "no",
           zeros ? "yes" : "no");
    CHECK(data && zeros);

    printf("write 2: %s\n", drop("2") == EINVAL ? "EINVAL" : "not EINVAL");
    printf("write 1 again: %s\n", drop("1") ? "failed" : "ok");
    CHECK(munmap(area, AREA) == 0);
    return ut_finish("test_drop_page_tables");
}
