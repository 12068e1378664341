/*
 * Pipes as on Linux: EOF once the last write end is closed (not before),
 * EPIPE and SIGPIPE once the last read end is gone, writes of at most
 * PIPE_BUF bytes never interleaved with other writers' bytes (four writers
 * at once), O_NONBLOCK (EAGAIN both ways), pipe2's flags, F_GETPIPE_SZ,
 * FIONREAD, and poll/select over a pipe with time-outs and hang-ups.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>

#define WRITERS 4
#define RECORDS 200 /* PIPE_BUF-byte records per writer */

static void eof_and_epipe(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    int w2 = dup(p[1]);
    close(p[1]);
    char c;
    CHECK(write(w2, "x", 1) == 1);
    CHECK(read(p[0], &c, 1) == 1 && c == 'x');
    close(w2);
    printf("read after the last writer closed: %zd\n", read(p[0], &c, 1));

    CHECK(pipe(p) == 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    EXPECT_ERRNO("write with no reader (SIGPIPE ignored)", write(p[1], "x", 1), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    pid_t pid = fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("write with no reader: %s\n", ut_status_text(status));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
    close(p[1]);
}

/* Four writers write PIPE_BUF-byte records of their own letter; the reader
 * reads in odd sizes and checks that every record arrived whole. */
static void atomic_writes(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    for (int i = 0; i < WRITERS; i++) {
        if (fork() == 0) {
            close(p[0]);
            static char rec[PIPE_BUF];
            memset(rec, 'a' + i, sizeof(rec));
            for (int r = 0; r < RECORDS; r++)
                if (write(p[1], rec, sizeof(rec)) != sizeof(rec))
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    static char stream[WRITERS * RECORDS * PIPE_BUF + 1];
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], stream + len, 1000 + len % 3000)) > 0)
        len += n;
    close(p[0]);
    int whole = 0, counts[WRITERS] = {0};
    for (size_t at = 0; at + PIPE_BUF <= len; at += PIPE_BUF) {
        size_t k = 1;
        while (k < PIPE_BUF && stream[at + k] == stream[at])
            k++;
        whole += k == PIPE_BUF;
        if (stream[at] >= 'a' && stream[at] < 'a' + WRITERS)
            counts[stream[at] - 'a']++;
    }
    for (int i = 0; i < WRITERS; i++)
        while (wait(NULL) < 0 && errno == EINTR)
            ;
    printf("%d writers: %zu bytes, %d whole records of %d\n", WRITERS, len, whole,
           WRITERS * RECORDS);
    CHECK(len == sizeof(stream) - 1 && whole == WRITERS * RECORDS);
    for (int i = 0; i < WRITERS; i++)
        CHECK(counts[i] == RECORDS);
}

static void nonblocking_and_flags(void)
{
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
    char c;
    EXPECT_ERRNO("read of an empty O_NONBLOCK pipe", read(p[0], &c, 1), EAGAIN);
    printf("pipe2 flags: O_NONBLOCK %d, FD_CLOEXEC %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK),
           fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    printf("F_GETPIPE_SZ: %d\n", fcntl(p[1], F_GETPIPE_SZ));
    EXPECT_ERRNO("F_GETPIPE_SZ on a file", fcntl(0 + open("/proc/self/status", O_RDONLY),
                                                 F_GETPIPE_SZ), EBADF);
    static char big[100000];
    ssize_t n = write(p[1], big, sizeof(big));
    printf("O_NONBLOCK write of %zu bytes: %zd\n", sizeof(big), n);
    EXPECT_ERRNO("write to a full O_NONBLOCK pipe", write(p[1], big, 1), EAGAIN);
    int ready = -1;
    CHECK(ioctl(p[0], FIONREAD, &ready) == 0);
    printf("FIONREAD: %d\n", ready);
    EXPECT_ERRNO("pipe2 with a bad flag", pipe2(p, O_APPEND), EINVAL);
    close(p[0]);
    close(p[1]);
}

static void poll_and_select(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    struct pollfd pfd = {p[0], POLLIN, 0};
    printf("poll of an empty pipe, 50 ms: %d\n", poll(&pfd, 1, 50));
    CHECK(write(p[1], "ab", 2) == 2);
    int n = poll(&pfd, 1, 1000);
    printf("poll after a write: %d revents %#x\n", n, pfd.revents);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(p[0], &set);
    struct timeval tv = {1, 0};
    printf("select after a write: %d, set %d\n", select(p[0] + 1, &set, NULL, NULL, &tv),
           FD_ISSET(p[0], &set));
    close(p[1]);
    char buf[4];
    CHECK(read(p[0], buf, sizeof(buf)) == 2);
    n = poll(&pfd, 1, 1000);
    printf("poll after the writer closed: %d revents %#x\n", n, pfd.revents);
    close(p[0]);
}

int main(void)
{
    ut_start();
    eof_and_epipe();
    atomic_writes();
    nonblocking_and_flags();
    poll_and_select();
    return ut_finish("test_pipe");
}
