/*
 * What fs/tmpfs.c lends fs/tmpfs_initrd.c to build the tree at boot. Not
 * for other files: they go through fs/tmpfs.h, which takes the locks.
 */
#ifndef FS_TMPFS_INTERNAL_H
#define FS_TMPFS_INTERNAL_H

#include "fs/tmpfs.h"

/* A new node of 'mode' with no name and no holder, its times 'now'; NULL
 * without memory. */
struct tmpfs_node *tmpfs_node_alloc(uint32_t mode, int64_t now);

/* The node dir's entry [name, name + n) names, or NULL. tree_lock held
 * (or boot). */
struct tmpfs_node *tmpfs_find_node(const struct tmpfs_node *dir, const char *name, size_t n);

/* Boot: adds an entry [name, name + n) for 'node' to dir (takes tree_lock).
 * 0 or -ENOSPC. */
int tmpfs_attach(struct tmpfs_node *dir, const char *name, size_t n, struct tmpfs_node *node);

/* Boot, once: makes the root directory (0755). NULL without memory. */
struct tmpfs_node *tmpfs_make_root(void);

#endif
