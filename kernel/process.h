/*
 * Processes: a group of threads sharing one address space (mm/as.h), one
 * file table (fs/file.h) and one pid, with a parent and children.
 * See docs/userspace.md.
 *
 * Ids: pids and tids come from one counter (Linux: a process's pid is the
 * tid of its first thread). PID 1 is the first program (init=).
 *
 * Rules:
 *  - proc_lock (process.c) protects the process tree (parent, children,
 *    sibling links), every process's 'threads' list (together with its
 *    sig_lock: kernel/signal.h, S1), 'state', 'live_threads', the vfork
 *    waits of its threads (thread->vfork_wait), the pid lookup, and the
 *    job-control fields (pgid, sid, ctty; and the terminal's session and
 *    foreground group, drivers/tty.h);
 *  - 'as' and 'files' change only in execve (as) or never (files) while
 *    other threads of the process are gone, so the running threads of a
 *    process read them without a lock; both become NULL under proc_lock
 *    when the process becomes a zombie, so another process (/proc) reads
 *    them only under proc_lock (process_get_as(), process_fd_get());
 *  - 'kill_signal' is atomic: set once (first fatal signal wins), read by
 *    every thread of the process on its way back to user mode and by
 *    sleeping system calls, which end so the thread can die;
 *  - sig_lock protects the signal state (kernel/signal.h, S1..S4); lock
 *    order: proc_lock, then a sig_lock, or proc_lock, then an fd table's
 *    lock (process_fd_get()).
 *
 * Lifetime (the rule for every pointer to a struct process): 'refs' counts
 *  L1. the process tree's link: from process_alloc() (its creator's until
 *      process_link()) until the zombie is reaped (wait4 or waitid, at once
 *      when its parent ignores SIGCHLD, or at the end of PID 1's run);
 *  L2. each thread created in it (user_thread_create()), until that thread's
 *      struct is freed: t->proc is valid as long as t is;
 *  L3. each holder of a lookup (process_find(), process_find_max()),
 *      until its process_put().
 * A new reference is taken only from one already held, or under proc_lock
 * while the process is linked (ALIVE or ZOMBIE); so once reaped, nobody can
 * find it, and the last process_put() frees the struct. Code that holds
 * none (a pointer read under proc_lock) uses it only under that lock.
 */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "kernel/signal.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "kernel/wait.h"

#define PROC_NAME_LEN 16
/* kill_signal of a process ending through exit_group (not a signal). */
#define KILL_EXIT_GROUP 0x100

enum process_state {
    PROC_NEW,    /* allocated, not linked yet: nobody else can find it */
    PROC_ALIVE,  /* has live threads */
    PROC_ZOMBIE, /* every thread has exited; waits for wait4 */
    PROC_REAPED, /* unlinked by its reaper: only references keep the struct */
};

struct fd_table;
struct file;
struct address_space;
struct tty;

/* The lock of the process tree; see Rules. */
extern struct spinlock proc_lock;

struct process {
    int pid;
    int refs;                       /* atomic; see Lifetime */
    char name[PROC_NAME_LEN];       /* the file name given to execve */
    char *exe;                      /* the program's absolute path (kmalloc): /proc/PID/exe;
                                       copied by fork, replaced
                                       by execve under proc_lock, read by others under it */
    uint64_t start_ns;              /* constant: monotonic time of process_alloc() */
    struct address_space *as;       /* see Rules */
    struct fd_table *files;         /* see Rules */
    struct spinlock cwd_lock;       /* protects cwd (fs/cwd.h) */
    struct file *cwd;               /* cwd_lock: working directory; NULL: "/" */
    uint32_t umask;                 /* atomic: umask(2), for the calling process only */

    /* proc_lock */
    enum process_state state;
    struct process *parent;         /* PID 1 adopts orphans */
    struct process *children;       /* first child */
    struct process *sibling;        /* next child of the same parent */
    struct thread *threads;         /* linked through thread->proc_next (and sig_lock) */
    int live_threads;
    int exit_status;                /* wait4 status, set when it becomes a zombie */
    int exit_signal;                /* clone's CSIGNAL (fork: SIGCHLD); SIGCHLD once
                                       adopted; wait4 tells "clone children" by it */
    struct process *all_next;       /* the list of all processes */
    int pgid;                       /* process group (kernel/signal/pgrp.c) */
    int sid;                        /* session */
    struct tty *ctty;               /* controlling terminal, or NULL */
    bool did_exec;                  /* has called execve (setpgid by the parent: EACCES) */
    int pdeath_signal;              /* atomic (also without proc_lock): prctl's
                                       PR_SET_PDEATHSIG, sent when the parent exits */
    int ptracer;                    /* prctl's PR_SET_PTRACER: this pid and its
                                       descendants may reach p too; -1: anyone; 0:
                                       none (process_may_access()) */

