/* Signals: sending, pending sets, masks, actions and job-control stops;
 * see kernel/signal.h and docs/signals.md. Delivery on the way back to
 * user mode is kernel/signal/deliver.c, the system calls
 * kernel/signal/syscalls.c, the frame on the user stack
 * arch/x86_64/sigframe.c. */
#include "kernel/signal.h"

#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/signal/internal.h"
#include "kernel/signal/pgrp.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* Queued signals a process may hold (Linux's RLIMIT_SIGPENDING is per
 * user and larger); beyond it a real-time signal gets -EAGAIN and a
 * standard one is kept without its siginfo. */
#define SIGQUEUE_MAX 1024

#define STOP_SIGNALS (sig_bit(SIGSTOP) | sig_bit(SIGTSTP) | sig_bit(SIGTTIN) | sig_bit(SIGTTOU))
/* The signals of synchronous exceptions: delivered before the others. */
#define SYNC_SIGNALS                                                                        \
    (sig_bit(SIGSEGV) | sig_bit(SIGBUS) | sig_bit(SIGILL) | sig_bit(SIGTRAP) |              \
     sig_bit(SIGFPE) | sig_bit(SIGSYS))

static const char *const signal_names[] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD",
    [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
    [SIGTTOU] = "SIGTTOU", [SIGWINCH] = "SIGWINCH", [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
    if (sig > 0 && sig < (int)(sizeof(signal_names) / sizeof(signal_names[0])) &&
        signal_names[sig])
        return signal_names[sig];
    return "signal";
}

/* What SIG_DFL does (Linux's sig_kernel_ignore / _stop; every other signal
 * terminates: prune writes no core dumps, as with RLIMIT_CORE 0). */
enum default_action { DFL_TERMINATE, DFL_IGNORE, DFL_STOP };

static enum default_action default_action(int sig)
{
    if (sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH)
        return DFL_IGNORE;
    if (sig_bit(sig) & STOP_SIGNALS)
        return DFL_STOP;
    return DFL_TERMINATE;
}

/* True if p's action for sig throws it away. sig_lock held. */
static bool action_ignores(const struct process *p, int sig)
{
    uint64_t handler = p->sigactions[sig - 1].handler;
    return handler == SIG_IGN || (handler == SIG_DFL && default_action(sig) == DFL_IGNORE);
}

void siginfo_from(struct siginfo *info, int sig, int code, int pid)
{
    memset(info, 0, sizeof(*info));
    info->signo = sig;
    info->code = code;
    info->kill.pid = pid;
}

/* Removes every queued instance of the signals in 'mask' from sp. */
static void flush_pending_locked(struct process *p, struct sigpending *sp, uint64_t mask)
{
    assert_held(&p->sig_lock);
    if (!(sp->set & mask))
        return;
    sp->set &= ~mask;
    struct list_node *next;
    for (struct list_node *n = sp->queue.head; n; n = next) {
        next = n->next;
        struct sigqueue *q = list_entry(n, struct sigqueue, node);
        if (sig_bit(q->info.signo) & mask) {
            list_remove(&sp->queue, n);
            kfree(q);
            p->queued_signals--;
        }
    }
}

/* The same, from the shared set and every thread's. */
static void flush_all_pending_locked(struct process *p, uint64_t mask)
{
    flush_pending_locked(p, &p->shared_pending, mask);
    for (struct thread *t = p->threads; t; t = t->proc_next)
        flush_pending_locked(p, &t->sig.pending, mask);
}

void process_kill_locked(struct process *p, int sig)
{
    assert_held(&p->sig_lock);
    int none = 0;
    if (!__atomic_compare_exchange_n(&p->kill_signal, &none, sig, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED))
        return;
    for (struct thread *t = p->threads; t; t = t->proc_next)
        sched_wake(t);
}

void process_kill(struct process *p, int sig)
{
    ASSERT(__atomic_load_n(&p->refs, __ATOMIC_RELAXED) > 0);
    spin_lock(&p->sig_lock);
    process_kill_locked(p, sig);
    spin_unlock(&p->sig_lock);
}

/* SIGCONT: ends a group stop in progress or done (even when SIGCONT is
 * blocked or ignored: POSIX's rule), and drops pending stop signals. */
static void continue_locked(struct process *p)
{
    flush_all_pending_locked(p, STOP_SIGNALS);
    if (!p->stop_signal)
        return;
    bool was_stopped = p->stopped;
    __atomic_store_n(&p->stop_signal, 0, __ATOMIC_RELEASE);
    p->stopped = false;
    p->stop_waiting = 0;
    p->wait_stop_code = 0;
    for (struct thread *t = p->threads; t; t = t->proc_next)
        t->sig.must_park = false;
    __atomic_store_n(&p->continue_gen, p->continue_gen + 1, __ATOMIC_RELEASE);
    if (was_stopped) {
        p->wait_continued = true;
        p->notify_continued = true; /* a woken thread tells the parent */
    }
    wake_up_all(&p->continue_wq);
}

/* Starts a group stop with sig: every thread must park (kernel/signal.h).
 * sig_lock held. */
static void group_stop_start_locked(struct process *p, int sig)
{
    if (p->stop_signal)
        return; /* already stopping: this thread parks for that stop */
    __atomic_store_n(&p->stop_signal, sig, __ATOMIC_RELEASE);
    p->stopped = false;
    p->wait_continued = false;
    p->stop_waiting = 0;
    for (struct thread *t = p->threads; t; t = t->proc_next) {
        t->sig.must_park = true;
        p->stop_waiting++;
        sched_wake(t);
    }
}

/* A thread of p no longer counts for the group stop; true if it was the
 * last one, so that p is now stopped (the caller tells the parent). */
static bool stop_count_down_locked(struct process *p, struct thread *t)
{
    if (!t->sig.must_park)
        return false;
    t->sig.must_park = false;
    if (--p->stop_waiting > 0)
        return false;
    p->stopped = true;
    p->wait_stop_code = p->stop_signal;
    return true;
}

/* The thread that takes sig for p: t itself, or for a process-directed
 * signal the first thread that does not block it (the main thread first,
 * as Linux). NULL if every candidate blocks it. sig_lock held. */
static struct thread *choose_thread_locked(struct process *p, struct thread *t, int sig)
{
    if (t)
        return t->sig.blocked & sig_bit(sig) ? NULL : t;
    struct thread *chosen = NULL;
    for (struct thread *u = p->threads; u; u = u->proc_next) {
        if (u->sig.blocked & sig_bit(sig))
            continue;
        if (!chosen || u->tid == p->pid)
            chosen = u;
    }
    return chosen;
}

/* Whether sig is thrown away at once: p ignores it and the thread it is
 * for (the main thread, or any one, for a process-directed signal) does
 * not block it (a blocked signal is kept: the action may change before it
 * is unblocked). */
static bool discard_now_locked(struct process *p, struct thread *t, int sig)
{
    if (!action_ignores(p, sig))
        return false;
    if (!t) {
        for (struct thread *u = p->threads; u; u = u->proc_next)
            if (!t || u->tid == p->pid)
                t = u;
    }
    return !t || !(t->sig.blocked & sig_bit(sig));
}

int signal_send_locked(struct process *p, struct thread *t, int sig, const struct siginfo *info)
{
    assert_held(&p->sig_lock);
    if (!p->threads || __atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE))
        return 0; /* a zombie, or dying anyway */
    if (sig_bit(sig) & STOP_SIGNALS)
        flush_all_pending_locked(p, sig_bit(SIGCONT));
    else if (sig == SIGCONT)
        continue_locked(p);
    if (sig == SIGKILL) {
        process_kill_locked(p, SIGKILL);
        return 0;
    }
    if (discard_now_locked(p, t, sig))
        return 0;
    struct sigpending *sp = t ? &t->sig.pending : &p->shared_pending;
    if (sig < SIGRTMIN && (sp->set & sig_bit(sig)))
        return 0; /* a standard signal already pending: merged */
    struct sigqueue *q = p->queued_signals < SIGQUEUE_MAX ? kmalloc(sizeof(*q)) : NULL;
    if (!q && sig >= SIGRTMIN)
        return -EAGAIN;
    if (q) {
        if (info)
            q->info = *info;
        else
            siginfo_from(&q->info, sig, SI_KERNEL, 0);
        q->info.signo = sig;
        list_push_tail(&sp->queue, &q->node);
        p->queued_signals++;
    }
    sp->set |= sig_bit(sig);

    struct thread *taker = choose_thread_locked(p, t, sig);
    if (!taker)
        return 0; /* blocked: stays pending */
    bool fatal = p->sigactions[sig - 1].handler == SIG_DFL &&
                 default_action(sig) == DFL_TERMINATE && !(taker->sig.waiting & sig_bit(sig));
    if (fatal)
        process_kill_locked(p, sig); /* Linux's complete_signal(): the group dies now */
    else
        sched_wake(taker);
    return 0;
}

