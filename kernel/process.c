/* Processes: ids, the process tree, kill, exit and wait; see kernel/process.h. */
#include "kernel/process.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/uaccess.h"
#include "drivers/tty.h"
#include "fs/cwd.h"
#include "fs/file.h"
#include "kernel/arch_hooks.h"
#include "kernel/errno.h"
#include "kernel/futex.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/signal/pgrp.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/kmalloc.h"

/* See Rules in process.h. Lock order: proc_lock, then a wait queue lock,
 * then a run queue lock. */
struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct process *all_processes; /* proc_lock */
static struct process *init_process;  /* PID 1 while it runs; proc_lock */
static int next_id = 1;               /* atomic; pids and tids */

/* The boot thread sleeps here until PID 1 is a zombie. */
static struct wait_queue init_exit_wq = WAIT_QUEUE_INIT("init_exit");

/* A vfork caller waiting for one thread (on the caller's stack); the
 * thread points to it through t->vfork_wait (proc_lock). */
struct vfork_wait {
    bool done;                /* atomic; set under proc_lock by the thread */
    struct process *waiter;   /* the caller's process: sleeps on its child_exit */
};

/* switch.asm / isr.asm: a new user thread's first return to user mode. */
static void user_thread_start(void *unused)
{
    (void)unused;
    irq_disable();
    user_return_work(current_user_frame());
    trap_exit_to(current_user_frame());
}

struct process *current_process(void)
{
    return current_thread()->proc;
}

int process_alloc_id(void)
{
    return __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
}

int process_last_id(void)
{
    return __atomic_load_n(&next_id, __ATOMIC_RELAXED) - 1;
}

struct process *process_alloc(const char *name)
{
    struct process *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->pid = process_alloc_id();
    p->start_ns = time_monotonic_ns();
    p->refs = 1;
    p->state = PROC_NEW;
    p->exit_signal = SIGCHLD;
    memcpy(p->name, name, strnlen(name, sizeof(p->name) - 1));
    wait_queue_init(&p->child_exit, "child_exit");
    spin_init(&p->sig_lock, "signals");
    wait_queue_init(&p->continue_wq, "continue");
    spin_init(&p->cwd_lock, "cwd");
    p->umask = 022;
    return p;
}

void process_get(struct process *p)
{
    ASSERT(__atomic_load_n(&p->refs, __ATOMIC_RELAXED) > 0);
    __atomic_fetch_add(&p->refs, 1, __ATOMIC_RELAXED);
}

/* Frees p once its last reference is gone: it is reaped or was never linked. */
static void process_free(struct process *p)
{
    ASSERT(p->state == PROC_REAPED || p->state == PROC_NEW);
    ASSERT(!p->threads && !p->children && p->live_threads == 0);
    signal_process_free(p);
    kfree(p->exe);
    kfree(p);
}

void process_put(struct process *p)
{
    int left = __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL);
    ASSERT(left >= 0);
    if (left == 0)
        process_free(p);
}

void process_link(struct process *p, struct process *parent)
{
    spin_lock(&proc_lock);
    ASSERT(p->state == PROC_NEW);
    p->state = PROC_ALIVE;
    p->parent = parent;
    if (parent) {
        p->sibling = parent->children;
        parent->children = p;
        p->pgid = parent->pgid;
        p->sid = parent->sid;
        p->ctty = parent->ctty;
    } else {
        p->pgid = p->sid = p->pid; /* PID 1 leads session 1 */
    }
    p->all_next = all_processes;
    all_processes = p;
    spin_unlock(&proc_lock);
}