    int kill_signal;                /* atomic; see Rules; KILL_EXIT_GROUP: exit_group */
    int exit_code;                  /* exit_group's code, written before kill_signal */
    struct wait_queue child_exit;   /* wait4 and vfork callers sleep here */

    /* sig_lock (kernel/signal.h) */
    struct spinlock sig_lock;
    struct k_sigaction sigactions[NSIG];
    struct sigpending shared_pending; /* process-directed signals */
    int queued_signals;             /* struct sigqueue held by p and its threads */
    /* The group stop (job control): stop_signal is the signal of the stop
     * in progress or done (0: running; read without the lock by
     * signal_process_stopped()); stop_waiting counts the threads that
     * must still park; 'stopped' once none must. */
    int stop_signal;
    int stop_waiting;
    bool stopped;
    int wait_stop_code;             /* a stop wait4(WUNTRACED) has not reported yet */
    bool wait_continued;            /* a continue wait4(WCONTINUED) has not reported */
    bool notify_continued;          /* a thread owes the parent CLD_CONTINUED */
    uint64_t continue_gen;          /* raised by every SIGCONT that ends a stop */
    struct wait_queue continue_wq;  /* parked threads sleep here */
};

/* The calling thread's process (NULL in a kernel thread). */
struct process *current_process(void);

/* Boot: runs 'path' with argv (argv[0] = path) as PID 1 and waits for it
 * to end. Prints the "prune: running"/"PID 1 exited" lines of
 * docs/userspace.md and returns the exit status for QEMU (code, or
 * 128 + signal). */
int process_run_init(const char *path, const char *const *argv);

/* The process with this pid (alive, or a zombie not yet reaped) with a
 * reference (L3: process_put it), or NULL. */
struct process *process_find(int pid);

/* Takes another reference on p; the caller holds one already, or holds
 * proc_lock with p linked. */
void process_get(struct process *p);

/* Drops a reference; the last one frees the struct (then reaped or never
 * linked). No lock held. */
void process_put(struct process *p);

/* The ALIVE process with the highest positive score(p, arg) with a
 * reference (L3), or NULL if none scores above 0. 'score' runs under
 * proc_lock (it may read the fields that lock protects, and p->as while
 * p->live_threads > 0) and must not sleep. */
struct process *process_find_max(long (*score)(struct process *p, void *arg), void *arg);

/* The address space of process pid with a reference (as_put it), or NULL
 * if there is no such process or it has no live thread. */
struct address_space *process_get_as(int pid);

/* execve: p's address space is now 'as' (the caller's thread holds it;
 * process_get_as() readers see the old one or the new one). */
void process_set_as(struct process *p, struct address_space *as);

/* What /proc/PID/stat and status show of a process. */
struct process_info {
    char state;       /* 'R': a thread runs or waits for a CPU; 'S': all sleep;
                         'T': stopped; 'Z': zombie */
    int ppid;         /* 0 without a parent */
    int pgid, sid;
    int threads;      /* live threads */
    int exit_status;  /* a zombie's wait status */
    uint64_t cpu_ns;  /* CPU time of its live threads */
};

/* Fills *out for p (linked or reaped; the caller holds a reference),
 * read together under proc_lock. */
void process_info(struct process *p, struct process_info *out);

/* The smallest pid above 'after' of a linked process (alive or zombie),
 * or 0 if none: /proc's listing, in pid order as Linux's. */
int process_next_pid(int after);

/* Processes and threads now, for /proc/loadavg, /proc/stat and sysinfo. */
struct process_counts {
    int processes;    /* linked processes (zombies too) */
    int threads;      /* live user threads */
    int running;      /* of them, running or waiting for a CPU */
    int last_pid;     /* the id handed out last */
};
void process_counts(struct process_counts *c);

/* p's address space with a reference (as_put it), or NULL if p has no
 * live thread. The caller holds a reference on p. */
struct address_space *process_as_get(struct process *p);

/* File 'fd' of p with a reference (file_put it), or NULL if p has no such
 * fd or no fd table any more (a zombie). */
