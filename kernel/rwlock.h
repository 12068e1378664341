/*
 * Reader-writer spinlocks: any number of readers, or one writer. Writers
 * are preferred: once a writer waits, new readers wait behind it, so a
 * stream of readers cannot starve it.
 *
 * Rules:
 *  - holding either side disables preemption; never sleep while holding it;
 *  - never taken with interrupts off (DEBUG builds check it), so never from
 *    an interrupt handler: a CPU waiting for an rwlock takes interrupts and
 *    answers IPIs while it waits;
 *  - so, unlike a spinlock (kernel/spinlock.h), an rwlock may be held while
 *    waiting for other CPUs (a synchronous IPI; fork's TLB shootdown under
 *    the map lock, mm/as_internal.h). What deadlocks is a CPU that waits
 *    with interrupts off for a lock the IPI's sender holds: a spinlock or a
 *    pt_lock can be waited for that way (those are checked at the IPI,
 *    kernel/smp_call.h), an rwlock cannot. An rwlock holder must still hold
 *    no spinlock or pt_lock when it waits;
 *  - never take the read side twice on one CPU (a writer waiting between
 *    the two would deadlock both);
 *  - DEBUG builds record the writer's CPU: assert_write_held() checks it.
 */
#ifndef KERNEL_RWLOCK_H
#define KERNEL_RWLOCK_H

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/preempt.h"

#define RWLOCK_WRITER (-1)

struct rwlock {
    int32_t state;           /* readers inside (> 0), RWLOCK_WRITER, or 0 */
    uint32_t writers_waiting;
    const char *name;
#ifdef DEBUG
    int writer;              /* writer's CPU id + 1, 0 without a writer */
#endif
};

static inline void rwlock_init(struct rwlock *lock, const char *name)
{
    *lock = (struct rwlock){.name = name};
}

/* DEBUG: panics if interrupts are off (see the rules). */
static inline void rwlock_check_irqs(const struct rwlock *lock)
{
#ifdef DEBUG
    if (!irqs_enabled())
        panic("rwlock '%s' taken with interrupts off: its waiters must answer IPIs "
              "(kernel/rwlock.h)", lock->name);
#else
    (void)lock;
#endif
}

static inline void read_lock(struct rwlock *lock)
{
    rwlock_check_irqs(lock);
    preempt_disable();
    for (;;) {
        int32_t s = __atomic_load_n(&lock->state, __ATOMIC_RELAXED);
        if (s >= 0 && !__atomic_load_n(&lock->writers_waiting, __ATOMIC_RELAXED) &&
            __atomic_compare_exchange_n(&lock->state, &s, s + 1, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        cpu_relax();
    }
}

static inline void read_unlock(struct rwlock *lock)
{
    int32_t old = __atomic_fetch_sub(&lock->state, 1, __ATOMIC_RELEASE);
    if (old <= 0)
        panic("read_unlock of rwlock '%s' not read-held (state %d)", lock->name, old);
    preempt_enable();
}

static inline void write_lock(struct rwlock *lock)
{
    rwlock_check_irqs(lock);
    preempt_disable();
    __atomic_fetch_add(&lock->writers_waiting, 1, __ATOMIC_RELAXED);
    for (;;) {
        int32_t free = 0;
        if (__atomic_compare_exchange_n(&lock->state, &free, RWLOCK_WRITER, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            break;
        cpu_relax();
    }
    __atomic_fetch_sub(&lock->writers_waiting, 1, __ATOMIC_RELAXED);
#ifdef DEBUG
    lock->writer = this_cpu_id() + 1;
#endif
}

static inline void write_unlock(struct rwlock *lock)
{
#ifdef DEBUG
    if (lock->writer != this_cpu_id() + 1)
        panic("write_unlock of rwlock '%s' not write-held by CPU %d", lock->name,
              this_cpu_id());
    lock->writer = 0;
#endif
    __atomic_store_n(&lock->state, 0, __ATOMIC_RELEASE);
    preempt_enable();
}

/* Panics unless this CPU holds the write side (DEBUG), or someone does. */
#ifdef DEBUG
#define assert_write_held(lock)                                                     \
    do {                                                                            \
        if ((lock)->writer != this_cpu_id() + 1)                                    \
            panic("%s:%d: rwlock '%s' not write-held by this CPU", __FILE__, __LINE__, \
                  (lock)->name);                                                    \
    } while (0)
#else
#define assert_write_held(lock) ASSERT(__atomic_load_n(&(lock)->state, __ATOMIC_RELAXED) < 0)
#endif

/* Panics unless someone holds either side. */
#define assert_locked(lock) ASSERT(__atomic_load_n(&(lock)->state, __ATOMIC_RELAXED) != 0)

#endif
