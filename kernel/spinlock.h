/*
 * Spinlocks: test-and-test-and-set locks, not fair.
 *
 * Why not a fair (ticket) lock: prune runs under QEMU, where each vCPU is a
 * host thread that the host deschedules at will, for whole host time slices
 * when there are more vCPUs than host cores. A ticket lock hands the lock
 * to the next waiter in line even if that waiter's vCPU is not running, and
 * every waiter behind it then waits for the host to run it: a convoy, on
 * each hand-off. A test-and-set lock goes to whichever waiter is running
 * when it is released; only the holder's own descheduling delays the
 * others. Linux makes the same choice in guests without paravirtual
 * spinlocks (virt_spin_lock(), arch/x86/include/asm/qspinlock.h). The price
 * is no order among waiters: critical sections must stay short.
 *
 * Rules:
 *  - a lock also taken from an interrupt handler must be taken with
 *    spin_lock_irqsave() everywhere else, or the handler can deadlock
 *    against the code it interrupted on the same CPU;
 *  - spin_lock_irqsave() waits with interrupts as they were and disables
 *    them only to take the lock: a waiting CPU still takes ticks and
 *    acknowledges IPIs (a TLB shootdown's initiator waits for it);
 *  - holding a spinlock disables preemption on this CPU (the holder cannot
 *    be switched away and leave waiters spinning behind it); so does
 *    waiting for one;
 *  - never sleep, and never wait for another CPU (a synchronous IPI: TLB
 *    shootdown, smp_call_function with wait) while holding one: a CPU may
 *    be waiting for this lock with interrupts off (an interrupt handler, or
 *    code under an irqsave lock), and would never take the IPI. The same
 *    holds for page-table locks (mm/pt_ref.h), which lockless walkers wait
 *    for with interrupts off. DEBUG builds count the spinlocks and
 *    page-table locks each CPU holds (cpu->locks_held); code that waits for
 *    other CPUs checks the count is 0 (assert_no_locks_held);
 *  - in DEBUG builds each lock records its owner CPU and the call site that
 *    took it: taking a lock this CPU already holds, or releasing a lock this
 *    CPU does not hold, panics and names both call sites.
 *    assert_held(lock) checks that this CPU holds it.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/preempt.h"

/* ---- The lock word: 0 free, 1 held (also mm/pt_ref.h's table locks) ---- */

/* Takes the word if it is free; true if it did. Reads before it writes, so
 * waiters spin on a shared cache line, not on a written one. */
static inline bool lock_word_try(uint32_t *word)
{
    return !__atomic_load_n(word, __ATOMIC_RELAXED) &&
           !__atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE);
}

/* Waits until the word looks free (it may be taken again at once). */
static inline void lock_word_wait(const uint32_t *word)
{
    while (__atomic_load_n(word, __ATOMIC_RELAXED))
        cpu_relax();
}

static inline void lock_word_acquire(uint32_t *word)
{
    while (!lock_word_try(word))
        lock_word_wait(word);
}

static inline void lock_word_release(uint32_t *word)
{
    __atomic_store_n(word, 0, __ATOMIC_RELEASE);
}

/* ---- The count of locks held (DEBUG) ---- */

/* DEBUG: this CPU now holds one more, or one fewer, spinlock or page-table
 * lock. Called by the holder, preemption off. */
static inline void locks_held_inc(void)
{
#ifdef DEBUG
    arch_percpu_inc_int(offsetof(struct cpu, locks_held));
#endif
}

static inline void locks_held_dec(void)
{
#ifdef DEBUG
    arch_percpu_dec_int(offsetof(struct cpu, locks_held));
#endif
}

/* DEBUG: panics, naming 'what', if this CPU holds a spinlock or a
 * page-table lock: 'what' may wait for another CPU, which may be waiting
 * for that lock with interrupts off. */
