/*
 * Filling the tmpfs on a small machine: files in /tmp are written until a
 * write fails, which must be ENOSPC (not a panic, not the out-of-memory
 * killer: the writer survives and can go on). /proc/meminfo's Shmem grows
 * by what was written and falls back once the files are removed; the
 * leak-check boot then finds every frame back. prune only: on the host
 * this would fill the real /tmp.
 */
/* prune-test: prune-only */
/* prune-test: mem: 64M */
/* prune-test: cmdlines: ptfree=rcu */
#include "ut.h"

#include <fcntl.h>

#define CHUNK (64 * 1024)
#define MAX_FILES 256

static char chunk[CHUNK];

/* /proc/meminfo's Shmem in kB, or -1. */
static long shmem_kb(void)
{
    static char text[4096];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0)
        return -1;
    long n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    const char *line = strstr(text, "\nShmem:");
    return line ? strtol(line + 7, NULL, 10) : -1;
}

static void name_of(char *buf, int i)
{
    snprintf(buf, 64, "/tmp/fill.%03d", i);
}

int main(void)
{
    ut_start();
    memset(chunk, 'z', sizeof(chunk));
    long before = shmem_kb();
    CHECK(before >= 0);
    char name[64];
    long written = 0;
    int files = 0, err = 0;
    for (; files < MAX_FILES && !err; files++) {
        name_of(name, files);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            err = errno;
            break;
        }
        for (int k = 0; k < 16 && !err; k++) {
            long n = write(fd, chunk, sizeof(chunk));
            if (n < 0)
                err = errno;
            else
                written += n;
        }
        close(fd);
    }
    printf("filling /tmp stopped with: %s\n", ut_errname(err));
    CHECK(err == ENOSPC);
    printf("# %d files, %ld MiB written before ENOSPC\n", files, written >> 20);
    CHECK(written > (16l << 20)); /* most of 64 MiB */
    long full = shmem_kb();
    printf("# Shmem %ld kB before, %ld kB when full\n", before, full);
    CHECK(full - before >= written / 1024 - 64);

    int fd = open("/tmp/fill.more", O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) {
        EXPECT_ERRNO("another write when full", write(fd, chunk, sizeof(chunk)), ENOSPC);
        close(fd);
        unlink("/tmp/fill.more");
    } else {
        EXPECT_ERRNO("another file when full", fd, ENOSPC);
    }

    for (int i = 0; i <= files && i < MAX_FILES; i++) {
        name_of(name, i);
        unlink(name);
    }
    long after = shmem_kb();
    printf("# Shmem %ld kB after removing the files\n", after);
    CHECK(after == before);
    fd = open("/tmp/fill.again", O_WRONLY | O_CREAT, 0600);
    EXPECT_ERRNO("a write after the removal", write(fd, chunk, sizeof(chunk)), 0);
    close(fd);
    EXPECT_ERRNO("unlink it", unlink("/tmp/fill.again"), 0);
    return ut_failures ? 1 : 0;
}
