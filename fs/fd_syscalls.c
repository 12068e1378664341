/*
 * Descriptor calls: dup, dup2, dup3 and fcntl, with Linux's errno values.
 * The table logic is fs/fd_table.c's. See docs/userspace.md.
 */
#include "fs/file.h"
#include "fs/pipe.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"

static struct fd_table *files(void)
{
    return current_process()->files;
}

/* A new fd >= min_fd for oldfd's file: dup and F_DUPFD. */
static long dup_from(int oldfd, int min_fd, bool cloexec)
{
    struct file *f = fd_get(files(), oldfd);
    if (!f)
        return -EBADF;
    int r = fd_install(files(), f, min_fd, cloexec);
    if (r < 0)
        file_put(f);
    return r;
}

static long sys_dup(uint64_t fd)
{
    return dup_from((int)fd, 0, false);
}
SYSCALL(SYS_dup, sys_dup);

static long sys_dup2(uint64_t oldfd, uint64_t newfd)
{
    if ((int)oldfd == (int)newfd) /* nothing changes, not even FD_CLOEXEC */
        return fd_get_cloexec(files(), (int)oldfd) < 0 ? -EBADF : (long)(int)newfd;
    return fd_dup_to(files(), (int)oldfd, (int)newfd, false);
}
SYSCALL(SYS_dup2, sys_dup2);

static long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags)
{
    if ((flags & ~(uint64_t)O_CLOEXEC) || (int)oldfd == (int)newfd)
        return -EINVAL;
    return fd_dup_to(files(), (int)oldfd, (int)newfd, flags & O_CLOEXEC);
}
SYSCALL(SYS_dup3, sys_dup3);

static long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        /* Linux compares the unsigned argument with RLIMIT_NOFILE */
        if ((uint32_t)arg >= FD_MAX)
            return fd_get_cloexec(files(), (int)fd) < 0 ? -EBADF : -EINVAL;
        return dup_from((int)fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD: {
        int r = fd_get_cloexec(files(), (int)fd);
        return r < 0 ? r : (r ? FD_CLOEXEC : 0);
    }
    case F_SETFD:
        return fd_set_cloexec(files(), (int)fd, arg & FD_CLOEXEC);
    case F_GETFL:
    case F_SETFL: {
        struct file *f = fd_get(files(), (int)fd);
        if (!f)
            return -EBADF;
        long r = 0;
        if (cmd == F_GETFL)
            r = file_flags(f);
        else if (file_flags(f) & O_PATH)
            r = -EBADF;
        else
            file_set_flags(f, arg);
        file_put(f);
        return r;
    }
    case F_GETPIPE_SZ: {
        struct file *f = fd_get(files(), (int)fd);
        if (!f)
            return -EBADF;
        long r = pipe_capacity(f);
        file_put(f);
        return r;
    }
    default:
        return fd_get_cloexec(files(), (int)fd) < 0 ? -EBADF : -EINVAL;
    }
}
SYSCALL(SYS_fcntl, sys_fcntl);
