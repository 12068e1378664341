/*
 * A program started through execve("/proc/self/exe") (as busybox's shell
 * runs its applets) then opens and stats /proc/self/exe: the kernel must
 * answer (Linux: the program; prune, whose exe link keeps the path execve
 * was given, ELOOP after a few links) and never recurse through the link
 * for ever. The output says only that each call returned.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    ut_start();
    if (argc < 2) {
        char *args[] = {argv[0], "again", NULL};
        execv("/proc/self/exe", args);
        printf("execve /proc/self/exe failed: %s\n", ut_errname(errno));
        return 1;
    }
    struct stat st;
    int r = stat("/proc/self/exe", &st);
    printf("stat of /proc/self/exe after execve through it: returned\n");
    int fd = open("/proc/self/exe", O_RDONLY);
    printf("open of it: returned\n");
    if (fd >= 0)
        close(fd);
    char target[256];
    CHECK(readlink("/proc/self/exe", target, sizeof(target)) > 0);
    printf("# stat %d, open %d\n", r, fd >= 0);
    return ut_finish("test_proc_exe_loop");
}
