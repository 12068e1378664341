/*
 * /proc/self/ptdump and /proc/self/ptdump_full (mm/pt_dump.h): after
 * touching pages at known addresses, the dump has the tables user/ptdemo.c
 * describes with their entries and counts, the full dump has a line per
 * page, a read in small pieces gives the same text as one big read, and
 * after munmap the tables are gone from the dump.
 * Only on prune: Linux has no ptdump.
 */
/* prune-test: prune-only */
#include "ut.h"

#include <fcntl.h>
#include <sys/mman.h>

#define PAGE 4096ul
#define BASE 0x40000000ul
#define HIGH 0x8000000000ul
#define TEXT_MAX (1 << 16)

static char text[TEXT_MAX], pieces[TEXT_MAX];

/* Reads the whole file 'path' into buf in reads of 'chunk' bytes; its length. */
static size_t read_file(const char *path, char *buf, size_t chunk)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t len = 0;
    ssize_t n;
    while (len + chunk < TEXT_MAX && (n = read(fd, buf + len, chunk)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = '\0';
    return len;
}

static char *map_at(unsigned long addr, unsigned long pages)
{
    char *p = mmap((void *)addr, pages * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    for (unsigned long i = 0; i < pages; i++)
        p[i * PAGE] = 1;
    return p;
}

int main(void)
{
    ut_start();
    /* Both buffers written first: a read into pages not yet touched would
     * add entries (and accessed and dirty bits) between two dumps. */
    memset(text, 1, sizeof(text));
    memset(pieces, 1, sizeof(pieces));
    char *a = map_at(BASE, 4), *b = map_at(BASE + 0x200000, 1), *c = map_at(HIGH, 1);
    CHECK(a && b && c);

    size_t len = read_file("/proc/self/ptdump", text, 4096);
    CHECK(len > 0 && strncmp(text, "pml4 0x0000000000000000 entries=", 32) == 0);
    CHECK(strstr(text, "\n      pte 0x0000000040000000 entries=4 count=4\n"
                       "      pte 0x0000000040200000 entries=1 count=1\n") != NULL);
    CHECK(strstr(text, "\n  pud 0x0000008000000000 entries=1 count=1\n"
                       "    pmd 0x0000008000000000 entries=1 count=1\n"
                       "      pte 0x0000008000000000 entries=1 count=1\n") != NULL);

    size_t full = read_file("/proc/self/ptdump_full", text, 4096);
    CHECK(full > len && strstr(text, "\n        0x0000000040003000 rw-uad page 0x") != NULL);
    size_t again = read_file("/proc/self/ptdump_full", pieces, 7);
    CHECK(again == full && memcmp(text, pieces, full) == 0);

    CHECK(munmap(c, PAGE) == 0);
    read_file("/proc/self/ptdump", text, 4096);
    CHECK(strstr(text, "0x0000008000000000") == NULL);
    return ut_finish("test_ptdump");
}
