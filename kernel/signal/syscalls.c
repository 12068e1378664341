/*
 * The signal system calls: kill and its thread and queue variants,
 * rt_sigaction, the mask, pending, waiting (sigsuspend, pause,
 * sigtimedwait), sigaltstack and restart_syscall. Linux's argument checks
 * and errno values; the mechanism is kernel/signal/signal.c (rt_sigreturn
 * is in kernel/signal/deliver.c).
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/signal/pgrp.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "lib/string.h"

/* Sends sig to what kill(2)'s pid names: a process (pid > 0, a zombie
 * included, where it does nothing), the caller's group (0), every process
 * but PID 1 and the caller (-1), or group -pid. */
static int kill_target(int pid, int sig, const struct siginfo *info)
{
    if (pid > 0) {
        struct process *p = process_find(pid);
        if (!p)
            return -ESRCH;
        int r = sig ? signal_send(p, sig, info) : 0;
        process_put(p);
        return r;
    }
    if (pid == -1)
        return pgrp_signal_all(sig, info);
    return pgrp_signal(pid == 0 ? pgrp_of_current() : -pid, sig, info);
}

static long sys_kill(uint64_t pid_arg, uint64_t sig_arg)
{
    int pid = (int)pid_arg, sig = (int)sig_arg;
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH; /* -pid does not exist (Linux) */
    struct siginfo info;
    siginfo_from(&info, sig, SI_USER, current_process()->pid);
    return kill_target(pid, sig, &info);
}
SYSCALL(SYS_kill, sys_kill);

/* The thread-directed senders: thread tid, of process tgid unless tgid is
 * 0 (tkill). A tid that names a process whose first thread has exited
 * (alive or a zombie) finds it, as on Linux, and the signal goes to the
 * process. */
static long signal_thread(int tgid, int tid, int sig, const struct siginfo *info)
{
    if (sig < 0 || sig > NSIG || tid <= 0)
        return -EINVAL;
    spin_lock(&proc_lock);
    struct process *p;
    struct thread *t = thread_find_locked(tid, &p);
    long r = -ESRCH;
    if (p && (tgid <= 0 || p->pid == tgid)) {
        r = 0;
        if (sig && t)
            r = signal_send_thread(t, sig, info);
        else if (sig)
            r = signal_send(p, sig, info);
    }
    spin_unlock(&proc_lock);
    return r;
}

static long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig)
{
    if ((int)tgid <= 0)
        return -EINVAL;
    struct siginfo info;
    siginfo_from(&info, (int)sig, SI_TKILL, current_process()->pid);
    return signal_thread((int)tgid, (int)tid, (int)sig, &info);
}
SYSCALL(SYS_tgkill, sys_tgkill);

static long sys_tkill(uint64_t tid, uint64_t sig)
{
    struct siginfo info;
    siginfo_from(&info, (int)sig, SI_TKILL, current_process()->pid);
    return signal_thread(0, (int)tid, (int)sig, &info);
}
SYSCALL(SYS_tkill, sys_tkill);

/* The siginfo of rt_sigqueueinfo: a program may not pretend to be the
 * kernel or kill(2) (si_code >= 0) or tkill, except towards itself. */
static int queued_info(uint64_t uinfo, int sig, int target, struct siginfo *info)
{
    if (copy_from_user(info, uinfo, sizeof(*info)))
        return -EFAULT;
    if ((info->code >= 0 || info->code == SI_TKILL) && target != current_process()->pid)
        return -EPERM;
    info->signo = sig;
    return 0;
}

static long sys_rt_sigqueueinfo(uint64_t pid, uint64_t sig, uint64_t uinfo)
{
    struct siginfo info;
    int r = queued_info(uinfo, (int)sig, (int)pid, &info);
    if (r)
        return r;
    if ((int)sig < 0 || (int)sig > NSIG)
        return -EINVAL;
    if ((int)pid <= 0)
        return -ESRCH;
    return kill_target((int)pid, (int)sig, &info);
}
SYSCALL(SYS_rt_sigqueueinfo, sys_rt_sigqueueinfo);

static long sys_rt_tgsigqueueinfo(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t uinfo)
{
    if ((int)tgid <= 0 || (int)tid <= 0)
        return -EINVAL;
    struct siginfo info;
    int r = queued_info(uinfo, (int)sig, (int)tgid, &info);
    if (r)
        return r;
    return signal_thread((int)tgid, (int)tid, (int)sig, &info);
}
SYSCALL(SYS_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);

/* rt_sigaction: as Linux, the new action is in place even when writing the
 * old one back then fails (-EFAULT). */
