/*
 * tmpfs: the root file system, a writable tree in memory. At boot the
 * initrd (newc cpio, fs/cpio.h) is unpacked into it, as Linux unpacks its
 * initramfs; after that files and directories are created, written,
 * renamed and removed by the system calls (fs/tree_syscalls.c,
 * fs/attr_syscalls.c, and open and write in fs/fs_syscalls.c).
 * See docs/files.md.
 *
 * The files of the tmpfs:
 *   fs/tmpfs.c          nodes, the tree, path walks, names (create, link,
 *                       unlink, rename)
 *   fs/tmpfs_data.c     file data in frames: read, write, truncate
 *   fs/tmpfs_file.c     nodes as open files (fs/file.h)
 *   fs/tmpfs_initrd.c   the initrd's unpacking at boot (with the helpers
 *                       of fs/tmpfs_internal.h)
 *
 * Nodes. A node is a directory, a regular file or a symbolic link. A
 * directory holds entries (a name and a node); a file may be named by
 * several entries (hard links), a directory by one. /proc and /dev are
 * directories of the root marked as mount points: a walk that enters one
 * stops and hands the rest of the path to procfs or devfs (fs/path.c).
 *
 * File data lives in whole frames taken with frame_alloc_user() when a
 * write first touches a page (a page never written is a hole: it reads as
 * zeros). tmpfs_pages() counts them (/proc/meminfo's Shmem). When
 * frame_alloc_user() refuses (free frames down to the reserve of
 * kernel/oom.h, O1) a write gives -ENOSPC: the tmpfs never calls the
 * out-of-memory killer and never panics for want of memory.
 *
 * Rules (the lock discipline):
 *  T1 tree_lock (one spinlock, tmpfs.c) protects every directory's entries,
 *     every node's parent, links, subdirs and mode, and the mount marks.
 *     Walks, name changes and reference drops take it.
 *  T2 node->data_lock protects a file's size and its frames. Lock order:
 *     tree_lock, then a data_lock; never two data_locks.
 *  T3 Neither lock is held across a user copy (it may fault and sleep):
 *     reads and writes go through a kernel buffer of one page at a time.
 *     So a write of more than a page is not atomic against another write
 *     to the same range (an O_APPEND write of up to one page is).
 *  T4 refs counts the holders of a node: each open file, each working
 *     directory, each walk result until it is dropped with tmpfs_put(),
 *     and each subdirectory (a directory holds its parent, so ".." of a
 *     removed directory stays valid). links counts the directory entries
 *     naming it. A node is freed, with its frames, when both are 0; that
 *     is decided under tree_lock (tmpfs_put(), unlink, rename). refs is
 *     atomic: tmpfs_get() takes no lock (its caller holds a reference
 *     already, or tree_lock, so the node cannot be freed meanwhile), and a
 *     drop, under tree_lock, never loses a concurrent get.
 *  T5 A holder of a reference may use the node without tree_lock for what
 *     T2 covers, and read its constant fields (ino, type, target).
 *  T6 Time stamps are single 64-bit words, written and read with atomic
 *     stores and loads (no lock): a reader sees an old or a new time.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/file.h"
#include "kernel/spinlock.h"

#define TMPFS_NAME_MAX 255   /* bytes in one path component */
#define TMPFS_LINK_MAX 4095  /* bytes in a symbolic link's target */
#define TMPFS_MAX_LINKS 40   /* links followed by one walk (then -ELOOP) */
#define TMPFS_MAGIC 0x01021994 /* statfs f_type, as Linux's tmpfs */
#define TMPFS_CHUNK_PAGES 512 /* page pointers in one chunk of a file's page map */

/* A mount point's file system (node->mount). */
enum tmpfs_mount { MOUNT_NONE, MOUNT_PROC, MOUNT_DEV };

struct page;
struct tmpfs_node;

/* One name in a directory. */
struct tmpfs_dirent {
    struct tmpfs_node *node; /* holds one of its links */
    uint64_t pos;            /* its place in listings: never reused, rises along the array */
    char name[];             /* NUL-terminated, not empty, no '/' */
};