struct thread *user_thread_create(struct process *p, struct address_space *as, int tid,
                                  const struct trap_frame *frame, uint64_t fs_base)
{
    struct thread *t = thread_alloc(-1, p->name, user_thread_start, NULL);
    if (!t)
        return NULL;
    t->fpu = kmalloc(sizeof(*t->fpu));
    if (!t->fpu) {
        kfree(t->stack);
        kfree(t);
        return NULL;
    }
    ASSERT(((uint64_t)t->fpu & 15) == 0);
    fpu_state_init(t->fpu);
    thread_detach(t);
    t->proc = p;
    process_get(p); /* L2, dropped by thread_free() */
    t->tid = tid;
    t->as = as;
    as_get(as);
    t->fs_base = fs_base;
    *((struct trap_frame *)((char *)t->stack + KSTACK_SIZE) - 1) = *frame;
    struct thread *creator = current_thread();
    if (creator->proc)
        t->sig.blocked = creator->sig.blocked; /* a new thread inherits the mask */
    spin_lock(&proc_lock);
    spin_lock(&p->sig_lock);
    t->proc_next = p->threads;
    p->threads = t;
    p->live_threads++;
    signal_thread_join_locked(p, t);
    spin_unlock(&p->sig_lock);
    spin_unlock(&proc_lock);
    return t;
}

struct process *process_find_locked(int pid)
{
    assert_held(&proc_lock);
    struct process *p = all_processes;
    while (p && p->pid != pid)
        p = p->all_next;
    return p;
}

struct process *process_find(int pid)
{
    spin_lock(&proc_lock);
    struct process *p = process_find_locked(pid);
    if (p)
        process_get(p);
    spin_unlock(&proc_lock);
    return p;
}

struct process *process_find_max(long (*score)(struct process *p, void *arg), void *arg)
{
    struct process *best = NULL;
    long best_score = 0;
    spin_lock(&proc_lock);
    for (struct process *p = all_processes; p; p = p->all_next) {
        if (p->state != PROC_ALIVE)
            continue;
        long s = score(p, arg);
        if (s > best_score) {
            best = p;
            best_score = s;
        }
    }
    if (best)
        process_get(best);
    spin_unlock(&proc_lock);
    return best;
}

struct address_space *process_get_as(int pid)
{
    spin_lock(&proc_lock);
    struct process *p = process_find_locked(pid);
    /* a thread still on the list holds a reference on p->as */
    struct address_space *as = p && p->live_threads > 0 ? p->as : NULL;
    if (as)
        as_get(as);
    spin_unlock(&proc_lock);
    return as;
}

void process_set_as(struct process *p, struct address_space *as)
{
    spin_lock(&proc_lock);
    p->as = as;
    spin_unlock(&proc_lock);
}

struct thread *thread_find_locked(int tid, struct process **owner)
{
    assert_held(&proc_lock);
    for (struct process *p = all_processes; p; p = p->all_next) {
        for (struct thread *t = p->threads; t; t = t->proc_next) {
            if (t->tid == tid) {
                *owner = p;
                return t;
            }
        }
    }
    *owner = process_find_locked(tid);
    return NULL;
}

struct process *process_list_locked(void)
{
    assert_held(&proc_lock);
    return all_processes;
}

struct process *process_init_locked(void)
{
    assert_held(&proc_lock);
    return init_process;
}

bool current_killed(void)
{
    struct process *p = current_process();
    return p && __atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE);
}

void user_return_work(struct trap_frame *tf)
{
    irq_disable();
    while (signal_work_pending(tf)) {
        irq_enable();
        signal_deliver(tf);
        irq_disable();
    }
    rcu_note_quiescent_state();
}

/* Ends t's vfork wait, if a caller waits for it; proc_lock held (the
 * caller's struct vfork_wait and its process stay valid while it is set). */
static void vfork_release_locked(struct thread *t)
{
    assert_held(&proc_lock);
    struct vfork_wait *vw = t->vfork_wait;
    if (!vw)
        return;
    t->vfork_wait = NULL;
    __atomic_store_n(&vw->done, true, __ATOMIC_RELEASE);
    wake_up_all(&vw->waiter->child_exit);
}

void vfork_release_current(void)
{
    spin_lock(&proc_lock);
    vfork_release_locked(current_thread());
    spin_unlock(&proc_lock);
}

