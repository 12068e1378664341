/*
 * prune's default PID 1 (run when the command line has no init=): runs every
 * program in /bin whose name starts with "test_" (or with argv[1]: make bench
 * boots "init=/bin/init bench_"), in name order, one after another (fork +
 * execve + wait4), prints one line per program with how it ended, and exits
 * 0 if every one exited 0, 1 otherwise. Like a shell's job, each program
 * runs in a process group of its own, in the terminal's foreground (init
 * ignores SIGTTOU to take the terminal back).
 */
#define _GNU_SOURCE /* wait4 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 256

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills names with the programs of /bin named prefix..., sorted; returns
 * how many. */
static int find_tests(const char *prefix, char **names)
{
    DIR *bin = opendir("/bin");
    if (!bin) {
        perror("init: /bin");
        return 0;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(bin)) && n < MAX_TESTS)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            names[n++] = strdup(e->d_name);
    closedir(bin);
    qsort(names, n, sizeof(names[0]), by_name);
    return n;
}

/* Runs /bin/name and returns its wait4 status, or -1 if it could not start. */
static int run(const char *name, char **envp)
{
    char path[300];
    snprintf(path, sizeof(path), "/bin/%s", name);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        tcsetpgrp(0, getpid());
        signal(SIGTTOU, SIG_DFL);
        char *argv[] = { path, NULL };
        execve(path, argv, envp);
        perror(path);
        _exit(127);
    }
    if (pid < 0) {
        perror("init: fork");
        return -1;
    }
    setpgid(pid, pid); /* both sides, so neither waits for the other */
    tcsetpgrp(0, pid);
    int status;
    pid_t got = wait4(pid, &status, 0, NULL);
    tcsetpgrp(0, getpgrp());
    if (got != pid) {
        perror("init: wait4");
        return -1;
    }
    return status;
}

int main(int argc, char **argv, char **envp)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGTTOU, SIG_IGN);
    char *names[MAX_TESTS];
    int n = find_tests(argc > 1 ? argv[1] : "test_", names), passed = 0;
    printf("init: running %d test programs from /bin\n", n);
    for (int i = 0; i < n; i++) {
        int status = run(names[i], envp);
        if (status == -1)
            printf("init: %s: could not run\n", names[i]);
        else if (WIFSIGNALED(status))
            printf("init: %s: killed by signal %d\n", names[i], WTERMSIG(status));
        else
            printf("init: %s: exit status %d\n", names[i], WEXITSTATUS(status));
        passed += status == 0;
    }
    printf("init: %d of %d tests passed\n", passed, n);
    return passed == n ? 0 : 1;
}
