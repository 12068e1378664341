/* RCU-like grace periods and deferred callbacks; see kernel/rcu.h and
 * docs/rcu.md. */
#include "kernel/rcu.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "kernel/arch_hooks.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "mm/pt_trace.h"

/* CPU 0's tick reports a grace period older than this, once. */
#define RCU_STALL_SECONDS 10

/* A FIFO of callbacks: 'tail' points at the last 'next' (or at 'head'). */
struct rcu_list {
    struct rcu_head *head;
    struct rcu_head **tail;
};

#define RCU_LIST_INIT(name) { NULL, &(name).head }

/*
 * Grace periods are numbered from 1; 0 means "none yet".
 *
 * rcu_lock (always irqsave: taken from the tick and by call_rcu() with
 * interrupts off) protects everything below except where noted. It is a
 * leaf lock: nothing else is taken under it.
 *  - gp_started, gp_completed: the newest grace period started, ended.
 *    One is in progress iff they differ (then gp_started == gp_completed
 *    + 1). Written under the lock; read without it (atomic, acquire).
 *  - gp_needed: the highest grace period anyone waits for. When one ends
 *    and gp_needed is beyond it, the next starts at once.
 *  - qs_owed: the CPUs that have not yet passed a quiescent state in the
 *    grace period in progress. Set (to cpus_online) when one starts, under
 *    the lock; each CPU then clears its own bit with an atomic and-not,
 *    without the lock; the CPU that clears the last bit ends the grace
 *    period (taking the lock). Zero when none is in progress.
 *  - the callbacks, in queue order, split in three lists whose
 *    concatenation done + cur + next is that order:
 *      next: queued while gp_started was in progress: they wait for
 *            gp_started + 1, which has not started;
 *      cur:  wait for gp_started (in progress, or empty when none is);
 *      done: their grace period has ended; the rcu thread runs them.
 *    done.head is also read without the lock (atomic) as a wake-up test.
 *  - callbacks_queued: atomic, written under the lock, so its order is the
 *    queue order. callbacks_run: atomic, written by the rcu thread only,
 *    which runs callbacks one at a time in queue order; so when
 *    callbacks_run >= n, the first n callbacks ever queued have all run.
 */
static struct spinlock rcu_lock = SPINLOCK_INIT("rcu");
static uint64_t gp_started, gp_completed, gp_needed;
static cpumask_t qs_owed;
static uint64_t gp_start_tsc, longest_gp_cycles;
static uint64_t stall_reported_gp; /* CPU 0's tick only */
static struct rcu_list next_cbs = RCU_LIST_INIT(next_cbs);
static struct rcu_list cur_cbs = RCU_LIST_INIT(cur_cbs);
static struct rcu_list done_cbs = RCU_LIST_INIT(done_cbs);
static uint64_t callbacks_queued, callbacks_run;

/* Woken at the end of every grace period: synchronize_rcu() sleepers and
 * the rcu thread. */
static struct wait_queue gp_end_wq = WAIT_QUEUE_INIT("rcu gp end");
/* Woken after every batch of callbacks: rcu_barrier() sleepers. */
static struct wait_queue callbacks_run_wq = WAIT_QUEUE_INIT("rcu callbacks run");

static void rcu_list_append(struct rcu_list *list, struct rcu_head *head)
{
    head->next = NULL;
    *list->tail = head;
    list->tail = &head->next;
}

/* Moves every callback of 'from' to the end of 'to'. */
static void rcu_list_splice(struct rcu_list *to, struct rcu_list *from)
{
    if (!from->head)
        return;
    *to->tail = from->head;
    to->tail = from->tail;
    from->head = NULL;
    from->tail = &from->head;
}

/* Starts grace period gp_started + 1; none is in progress. The callbacks
 * of 'next' now wait for it. Caller holds rcu_lock, whose acquisition (a
 * locked instruction) orders the caller's earlier unlinks before the store
 * to qs_owed that marks the start. */
static void start_grace_period_locked(void)
{
    ASSERT(gp_started == gp_completed);
    rcu_list_splice(&cur_cbs, &next_cbs);
    gp_start_tsc = rdtsc();
    __atomic_store_n(&gp_started, gp_started + 1, __ATOMIC_RELEASE);
    pt_trace(PT_EV_GP_START, 0, gp_started);
    __atomic_store_n(&qs_owed, __atomic_load_n(&cpus_online, __ATOMIC_SEQ_CST),
                     __ATOMIC_SEQ_CST);
}

/* Records that someone waits for grace period 'gp' (at most gp_started +
 * 1) and starts it if none is in progress. Caller holds rcu_lock. */
static void need_grace_period_locked(uint64_t gp)
{
    if (gp > gp_needed)
        gp_needed = gp;
    if (gp_started == gp_completed && gp_needed > gp_completed)
        start_grace_period_locked();
}

/* The CPU that cleared the last bit of qs_owed: ends the grace period in
 * progress, starts the next if one is needed, wakes the waiters. Interrupts
 * off; no wait queue or run queue lock held. */
