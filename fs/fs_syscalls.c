/*
 * File system calls: open, read, write, stat, getdents64 and their
 * relatives, with Linux's argument checks and errno values. The work is in
 * fs/file.c (offsets), fs/path.c (lookup) and each kind of file.
 * See docs/userspace.md ("Files and /proc").
 */
#include "arch/x86_64/uaccess.h"
#include "fs/file.h"
#include "fs/path.h"
#include "fs/tmpfs.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

static struct fd_table *files(void)
{
    return current_process()->files;
}

char *path_from_user(uint64_t upath, int *err)
{
    char *path = kmalloc(PATH_MAX);
    if (!path) {
        *err = -ENOMEM;
        return NULL;
    }
    long r = strncpy_from_user(path, upath, PATH_MAX);
    if (r < 0) {
        kfree(path);
        *err = r;
        return NULL;
    }
    return path;
}

int path_open_at(int dirfd, uint64_t upath, uint32_t flags, uint32_t mode, bool empty_ok,
                 struct file **out)
{
    int r = 0;
    char *path = path_from_user(upath, &r);
    if (!path)
        return r;
    struct file *dir = NULL;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        dir = fd_get(files(), dirfd);
        if (!dir)
            r = -EBADF;
    }
    if (r == 0 && path[0] == '\0' && empty_ok) {
        if (dir) {
            *out = dir;
            dir = NULL;
        } else {
            r = path_open(NULL, ".", O_PATH, 0, out);
        }
    } else if (r == 0) {
        r = path_open(dir, path, flags, mode, out);
    }
    if (dir)
        file_put(dir);
    kfree(path);
    return r;
}

static long sys_openat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
    uint32_t umask = __atomic_load_n(&current_process()->umask, __ATOMIC_RELAXED);
    struct file *f;
    int r = path_open_at((int)dirfd, upath, flags, mode & ~umask, false, &f);
    if (r < 0)
        return r;
    r = fd_install(files(), f, 0, flags & O_CLOEXEC);
    if (r < 0)
        file_put(f);
    return r;
}
SYSCALL(SYS_openat, sys_openat);

static long sys_open(uint64_t upath, uint64_t flags, uint64_t mode)
{
    return sys_openat((uint64_t)AT_FDCWD, upath, flags, mode);
}
SYSCALL(SYS_open, sys_open);

static long sys_close(uint64_t fd)
{
    return fd_close(files(), (int)fd);
}
SYSCALL(SYS_close, sys_close);

/* read(2) and write(2) on fd: the checks before the file's own (the user
 * range of all 'count' bytes, as Linux's access_ok(); file_read() and
 * file_write() cut the count to MAX_RW_COUNT). */
static long read_write(uint64_t fd, uint64_t ubuf, uint64_t count, bool write)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r;
    if (!user_range_ok(ubuf, count))
        r = -EFAULT;
    else if (write)
        r = file_write(f, iobuf_user(ubuf), count);
    else
        r = file_read(f, iobuf_user(ubuf), count);
    file_put(f);
    return r;
}

static long sys_read(uint64_t fd, uint64_t ubuf, uint64_t count)
{
    return read_write(fd, ubuf, count, false);
}
SYSCALL(SYS_read, sys_read);

static long sys_write(uint64_t fd, uint64_t ubuf, uint64_t count)
{
    return read_write(fd, ubuf, count, true);
}
SYSCALL(SYS_write, sys_write);

static long sys_pread64(uint64_t fd, uint64_t ubuf, uint64_t count, uint64_t pos)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = user_range_ok(ubuf, count) ? file_pread(f, iobuf_user(ubuf), count, (int64_t)pos)
                                        : -EFAULT;
    file_put(f);
    return r;
}
SYSCALL(SYS_pread64, sys_pread64);

static long sys_pwrite64(uint64_t fd, uint64_t ubuf, uint64_t count, uint64_t pos)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = user_range_ok(ubuf, count) ? file_pwrite(f, iobuf_user(ubuf), count, (int64_t)pos)
                                        : -EFAULT;
    file_put(f);
    return r;
}
SYSCALL(SYS_pwrite64, sys_pwrite64);

