/*
 * Working directories: getcwd, chdir, fchdir and relative paths (open,
 * stat, mkdir, rename, execve of "./prog"), inherited by fork (the child's
 * chdir leaves the parent's alone) and kept over execve; a removed working
 * directory (getcwd: ENOENT, nothing can be made in it); getcwd's ERANGE.
 */
/* prune-test: deterministic-output */
/* prune-test: cmdlines: ptfree=rcu */
#include "ut.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static char base[64];

/* The working directory relative to base ("." for base itself), or the
 * errno name of getcwd's failure. */
static const char *where(void)
{
    static char buf[256];
    if (!getcwd(buf, sizeof(buf)))
        return ut_errname(errno);
    size_t n = strlen(base);
    if (strncmp(buf, base, n) != 0)
        return buf;
    return buf[n] ? buf + n + 1 : ".";
}

/* Copies our own program to "prog" in the working directory, with x bits. */
static int copy_self(void)
{
    int in = open("/proc/self/exe", O_RDONLY);
    int out = open("prog", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    struct stat st;
    if (in < 0 || out < 0 || fstat(in, &st) < 0)
        return -1;
    off_t off = 0;
    while (off < st.st_size)
        if (sendfile(out, in, &off, st.st_size - off) <= 0)
            return -1;
    close(in);
    close(out);
    return 0;
}

static void child_moves(void *arg)
{
    (void)arg;
    printf("child starts in: %s\n", where());
    CHECK(chdir("sub") == 0);
    printf("child moved to: %s\n", where());
}

static void relative_paths(void)
{
    EXPECT_ERRNO("chdir base", chdir(base), 0);
    printf("in: %s\n", where());
    EXPECT_ERRNO("mkdir sub (relative)", mkdir("sub", 0755), 0);
    int fd = open("sub/file", O_CREAT | O_WRONLY, 0644);
    EXPECT_ERRNO("open sub/file (relative)", fd, 0);
    CHECK(write(fd, "abc", 3) == 3);
    close(fd);
    struct stat st;
    EXPECT_ERRNO("stat ./sub/../sub/file", stat("./sub/../sub/file", &st), 0);
    CHECK(st.st_size == 3);
    EXPECT_ERRNO("rename (relative)", rename("sub/file", "file2"), 0);
    EXPECT_ERRNO("chdir to a file", chdir("file2"), ENOTDIR);
    EXPECT_ERRNO("chdir to a missing directory", chdir("nope"), ENOENT);
    EXPECT_ERRNO("chdir to \"\"", chdir(""), ENOENT);

    int status = ut_run_child(child_moves, NULL);
    printf("child: %s; parent still in: %s\n", ut_status_text(status), where());

    int dfd = open("sub", O_RDONLY | O_DIRECTORY);
    EXPECT_ERRNO("fchdir sub", fchdir(dfd), 0);
    printf("after fchdir: %s\n", where());
    EXPECT_ERRNO("stat ../file2", stat("../file2", &st), 0);
    EXPECT_ERRNO("chdir ..", chdir(".."), 0);
    int ffd = open("file2", O_RDONLY);
    EXPECT_ERRNO("fchdir to a file", fchdir(ffd), ENOTDIR);
    EXPECT_ERRNO("fchdir to a bad fd", fchdir(99), EBADF);
    close(ffd);
    close(dfd);

    char small[4];
    EXPECT_ERRNO("getcwd into 4 bytes", syscall(SYS_getcwd, small, sizeof(small)), ERANGE);
    EXPECT_ERRNO("unlink file2 (relative)", unlink("file2"), 0);
}

static void exec_relative(void)
{
    CHECK(chdir(base) == 0 && chdir("sub") == 0);
    EXPECT_ERRNO("copy ourselves to ./prog", copy_self(), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"prog", "--where", base, NULL};
        execv("./prog", argv);
        printf("execv ./prog: %s\n", ut_errname(errno));
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("./prog: %s\n", ut_status_text(status));
    EXPECT_ERRNO("unlink prog", unlink("prog"), 0);
}

static void removed_cwd(void)
{
    CHECK(chdir(base) == 0);
    CHECK(mkdir("gone", 0755) == 0 && chdir("gone") == 0);
    EXPECT_ERRNO("rmdir the working directory", rmdir("../gone"), 0);
    printf("getcwd in a removed directory: %s\n", where());
    EXPECT_ERRNO("create in it", open("x", O_CREAT | O_WRONLY, 0644), ENOENT);
    EXPECT_ERRNO("mkdir in it", mkdir("y", 0755), ENOENT);
    EXPECT_ERRNO("chdir back through ..", chdir(".."), 0);
    printf("back in: %s\n", where());
}

int main(int argc, char **argv)
{
    ut_start();
    if (argc == 3 && strcmp(argv[1], "--where") == 0) { /* run as ./prog */
        snprintf(base, sizeof(base), "%s", argv[2]);
        printf("exec'd program runs in: %s\n", where());
        return strcmp(where(), "sub") == 0 ? 0 : 1;
    }
    snprintf(base, sizeof(base), "/tmp/test_cwd.%d", (int)getpid());
    EXPECT_ERRNO("mkdir base", mkdir(base, 0755), 0);
    relative_paths();
    exec_relative();
    removed_cwd();
    CHECK(chdir("/") == 0);
    EXPECT_ERRNO("rmdir sub", rmdir(strcat(strcpy((char[96]){0}, base), "/sub")), 0);
    EXPECT_ERRNO("rmdir base", rmdir(base), 0);
    printf("in: %s\n", where());
    return ut_failures ? 1 : 0;
}
