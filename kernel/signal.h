/*
 * Signals, with Linux's semantics (docs/signals.md): numbers, actions and
 * flags as rt_sigaction stores them, pending sets with queued siginfo,
 * per-thread masks, delivery on the way back to user mode (the frame
 * itself is built by arch/x86_64/sigframe.c), system-call restarts,
 * job-control stops, and the ways the kernel itself sends one (faults,
 * children, the terminal).
 *
 * Where the state lives:
 *  - per process (struct process, kernel/process.h): the actions, the
 *    shared pending set (kill, process-directed), the group stop;
 *  - per thread (struct thread_signals, in struct thread): the blocked
 *    mask, the thread's own pending set (tgkill, faults), the alternate
 *    stack and the restart block.
 *
 * Rules (p->sig_lock, one spinlock per process):
 *  S1. sig_lock protects p's sigactions, its shared pending set, its stop
 *      state, and for every thread of p: 'blocked', 'pending' and
 *      'must_park'. p's thread list is changed under proc_lock *and*
 *      sig_lock, so either lock is enough to walk it.
 *  S2. Lock order: proc_lock, then a process's sig_lock, then wait-queue
 *      and run-queue locks. No sig_lock is held across a user copy or a
 *      sleep, and code under a sig_lock never takes proc_lock (a sender
 *      holding proc_lock, kill(-pgid), may call the sending functions).
 *  S3. A thread reads its own 'blocked' and pending sets without the lock
 *      only to decide whether to look (signal_pending()); it dequeues under
 *      sig_lock. A sender sets the pending bit, then wakes the thread, so a
 *      sleeper that tests signal_pending() after prepare_to_wait() never
 *      misses it.
 *  S4. A sender holds a reference on the target process (L2 or L3 of
 *      kernel/process.h) or proc_lock with the process linked.
 * Signals are sent from process context only (the terminal's input thread
 * included, drivers/tty.h), so sig_lock is taken without disabling
 * interrupts.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "lib/list.h"

#define NSIG 64
#define SIGRTMIN 32 /* the first real-time signal: queued, not merged */

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
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31

/* rt_sigaction's special handlers, rt_sigprocmask's 'how', the size of
 * the kernel's sigset_t (64 signals). */
#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8

/* sa_flags (Linux's values). */
#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO 0x00000004u
#define SA_EXPOSE_TAGBITS 0x00000800u
#define SA_RESTORER 0x04000000u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u
/* The flags kept; rt_sigaction drops the others, as Linux does, so a
 * program can tell which it has. */
#define SA_KNOWN_FLAGS                                                                      \
    (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | SA_RESTORER |           \
     SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND)

/* si_code values. */
#define SI_USER 0        /* kill */
#define SI_KERNEL 0x80   /* the kernel (a #GP, int3...) */
#define SI_QUEUE (-1)    /* sigqueue */
#define SI_TKILL (-6)    /* tkill, tgkill */
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTINV 7
#define SEGV_MAPERR 1    /* no mapping at the address */
#define SEGV_ACCERR 2    /* a mapping that does not allow the access */
#define BUS_ADRALN 1
#define TRAP_BRKPT 1
#define TRAP_TRACE 2     /* single step */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* sigaltstack's ss_flags. */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* Sizes of the interrupted-call restart codes (Linux's, never seen by a
 * program): what a sleeping call returns when a signal woke it, and what
 * delivery turns it into (docs/signals.md, "Restarts"). */
#define ERESTARTSYS 512            /* restart if SA_RESTART, else EINTR */
#define ERESTARTNOINTR 513         /* always restart */
#define ERESTARTNOHAND 514         /* restart unless a handler ran (then EINTR) */
#define ERESTART_RESTARTBLOCK 516  /* restart through restart_syscall, else EINTR */

/* What rt_sigaction stores (the kernel's struct sigaction). */
struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

/* Linux's siginfo_t for x86_64: 128 bytes, the union at offset 16. */
struct siginfo {
    int32_t signo;
    int32_t errno_;
    int32_t code;
    int32_t pad0;
    union {
        struct {
            int32_t pid;
            uint32_t uid;
            uint64_t value; /* sigqueue's sigval */
        } kill;             /* kill, tgkill, sigqueue */
        struct {
            int32_t pid;
            uint32_t uid;
            int32_t status;
            int32_t pad;
            int64_t utime, stime;
        } chld;             /* SIGCHLD */
        struct {
            uint64_t addr;
        } fault;            /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
        uint8_t bytes[112];
    };
};
_Static_assert(sizeof(struct siginfo) == 128, "Linux's siginfo_t");

