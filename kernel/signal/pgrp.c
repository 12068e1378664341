/* Process groups and sessions: their system calls and rules; see
 * kernel/signal/pgrp.h. */
#include "kernel/signal/pgrp.h"

#include "drivers/tty.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"

int pgrp_of_current(void)
{
    spin_lock(&proc_lock);
    int pgid = current_process()->pgid;
    spin_unlock(&proc_lock);
    return pgid;
}

int pgrp_signal(int pgid, int sig, const struct siginfo *info)
{
    if (pgid <= 0)
        return -ESRCH;
    bool found = false, sent = false;
    int err = 0;
    spin_lock(&proc_lock);
    for (struct process *p = process_list_locked(); p; p = p->all_next) {
        if (p->pgid != pgid)
            continue;
        found = true;
        if (!sig || p->state != PROC_ALIVE)
            continue;
        int r = signal_send(p, sig, info);
        sent |= r == 0;
        if (r)
            err = r;
    }
    spin_unlock(&proc_lock);
    if (!found)
        return -ESRCH;
    return sent || !sig ? 0 : err;
}

int pgrp_signal_all(int sig, const struct siginfo *info)
{
    struct process *self = current_process();
    bool found = false;
    spin_lock(&proc_lock);
    for (struct process *p = process_list_locked(); p; p = p->all_next) {
        if (p->pid <= 1 || p == self || p->state != PROC_ALIVE)
            continue;
        found = true;
        if (sig)
            signal_send(p, sig, info);
    }
    spin_unlock(&proc_lock);
    return found ? 0 : -ESRCH;
}

/* Linux's will_become_orphaned_pgrp(): no live member of group pgid other
 * than 'leaving' has a parent (other than 'leaving') in another group of
 * its session. proc_lock held. */
static bool orphaned_without_locked(int pgid, struct process *leaving)
{
    for (struct process *q = process_list_locked(); q; q = q->all_next) {
        if (q->pgid != pgid || q == leaving || q->state != PROC_ALIVE)
            continue;
        struct process *parent = q->parent;
        if (!parent || parent == leaving)
            continue;
        if (parent->pgid != pgid && parent->sid == q->sid)
            return false;
    }
    return true;
}

/* True if a member of group pgid is stopped. proc_lock held. */
static bool has_stopped_locked(int pgid)
{
    for (struct process *q = process_list_locked(); q; q = q->all_next)
        if (q->pgid == pgid && q->state == PROC_ALIVE && signal_process_stopped(q))
            return true;
    return false;
}

bool pgrp_orphaned(struct process *p)
{
    spin_lock(&proc_lock);
    bool orphaned = orphaned_without_locked(p->pgid, NULL);
    spin_unlock(&proc_lock);
    return orphaned;
}

bool pgrp_in_session_locked(int pgid, int sid)
{
    assert_held(&proc_lock);
    for (struct process *q = process_list_locked(); q; q = q->all_next)
        if (q->pgid == pgid && q->sid == sid &&
            (q->state == PROC_ALIVE || q->state == PROC_ZOMBIE))
            return true;
    return false;
}

/* Adds group pgid to *hup if p's exit orphans it and it has stopped
 * members; 'link' is the process (p or a child) whose tie to the outside
 * world p's exit cuts. */
static void check_orphaned_locked(struct process *p, struct process *link, struct process *other,
                                  struct pgrp_hup *hup)
{
    int pgid = link->pgid;
    if (!other || other->pgid == pgid || other->sid != link->sid)
        return;
    if (!orphaned_without_locked(pgid, p) || !has_stopped_locked(pgid))
        return;
    for (int i = 0; i < hup->count; i++)
        if (hup->pgid[i] == pgid)
            return;
    if (hup->count < PGRP_HUP_MAX)
        hup->pgid[hup->count++] = pgid;
}

