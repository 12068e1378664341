/*
 * The terminal, driven by keys typed on it (test_terminal.script: through
 * prune's serial port, or a pseudo-terminal on the host): a raw mode that
 * reads every key as it comes (arrow keys, ^C as a plain byte) and is
 * restored after; a line edited in canonical mode; ^D as end of file; ^C,
 * ^\ and ^Z to a child in the foreground group (killed, killed, stopped);
 * SIGTTIN for a child that reads from the background; a read interrupted
 * by ^C's SIGINT; tcgetpgrp/tcsetpgrp; /dev/tty (ENXIO without a
 * controlling terminal).
 * Without "--scripted" (under /bin/init, where nobody types) it does
 * nothing.
 */
/* prune-test: args: --scripted */
/* prune-test: serial-script: tests/user/test_terminal.script */
#include "ut.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

static void raw_keys(void)
{
    struct termios saved, raw;
    CHECK(tcgetattr(0, &saved) == 0);
    raw = saved;
    raw.c_lflag &= ~(ICANON | ECHO | ISIG);
    raw.c_iflag &= ~(ICRNL | IXON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    CHECK(tcsetattr(0, TCSAFLUSH, &raw) == 0);
    printf("raw> ");
    for (;;) {
        unsigned char c;
        if (read(0, &c, 1) != 1) {
            printf("read failed: %s\n", ut_errname(errno));
            ut_failures++;
            break;
        }
        printf("key %02x\n", c);
        if (c == 'q')
            break;
    }
    CHECK(tcsetattr(0, TCSAFLUSH, &saved) == 0);
    struct termios now;
    tcgetattr(0, &now);
    printf("mode restored: %s\n", now.c_lflag == saved.c_lflag && now.c_iflag == saved.c_iflag
                                      ? "yes" : "no");
    CHECK(now.c_lflag == saved.c_lflag && now.c_iflag == saved.c_iflag);
}

static void cooked_line(void)
{
    char line[64];
    printf("line> ");
    ssize_t n = read(0, line, sizeof(line) - 1);
    line[n > 0 ? n : 0] = '\0';
    if (n > 0 && line[n - 1] == '\n')
        line[n - 1] = '\0';
    printf("got: [%s]\n", line);
    CHECK(strcmp(line, "hello world") == 0);
    printf("eof> ");
    n = read(0, line, sizeof(line));
    printf("read returned %zd\n", n);
    CHECK(n == 0);
}

/* A child in a group of its own, in the foreground if 'foreground':
 * sleeps, or (reader) reads the terminal. */
static pid_t job(int foreground, int reader)
{
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(SIGTTOU, SIG_DFL);
        if (reader) {
            char c;
            (void)read(0, &c, 1);
            _exit(3);
        }
        struct timespec forever = {100, 0};
        nanosleep(&forever, NULL);
        _exit(4);
    }
    setpgid(child, child);
    if (foreground)
        tcsetpgrp(0, child);
    return child;
}

static const char *how(int status)
{
    static char text[48];
    if (WIFSTOPPED(status))
        snprintf(text, sizeof(text), "stopped by signal %d", WSTOPSIG(status));
    else
        return ut_status_text(status);
    return text;
}

/* The key the script types after "what" is printed must end or stop the
 * foreground child with signal 'want'. */
static void key_to_child(const char *what, int want, int stops)
{
    pid_t child = job(1, 0);
    printf("%s: the child sleeps in the foreground\n", what);
    int status;
    waitpid(child, &status, WUNTRACED);
    tcsetpgrp(0, getpgrp());
    printf("%s: %s\n", what, how(status));
    CHECK(stops ? WIFSTOPPED(status) && WSTOPSIG(status) == want
                : WIFSIGNALED(status) && WTERMSIG(status) == want);
    if (stops) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
}

static void background_reader(void)
{
    pid_t child = job(0, 1);
    int status;
    waitpid(child, &status, WUNTRACED);
    printf("a child that reads from the background: %s\n", how(status));
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTIN);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
}

static volatile sig_atomic_t interrupts;

static void on_int(int sig)
{
    (void)sig;
    interrupts++;
}

static void interrupted_read(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_int; /* no SA_RESTART */
    sigaction(SIGINT, &sa, NULL);
    printf("read> ");
    char line[16];
    errno = 0;
    ssize_t n = read(0, line, sizeof(line));
    printf("read interrupted: %s, handler ran %d time\n", n < 0 ? ut_errname(errno) : "no",
           interrupts);
    CHECK(n < 0 && errno == EINTR && interrupts == 1);
    signal(SIGINT, SIG_DFL);
}

static void groups_and_dev_tty(void)
{
    printf("a terminal, we are in its foreground: %s\n",
           isatty(0) && tcgetpgrp(0) == getpgrp() ? "yes" : "no");
    CHECK(isatty(0) && tcgetpgrp(0) == getpgrp());
    struct winsize ws;
    EXPECT_ERRNO("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws), 0);
    EXPECT_ERRNO("tcsetpgrp to a group that does not exist", tcsetpgrp(0, 999999), ESRCH);
    int fd = open("/dev/tty", O_RDWR);
    printf("open /dev/tty: %s, a terminal: %s\n", fd >= 0 ? "ok" : ut_errname(errno),
           fd >= 0 && isatty(fd) ? "yes" : "no");
    CHECK(fd >= 0 && isatty(fd));
    close(fd);
    pid_t child = fork();
    if (child == 0) {
        setsid();
        _exit(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    printf("open /dev/tty after setsid: ENXIO %s\n", WEXITSTATUS(status) == 0 ? "yes" : "no");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--scripted") != 0) {
        printf("test_terminal: nobody types here: nothing to do\n");
        return 0;
    }
    ut_start();
    signal(SIGTTOU, SIG_IGN); /* to take the terminal back from a child */
    groups_and_dev_tty();
    raw_keys();
    cooked_line();
    key_to_child("^C", SIGINT, 0);
    key_to_child("^\\", SIGQUIT, 0);
    key_to_child("^Z", SIGTSTP, 1);
    background_reader();
    interrupted_read();
    return ut_finish("test_terminal");
}
