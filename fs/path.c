/* Path lookup and open over the tmpfs, with /proc and /dev mounted on it;
 * see fs/path.h. */
#include "fs/path.h"

#include "fs/cwd.h"
#include "fs/devfs.h"
#include "fs/procfs.h"
#include "fs/tmpfs_file.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/*
 * Copies 'path' into buf (PATH_MAX bytes) and finds the node a walk of it
 * starts at: the root for an absolute path; else 'dir' (NULL: the working
 * directory). A directory of /proc or /dev has no node: its absolute path
 * is put in front of 'path' and the walk starts at the root. Returns 0 and
 * *start (a reference), or -ENOENT (""), -ENOTDIR, -ENAMETOOLONG.
 */
static int walk_start(struct file *dir, const char *path, char *buf, struct tmpfs_node **start)
{
    size_t n = strlen(path);
    if (n == 0)
        return -ENOENT;
    if (n >= PATH_MAX)
        return -ENAMETOOLONG;
    struct file *cwd = NULL;
    if (path[0] != '/' && !dir)
        dir = cwd = cwd_get();
    struct tmpfs_node *node = path[0] != '/' && dir ? tmpfs_file_node(dir) : NULL;
    int r = 0;
    size_t at = 0;
    if (node && !tmpfs_is_dir(node)) {
        r = -ENOTDIR;
    } else if (node) {
        tmpfs_get(node);
    } else if (path[0] != '/' && dir) {
        r = dir->ops->dir_path ? dir->ops->dir_path(dir, buf, PATH_MAX) : -ENOTDIR;
        at = r > 0 ? (size_t)r : 0;
        if (r >= 0 && at + 1 + n >= PATH_MAX)
            r = -ENAMETOOLONG;
        if (r >= 0)
            buf[at++] = '/';
    }
    if (cwd)
        file_put(cwd);
    if (r < 0)
        return r;
    memcpy(buf + at, path, n + 1);
    *start = node ? node : tmpfs_root();
    return *start ? 0 : -ENOENT;
}

int path_walk(struct file *dir, const char *path, int flags, struct tmpfs_walk *w)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    struct tmpfs_node *start;
    int r = walk_start(dir, path, buf, &start);
    if (r == 0) {
        r = tmpfs_walk(start, buf, flags, w);
        tmpfs_put(start);
    }
    if (r == 0 && w->mount != MOUNT_NONE)
        r = -EPERM;
    kfree(buf);
    return r;
}

/* open(2)'s checks on the node a walk found (or made), then the open. */
static int open_node(struct tmpfs_node *node, uint32_t flags, struct file **out)
{
    uint32_t type = tmpfs_type(node);
    bool writes = (flags & O_ACCMODE) != O_RDONLY;
    if (type == S_IFDIR && (flags & O_CREAT))
        return -EISDIR;
    if (type != S_IFDIR && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (type == S_IFLNK && !(flags & O_PATH))
        return -ELOOP;
    if (type == S_IFDIR && (writes || (flags & O_TRUNC)))
        return -EISDIR;
    if (type == S_IFREG && (flags & O_TRUNC))
        tmpfs_truncate(node, 0);
    *out = tmpfs_file_open(node, file_status_flags(flags));
    return *out ? 0 : -ENOMEM;
}

/* Opens the tmpfs path in buf from 'start', creating the file for O_CREAT;
 * or returns 1 with *w's mount and rest if it leads into /proc or /dev. */
static int open_tmpfs(struct tmpfs_node *start, char *buf, uint32_t flags, uint32_t mode,
                      struct tmpfs_walk *w, struct file **out)
{
    bool create = (flags & O_CREAT) && !(flags & O_PATH);
    int walk = create ? WALK_PARENT : 0;
    if (!(flags & O_NOFOLLOW) && !(create && (flags & O_EXCL)))
        walk |= WALK_FOLLOW;
    int r = tmpfs_walk(start, buf, walk, w);
    if (r < 0)
        return r;
    if (w->mount != MOUNT_NONE)
        return 1;
    struct tmpfs_node *node = w->node, *made = NULL;
    if (create && node && (flags & O_EXCL))
        r = -EEXIST;
    else if (create && !node && w->trailing_slash)
        r = -EISDIR;
    else if (create && node && w->trailing_slash && !tmpfs_is_dir(node))
        r = -ENOTDIR;
    else if (create && !node) /* another may make it meanwhile: that one is opened */
        r = tmpfs_create(w->dir, w->name, S_IFREG | (mode & 07777), NULL,
                         !(flags & O_EXCL), &made);
    if (r == 0 && made)
        r = open_node(made, flags & ~O_TRUNC, out);
    else if (r >= 0)
        r = open_node(made ? made : node, flags, out);
    if (r == 0)
        tmpfs_file_set_name(*out, create ? w->dir : w->found_in, w->name);
    if (made)
        tmpfs_put(made);
    tmpfs_walk_done(w);
    return r;
}

int path_open(struct file *dir, const char *path, uint32_t flags, uint32_t mode,
              struct file **out)
{
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW;
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    struct tmpfs_node *start;
    int r = walk_start(dir, path, buf, &start);
    struct tmpfs_walk w;
    for (int crossings = 0; r == 0; crossings++) {
        r = open_tmpfs(start, buf, flags, mode, &w, out);
        tmpfs_put(start);
        if (r != 1)
            break;
        const char *rest = w.rest;
        if (w.mount == MOUNT_PROC)
            r = procfs_open(rest, flags, out, &rest);
        else
            r = devfs_open(rest, flags, out, &rest);
        if (r == -EROFS) /* O_CREAT of a new name: Linux's errno where none can be made */
            r = -EACCES;
        if (r != 1)
            break;
        /* "/proc/.." or "/dev/.." and on, or /proc/self/exe: from "/" */
        size_t n = strlen(rest);
        if (crossings == TMPFS_MAX_LINKS) {
            r = -ELOOP;
        } else if (n + 2 > PATH_MAX) {
            r = -ENAMETOOLONG;
        } else {
            memmove(buf + 1, rest, n + 1);
            buf[0] = '/';
            start = tmpfs_root();
            r = start ? 0 : -ENOENT;
        }
    }
    kfree(buf);
    return r;
}
