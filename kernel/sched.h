/*
 * The scheduler: one run queue per CPU, round robin with a time slice,
 * preemption from the timer tick, wake-ups across CPUs with an IPI, and an
 * idle CPU stealing work from the busiest queue. See docs/sched.md.
 *
 * The calls the arch code makes (the tick, the resched IPI, the end of an
 * interrupt, an AP's start, a new thread's first code) are in
 * kernel/arch_hooks.h. Boot: sched_init() on the boot CPU after mm_init();
 * each AP, once online, calls sched_init_ap() then sched_run_idle().
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/preempt.h"
#include "kernel/thread.h"

#define SCHED_SLICE_TICKS 2 /* a thread runs this many ticks before others */

/* Boot CPU, after mm_init(): the running kmain becomes thread "main" of CPU
 * 0, and CPU 0 gets its idle thread. Interrupts may be on or off. */
void sched_init(void);

/* True once 'cpu' takes threads (after sched_init or sched_init_ap on it). */
bool sched_cpu_ready(int cpu);

/*
 * Gives up the CPU: the current thread goes back to the tail of its run
 * queue if it is RUNNING, stays off every queue if it is SLEEPING or DEAD
 * (a preemption, unlike this call, leaves a SLEEPING thread runnable).
 * Returns when the thread runs again (maybe on another CPU). Preemption must
 * be enabled (preempt_count == 0) and no spinlock held.
 */
void schedule(void);

/* Lets the other runnable threads of this CPU run first. */
void yield(void);

/* Makes a SLEEPING thread runnable again, on the CPU it last ran on; does
 * nothing to a thread in another state. Any context. */
void sched_wake(struct thread *t);

/* Marks the current thread 'state' (RUNNING, SLEEPING or DEAD) under its run
 * queue lock, for prepare_to_wait()/finish_wait()/thread_exit(). */
void sched_set_current_state(enum thread_state state);

/* Queues a new thread (state RUNNABLE) on its pinned CPU, or else on the
 * least loaded one, and kicks that CPU. */
void sched_add_new(struct thread *t);

/* Ticks since sched_init(), counted by CPU 0's timer. */
uint64_t sched_ticks(void);

/* Load averages over 1, 5 and 15 minutes of the threads running or
 * waiting for a CPU (kernel threads too, as Linux counts them), in fixed
 * point with FSHIFT fraction bits (FIXED_1 is 1.0): /proc/loadavg,
 * sysinfo. Updated every 5 s. */
#define FSHIFT 11
#define FIXED_1 (1ul << FSHIFT)
void sched_load_averages(uint64_t loads[3]);

/* The time CPU 'cpu' has been idle (its idle thread's run time, counted up
 * to now while it runs): a recent value, no lock. */
uint64_t sched_idle_ns(int cpu);

#endif
