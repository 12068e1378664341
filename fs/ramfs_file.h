/*
 * ramfs nodes (fs/ramfs.h) as open files: regular files read in place
 * from the initrd, directories listed by getdents64, symbolic links only
 * through O_PATH (for lstat). The open(2) checks are path_open()'s.
 */
#ifndef FS_RAMFS_FILE_H
#define FS_RAMFS_FILE_H

#include "fs/file.h"
#include "fs/ramfs.h"

/* A new open file on 'node' with status flags 'flags' (file_status_flags();
 * the open(2) checks are done); NULL without memory. */
struct file *ramfs_file_open(struct ramfs_node *node, uint32_t flags);

/* The ramfs node of an open file, or NULL if it is not a ramfs file or
 * directory (a /proc file, the console). Nodes live for good (ramfs.h). */
struct ramfs_node *ramfs_file_node(struct file *f);

#endif
