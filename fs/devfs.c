/* /dev: console, tty and the memory devices; see fs/devfs.h. */
#include "fs/devfs.h"

#include "fs/console_file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/random.h"
#include "lib/string.h"

#define DEV_DEV_MINOR 5 /* st_dev of /dev: an anonymous device */
#define DEV_CHUNK 256   /* bytes a memory device copies out at a time */

enum dev_id {
    DEV_DIR, DEV_CONSOLE, DEV_FULL, DEV_NULL, DEV_RANDOM, DEV_TTY, DEV_URANDOM, DEV_ZERO,
    DEV_COUNT
};

/* A character device: its name in /dev and its number (Linux's). */
struct dev_node {
    const char *name;
    uint32_t major, minor;
};

static const struct dev_node nodes[DEV_COUNT] = {
    [DEV_DIR] = {"dev", 0, 0},       [DEV_CONSOLE] = {"console", 5, 1},
    [DEV_FULL] = {"full", 1, 7},     [DEV_NULL] = {"null", 1, 3},
    [DEV_RANDOM] = {"random", 1, 8}, [DEV_TTY] = {"tty", 5, 0},
    [DEV_URANDOM] = {"urandom", 1, 9}, [DEV_ZERO] = {"zero", 1, 5},
};

static int dev_dir_entry(struct file *f, uint64_t index, struct dir_entry *out)
{
    (void)f;
    if (index < 2) {
        out->name = index ? ".." : ".";
        out->ino = index ? 1 /* the root directory */ : DEV_DIR + 1;
        out->type = DT_DIR;
        return 1;
    }
    if (index - 1 >= DEV_COUNT)
        return 0;
    out->name = nodes[index - 1].name;
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

/*
 * The memory devices of Linux's drivers/char/mem.c. Reads: null finds the
 * end; zero and full give zeros; random and urandom give random bytes.
 * Writes: full has no room (-ENOSPC); the others take everything (random
 * and urandom mix nothing in: prune's pool needs no seed, kernel/random.h).
 */
static long mem_dev_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)pos;
    const struct dev_node *node = f->private;
    if (node == &nodes[DEV_NULL])
        return 0;
    bool random = node == &nodes[DEV_RANDOM] || node == &nodes[DEV_URANDOM];
    uint8_t chunk[DEV_CHUNK];
    if (!random)
        memset(chunk, 0, sizeof(chunk));
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (random)
            random_bytes(chunk, n);
        if (iobuf_put(buf, done, chunk, n) != 0)
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}

static long mem_dev_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)buf;
    (void)pos;
    return f->private == &nodes[DEV_FULL] ? -ENOSPC : (long)len;
}

static void mem_dev_stat(struct file *f, struct linux_stat *st)
{
    const struct dev_node *node = f->private;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, DEV_DEV_MINOR),
        .st_ino = (uint64_t)(node - nodes) + 1,
        .st_nlink = 1,
        .st_mode = S_IFCHR | 0666,
        .st_rdev = encode_dev(node->major, node->minor),
        .st_blksize = 4096,
    };
}

/* The path /proc/PID/fd shows: "/dev/NAME". */
static int mem_dev_describe(struct file *f, char *buf, size_t size)
{
    const struct dev_node *node = f->private;
    size_t n = strlen(node->name);
    if (size < 5 + n)
        return -ENAMETOOLONG;
    memcpy(buf, "/dev/", 5);
    memcpy(buf + 5, node->name, n);
    return (int)(5 + n);
}

static const struct file_ops mem_dev_ops = {
    .read = mem_dev_read,
    .write = mem_dev_write,
    .stat = mem_dev_stat,
    .describe = mem_dev_describe,
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
    case DEV_DIR:
        *out = file_alloc(&dev_dir_ops, NULL, status);
        break;
    default:
        *out = file_alloc(&mem_dev_ops, (void *)&nodes[id], status);
        break;
    }
    return *out ? 0 : -ENOMEM;
}

int devfs_open(const char *path, uint32_t flags, struct file **out, const char **rest)
{
    enum dev_id cur = DEV_DIR;
    const char *p = path;
    for (;;) {
        size_t n;
        const char *name = path_component(&p, &n);
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
            if (strncmp(nodes[id].name, name, n) == 0 && nodes[id].name[n] == '\0')
                found = id;
        if (found < 0)
            return flags & O_CREAT ? -EROFS : -ENOENT;
        cur = found;
    }
    if (p > path && p[-1] == '/' && cur != DEV_DIR)
        return -ENOTDIR;
    return open_entry(cur, flags, out);
}
