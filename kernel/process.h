/*
 * Processes: a group of threads sharing one address space (mm/as.h), one
 * file table (kernel/file.h) and one pid, with a parent and children.
 * See docs/userspace.md.
 *
 * Ids: pids and tids come from one counter (Linux: a process's pid is the
 * tid of its first thread). PID 1 is the first program (init=).
 *
 * Rules:
 *  - proc_lock (process.c) protects the process tree (parent, children,
 *    sibling links), every process's 'threads' list, 'state',
 *    'live_threads' and the pid lookup;
 *  - 'as' and 'files' change only in execve (as) or never (files) while
 *    other threads of the process are gone, so the running threads of a
 *    process read them without a lock;
 *  - 'kill_signal' is atomic: set once (first fatal signal wins), read by
 *    every thread of the process on its way back to user mode and by
 *    sleeping system calls, which end with -EINTR so the thread can die.
 */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "kernel/thread.h"
#include "kernel/wait.h"

#define PROC_NAME_LEN 16
#define NSIG 64

/* Signal numbers (Linux x86_64). */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGURG 23
#define SIGWINCH 28

/* kill_signal of a process ending through exit_group (not a signal). */
#define KILL_EXIT_GROUP 0x100

enum process_state {
    PROC_ALIVE,  /* has live threads */
    PROC_ZOMBIE, /* every thread has exited; waits for wait4 */
};

struct fd_table;
struct address_space;

/* What rt_sigaction stores (musl's struct k_sigaction). */
struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct process {
    int pid;
    char name[PROC_NAME_LEN];       /* the file name given to execve */
    struct address_space *as;       /* see Rules */
    struct fd_table *files;         /* see Rules */

    /* proc_lock */
    enum process_state state;
    struct process *parent;         /* PID 1 adopts orphans */
    struct process *children;       /* first child */
    struct process *sibling;        /* next child of the same parent */
    struct thread *threads;         /* linked through thread->proc_next */
    int live_threads;
    int exit_status;                /* wait4 status, set when it becomes a zombie */
    struct process *all_next;       /* the list of all processes */

    int kill_signal;                /* atomic; see Rules; KILL_EXIT_GROUP: exit_group */
    int exit_code;                  /* exit_group's code, written before kill_signal */
    bool vfork_done;                /* atomic: a vfork child has exec'd or exited */
    bool vfork_waiter;              /* proc_lock: its vfork parent still waits */
    struct wait_queue child_exit;   /* wait4 sleeps here until a child changes */
    struct k_sigaction sigactions[NSIG]; /* proc_lock; stored, never delivered */
};

/* The calling thread's process (NULL in a kernel thread). */
struct process *current_process(void);

/* Boot: runs 'path' with argv (argv[0] = path) as PID 1 and waits for it
 * to end. Prints the "prune: running"/"PID 1 exited" lines of
 * docs/userspace.md and returns the exit status for QEMU (code, or
 * 128 + signal). */
int process_run_init(const char *path, const char *const *argv);

/* The process with this pid, or NULL; proc_lock is taken inside, so the
 * result is only a hint once returned (use under proc_lock to keep it). */
struct process *process_find(int pid);

/* The address space of process pid with a reference (as_put it), or NULL
 * if there is no such process or it has no live thread. */
struct address_space *process_get_as(int pid);

/* execve: p's address space is now 'as' (the caller's thread holds it;
 * process_get_as() readers see the old one or the new one). */
void process_set_as(struct process *p, struct address_space *as);

/* The process that has a live thread 'tid', or NULL (a hint, as above). */
struct process *process_find_thread(int tid);

/* For /proc/PID/status: p's parent's pid (0 without one) and its live
 * threads, read together under proc_lock. */
void process_family(struct process *p, int *ppid, int *threads);

/* Makes every thread of 'p' die with 'sig' on its way to user mode (and
 * interrupts their sleeping system calls). The first signal wins. */
void process_kill(struct process *p, int sig);

/* True if the calling thread must stop what it sleeps for and return
 * -EINTR (its process is being killed). */
bool current_killed(void);

/* Ends the calling thread; the last thread to end makes its process a
 * zombie with wait status 'status'. Never returns. */
__attribute__((noreturn)) void thread_exit_user(int status);

/* For fork, exec and signals (kernel/fork.c, exec.c, signal.c): */

/* A new id from the pid/tid counter. */
int process_alloc_id(void);

/* A zeroed process named 'name' with a new pid, not linked anywhere; NULL
 * without memory. */
struct process *process_alloc(const char *name);

/* Makes p visible: a child of 'parent' (NULL for PID 1) and findable.
 * vfork_waiter: the calling thread will wait for p's exec or exit (vfork);
 * until it calls process_vfork_wait_done(p), wait4 does not reap p, so the
 * waiter may read p safely. */
void process_link(struct process *p, struct process *parent, bool vfork_waiter);

/* The vfork waiter of p stopped waiting: p may be reaped. */
void process_vfork_wait_done(struct process *p);

/* A new detached thread of p, not yet queued (sched_add_new() starts it):
 * its first return to user mode loads 'frame', with FS base 'fs_base', in
 * 'as' (the thread takes its own reference). NULL without memory. */
struct thread *user_thread_create(struct process *p, struct address_space *as, int tid,
                                  const struct trap_frame *frame, uint64_t fs_base);

/* A vfork child has exec'd or is exiting: its parent may go on. */
void process_vfork_release(struct process *p);

/* "SIGSEGV" for 11, and so on ("signal" for a number without a name). */
const char *signal_name(int sig);

/*
 * Loads the program at 'path' into the empty address space 'as' for
 * process p: maps its segments, a stack with argv/envp/auxv, sets the brk,
 * and fills *frame for its first instruction. Kernel strings. Returns 0 or
 * -errno (ENOENT, EACCES, ENOEXEC, E2BIG, ENOMEM...). kernel/exec.c.
 */
int exec_prepare(struct process *p, struct address_space *as, const char *path,
                 const char *const *argv, const char *const *envp, struct trap_frame *frame);

/* Wait status encodings (Linux's, as WIFEXITED etc. decode them). */
static inline int wait_status_exited(int code) { return (code & 0xff) << 8; }
static inline int wait_status_signaled(int sig) { return sig & 0x7f; }

/* A user-mode exception 'sig' in the current thread (trap.c): the
 * process dies with it; prints one "prune: pid N (name) killed by ..."
 * line. Returns (the thread dies on its way back to user mode). */
void user_fault_signal(struct trap_frame *tf, int sig, uint64_t addr);

/* A fault of p's could not get a frame: p dies with SIGKILL (Linux's OOM
 * killer picks the biggest process; prune picks the one that asked). */
void process_oom_kill(struct process *p);

/* Called with interrupts off right before every return to user mode (end
 * of a system call or of a trap from user mode): dies if killed. */
void user_return_work(struct trap_frame *tf);

#endif