void vfork_start_and_wait(struct thread *t)
{
    struct vfork_wait vw = {.waiter = current_process()};
    spin_lock(&proc_lock);
    t->vfork_wait = &vw;
    spin_unlock(&proc_lock);
    sched_add_new(t);
    wait_event(&vw.waiter->child_exit,
               current_killed() || __atomic_load_n(&vw.done, __ATOMIC_ACQUIRE));
    /* Not done: t has not left its thread list (it would have released
     * us under proc_lock first), so t is still there to unhook us. */
    spin_lock(&proc_lock);
    if (!__atomic_load_n(&vw.done, __ATOMIC_RELAXED))
        t->vfork_wait = NULL;
    spin_unlock(&proc_lock);
}

void process_unlink_locked(struct process *p)
{
    assert_held(&proc_lock);
    ASSERT(p->state == PROC_ZOMBIE);
    if (p->parent) {
        struct process **pp = &p->parent->children;
        while (*pp != p)
            pp = &(*pp)->sibling;
        *pp = p->sibling;
    }
    struct process **ap = &all_processes;
    while (*ap != p)
        ap = &(*ap)->all_next;
    *ap = p->all_next;
    p->state = PROC_REAPED;
}

/* The last thread of p has gone: p becomes a zombie with 'status'; its
 * children go to PID 1 (and get their PR_SET_PDEATHSIG signal); its parent gets its exit signal and wakes (or
 * reaps p at once if it ignores SIGCHLD: L1 dropped here); groups the exit
 * orphans get SIGHUP (kernel/signal/pgrp.h). */
static void process_become_zombie(struct process *p, int status)
{
    spin_lock(&proc_lock);
    struct fd_table *files = p->files;
    p->files = NULL;
    spin_unlock(&proc_lock);
    fd_table_destroy(files);
    cwd_release(p);
    struct pgrp_hup hup;
    spin_lock(&proc_lock);
    p->exit_status = status;
    p->as = NULL;
    pgrp_exit_locked(p, &hup);
    struct process *adopter = init_process != p ? init_process : NULL;
    while (p->children) {
        struct process *c = p->children;
        p->children = c->sibling;
        c->parent = adopter;
        c->exit_signal = SIGCHLD; /* as Linux's reparent_leader() */
        int pdeath = __atomic_load_n(&c->pdeath_signal, __ATOMIC_RELAXED);
        if (pdeath && c->state == PROC_ALIVE) {
            struct siginfo info;
            siginfo_from(&info, pdeath, SI_USER, p->pid);
            signal_send(c, pdeath, &info);
        }
        if (adopter) {
            c->sibling = adopter->children;
            adopter->children = c;
        }
    }
    if (adopter)
        wake_up_all(&adopter->child_exit);
    p->state = PROC_ZOMBIE;
    bool autoreap = false;
    if (p->parent) {
        autoreap = signal_notify_exit_locked(p->parent, p);
        wake_up_all(&p->parent->child_exit);
        if (autoreap)
            process_unlink_locked(p);
    } else {
        wake_up_all(&init_exit_wq);
    }
    spin_unlock(&proc_lock);
    pgrp_exit_finish(&hup);
    if (autoreap)
        process_put(p); /* L1: the exiting thread still holds L2 */
}

void thread_exit_user(int status)
{
    struct thread *t = current_thread();
    struct process *p = t->proc;
    if (t->clear_child_tid && put_user_u32(t->clear_child_tid, 0) == 0)
        futex_wake(t->as, t->clear_child_tid, 1);

    spin_lock(&proc_lock);
    spin_lock(&p->sig_lock);
    struct thread **tp = &p->threads;
    while (*tp != t)
        tp = &(*tp)->proc_next;
    *tp = t->proc_next;
    bool stop_done = signal_thread_leave_locked(p, t);
    spin_unlock(&p->sig_lock);
    bool last = --p->live_threads == 0;
    vfork_release_locked(t);
    spin_unlock(&proc_lock);
    if (stop_done && !last)
        signal_thread_left(p);

    struct address_space *as = t->as;
    irq_disable();
    as_switch(as, NULL);
    t->as = NULL;
    irq_enable();
    as_put(as);

    if (last) {
        int sig = __atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE);
        if (sig == KILL_EXIT_GROUP)
            status = wait_status_exited(p->exit_code);
        else if (sig)
            status = wait_status_signaled(sig);
        process_become_zombie(p, status);
    }
    thread_exit();
}

