/*
 * System calls on one file's attributes and data: chmod, chown (accepted,
 * nothing kept: every file belongs to root, the only user), truncate,
 * utimensat and its older forms, statfs, fsync, sendfile and
 * copy_file_range. Linux's argument checks and errno values.
 * See docs/files.md.
 */
#include "arch/x86_64/uaccess.h"
#include "fs/file.h"
#include "fs/path.h"
#include "fs/tmpfs_file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/layout.h"

#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)
#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_DEV encode_dev(0, 2) /* st_dev of every /proc file (fs/procfs.c) */

static struct fd_table *files(void)
{
    return current_process()->files;
}

/* The tmpfs node of the open file f, or NULL (a /proc or /dev file). */
static struct tmpfs_node *node_of(struct file *f)
{
    return tmpfs_file_node(f);
}

/* The file a path call works on: upath from dirfd, following links unless
 * AT_SYMLINK_NOFOLLOW; an empty path with AT_EMPTY_PATH is dirfd's file. */
static int target_at(int dirfd, uint64_t upath, uint64_t at_flags, struct file **out)
{
    uint32_t open_flags = O_PATH | (at_flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0);
    return path_open_at(dirfd, upath, open_flags, 0, at_flags & AT_EMPTY_PATH, out);
}

/* chmod of an open file: the tmpfs keeps the bits; /proc and /dev do not. */
static long chmod_file(struct file *f, uint64_t mode)
{
    struct tmpfs_node *node = node_of(f);
    if (!node)
        return -EPERM;
    tmpfs_chmod(node, (uint32_t)mode);
    return 0;
}

static long sys_fchmodat(uint64_t dirfd, uint64_t upath, uint64_t mode)
{
    struct file *f;
    int r = target_at((int)dirfd, upath, 0, &f);
    if (r < 0)
        return r;
    r = chmod_file(f, mode);
    file_put(f);
    return r;
}
SYSCALL(SYS_fchmodat, sys_fchmodat);

static long sys_chmod(uint64_t upath, uint64_t mode)
{
    return sys_fchmodat((uint64_t)AT_FDCWD, upath, mode);
}
SYSCALL(SYS_chmod, sys_chmod);

static long sys_fchmod(uint64_t fd, uint64_t mode)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = file_flags(f) & O_PATH ? -EBADF : chmod_file(f, mode);
    file_put(f);
    return r;
}
SYSCALL(SYS_fchmod, sys_fchmod);

/* The chown family: the file must exist; owners are not kept (every file
 * belongs to root, the only user). */
static long sys_fchownat(uint64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid,
                         uint64_t flags)
{
    (void)uid;
    (void)gid;
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct file *f;
    int r = target_at((int)dirfd, upath, flags, &f);
    if (r == 0)
        file_put(f);
    return r;
}
SYSCALL(SYS_fchownat, sys_fchownat);

static long sys_chown(uint64_t upath, uint64_t uid, uint64_t gid)
{
    return sys_fchownat((uint64_t)AT_FDCWD, upath, uid, gid, 0);
}
SYSCALL(SYS_chown, sys_chown);

static long sys_lchown(uint64_t upath, uint64_t uid, uint64_t gid)
{
    return sys_fchownat((uint64_t)AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}
SYSCALL(SYS_lchown, sys_lchown);

static long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid)
{
    (void)uid;
    (void)gid;
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = file_flags(f) & O_PATH ? -EBADF : 0;
    file_put(f);
    return r;
}
SYSCALL(SYS_fchown, sys_fchown);

/* truncate and ftruncate of an open file: a regular tmpfs file only. */
static long truncate_file(struct file *f, int64_t length)
{
    struct tmpfs_node *node = node_of(f);
    if (length < 0)
        return -EINVAL;
    if (node && tmpfs_is_dir(node))
        return -EISDIR;
    if (!node || tmpfs_type(node) != S_IFREG)
        return -EINVAL;
    tmpfs_truncate(node, (uint64_t)length);
    return 0;
}

