/*
 * Error numbers, with Linux's values (asm-generic/errno-base.h and errno.h):
 * system calls return them negated to user space, where musl reads them, so
 * they must match Linux exactly. Kernel functions return -EXXX as well.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM 1         /* operation not permitted */
#define ENOENT 2        /* no such file or directory */
#define ESRCH 3         /* no such process */
#define EINTR 4         /* interrupted system call */
#define EIO 5           /* I/O error (write to a /proc file that takes none) */
#define ENXIO 6         /* no such device or address (SEEK_DATA past the end) */
#define E2BIG 7         /* argument list too long */
#define ENOEXEC 8       /* exec format error */
#define EBADF 9         /* bad file descriptor */
#define ECHILD 10       /* no child processes */
#define EAGAIN 11       /* try again */
#define ENOMEM 12       /* out of memory */
#define EACCES 13       /* permission denied */
#define EFAULT 14       /* bad address */
#define EBUSY 16        /* device or resource busy */
#define EEXIST 17       /* file exists */
#define EXDEV 18        /* cross-device link */
#define ENODEV 19       /* no such device (mmap of a file that cannot be mapped) */
#define ENOTDIR 20      /* not a directory */
#define EISDIR 21       /* is a directory */
#define EINVAL 22       /* invalid argument */
#define EMFILE 24       /* too many open files */
#define ENOTTY 25       /* not a terminal */
#define EFBIG 27        /* file too large */
#define ENOSPC 28       /* no space left on device (the tmpfs: no frame) */
#define ESPIPE 29       /* illegal seek */
#define EROFS 30        /* read-only file system */
#define EPIPE 32        /* broken pipe: a write with no reader */
#define ERANGE 34       /* result out of range */
#define ENAMETOOLONG 36 /* file name too long */
#define ENOSYS 38       /* function not implemented */
#define ENOTEMPTY 39    /* directory not empty */
#define ELOOP 40        /* too many symbolic links */
#define EOPNOTSUPP 95   /* operation not supported (clock_nanosleep on a clock that cannot sleep) */
#define ETIMEDOUT 110   /* timed out (futex waits) */

#endif
