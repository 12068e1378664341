/*
 * Open files and file descriptor tables. A process has one fd table,
 * shared by its threads; fork copies it (the copies share each open file
 * and its offset, as on Linux). Files are the console (fds 0, 1 and 2 of
 * PID 1), tmpfs files and directories, pipes, /dev and /proc files.
 *
 * The files of this layer:
 *   fs/file.c          struct file: references, offsets, read/write/lseek
 *   fs/file_path.c     the path of an open file (/proc/PID/fd, exe)
 *   fs/fd_table.c      fd tables
 *   fs/path.c          path lookup and open(2)'s checks
 *   fs/tmpfs_file.c    files and directories of the tmpfs (fs/tmpfs.h)
 *   fs/console_file.c  the console and /dev/tty: the terminal of drivers/tty.h
 *   fs/pipe.c          pipes
 *   fs/poll.c          poll, ppoll, select, pselect6 over every kind of file
 *   fs/devfs.c         /dev: console, tty, null
 *   fs/procfs.c        /proc, with fs/proc_text.c (its text)
 *   fs/fs_syscalls.c   open, read, write, stat, getdents64... (Linux ABI:
 *   fs/fd_syscalls.c   dup, dup2, dup3, fcntl             fs/fs_abi.h)
 *   fs/tree_syscalls.c mkdir, unlink, rename, link, chmod, truncate...
 *   fs/cwd.c           working directories: chdir, fchdir, getcwd
 * See docs/userspace.md ("Files and /proc").
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/fs_abi.h"
#include "kernel/spinlock.h"

struct fd_table;

/* A table with fds 0, 1 and 2 open on the console (read: serial input;
 * write: every console). NULL without memory. */
struct fd_table *fd_table_create_console(void);

/* fork: a table with the same fds pointing to the same open files. NULL
 * without memory. */
struct fd_table *fd_table_fork(struct fd_table *parent);

/* execve: closes the fds opened with O_CLOEXEC / FD_CLOEXEC. */
void fd_table_exec(struct fd_table *table);

/* Closes every fd and frees the table (the process is gone). */
void fd_table_destroy(struct fd_table *table);

/* Fds per table: RLIMIT_NOFILE's usual soft limit. */
#define FD_MAX 1024

/*
 * Where a read puts its bytes or a write takes them: user memory (addr is a
 * user address, reached only through uaccess.h) or a kernel buffer (the
 * kernel's own callers and tests).
 */
struct iobuf {
    uint64_t addr;
    bool user;
};

static inline struct iobuf iobuf_user(uint64_t uaddr)
{
    return (struct iobuf){uaddr, true};
}

static inline struct iobuf iobuf_kernel(void *p)
{
    return (struct iobuf){(uint64_t)p, false};
}

/* Copies n bytes into / out of the buffer at byte 'offset'. 0 or -EFAULT.
 * No spinlock may be held (a user copy may fault and sleep). */
int iobuf_put(struct iobuf buf, size_t offset, const void *src, size_t n);
int iobuf_get(void *dst, struct iobuf buf, size_t offset, size_t n);

/* One directory entry, as getdents64 reports it. */
struct dir_entry {
    const char *name;
    uint64_t ino;
    uint8_t type; /* DT_* of fs/fs_abi.h */
    uint64_t next; /* the offset of the entry after it; 0: this one's + 1 */
};

struct file;

/*
 * What a kind of file does. 'pos' is the file offset the call works at
 * (ignored by streams); the generic code (file.c) reads and advances
 * file->pos. read/write return the bytes done, 0 at the end, or -errno.
 */
struct file_ops {
    long (*read)(struct file *f, struct iobuf buf, size_t len, uint64_t pos);
    long (*write)(struct file *f, struct iobuf buf, size_t len, uint64_t pos); /* NULL: -EINVAL */
    /* O_APPEND writes (NULL: write at pos): at the end of the file, which
     * moves with them; sets *end to the offset after the bytes written. */
    long (*append)(struct file *f, struct iobuf buf, size_t len, uint64_t *end);
    /* Directories only (NULL otherwise): the entry at offset 'index' of
     * the listing ("." and ".." first; *out is zeroed by the caller), or
     * the first one after it if none is there. Returns 1, 0 past the end,
     * or -errno. */
    int (*dir_entry)(struct file *f, uint64_t index, struct dir_entry *out);
    /* Directories only: writes the directory's absolute path into
     * buf[0, size) (for openat with a directory fd); its length or
     * -ENAMETOOLONG. */
    int (*dir_path)(struct file *f, char *buf, size_t size);
    void (*stat)(struct file *f, struct linux_stat *st);
    /* A symbolic link opened itself (O_PATH | O_NOFOLLOW): copies up to
     * 'size' bytes of its target into buf (no NUL) and returns the count;
     * NULL or -EINVAL: not a link. */
    int (*readlink)(struct file *f, char *buf, size_t size);
    /* What /proc/PID/fd/N shows for it: an absolute path ("/dev/null") or
     * a name such as "pipe:[7]", written into buf[0, size) (no NUL); its
     * length, or -ENAMETOOLONG. NULL: the directory's dir_path, else the
     * ramfs node's path (fs/proc_pid.c). */
    int (*describe)(struct file *f, char *buf, size_t size);
    /* poll(2)'s readiness (POLLIN... of fs/poll.h); NULL: always ready for
     * both, as a regular file. Who makes a file ready calls poll_wake(). */
    uint32_t (*poll)(struct file *f);
    /* ioctl(2); NULL: -ENOTTY. */
    long (*ioctl)(struct file *f, uint32_t cmd, uint64_t arg);
    void (*release)(struct file *f); /* the last reference is gone; may be NULL */
    bool stream;   /* no offset: lseek and pread give -ESPIPE (the console) */
    bool seek_end; /* SEEK_END, SEEK_DATA and SEEK_HOLE work on st_size (else -EINVAL) */
};