int signal_send(struct process *p, int sig, const struct siginfo *info)
{
    spin_lock(&p->sig_lock);
    int r = signal_send_locked(p, NULL, sig, info);
    spin_unlock(&p->sig_lock);
    return r;
}

int signal_send_thread(struct thread *t, int sig, const struct siginfo *info)
{
    struct process *p = t->proc;
    spin_lock(&p->sig_lock);
    int r = signal_send_locked(p, t, sig, info);
    spin_unlock(&p->sig_lock);
    return r;
}

bool signal_pending(void)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    if (!p)
        return false;
    if (__atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE))
        return true;
    uint64_t blocked = __atomic_load_n(&t->sig.blocked, __ATOMIC_RELAXED);
    return (__atomic_load_n(&t->sig.pending.set, __ATOMIC_ACQUIRE) & ~blocked) ||
           (__atomic_load_n(&p->shared_pending.set, __ATOMIC_ACQUIRE) & ~blocked) ||
           __atomic_load_n(&t->sig.must_park, __ATOMIC_ACQUIRE);
}

bool signal_process_stopped(struct process *p)
{
    return __atomic_load_n(&p->stop_signal, __ATOMIC_ACQUIRE) != 0;
}

bool signal_ignored_or_blocked(int sig)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    spin_lock(&p->sig_lock);
    bool r = (t->sig.blocked & sig_bit(sig)) || p->sigactions[sig - 1].handler == SIG_IGN;
    spin_unlock(&p->sig_lock);
    return r;
}

