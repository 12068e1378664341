/*
 * tmpfs nodes (fs/tmpfs.h) as open files: regular files read and written
 * (O_APPEND at the end), directories listed by getdents64, symbolic links
 * only through O_PATH (lstat, readlink). The open(2) checks are
 * path_open()'s.
 */
#ifndef FS_TMPFS_FILE_H
#define FS_TMPFS_FILE_H

#include "fs/file.h"
#include "fs/tmpfs.h"

/* A new open file on 'node' (it takes its own reference) with status flags
 * 'flags' (file_status_flags()); NULL without memory. */
struct file *tmpfs_file_open(struct tmpfs_node *node, uint32_t flags);

/* Records that regular file (or link) f was opened by 'name' in directory
 * 'dir' (which it holds): its path for file_describe(). No effect on a
 * directory, whose path comes from its parents. */
void tmpfs_file_set_name(struct file *f, struct tmpfs_node *dir, const char *name);

/* The tmpfs node of an open file (valid while the file is), or NULL if it
 * is not a tmpfs file (a /proc file, the console, a pipe). */
struct tmpfs_node *tmpfs_file_node(struct file *f);

/* Fills *st with the node's struct stat. */
void tmpfs_stat(struct tmpfs_node *node, struct linux_stat *st);

#endif