/* One queued signal; a pending set holds at most one per standard signal
 * (a second is merged) and any number per real-time signal. */
struct sigqueue {
    struct list_node node;
    struct siginfo info;
};

struct sigpending {
    uint64_t set;        /* bit sig - 1: pending */
    struct list queue;   /* struct sigqueue, oldest first */
};

/*
 * The restart block (Linux's): what restart_syscall() runs when a call
 * that returned -ERESTART_RESTARTBLOCK is restarted after a signal that
 * ran no handler. A sleep keeps its deadline here, so the restarted call
 * sleeps only for what was left.
 */
struct restart_block {
    long (*fn)(struct restart_block *rb); /* NULL: -EINTR */
    uint64_t deadline;  /* monotonic ns */
    uint64_t uaddr;     /* nanosleep: the remaining-time pointer; futex: the word */
    uint64_t arg;       /* futex: the expected value and flags */
    uint32_t bitset;    /* futex */
};

/* A thread's signal state (struct thread). */
struct thread_signals {
    uint64_t blocked;           /* S1 to write; the thread reads it (S3) */
    uint64_t saved_blocked;     /* the thread itself: the mask before sigsuspend/ppoll */
    bool restore_blocked;       /* the thread itself: put saved_blocked back on return */
    bool must_park;             /* S1: stop for the group stop in progress */
    uint64_t waiting;           /* S1: the signals rt_sigtimedwait takes (it unblocks
                                   them meanwhile): never fatal on arrival */
    struct sigpending pending;  /* S1: thread-directed signals */
    uint64_t altstack_sp;       /* the thread itself: sigaltstack; size 0: none */
    uint64_t altstack_size;
    uint32_t altstack_flags;    /* SS_AUTODISARM or 0 */
    struct restart_block restart; /* the thread itself */
    /* The thread itself: its last user-mode exception, for the signal
     * frame's trapno, err and cr2 (as Linux keeps them per thread). */
    uint64_t fault_vector, fault_error, fault_addr;
};

struct process;
struct thread;

/* "SIGSEGV" for 11, and so on ("signal" for a number without a name). */
const char *signal_name(int sig);

/* The bit of 'sig' (1..64) in a sigset. */
static inline uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

/* Signals no mask can hold back. */
#define SIG_UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))

/* A siginfo for kill(2)-like senders: code, and the sender's pid. */
void siginfo_from(struct siginfo *info, int sig, int code, int pid);

/*
 * Sends 'sig' (1..64) with 'info' (NULL: SI_KERNEL) to process p, to be
 * taken by any thread that does not block it; 0, or -EAGAIN when a
 * real-time signal cannot be queued. S4: the caller holds a reference or
 * proc_lock. Never sleeps, never takes proc_lock.
 */
int signal_send(struct process *p, int sig, const struct siginfo *info);

/* The same, for thread t only (tgkill, faults, SIGPIPE). The caller holds
 * a reference on t's process. */
int signal_send_thread(struct thread *t, int sig, const struct siginfo *info);

/*
 * True if the calling thread has work before it may sleep on: a pending
 * signal it does not block, a group stop to join, or a kill. Sleeping
 * system calls test it after prepare_to_wait() and return -ERESTART* or
 * -EINTR (S3).
 */
bool signal_pending(void);

/*
 * A user-mode exception (trap.c): 'sig' with 'code' and the faulting
 * address. If the thread has a handler it does not block, the signal is
 * queued for it; otherwise (default action, ignored or blocked) the
 * process dies of it at once, as Linux's force_sig_fault() makes it, with
 * one "prune: pid N (name) killed by ..." line.
 */
void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr);

/* The out-of-memory killer chose p (kernel/oom.h): p dies with SIGKILL;
 * prints one "prune: out of memory: ..." line, naming 'why'. The caller
 * holds a reference on p. */
void process_oom_kill(struct process *p, const char *why);

/*
 * On every return to user mode (kernel/process.c, user_return_work), with
 * interrupts on: joins a group stop, takes the pending signals the thread
 * does not block and acts on each (ignore, stop, die, or run the handler
 * through a frame on the user stack), and turns an -ERESTART* result of
 * the system call being returned from into a restart or -EINTR.
 */