/* Bytes readv/writev move through a kernel buffer at a time. */
#define VECTOR_CHUNK 1024

/*
 * Copies [done, done + n) of the iovecs' bytes between them and buf (to the
 * iovecs if 'out'). 0 or -EFAULT.
 */
static int copy_iovecs(const struct linux_iovec *iov, uint64_t iovcnt, size_t done, char *buf,
                       size_t n, bool out)
{
    for (uint64_t i = 0; i < iovcnt && n; i++) {
        if (done >= iov[i].len) {
            done -= iov[i].len;
            continue;
        }
        size_t k = iov[i].len - done < n ? iov[i].len - done : n;
        int r = out ? copy_to_user(iov[i].base + done, buf, k)
                    : copy_from_user(buf, iov[i].base + done, k);
        if (r < 0)
            return r;
        buf += k;
        n -= k;
        done = 0;
    }
    return 0;
}

/*
 * The transfers of readv/writev over 'total' bytes of iovecs. Writes gather
 * chunks into a kernel buffer (as Linux's terminal does, a chunk with a bad
 * address is not written at all). A stream (the console) is read once into
 * the buffer, then scattered: one line, as read(2) gives. Other reads go
 * straight to each iovec, stopping at the first short one. Returns the
 * bytes moved, or the first error if none were.
 */
static long vector_transfer(struct file *f, const struct linux_iovec *iov, uint64_t iovcnt,
                            size_t total, bool write)
{
    if (!write && !f->ops->stream) {
        long done = 0;
        for (uint64_t i = 0; i < iovcnt; i++) {
            if (iov[i].len == 0)
                continue;
            long n = file_read(f, iobuf_user(iov[i].base), iov[i].len);
            if (n < 0)
                return done ? done : n;
            done += n;
            if ((uint64_t)n < iov[i].len)
                break;
        }
        return done;
    }
    char *buf = kmalloc(VECTOR_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long r = 0;
    while (done < total) {
        size_t n = total - done < VECTOR_CHUNK ? total - done : VECTOR_CHUNK;
        if (write) {
            r = copy_iovecs(iov, iovcnt, done, buf, n, false);
            if (r == 0)
                r = file_write(f, iobuf_kernel(buf), n);
        } else {
            r = file_read(f, iobuf_kernel(buf), n);
            if (r > 0 && copy_iovecs(iov, iovcnt, done, buf, r, true) < 0)
                r = -EFAULT;
        }
        if (r <= 0)
            break;
        done += r;
        if ((size_t)r < n || !write)
            break;
    }
    kfree(buf);
    return done ? (long)done : r;
}

/* readv/writev: Linux's checks of the iovec array, then the transfers. */
static long vector_io(uint64_t fd, uint64_t uiov, uint64_t iovcnt, bool write)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = 0;
    struct linux_iovec *iov = NULL;
    if (iovcnt > UIO_MAXIOV)
        r = -EINVAL;
    else if (iovcnt && !(iov = kmalloc(iovcnt * sizeof(*iov))))
        r = -ENOMEM;
    else if (iovcnt && copy_from_user(iov, uiov, iovcnt * sizeof(*iov)) < 0)
        r = -EFAULT;
    /* import_iovec(): each length must fit ssize_t and each range be a user
     * one; the total is cut at MAX_RW_COUNT */
    size_t total = 0;
    for (uint64_t i = 0; r == 0 && i < iovcnt; i++) {
        if ((int64_t)iov[i].len < 0)
            r = -EINVAL;
        else if (!user_range_ok(iov[i].base, iov[i].len))
            r = -EFAULT;
        iov[i].len = iov[i].len < MAX_RW_COUNT - total ? iov[i].len : MAX_RW_COUNT - total;
        total += iov[i].len;
    }
    if (r == 0 && total)
        r = vector_transfer(f, iov, iovcnt, total, write);
    else if (r == 0)
        r = file_check_access(f, write ? O_WRONLY : O_RDONLY);
    kfree(iov);
    file_put(f);
    return r;
}

