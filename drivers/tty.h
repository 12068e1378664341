/*
 * The terminal (Linux's tty layer, reduced to one terminal: the console).
 * Input devices hand it bytes; a kernel thread runs them through the line
 * discipline (drivers/tty_line.h: termios, editing, echo, the signal keys)
 * and wakes the readers; output goes to every console through
 * console_write_user() (kernel/printk.h), the one path to the serial port
 * and the screen. See docs/signals.md, "Jobs and the terminal".
 *
 *     serial IRQ ─┐                       ┌─ ^C ^\ ^Z: SIGINT/QUIT/TSTP to
 *     keyboard   ─┼─ tty_input() ─ ring ──┤   the foreground group
 *                 │   (any context)       └─ line discipline ─ readers
 *                 │   tty thread ─────────── echo ─ console_write_user()
 *
 * Job control: the terminal belongs to at most one session (the
 * controlling terminal of its processes) and has a foreground process
 * group, which alone may read it; a background group that reads gets
 * SIGTTIN (or -EIO if it ignores or blocks it, or is orphaned), and one
 * that writes with TOSTOP set, or changes the settings, gets SIGTTOU.
 * 'session' and 'foreground' are under proc_lock (kernel/process.h); the
 * rest under the terminal's own lock.
 */
#ifndef DRIVERS_TTY_H
#define DRIVERS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/file.h"

struct process;
struct tty;

/*
 * Every input device delivers its bytes here, one at a time: the serial
 * port's interrupt (drivers/serial.c), the PS/2 keyboard's
 * (drivers/i8042.c: keys already turned into the bytes a terminal sends,
 * ESC [ A for the up arrow, 0x03 for Ctrl-C), and the screen's answers to
 * position reports (drivers/video.c). Callable from any context,
 * interrupts included: the byte goes into a ring (dropped if the ring is
 * full) that the terminal's thread drains.
 */
void tty_input(char c);

/* Boot, after sched_init(): starts the terminal's input thread. */
void tty_init(void);

/* The console's terminal. */
struct tty *tty_console(void);

/* p (a session leader without one) takes tty as its controlling terminal,
 * with p's group in the foreground. proc_lock held. */
void tty_set_controlling_locked(struct tty *tty, struct process *p);

/* p's session ends its hold on tty (its leader exits): returns the
 * foreground group (0 if none), for SIGHUP. proc_lock held. */
int tty_drop_session_locked(struct tty *tty);

/* The file operations of a terminal (fs/console_file.c): read with the
 * line discipline's rules (canonical lines, or VMIN/VTIME) and job
 * control; write; the terminal ioctls; poll readiness (POLLIN, POLLOUT).
 * Reads and writes return the bytes done or -errno (-ERESTARTSYS when a
 * signal interrupts them, -EAGAIN without waiting when 'nonblock'). */
long tty_read(struct tty *tty, struct iobuf buf, size_t len, bool nonblock);
long tty_write(struct tty *tty, struct iobuf buf, size_t len);
long tty_ioctl(struct tty *tty, uint32_t cmd, uint64_t arg);
uint32_t tty_poll(struct tty *tty);

#endif
