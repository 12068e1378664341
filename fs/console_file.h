/*
 * The console as a file: what fds 0, 1 and 2 of PID 1 are, /dev/console,
 * and /dev/tty (the caller's controlling terminal, which is the console
 * when it has one). Each is the terminal of drivers/tty.h: reads take
 * what was typed on the serial port or the keyboard, through its line
 * discipline and job control; writes go to every console (serial and
 * screen); ioctls are the terminal's. See docs/signals.md.
 */
#ifndef FS_CONSOLE_FILE_H
#define FS_CONSOLE_FILE_H

#include "fs/file.h"

struct tty;

/* A new open file on the console, with open(2)'s status flags (O_RDWR,
 * O_NONBLOCK...); one reference; NULL without memory. */
struct file *console_file_open(uint32_t flags);

/* /dev/tty for a process whose controlling terminal is ctty: 0 and *out,
 * -ENXIO without one (Linux's answer), -ENOMEM. */
int dev_tty_open(struct tty *ctty, uint32_t flags, struct file **out);

#endif
