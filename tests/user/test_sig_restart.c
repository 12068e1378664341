/*
 * Interrupted system calls, with Linux's restart rules: a pipe read (and
 * wait4, a futex wait) interrupted by a handler fails with EINTR, or goes
 * on with SA_RESTART; poll and pause fail with EINTR even with SA_RESTART;
 * nanosleep fails with EINTR and writes the time left; a signal that runs
 * no handler (a stop, then SIGCONT) restarts every one of them, nanosleep
 * sleeping only for what was left.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <poll.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static volatile sig_atomic_t calls;

static void on_usr1(int sig)
{
    (void)sig;
    calls++;
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
}

/* A child that, after 'ms', sends 'sig' to 'target' and then (if fd >= 0)
 * writes one byte to fd. */
static pid_t later(int ms, pid_t target, int sig, int fd)
{
    pid_t child = fork();
    if (child == 0) {
        pause_ms(ms);
        kill(target, sig);
        if (fd >= 0) {
            pause_ms(ms);
            (void)write(fd, "x", 1);
        }
        _exit(0);
    }
    return child;
}

static void pipe_read(int flags, const char *what)
{
    install(flags);
    int p[2];
    CHECK(pipe(p) == 0);
    calls = 0;
    pid_t child = later(50, getpid(), SIGUSR1, p[1]);
    char c;
    errno = 0;
    ssize_t n = read(p[0], &c, 1);
    printf("pipe read %s: %s, handler ran %d time\n", what, n == 1 ? "got the byte" : ut_errname(errno),
           calls);
    CHECK(calls == 1 && (flags & SA_RESTART ? n == 1 : n == -1 && errno == EINTR));
    waitpid(child, NULL, 0);
    close(p[0]);
    close(p[1]);
}

static void wait_and_futex(void)
{
    install(0);
    pid_t sleeper = fork();
    if (sleeper == 0) {
        pause_ms(300);
        _exit(0);
    }
    pid_t sender = later(50, getpid(), SIGUSR1, -1);
    errno = 0;
    pid_t r = waitpid(sleeper, NULL, 0);
    printf("waitpid interrupted: %s\n", r < 0 ? ut_errname(errno) : "returned");
    CHECK(r < 0 && errno == EINTR);
    waitpid(sender, NULL, 0);
    install(SA_RESTART);
    sender = later(50, getpid(), SIGUSR1, -1);
    r = waitpid(sleeper, NULL, 0);
    printf("waitpid with SA_RESTART: %s\n", r == sleeper ? "the child" : ut_errname(errno));
    CHECK(r == sleeper);
    waitpid(sender, NULL, 0);

    static int word;
    install(0);
    sender = later(50, getpid(), SIGUSR1, -1);
    errno = 0;
    long f = syscall(SYS_futex, &word, 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */, 0, NULL, NULL, 0);
    printf("futex wait interrupted: %s\n", f < 0 ? ut_errname(errno) : "woken");
    CHECK(f < 0 && errno == EINTR);
    waitpid(sender, NULL, 0);
}

static void never_restarted(void)
{
    install(SA_RESTART);
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t sender = later(50, getpid(), SIGUSR1, -1);
    struct pollfd pfd = {p[0], POLLIN, 0};
    errno = 0;
    int r = poll(&pfd, 1, -1);
    printf("poll with SA_RESTART: %s\n", r < 0 ? ut_errname(errno) : "returned");
    CHECK(r < 0 && errno == EINTR);
    waitpid(sender, NULL, 0);
    sender = later(50, getpid(), SIGUSR1, -1);
    errno = 0;
    r = pause();
    printf("pause with SA_RESTART: %s\n", ut_errname(errno));
    CHECK(r < 0 && errno == EINTR);
    waitpid(sender, NULL, 0);
    close(p[0]);
    close(p[1]);
}

static void nanosleep_left(void)
{
    install(SA_RESTART);
    pid_t sender = later(100, getpid(), SIGUSR1, -1);
    struct timespec two = {2, 0}, left = {0, 0};
    errno = 0;
    int r = nanosleep(&two, &left);
    long left_ms = left.tv_sec * 1000 + left.tv_nsec / 1000000;
    printf("nanosleep 2 s interrupted (SA_RESTART or not): %s, left between 1 and 2 s: %s\n",
           r < 0 ? ut_errname(errno) : "slept", left_ms > 1000 && left_ms < 2000 ? "yes" : "no");
    CHECK(r < 0 && errno == EINTR && left_ms > 1000 && left_ms < 2000);
    waitpid(sender, NULL, 0);
}

/* In a child: calls that a stop and a continue (no handler) interrupt go
 * on; the child reports through its exit status. */
static void stopped_calls(void *arg)
{
    (void)arg;
    int p[2];
    if (pipe(p))
        _exit(10);
    pid_t me = getpid();
    pid_t helper = fork();
    if (helper == 0) {
        pause_ms(100);
        kill(me, SIGSTOP);
        pause_ms(100);
        kill(me, SIGCONT);
        pause_ms(100);
        (void)write(p[1], "y", 1);
        pause_ms(100);
        kill(me, SIGSTOP);
        pause_ms(100);
        kill(me, SIGCONT);
        _exit(0);
    }
    char c;
    if (read(p[0], &c, 1) != 1 || c != 'y')
        _exit(11);
    long start = now_ms();
    struct timespec half = {0, 500 * 1000 * 1000};
    if (nanosleep(&half, NULL) != 0)
        _exit(12);
    if (now_ms() - start < 500)
        _exit(13); /* the restart slept less than asked */
    waitpid(helper, NULL, 0);
    _exit(0);
}

static void restarted_after_stop(void)
{
    int status = ut_run_child(stopped_calls, NULL);
    printf("after a stop and a continue, read and nanosleep went on: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    ut_start();
    pipe_read(0, "without SA_RESTART");
    pipe_read(SA_RESTART, "with SA_RESTART");
    wait_and_futex();
    never_restarted();
    nanosleep_left();
    restarted_after_stop();
    return ut_finish("test_sig_restart");
}