struct file *process_fd_get(struct process *p, int fd);

/* True if the calling process may reach p's memory (process_vm_readv,
 * /proc/PID/environ, ptdump): p is the caller's process or one of its
 * descendants, or p named the caller or one of its ancestors (or anyone)
 * with process_set_ptracer() (Linux's rule for one user under Yama's
 * ptrace_scope 1). */
bool process_may_access(struct process *p);

/* prctl(PR_SET_PTRACER, pid) by p: 0 forgets, -1 (PR_SET_PTRACER_ANY)
 * allows anyone, else that live pid and its descendants. 0, or -EINVAL
 * for a pid that is no process. */
int process_set_ptracer(struct process *p, long pid);

/* Makes every thread of 'p' die with 'sig' on its way to user mode (and
 * interrupts their sleeping system calls). The first signal wins. The
 * caller holds a reference on p (its own process: L2; another: L3) or
 * proc_lock (kernel/signal/signal.c). */
void process_kill(struct process *p, int sig);

/* True if the calling thread's process is being killed: sleeps that only
 * a kill may end (vfork, the out-of-memory wait) test this; the others
 * test signal_pending() (kernel/signal.h). */
bool current_killed(void);

/* Ends the calling thread; the last thread to end makes its process a
 * zombie with wait status 'status'. Never returns. */
__attribute__((noreturn)) void thread_exit_user(int status);

/* For fork, exec and signals (kernel/fork.c, exec.c, signal.c): */

/* A new id from the pid/tid counter. */
int process_alloc_id(void);

/* The id process_alloc_id() handed out last (/proc/loadavg's last pid). */
int process_last_id(void);

/* A zeroed PROC_NEW process named 'name' with a new pid and exit signal
 * SIGCHLD, not linked anywhere, holding the reference L1 for its creator
 * (process_put() frees it until process_link()); NULL without memory. */
struct process *process_alloc(const char *name);

/* Makes p ALIVE and visible: a child of 'parent' (NULL for PID 1) and
 * findable; the creator's reference becomes the tree's (L1). */
void process_link(struct process *p, struct process *parent);

/* A new detached thread of p, not yet queued (sched_add_new() starts it):
 * its first return to user mode loads 'frame', with FS base 'fs_base', in
 * 'as' (the thread takes its own references on as and on p, L2). NULL
 * without memory. */
struct thread *user_thread_create(struct process *p, struct address_space *as, int tid,
                                  const struct trap_frame *frame, uint64_t fs_base);

/* vfork: starts t (a new thread, not yet queued) and sleeps until t has
 * called execve or exited (Linux's vfork completion, per thread), or the
 * caller is killed. */
void vfork_start_and_wait(struct thread *t);

/* The calling thread has called execve or is exiting: a vfork caller
 * waiting for it goes on. */
void vfork_release_current(void);

/*
 * Loads the program at 'path' into the empty address space 'as' for
 * process p: maps its segments, a stack with argv/envp/auxv, sets the brk,
 * and fills *frame for its first instruction. Kernel strings. Returns 0 or
 * -errno (ENOENT, EACCES, ENOEXEC, E2BIG, ENOMEM...). kernel/exec.c.
 */
int exec_prepare(struct process *p, struct address_space *as, const char *path,
                 const char *const *argv, const char *const *envp, struct trap_frame *frame);

/* For signals, exit, wait and job control, proc_lock held: */

/* The linked process with this pid (alive or a zombie), or NULL. */
struct process *process_find_locked(int pid);

/* The thread with this tid and its process in *owner; or NULL, with
 * *owner the process whose pid it is if that process's first thread has
 * exited (or NULL). */
struct thread *thread_find_locked(int tid, struct process **owner);

/* The first process of the list of all (linked through all_next). */
struct process *process_list_locked(void);

/* PID 1 while it runs, else NULL. */
struct process *process_init_locked(void);

/* Unlinks zombie 'p' from its parent's children and from the list of all,
 * which makes it PROC_REAPED: the caller now owns the tree's reference
 * (L1) and drops it with process_put() once proc_lock is released. */
void process_unlink_locked(struct process *p);

/* Called right before every return to user mode (end of a system call or
 * of a trap from user mode): delivers signals (kernel/signal.h), with
 * interrupts on while it does, and returns with interrupts off. */
void user_return_work(struct trap_frame *tf);

#endif