static long sys_getpid(void)
{
    return current_process()->pid;
}
SYSCALL(SYS_getpid, sys_getpid);

static long sys_gettid(void)
{
    return current_thread()->tid;
}
SYSCALL(SYS_gettid, sys_gettid);

static long sys_getppid(void)
{
    spin_lock(&proc_lock);
    struct process *parent = current_process()->parent;
    int ppid = parent ? parent->pid : 0;
    spin_unlock(&proc_lock);
    return ppid;
}
SYSCALL(SYS_getppid, sys_getppid);

static long sys_set_tid_address(uint64_t tidptr)
{
    current_thread()->clear_child_tid = tidptr;
    return current_thread()->tid;
}
SYSCALL(SYS_set_tid_address, sys_set_tid_address);

/* Kills every process but PID 1 and waits until all of them are zombies. */
static void kill_all_others(void)
{
    for (;;) {
        bool alive = false;
        spin_lock(&proc_lock);
        for (struct process *p = all_processes; p; p = p->all_next) {
            if (p->state == PROC_ALIVE) {
                alive = true;
                process_kill(p, SIGKILL);
            }
        }
        spin_unlock(&proc_lock);
        if (!alive)
            return;
        sleep_ms(10);
    }
}

/* Reaps every zombie left (orphans of PID 1, and PID 1 itself). */
static void reap_all_zombies(void)
{
    for (;;) {
        spin_lock(&proc_lock);
        struct process *p = all_processes;
        if (p)
            process_unlink_locked(p);
        spin_unlock(&proc_lock);
        if (!p)
            return;
        process_put(p);
    }
}

int process_run_init(const char *path, const char *const *argv)
{
    struct process *p = process_alloc("init");
    if (!p)
        panic("no memory for PID 1");
    p->files = fd_table_create_console();
    struct address_space *as = as_create();
    if (!p->files || !as)
        panic("no memory for PID 1");
    p->as = as;

    static const char *const envp[] = {"HOME=/", "TERM=linux", NULL};
    struct trap_frame frame;
    int err = exec_prepare(p, as, path, argv, envp, &frame);
    if (err) {
        printk("prune: cannot run %s as PID 1: error %d\n", path, err);
        as_put(as);
        fd_table_destroy(p->files);
        process_put(p);
        return 127;
    }
    process_link(p, NULL);
    spin_lock(&proc_lock);
    init_process = p;
    tty_set_controlling_locked(tty_console(), p);
    spin_unlock(&proc_lock);
    struct thread *t = user_thread_create(p, as, p->pid, &frame, 0);
    as_put(as);
    if (!t)
        panic("no memory for PID 1");
    printk("prune: running %s as PID 1\n", path);
    sched_add_new(t);

    wait_event(&init_exit_wq, __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == PROC_ZOMBIE);
    int status = p->exit_status;
    kill_all_others();
    spin_lock(&proc_lock);
    init_process = NULL;
    spin_unlock(&proc_lock);
    reap_all_zombies();
    if (status & 0x7f) {
        printk("prune: PID 1 killed by signal %d (%s)\n", status & 0x7f,
               signal_name(status & 0x7f));
        return 128 + (status & 0x7f);
    }
    printk("prune: PID 1 exited with status %d\n", (status >> 8) & 0xff);
    return (status >> 8) & 0xff;
}
