/* ramfs nodes as open files; see fs/ramfs_file.h. */
#include "fs/ramfs_file.h"

#include "kernel/errno.h"
#include "lib/string.h"

/* st_dev of every ramfs file: an anonymous device, as Linux's rootfs. */
#define RAMFS_DEV_MINOR 1

/* read: straight from the archive into the caller's buffer. */
static long ramfs_file_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    const struct ramfs_node *node = f->private;
    if ((node->mode & S_IFMT) != S_IFREG)
        return -EINVAL;
    if (pos >= node->size)
        return 0;
    size_t n = node->size - pos < len ? node->size - pos : len;
    return iobuf_put(buf, 0, node->data + pos, n) < 0 ? -EFAULT : (long)n;
}

static int ramfs_file_dir_entry(struct file *f, uint64_t index, struct dir_entry *out)
{
    struct ramfs_dirent d;
    int r = ramfs_dir_entry(f->private, index, &d);
    if (r == 1)
        *out = (struct dir_entry){d.name, d.ino, d.type};
    return r;
}

/* The path is built from the end of buf backwards, then moved to its start. */
static int ramfs_file_dir_path(struct file *f, char *buf, size_t size)
{
    const struct ramfs_node *node = f->private;
    size_t at = size;
    for (; node->parent != node; node = node->parent) {
        size_t n = strlen(node->name);
        if (at < n + 1)
            return -ENAMETOOLONG;
        at -= n;
        memcpy(buf + at, node->name, n);
        buf[--at] = '/';
    }
    if (at == size) {
        if (size < 1)
            return -ENAMETOOLONG;
        buf[--at] = '/';
    }
    size_t len = size - at;
    if (len == size)
        return -ENAMETOOLONG; /* no room for the NUL */
    memmove(buf, buf + at, len);
    buf[len] = '\0';
    return len;
}

/* Links of a directory: its own name, its "." and each subdirectory's "..". */
static uint64_t dir_links(const struct ramfs_node *dir)
{
    uint64_t links = 2;
    for (uint32_t i = 0; i < dir->child_count; i++)
        links += ramfs_is_dir(dir->children[i]);
    return links;
}

static void ramfs_file_stat(struct file *f, struct linux_stat *st)
{
    const struct ramfs_node *node = f->private;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, RAMFS_DEV_MINOR),
        .st_ino = node->ino,
        .st_nlink = ramfs_is_dir(node) ? dir_links(node) : 1,
        .st_mode = node->mode,
        .st_size = node->size,
        .st_blksize = 4096,
        .st_blocks = (node->size + 511) / 512,
        .st_atime_sec = node->mtime,
        .st_mtime_sec = node->mtime,
        .st_ctime_sec = node->mtime,
    };
}

/* A symbolic link (opened with O_PATH | O_NOFOLLOW): its target. */
static int ramfs_file_readlink(struct file *f, char *buf, size_t size)
{
    const struct ramfs_node *node = f->private;
    if ((node->mode & S_IFMT) != S_IFLNK)
        return -EINVAL;
    size_t n = node->size < size ? node->size : size;
    memcpy(buf, node->data, n);
    return (int)n;
}

static const struct file_ops ramfs_regular_ops = {
    .read = ramfs_file_read,
    .readlink = ramfs_file_readlink,
    .stat = ramfs_file_stat,
    .seek_end = true,
    .read_only_fs = true,
};

static const struct file_ops ramfs_dir_ops = {
    .dir_entry = ramfs_file_dir_entry,
    .dir_path = ramfs_file_dir_path,
    .stat = ramfs_file_stat,
    .read_only_fs = true,
};

struct file *ramfs_file_open(struct ramfs_node *node, uint32_t flags)
{
    return file_alloc(ramfs_is_dir(node) ? &ramfs_dir_ops : &ramfs_regular_ops, node, flags);
}

struct ramfs_node *ramfs_file_node(struct file *f)
{
    return f->ops == &ramfs_regular_ops || f->ops == &ramfs_dir_ops ? f->private : NULL;
}