static long sys_truncate(uint64_t upath, uint64_t length)
{
    struct file *f;
    int r = target_at(AT_FDCWD, upath, 0, &f);
    if (r < 0)
        return r;
    r = truncate_file(f, (int64_t)length);
    file_put(f);
    return r;
}
SYSCALL(SYS_truncate, sys_truncate);

static long sys_ftruncate(uint64_t fd, uint64_t length)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    uint32_t flags = file_flags(f);
    long r = flags & O_PATH ? -EBADF
             : (flags & O_ACCMODE) == O_RDONLY ? -EINVAL
                                               : truncate_file(f, (int64_t)length);
    file_put(f);
    return r;
}
SYSCALL(SYS_ftruncate, sys_ftruncate);

/* Sets f's access and modification times: times[0] and [1] in ns,
 * UTIME_NOW or UTIME_OMIT; the change time becomes now unless both are
 * omitted. */
static long set_times(struct file *f, const int64_t times[2])
{
    struct tmpfs_node *node = node_of(f);
    if (times[0] == UTIME_OMIT && times[1] == UTIME_OMIT)
        return 0;
    if (!node)
        return -EPERM;
    int64_t now = tmpfs_now();
    int64_t *fields[2] = {&node->atime_ns, &node->mtime_ns};
    for (int i = 0; i < 2; i++)
        if (times[i] != UTIME_OMIT)
            __atomic_store_n(fields[i], times[i] == UTIME_NOW ? now : times[i], __ATOMIC_RELAXED);
    __atomic_store_n(&node->ctime_ns, now, __ATOMIC_RELAXED);
    return 0;
}

/* Reads two user timespecs (utimensat) or timevals (utimes) at u into
 * times[] as set_times() takes them (NULL u: both now). 0, -EFAULT or
 * -EINVAL (a fraction out of range). */
static int times_from_user(uint64_t u, bool timeval, int64_t times[2])
{
    times[0] = times[1] = UTIME_NOW;
    if (!u)
        return 0;
    int64_t t[4];
    if (copy_from_user(t, u, sizeof(t)) < 0)
        return -EFAULT;
    for (int i = 0; i < 2; i++) {
        int64_t sec = t[2 * i], frac = t[2 * i + 1];
        if (!timeval && (frac == UTIME_NOW || frac == UTIME_OMIT)) {
            times[i] = frac;
            continue;
        }
        if (frac < 0 || frac >= (timeval ? 1000000 : 1000000000))
            return -EINVAL;
        times[i] = sec * 1000000000 + (timeval ? frac * 1000 : frac);
    }
    return 0;
}

/* utimensat and futimesat: upath from dirfd (a NULL upath: dirfd's file). */
static long utimes_at(int dirfd, uint64_t upath, uint64_t utimes, bool timeval, uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int64_t times[2];
    int r = times_from_user(utimes, timeval, times);
    if (r < 0)
        return r;
    struct file *f;
    if (upath)
        r = target_at(dirfd, upath, flags, &f);
    else if (dirfd == AT_FDCWD || !(f = fd_get(files(), dirfd)))
        r = dirfd == AT_FDCWD ? -EFAULT : -EBADF;
    if (r < 0)
        return r;
    r = set_times(f, times);
    file_put(f);
    return r;
}

static long sys_utimensat(uint64_t dirfd, uint64_t upath, uint64_t utimes, uint64_t flags)
{
    return utimes_at((int)dirfd, upath, utimes, false, flags);
}
SYSCALL(SYS_utimensat, sys_utimensat);

static long sys_futimesat(uint64_t dirfd, uint64_t upath, uint64_t utimes)
{
    return utimes_at((int)dirfd, upath, utimes, true, 0);
}
SYSCALL(SYS_futimesat, sys_futimesat);

static long sys_utimes(uint64_t upath, uint64_t utimes)
{
    return utimes_at(AT_FDCWD, upath, utimes, true, 0);
}
SYSCALL(SYS_utimes, sys_utimes);

