/*
 * Path names: open(2)'s lookup over the ramfs (the initrd, read-only) with
 * /proc mounted on top. There is one working directory, "/", so relative
 * paths start there unless an *at() call names a directory fd.
 * See docs/userspace.md ("Files and /proc").
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include "fs/file.h"

/*
 * Opens 'path' with open(2) 'flags' (O_CLOEXEC is the caller's business). A
 * relative path starts at directory 'dir' (an open directory file) or at
 * "/" if dir is NULL. Returns 0 and *out (one reference), or Linux's errno
 * for a read-only file system:
 *   -ENOENT        a component is missing, or path is ""
 *   -ENOTDIR       a component (or a trailing slash) names a non-directory,
 *                  O_DIRECTORY on a non-directory, or 'dir' is no directory
 *   -EROFS         O_WRONLY, O_RDWR or O_TRUNC on a file, or O_CREAT of a
 *                  new name in an existing directory
 *   -EISDIR        a directory opened for writing, or with O_CREAT
 *   -EEXIST        O_CREAT | O_EXCL on an existing name
 *   -ELOOP         too many links, or O_NOFOLLOW on a link (without O_PATH)
 *   -EINVAL        O_CREAT | O_DIRECTORY
 *   -ENAMETOOLONG, -ENOMEM
 * O_PATH opens without those checks (except O_DIRECTORY): the file can only
 * be fstat'ed, used as a directory fd, dup'ed and closed. lstat opens with
 * O_PATH | O_NOFOLLOW to see a link itself.
 */
int path_open(struct file *dir, const char *path, uint32_t flags, struct file **out);

#endif