struct tmpfs_node {
    uint64_t ino;                 /* constant; 1 for the root */
    uint32_t mode;                /* T1; the type bits are constant */
    enum tmpfs_mount mount;       /* constant once the root is built */
    int refs;                     /* T4 (atomic) */
    uint32_t links;               /* T1, T4: entries naming it */
    uint32_t subdirs;             /* T1: directory: entries that are directories */
    struct tmpfs_node *parent;    /* T1: directory: the one holding it (root: itself) */
    struct tmpfs_dirent **entries; /* T1: directory: its entries, in creation order */
    uint32_t entry_count, entry_cap; /* T1 */
    uint64_t next_pos;            /* T1: directory: the pos of its next entry */
    char *target;                 /* link: its target (NUL-terminated); constant */
    struct spinlock data_lock;    /* T2 */
    uint64_t size;                /* T2 (read without it by stat: one word); link: strlen */
    struct page ***chunks;        /* T2: file: page i is chunks[i / 512][i % 512], NULL: hole */
    uint32_t chunk_count;         /* T2 */
    int64_t atime_ns, mtime_ns, ctime_ns; /* T6 */
};

static inline uint32_t tmpfs_type(const struct tmpfs_node *n)
{
    return n->mode & S_IFMT;
}

static inline bool tmpfs_is_dir(const struct tmpfs_node *n)
{
    return tmpfs_type(n) == S_IFDIR;
}

/* Adds a reference (T4). The caller holds one already, or tree_lock. */
void tmpfs_get(struct tmpfs_node *node);

/* Drops a reference; frees the node if it was the last holder and no
 * name is left (T4). No lock held. */
void tmpfs_put(struct tmpfs_node *node);

/* The root directory with a new reference (tmpfs_put it), or NULL before
 * the tmpfs is built. */
struct tmpfs_node *tmpfs_root(void);

/* Walk flags. */
#define WALK_FOLLOW 1  /* follow a symbolic link named by the last component */
#define WALK_PARENT 2  /* stop before the last component: fill dir and name */

/*
 * What tmpfs_walk() found. 'name' is the path's last component (after the
 * links followed; "" for a path such as "/"). With WALK_PARENT: 'dir' is
 * the directory that holds 'name', and 'node' the node it names (NULL if
 * it does not exist); for a last component "." or "..", node = dir, that
 * directory. Without: 'node' is what the path names, and 'found_in' the
 * directory whose entry 'name' gave it (NULL if the path ended on "/", "."
 * or ".."), the file's path for /proc. Each non-NULL pointer holds a
 * reference (tmpfs_walk_done drops them). If the walk entered a mount
 * point, 'mount' says which and 'rest' is the path inside it ("" or
 * starting with '/'), in the caller's buffer; dir and node are then NULL.
 */
struct tmpfs_walk {
    struct tmpfs_node *dir;
    struct tmpfs_node *node;
    struct tmpfs_node *found_in;
    char name[TMPFS_NAME_MAX + 1];
    bool trailing_slash;          /* the path ends with '/' */
    enum tmpfs_mount mount;
    const char *rest;
};

/*
 * Walks 'path' (in a PATH_MAX buffer of the caller's, which the walk may
 * rewrite while it follows links) from directory 'start' (from the root if
 * path is absolute; start needs no lock, the caller holds a reference).
 * Returns 0 and *w, or -ENOENT (a missing directory on the way; without
 * WALK_PARENT also the last component), -ENOTDIR (a component, or a
 * trailing slash, on a non-directory), -ENAMETOOLONG, -ELOOP.
 */
int tmpfs_walk(struct tmpfs_node *start, char *path, int flags, struct tmpfs_walk *w);

/* Drops the references of a walk's result. */
void tmpfs_walk_done(struct tmpfs_walk *w);

/*
 * Name operations, on the result of a WALK_PARENT walk (dir, name; the
 * caller keeps its references). Each re-checks the name under tree_lock.
 * tmpfs_create: a new file (S_IFREG), directory or symbolic link ('target'
 * for a link) named 'name' in 'dir', with mode (type and permission bits);
 * returns 0 and it with a reference in *out (may be NULL), or -EEXIST,
 * -ENOENT (dir was removed), -ENOSPC. With 'existing_ok' (and out), a node
 * already there under that name is returned instead (result 1).
 */
int tmpfs_create(struct tmpfs_node *dir, const char *name, uint32_t mode, const char *target,
                 bool existing_ok, struct tmpfs_node **out);

/* link(2): a new name for 'node' (not a directory: -EPERM). 0, -EEXIST,
 * -ENOENT (dir or node removed), -ENOSPC. */
int tmpfs_link(struct tmpfs_node *node, struct tmpfs_node *dir, const char *name);

