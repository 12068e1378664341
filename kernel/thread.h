/*
 * Kernel threads. A thread is a kernel stack, a saved stack pointer and a
 * state; the scheduler (kernel/sched.h) moves it between run queues and
 * CPUs. See docs/sched.md.
 *
 * Lifetime: thread_create() returns a thread that is already runnable. When
 * fn returns (or the thread calls thread_exit()) it becomes DEAD; once its
 * CPU has switched away from it, it is marked 'exited'. Exactly one other
 * thread must then call thread_join(), which frees the stack and the struct,
 * unless the thread is 'detached' (user threads): then it is freed at once.
 * The boot thread and the idle threads never exit.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/signal.h"
#include "lib/list.h"

#define KSTACK_SIZE (16 * 1024)
#define THREAD_NAME_LEN 16

enum thread_state {
    THREAD_RUNNABLE, /* in a run queue, waiting for a CPU */
    THREAD_RUNNING,  /* the 'current' of its CPU */
    THREAD_SLEEPING, /* in no run queue; back only through sched_wake(). It
                        may still be current for a moment: between
                        prepare_to_wait() and its switch away. Preempted
                        in that moment, it goes back to RUNNABLE */
    THREAD_DEAD,     /* has exited; never runs again */
};

struct address_space;
struct process;
struct fpu_state;
struct vfork_wait;

struct thread {
    /* Written only by the thread's own CPU, in switch_context(). */
    uint64_t rsp;               /* saved stack pointer while switched out */

    /* Set at creation, then constant. */
    void *stack;                /* KSTACK_SIZE bytes (kmalloc); NULL: not owned
                                   (boot and AP boot stacks) */
    void (*fn)(void *arg);
    void *arg;
    int pinned_cpu;             /* -1: may run anywhere; else only there */
    int id;
    char name[THREAD_NAME_LEN];
    /* NULL: a kernel thread (runs on the kernel's own page tables). Changed
     * only by the thread itself (execve), with interrupts off. */
    struct address_space *as;

    /* User threads (kernel/process.h); proc is NULL in a kernel thread. */
    struct process *proc;       /* constant; holds a reference (L2) until freed */
    int tid;                    /* constant; gettid() */
    struct thread *proc_next;   /* the process's thread list (proc_lock) */
    uint64_t fs_base;           /* TLS base (arch_prctl); the thread itself */
    uint64_t clear_child_tid;   /* set_tid_address: zeroed and woken at exit */
    struct thread_signals sig;  /* masks, pending signals, alternate stack: kernel/signal.h */
    uint64_t robust_list;       /* set_robust_list: kept, not walked at exit */
    struct vfork_wait *vfork_wait; /* proc_lock: a vfork caller waiting for this thread */
    struct fpu_state *fpu;      /* x87/SSE registers while switched out (kmalloc) */

    /*
     * The run queue lock of CPU 'cpu' (kernel/sched.c) must be held to write
     * these. 'cpu' changes only while the thread is RUNNABLE and both the old
     * and the new CPU's run queue locks are held (load balancing), so a thread
     * that is RUNNING or SLEEPING stays on its CPU's queue lock.
     */
    enum thread_state state;
    int cpu;                    /* CPU it runs on, is queued on, or last ran on */
    struct list_node rq_node;   /* in the run queue, while RUNNABLE */

    /* Written only by the CPU running the thread (tick and schedule()). */
    int slice;                  /* ticks left before the tick asks to switch */
    uint64_t run_cycles;        /* TSC cycles it ran, up to its last switch away
                                   (read without a lock: a recent value) */

    /* Atomic: set (release) once the thread is DEAD and switched away from. */
    bool exited;

    /* Set before the thread first runs: nobody joins it; the scheduler
     * frees it once it is DEAD and switched away from (user threads). */
    bool detached;

    /* The thread itself: /proc links being followed now, one inside the
     * other (fs/procfs.c, P5); past PROC_LINK_DEPTH_MAX the lookup fails
     * with -ELOOP. */
    int proc_link_depth;
};

/* Creates a runnable thread that runs fn(arg) then exits, on the least
 * loaded CPU; returns it, or NULL if memory is exhausted. 'name' is copied. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);

/* Like thread_create(), but the thread runs only on 'cpu' (an online CPU). */
struct thread *thread_create_on(int cpu, const char *name, void (*fn)(void *), void *arg);

/* The CPU time 't' has used, in nanoseconds, up to its last switch away. */
uint64_t thread_cpu_ns(const struct thread *t);

/* Ends the calling thread. Must not be called by the boot or an idle thread. */
__attribute__((noreturn)) void thread_exit(void);

/* Sleeps until 't' has exited, then frees it. Each thread is joined once. */
void thread_join(struct thread *t);

/* The thread running on this CPU (one %gs-relative load, so it is right
 * even if the caller migrates right after). */
struct thread *current_thread(void);

/* Builds a thread that will start in fn(arg), pinned to 'cpu' unless it is
 * -1, but queues it nowhere (sched_add_new() does; idle threads never are).
 * Returns NULL if memory is exhausted. */
struct thread *thread_alloc(int cpu, const char *name, void (*fn)(void *), void *arg);

/* A thread for the code running now on this CPU, on a stack it does not own
 * (never freed): the boot code and each AP's idle loop. Panics without memory. */
struct thread *thread_adopt_current(const char *name, int pinned_cpu);

/* Makes a thread that has not run yet detached (see 'detached'). */
void thread_detach(struct thread *t);

/* Detached threads created and not yet freed (the leak check waits for 0). */
int thread_detached_count(void);

/* Called by the scheduler on the CPU that switched away from a DEAD thread:
 * marks it exited and wakes its joiner, or frees it if it is detached. */
void thread_reap(struct thread *t);

#endif
