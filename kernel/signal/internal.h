/*
 * What the files of kernel/signal/ share, and nothing else uses (the rest
 * of the kernel has kernel/signal.h): signal.c keeps the state (sending,
 * pending sets, masks, actions, group stops); deliver.c acts on it on the
 * way back to user mode. The lock rules are kernel/signal.h's (S1..S4).
 */
#ifndef KERNEL_SIGNAL_INTERNAL_H
#define KERNEL_SIGNAL_INTERNAL_H

#include <stdbool.h>

#include "kernel/signal.h"

struct process;
struct thread;

/* Queues sig for p (t NULL: process-directed) or for its thread t and
 * wakes who takes it; a signal whose default action kills, unhandled,
 * kills the whole group at once. Returns 0, or -EAGAIN when a real-time
 * signal cannot be queued. sig_lock held. */
int signal_send_locked(struct process *p, struct thread *t, int sig, const struct siginfo *info);

/* Every thread of p dies with sig on its way to user mode (the first
 * fatal signal wins). sig_lock held. */
void process_kill_locked(struct process *p, int sig);

/* SIG_DFL's action for sig, taken by the calling thread of p: nothing, a
 * group stop (none for a terminal stop signal in an orphaned group), or
 * death. No lock held. */
void signal_default_act(struct process *p, int sig);

/* The job-control work the calling thread t of p owes before it takes a
 * signal: telling the parent that p continued, or parking for a group
 * stop. Called with sig_lock held: returns true once it did one, with the
 * lock dropped (the caller looks again), false with the lock still held. */
bool signal_job_work_locked(struct process *p, struct thread *t);

#endif