void pgrp_exit_locked(struct process *p, struct pgrp_hup *hup)
{
    assert_held(&proc_lock);
    hup->count = 0;
    hup->foreground = 0;
    check_orphaned_locked(p, p, p->parent, hup);
    for (struct process *c = p->children; c; c = c->sibling)
        check_orphaned_locked(p, c, p, hup);
    if (p->pid == p->sid && p->ctty) {
        hup->foreground = tty_drop_session_locked(p->ctty);
        for (struct process *q = process_list_locked(); q; q = q->all_next)
            if (q->sid == p->sid)
                q->ctty = NULL;
    }
}

void pgrp_exit_finish(const struct pgrp_hup *hup)
{
    struct siginfo info;
    for (int i = 0; i < hup->count; i++) {
        siginfo_from(&info, SIGHUP, SI_KERNEL, 0);
        pgrp_signal(hup->pgid[i], SIGHUP, &info);
        siginfo_from(&info, SIGCONT, SI_KERNEL, 0);
        pgrp_signal(hup->pgid[i], SIGCONT, &info);
    }
    if (hup->foreground) {
        siginfo_from(&info, SIGHUP, SI_KERNEL, 0);
        pgrp_signal(hup->foreground, SIGHUP, &info);
    }
}

/*
 * setpgid(pid, pgid), Linux's rules: pid 0 is the caller, pgid 0 is pid;
 * the target is the caller or one of its children (-ESRCH), a child in
 * the caller's session (-EPERM) that has not called execve (-EACCES), and
 * no session leader (-EPERM); a group other than its own pid must exist
 * in the caller's session (-EPERM).
 */
static long sys_setpgid(uint64_t pid_arg, uint64_t pgid_arg)
{
    struct process *self = current_process();
    int pid = (int)pid_arg ? (int)pid_arg : self->pid;
    int pgid = (int)pgid_arg ? (int)pgid_arg : pid;
    if (pgid < 0)
        return -EINVAL;
    long r;
    spin_lock(&proc_lock);
    struct process *p = process_find_locked(pid);
    if (!p) {
        struct process *owner;
        r = thread_find_locked(pid, &owner) ? -EINVAL : -ESRCH; /* a thread, not a process */
        goto out;
    }
    if (p->parent == self) {
        r = -EPERM;
        if (p->sid != self->sid)
            goto out;
        r = -EACCES;
        if (p->did_exec)
            goto out;
    } else if (p != self) {
        r = -ESRCH;
        goto out;
    }
    r = -EPERM;
    if (p->pid == p->sid)
        goto out;
    if (pgid != p->pid && !pgrp_in_session_locked(pgid, self->sid))
        goto out;
    p->pgid = pgid;
    r = 0;
out:
    spin_unlock(&proc_lock);
    return r;
}
SYSCALL(SYS_setpgid, sys_setpgid);

/* getpgid and getsid: of pid, or of the caller for 0; -ESRCH. */
static long get_id(int pid, bool session)
{
    spin_lock(&proc_lock);
    struct process *p = pid ? process_find_locked(pid) : current_process();
    long r = !p ? -ESRCH : session ? p->sid : p->pgid;
    spin_unlock(&proc_lock);
    return r;
}

static long sys_getpgid(uint64_t pid)
{
    return get_id((int)pid, false);
}
SYSCALL(SYS_getpgid, sys_getpgid);

static long sys_getsid(uint64_t pid)
{
    return get_id((int)pid, true);
}
SYSCALL(SYS_getsid, sys_getsid);

static long sys_getpgrp(void)
{
    return get_id(0, false);
}
SYSCALL(SYS_getpgrp, sys_getpgrp);

/* setsid: a new session and group, both named by the caller's pid, with
 * no controlling terminal; -EPERM if a group of that id exists already
 * (the caller leads one). */
static long sys_setsid(void)
{
    struct process *self = current_process();
    long r = -EPERM;
    spin_lock(&proc_lock);
    bool taken = false;
    for (struct process *p = process_list_locked(); p && !taken; p = p->all_next)
        taken = p->pgid == self->pid && p->state != PROC_REAPED;
    if (!taken) {
        self->sid = self->pgid = self->pid;
        self->ctty = NULL;
        r = self->pid;
    }
    spin_unlock(&proc_lock);
    return r;
}
SYSCALL(SYS_setsid, sys_setsid);
