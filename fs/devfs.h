/*
 * /dev, as small as it can be: the directory and Linux's character devices
 *   /dev/console  the console's terminal (5:1), as fds 0, 1, 2 of PID 1
 *   /dev/tty      the caller's controlling terminal (5:0); -ENXIO without
 *   /dev/null     reads find the end, writes are thrown away (1:3)
 *   /dev/zero     reads give zeros, writes are thrown away (1:5)
 *   /dev/full     reads give zeros, writes fail with -ENOSPC (1:7)
 *   /dev/random   reads give random bytes (kernel/random.h), writes are
 *   /dev/urandom  thrown away (1:8 and 1:9; neither ever blocks)
 * mounted at /dev as /proc is at /proc (fs/path.c). See docs/files.md.
 */
#ifndef FS_DEVFS_H
#define FS_DEVFS_H

#include "fs/file.h"

/*
 * Opens 'path', relative to /dev ("" is /dev itself), with open(2)
 * 'flags' as path_open() passes them. Returns 0 and *out, or -ENOENT,
 * -ENOTDIR, -EEXIST, -EISDIR, -EROFS (O_CREAT of a new name), -ENXIO
 * (/dev/tty without a controlling terminal), -ENOMEM. If the path leaves
 * /dev through "..", returns 1 and sets *rest to the rest, to be looked up
 * from "/" (as procfs_open()).
 */
int devfs_open(const char *path, uint32_t flags, struct file **out, const char **rest);

#endif