static long sys_readv(uint64_t fd, uint64_t uiov, uint64_t iovcnt)
{
    return vector_io(fd, uiov, iovcnt, false);
}
SYSCALL(SYS_readv, sys_readv);

static long sys_writev(uint64_t fd, uint64_t uiov, uint64_t iovcnt)
{
    return vector_io(fd, uiov, iovcnt, true);
}
SYSCALL(SYS_writev, sys_writev);

static long sys_lseek(uint64_t fd, uint64_t offset, uint64_t whence)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = file_lseek(f, (int64_t)offset, (int)whence);
    file_put(f);
    return r;
}
SYSCALL(SYS_lseek, sys_lseek);

/* Copies f's struct stat to user memory. 0 or -EFAULT. */
static long put_stat(struct file *f, uint64_t ustat)
{
    struct linux_stat st;
    f->ops->stat(f, &st);
    return copy_to_user(ustat, &st, sizeof(st));
}

static long sys_fstat(uint64_t fd, uint64_t ustat)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = put_stat(f, ustat);
    file_put(f);
    return r;
}
SYSCALL(SYS_fstat, sys_fstat);

static long sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ustat, uint64_t flags)
{
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    uint32_t open_flags = O_PATH | (flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0);
    struct file *f;
    int r = path_open_at((int)dirfd, upath, open_flags, 0, flags & AT_EMPTY_PATH, &f);
    if (r < 0)
        return r;
    r = put_stat(f, ustat);
    file_put(f);
    return r;
}
SYSCALL(SYS_newfstatat, sys_newfstatat);

static long sys_stat(uint64_t upath, uint64_t ustat)
{
    return sys_newfstatat((uint64_t)AT_FDCWD, upath, ustat, 0);
}
SYSCALL(SYS_stat, sys_stat);

static long sys_lstat(uint64_t upath, uint64_t ustat)
{
    return sys_newfstatat((uint64_t)AT_FDCWD, upath, ustat, AT_SYMLINK_NOFOLLOW);
}
SYSCALL(SYS_lstat, sys_lstat);

/* readlinkat(dirfd, path, buf, size): the target of a symbolic link (no
 * NUL; cut at size bytes). -EINVAL for size <= 0 or a file that is no
 * link; an empty path is dirfd itself (a link opened with O_PATH |
 * O_NOFOLLOW), and -ENOENT if that is no link (or dirfd is AT_FDCWD). */
static long sys_readlinkat(uint64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t size)
{
    if ((int)size <= 0)
        return -EINVAL;
    char first;
    if (copy_from_user(&first, upath, 1))
        return -EFAULT;
    bool empty = first == '\0';
    if (empty && (int)dirfd == AT_FDCWD)
        return -ENOENT;
    struct file *f;
    int r = path_open_at((int)dirfd, upath, O_PATH | O_NOFOLLOW, 0, true, &f);
    if (r < 0)
        return r;
    char *target = kmalloc(PATH_MAX);
    long n = !target ? -ENOMEM : empty ? -ENOENT : -EINVAL;
    if (target && f->ops->readlink)
        n = f->ops->readlink(f, target, (size_t)(int)size < PATH_MAX ? (size_t)(int)size : PATH_MAX);
    if (n > 0 && copy_to_user(ubuf, target, (size_t)n))
        n = -EFAULT;
    kfree(target);
    file_put(f);
    return n;
}
SYSCALL(SYS_readlinkat, sys_readlinkat);

static long sys_readlink(uint64_t upath, uint64_t ubuf, uint64_t size)
{
    return sys_readlinkat((uint64_t)AT_FDCWD, upath, ubuf, size);
}
SYSCALL(SYS_readlink, sys_readlink);

/* Bytes of a linux_dirent64 record for a name of n bytes (NUL, then padding
 * to 8). */
static size_t dirent_size(size_t n)
{
    return (sizeof(struct linux_dirent64) + n + 1 + 7) & ~(size_t)7;
}

/*
 * getdents64: as many records as fit in count bytes, from the entry the
 * file offset points at (offsets count entries). Returns the bytes written,
 * 0 at the end, -EINVAL if even the next record does not fit. A record that
 * cannot be written (the buffer runs into a hole) ends the call as the end
 * of the buffer would (Linux's filldir64()): the records before it count,
 * -EFAULT only if there were none; the offset moves past the written ones.
 */
