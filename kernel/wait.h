/*
 * Wait queues: sleep until a condition holds, without losing a wake-up.
 *
 * The rule (see docs/sched.md): a waiter queues itself and marks itself
 * SLEEPING under the queue lock *before* it tests the condition; a waker
 * makes the condition true *before* it takes the queue lock to wake. So
 * either the waiter sees the condition, or the waker sees the waiter and
 * turns it back to RUNNING/RUNNABLE; schedule() then does not block it.
 *
 * Locking: 'lock' (always irqsave: wake_up is called from interrupts)
 * protects the list and each entry's 'queued'. Lock order: a wait queue
 * lock before a run queue lock.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "lib/list.h"

struct wait_entry {
    struct thread *thread;
    struct list_node node;      /* in the queue's list while 'queued' */
    bool queued;                /* in the list; cleared by the waker */
};

struct wait_queue {
    struct spinlock lock;
    struct list sleepers;       /* FIFO of wait entries */
};

#define WAIT_QUEUE_INIT(name) { SPINLOCK_INIT(name), { NULL, NULL } }

void wait_queue_init(struct wait_queue *wq, const char *name);

/* Queues 'we' for the current thread (if not queued yet) and marks the
 * thread SLEEPING, both under the queue lock. Test the condition after. */
void prepare_to_wait(struct wait_queue *wq, struct wait_entry *we);

/* Marks the current thread RUNNING and takes 'we' off the queue if a
 * waker has not already. After it returns 'we' may go out of scope. */
void finish_wait(struct wait_queue *wq, struct wait_entry *we);

/* Wakes the oldest sleeper (taking it off the queue), if any. Any context. */
void wake_up(struct wait_queue *wq);

/* Wakes every sleeper. Any context. */
void wake_up_all(struct wait_queue *wq);

/*
 * Sleeps until 'cond' is true; 'cond' is evaluated again after every
 * wake-up, so it may be any expression over shared memory. Process context
 * only, preemption enabled, no spinlock held.
 */
#define wait_event(wq, cond)                          \
    do {                                              \
        if (cond)                                     \
            break;                                    \
        struct wait_entry we_ = { 0 };                \
        for (;;) {                                    \
            prepare_to_wait((wq), &we_);              \
            if (cond)                                 \
                break;                                \
            schedule();                               \
        }                                             \
        finish_wait((wq), &we_);                      \
    } while (0)

/* Every sleeper on this queue is woken by CPU 0's tick (sleep_tick), to
 * re-check a deadline: sleep_ticks() sleeps here, and so do the timed waits
 * of kernel/time.c and kernel/futex.c, queued on it beside their own queue. */
extern struct wait_queue tick_wait_queue;

/* Sleeps until the tick count (sched_ticks) has advanced by 'n': between
 * n - 1 and n tick periods (1/TIMER_HZ s each). */
void sleep_ticks(uint64_t n);

/* Sleeps for at least 'ms' milliseconds, rounded up to whole ticks. */
void sleep_ms(uint64_t ms);

/* CPU 0's tick (sched_tick), interrupts off: wakes the sleep_ticks()
 * sleepers to re-check their deadline. */
void sleep_tick(void);

#endif