/* unlink(2) (rmdir false) and rmdir(2): removes 'name' from 'dir'. 0, or
 * -ENOENT, -EISDIR (unlink of a directory), -ENOTDIR (rmdir of a non
 * directory), -ENOTEMPTY, -EBUSY (a mount point or the root). */
int tmpfs_unlink(struct tmpfs_node *dir, const char *name, bool rmdir);

/* rename(2)/renameat2 with flags 0 or RENAME_NOREPLACE (noreplace): 0, or
 * -ENOENT, -EEXIST (noreplace), -EISDIR, -ENOTDIR, -ENOTEMPTY, -EINVAL (a
 * directory into itself or below), -EBUSY (a mount point), -ENOSPC. */
int tmpfs_rename(struct tmpfs_node *old_dir, const char *old_name, struct tmpfs_node *new_dir,
                 const char *new_name, bool noreplace);

/* chmod: the permission bits become mode & 07777. */
void tmpfs_chmod(struct tmpfs_node *node, uint32_t mode);

/* st_nlink: a directory's 2 + subdirectories (0 once removed), a file's
 * links. */
uint64_t tmpfs_nlink(struct tmpfs_node *node);

/* Writes the absolute path of directory 'dir' into buf[0, size): its
 * length, -ENAMETOOLONG, or -ENOENT if dir was removed (getcwd's rule). */
int tmpfs_dir_path(struct tmpfs_node *dir, char *buf, size_t size);

/* Copies the entry at offset 'index' of directory 'dir' (0 and 1 are "."
 * and "..", then 2 + each entry's pos, in creation order), or the first
 * one after it, into *out (its name into name_buf, NAME_MAX + 1 bytes;
 * out->next the offset after it). Returns 1, or 0 past the end. As on
 * Linux, removing entries while a listing runs makes it skip none of the
 * others; an entry made meanwhile may or may not be listed. */
int tmpfs_dir_entry(struct tmpfs_node *dir, uint64_t index, struct dir_entry *out,
                    char *name_buf);

/* Data (fs/tmpfs_data.c). Each takes node->data_lock (T2, T3). */

/* Copies up to len bytes from pos into buf; the count (0 at the end). */
long tmpfs_read(struct tmpfs_node *node, struct iobuf buf, size_t len, uint64_t pos);

/* Writes len bytes at pos (at the end if 'append': *pos_out tells where
 * it started). The count (short if frames ran out), -ENOSPC if none was
 * written, -EFAULT, -EFBIG past the largest offset. Updates mtime/ctime. */
long tmpfs_write(struct tmpfs_node *node, struct iobuf buf, size_t len, uint64_t pos,
                 bool append, uint64_t *pos_out);

/* Sets the size (frames past it freed; the bytes from an old end to a new
 * one read as zeros, a hole) and the mtime and ctime. */
void tmpfs_truncate(struct tmpfs_node *node, uint64_t size);

/* Frees every frame of a node being freed (no lock: nobody else has it). */
void tmpfs_free_data(struct tmpfs_node *node);

/* Frames holding file data now: /proc/meminfo's Shmem. */
uint64_t tmpfs_pages(void);

/* The wall clock in nanoseconds, for time stamps. */
int64_t tmpfs_now(void);

/* Totals the initrd's unpacking reports. */
struct tmpfs_stats {
    uint32_t files, dirs, links; /* dirs counts the root */
    uint32_t skipped;            /* entries of other types (devices, fifos) */
    uint64_t bytes;              /* in all files */
};

/* One archive of the initrd. */
struct tmpfs_archive {
    const void *data;
    size_t len;
};

/*
 * Builds the root (with /proc, /dev and /tmp, mode 01777) and unpacks the
 * archives into it one after another (a directory in several merges; a
 * file given twice is -EEXIST). Missing parent directories are created
 * (0755); other types are skipped and counted. Returns 0, or -EINVAL (a
 * corrupt archive, a name with ".."), -EEXIST, -ENOTDIR, -ENAMETOOLONG,
 * -ENOSPC; boot only, once.
 */
int tmpfs_init_archives(const struct tmpfs_archive *archives, int count,
                        struct tmpfs_stats *stats);

/* Mounts the multiboot2 modules named "initrd" as the tmpfs's contents
 * and prints a line with the totals (or why there are none). Called once
 * by kmain after mm_init(). */
void initrd_init(void);

#endif