static void end_grace_period(void)
{
    uint64_t flags = spin_lock_irqsave(&rcu_lock);
    uint64_t cycles = rdtsc() - gp_start_tsc;
    if (cycles > longest_gp_cycles)
        longest_gp_cycles = cycles;
    rcu_list_splice(&done_cbs, &cur_cbs);
    __atomic_store_n(&gp_completed, gp_started, __ATOMIC_RELEASE);
    pt_trace(PT_EV_GP_END, 0, gp_started);
    if (gp_needed > gp_completed)
        start_grace_period_locked();
    spin_unlock(&rcu_lock);
    irq_restore(flags);
    wake_up_all(&gp_end_wq);
}

void rcu_note_quiescent_state(void)
{
    struct cpu *cpu = this_cpu();
    __atomic_store_n(&cpu->quiescent_states, cpu->quiescent_states + 1, __ATOMIC_RELEASE);
    cpumask_t me = 1ull << cpu->id;
    if (!(__atomic_load_n(&qs_owed, __ATOMIC_ACQUIRE) & me))
        return;
    /* Only this CPU clears its bit, and the grace period cannot end while
     * the bit is set: 'before' is the mask of that same grace period. The
     * locked and-not also orders every access of this CPU's read-side
     * sections before the clear. */
    cpumask_t before = __atomic_fetch_and(&qs_owed, ~me, __ATOMIC_SEQ_CST);
    if (before == me)
        end_grace_period();
}

/* CPU 0's tick: warns once about a grace period that has lasted too long,
 * naming the CPUs that still owe a quiescent state. */
static void check_stall(void)
{
    uint64_t started = __atomic_load_n(&gp_started, __ATOMIC_ACQUIRE);
    if (started == __atomic_load_n(&gp_completed, __ATOMIC_ACQUIRE) ||
        started == stall_reported_gp)
        return;
    uint64_t flags = spin_lock_irqsave(&rcu_lock);
    bool stalled = gp_started == started && gp_completed != started &&
                   rdtsc() - gp_start_tsc > RCU_STALL_SECONDS * tsc_hz;
    cpumask_t owing = __atomic_load_n(&qs_owed, __ATOMIC_RELAXED);
    spin_unlock(&rcu_lock);
    irq_restore(flags);
    if (stalled) {
        stall_reported_gp = started;
        printk("rcu: grace period %lu has lasted over %d s; CPUs owing a quiescent state: "
               "0x%lx\n", started, RCU_STALL_SECONDS, owing);
    }
}

void rcu_tick(bool from_user)
{
    struct cpu *cpu = this_cpu();
    if (from_user || cpu->preempt_count == 0)
        rcu_note_quiescent_state();
    if (cpu->id == 0)
        check_stall();
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
    head->func = func;
    uint64_t flags = spin_lock_irqsave(&rcu_lock);
    rcu_list_append(&next_cbs, head);
    __atomic_store_n(&callbacks_queued, callbacks_queued + 1, __ATOMIC_RELEASE);
    need_grace_period_locked(gp_started + 1);
    spin_unlock(&rcu_lock);
    irq_restore(flags);
}

uint64_t start_poll_synchronize_rcu(void)
{
    uint64_t flags = spin_lock_irqsave(&rcu_lock);
    uint64_t gp = gp_started + 1;
    need_grace_period_locked(gp);
    spin_unlock(&rcu_lock);
    irq_restore(flags);
    return gp;
}

bool poll_state_synchronize_rcu(uint64_t cookie)
{
    return __atomic_load_n(&gp_completed, __ATOMIC_ACQUIRE) >= cookie;
}

void synchronize_rcu(void)
{
    uint64_t gp = start_poll_synchronize_rcu();
    wait_event(&gp_end_wq, poll_state_synchronize_rcu(gp));
}

void rcu_barrier(void)
{
    uint64_t queued = __atomic_load_n(&callbacks_queued, __ATOMIC_ACQUIRE);
    wait_event(&callbacks_run_wq, __atomic_load_n(&callbacks_run, __ATOMIC_ACQUIRE) >= queued);
}

void rcu_get_stats(struct rcu_stats *out)
{
    uint64_t flags = spin_lock_irqsave(&rcu_lock);
    uint64_t run = __atomic_load_n(&callbacks_run, __ATOMIC_ACQUIRE);
    *out = (struct rcu_stats){
        .grace_periods = gp_completed,
        .callbacks_run = run,
        .callbacks_pending = callbacks_queued - run,
        .longest_gp_cycles = longest_gp_cycles,
    };
    spin_unlock(&rcu_lock);
    irq_restore(flags);
}

/* The "rcu" thread: runs the callbacks whose grace period has ended, a
 * whole list at a time, in queue order, with preemption enabled. */
static void rcu_thread(void *arg)
{
    (void)arg;
    for (;;) {
        wait_event(&gp_end_wq, __atomic_load_n(&done_cbs.head, __ATOMIC_ACQUIRE) != NULL);
        uint64_t flags = spin_lock_irqsave(&rcu_lock);
        struct rcu_head *batch = done_cbs.head;
        done_cbs.head = NULL;
        done_cbs.tail = &done_cbs.head;
        spin_unlock(&rcu_lock);
        irq_restore(flags);
        while (batch) {
            struct rcu_head *next = batch->next; /* func may free batch */
            batch->func(batch);
            __atomic_store_n(&callbacks_run, callbacks_run + 1, __ATOMIC_RELEASE);
            batch = next;
        }
        wake_up_all(&callbacks_run_wq);
    }
}

void rcu_init(void)
{
    if (!thread_create("rcu", rcu_thread, NULL))
        panic("no memory for the rcu thread");
}
