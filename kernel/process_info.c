/*
 * What /proc and sysinfo read of other processes: each query takes
 * proc_lock, so what it returns was true at one moment. See
 * kernel/process.h (Rules, Lifetime).
 */
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/signal.h"
#include "mm/as.h"

/* p's state letter, as Linux's task_state() shows the thread group
 * leader, summed over p's threads. proc_lock held. */
static char state_locked(struct process *p)
{
    if (p->state != PROC_ALIVE)
        return 'Z';
    if (signal_process_stopped(p))
        return 'T';
    for (struct thread *t = p->threads; t; t = t->proc_next) {
        enum thread_state s = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
        if (s == THREAD_RUNNING || s == THREAD_RUNNABLE)
            return 'R';
    }
    return 'S';
}

void process_info(struct process *p, struct process_info *out)
{
    spin_lock(&proc_lock);
    *out = (struct process_info){
        .state = state_locked(p),
        .ppid = p->parent ? p->parent->pid : 0,
        .pgid = p->pgid,
        .sid = p->sid,
        .threads = p->live_threads,
        .exit_status = p->exit_status,
    };
    for (struct thread *t = p->threads; t; t = t->proc_next)
        out->cpu_ns += thread_cpu_ns(t);
    spin_unlock(&proc_lock);
}

int process_next_pid(int after)
{
    int best = 0;
    spin_lock(&proc_lock);
    for (struct process *p = process_list_locked(); p; p = p->all_next)
        if (p->pid > after && (best == 0 || p->pid < best))
            best = p->pid;
    spin_unlock(&proc_lock);
    return best;
}

void process_counts(struct process_counts *c)
{
    *c = (struct process_counts){.last_pid = process_last_id()};
    spin_lock(&proc_lock);
    for (struct process *p = process_list_locked(); p; p = p->all_next) {
        c->processes++;
        for (struct thread *t = p->threads; t; t = t->proc_next) {
            enum thread_state s = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
            c->threads++;
            c->running += s == THREAD_RUNNING || s == THREAD_RUNNABLE;
        }
    }
    spin_unlock(&proc_lock);
}

struct address_space *process_as_get(struct process *p)
{
    spin_lock(&proc_lock);
    /* a thread still on the list holds a reference on p->as */
    struct address_space *as = p->live_threads > 0 ? p->as : NULL;
    if (as)
        as_get(as);
    spin_unlock(&proc_lock);
    return as;
}

struct file *process_fd_get(struct process *p, int fd)
{
    spin_lock(&proc_lock);
    struct file *f = p->files ? fd_get(p->files, fd) : NULL;
    spin_unlock(&proc_lock);
    return f;
}

bool process_may_access(struct process *p)
{
    struct process *self = current_process();
    if (!self)
        return true; /* the kernel itself */
    spin_lock(&proc_lock);
    bool ok = p->ptracer == -1;
    for (struct process *q = p; q && !ok; q = q->parent)
        ok = q == self;
    for (struct process *q = self; q && !ok && p->ptracer > 0; q = q->parent)
        ok = q->pid == p->ptracer;
    spin_unlock(&proc_lock);
    return ok;
}

int process_set_ptracer(struct process *p, long pid)
{
    if (pid != 0 && pid != -1 && (pid < 0 || pid > INT32_MAX))
        return -EINVAL;
    spin_lock(&proc_lock);
    bool found = pid <= 0 || process_find_locked((int)pid);
    if (found)
        p->ptracer = (int)pid;
    spin_unlock(&proc_lock);
    return found ? 0 : -EINVAL;
}
