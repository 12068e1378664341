/*
 * tracerun: records the page-table events of one program (mm/pt_trace.h).
 *
 * Switches /proc/pttrace on, runs PROGRAM with its arguments and waits for
 * it; then switches recording off and copies the recorded events to
 * standard output, each line prefixed with "T " (so that make trace tells
 * them from the program's own output, which has ended by then), and prints
 * "tracerun: PROGRAM exited with status N". The kernel's rings hold what
 * the run recorded (PT_TRACE_RING events per CPU; a "lost" line says how
 * many more there were). Last it copies /proc/ptstat, each line prefixed
 * with "S " (the lab of docs/labs/measure.md reads the IPI counts there).
 * make trace (tools/trace/) boots prune with tracerun as PID 1 and draws
 * the events.
 *
 * usage: tracerun PROGRAM [ARGS...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK 65536

static char buf[CHUNK];

static int switch_trace(const char *word)
{
    int fd = open("/proc/pttrace", O_WRONLY);
    int ok = fd >= 0 && write(fd, word, strlen(word)) == (ssize_t)strlen(word);
    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}

/* Copies file fd to stdout, each line prefixed with 'prefix' (NULL: reads
 * it and prints nothing). */
static void copy_lines(int fd, const char *prefix)
{
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        if (!prefix)
            continue;
        for (char *line = buf, *end; line < buf + n; line = end + 1) {
            end = memchr(line, '\n', (size_t)(buf + n - line));
            if (!end)
                break;
            printf("%s%.*s\n", prefix, (int)(end - line), line);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tracerun PROGRAM [ARGS...]\n");
        return 2;
    }
    int fd = open("/proc/pttrace", O_RDONLY);
    if (fd < 0 || switch_trace("on")) {
        perror("tracerun: /proc/pttrace");
        return 1;
    }
    copy_lines(fd, NULL); /* events from before this run */
    pid_t child = fork();
    if (child == 0) {
        execv(argv[1], argv + 1);
        perror("tracerun: execv");
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    switch_trace("off");
    copy_lines(fd, "T ");
    close(fd);
    fd = open("/proc/ptstat", O_RDONLY);
    if (fd >= 0) {
        copy_lines(fd, "S ");
        close(fd);
    }
    printf("tracerun: %s exited with status %d\n", argv[1],
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
