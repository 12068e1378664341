/*
 * exit, exit_group, and waiting for children: wait4 and waitid, which
 * report a child that exited (and reap it), stopped (WUNTRACED/WSTOPPED)
 * or continued (WCONTINUED), with Linux's rules for which children a call
 * looks at. See docs/userspace.md and docs/signals.md.
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"

/* wait4 and waitid options (Linux). */
#define WNOHANG 0x1
#define WUNTRACED 0x2
#define WSTOPPED WUNTRACED
#define WEXITED 0x4
#define WCONTINUED 0x8
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

/* waitid's idtype. */
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

#define RUSAGE_SIZE 144 /* sizeof(struct rusage): reported as zeros */

/* Which children a wait looks at, and for what. */
struct wait_request {
    int type;          /* P_ALL, P_PID or P_PGID */
    int id;            /* the pid or pgid */
    uint32_t options;  /* WEXITED, WSTOPPED, WCONTINUED, WNOHANG, WNOWAIT, __W* */
};

/* What a wait found: waitid's siginfo fields and wait4's status word. */
struct wait_result {
    int pid;
    int code;          /* CLD_EXITED, CLD_KILLED, CLD_STOPPED, CLD_CONTINUED */
    int status;        /* waitid's si_status: exit code or signal */
    int wstatus;       /* wait4's status word */
};

/* True if the request may look at child c (Linux's eligible_child()):
 * __WALL takes every child; otherwise a "clone child" (exit signal other
 * than SIGCHLD) only with __WCLONE, the others only without it. */
static bool wait_eligible(const struct process *c, const struct wait_request *rq)
{
    if (rq->type == P_PID && c->pid != rq->id)
        return false;
    if (rq->type == P_PGID && c->pgid != rq->id)
        return false;
    if (rq->options & __WALL)
        return true;
    return (c->exit_signal != SIGCHLD) == !!(rq->options & __WCLONE);
}

/* A stop or continue of live child c to report, if the request wants one;
 * consumed unless WNOWAIT. */
static bool job_report_locked(struct process *c, const struct wait_request *rq,
                              struct wait_result *res)
{
    bool found = false;
    spin_lock(&c->sig_lock);
    if ((rq->options & WSTOPPED) && c->wait_stop_code) {
        *res = (struct wait_result){c->pid, CLD_STOPPED, c->wait_stop_code,
                                    wait_status_stopped(c->wait_stop_code)};
        if (!(rq->options & WNOWAIT))
            c->wait_stop_code = 0;
        found = true;
    } else if ((rq->options & WCONTINUED) && c->wait_continued) {
        *res = (struct wait_result){c->pid, CLD_CONTINUED, SIGCONT, WAIT_STATUS_CONTINUED};
        if (!(rq->options & WNOWAIT))
            c->wait_continued = false;
        found = true;
    }
    spin_unlock(&c->sig_lock);
    return found;
}

/*
 * Looks for a child of self to report. Returns 1 and *res (an exited
 * child is unlinked and returned in *reaped, the caller drops its L1
 * reference, unless WNOWAIT), 0 if there are eligible children but none to
 * report, -ECHILD if there are none. proc_lock held.
 */
static int find_report_locked(struct process *self, const struct wait_request *rq,
                              struct wait_result *res, struct process **reaped)
{
    bool any = false;
    for (struct process *c = self->children; c; c = c->sibling) {
        if (!wait_eligible(c, rq))
            continue;
        any = true;
        if (c->state == PROC_ZOMBIE) {
            if (!(rq->options & WEXITED))
                continue;
            int st = c->exit_status;
            bool killed = (st & 0x7f) != 0;
            *res = (struct wait_result){c->pid, killed ? CLD_KILLED : CLD_EXITED,
                                        killed ? st & 0x7f : (st >> 8) & 0xff, st};
            if (!(rq->options & WNOWAIT)) {
                process_unlink_locked(c);
                *reaped = c;
            }
            return 1;
        }
        if (job_report_locked(c, rq, res))
            return 1;
    }
    return any ? 0 : -ECHILD;
}

/* The common part of wait4 and waitid: sleeps on the caller's child_exit
 * queue until a child has something to report. Returns its pid, 0 with
 * WNOHANG, -ECHILD, or -ERESTARTSYS when a signal comes first. Every
 * thread of a process waits for all its children (__WNOTHREAD changes
 * nothing). */