#ifdef DEBUG
#define assert_no_locks_held(what)                                                   \
    do {                                                                             \
        int held_ = arch_percpu_read_int(offsetof(struct cpu, locks_held));          \
        if (held_)                                                                   \
            panic("%s:%d: %s while this CPU holds %d spinlock(s) or page-table "     \
                  "lock(s)", __FILE__, __LINE__, (what), held_);                     \
    } while (0)
#else
#define assert_no_locks_held(what) ((void)0)
#endif

/* ---- Spinlocks ---- */

struct spinlock {
    uint32_t locked;  /* the lock word */
    const char *name;
#ifdef DEBUG
    int owner;        /* holder's CPU id + 1, 0 when free (so a zeroed lock is
                         a valid free lock); written only by the holder */
    const char *owner_file;
    int owner_line;
#endif
};

#ifdef DEBUG
#define SPINLOCK_INIT(lock_name) { 0, lock_name, 0, NULL, 0 }
#else
#define SPINLOCK_INIT(lock_name) { 0, lock_name }
#endif

static inline void spin_init(struct spinlock *lock, const char *name)
{
    *lock = (struct spinlock)SPINLOCK_INIT(name);
}

/* DEBUG: panics if this CPU already holds 'lock' (before waiting for it). */
static inline void spin_check_recursion(struct spinlock *lock, const char *file, int line)
{
#ifdef DEBUG
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == this_cpu_id() + 1)
        panic("recursive acquire of spinlock '%s' at %s:%d, already taken at %s:%d",
              lock->name, file, line, lock->owner_file, lock->owner_line);
#else
    (void)lock;
    (void)file;
    (void)line;
#endif
}

/* DEBUG: records this CPU and the call site as the new holder. */
static inline void spin_set_owner(struct spinlock *lock, const char *file, int line)
{
#ifdef DEBUG
    __atomic_store_n(&lock->owner, this_cpu_id() + 1, __ATOMIC_RELAXED);
    lock->owner_file = file;
    lock->owner_line = line;
    locks_held_inc();
#else
    (void)lock;
    (void)file;
    (void)line;
#endif
}

static inline void spin_lock_at(struct spinlock *lock, const char *file, int line)
{
    preempt_disable();
    spin_check_recursion(lock, file, line);
    lock_word_acquire(&lock->locked);
    spin_set_owner(lock, file, line);
}

/* Takes 'lock' with interrupts off and returns the previous RFLAGS for
 * spin_unlock_irqrestore(); waits with interrupts as they were. */
static inline uint64_t spin_lock_irqsave_at(struct spinlock *lock, const char *file, int line)
{
    preempt_disable();
    spin_check_recursion(lock, file, line);
    for (;;) {
        uint64_t flags = irq_save();
        if (lock_word_try(&lock->locked)) {
            spin_set_owner(lock, file, line);
            return flags;
        }
        irq_restore(flags);
        lock_word_wait(&lock->locked);
    }
}

static inline void spin_unlock_at(struct spinlock *lock, const char *file, int line)
{
#ifdef DEBUG
    if (lock->owner != this_cpu_id() + 1)
        panic("spinlock '%s' released at %s:%d by CPU %d, but held by CPU %d (taken at %s:%d)",
              lock->name, file, line, this_cpu_id(), lock->owner - 1,
              lock->owner_file ? lock->owner_file : "-", lock->owner_line);
    __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
    locks_held_dec();
#else
    (void)file;
    (void)line;
#endif
    lock_word_release(&lock->locked);
    preempt_enable();
}

#define spin_lock(lock) spin_lock_at((lock), __FILE__, __LINE__)
#define spin_unlock(lock) spin_unlock_at((lock), __FILE__, __LINE__)

static inline bool spin_is_locked(struct spinlock *lock)
{
    return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED);
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

#define spin_lock_irqsave(lock) spin_lock_irqsave_at((lock), __FILE__, __LINE__)

#define spin_unlock_irqrestore(lock, flags)                                       \
    do {                                                                          \
        spin_unlock(lock);                                                        \
        irq_restore(flags);                                                       \
    } while (0)

#endif
