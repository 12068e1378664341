/* Starting user space; see kernel/init.c. */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

/*
 * Runs "init=PATH ARGS..." from the command line (default /bin/init) as
 * PID 1, with argv = {PATH, ARGS...}. When it has exited, prints its status
 * ("prune: exit status N", N = its exit code or 128 + signal) and powers
 * off with it. With "leakcheck" on the command line, first prints a KTAP
 * result: every frame and kmalloc object taken since PID 1 started is back.
 */
__attribute__((noreturn)) void init_run(void);

#endif
