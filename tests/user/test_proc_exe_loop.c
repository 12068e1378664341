/*
 * A program started through execve("/proc/self/exe") (as busybox's shell
 * runs its applets) then stats, opens and reads the link /proc/self/exe:
 * it names the program itself (not "/proc/self/exe", which would name
 * itself and send the lookup round for ever), and a second execve through
 * it works, as busybox's nested applets need.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    ut_start();
    if (argc < 3) {
        char *args[] = {argv[0], "again", argc < 2 ? NULL : "and again", NULL};
        execv("/proc/self/exe", args);
        printf("execve /proc/self/exe failed: %s\n", ut_errname(errno));
        return 1;
    }
    struct stat st;
    EXPECT_ERRNO("stat of /proc/self/exe after two execve through it",
                 stat("/proc/self/exe", &st), 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    EXPECT_ERRNO("open of it", fd, 0);
    if (fd >= 0)
        close(fd);
    char target[256];
    long n = readlink("/proc/self/exe", target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = '\0';
    printf("it names the program, not /proc/self/exe: %d\n",
           n > 0 && target[0] == '/' && strncmp(target, "/proc/", 6) != 0);
    CHECK(n > 0 && strncmp(target, "/proc/", 6) != 0);
    return ut_finish("test_proc_exe_loop");
}
