/*
 * Spinlocks: ticket locks, fair in arrival order.
 *
 * Rules:
 *  - a lock also taken from an interrupt handler must be taken with
 *    spin_lock_irqsave() everywhere else, or the handler can deadlock
 *    against the code it interrupted on the same CPU;
 *  - never sleep or start a synchronous IPI (TLB shootdown) while holding one.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"

struct spinlock {
    uint16_t next;    /* ticket handed to the next arrival */
    uint16_t serving; /* ticket allowed in */
    const char *name;
};

#define SPINLOCK_INIT(lock_name) { 0, 0, lock_name }

static inline void spin_init(struct spinlock *lock, const char *name)
{
    lock->next = 0;
    lock->serving = 0;
    lock->name = name;
}

static inline void spin_lock(struct spinlock *lock)
{
    uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
}

static inline void spin_unlock(struct spinlock *lock)
{
    __atomic_store_n(&lock->serving, lock->serving + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(struct spinlock *lock)
{
    return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) !=
           __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
}

static inline uint64_t spin_lock_irqsave(struct spinlock *lock)
{
    uint64_t flags = irq_save();
    spin_lock(lock);
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
    spin_unlock(lock);
    irq_restore(flags);
}

#endif
