/*
 * Cross-CPU calls: running a function on a set of CPUs (the basis of TLB
 * shootdowns and of the IPI strategy of page-table reclaim). The IPI's
 * handler is smp_call_function_interrupt() (kernel/arch_hooks.h).
 */
#ifndef KERNEL_SMP_CALL_H
#define KERNEL_SMP_CALL_H

#include <stdbool.h>

#include "kernel/percpu.h"

typedef void (*smp_call_fn)(void *arg);

/*
 * Runs fn(arg) on every online CPU in 'mask', the calling CPU included if its
 * bit is set (then directly, with interrupts off). Remote CPUs run fn from an
 * IPI handler, with interrupts off. With 'wait', returns only once every CPU
 * has returned from fn: that acknowledgement is what a TLB shootdown and the
 * page-table reclaim rely on. Without it, fn must not use anything on the
 * caller's stack.
 *
 * With 'wait' the caller waits for other CPUs, so it must have interrupts
 * on and hold no spinlock and no page-table lock: a target CPU may be
 * waiting for such a lock with interrupts off (spin_lock in an interrupt
 * handler or under an irqsave lock; pt_lock in a lockless walk,
 * mm/pt_ref.h), would never take the IPI, and both would wait for ever.
 * The map lock of an address space (an rwlock) may be held: nobody waits
 * for an rwlock with interrupts off (kernel/rwlock.h), so its waiters
 * answer. Both conditions are checked (the locks in DEBUG builds).
 */
void smp_call_function(cpumask_t mask, smp_call_fn fn, void *arg, bool wait);

#endif
