/*
 * The file system part of the Linux x86_64 ABI: open flags, fcntl commands,
 * struct stat and struct linux_dirent64, with Linux's values and layouts
 * (include/uapi/asm-generic/fcntl.h, arch/x86/include/uapi/asm/stat.h).
 */
#ifndef FS_FS_ABI_H
#define FS_FS_ABI_H

#include <stdint.h>

/* open() flags (octal, as Linux writes them). */
#define O_ACCMODE 03
#define O_RDONLY 0
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_ASYNC 020000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_PATH 010000000
#define O_TMPFILE 020000000

/* The flags F_SETFL may change (Linux's SETFL_MASK). */
#define O_SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* *at() calls. */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000

/* fcntl() commands and the one fd flag. */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1

/* lseek() whence. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

/* access() modes. */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* st_mode's file type bits (also the newc "mode" field's), and the
 * d_type values of getdents64: the type bits >> 12. */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

#define PATH_MAX 4096   /* bytes in a path, its NUL included */
#define UIO_MAXIOV 1024 /* iovecs in one readv/writev */
#define MAX_RW_COUNT 0x7ffff000ul /* bytes one read, write or copy call moves at most */

/* Linux's new_encode_dev(): a device number as struct stat holds it. */
static inline uint64_t encode_dev(uint32_t major, uint32_t minor)
{
    return (minor & 0xff) | (major << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}

/* struct stat of x86_64 (144 bytes). */
struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks; /* 512-byte units */
    uint64_t st_atime_sec, st_atime_nsec;
    uint64_t st_mtime_sec, st_mtime_nsec;
    uint64_t st_ctime_sec, st_ctime_nsec;
    int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes on x86_64");

/* struct linux_dirent64 (getdents64): a record of d_reclen bytes, a
 * multiple of 8, with the NUL-terminated name at the end. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off; /* the directory offset of the next record */
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* struct iovec (readv, writev). */
struct linux_iovec {
    uint64_t base;
    uint64_t len;
};

#endif
