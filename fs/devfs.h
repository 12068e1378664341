/*
 * /dev, as small as it can be: the directory and three character devices,
 *   /dev/console  the console's terminal (5:1), as fds 0, 1, 2 of PID 1
 *   /dev/tty      the caller's controlling terminal (5:0); -ENXIO without
 *   /dev/null     reads find the end, writes are thrown away (1:3)
 * mounted on top of the ramfs as /proc is (fs/path.c). See docs/signals.md.
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
