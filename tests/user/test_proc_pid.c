/*
 * /proc/<pid>/ of a child, read by its parent and parsed as busybox's ps
 * and top parse it: stat (state, ppid, pgrp, threads), status (Name, State,
 * Tgid, Pid, PPid, Threads, VmRSS), cmdline (argv with a space inside an
 * argument, NUL-separated), comm, statm against the regions of maps, the
 * fd/ links (a pipe is "pipe:[ino]" with the pipe's inode, a file its
 * path), exe; /proc lists the child's pid while it lives and shows it as a
 * zombie before the wait, and not once reaped; /proc/self is a link to the
 * caller's pid.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#define CHILD_FD 10 /* where the child keeps its open file */

/* Reads a whole /proc file into buf (NUL-terminated): its length or -1. */
static long read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    long n;
    while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += n;
    buf[len] = '\0';
    close(fd);
    return (long)len;
}

static long read_pid_file(int pid, const char *name, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
    return read_file(path, buf, size);
}

/* The number after "field:\t" in a status text, or -1. */
static long status_field(const char *text, const char *field)
{
    char key[32];
    snprintf(key, sizeof(key), "\n%s:\t", field);
    const char *at = strstr(text, key);
    return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

/* True if /proc's listing has a directory named pid. */
static bool listed(int pid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return false;
    char name[16];
    snprintf(name, sizeof(name), "%d", pid);
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d)))
        found |= strcmp(e->d_name, name) == 0 && e->d_type == DT_DIR;
    closedir(d);
    return found;
}

/* The child: keeps 'exe' open at CHILD_FD, says so on 'ready', sleeps on
 * 'hold' until it closes, then exits 7. */
static int child_main(int ready, int hold, const char *exe)
{
    int fd = open(exe, O_RDONLY);
    if (fd < 0 || dup2(fd, CHILD_FD) != CHILD_FD)
        return 1;
    close(fd);
    if (write(ready, "r", 1) != 1)
        return 1;
    char c;
    while (read(hold, &c, 1) > 0)
        ;
    return 7;
}

/* Checks stat, status, cmdline, comm, statm, maps, fd and exe of the
 * sleeping child 'pid'. */
static void check_child(int pid, const char *exe, ino_t hold_ino, char *const *args)
{
    static char buf[65536];
    CHECK(read_pid_file(pid, "stat", buf, sizeof(buf)) > 0);
    int spid = 0, ppid = 0, pgrp = 0;
    char comm[32] = "", state = 0;
    long threads = 0;
    int n = sscanf(buf, "%d (%31[^)]) %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
                        "%*d %*d %*d %ld",
                   &spid, comm, &state, &ppid, &pgrp, &threads);
    printf("stat: %d fields, state %c, ppid is the parent %d, comm %s, threads %ld\n", n, state,
           ppid == getpid(), comm, threads);
    CHECK(n == 6 && spid == pid && state == 'S' && ppid == getpid() && threads == 1);
    CHECK(strcmp(comm, "test_proc_pid") == 0 || strncmp(comm, "test_proc_pid.g", 15) == 0);
    CHECK(pgrp == getpgrp());

    CHECK(read_pid_file(pid, "status", buf, sizeof(buf)) > 0);
    CHECK(strncmp(buf, "Name:\t", 6) == 0 && strstr(buf, "\nState:\tS (sleeping)\n"));
    printf("status: Tgid %d, Pid %d, PPid is the parent %d, Threads %ld, VmRSS > 0 %d\n",
           status_field(buf, "Tgid") == pid, status_field(buf, "Pid") == pid,
           status_field(buf, "PPid") == getpid(), status_field(buf, "Threads"),
           status_field(buf, "VmRSS") > 0);
    CHECK(status_field(buf, "Tgid") == pid && status_field(buf, "Pid") == pid);
    CHECK(status_field(buf, "PPid") == getpid() && status_field(buf, "Threads") == 1);
    CHECK(status_field(buf, "VmRSS") > 0 && status_field(buf, "VmSize") > 0);

    long len = read_pid_file(pid, "cmdline", buf, sizeof(buf));
    char want[256];
    size_t want_len = 0;
    for (char *const *a = args; *a; a++) {
        memcpy(want + want_len, *a, strlen(*a) + 1);
        want_len += strlen(*a) + 1;
    }
    bool same = len == (long)want_len && memcmp(buf, want, want_len) == 0;
    printf("cmdline: argv with NULs, \"two words\" kept whole %d\n", same);
    CHECK(same);

    CHECK(read_pid_file(pid, "comm", buf, sizeof(buf)) > 0);
    CHECK(strncmp(buf, comm, strlen(comm)) == 0 && buf[strlen(comm)] == '\n');

    /* statm's size is the sum of the regions of maps, in pages */
    CHECK(read_pid_file(pid, "statm", buf, sizeof(buf)) > 0);
    unsigned long size = 0, resident = 0, maps_pages = 0;
    CHECK(sscanf(buf, "%lu %lu", &size, &resident) == 2);
    CHECK(read_pid_file(pid, "maps", buf, sizeof(buf)) > 0);
    for (char *line = buf; *line;) {
        unsigned long start, end;
        char perms[8];
        char *nl = strchr(line, '\n');
        bool gate = nl ? memmem(line, nl - line, "[vsyscall]", 10) != NULL
                       : strstr(line, "[vsyscall]") != NULL; /* no region: not in statm */
        if (sscanf(line, "%lx-%lx %7s", &start, &end, &perms[0]) == 3 && !gate)
            maps_pages += (end - start) / 4096;
        line = nl ? nl + 1 : line + strlen(line);
    }
    printf("statm: size is the sum of maps %d, resident <= size %d\n", size == maps_pages,
           resident <= size && resident > 0);
    CHECK(size == maps_pages && resident <= size && resident > 0);

    char path[64], target[4096];
    snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, CHILD_FD);
    len = readlink(path, target, sizeof(target) - 1);
    target[len > 0 ? len : 0] = '\0';
    printf("fd/%d: the open file's path %d\n", CHILD_FD, strcmp(target, exe) == 0);
    CHECK(strcmp(target, exe) == 0);
    char pipe_name[64];
    snprintf(pipe_name, sizeof(pipe_name), "pipe:[%lu]", (unsigned long)hold_ino);
    bool pipe_seen = false;
    snprintf(path, sizeof(path), "/proc/%d/fd", pid);
    DIR *d = opendir(path);
    CHECK(d != NULL);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char link[300];
        snprintf(link, sizeof(link), "/proc/%d/fd/%s", pid, e->d_name);
        len = readlink(link, target, sizeof(target) - 1);
        target[len > 0 ? len : 0] = '\0';
        pipe_seen |= strcmp(target, pipe_name) == 0;
    }
    if (d)
        closedir(d);
    printf("fd/: the pipe it reads as pipe:[its inode] %d\n", pipe_seen);
    CHECK(pipe_seen);

    snprintf(path, sizeof(path), "/proc/%d/exe", pid);
    len = readlink(path, target, sizeof(target) - 1);
    target[len > 0 ? len : 0] = '\0';
    printf("exe: the program %d\n", strcmp(target, exe) == 0);
    CHECK(strcmp(target, exe) == 0);
}

