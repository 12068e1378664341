/*
 * The writable file system: in a fresh directory under /tmp, every file
 * call with its Linux errno values: open's O_CREAT, O_EXCL, O_TRUNC and
 * O_APPEND (two descriptors), write, pwrite64, truncate, mkdir, rmdir,
 * unlink, rename and renameat2, link, symlink, readlink, chmod, utimensat,
 * statfs, fsync, sendfile, copy_file_range, access, fstatat's flags, the
 * *at() calls with a directory fd, st_nlink, a file kept by an open fd
 * after its unlink, and a directory listed while it changes. Everything
 * made is removed at the end (the leak-check boots check the frames).
 */
/* prune-test: deterministic-output */
/* prune-test: cmdlines: ptfree=rcu */
#include "ut.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <utime.h>

static char base[64];

/* base/name in a static buffer (two at a time). */
static const char *at(const char *name)
{
    static char bufs[2][128];
    static int next;
    char *b = bufs[next++ % 2];
    snprintf(b, sizeof(bufs[0]), "%s/%s", base, name);
    return b;
}

/* The whole content of 'path' into buf (NUL-terminated); its length or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return n;
}

static void create_write_truncate(void)
{
    int fd = open(at("f"), O_RDWR | O_CREAT | O_EXCL, 0640);
    EXPECT_ERRNO("open O_CREAT|O_EXCL", fd, 0);
    EXPECT_ERRNO("again: O_EXCL", open(at("f"), O_RDWR | O_CREAT | O_EXCL, 0640), EEXIST);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_mode == (S_IFREG | 0640) && st.st_size == 0);
    CHECK(st.st_nlink == 1);
    CHECK(write(fd, "hello", 5) == 5);
    CHECK(pwrite(fd, "X", 1, 10) == 1);
    char buf[64];
    CHECK(pread(fd, buf, sizeof(buf), 0) == 11);
    printf("after pwrite at 10: %.5s, hole %d %d, then %c\n", buf, buf[5], buf[9], buf[10]);
    CHECK(lseek(fd, 0, SEEK_CUR) == 5 && lseek(fd, 0, SEEK_END) == 11);

    EXPECT_ERRNO("ftruncate to 8192", ftruncate(fd, 8192), 0);
    CHECK(pread(fd, buf, 4, 8188) == 4 && buf[0] == 0 && buf[3] == 0);
    EXPECT_ERRNO("ftruncate to 3", ftruncate(fd, 3), 0);
    EXPECT_ERRNO("ftruncate to 12", ftruncate(fd, 12), 0);
    CHECK(pread(fd, buf, sizeof(buf), 0) == 12 && memcmp(buf, "hel\0\0\0", 6) == 0);
    EXPECT_ERRNO("ftruncate to -1", ftruncate(fd, -1), EINVAL);
    EXPECT_ERRNO("truncate a directory", truncate(base, 0), EISDIR);
    EXPECT_ERRNO("truncate by path", truncate(at("f"), 2), 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 2);
    close(fd);

    fd = open(at("f"), O_RDONLY);
    EXPECT_ERRNO("ftruncate a read-only fd", ftruncate(fd, 0), EINVAL);
    EXPECT_ERRNO("write a read-only fd", write(fd, "x", 1), EBADF);
    close(fd);
    fd = open(at("f"), O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
    close(fd);
    fd = creat(at("g"), 0600);
    EXPECT_ERRNO("creat", fd, 0);
    close(fd);
    EXPECT_ERRNO("O_CREAT with a trailing slash", open(at("new/"), O_CREAT | O_WRONLY, 0600), EISDIR);
    EXPECT_ERRNO("O_CREAT in a missing directory", open(at("no/new"), O_CREAT | O_WRONLY, 0600),
                 ENOENT);
    EXPECT_ERRNO("a file as a directory", open(at("f/x"), O_RDONLY), ENOTDIR);
    EXPECT_ERRNO("O_DIRECTORY on a file", open(at("f"), O_RDONLY | O_DIRECTORY), ENOTDIR);
    EXPECT_ERRNO("write to a directory", open(base, O_WRONLY), EISDIR);
    EXPECT_ERRNO("unlink g", unlink(at("g")), 0);
}

static void append_two_fds(void)
{
    int a = open(at("log"), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int b = open(at("log"), O_WRONLY | O_APPEND);
    CHECK(a >= 0 && b >= 0);
    CHECK(write(a, "a", 1) == 1 && write(b, "bb", 2) == 2 && write(a, "c", 1) == 1);
    CHECK(lseek(a, 0, SEEK_CUR) == 4);
    CHECK(pwrite(b, "Z", 1, 0) == 1); /* O_APPEND: at the end all the same */
    char buf[16];
    printf("two O_APPEND fds wrote: %s\n", slurp(at("log"), buf, sizeof(buf)) == 5 ? buf : "?");
    close(a);
    close(b);
}