static long sys_rt_sigaction(uint64_t sig_arg, uint64_t act, uint64_t oldact, uint64_t setsize)
{
    int sig = (int)sig_arg;
    if (setsize != SIGSET_SIZE || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct k_sigaction new, old;
    if (act && copy_from_user(&new, act, sizeof(new)))
        return -EFAULT;
    signal_set_action(sig, act ? &new : NULL, &old);
    if (oldact && copy_to_user(oldact, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL(SYS_rt_sigaction, sys_rt_sigaction);

static long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oldset, uint64_t setsize)
{
    if (setsize != SIGSET_SIZE)
        return -EINVAL;
    struct thread *t = current_thread();
    uint64_t old = t->sig.blocked, new = 0;
    if (set) {
        if (copy_from_user(&new, set, sizeof(new)))
            return -EFAULT;
        if (how == SIG_BLOCK)
            new = old | new;
        else if (how == SIG_UNBLOCK)
            new = old & ~new;
        else if (how != SIG_SETMASK)
            return -EINVAL;
        signal_set_blocked(new);
    }
    if (oldset && copy_to_user(oldset, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL(SYS_rt_sigprocmask, sys_rt_sigprocmask);

/* rt_sigpending: the blocked signals waiting, the thread's and the
 * process's (a shorter set is allowed, as on Linux). */
static long sys_rt_sigpending(uint64_t uset, uint64_t setsize)
{
    if (setsize > SIGSET_SIZE)
        return -EINVAL;
    struct thread *t = current_thread();
    struct process *p = t->proc;
    spin_lock(&p->sig_lock);
    uint64_t set = (t->sig.pending.set | p->shared_pending.set) & t->sig.blocked;
    spin_unlock(&p->sig_lock);
    return copy_to_user(uset, &set, setsize) ? -EFAULT : 0;
}
SYSCALL(SYS_rt_sigpending, sys_rt_sigpending);

/* Sleeps until a signal the thread does not block arrives (a sleep
 * without a deadline ends only so). */
static void sleep_for_signal(void)
{
    (void)time_sleep_until(UINT64_MAX);
}

/* pause: returns -EINTR once a handler has run (a signal that runs none
 * restarts it). */
static long sys_pause(void)
{
    sleep_for_signal();
    return -ERESTARTNOHAND;
}
SYSCALL(SYS_pause, sys_pause);

/* rt_sigsuspend: waits with 'mask' blocked; the old mask comes back once
 * the handler returns (the frame saves it), or at once if none runs. */
static long sys_rt_sigsuspend(uint64_t umask, uint64_t setsize)
{
    if (setsize != SIGSET_SIZE)
        return -EINVAL;
    uint64_t mask;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    struct thread *t = current_thread();
    t->sig.saved_blocked = t->sig.blocked;
    t->sig.restore_blocked = true;
    signal_set_blocked(mask);
    sleep_for_signal();
    return -ERESTARTNOHAND;
}
SYSCALL(SYS_rt_sigsuspend, sys_rt_sigsuspend);

/*
 * rt_sigtimedwait(set, info, timeout): takes a pending signal of 'set'
 * (blocked or not), waiting for one up to the timeout (NULL: for ever)
 * with those signals unblocked meanwhile, and never fatal (t->sig.waiting:
 * one whose action is to terminate is taken here instead). Returns its
 * number, -EAGAIN on time-out, -EINTR if another signal came first.
 */
static long sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts, uint64_t setsize)
{
    if (setsize != SIGSET_SIZE)
        return -EINVAL;
    uint64_t set;
    if (copy_from_user(&set, uset, sizeof(set)))
        return -EFAULT;
    set &= ~SIG_UNBLOCKABLE;
    uint64_t deadline = UINT64_MAX;
    if (uts) {
        int64_t ns;
        int r = timespec_from_user(uts, &ns);
        if (r)
            return r;
        deadline = time_deadline_after(ns);
    }
    struct thread *t = current_thread();
    struct process *p = t->proc;
    struct siginfo info;
    spin_lock(&p->sig_lock);
    int sig = signal_dequeue_locked(p, t, set, &info);
    spin_unlock(&p->sig_lock);
    bool timed_out = false;
    if (!sig) {
        uint64_t blocked = t->sig.blocked;
        spin_lock(&p->sig_lock);
        t->sig.waiting = set;
        __atomic_store_n(&t->sig.blocked, blocked & ~set, __ATOMIC_RELEASE);
        spin_unlock(&p->sig_lock);
        timed_out = time_sleep_until(deadline) == 0;
        spin_lock(&p->sig_lock);
        t->sig.waiting = 0;
        sig = signal_dequeue_locked(p, t, set, &info);
        spin_unlock(&p->sig_lock);
        signal_set_blocked(blocked);
    }
    if (!sig)
        return timed_out ? -EAGAIN : -EINTR;
    if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
        return -EFAULT;
    return sig;
}
SYSCALL(SYS_rt_sigtimedwait, sys_rt_sigtimedwait);

int signal_altstack_set(const struct user_stack *ss, uint64_t sp)
{
    struct thread_signals *ts = &current_thread()->sig;
    if (signal_on_altstack(ts, sp))
        return -EPERM;
    int mode = ss->flags & ~(int32_t)SS_AUTODISARM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        ts->altstack_sp = ts->altstack_size = 0;
    } else {
        if (ss->size < MINSIGSTKSZ)
            return -ENOMEM;
        ts->altstack_sp = ss->sp;
        ts->altstack_size = ss->size;
    }
    ts->altstack_flags = (uint32_t)ss->flags & SS_AUTODISARM;
    return 0;
}

static long sys_sigaltstack(uint64_t uss, uint64_t uoss)
{
    struct thread_signals *ts = &current_thread()->sig;
    uint64_t sp = current_user_frame()->rsp;
    struct user_stack ss, old = {
        .sp = ts->altstack_sp,
        .flags = signal_altstack_state(ts, sp) | (int32_t)ts->altstack_flags,
        .size = ts->altstack_size,
    };
    if (uss) {
        if (copy_from_user(&ss, uss, sizeof(ss)))
            return -EFAULT;
        int r = signal_altstack_set(&ss, sp);
        if (r)
            return r;
    }
    if (uoss && copy_to_user(uoss, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL(SYS_sigaltstack, sys_sigaltstack);

/* restart_syscall: goes on with the call a signal interrupted (its
 * restart block), or -EINTR if there is none. */
static long sys_restart_syscall(void)
{
    struct restart_block *rb = &current_thread()->sig.restart;
    long (*fn)(struct restart_block *) = rb->fn;
    rb->fn = NULL;
    return fn ? fn(rb) : -EINTR;
}
SYSCALL(SYS_restart_syscall, sys_restart_syscall);
