/*
 * Spinlocks: ticket locks, fair in arrival order.
 *
 * Rules:
 *  - a lock also taken from an interrupt handler must be taken with
 *    spin_lock_irqsave() everywhere else, or the handler can deadlock
 *    against the code it interrupted on the same CPU;
 *  - holding a spinlock disables preemption on this CPU (the holder cannot
 *    be switched away and leave waiters spinning behind it);
 *  - never sleep, and never start a synchronous IPI (TLB shootdown,
 *    smp_call_function with wait) while holding one;
 *  - in DEBUG builds each lock records its owner CPU and the call site that
 *    took it: taking a lock this CPU already holds, or releasing a lock this
 *    CPU does not hold, panics and names both call sites.
 *    assert_held(lock) checks that this CPU holds it.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/preempt.h"

struct spinlock {
    uint16_t next;    /* ticket handed to the next arrival */
    uint16_t serving; /* ticket allowed in */
    const char *name;
#ifdef DEBUG
    int owner;        /* holder's CPU id + 1, 0 when free (so a zeroed lock is
                         a valid free lock); written only by the holder */
    const char *owner_file;
    int owner_line;
#endif
};

#ifdef DEBUG
#define SPINLOCK_INIT(lock_name) { 0, 0, lock_name, 0, NULL, 0 }
#else
#define SPINLOCK_INIT(lock_name) { 0, 0, lock_name }
#endif

static inline void spin_init(struct spinlock *lock, const char *name)
{
    *lock = (struct spinlock)SPINLOCK_INIT(name);
}

static inline void spin_lock_at(struct spinlock *lock, const char *file, int line)
{
    preempt_disable();
#ifdef DEBUG
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == this_cpu_id() + 1)
        panic("recursive acquire of spinlock '%s' at %s:%d, already taken at %s:%d",
              lock->name, file, line, lock->owner_file, lock->owner_line);
#endif
    uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
#ifdef DEBUG
    __atomic_store_n(&lock->owner, this_cpu_id() + 1, __ATOMIC_RELAXED);
    lock->owner_file = file;
    lock->owner_line = line;
#else
    (void)file;
    (void)line;
#endif
}

static inline void spin_unlock_at(struct spinlock *lock, const char *file, int line)
{
#ifdef DEBUG
    if (lock->owner != this_cpu_id() + 1)
        panic("spinlock '%s' released at %s:%d by CPU %d, but held by CPU %d (taken at %s:%d)",
              lock->name, file, line, this_cpu_id(), lock->owner - 1,
              lock->owner_file ? lock->owner_file : "-", lock->owner_line);
    __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
#else
    (void)file;
    (void)line;
#endif
    __atomic_store_n(&lock->serving, lock->serving + 1, __ATOMIC_RELEASE);
    preempt_enable();
}

#define spin_lock(lock) spin_lock_at((lock), __FILE__, __LINE__)
#define spin_unlock(lock) spin_unlock_at((lock), __FILE__, __LINE__)

static inline bool spin_is_locked(struct spinlock *lock)
{
    return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) !=
           __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
}

/* Panics unless this CPU holds 'lock' (DEBUG), or unless someone does. */
#ifdef DEBUG
#define assert_held(lock)                                                         \
    do {                                                                          \
        if ((lock)->owner != this_cpu_id() + 1)                                   \
            panic("%s:%d: spinlock '%s' not held by this CPU", __FILE__, __LINE__, \
                  (lock)->name);                                                  \
    } while (0)
#else
#define assert_held(lock) ASSERT(spin_is_locked(lock))
#endif

#define spin_lock_irqsave(lock)                                                   \
    ({                                                                            \
        uint64_t flags_ = irq_save();                                             \
        spin_lock(lock);                                                          \
        flags_;                                                                   \
    })

#define spin_unlock_irqrestore(lock, flags)                                       \
    do {                                                                          \
        spin_unlock(lock);                                                        \
        irq_restore(flags);                                                       \
    } while (0)

#endif
