/*
 * The console as a file: what fds 0, 1 and 2 of PID 1 are. Writing sends
 * the bytes to every console (serial and screen); reading takes a line
 * typed on the serial port or the keyboard (drivers/tty.h), edited and
 * echoed by the line discipline of drivers/tty_line.h. See docs/userspace.md.
 */
#ifndef FS_CONSOLE_FILE_H
#define FS_CONSOLE_FILE_H

#include "fs/file.h"

/* A new open file on the console (O_RDWR), one reference; NULL without
 * memory. */
struct file *console_file_open(void);

#endif