void signal_deliver(struct trap_frame *tf);

/* True if signal_deliver() has work: a cheap test, interrupts off. */
bool signal_work_pending(const struct trap_frame *tf);

/* The calling thread's blocked mask becomes 'blocked' (SIGKILL and SIGSTOP
 * taken out); process-directed signals it now blocks go to another
 * thread. */
void signal_set_blocked(uint64_t blocked);

/* Takes t's lowest pending signal in 'allowed' (t's own set first, then
 * the process's; exception signals first) into *info; returns it or 0.
 * p->sig_lock held. */
int signal_dequeue_locked(struct process *p, struct thread *t, uint64_t allowed,
                          struct siginfo *info);

/* rt_sigaction for the calling process: *old gets the action of sig, which
 * becomes *act unless act is NULL (flags Linux does not know dropped,
 * SIGKILL and SIGSTOP out of the mask); an action that ignores sig
 * discards its pending instances. */
void signal_set_action(int sig, const struct k_sigaction *act, struct k_sigaction *old);

/* fork: the child's actions are a copy of the parent's. */
void signal_copy_actions(struct process *child, struct process *parent);

/* execve: handlers go back to SIG_DFL (SIG_IGN stays), the alternate stack
 * is forgotten; the mask and pending signals stay. */
void signal_exec(struct process *p);

/* A thread joins p (it is being linked: proc_lock and p->sig_lock held):
 * it counts for a group stop in progress. */
void signal_thread_join_locked(struct process *p, struct thread *t);

/* A thread leaves p (being unlinked, both locks held): its pending signals
 * are freed; returns true if that completes a group stop, and then the
 * caller calls signal_thread_left(p) once the locks are dropped (it tells
 * the parent). */
bool signal_thread_leave_locked(struct process *p, struct thread *t);
void signal_thread_left(struct process *p);

/* Child 'child' of 'parent' became a zombie (proc_lock held): sends the
 * parent its exit signal with CLD_EXITED/CLD_KILLED. Returns true if the
 * parent ignores SIGCHLD or asked SA_NOCLDWAIT: nobody will wait for the
 * child, which the caller reaps at once. */
bool signal_notify_exit_locked(struct process *parent, struct process *child);

/* Frees what is still queued for p (it is being freed). */
void signal_process_free(struct process *p);

/* The process is stopped or being stopped (a job-control stop), for the
 * orphaned-group rule (kernel/signal/pgrp.c). Reads one word. */
bool signal_process_stopped(struct process *p);

/* Whether 'sig' is ignored or blocked by the calling thread (the terminal
 * gives -EIO instead of sending SIGTTIN/SIGTTOU then). */
bool signal_ignored_or_blocked(int sig);

/* sigaltstack's stack_t. */
struct user_stack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

/* Linux's on_sig_stack(): sp lies on the alternate stack (never while it
 * is armed with SS_AUTODISARM: it is disarmed when a handler enters it). */
static inline bool signal_on_altstack(const struct thread_signals *ts, uint64_t sp)
{
    if (ts->altstack_flags & SS_AUTODISARM)
        return false;
    return sp > ts->altstack_sp && sp - ts->altstack_sp <= ts->altstack_size;
}

/* sigaltstack's ss_flags for a thread at user stack pointer sp:
 * SS_DISABLE, SS_ONSTACK or 0 (Linux's sas_ss_flags()). */
static inline int signal_altstack_state(const struct thread_signals *ts, uint64_t sp)
{
    if (!ts->altstack_size)
        return SS_DISABLE;
    return signal_on_altstack(ts, sp) ? SS_ONSTACK : 0;
}

/* sigaltstack(2) for the calling thread at user stack pointer sp: sets
 * *ss, or with ss NULL nothing. Returns 0, -EPERM (running on it), -EINVAL
 * or -ENOMEM (smaller than MINSIGSTKSZ). */
int signal_altstack_set(const struct user_stack *ss, uint64_t sp);

/* Wait status encodings (Linux's, as WIFEXITED etc. decode them). */
static inline int wait_status_exited(int code) { return (code & 0xff) << 8; }
static inline int wait_status_signaled(int sig) { return sig & 0x7f; }
static inline int wait_status_stopped(int sig) { return (sig << 8) | 0x7f; }
#define WAIT_STATUS_CONTINUED 0xffff

#endif
