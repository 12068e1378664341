/* tmpfs nodes as open files; see fs/tmpfs_file.h. */
#include "fs/tmpfs_file.h"

#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* st_dev of every tmpfs file: an anonymous device, as Linux's rootfs. */
#define TMPFS_DEV_MINOR 1

/* An open file's private data. */
struct tmpfs_open {
    struct tmpfs_node *node;          /* a reference (T4) */
    /* Directories: the last entry getdents64 got. Others: the name the file
     * was opened by, in directory 'opened_in' (a reference, or NULL): its
     * path for /proc/PID/fd and exe, as Linux's dentry gives it. */
    char name[TMPFS_NAME_MAX + 1];
    struct tmpfs_node *opened_in;
};

static struct tmpfs_node *node_of(struct file *f)
{
    return ((struct tmpfs_open *)f->private)->node;
}

static long tmpfs_file_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    return tmpfs_read(node_of(f), buf, len, pos);
}

static long tmpfs_file_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    uint64_t start;
    return tmpfs_write(node_of(f), buf, len, pos, false, &start);
}

static long tmpfs_file_append(struct file *f, struct iobuf buf, size_t len, uint64_t *end)
{
    uint64_t start;
    long n = tmpfs_write(node_of(f), buf, len, 0, true, &start);
    *end = start + (n > 0 ? (uint64_t)n : 0);
    return n;
}

static int tmpfs_file_dir_entry(struct file *f, uint64_t index, struct dir_entry *out)
{
    struct tmpfs_open *o = f->private;
    return tmpfs_dir_entry(o->node, index, out, o->name);
}

static int tmpfs_file_dir_path(struct file *f, char *buf, size_t size)
{
    return tmpfs_dir_path(node_of(f), buf, size);
}

static int64_t time_sec(int64_t ns)
{
    return ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
}

void tmpfs_stat(struct tmpfs_node *node, struct linux_stat *st)
{
    uint64_t size = __atomic_load_n(&node->size, __ATOMIC_RELAXED);
    int64_t a = __atomic_load_n(&node->atime_ns, __ATOMIC_RELAXED);
    int64_t m = __atomic_load_n(&node->mtime_ns, __ATOMIC_RELAXED);
    int64_t c = __atomic_load_n(&node->ctime_ns, __ATOMIC_RELAXED);
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, TMPFS_DEV_MINOR),
        .st_ino = node->ino,
        .st_nlink = tmpfs_nlink(node),
        .st_mode = __atomic_load_n(&node->mode, __ATOMIC_RELAXED),
        /* a directory's size: Linux's tmpfs counts 20 bytes per entry */
        .st_size = tmpfs_is_dir(node) ? 40 + 20 * (int64_t)__atomic_load_n(&node->entry_count, __ATOMIC_RELAXED)
                                      : (int64_t)size,
        .st_blksize = 4096,
        .st_blocks = tmpfs_type(node) == S_IFREG ? (size + 4095) / 4096 * 8 : 0,
        .st_atime_sec = time_sec(a), .st_atime_nsec = a - time_sec(a) * 1000000000,
        .st_mtime_sec = time_sec(m), .st_mtime_nsec = m - time_sec(m) * 1000000000,
        .st_ctime_sec = time_sec(c), .st_ctime_nsec = c - time_sec(c) * 1000000000,
    };
}

static void tmpfs_file_stat(struct file *f, struct linux_stat *st)
{
    tmpfs_stat(node_of(f), st);
}

/* A symbolic link (opened with O_PATH | O_NOFOLLOW): its target. */
static int tmpfs_file_readlink(struct file *f, char *buf, size_t size)
{
    const struct tmpfs_node *node = node_of(f);
    if (tmpfs_type(node) != S_IFLNK)
        return -EINVAL;
    size_t n = node->size < size ? node->size : size;
    memcpy(buf, node->target, n);
    return (int)n;
}

/* A file's path: where it was opened ("/dir/name"), -ENOENT if that
 * directory is gone or the file was opened without a name. */
static int tmpfs_file_describe(struct file *f, char *buf, size_t size)
{
    struct tmpfs_open *o = f->private;
    if (!o->opened_in)
        return -ENOENT;
    int len = tmpfs_dir_path(o->opened_in, buf, size);
    if (len < 0)
        return len;
    if (len == 1)
        len = 0; /* the root: "/" + name, not "//" + name */
    size_t n = strlen(o->name);
    if ((size_t)len + 1 + n > size)
        return -ENAMETOOLONG;
    buf[len] = '/';
    memcpy(buf + len + 1, o->name, n);
    return len + 1 + (int)n;
}

void tmpfs_file_set_name(struct file *f, struct tmpfs_node *dir, const char *name)
{
    struct tmpfs_open *o = f->private;
    if (!dir || tmpfs_is_dir(o->node) || strlen(name) > TMPFS_NAME_MAX)
        return;
    tmpfs_get(dir);
    o->opened_in = dir;
    memcpy(o->name, name, strlen(name) + 1);
}

static void tmpfs_file_release(struct file *f)
{
    struct tmpfs_open *o = f->private;
    tmpfs_put(o->node);
    if (o->opened_in)
        tmpfs_put(o->opened_in);
    kfree(o);
}

static const struct file_ops tmpfs_regular_ops = {
    .read = tmpfs_file_read,
    .write = tmpfs_file_write,
    .append = tmpfs_file_append,
    .readlink = tmpfs_file_readlink,
    .stat = tmpfs_file_stat,
    .describe = tmpfs_file_describe,
    .release = tmpfs_file_release,
    .seek_end = true,
};

static const struct file_ops tmpfs_dir_ops = {
    .dir_entry = tmpfs_file_dir_entry,
    .dir_path = tmpfs_file_dir_path,
    .stat = tmpfs_file_stat,
    .release = tmpfs_file_release,
};

struct file *tmpfs_file_open(struct tmpfs_node *node, uint32_t flags)
{
    struct tmpfs_open *o = kmalloc(sizeof(*o));
    if (!o)
        return NULL;
    o->node = node;
    o->opened_in = NULL;
    o->name[0] = '\0';
    struct file *f = file_alloc(tmpfs_is_dir(node) ? &tmpfs_dir_ops : &tmpfs_regular_ops, o, flags);
    if (!f) {
        kfree(o);
        return NULL;
    }
    tmpfs_get(node);
    return f;
}

struct tmpfs_node *tmpfs_file_node(struct file *f)
{
    return f->ops == &tmpfs_regular_ops || f->ops == &tmpfs_dir_ops ? node_of(f) : NULL;
}