/* utime(path, {actime, modtime}): whole seconds. */
static long sys_utime(uint64_t upath, uint64_t ubuf)
{
    int64_t times[2] = {UTIME_NOW, UTIME_NOW}, t[2];
    if (ubuf && copy_from_user(t, ubuf, sizeof(t)) < 0)
        return -EFAULT;
    if (ubuf) {
        times[0] = t[0] * 1000000000;
        times[1] = t[1] * 1000000000;
    }
    struct file *f;
    int r = target_at(AT_FDCWD, upath, 0, &f);
    if (r < 0)
        return r;
    r = set_times(f, times);
    file_put(f);
    return r;
}
SYSCALL(SYS_utime, sys_utime);

/* struct statfs of x86_64 (120 bytes). */
struct linux_statfs {
    int64_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes on x86_64");

#define ST_VALID 0x20

/* statfs of f's file system to user memory: the tmpfs may grow into every
 * frame above the reserve; /proc says it is proc. */
static long put_statfs(struct file *f, uint64_t ubuf)
{
    struct linux_stat st;
    f->ops->stat(f, &st);
    uint64_t free = frame_free_count(), reserve = frame_reserve();
    uint64_t avail = free > reserve ? free - reserve : 0;
    struct linux_statfs s = {
        .f_type = st.st_dev == PROC_DEV ? PROC_SUPER_MAGIC : TMPFS_MAGIC,
        .f_bsize = PAGE_SIZE,
        .f_blocks = tmpfs_pages() + avail,
        .f_bfree = avail,
        .f_bavail = avail,
        .f_files = tmpfs_pages() + avail,
        .f_ffree = avail,
        .f_namelen = TMPFS_NAME_MAX,
        .f_frsize = PAGE_SIZE,
        .f_flags = ST_VALID,
    };
    return copy_to_user(ubuf, &s, sizeof(s));
}

static long sys_statfs(uint64_t upath, uint64_t ubuf)
{
    struct file *f;
    int r = target_at(AT_FDCWD, upath, 0, &f);
    if (r < 0)
        return r;
    r = put_statfs(f, ubuf);
    file_put(f);
    return r;
}
SYSCALL(SYS_statfs, sys_statfs);

static long sys_fstatfs(uint64_t fd, uint64_t ubuf)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = put_statfs(f, ubuf);
    file_put(f);
    return r;
}
SYSCALL(SYS_fstatfs, sys_fstatfs);

/* fsync and fdatasync: the data is in memory already; -EINVAL for a
 * stream (the terminal, a pipe), as Linux says. */
static long sys_fsync(uint64_t fd)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = file_flags(f) & O_PATH ? -EBADF : f->ops->stream ? -EINVAL : 0;
    file_put(f);
    return r;
}
SYSCALL(SYS_fsync, sys_fsync);

static long sys_fdatasync(uint64_t fd)
{
    return sys_fsync(fd);
}
SYSCALL(SYS_fdatasync, sys_fdatasync);

/*
 * Copies up to 'count' bytes from 'in' to 'out' through a kernel page: at
 * *in_pos (advanced) if in_pos, else at in's offset; at *out_pos if
 * out_pos, else at out's offset. Returns the bytes copied, or the first
 * error if none were.
 */
