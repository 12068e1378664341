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
 * page-table reclaim rely on. With 'wait' the caller must have interrupts on
 * and hold no spinlock (two CPUs waiting on each other with interrupts off
 * would deadlock); without it, fn must not use anything on the caller's stack.
 */
void smp_call_function(cpumask_t mask, smp_call_fn fn, void *arg, bool wait);

#endif