/*
 * Takes the lowest pending signal of t in 'allowed' (its own set first,
 * then the process's; synchronous exception signals first) with its
 * siginfo. Returns it, or 0. sig_lock held.
 */
int signal_dequeue_locked(struct process *p, struct thread *t, uint64_t allowed,
                          struct siginfo *info)
{
    assert_held(&p->sig_lock);
    struct sigpending *sp = &t->sig.pending;
    uint64_t set = sp->set & allowed;
    if (!set) {
        sp = &p->shared_pending;
        set = sp->set & allowed;
    }
    if (!set)
        return 0;
    if (set & SYNC_SIGNALS)
        set &= SYNC_SIGNALS;
    int sig = __builtin_ctzll(set) + 1;
    struct sigqueue *found = NULL;
    bool more = false;
    for (struct list_node *n = sp->queue.head; n; n = n->next) {
        struct sigqueue *q = list_entry(n, struct sigqueue, node);
        if (q->info.signo != sig)
            continue;
        if (found) {
            more = true;
            break;
        }
        found = q;
    }
    if (found) {
        *info = found->info;
        list_remove(&sp->queue, &found->node);
        kfree(found);
        p->queued_signals--;
    } else {
        siginfo_from(info, sig, SI_USER, 0); /* kept without its siginfo */
    }
    if (!more)
        sp->set &= ~sig_bit(sig);
    return sig;
}

/*
 * Sets the calling thread's blocked mask. Signals it now blocks that wait
 * in the shared set may be taken by another thread: those are woken
 * (Linux's retarget_shared_pending()).
 */
void signal_set_blocked(uint64_t blocked)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    blocked &= ~SIG_UNBLOCKABLE;
    spin_lock(&p->sig_lock);
    uint64_t newly = blocked & ~t->sig.blocked;
    __atomic_store_n(&t->sig.blocked, blocked, __ATOMIC_RELEASE);
    uint64_t orphaned = p->shared_pending.set & newly;
    for (struct thread *u = p->threads; u && orphaned; u = u->proc_next)
        if (u != t && (orphaned & ~u->sig.blocked))
            sched_wake(u);
    spin_unlock(&p->sig_lock);
}

/* Tells p's parent that p stopped or continued (why: CLD_STOPPED or
 * CLD_CONTINUED): SIGCHLD unless it asked SA_NOCLDSTOP, and a wake-up for
 * its wait4(WUNTRACED / WCONTINUED). No lock held. */
static void notify_parent_job(struct process *p, int why, int sig)
{
    spin_lock(&proc_lock);
    struct process *parent = p->parent;
    if (parent) {
        struct siginfo info;
        siginfo_from(&info, SIGCHLD, why, p->pid);
        info.chld.status = sig;
        spin_lock(&parent->sig_lock);
        if (!(parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
            signal_send_locked(parent, NULL, SIGCHLD, &info);
        spin_unlock(&parent->sig_lock);
        wake_up_all(&parent->child_exit);
    }
    spin_unlock(&proc_lock);
}

bool signal_notify_exit_locked(struct process *parent, struct process *child)
{
    assert_held(&proc_lock);
    int status = child->exit_status;
    struct siginfo info;
    bool killed = (status & 0x7f) != 0;
    siginfo_from(&info, child->exit_signal, killed ? CLD_KILLED : CLD_EXITED, child->pid);
    info.chld.status = killed ? status & 0x7f : (status >> 8) & 0xff;
    int sig = child->exit_signal;
    bool autoreap = false;
    spin_lock(&parent->sig_lock);
    const struct k_sigaction *ka = &parent->sigactions[SIGCHLD - 1];
    if (sig == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT))) {
        autoreap = true; /* nobody will wait: the child goes at once */
        if (ka->handler == SIG_IGN)
            sig = 0;
    }
    if (sig > 0 && sig <= NSIG)
        signal_send_locked(parent, NULL, sig, &info);
    spin_unlock(&parent->sig_lock);
    return autoreap;
}

