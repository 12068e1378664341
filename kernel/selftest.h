/*
 * Deliberate failures, to see (and test) what the kernel reports. Chosen with
 * "selftest=NAME" on the command line; each ends in a KERNEL PANIC.
 * The early ones (panic, double-fault) live in arch/x86_64/trap.c and run
 * before memory is up; these run once every CPU is online.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* Runs the late self-test 'name' if it is one of them; otherwise returns. */
void selftest_run_late(const char *name);

#endif
