/* Path lookup and open, with /proc and /dev mounted on the ramfs; see fs/path.h. */
#include "fs/path.h"

#include "fs/devfs.h"
#include "fs/procfs.h"
#include "fs/ramfs.h"
#include "fs/ramfs_file.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* If absolute 'path' is in the directory /'top' (a file system mounted
 * there: proc or dev), sets *rest to what follows it. */
static bool in_mount(const char *path, const char *top, const char **rest)
{
    size_t n = strlen(top);
    while (*path == '/')
        path++;
    if (strncmp(path, top, n) != 0 || (path[n] != '/' && path[n] != '\0'))
        return false;
    *rest = path + n;
    return true;
}

/* The child of 'dir' named [name, name + n), or NULL. */
static struct ramfs_node *child_named(const struct ramfs_node *dir, const char *name, size_t n)
{
    for (uint32_t i = 0; i < dir->child_count; i++) {
        struct ramfs_node *c = dir->children[i];
        if (strncmp(c->name, name, n) == 0 && c->name[n] == '\0')
            return c;
    }
    return NULL;
}

/*
 * Finds the ramfs node of absolute 'path' (a buffer of ours: it is cut and
 * restored). The last component is looked up in its parent directory so
 * that a missing name there (O_CREAT: -EROFS) and a link (O_NOFOLLOW) can be
 * told apart. Returns the node, or NULL and *err.
 */
static struct ramfs_node *lookup_ramfs(char *path, uint32_t flags, int *err)
{
    size_t len = strlen(path);
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    const char *name = path + start;
    size_t n = len - start;
    /* "/", a trailing slash, "." and "..": nothing to tell apart */
    if (n == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return ramfs_lookup(path, err);

    char saved = path[start];
    path[start] = '\0';
    struct ramfs_node *dir = ramfs_lookup(path, err);
    path[start] = saved;
    if (!dir)
        return NULL;
    if (!ramfs_is_dir(dir)) {
        *err = -ENOTDIR;
        return NULL;
    }
    struct ramfs_node *node = child_named(dir, name, n);
    if (!node) {
        *err = flags & O_CREAT ? -EROFS : -ENOENT;
        return NULL;
    }
    bool is_link = (node->mode & S_IFMT) == S_IFLNK;
    if (is_link && !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
        return ramfs_lookup(path, err);
    return node;
}

/* Opens the ramfs file at absolute 'path' after open(2)'s checks. */
static int open_ramfs(char *path, uint32_t flags, struct file **out)
{
    int err = 0;
    struct ramfs_node *node = lookup_ramfs(path, flags, &err);
    if (!node)
        return err;
    uint32_t type = node->mode & S_IFMT;
    bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (type == S_IFDIR && (flags & O_CREAT))
        return -EISDIR;
    if (type != S_IFDIR && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (type == S_IFLNK && !(flags & O_PATH))
        return -ELOOP;
    if (type == S_IFDIR && writes)
        return -EISDIR;
    if (writes)
        return -EROFS;
    *out = ramfs_file_open(node, file_status_flags(flags));
    return *out ? 0 : -ENOMEM;
}

/* Writes the absolute form of 'path' into buf[0, PATH_MAX). */
static int absolute_path(struct file *dir, const char *path, char *buf)
{
    size_t at = 0;
    if (path[0] != '/') {
        if (dir) {
            if (!dir->ops->dir_path)
                return -ENOTDIR;
            int r = dir->ops->dir_path(dir, buf, PATH_MAX);
            if (r < 0)
                return r;
            at = r;
        }
        buf[at++] = '/';
    }
    size_t n = strlen(path);
    if (at + n >= PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(buf + at, path, n + 1);
    return 0;
}

int path_open(struct file *dir, const char *path, uint32_t flags, struct file **out)
{
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW;
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;
    if (path[0] == '\0')
        return -ENOENT;
    char *abs = kmalloc(PATH_MAX);
    if (!abs)
        return -ENOMEM;
    int r = absolute_path(dir, path, abs);
    const char *rest;
    if (r == 0 && in_mount(abs, "proc", &rest))
        r = procfs_open(rest, flags, out, &rest);
    else if (r == 0 && in_mount(abs, "dev", &rest))
        r = devfs_open(rest, flags, out, &rest);
    else if (r == 0)
        r = open_ramfs(abs, flags, out);
    if (r == 1) { /* "/proc/.." or "/dev/.." and on, or /proc/self/exe: from "/" */
        size_t n = strlen(rest);
        if (n + 2 > PATH_MAX) {
            r = -ENAMETOOLONG;
        } else {
            memmove(abs + 1, rest, n + 1);
            abs[0] = '/';
            r = open_ramfs(abs, flags, out);
        }
    }
    kfree(abs);
    return r;
}
