/*
 * RCU-like grace periods (kernel/rcu.c). See docs/pt-lifecycle.md.
 *
 * A read-side section is any stretch of code that runs with preemption off
 * (rcu_read_lock/unlock, a spinlock held, or interrupts off). A CPU passes a
 * quiescent state when it is outside every such section: at a context
 * switch, in the idle loop, on its way back to user mode, and when a timer
 * tick finds it in user mode or with preempt_count 0 (the idle thread, or a
 * kernel thread running preemptibly). A grace period that starts at time T
 * ends once every online CPU has passed a quiescent state after T; by then
 * every read-side section that began before T has ended. So an object
 * unlinked before T, and reachable only through what readers saw before T,
 * may be freed once the grace period ends: that is what call_rcu() does.
 *
 * Every CPU ticks every 1/TIMER_HZ s, so an idle or busy CPU holds a grace
 * period up by at most about one tick; only a CPU that stays in one
 * read-side section holds it up longer (CPU 0 warns after 10 s). The tick
 * reaches RCU through rcu_tick() (kernel/arch_hooks.h).
 */
#ifndef KERNEL_RCU_H
#define KERNEL_RCU_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/preempt.h"

struct rcu_head {
    struct rcu_head *next;
    void (*func)(struct rcu_head *head);
};

/* Marks a read-side section (nests). No sleeping inside. */
static inline void rcu_read_lock(void) { preempt_disable(); }
static inline void rcu_read_unlock(void) { preempt_enable(); }

/* Runs func(head) after a grace period, in a kernel thread, in batches.
 * Any context, interrupts on or off; head must stay valid until then.
 * Callbacks run one at a time, in the order they were queued, in thread
 * context with preemption enabled; func may free head and take locks, and
 * must not call rcu_barrier() (it would wait for itself). */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));

/* Sleeps until a grace period that started after the call has ended.
 * Thread context, preemption enabled. */
void synchronize_rcu(void);

/* The same wait without sleeping: returns a cookie for the grace period a
 * synchronize_rcu() would wait for now, and starts it if none is in
 * progress; poll_state_synchronize_rcu(cookie) is true once it has ended.
 * Both any context. */
uint64_t start_poll_synchronize_rcu(void);
bool poll_state_synchronize_rcu(uint64_t cookie);

/* Sleeps until every callback queued before the call has run. Thread
 * context, preemption enabled. */
void rcu_barrier(void);

/* This CPU is in a quiescent state now (the scheduler, the idle loop, the
 * return to user mode). Preemption or interrupts off. */
void rcu_note_quiescent_state(void);

struct rcu_stats {
    uint64_t grace_periods;      /* completed since boot */
    uint64_t callbacks_run;
    uint64_t callbacks_pending;  /* queued, not yet run */
    uint64_t longest_gp_cycles;  /* TSC cycles of the longest grace period */
};

void rcu_get_stats(struct rcu_stats *out);

/* Boot CPU, after sched_init(): starts the "rcu" thread, which runs the
 * callbacks. (Grace periods need no setup: call_rcu() works before it.) */
void rcu_init(void);

#endif
