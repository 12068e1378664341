/*
 * The path of an open file, as /proc/PID/fd and /proc/PID/exe show it
 * (fs/file.h: file_describe(), ramfs_node_path_dup()).
 */
#include "fs/file.h"
#include "fs/ramfs_file.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* The absolute path of a ramfs node, from its parents, into buf[0, size)
 * (no NUL): its length or -ENAMETOOLONG. Nodes live for good (ramfs.h). */
static int node_path(const struct ramfs_node *node, char *buf, size_t size)
{
    size_t len = 0;
    for (const struct ramfs_node *n = node; n->parent != n; n = n->parent)
        len += strlen(n->name) + 1;
    if (len == 0)
        len = 1; /* the root: "/" */
    if (len > size)
        return -ENAMETOOLONG;
    buf[0] = '/';
    size_t end = len;
    for (const struct ramfs_node *n = node; n->parent != n; n = n->parent) {
        size_t k = strlen(n->name);
        end -= k;
        memcpy(buf + end, n->name, k);
        buf[--end] = '/';
    }
    return (int)len;
}

int file_describe(struct file *f, char *buf, size_t size)
{
    if (f->ops->describe)
        return f->ops->describe(f, buf, size);
    struct ramfs_node *node = ramfs_file_node(f);
    if (node)
        return node_path(node, buf, size);
    if (f->ops->dir_path)
        return f->ops->dir_path(f, buf, size);
    static const char anon[] = "anon_inode:[unknown]";
    if (sizeof(anon) - 1 > size)
        return -ENAMETOOLONG;
    memcpy(buf, anon, sizeof(anon) - 1);
    return sizeof(anon) - 1;
}

char *ramfs_node_path_dup(const struct ramfs_node *node)
{
    char *path = kmalloc(PATH_MAX);
    int n = path ? node_path(node, path, PATH_MAX - 1) : -ENOMEM;
    char *copy = n >= 0 ? kmalloc(n + 1) : NULL;
    if (copy) {
        memcpy(copy, path, n);
        copy[n] = '\0';
    }
    kfree(path);
    return copy;
}
