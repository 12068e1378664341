/* /dev: console, tty and null; see fs/devfs.h. */
#include "fs/devfs.h"

#include "fs/console_file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "lib/string.h"

#define DEV_DEV_MINOR 5 /* st_dev of /dev: an anonymous device */

enum dev_id { DEV_DIR, DEV_CONSOLE, DEV_NULL, DEV_TTY, DEV_COUNT };

static const char *const names[DEV_COUNT] = {
    [DEV_DIR] = "dev", [DEV_CONSOLE] = "console", [DEV_NULL] = "null", [DEV_TTY] = "tty",
};

static int dev_dir_entry(struct file *f, uint64_t index, struct dir_entry *out)
{
    (void)f;
    if (index < 2) {
        out->name = index ? ".." : ".";
        out->ino = index ? 1 /* the ramfs root */ : DEV_DIR + 1;
        out->type = DT_DIR;
        return 1;
    }
    if (index - 1 >= DEV_COUNT)
        return 0;
    out->name = names[index - 1];
    out->ino = index;
    out->type = DT_CHR;
    return 1;
}

static int dev_dir_path(struct file *f, char *buf, size_t size)
{
    (void)f;
    if (size < 5)
        return -ENAMETOOLONG;
    memcpy(buf, "/dev", 5);
    return 4;
}

static void dev_dir_stat(struct file *f, struct linux_stat *st)
{
    (void)f;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, DEV_DEV_MINOR),
        .st_ino = DEV_DIR + 1,
        .st_nlink = 2,
        .st_mode = S_IFDIR | 0755,
        .st_blksize = 4096,
    };
}

static const struct file_ops dev_dir_ops = {
    .dir_entry = dev_dir_entry,
    .dir_path = dev_dir_path,
    .stat = dev_dir_stat,
};

/* /dev/null: reads find the end, writes take everything. */
static long null_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)f;
    (void)buf;
    (void)len;
    (void)pos;
    return 0;
}

static long null_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)f;
    (void)buf;
    (void)pos;
    return (long)len;
}

static void null_stat(struct file *f, struct linux_stat *st)
{
    (void)f;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, DEV_DEV_MINOR),
        .st_ino = DEV_NULL + 1,
        .st_nlink = 1,
        .st_mode = S_IFCHR | 0666,
        .st_rdev = encode_dev(1, 3),
        .st_blksize = 4096,
    };
}

static int null_describe(struct file *f, char *buf, size_t size)
{
    (void)f;
    if (size < sizeof("/dev/null") - 1)
        return -ENAMETOOLONG;
    memcpy(buf, "/dev/null", sizeof("/dev/null") - 1);
    return sizeof("/dev/null") - 1;
}

static const struct file_ops null_ops = {
    .read = null_read,
    .write = null_write,
    .stat = null_stat,
    .describe = null_describe,
};

/* Opens entry 'id' after open(2)'s checks. */
static int open_entry(enum dev_id id, uint32_t flags, struct file **out)
{
    bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (id == DEV_DIR && (writes || (flags & O_CREAT)))
        return -EISDIR;
    if (id != DEV_DIR && (flags & O_DIRECTORY))
        return -ENOTDIR;
    uint32_t status = file_status_flags(flags);
    switch (id) {
    case DEV_CONSOLE:
        *out = console_file_open(status);
        break;
    case DEV_TTY: {
        spin_lock(&proc_lock);
        struct process *p = current_process();
        struct tty *ctty = p ? p->ctty : NULL;
        spin_unlock(&proc_lock);
        return dev_tty_open(ctty, status, out);
    }
    case DEV_NULL:
        *out = file_alloc(&null_ops, NULL, status);
        break;
    default:
        *out = file_alloc(&dev_dir_ops, NULL, status);
        break;
    }
    return *out ? 0 : -ENOMEM;
}

int devfs_open(const char *path, uint32_t flags, struct file **out, const char **rest)
{
    enum dev_id cur = DEV_DIR;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t n = p - name;
        if (n == 0)
            break;
        if (cur != DEV_DIR)
            return -ENOTDIR;
        if (n == 1 && name[0] == '.')
            continue;
        if (n == 2 && name[0] == '.' && name[1] == '.') {
            *rest = p;
            return 1;
        }
        int found = -1;
        for (int id = DEV_CONSOLE; id < DEV_COUNT; id++)
            if (strncmp(names[id], name, n) == 0 && names[id][n] == '\0')
                found = id;
        if (found < 0)
            return flags & O_CREAT ? -EROFS : -ENOENT;
        cur = found;
    }
    if (p > path && p[-1] == '/' && cur != DEV_DIR)
        return -ENOTDIR;
    return open_entry(cur, flags, out);
}