/* Parks the calling thread for the group stop of p until a SIGCONT or a
 * kill. Called with sig_lock held; returns with it dropped. */
static void park_locked(struct process *p, struct thread *t)
{
    bool last = stop_count_down_locked(p, t);
    int sig = p->stop_signal;
    uint64_t gen = p->continue_gen;
    spin_unlock(&p->sig_lock);
    if (last)
        notify_parent_job(p, CLD_STOPPED, sig);
    wait_event(&p->continue_wq,
               __atomic_load_n(&p->continue_gen, __ATOMIC_ACQUIRE) != gen || current_killed());
}

void signal_thread_join_locked(struct process *p, struct thread *t)
{
    assert_held(&proc_lock);
    assert_held(&p->sig_lock);
    if (p->stop_signal && !p->stopped) {
        t->sig.must_park = true;
        p->stop_waiting++;
    }
}

bool signal_thread_leave_locked(struct process *p, struct thread *t)
{
    assert_held(&proc_lock);
    assert_held(&p->sig_lock);
    flush_pending_locked(p, &t->sig.pending, ~0ull);
    return stop_count_down_locked(p, t);
}

void signal_thread_left(struct process *p)
{
    notify_parent_job(p, CLD_STOPPED, p->stop_signal);
}

void signal_set_action(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
    struct process *p = current_process();
    spin_lock(&p->sig_lock);
    *old = p->sigactions[sig - 1];
    if (act) {
        struct k_sigaction *ka = &p->sigactions[sig - 1];
        *ka = *act;
        ka->flags &= SA_KNOWN_FLAGS;
        ka->mask &= ~SIG_UNBLOCKABLE;
        /* POSIX: ignoring a signal discards its pending instances */
        if (action_ignores(p, sig))
            flush_all_pending_locked(p, sig_bit(sig));
    }
    spin_unlock(&p->sig_lock);
}

void signal_process_free(struct process *p)
{
    spin_lock(&p->sig_lock);
    flush_pending_locked(p, &p->shared_pending, ~0ull);
    spin_unlock(&p->sig_lock);
}

void signal_copy_actions(struct process *child, struct process *parent)
{
    spin_lock(&parent->sig_lock);
    memcpy(child->sigactions, parent->sigactions, sizeof(child->sigactions));
    spin_unlock(&parent->sig_lock);
}

void signal_exec(struct process *p)
{
    struct thread *t = current_thread();
    spin_lock(&p->sig_lock);
    for (int i = 0; i < NSIG; i++) {
        struct k_sigaction *ka = &p->sigactions[i];
        uint64_t handler = ka->handler == SIG_IGN ? SIG_IGN : SIG_DFL;
        *ka = (struct k_sigaction){.handler = handler};
    }
    spin_unlock(&p->sig_lock);
    t->sig.altstack_sp = t->sig.altstack_size = 0;
    t->sig.altstack_flags = 0;
}

void signal_default_act(struct process *p, int sig)
{
    switch (default_action(sig)) {
    case DFL_IGNORE:
        return;
    case DFL_STOP:
        /* A stop from the terminal does nothing to an orphaned group: no
         * shell is left to continue it (POSIX). */
        if (sig != SIGSTOP && pgrp_orphaned(p))
            return;
        spin_lock(&p->sig_lock);
        group_stop_start_locked(p, sig);
        spin_unlock(&p->sig_lock);
        return;
    case DFL_TERMINATE:
        process_kill(p, sig);
        return;
    }
}

bool signal_job_work_locked(struct process *p, struct thread *t)
{
    assert_held(&p->sig_lock);
    if (p->notify_continued) {
        p->notify_continued = false;
        spin_unlock(&p->sig_lock);
        notify_parent_job(p, CLD_CONTINUED, SIGCONT);
        return true;
    }
    if (t->sig.must_park) {
        park_locked(p, t);
        return true;
    }
    return false;
}
