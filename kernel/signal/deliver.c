/*
 * Signals on the way back to user mode (kernel/signal.h, docs/signals.md,
 * "The way back to user mode"): the restart rules of an interrupted system
 * call, a handler's frame (arch/x86_64/sigframe.h) and rt_sigreturn,
 * default actions, and faults turned into signals. The state they act on
 * is kernel/signal/signal.c's.
 */
#include "arch/x86_64/sigframe.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/signal.h"
#include "kernel/signal/internal.h"
#include "kernel/syscall.h"

/* True if tf is a system call's frame, with its number in error_code
 * (syscall_entry.asm); rt_sigreturn and a frame set up for a handler
 * clear it, so a result is turned into a restart at most once. */
static bool in_syscall(const struct trap_frame *tf)
{
    return tf->vector == T_SYSCALL && (int64_t)tf->error_code >= 0;
}

/* Makes the system call of tf run again: its number back in rax, rip back
 * on the 2-byte syscall instruction. */
static void restart_call(struct trap_frame *tf, uint64_t nr)
{
    tf->rax = nr;
    tf->rip -= 2;
}

static bool is_restart_code(uint64_t rax)
{
    long r = -(long)rax;
    return r == ERESTARTSYS || r == ERESTARTNOINTR || r == ERESTARTNOHAND ||
           r == ERESTART_RESTARTBLOCK;
}

/* The result of an interrupted call when a handler runs first. */
static void restart_before_handler(struct trap_frame *tf, const struct k_sigaction *ka)
{
    if (!in_syscall(tf))
        return;
    switch (-(long)tf->rax) {
    case ERESTARTSYS:
        if (ka->flags & SA_RESTART)
            restart_call(tf, tf->error_code);
        else
            tf->rax = (uint64_t)-EINTR;
        break;
    case ERESTARTNOINTR:
        restart_call(tf, tf->error_code);
        break;
    case ERESTARTNOHAND:
    case ERESTART_RESTARTBLOCK:
        tf->rax = (uint64_t)-EINTR;
        break;
    }
    tf->error_code = TRAP_NO_ERROR_CODE;
}

/* The result of an interrupted call when no handler ran: the call goes on
 * as if nothing happened (through restart_syscall for a restart block). */
static void restart_without_handler(struct trap_frame *tf)
{
    if (!in_syscall(tf) || !is_restart_code(tf->rax))
        return;
    if (-(long)tf->rax == ERESTART_RESTARTBLOCK)
        restart_call(tf, SYS_restart_syscall);
    else
        restart_call(tf, tf->error_code);
    tf->error_code = TRAP_NO_ERROR_CODE;
}

bool signal_work_pending(const struct trap_frame *tf)
{
    struct thread *t = current_thread();
    return signal_pending() || t->sig.restore_blocked ||
           (in_syscall(tf) && is_restart_code(tf->rax)) ||
           __atomic_load_n(&t->proc->notify_continued, __ATOMIC_ACQUIRE);
}

/* Prints the line for a process a signal kills without a handler (faults
 * and bad frames; other deaths are silent, as on Linux). */
static void report_fatal(const struct trap_frame *tf, int sig, uint64_t addr)
{
    struct process *p = current_process();
    if (tf->vector == T_SYSCALL)
        printk("prune: pid %d (%s) killed by %s: bad signal frame at 0x%lx, rip 0x%lx\n",
               p->pid, p->name, signal_name(sig), addr, tf->rip);
    else
        printk("prune: pid %d (%s) killed by %s: %s (vector %lu, error 0x%lx) at address "
               "0x%lx, rip 0x%lx, rsp 0x%lx\n",
               p->pid, p->name, signal_name(sig), trap_name(tf->vector), tf->vector,
               tf->error_code, addr, tf->rip, tf->rsp);
}