static void names(void)
{
    EXPECT_ERRNO("mkdir d", mkdir(at("d"), 0750), 0);
    EXPECT_ERRNO("mkdir d again", mkdir(at("d"), 0750), EEXIST);
    EXPECT_ERRNO("mkdir d/e/", mkdir(at("d/e/"), 0700), 0);
    EXPECT_ERRNO("mkdir in a missing directory", mkdir(at("x/y"), 0700), ENOENT);
    struct stat st;
    CHECK(stat(at("d"), &st) == 0 && st.st_mode == (S_IFDIR | 0750) && st.st_nlink == 3);
    CHECK(stat(at("d/e"), &st) == 0 && st.st_nlink == 2);
    int fd = open(at("d/e/file"), O_CREAT | O_WRONLY, 0644);
    close(fd);
    EXPECT_ERRNO("rmdir a non-empty directory", rmdir(at("d")), ENOTEMPTY);
    EXPECT_ERRNO("rmdir a file", rmdir(at("f")), ENOTDIR);
    EXPECT_ERRNO("rmdir d/.", rmdir(at("d/.")), EINVAL);
    EXPECT_ERRNO("unlink a directory", unlink(at("d")), EISDIR);
    EXPECT_ERRNO("unlink a missing file", unlink(at("nope")), ENOENT);
    EXPECT_ERRNO("unlink file/", unlink(at("f/")), ENOTDIR);

    EXPECT_ERRNO("rename a directory into itself", rename(at("d"), at("d/e/d")), EINVAL);
    EXPECT_ERRNO("rename a directory over its parent", rename(at("d/e"), at("d")), ENOTEMPTY);
    EXPECT_ERRNO("mkdir d2", mkdir(at("d2"), 0755), 0);
    EXPECT_ERRNO("rename over a non-empty directory", rename(at("d2"), at("d")), ENOTEMPTY);
    EXPECT_ERRNO("rename a directory over a file", rename(at("d2"), at("f")), ENOTDIR);
    EXPECT_ERRNO("rename a file over a directory", rename(at("f"), at("d2")), EISDIR);
    EXPECT_ERRNO("rename a missing file", rename(at("nope"), at("n2")), ENOENT);
    EXPECT_ERRNO("renameat2 RENAME_NOREPLACE",
                 syscall(SYS_renameat2, AT_FDCWD, at("f"), AT_FDCWD, at("log"), 1), EEXIST);
    EXPECT_ERRNO("renameat2 bad flags",
                 syscall(SYS_renameat2, AT_FDCWD, at("f"), AT_FDCWD, at("n"), 8), EINVAL);
    EXPECT_ERRNO("rename a file over a file", rename(at("log"), at("f")), 0);
    char buf[16];
    printf("f now holds: %s\n", slurp(at("f"), buf, sizeof(buf)) >= 0 ? buf : "?");
    EXPECT_ERRNO("rename d2 into d/e", rename(at("d2"), at("d/e/d2")), 0);
    CHECK(stat(at("d/e"), &st) == 0 && st.st_nlink == 3);
    EXPECT_ERRNO("rename through ..", rename(at("d/e/d2"), at("d/e/../e/d3")), 0);
    EXPECT_ERRNO("mkdir d4", mkdir(at("d4"), 0700), 0);
    EXPECT_ERRNO("rename over an empty directory", rename(at("d4"), at("d/e/d3")), 0);
    CHECK(stat(at("d/e"), &st) == 0 && st.st_nlink == 3);

    EXPECT_ERRNO("link", link(at("f"), at("f2")), 0);
    struct stat a, b;
    CHECK(stat(at("f"), &a) == 0 && stat(at("f2"), &b) == 0);
    CHECK(a.st_ino == b.st_ino && a.st_nlink == 2);
    EXPECT_ERRNO("link over an existing name", link(at("f"), at("f2")), EEXIST);
    EXPECT_ERRNO("link a directory", link(at("d"), at("d9")), EPERM);
    EXPECT_ERRNO("rename onto its own hard link", rename(at("f"), at("f2")), 0);
    CHECK(stat(at("f"), &a) == 0 && a.st_nlink == 2);
    EXPECT_ERRNO("unlink f2", unlink(at("f2")), 0);
    CHECK(stat(at("f"), &a) == 0 && a.st_nlink == 1);
}