static long do_wait(const struct wait_request *rq, struct wait_result *res)
{
    struct process *self = current_process();
    struct process *reaped = NULL;
    int r;
    for (;;) {
        struct wait_entry we = {0};
        prepare_to_wait(&self->child_exit, &we);
        spin_lock(&proc_lock);
        r = find_report_locked(self, rq, res, &reaped);
        spin_unlock(&proc_lock);
        bool done = r != 0 || (rq->options & WNOHANG) || signal_pending();
        if (!done)
            schedule();
        finish_wait(&self->child_exit, &we);
        if (done)
            break;
    }
    if (reaped)
        process_put(reaped);
    if (r < 0)
        return r;
    if (r == 0)
        return (rq->options & WNOHANG) ? 0 : -ERESTARTSYS;
    return res->pid;
}

/* wait4(pid, status, options, rusage): pid > 0 that child, -1 any, 0 the
 * caller's group, < -1 group -pid. */
static long sys_wait4(uint64_t pid_arg, uint64_t status_ptr, uint64_t options_arg,
                      uint64_t rusage)
{
    int pid = (int)pid_arg;
    uint32_t options = (uint32_t)options_arg;
    if (options & ~(uint32_t)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH; /* -pid does not exist */
    struct wait_request rq = {P_ALL, 0, options | WEXITED};
    if (pid > 0)
        rq = (struct wait_request){P_PID, pid, rq.options};
    else if (pid < -1)
        rq = (struct wait_request){P_PGID, -pid, rq.options};
    else if (pid == 0)
        rq = (struct wait_request){P_PGID, current_process()->pgid, rq.options};
    struct wait_result res;
    long r = do_wait(&rq, &res);
    if (r <= 0)
        return r;
    if (status_ptr && copy_to_user(status_ptr, &res.wstatus, sizeof(res.wstatus)))
        return -EFAULT;
    if (rusage && clear_user(rusage, RUSAGE_SIZE))
        return -EFAULT;
    return r;
}
SYSCALL(SYS_wait4, sys_wait4);

/* waitid's siginfo fields, as Linux writes them (the rest is untouched). */
struct waitid_info {
    int32_t signo, errno_, code, pad;
    int32_t pid;
    uint32_t uid;
    int32_t status;
};

/* waitid(idtype, id, infop, options, rusage): P_ALL, P_PID (id > 0) or
 * P_PGID (id 0: the caller's group); at least one of WEXITED, WSTOPPED
 * and WCONTINUED. With WNOHANG and nothing to report it returns 0 and
 * zeroes the fields (si_pid 0 says so). P_PIDFD: -EINVAL (no pidfds). */
static long sys_waitid(uint64_t idtype, uint64_t id_arg, uint64_t infop, uint64_t options_arg,
                       uint64_t rusage)
{
    int id = (int)id_arg;
    uint32_t options = (uint32_t)options_arg;
    if (options & ~(uint32_t)(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
                              __WCLONE | __WALL))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    struct wait_request rq = {(int)idtype, id, options};
    switch (idtype) {
    case P_ALL:
        break;
    case P_PID:
        if (id <= 0)
            return -EINVAL;
        break;
    case P_PGID:
        if (id < 0)
            return -EINVAL;
        if (id == 0)
            rq.id = current_process()->pgid;
        break;
    default:
        return -EINVAL;
    }
    struct wait_result res = {0};
    long r = do_wait(&rq, &res);
    if (r < 0)
        return r;
    if (r > 0 && rusage && clear_user(rusage, RUSAGE_SIZE))
        return -EFAULT;
    if (!infop)
        return 0;
    struct waitid_info info = {0};
    if (r > 0)
        info = (struct waitid_info){.signo = SIGCHLD, .code = res.code, .pid = res.pid,
                                    .status = res.status};
    return copy_to_user(infop, &info, sizeof(info)) ? -EFAULT : 0;
}
SYSCALL(SYS_waitid, sys_waitid);

static long sys_exit(uint64_t code)
{
    thread_exit_user(wait_status_exited((int)code));
}
SYSCALL(SYS_exit, sys_exit);

static long sys_exit_group(uint64_t code)
{
    struct process *p = current_process();
    p->exit_code = (int)code;
    process_kill(p, KILL_EXIT_GROUP);
    thread_exit_user(wait_status_exited((int)code));
}
SYSCALL(SYS_exit_group, sys_exit_group);
