/*
 * The kernel's entry points for arch/: every function of kernel/ that
 * arch/x86_64 calls (from C or from its assembly), each with its contract.
 * mm/arch_hooks.h lists those of mm/.
 *
 * The layer rule (tools/check-layers.sh checks it in make test). arch/ is
 * the bottom layer; from kernel/, mm/, fs/ and drivers/ it includes only
 *   1. the basic services every layer uses: kernel/panic.h, printk.h,
 *      errno.h, percpu.h, preempt.h, spinlock.h, ksyms.h (symbols for a
 *      backtrace), bootinfo.h and multiboot2.h (what the boot loader handed
 *      over), mm/layout.h (the virtual address layout), and lib/;
 *   2. kernel/signal.h, for the signal numbers (an ABI, like errno.h) and
 *      signal_fault(), the hook of a user-mode exception;
 *   3. the hook headers: this one and mm/arch_hooks.h.
 * So arch/ never sees a struct thread, process, address space or page, nor
 * a scheduler, RCU or device-driver internal: what it needs from them is a
 * function below. A device driver registers its own interrupt handler
 * (trap_register()); arch/ never calls a driver. The other direction is
 * open: kernel/, fs/ and drivers/ call arch/ through its headers, and mm/
 * through arch/x86_64/mmu.h alone.
 */
#ifndef KERNEL_ARCH_HOOKS_H
#define KERNEL_ARCH_HOOKS_H

#include <stdbool.h>

struct address_space;
struct thread;
struct trap_frame;

/* ---- Interrupt handlers (arch/x86_64/irq.c), interrupts off ----
 * The timer handler runs, in this order:
 *     rcu_tick(); lapic_eoi(); sched_tick(); sched_preempt_from_irq();
 * the resched IPI handler:
 *     lapic_eoi(); sched_ipi(); sched_preempt_from_irq();
 * sched_preempt_from_irq() is a handler's last call: the thread may come
 * back from it on another CPU. */

/* The tick, on every CPU: a quiescent state if it interrupted user mode
 * or code with preempt_count 0 (no read-side section can be open there);
 * CPU 0 also reports a stalled grace period (kernel/rcu.c). */
void rcu_tick(bool from_user);

/* The tick, after the EOI: counts the time slice, asks for a switch
 * (kernel/sched.c). */
void sched_tick(void);

/* The resched IPI, after the EOI: another CPU queued work here. */
void sched_ipi(void);

/* The end of an interrupt handler, after its EOI: switches threads if a
 * switch was asked for and preemption is enabled. */
void sched_preempt_from_irq(void);

/* The call-function IPI (VECTOR_IPI_CALL), before its EOI: runs the calls
 * queued for this CPU by smp_call_function() (kernel/smp_call.c). */
void smp_call_function_interrupt(void);

/* ---- Traps and system calls (arch/x86_64/trap.c, syscall_entry.asm) ---- */

/* The address space of the running thread, NULL for a kernel thread: where
 * a page fault at a user address is resolved (as_fault, mm/arch_hooks.h). */
struct address_space *current_as(void);

/* Called with interrupts off right before every return to user mode (end
 * of a system call or of a trap from user mode): dies if killed, notes a
 * quiescent state (kernel/process.c). */
void user_return_work(struct trap_frame *tf);

/* Runs the system call in tf (number in rax, result stored into rax), then
 * user_return_work(); returns with interrupts off. Called by the entry
 * code with interrupts on (kernel/syscall.c). */
void syscall_dispatch(struct trap_frame *tf);

/* ---- Threads and CPUs (arch/x86_64/switch.asm, smp.c) ---- */

/* The first code of a new thread (switch.asm's trampoline): finishes the
 * switch from 'prev', enables interrupts, runs the thread's function and
 * exits (kernel/sched.c). */
__attribute__((noreturn)) void sched_thread_start(struct thread *prev);

/* An AP, once online, with interrupts off: the running code becomes this
 * CPU's idle thread and the CPU's run queue opens. */
void sched_init_ap(void);

/* An AP, after sched_init_ap(): enables interrupts and runs the idle loop. */
__attribute__((noreturn)) void sched_run_idle(void);

#endif
