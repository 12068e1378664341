/*
 * A tiny shell: reads a line from standard input, splits it at spaces and runs
 * /bin/WORD with the other words as its arguments (fork + execve + wait4).
 * "exit [N]" or the end of input ends it; "exit" alone exits with the last
 * command's status, as sh does. Try: make run CMDLINE="init=/bin/sh".
 */
#define _GNU_SOURCE /* wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 32

/* Splits line at spaces and tabs into words (NULL-terminated); returns how many. */
static int split(char *line, char **words)
{
    int n = 0;
    for (char *w = strtok(line, " \t\n"); w && n < MAX_WORDS; w = strtok(NULL, " \t\n"))
        words[n++] = w;
    words[n] = NULL;
    return n;
}

/* Runs /bin/words[0] (or words[0] itself if it holds a '/'), reports how it
 * ended and returns its status as sh's $? would be: the exit status, or 128
 * plus the signal that killed it. */
static int run(char **words, char **envp)
{
    char path[300];
    if (strchr(words[0], '/'))
        snprintf(path, sizeof(path), "%s", words[0]);
    else
        snprintf(path, sizeof(path), "/bin/%s", words[0]);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, words, envp);
        perror(path);
        _exit(127);
    }
    int status;
    if (pid < 0 || wait4(pid, &status, 0, NULL) != pid) {
        perror("sh");
        return 1;
    }
    if (WIFSIGNALED(status)) {
        printf("sh: %s killed by signal %d\n", words[0], WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    if (WEXITSTATUS(status) != 0)
        printf("sh: %s exited with status %d\n", words[0], WEXITSTATUS(status));
    return WEXITSTATUS(status);
}

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    setvbuf(stdout, NULL, _IONBF, 0);
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
        last_status = run(words, envp);
    }
}
