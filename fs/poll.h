/*
 * poll(2) and its relatives (ppoll, select, pselect6): waiting until one of
 * several files is ready. Each kind of file says how ready it is
 * (file_ops.poll); waiters sleep on one queue, which whoever makes a file
 * ready wakes with poll_wake(): simple, and every waiter re-checks its own
 * files (a teaching kernel's trade of a few wake-ups for one mechanism).
 */
#ifndef FS_POLL_H
#define FS_POLL_H

/* poll(2)'s events (Linux's values). */
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLWRNORM 0x0100

/* A file may have become ready: every poll waiter looks again. Any
 * context but an interrupt's. */
void poll_wake(void);

#endif
