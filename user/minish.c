/*
 * A tiny shell with job control (busybox's ash is /bin/sh; this one is a
 * short example of what a shell does): reads a line from standard input, splits
 * it at spaces and runs /bin/WORD with the other words as its arguments.
 * Each command is a job: a process group of its own in the terminal's
 * foreground, so ^C (SIGINT) and ^\ (SIGQUIT) reach it and not the shell,
 * and ^Z (SIGTSTP) stops it; "fg" continues the stopped job in the
 * foreground. "exit [N]" or the end of input (^D) ends the shell; "exit"
 * alone exits with the last command's status, as sh does. Try:
 * make run CMDLINE="init=/bin/minish". See docs/signals.md.
 */
#define _GNU_SOURCE /* wait4 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 32

/* The signals a job-control shell leaves to its jobs. */
static const int job_signals[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

static pid_t stopped_job;      /* the last job ^Z stopped, 0 if none */
static char stopped_name[64];  /* its command */

/* Splits line at spaces and tabs into words (NULL-terminated); returns how many. */
static int split(char *line, char **words)
{
    int n = 0;
    for (char *w = strtok(line, " \t\n"); w && n < MAX_WORDS; w = strtok(NULL, " \t\n"))
        words[n++] = w;
    words[n] = NULL;
    return n;
}

static void set_job_signals(void (*action)(int))
{
    for (size_t i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
        signal(job_signals[i], action);
}

/*
 * Gives the terminal to job pid (and, to continue a stopped job, says its
 * name as sh does and sends it SIGCONT), waits until it ends or stops,
 * takes the terminal back and says how it ended. Returns its status as
 * sh's $? would be: the exit status, or 128 plus the signal that killed
 * or stopped it.
 */
static int wait_in_foreground(pid_t pid, const char *name, int resume)
{
    tcsetpgrp(0, pid);
    if (resume) {
        printf("%s\n", name);
        kill(-pid, SIGCONT);
    }
    int status;
    pid_t got = wait4(pid, &status, WUNTRACED, NULL);
    tcsetpgrp(0, getpgrp());
    if (got != pid) {
        perror("minish: wait4");
        return 1;
    }
    if (WIFSTOPPED(status)) {
        stopped_job = pid;
        snprintf(stopped_name, sizeof(stopped_name), "%s", name);
        printf("\nminish: %s stopped (fg continues it)\n", name);
        return 128 + WSTOPSIG(status);
    }
    if (WIFSIGNALED(status)) {
        printf("%sminish: %s killed by signal %d\n", WTERMSIG(status) == SIGINT ? "\n" : "", name,
               WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    if (WEXITSTATUS(status) != 0)
        printf("minish: %s exited with status %d\n", name, WEXITSTATUS(status));
    return WEXITSTATUS(status);
}

/* Runs /bin/words[0] (or words[0] itself if it holds a '/') as a job;
 * returns its status as wait_in_foreground() does. */
static int run(char **words, char **envp)
{
    char path[300];
    if (strchr(words[0], '/'))
        snprintf(path, sizeof(path), "%s", words[0]);
    else
        snprintf(path, sizeof(path), "/bin/%s", words[0]);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        tcsetpgrp(0, getpid());
        set_job_signals(SIG_DFL);
        execve(path, words, envp);
        perror(path);
        _exit(127);
    }
    if (pid < 0) {
        perror("minish: fork");
        return 1;
    }
    setpgid(pid, pid); /* both sides, so neither waits for the other */
    return wait_in_foreground(pid, words[0], 0);
}

/* "fg": continues the stopped job in the foreground. */
static int fg(void)
{
    if (!stopped_job) {
        printf("minish: no stopped job\n");
        return 1;
    }
    pid_t job = stopped_job;
    char name[sizeof(stopped_name)];
    snprintf(name, sizeof(name), "%s", stopped_name);
    stopped_job = 0;
    return wait_in_foreground(job, name, 1);
}

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    setvbuf(stdout, NULL, _IONBF, 0);
    set_job_signals(SIG_IGN);
    char line[1024];
    char *words[MAX_WORDS + 1];
    int last_status = 0;
    for (;;) {
        printf("$ ");
        if (!fgets(line, sizeof(line), stdin))
            return last_status;
        int n = split(line, words);
        if (n == 0)
            continue;
        if (strcmp(words[0], "exit") == 0)
            return n > 1 ? atoi(words[1]) : last_status;
        last_status = strcmp(words[0], "fg") == 0 ? fg() : run(words, envp);
    }
}
