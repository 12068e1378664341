/* Wait queues and timed sleep; see kernel/wait.h. */
#include "kernel/wait.h"

#include "arch/x86_64/apic.h"

struct wait_queue tick_wait_queue = WAIT_QUEUE_INIT("tick");

void wait_queue_init(struct wait_queue *wq, const char *name)
{
    spin_init(&wq->lock, name);
    wq->sleepers = (struct list){ NULL, NULL };
}

/* Appends 'we'; caller holds wq->lock. */
static void wq_add(struct wait_queue *wq, struct wait_entry *we)
{
    list_push_tail(&wq->sleepers, &we->node);
    we->queued = true;
}

/* Unlinks 'we'; caller holds wq->lock. */
static void wq_del(struct wait_queue *wq, struct wait_entry *we)
{
    list_remove(&wq->sleepers, &we->node);
    we->queued = false;
}

void prepare_to_wait(struct wait_queue *wq, struct wait_entry *we)
{
    uint64_t flags = spin_lock_irqsave(&wq->lock);
    if (!we->queued) {
        we->thread = current_thread();
        wq_add(wq, we);
    }
    sched_set_current_state(THREAD_SLEEPING);
    spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct wait_queue *wq, struct wait_entry *we)
{
    sched_set_current_state(THREAD_RUNNING);
    uint64_t flags = spin_lock_irqsave(&wq->lock);
    if (we->queued)
        wq_del(wq, we);
    spin_unlock_irqrestore(&wq->lock, flags);
}

/* Wakes the oldest sleeper of 'wq'; returns false if there was none. Caller
 * holds wq->lock (the entry lives on the sleeper's stack: it stays valid
 * until the sleeper's finish_wait() gets the lock). */
static bool wake_one(struct wait_queue *wq)
{
    struct wait_entry *we = list_first_entry(&wq->sleepers, struct wait_entry, node);
    if (!we)
        return false;
    wq_del(wq, we);
    sched_wake(we->thread);
    return true;
}

void wake_up(struct wait_queue *wq)
{
    uint64_t flags = spin_lock_irqsave(&wq->lock);
    wake_one(wq);
    spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up_all(struct wait_queue *wq)
{
    uint64_t flags = spin_lock_irqsave(&wq->lock);
    while (wake_one(wq))
        ;
    spin_unlock_irqrestore(&wq->lock, flags);
}

void sleep_ticks(uint64_t n)
{
    uint64_t deadline = sched_ticks() + n;
    wait_event(&tick_wait_queue, sched_ticks() >= deadline);
}

void sleep_ms(uint64_t ms)
{
    /* +1: the current tick period is already partly over. */
    sleep_ticks((ms * TIMER_HZ + 999) / 1000 + 1);
}

void sleep_tick(void)
{
    if (__atomic_load_n(&tick_wait_queue.sleepers.head, __ATOMIC_RELAXED))
        wake_up_all(&tick_wait_queue);
}