static void symlinks(void)
{
    EXPECT_ERRNO("symlink", symlink("d/e/file", at("l")), 0);
    EXPECT_ERRNO("symlink over a name", symlink("x", at("l")), EEXIST);
    EXPECT_ERRNO("symlink to itself", symlink("loop", at("loop")), 0);
    char buf[64] = {0};
    long n = readlink(at("l"), buf, sizeof(buf));
    printf("readlink: %ld %s\n", n, buf);
    EXPECT_ERRNO("readlink of a file", readlink(at("f"), buf, sizeof(buf)), EINVAL);
    struct stat st;
    CHECK(lstat(at("l"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 8);
    CHECK(stat(at("l"), &st) == 0 && S_ISREG(st.st_mode));
    EXPECT_ERRNO("open a link loop", open(at("loop"), O_RDONLY), ELOOP);
    EXPECT_ERRNO("O_NOFOLLOW on a link", open(at("l"), O_RDONLY | O_NOFOLLOW), ELOOP);
    EXPECT_ERRNO("O_CREAT|O_EXCL on a link", open(at("l"), O_CREAT | O_EXCL | O_WRONLY, 0600),
                 EEXIST);
    EXPECT_ERRNO("stat through a link with a slash", stat(at("l/"), &st), ENOTDIR);
    EXPECT_ERRNO("unlink the loop", unlink(at("loop")), 0);

    int dfd = open(base, O_RDONLY | O_DIRECTORY);
    EXPECT_ERRNO("symlinkat", symlinkat("f", dfd, "l2"), 0);
    n = readlinkat(dfd, "l2", buf, sizeof(buf));
    printf("readlinkat: %ld %.1s\n", n, buf);
    EXPECT_ERRNO("linkat following the link", linkat(dfd, "l2", dfd, "f3", AT_SYMLINK_FOLLOW), 0);
    CHECK(fstatat(dfd, "f3", &st, 0) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 2);
    EXPECT_ERRNO("linkat the link itself", linkat(dfd, "l2", dfd, "l3", 0), 0);
    CHECK(fstatat(dfd, "l3", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
    CHECK(fstatat(dfd, "", &st, AT_EMPTY_PATH) == 0 && S_ISDIR(st.st_mode));
    EXPECT_ERRNO("fstatat bad flags", fstatat(dfd, "f", &st, 0x8000), EINVAL);
    EXPECT_ERRNO("unlinkat bad flags", unlinkat(dfd, "f3", 0x8000), EINVAL);
    EXPECT_ERRNO("unlinkat f3", unlinkat(dfd, "f3", 0), 0);
    EXPECT_ERRNO("unlinkat l2", unlinkat(dfd, "l2", 0), 0);
    EXPECT_ERRNO("unlinkat l3", unlinkat(dfd, "l3", 0), 0);
    EXPECT_ERRNO("mkdirat", mkdirat(dfd, "m", 0700), 0);
    EXPECT_ERRNO("renameat", renameat(dfd, "m", dfd, "m2"), 0);
    EXPECT_ERRNO("unlinkat a dir without AT_REMOVEDIR", unlinkat(dfd, "m2", 0), EISDIR);
    EXPECT_ERRNO("unlinkat AT_REMOVEDIR", unlinkat(dfd, "m2", AT_REMOVEDIR), 0);
    int ffd = open(at("f"), O_RDONLY);
    EXPECT_ERRNO("openat with a file as dirfd", openat(ffd, "x", O_RDONLY), ENOTDIR);
    close(ffd);
    close(dfd);
}

static void attributes(void)
{
    struct stat st;
    EXPECT_ERRNO("chmod", chmod(at("f"), 0604), 0);
    CHECK(stat(at("f"), &st) == 0 && (st.st_mode & 07777) == 0604);
    int fd = open(at("f"), O_RDONLY);
    EXPECT_ERRNO("fchmod", fchmod(fd, 0640), 0);
    CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640);
    EXPECT_ERRNO("fchmodat", fchmodat(AT_FDCWD, at("d"), 01755, 0), 0);
    CHECK(stat(at("d"), &st) == 0 && st.st_mode == (S_IFDIR | 01755));
    EXPECT_ERRNO("chown to ourselves", chown(at("f"), getuid(), getgid()), 0);
    EXPECT_ERRNO("fchown, no change", fchown(fd, -1, -1), 0);
    EXPECT_ERRNO("chown a missing file", chown(at("nope"), -1, -1), ENOENT);
    EXPECT_ERRNO("fsync", fsync(fd), 0);
    EXPECT_ERRNO("fdatasync", fdatasync(fd), 0);
    int p[2];
    CHECK(pipe(p) == 0);
    EXPECT_ERRNO("fsync a pipe", fsync(p[0]), EINVAL);
    close(p[0]);
    close(p[1]);

    struct timespec ts[2] = {{1000, 500}, {2000, 0}};
    EXPECT_ERRNO("utimensat", utimensat(AT_FDCWD, at("f"), ts, 0), 0);
    CHECK(stat(at("f"), &st) == 0 && st.st_atim.tv_sec == 1000 && st.st_atim.tv_nsec == 500);
    CHECK(st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 0);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {3000, 0}};
    EXPECT_ERRNO("utimensat UTIME_OMIT", futimens(fd, omit), 0);
    CHECK(stat(at("f"), &st) == 0 && st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 3000);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    EXPECT_ERRNO("utimensat bad nsec", utimensat(AT_FDCWD, at("f"), bad, 0), EINVAL);
    struct timeval tv[2] = {{4000, 7}, {5000, 0}};
    EXPECT_ERRNO("utimes", utimes(at("f"), tv), 0);
    CHECK(stat(at("f"), &st) == 0 && st.st_atim.tv_nsec == 7000 && st.st_mtim.tv_sec == 5000);
    struct utimbuf ub = {6000, 7000};
    EXPECT_ERRNO("utime", utime(at("f"), &ub), 0);
    CHECK(stat(at("f"), &st) == 0 && st.st_atime == 6000 && st.st_mtime == 7000);
    time_t before = time(NULL);
    int wfd = open(at("f"), O_WRONLY | O_APPEND);
    CHECK(write(wfd, "w", 1) == 1);
    close(wfd);
    CHECK(stat(at("f"), &st) == 0 && st.st_mtime >= before && st.st_ctime >= before);
    close(fd);

    struct statfs sf;
    EXPECT_ERRNO("statfs", statfs(at("f"), &sf), 0);
    CHECK(sf.f_bsize > 0 && sf.f_namelen == 255);
    EXPECT_ERRNO("statfs /proc", statfs("/proc", &sf), 0);
    CHECK(sf.f_type == 0x9fa0);
    EXPECT_ERRNO("statfs a missing file", statfs(at("nope"), &sf), ENOENT);

    EXPECT_ERRNO("access F_OK", access(at("f"), F_OK), 0);
    EXPECT_ERRNO("access X_OK without x bits", access(at("f"), X_OK), EACCES);
    EXPECT_ERRNO("access a missing file", access(at("nope"), F_OK), ENOENT);
    EXPECT_ERRNO("faccessat2 AT_EMPTY_PATH-less ''",
                 syscall(SYS_faccessat2, AT_FDCWD, "", F_OK, 0), ENOENT);
    EXPECT_ERRNO("faccessat2 bad flags", syscall(SYS_faccessat2, AT_FDCWD, base, F_OK, 1), EINVAL);
    EXPECT_ERRNO("faccessat", faccessat(AT_FDCWD, at("d"), X_OK, 0), 0);
}

static void copies(void)
{
    int out = open(at("copy"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open(at("d/e/file"), O_RDWR);
    CHECK(write(in, "0123456789", 10) == 10);
    off_t off = 2;
    EXPECT_ERRNO("sendfile at an offset", sendfile(out, in, &off, 5), 0);
    CHECK(off == 7 && lseek(in, 0, SEEK_CUR) == 10);
    CHECK(lseek(in, 8, SEEK_SET) == 8);
    EXPECT_ERRNO("sendfile at the offset of the fd", sendfile(out, in, NULL, 100), 0);
    CHECK(lseek(in, 0, SEEK_CUR) == 10);
    char buf[32];
    printf("sendfile copied: %s\n", slurp(at("copy"), buf, sizeof(buf)) >= 0 ? buf : "?");
    int app = open(at("copy"), O_WRONLY | O_APPEND);
    EXPECT_ERRNO("sendfile to O_APPEND", sendfile(app, in, NULL, 1), EINVAL);
    close(app);
    close(out);

    out = open(at("copy"), O_RDWR);
    off_t in_off = 0, out_off = 1;
    EXPECT_ERRNO("copy_file_range", copy_file_range(in, &in_off, out, &out_off, 3, 0), 0);
    CHECK(in_off == 3 && out_off == 4);
    printf("copy_file_range made: %s\n", slurp(at("copy"), buf, sizeof(buf)) >= 0 ? buf : "?");
    EXPECT_ERRNO("copy_file_range flags", copy_file_range(in, NULL, out, NULL, 1, 1), EINVAL);
    in_off = 0;
    out_off = 2;
    EXPECT_ERRNO("copy_file_range overlapping", copy_file_range(out, &in_off, out, &out_off, 4, 0),
                 EINVAL);
    close(in);
    close(out);
}

static void unlinked_but_open(void)
{
    int fd = open(at("ghost"), O_RDWR | O_CREAT, 0600);
    char big[9000];
    memset(big, 'g', sizeof(big));
    CHECK(write(fd, big, sizeof(big)) == (long)sizeof(big));
    EXPECT_ERRNO("unlink an open file", unlink(at("ghost")), 0);
    EXPECT_ERRNO("it is gone by name", access(at("ghost"), F_OK), ENOENT);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 9000);
    memset(big, 0, sizeof(big));
    CHECK(pread(fd, big, sizeof(big), 0) == 9000 && big[0] == 'g' && big[8999] == 'g');
    CHECK(write(fd, "more", 4) == 4);
    printf("unlinked file still reads and writes: size %ld\n",
           fstat(fd, &st) == 0 ? (long)st.st_size : -1l);
    close(fd);
}

#define MANY 1500 /* more entries than one getdents64 of readdir's buffer holds */

/* Lists base/many while half its files are removed and others made: every
 * file that stays is listed once (the names made meanwhile may or may not
 * be: Linux leaves that open). */
static void listing_while_changing(void)
{
    mkdir(at("many"), 0755);
    static char name[MANY][160];
    static char seen_once[MANY];
    for (int i = 0; i < MANY; i++) {
        snprintf(name[i], sizeof(name[i]), "%s/many/n%04d", base, i);
        close(open(name[i], O_CREAT | O_WRONLY, 0644));
    }
    DIR *d = opendir(at("many"));
    CHECK(d != NULL);
    int seen = 0, kept = 0, twice = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (++seen == 10) {
            for (int i = 0; i < MANY; i += 2) {
                unlink(name[i]);
                name[i][strlen(name[i]) - 5] = 'm';
                close(open(name[i], O_CREAT | O_WRONLY, 0644));
            }
        }
        int i = atoi(e->d_name + 1);
        if (e->d_name[0] == 'n' && i % 2 == 1) {
            kept += !seen_once[i];
            twice += seen_once[i];
            seen_once[i] = 1;
        }
    }
    if (d)
        closedir(d);
    printf("# %d entries\n", seen);
    printf("listing while changing: %d of %d kept names seen, %d twice\n", kept, MANY / 2, twice);
    CHECK(kept == MANY / 2 && twice == 0);
    for (int i = 0; i < MANY; i++)
        CHECK(unlink(name[i]) == 0);
    EXPECT_ERRNO("rmdir many", rmdir(at("many")), 0);
}

static void clean_up(void)
{
    static const char *files[] = {"f", "l", "copy", "d/e/file"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        CHECK(unlink(at(files[i])) == 0);
    static const char *dirs[] = {"d/e/d3", "d/e", "d", ""};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        CHECK(rmdir(dirs[i][0] ? at(dirs[i]) : base) == 0);
    printf("cleaned up\n");
}

int main(void)
{
    ut_start();
    umask(022);
    snprintf(base, sizeof(base), "/tmp/test_tmpfs.%d", (int)getpid());
    EXPECT_ERRNO("mkdir base", mkdir(base, 0755), 0);
    create_write_truncate();
    append_two_fds();
    names();
    symlinks();
    attributes();
    copies();
    unlinked_but_open();
    listing_while_changing();
    clean_up();
    return ut_failures ? 1 : 0;
}
