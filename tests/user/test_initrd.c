/*
 * Files of the initrd (unpacked into the tmpfs at /): open, read, lseek,
 * fstat, getdents64 (through opendir/readdir) and close, with Linux's errno
 * values for the bad ones. Writes are test_tmpfs's.
 * Only on prune: the host has no /README of prune's initrd (tools/mkinitrd.sh
 * writes "prune initrd\n" there).
 */
/* prune-test: prune-only */
/* prune-test: deterministic-output */
#include "ut.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#define README_TEXT "prune initrd\n"

static void read_readme(void)
{
    int fd = open("/README", O_RDONLY);
    EXPECT_ERRNO("open /README", fd, 0);
    char buf[64] = { 0 };
    long n = read(fd, buf, sizeof(buf));
    printf("read %ld bytes: %s", n, buf);
    CHECK(n == (long)strlen(README_TEXT) && strcmp(buf, README_TEXT) == 0);
    EXPECT_ERRNO("read at the end", read(fd, buf, sizeof(buf)), 0);

    struct stat st;
    EXPECT_ERRNO("fstat", fstat(fd, &st), 0);
    printf("size %ld, regular file: %s\n", (long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");
    CHECK(st.st_size == (long)strlen(README_TEXT) && S_ISREG(st.st_mode));

    printf("lseek to 6: %ld\n", (long)lseek(fd, 6, SEEK_SET));
    n = read(fd, buf, 4);
    printf("then read 4: %.4s\n", buf);
    CHECK(n == 4 && memcmp(buf, "init", 4) == 0);
    printf("lseek SEEK_CUR -2: %ld\n", (long)lseek(fd, -2, SEEK_CUR));
    printf("lseek SEEK_END 0: %ld\n", (long)lseek(fd, 0, SEEK_END));
    EXPECT_ERRNO("lseek before the start", lseek(fd, -100, SEEK_SET), EINVAL);
    printf("lseek past the end: %ld\n", (long)lseek(fd, 100, SEEK_SET));
    EXPECT_ERRNO("read past the end", read(fd, buf, 4), 0);
    EXPECT_ERRNO("write to a read-only descriptor", write(fd, "x", 1), EBADF);
    EXPECT_ERRNO("close", close(fd), 0);
    EXPECT_ERRNO("close again", close(fd), EBADF);
    EXPECT_ERRNO("read a closed descriptor", read(fd, buf, 1), EBADF);
}

static void lookups(void)
{
    EXPECT_ERRNO("open a missing file", open("/no-such-file", O_RDONLY), ENOENT);
    EXPECT_ERRNO("open under a file", open("/README/x", O_RDONLY), ENOTDIR);
    int fd = open("/README", O_WRONLY);
    EXPECT_ERRNO("open for writing", fd, 0);
    close(fd);
    EXPECT_ERRNO("create in a missing directory", open("/no-dir/new", O_WRONLY | O_CREAT, 0644),
                 ENOENT);
    EXPECT_ERRNO("open a directory for writing", open("/bin", O_WRONLY), EISDIR);
    EXPECT_ERRNO("lseek on the console", lseek(1, 0, SEEK_SET), ESPIPE);
}

static void list_bin(void)
{
    DIR *d = opendir("/bin");
    CHECK(d != NULL);
    if (!d)
        return;
    int found_self = 0, found_init = 0, entries = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        entries++;
        found_self |= strcmp(e->d_name, "test_initrd") == 0 && e->d_type == DT_REG;
        found_init |= strcmp(e->d_name, "init") == 0;
    }
    closedir(d);
    printf("/bin lists test_initrd: %s, init: %s\n", found_self ? "yes" : "no",
           found_init ? "yes" : "no");
    CHECK(found_self && found_init && entries >= 2);
    EXPECT_ERRNO("opendir of a file", opendir("/README") ? 0 : -1, ENOTDIR);
}

int main(void)
{
    ut_start();
    read_readme();
    lookups();
    list_bin();
    return ut_finish("test_initrd");
}
