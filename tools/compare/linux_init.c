/*
 * PID 1 of make compare's Linux guest (Debian's kernel under QEMU, with an
 * initramfs that tools/compare/run.sh packs): mounts devtmpfs (for a console
 * the archive need not hold as a device node) and /proc (VmPTE, PageTables),
 * runs "/bin/init PREFIX" (prune's own init: every /bin/PREFIX* in name
 * order, as on prune; PREFIX is bench_, or compare_prefix=... of the kernel
 * command line, which Linux hands init in its environment), then powers the
 * machine off, which ends QEMU.
 * Built with musl-gcc -static like the benchmarks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* Makes /dev/console stdin, stdout and stderr (when the kernel found no
 * console in the archive, they are closed). */
static void open_console(void)
{
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/console", O_RDWR);
    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        dup2(fd, i);
    if (fd > 2)
        close(fd);
}

int main(void)
{
    open_console();
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        perror("linux_init: mount /proc");
    struct utsname u;
    if (uname(&u) == 0)
        printf("compare: kernel %s %s %s\n", u.sysname, u.release, u.version);
    char *prefix = getenv("compare_prefix");
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "/bin/init", prefix ? prefix : "bench_", NULL };
        char *envp[] = { "PATH=/bin", NULL };
        execve(argv[0], argv, envp);
        perror("linux_init: /bin/init");
        _exit(127);
    }
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    printf("compare: init exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}
