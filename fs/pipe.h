/*
 * Pipes (fs/pipe.c): pipe(2) and pipe2(2) make them; this is what the rest
 * of the file layer asks of one.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "fs/file.h"

/* fcntl(F_GETPIPE_SZ): the bytes pipe file 'f' holds (65,536, Linux's
 * default), or -EBADF if f is no pipe. */
long pipe_capacity(struct file *f);

#endif
