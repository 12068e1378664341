/*
 * The path of an open file, as /proc/PID/fd and /proc/PID/exe show it
 * (fs/file.h: file_describe(), file_path_dup()).
 */
#include "fs/file.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

int file_describe(struct file *f, char *buf, size_t size)
{
    if (f->ops->describe)
        return f->ops->describe(f, buf, size);
    if (f->ops->dir_path) {
        int n = f->ops->dir_path(f, buf, size);
        return n; /* its length; the NUL it may write is not part of it */
    }
    static const char anon[] = "anon_inode:[unknown]";
    if (sizeof(anon) - 1 > size)
        return -ENAMETOOLONG;
    memcpy(buf, anon, sizeof(anon) - 1);
    return sizeof(anon) - 1;
}

char *file_path_dup(struct file *f)
{
    char *path = kmalloc(PATH_MAX);
    int n = path ? file_describe(f, path, PATH_MAX - 1) : -ENOMEM;
    char *copy = n >= 0 ? kmalloc((size_t)n + 1) : NULL;
    if (copy) {
        memcpy(copy, path, (size_t)n);
        copy[n] = '\0';
    }
    kfree(path);
    return copy;
}