/*
 * An open file. fds (of one or several tables, after dup and fork) share it,
 * and with it the offset and the status flags.
 */
struct file {
    const struct file_ops *ops;  /* constant */
    void *private;               /* the ops' own data (tmpfs node, /proc text); constant */
    int refs;                    /* atomic: fd slots plus temporary holders */
    struct spinlock lock;        /* protects pos and flags */
    uint64_t pos;                /* lock */
    uint32_t flags;              /* lock: O_ACCMODE, O_LARGEFILE and the O_SETFL_MASK bits */
};

/* The status flags an open file keeps from open(2)'s 'flags' (F_GETFL
 * reports them), as Linux does: O_PATH keeps only O_PATH, O_DIRECTORY and
 * O_NOFOLLOW; else the creation flags and O_CLOEXEC go, O_LARGEFILE comes. */
static inline uint32_t file_status_flags(uint32_t flags)
{
    if (flags & O_PATH)
        return flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW);
    return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
}

/* A file with one reference, or NULL without memory. */
struct file *file_alloc(const struct file_ops *ops, void *private, uint32_t flags);
void file_get(struct file *f);
/* The status flags (F_GETFL), read under the file's lock. */
uint32_t file_flags(struct file *f);
/* F_SETFL: replaces the O_SETFL_MASK bits. */
void file_set_flags(struct file *f, uint32_t flags);
/* Drops a reference; the last one calls ops->release and frees the file. */
void file_put(struct file *f);

/* What /proc/PID/fd/N shows for f into buf[0, size) (no NUL): its
 * describe hook's text (a tmpfs file's path, "pipe:[N]"...), else a
 * directory's absolute path, else "anon_inode:[unknown]". Its length,
 * -ENAMETOOLONG, or -ENOENT (a file whose directory is gone). fs/file_path.c. */
int file_describe(struct file *f, char *buf, size_t size);

/* file_describe()'s text as a string (kmalloc: kfree it), or NULL: the
 * path execve keeps for /proc/PID/exe. */
char *file_path_dup(struct file *f);

/* 0, or -EBADF unless the file was opened for 'access' (O_RDONLY: reading,
 * O_WRONLY: writing); an O_PATH file is open for neither. */
int file_check_access(struct file *f, int access);

/* read/write at file->pos, advancing it by the bytes done (with the checks
 * of read(2)/write(2): -EBADF, then -EINVAL if pos + len would pass
 * INT64_MAX, then -EISDIR, -EINVAL). len is cut to MAX_RW_COUNT. Two
 * threads reading one file at once may both read from the same offset. */
long file_read(struct file *f, struct iobuf buf, size_t len);
long file_write(struct file *f, struct iobuf buf, size_t len);
/* pread64/pwrite64: at 'pos', the offset unchanged; -ESPIPE on a stream,
 * -EINVAL for pos < 0 or pos + len past INT64_MAX. A pwrite64 on an
 * O_APPEND file writes at the end, as Linux's does. */
long file_pread(struct file *f, struct iobuf buf, size_t len, int64_t pos);
long file_pwrite(struct file *f, struct iobuf buf, size_t len, int64_t pos);
/* lseek: the new offset or -EINVAL / -ESPIPE / -ENXIO (SEEK_DATA or
 * SEEK_HOLE at or past the end: the whole file is data, no holes). */
int64_t file_lseek(struct file *f, int64_t offset, int whence);

/* fd operations on one table; each takes the table lock. */

/* Installs 'f' (its reference passes to the table) at the lowest free fd
 * >= min_fd. Returns the fd, or -EMFILE (f untouched) when none is free
 * below FD_MAX, -ENOMEM if the table cannot grow. */
int fd_install(struct fd_table *table, struct file *f, int min_fd, bool cloexec);
/* The file at fd with a new reference (file_put it), or NULL. */
struct file *fd_get(struct fd_table *table, int fd);
/* close: 0 or -EBADF. */
int fd_close(struct fd_table *table, int fd);
/* dup2/dup3: makes newfd refer to oldfd's file (closing what newfd had).
 * Returns newfd, or -EBADF (oldfd not open, newfd out of range). */
int fd_dup_to(struct fd_table *table, int oldfd, int newfd, bool cloexec);
/* F_GETFD / F_SETFD: 0 or 1, or -EBADF. */
int fd_get_cloexec(struct fd_table *table, int fd);
int fd_set_cloexec(struct fd_table *table, int fd, bool cloexec);
/* Open fds (for tests). */
int fd_count(struct fd_table *table);

#endif