void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    if (tf->vector != T_SYSCALL) {
        t->sig.fault_vector = tf->vector;
        t->sig.fault_error = tf->error_code;
        t->sig.fault_addr = addr;
    }
    struct siginfo info;
    siginfo_from(&info, sig, code, 0);
    info.fault.addr = addr;
    spin_lock(&p->sig_lock);
    uint64_t handler = p->sigactions[sig - 1].handler;
    if (handler == SIG_DFL || handler == SIG_IGN || (t->sig.blocked & sig_bit(sig))) {
        /* Linux's force_sig_info(): back to SIG_DFL, which terminates */
        bool first = !__atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE);
        process_kill_locked(p, sig);
        spin_unlock(&p->sig_lock);
        if (first)
            report_fatal(tf, sig, addr);
        return;
    }
    signal_send_locked(p, t, sig, &info);
    spin_unlock(&p->sig_lock);
}

void process_oom_kill(struct process *p, const char *why)
{
    if (!__atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE))
        printk("prune: out of memory: pid %d (%s) killed by SIGKILL (%s)\n", p->pid, p->name,
               why);
    process_kill(p, SIGKILL);
}

/* Runs the handler of sig: the restart rule, the frame, then the mask the
 * handler runs with. Dies of SIGSEGV if the frame cannot be written. */
static void handle_signal(struct trap_frame *tf, int sig, const struct siginfo *info,
                          const struct k_sigaction *ka)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    restart_before_handler(tf, ka);
    uint64_t saved = t->sig.restore_blocked ? t->sig.saved_blocked : t->sig.blocked;
    if (sigframe_setup(tf, sig, info, ka, saved, &t->sig) != 0) {
        spin_lock(&p->sig_lock);
        bool first = !__atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE);
        process_kill_locked(p, SIGSEGV);
        spin_unlock(&p->sig_lock);
        if (first)
            report_fatal(tf, SIGSEGV, tf->rsp);
        return;
    }
    t->sig.restore_blocked = false;
    uint64_t blocked = t->sig.blocked | ka->mask;
    if (!(ka->flags & SA_NODEFER))
        blocked |= sig_bit(sig);
    signal_set_blocked(blocked);
}

void signal_deliver(struct trap_frame *tf)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    for (;;) {
        if (current_killed())
            thread_exit_user(0);
        spin_lock(&p->sig_lock);
        if (signal_job_work_locked(p, t))
            continue;
        struct siginfo info;
        int sig = signal_dequeue_locked(p, t, ~t->sig.blocked, &info);
        if (!sig) {
            spin_unlock(&p->sig_lock);
            break;
        }
        struct k_sigaction ka = p->sigactions[sig - 1];
        if (ka.handler > SIG_IGN && (ka.flags & SA_RESETHAND))
            p->sigactions[sig - 1].handler = SIG_DFL;
        spin_unlock(&p->sig_lock);
        if (ka.handler == SIG_DFL)
            signal_default_act(p, sig);
        else if (ka.handler != SIG_IGN)
            handle_signal(tf, sig, &info, &ka);
    }
    restart_without_handler(tf);
    if (t->sig.restore_blocked) {
        t->sig.restore_blocked = false;
        signal_set_blocked(t->sig.saved_blocked);
    }
}

/*
 * rt_sigreturn: the handler returned into sa_restorer, which calls this
 * with rsp just above the frame's return address. The frame restores the
 * registers and FPU state (sigframe_restore() checks them all first), the
 * mask and the alternate stack. A frame it refuses kills the process with
 * SIGSEGV, never the kernel. Returns the restored rax.
 */
static long sys_rt_sigreturn(void)
{
    struct trap_frame *tf = current_user_frame();
    uint64_t handler_sp = tf->rsp;
    uint64_t blocked;
    struct user_stack stack;
    if (sigframe_restore(tf, &blocked, &stack) != 0) {
        signal_fault(tf, SIGSEGV, SI_KERNEL, handler_sp - sizeof(uint64_t));
        return 0;
    }
    signal_set_blocked(blocked);
    /* Linux ignores all but -EFAULT, and judges "on the alternate stack"
     * by the handler's stack pointer */
    (void)signal_altstack_set(&stack, handler_sp);
    current_thread()->sig.restart.fn = NULL;
    return (long)tf->rax;
}
SYSCALL(SYS_rt_sigreturn, sys_rt_sigreturn);
