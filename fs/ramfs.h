/*
 * ramfs: the initrd as a read-only tree of directories, regular files and
 * symbolic links (docs/initrd.md). The nodes are kmalloc'd; file contents
 * and link targets stay in the archive (the multiboot2 module), never copied.
 *
 * Rules: ramfs_init() runs once at boot on the boot CPU, before any lookup
 * and before other CPUs start (host tests call it again: the new tree then
 * replaces the old one, which is freed). After that nothing changes the
 * tree, so nodes may be read and kept without a lock or reference count.
 */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include <stddef.h>
#include <stdint.h>

/* Linux's st_mode file type bits (also the newc "mode" field's). */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000

/* Linux's d_type values for getdents64: st_mode's type bits >> 12. */
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

#define RAMFS_NAME_MAX 255   /* bytes in one path component */
#define RAMFS_LINK_MAX 4095  /* bytes in a symbolic link's target */
#define RAMFS_MAX_LINKS 40   /* links followed by one lookup (then -ELOOP) */

struct ramfs_node {
    uint64_t ino;               /* 1 for the root, then in archive order */
    uint32_t mode;              /* S_IFDIR, S_IFREG or S_IFLNK | permissions */
    uint32_t mtime;             /* seconds since 1970, from the archive */
    uint64_t size;              /* file: bytes; link: target length; dir: 0 */
    const uint8_t *data;        /* file contents or link target (no NUL) */
    struct ramfs_node *parent;  /* the root is its own parent */
    struct ramfs_node **children; /* dir: its entries, in archive order */
    uint32_t child_count, child_cap;
    char name[];                /* NUL-terminated; "" for the root */
};

/* Totals of the current tree (ramfs_stats). */
struct ramfs_stats {
    uint32_t files, dirs, links; /* dirs counts the root */
    uint32_t skipped;            /* entries of other types (devices, fifos) */
    uint64_t bytes;              /* in all files */
};

/* One directory entry, as getdents64 reports it. */
struct ramfs_dirent {
    const char *name;
    uint64_t ino;
    uint8_t type; /* DT_* */
};

static inline int ramfs_is_dir(const struct ramfs_node *n)
{
    return (n->mode & S_IFMT) == S_IFDIR;
}

/*
 * Builds the tree from the newc archive at 'archive' (kept: files point into
 * it). Missing parent directories are created (mode 0755); entries of other
 * types are skipped and counted. Returns 0, -EINVAL (corrupt archive, or a
 * name with ".."), -EEXIST (a path given twice, unless both are
 * directories), -ENOTDIR (a path through a file), -ENAMETOOLONG or -ENOMEM;
 * on error the previous tree (if any) stays.
 */
int ramfs_init(const void *archive, size_t len);

/* The same for several archives read one after another into one tree (a
 * directory in several merges; a file in two is -EEXIST). */
struct ramfs_archive {
    const void *data;
    size_t len;
};
int ramfs_init_archives(const struct ramfs_archive *archives, int count);

/*
 * Finds the node at the absolute 'path' ("." and ".." and repeated slashes
 * allowed), following symbolic links, the last one included. Returns it, or
 * NULL with *err set to -ENOENT, -ENOTDIR (a component, or a trailing slash,
 * on a non-directory), -EINVAL (not absolute), -ENAMETOOLONG or -ELOOP.
 */
struct ramfs_node *ramfs_lookup(const char *path, int *err);

/*
 * Copies up to 'len' bytes of 'node' from 'offset' into 'buf' (a kernel
 * buffer). Returns the count (0 at or past the end), -EISDIR for a
 * directory, -EINVAL for a symbolic link.
 */
int64_t ramfs_read(const struct ramfs_node *node, uint64_t offset, void *buf, size_t len);

/*
 * Fills *out with entry 'index' of directory 'dir': 0 is ".", 1 is "..",
 * then its children in archive order. Returns 1, 0 past the last entry, or
 * -ENOTDIR. out->name points into the tree (valid for good).
 */
int ramfs_dir_entry(const struct ramfs_node *dir, uint64_t index, struct ramfs_dirent *out);

/* Totals of the current tree (all zero before ramfs_init succeeds). */
struct ramfs_stats ramfs_stats(void);

/*
 * Mounts the multiboot2 modules named "initrd" (the base archive, and a
 * test's extra one: tools/qemu-run --extra) as the ramfs and prints one
 * line with its totals; prints why if there is none or one is corrupt.
 * Called once by kmain after mm_init().
 */
void initrd_init(void);

#endif
