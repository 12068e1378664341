/* Kernel threads: creation, exit, join; see kernel/thread.h. */
#include "kernel/thread.h"

#include <stddef.h>

#include "arch/x86_64/trap.h"
#include "kernel/arch_hooks.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/wait.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* switch.asm: where a new thread's first switch lands. */
extern char thread_trampoline[];

/* Joiners sleep here; every exit wakes them all (they re-check 'exited'). */
static struct wait_queue exit_wq = WAIT_QUEUE_INIT("thread_exit");
static int next_thread_id; /* atomic */

static int detached_live; /* atomic: detached threads not yet freed */

static void thread_free(struct thread *t);

/* A zeroed thread with its name, id and pin; NULL if memory is exhausted. */
static struct thread *thread_new(const char *name, int pinned_cpu)
{
    struct thread *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    memcpy(t->name, name, strnlen(name, sizeof(t->name) - 1));
    t->id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
    t->pinned_cpu = pinned_cpu;
    return t;
}

struct thread *thread_alloc(int cpu, const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = thread_new(name, cpu);
    if (!t)
        return NULL;
    t->stack = kmalloc(KSTACK_SIZE);
    if (!t->stack) {
        kfree(t);
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    /*
     * The stack as switch_context() expects to find it (top down): room for
     * the user registers (struct trap_frame, which the CPU or the syscall
     * entry saves there on every entry from user mode; unused by kernel
     * threads), two zero words (padding, keeps rsp 16-byte aligned at the
     * call in thread_trampoline), the return address thread_trampoline, then
     * rbp, rbx, r12..r15, all zero (rbp 0 ends the backtrace chain).
     */
    uint64_t *top = (uint64_t *)((char *)t->stack + KSTACK_SIZE - sizeof(struct trap_frame));
    memset(top - 9, 0, 9 * sizeof(uint64_t));
    top[-3] = (uint64_t)thread_trampoline;
    t->rsp = (uint64_t)(top - 9);
    return t;
}

struct thread *thread_create_on(int cpu, const char *name, void (*fn)(void *), void *arg)
{
    ASSERT(cpu == -1 || sched_cpu_ready(cpu));
    struct thread *t = thread_alloc(cpu, name, fn, arg);
    if (t)
        sched_add_new(t);
    return t;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    return thread_create_on(-1, name, fn, arg);
}

struct thread *thread_adopt_current(const char *name, int pinned_cpu)
{
    struct thread *t = thread_new(name, pinned_cpu);
    if (!t)
        panic("no memory for thread '%s'", name);
    return t;
}

void thread_exit(void)
{
    struct thread *t = current_thread();
    ASSERT(t->stack != NULL && t != this_cpu()->idle);
    sched_set_current_state(THREAD_DEAD);
    schedule();
    panic("dead thread '%s' ran again", t->name);
}

void thread_reap(struct thread *t)
{
    if (t->detached) {
        thread_free(t);
        return;
    }
    __atomic_store_n(&t->exited, true, __ATOMIC_RELEASE);
    wake_up_all(&exit_wq);
}

void thread_detach(struct thread *t)
{
    t->detached = true;
    __atomic_fetch_add(&detached_live, 1, __ATOMIC_RELAXED);
}

int thread_detached_count(void)
{
    return __atomic_load_n(&detached_live, __ATOMIC_ACQUIRE);
}

/* Frees what thread_alloc() and the user-thread code allocated, and drops
 * a user thread's reference on its process (kernel/process.h, L2). */
static void thread_free(struct thread *t)
{
    if (t->proc)
        process_put(t->proc);
    if (t->detached)
        __atomic_fetch_sub(&detached_live, 1, __ATOMIC_RELEASE);
    kfree(t->fpu);
    kfree(t->stack);
    kfree(t);
}

void thread_join(struct thread *t)
{
    ASSERT(t != current_thread());
    wait_event(&exit_wq, __atomic_load_n(&t->exited, __ATOMIC_ACQUIRE));
    thread_free(t);
}

struct thread *current_thread(void)
{
    return arch_percpu_read_ptr(offsetof(struct cpu, current));
}

struct address_space *current_as(void)
{
    return current_thread()->as;
}
