/*
 * Path names: lookups over the tmpfs (fs/tmpfs.h) with /proc and /dev
 * mounted on two of its directories. A relative path starts at a directory
 * file (an *at() call's dirfd) or at the caller's working directory
 * (fs/cwd.h). See docs/files.md ("Paths and working directories").
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include "fs/file.h"
#include "fs/tmpfs.h"

/*
 * Opens 'path' with open(2) 'flags' (O_CLOEXEC is the caller's business)
 * and, for a file O_CREAT makes, permission bits 'mode' (the umask
 * applied). A relative path starts at directory 'dir' (an open directory
 * file) or at the working directory if dir is NULL. Returns 0 and *out (one
 * reference), or Linux's errno:
 *   -ENOENT        a component is missing, or path is ""
 *   -ENOTDIR       a component (or a trailing slash) names a non-directory,
 *                  O_DIRECTORY on a non-directory, or 'dir' is no directory
 *   -EISDIR        a directory opened for writing or with O_CREAT, or
 *                  O_CREAT of a name with a trailing slash
 *   -EEXIST        O_CREAT | O_EXCL on an existing name
 *   -ELOOP         too many links, or O_NOFOLLOW on a link (without O_PATH)
 *   -EINVAL        O_CREAT | O_DIRECTORY
 *   -EACCES        O_CREAT of a new name in /dev (procfs says -ENOENT)
 *   -ENOSPC, -ENAMETOOLONG, -ENOMEM
 * O_TRUNC empties a regular file. O_PATH opens without those checks
 * (except O_DIRECTORY): the file can only be fstat'ed, used as a directory
 * fd, dup'ed and closed. lstat opens with O_PATH | O_NOFOLLOW to see a link.
 */
int path_open(struct file *dir, const char *path, uint32_t flags, uint32_t mode,
              struct file **out);

/*
 * Walks 'path' over the tmpfs with tmpfs_walk()'s 'flags', from 'dir' (as
 * path_open). Returns 0 and *w (tmpfs_walk_done it), tmpfs_walk()'s
 * errors, -ENOENT for "", or -EPERM if the path leads into /proc or /dev
 * (their names cannot be made or removed).
 */
int path_walk(struct file *dir, const char *path, int flags, struct tmpfs_walk *w);

/* For the system calls (fs/fs_syscalls.c). */

/* Copies the user path at upath into a new PATH_MAX buffer (kfree it).
 * Returns it, or NULL and *err (-EFAULT, -ENAMETOOLONG, -ENOMEM). */
char *path_from_user(uint64_t upath, int *err);

/*
 * path_open() of the user path at upath relative to dirfd (AT_FDCWD: the
 * working directory): the *at() calls' common part. An empty path is
 * dirfd's own file if empty_ok (AT_EMPTY_PATH), else -ENOENT; -EBADF for
 * a bad dirfd. Returns 0 and *out.
 */
int path_open_at(int dirfd, uint64_t upath, uint32_t flags, uint32_t mode, bool empty_ok,
                 struct file **out);

#endif