static long sys_getdents64(uint64_t fd, uint64_t udirp, uint64_t count)
{
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r = 0;
    if (file_flags(f) & O_PATH)
        r = -EBADF;
    else if (!f->ops->dir_entry)
        r = -ENOTDIR;
    else if (!user_range_ok(udirp, count))
        r = -EFAULT;
    spin_lock(&f->lock);
    uint64_t index = f->pos;
    spin_unlock(&f->lock);
    size_t done = 0;
    struct dir_entry d = {0};
    while (r == 0 && f->ops->dir_entry(f, index, &d) == 1) {
        uint64_t next = d.next ? d.next : index + 1;
        struct {
            struct linux_dirent64 head;
            char name[TMPFS_NAME_MAX + 1 + 8];
        } rec;
        size_t n = strlen(d.name), size = dirent_size(n);
        if (size > count - done) {
            if (done == 0)
                r = -EINVAL;
            break;
        }
        memset(&rec, 0, size);
        rec.head.d_ino = d.ino;
        rec.head.d_off = next;
        rec.head.d_reclen = size;
        rec.head.d_type = d.type;
        memcpy(rec.head.d_name, d.name, n);
        if (copy_to_user(udirp + done, &rec, size) < 0) {
            if (done == 0)
                r = -EFAULT;
            break;
        }
        done += size;
        index = next;
        d = (struct dir_entry){0};
    }
    if (r == 0 && done) {
        spin_lock(&f->lock);
        f->pos = index;
        spin_unlock(&f->lock);
    }
    file_put(f);
    return r < 0 ? r : (long)done;
}
SYSCALL(SYS_getdents64, sys_getdents64);

/* The ioctls every file has (Linux's do_vfs_ioctl()). */
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIONBIO 0x5421

/* ioctl: the generic requests, then the file's own (a terminal's,
 * drivers/tty.h); -ENOTTY for a file that has none. */
static long sys_ioctl(uint64_t fd, uint64_t cmd_arg, uint64_t arg)
{
    uint32_t cmd = (uint32_t)cmd_arg;
    struct file *f = fd_get(files(), (int)fd);
    if (!f)
        return -EBADF;
    long r;
    if (file_flags(f) & O_PATH) {
        r = -EBADF;
    } else if (cmd == FIOCLEX || cmd == FIONCLEX) {
        r = fd_set_cloexec(files(), (int)fd, cmd == FIOCLEX);
    } else if (cmd == FIONBIO) {
        uint32_t on;
        r = get_user_u32(&on, arg);
        if (!r)
            file_set_flags(f, on ? file_flags(f) | O_NONBLOCK : file_flags(f) & ~O_NONBLOCK);
    } else {
        r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
    }
    file_put(f);
    return r;
}
SYSCALL(SYS_ioctl, sys_ioctl);

/* faccessat2: we are root, so only a missing file or X_OK on a file with
 * no x bit at all fail. */
static long sys_faccessat2(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
    if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    uint32_t open_flags = O_PATH | (flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0);
    struct file *f;
    int r = path_open_at((int)dirfd, upath, open_flags, 0, flags & AT_EMPTY_PATH, &f);
    if (r < 0)
        return r;
    struct linux_stat st;
    f->ops->stat(f, &st);
    bool is_dir = (st.st_mode & S_IFMT) == S_IFDIR;
    if ((mode & X_OK) && !is_dir && !(st.st_mode & 0111))
        r = -EACCES;
    file_put(f);
    return r;
}
SYSCALL(SYS_faccessat2, sys_faccessat2);

static long sys_faccessat(uint64_t dirfd, uint64_t upath, uint64_t mode)
{
    return sys_faccessat2(dirfd, upath, mode, 0);
}
SYSCALL(SYS_faccessat, sys_faccessat);

static long sys_access(uint64_t upath, uint64_t mode)
{
    return sys_faccessat2((uint64_t)AT_FDCWD, upath, mode, 0);
}
SYSCALL(SYS_access, sys_access);
