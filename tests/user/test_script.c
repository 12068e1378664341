/*
 * execve of a "#!" script, as on Linux (fs/binfmt_script.c): the named
 * interpreter runs with {interpreter, [its one argument,] the script's
 * path, the script's argv[1]...}; the argument keeps its blanks; a script
 * may name a script (up to a limit: then ELOOP); a bad "#!" line or a file
 * that is neither a program nor a script gives ENOEXEC, one without an x
 * bit EACCES. The interpreter here is this program itself (--argv prints
 * the argv it got); the scripts are written into a new directory of /tmp.
 */
/* prune-test: deterministic-output */
#include <fcntl.h>
#include <sys/stat.h>

#include "ut.h"

static char self[4096];
static char dir[64];

/* Writes 'text' to dir/name with 'mode'; returns the path (static buffer per call site). */
static const char *put(const char *name, const char *text, mode_t mode, char *path)
{
    sprintf(path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Runs path with argv in a child; returns what its --argv run printed
 * (argv[1] on, joined by '|' with the script paths as "DIR"), or the
 * execve errno name. */
static const char *run(const char *path, char *const argv[])
{
    static char out[2048];
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        char env[128];
        snprintf(env, sizeof(env), "SCRIPT_DIR=%s", dir);
        execve(path, argv, (char *[]){env, NULL});
        printf("execve: %s", ut_errname(errno));
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
        len += n;
    out[len] = '\0';
    close(fds[0]);
    waitpid(pid, NULL, 0);
    return out;
}

/* The interpreter's side: prints argv[1..] (argv[1] is the "#!" line's
 * argument, "--argv..."), the directory shown as DIR so that the output is
 * the same on every run. */
static int print_argv(int argc, char **argv)
{
    const char *d = getenv("SCRIPT_DIR");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (d && strncmp(a, d, strlen(d)) == 0)
            printf("%sDIR%s", i > 1 ? "|" : "", a + strlen(d));
        else
            printf("%s%s", i > 1 ? "|" : "", a);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strncmp(argv[1], "--argv", 6) == 0)
        return print_argv(argc, argv);
    if (getenv("SCRIPT_DIR"))
        return 99; /* run by a script without its argument: never test again */
    ut_start();
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    CHECK(n > 0);
    self[n > 0 ? n : 0] = '\0';
    strcpy(dir, "/tmp/test_script.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    setenv("SCRIPT_DIR", dir, 1);

    char line[5000], a[128], b[128], c[128], d[128], e[128], f[128];
    snprintf(line, sizeof(line), "#!%s --argv\n", self);
    put("plain", line, 0755, a);
    printf("plain: %s\n", run(a, (char *[]){"plain", "x", "y z", NULL}));
    snprintf(line, sizeof(line), "#! \t%s --argv  one  arg \t\nignored\n", self);
    put("blanks", line, 0755, b);
    printf("blanks: %s\n", run(b, (char *[]){"blanks", NULL}));
    printf("no argv: %s\n", run(b, (char *[]){NULL}));
    snprintf(line, sizeof(line), "#!%s level2\n", b);
    put("nested", line, 0755, c);
    printf("nested: %s\n", run(c, (char *[]){"nested", "x", NULL}));

    char chain[6][128];
    snprintf(line, sizeof(line), "#!%s --argv chain\n", self);
    put("chain0", line, 0755, chain[0]);
    for (int i = 1; i < 6; i++) {
        snprintf(line, sizeof(line), "#!%s\n", chain[i - 1]);
        snprintf(e, sizeof(e), "chain%d", i);
        put(e, line, 0755, chain[i]);
    }
    printf("5 scripts: %s\n", run(chain[4], (char *[]){"c4", NULL}));
    printf("6 scripts: %s\n", run(chain[5], (char *[]){"c5", NULL}));

    snprintf(line, sizeof(line), "#!%s/loop\n", dir);
    put("loop", line, 0755, d);
    printf("loop: %s\n", run(d, (char *[]){"loop", NULL}));
    put("empty-line", "#!\n", 0755, e);
    printf("empty #! line: %s\n", run(e, (char *[]){"e", NULL}));
    put("text", "echo not a script\n", 0755, e);
    printf("no #!: %s\n", run(e, (char *[]){"e", NULL}));
    put("missing", "#!/nonexistent/interpreter\n", 0755, e);
    printf("missing interpreter: %s\n", run(e, (char *[]){"e", NULL}));
    put("not-executable", line, 0644, f);
    printf("no x bit: %s\n", run(f, (char *[]){"f", NULL}));

    const char *names[] = {"plain", "blanks", "nested", "loop", "empty-line", "text",
                           "missing", "not-executable", "chain0", "chain1", "chain2",
                           "chain3", "chain4", "chain5"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(line, sizeof(line), "%s/%s", dir, names[i]);
        CHECK(unlink(line) == 0);
    }
    CHECK(rmdir(dir) == 0);
    return ut_finish("test_script");
}
