/*
 * System calls that change the tmpfs tree: mkdir, symlink, unlink, rmdir,
 * rename, link and creat, each with its *at() form. Linux's argument checks
 * and errno values; the tree work is fs/tmpfs.c's. The calls on one file
 * (chmod, truncate, utimensat...) are fs/attr_syscalls.c. See docs/files.md.
 */
#include "arch/x86_64/uaccess.h"
#include "fs/file.h"
#include "fs/path.h"
#include "fs/tmpfs_file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define RENAME_NOREPLACE 1

static struct fd_table *files(void)
{
    return current_process()->files;
}

static uint32_t umask_bits(void)
{
    return __atomic_load_n(&current_process()->umask, __ATOMIC_RELAXED);
}

/* Walks the user path at upath from dirfd (AT_FDCWD: the working
 * directory) with tmpfs_walk() 'flags'. 0 and *w (tmpfs_walk_done it). */
static int walk_at(int dirfd, uint64_t upath, int flags, struct tmpfs_walk *w)
{
    int r = 0;
    char *path = path_from_user(upath, &r);
    if (!path)
        return r;
    struct file *dir = NULL;
    if (path[0] != '/' && dirfd != AT_FDCWD && !(dir = fd_get(files(), dirfd)))
        r = -EBADF;
    if (r == 0)
        r = path_walk(dir, path, flags, w);
    if (dir)
        file_put(dir);
    kfree(path);
    return r;
}

/* mkdirat and symlinkat: a new directory or link named by upath. */
static long make_at(int dirfd, uint64_t upath, uint32_t mode, const char *target)
{
    struct tmpfs_walk w;
    int r = walk_at(dirfd, upath, WALK_PARENT, &w);
    if (r < 0)
        return r;
    if (w.node)
        r = -EEXIST;
    else if (target && w.trailing_slash)
        r = -ENOENT;
    else
        r = tmpfs_create(w.dir, w.name, mode, target, false, NULL);
    tmpfs_walk_done(&w);
    return r;
}

static long sys_mkdirat(uint64_t dirfd, uint64_t upath, uint64_t mode)
{
    return make_at((int)dirfd, upath, S_IFDIR | (mode & 01777 & ~umask_bits()), NULL);
}
SYSCALL(SYS_mkdirat, sys_mkdirat);

static long sys_mkdir(uint64_t upath, uint64_t mode)
{
    return sys_mkdirat((uint64_t)AT_FDCWD, upath, mode);
}
SYSCALL(SYS_mkdir, sys_mkdir);

static long sys_symlinkat(uint64_t utarget, uint64_t dirfd, uint64_t upath)
{
    int r = 0;
    char *target = path_from_user(utarget, &r);
    if (!target)
        return r;
    r = target[0] ? make_at((int)dirfd, upath, S_IFLNK | 0777, target) : -ENOENT;
    kfree(target);
    return r;
}
SYSCALL(SYS_symlinkat, sys_symlinkat);

static long sys_symlink(uint64_t utarget, uint64_t upath)
{
    return sys_symlinkat(utarget, (uint64_t)AT_FDCWD, upath);
}
SYSCALL(SYS_symlink, sys_symlink);

static long sys_unlinkat(uint64_t dirfd, uint64_t upath, uint64_t flags)
{
    if (flags & ~(uint64_t)AT_REMOVEDIR)
        return -EINVAL;
    bool rmdir = flags & AT_REMOVEDIR;
    struct tmpfs_walk w;
    int r = walk_at((int)dirfd, upath, WALK_PARENT, &w);
    if (r < 0)
        return r;
    if (!rmdir && w.trailing_slash && w.node)
        r = tmpfs_is_dir(w.node) ? -EISDIR : -ENOTDIR;
    else
        r = tmpfs_unlink(w.dir, w.name, rmdir);
    tmpfs_walk_done(&w);
    return r;
}
SYSCALL(SYS_unlinkat, sys_unlinkat);

static long sys_unlink(uint64_t upath)
{
    return sys_unlinkat((uint64_t)AT_FDCWD, upath, 0);
}
SYSCALL(SYS_unlink, sys_unlink);

static long sys_rmdir(uint64_t upath)
{
    return sys_unlinkat((uint64_t)AT_FDCWD, upath, AT_REMOVEDIR);
}
SYSCALL(SYS_rmdir, sys_rmdir);

static long sys_renameat2(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew,
                          uint64_t flags)
{
    if (flags & ~(uint64_t)RENAME_NOREPLACE)
        return -EINVAL;
    struct tmpfs_walk from, to;
    int r = walk_at((int)olddirfd, uold, WALK_PARENT, &from);
    if (r < 0)
        return r;
    r = walk_at((int)newdirfd, unew, WALK_PARENT, &to);
    if (r < 0) {
        tmpfs_walk_done(&from);
        return r;
    }
    if (!from.node)
        r = -ENOENT;
    else if (!tmpfs_is_dir(from.node) && (from.trailing_slash || to.trailing_slash))
        r = -ENOTDIR;
    else
        r = tmpfs_rename(from.dir, from.name, to.dir, to.name, flags & RENAME_NOREPLACE);
    tmpfs_walk_done(&from);
    tmpfs_walk_done(&to);
    return r;
}
SYSCALL(SYS_renameat2, sys_renameat2);

static long sys_renameat(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew)
{
    return sys_renameat2(olddirfd, uold, newdirfd, unew, 0);
}
SYSCALL(SYS_renameat, sys_renameat);

static long sys_rename(uint64_t uold, uint64_t unew)
{
    return sys_renameat2((uint64_t)AT_FDCWD, uold, (uint64_t)AT_FDCWD, unew, 0);
}
SYSCALL(SYS_rename, sys_rename);

static long sys_linkat(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew,
                       uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct file *f;
    uint32_t open_flags = O_PATH | (flags & AT_SYMLINK_FOLLOW ? 0 : O_NOFOLLOW);
    int r = path_open_at((int)olddirfd, uold, open_flags, 0, flags & AT_EMPTY_PATH, &f);
    if (r < 0)
        return r;
    struct tmpfs_walk to;
    r = walk_at((int)newdirfd, unew, WALK_PARENT, &to);
    if (r == 0) {
        if (to.node)
            r = -EEXIST;
        else if (!tmpfs_file_node(f))
            r = -EXDEV;
        else if (to.trailing_slash)
            r = tmpfs_is_dir(tmpfs_file_node(f)) ? -EPERM : -ENOENT;
        else
            r = tmpfs_link(tmpfs_file_node(f), to.dir, to.name);
        tmpfs_walk_done(&to);
    }
    file_put(f);
    return r;
}
SYSCALL(SYS_linkat, sys_linkat);

static long sys_link(uint64_t uold, uint64_t unew)
{
    return sys_linkat((uint64_t)AT_FDCWD, uold, (uint64_t)AT_FDCWD, unew, 0);
}
SYSCALL(SYS_link, sys_link);

static long sys_creat(uint64_t upath, uint64_t mode)
{
    uint32_t flags = O_CREAT | O_WRONLY | O_TRUNC;
    struct file *f;
    int r = path_open_at(AT_FDCWD, upath, flags, mode & ~umask_bits(), false, &f);
    if (r < 0)
        return r;
    r = fd_install(files(), f, 0, false);
    if (r < 0)
        file_put(f);
    return r;
}
SYSCALL(SYS_creat, sys_creat);