int main(int argc, char **argv)
{
    static char exe[4096];
    long n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    if (argc == 5 && strcmp(argv[1], "child") == 0)
        return child_main(atoi(argv[3]), atoi(argv[4]), exe);
    ut_start();

    char self[32], want[32];
    n = readlink("/proc/self", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(want, sizeof(want), "%d", getpid());
    printf("/proc/self: a link to the pid %d\n", strcmp(self, want) == 0);
    CHECK(strcmp(self, want) == 0);
    struct stat st;
    CHECK(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode));

    int ready[2], hold[2];
    CHECK(pipe(ready) == 0 && pipe(hold) == 0);
    CHECK(fstat(hold[0], &st) == 0);
    char r[12], h[12];
    snprintf(r, sizeof(r), "%d", ready[1]);
    snprintf(h, sizeof(h), "%d", hold[0]);
    char *args[] = {"test", "child", "two words", r, h, NULL}; /* the fds the child keeps */
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(hold[1]);
        execv(exe, args);
        _exit(99);
    }
    close(ready[1]);
    close(hold[0]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    /* the child is blocked in read() of 'hold' now, or about to be */
    char stat_text[512];
    for (int i = 0; i < 2000; i++) {
        read_pid_file(pid, "stat", stat_text, sizeof(stat_text));
        const char *paren = strrchr(stat_text, ')');
        if (paren && paren[2] == 'S')
            break;
        usleep(1000);
    }
    check_child(pid, exe, st.st_ino, args);
    printf("listed while alive: %d\n", listed(pid));
    CHECK(listed(pid));

    close(hold[1]); /* the child exits 7 */
    siginfo_t info;
    CHECK(waitid(P_PID, pid, &info, WEXITED | WNOWAIT) == 0);
    CHECK(read_pid_file(pid, "stat", stat_text, sizeof(stat_text)) > 0);
    const char *paren = strrchr(stat_text, ')');
    printf("zombie: state %c, listed %d\n", paren ? paren[2] : '?', listed(pid));
    CHECK(paren && paren[2] == 'Z' && listed(pid));

    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
    char path[32];
    snprintf(path, sizeof(path), "/proc/%d", pid);
    EXPECT_ERRNO("stat of /proc/<reaped pid>", stat(path, &st), ENOENT);
    printf("listed once reaped: %d\n", listed(pid));
    CHECK(!listed(pid));
    return ut_finish("test_proc_pid");
}