static long copy_files(struct file *in, int64_t *in_pos, struct file *out, int64_t *out_pos,
                       size_t count)
{
    char *page = kmalloc(PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    count = count < MAX_RW_COUNT ? count : MAX_RW_COUNT;
    size_t done = 0;
    long r = 0;
    while (done < count) {
        size_t n = count - done < PAGE_SIZE ? count - done : PAGE_SIZE;
        r = in_pos ? file_pread(in, iobuf_kernel(page), n, *in_pos)
                   : file_read(in, iobuf_kernel(page), n);
        if (r <= 0)
            break;
        size_t got = (size_t)r;
        r = out_pos ? file_pwrite(out, iobuf_kernel(page), got, *out_pos)
                    : file_write(out, iobuf_kernel(page), got);
        if (r <= 0)
            break;
        if (in_pos)
            *in_pos += r;
        if (out_pos)
            *out_pos += r;
        done += (size_t)r;
        if ((size_t)r < got || got < n)
            break;
    }
    kfree(page);
    return done ? (long)done : r;
}

static long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t uoffset, uint64_t count)
{
    struct file *in = fd_get(files(), (int)in_fd);
    struct file *out = fd_get(files(), (int)out_fd);
    long r = 0;
    int64_t pos = 0;
    if (!in || !out || file_check_access(in, O_RDONLY) || file_check_access(out, O_WRONLY))
        r = -EBADF;
    else if ((file_flags(out) & O_APPEND) || in->ops->stream) /* Linux: no pipe as input */
        r = -EINVAL;
    else if (uoffset && copy_from_user(&pos, uoffset, sizeof(pos)) < 0)
        r = -EFAULT;
    else if (pos < 0)
        r = -EINVAL;
    if (r == 0)
        r = copy_files(in, uoffset ? &pos : NULL, out, NULL, count);
    if (r >= 0 && uoffset && copy_to_user(uoffset, &pos, sizeof(pos)) < 0)
        r = -EFAULT;
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return r;
}
SYSCALL(SYS_sendfile, sys_sendfile);

/* copy_file_range's checks: both regular tmpfs files. */
static long copy_range_check(struct file *in, struct file *out, uint64_t flags)
{
    if (flags)
        return -EINVAL;
    if (file_check_access(in, O_RDONLY) || file_check_access(out, O_WRONLY) ||
        (file_flags(out) & O_APPEND))
        return -EBADF;
    struct tmpfs_node *a = node_of(in), *b = node_of(out);
    if ((a && tmpfs_is_dir(a)) || (b && tmpfs_is_dir(b)))
        return -EISDIR;
    if (!a || !b || tmpfs_type(a) != S_IFREG || tmpfs_type(b) != S_IFREG)
        return -EINVAL;
    return 0;
}

static long sys_copy_file_range(uint64_t fd_in, uint64_t uoff_in, uint64_t fd_out,
                                uint64_t uoff_out, uint64_t len, uint64_t flags)
{
    struct file *in = fd_get(files(), (int)fd_in);
    struct file *out = fd_get(files(), (int)fd_out);
    long r = !in || !out ? -EBADF : copy_range_check(in, out, flags);
    int64_t in_pos = 0, out_pos = 0;
    if (r == 0 && uoff_in && copy_from_user(&in_pos, uoff_in, sizeof(in_pos)) < 0)
        r = -EFAULT;
    if (r == 0 && uoff_out && copy_from_user(&out_pos, uoff_out, sizeof(out_pos)) < 0)
        r = -EFAULT;
    if (r == 0 && (in_pos < 0 || out_pos < 0))
        r = -EINVAL;
    if (r == 0 && !uoff_in)
        in_pos = file_lseek(in, 0, SEEK_CUR);
    if (r == 0 && !uoff_out)
        out_pos = file_lseek(out, 0, SEEK_CUR);
    /* the same file: the ranges may not overlap */
    if (r == 0 && node_of(in) == node_of(out) && in_pos < out_pos + (int64_t)len &&
        out_pos < in_pos + (int64_t)len)
        r = -EINVAL;
    if (r == 0)
        r = copy_files(in, &in_pos, out, &out_pos, len);
    if (r >= 0 && uoff_in && copy_to_user(uoff_in, &in_pos, sizeof(in_pos)) < 0)
        r = -EFAULT;
    if (r >= 0 && uoff_out && copy_to_user(uoff_out, &out_pos, sizeof(out_pos)) < 0)
        r = -EFAULT;
    if (r > 0 && !uoff_in)
        file_lseek(in, in_pos, SEEK_SET);
    if (r > 0 && !uoff_out)
        file_lseek(out, out_pos, SEEK_SET);
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return r;
}
SYSCALL(SYS_copy_file_range, sys_copy_file_range);
