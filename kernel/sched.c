/* The scheduler; see kernel/sched.h and docs/sched.md. */
#include "kernel/sched.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/tsc.h"
#include "kernel/arch_hooks.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/rcu.h"
#include "kernel/spinlock.h"
#include "kernel/wait.h"
#include "lib/list.h"
#include "mm/as.h"

/*
 * One run queue per CPU.
 *  - 'lock' is taken with interrupts off. It protects the list and
 *    nr_queued, and, for every thread t with t->cpu == this CPU, t->state
 *    and t->cpu; the CPU's 'current' changes only under it.
 *  - The list holds RUNNABLE threads only, oldest first. The current thread
 *    and the idle thread are never in it.
 *  - The lock is held across switch_context(): the thread that switches
 *    away takes it, the thread switched to drops it (finish_switch). So
 *    whoever holds the lock and finds a thread in the list, or finds a
 *    SLEEPING thread that is not 'current', knows its registers are saved.
 *  - Two run queue locks are taken in CPU id order (steal_work). A wait
 *    queue lock comes before a run queue lock.
 *  - nr_queued is written under the lock and read without it (atomic) as a
 *    load hint; 'ready' is set once (release) when the CPU joins.
 */
struct runqueue {
    struct spinlock lock;
    struct list queue;          /* RUNNABLE threads, through thread->rq_node */
    int nr_queued;
    bool ready;
};

static struct runqueue runqueues[MAX_CPUS];
static uint64_t ticks; /* atomic; written by CPU 0's tick */

/* The load averages (Linux's kernel/sched/loadavg.c): every LOAD_FREQ
 * ticks, CPU 0 counts the threads running or queued on every CPU and moves
 * each average towards that count with decay EXP_1/5/15 (1, 5 and 15
 * minutes). Fixed point with FSHIFT fraction bits; atomic, written by CPU
 * 0's tick only. */
#define LOAD_FREQ (5 * TIMER_HZ + 1)
static const uint64_t load_decay[3] = {1884, 2014, 2037}; /* FIXED_1 / exp(5 s / 1, 5, 15 min) */
static uint64_t avenrun[3];

/* switch.asm: saves this thread's registers and rsp (into *save_rsp), resumes
 * the thread whose rsp is load_rsp; returns, in that thread, the thread that
 * switched to it. */
struct thread *switch_context(struct thread *prev, uint64_t *save_rsp, uint64_t load_rsp);

/* Appends 't' to 'rq'; caller holds rq->lock. */
static void rq_push(struct runqueue *rq, struct thread *t)
{
    list_push_tail(&rq->queue, &t->rq_node);
    __atomic_store_n(&rq->nr_queued, rq->nr_queued + 1, __ATOMIC_RELAXED);
}

/* Takes 't' out of 'rq'; caller holds rq->lock. */
static void rq_remove(struct runqueue *rq, struct thread *t)
{
    list_remove(&rq->queue, &t->rq_node);
    __atomic_store_n(&rq->nr_queued, rq->nr_queued - 1, __ATOMIC_RELAXED);
}

static int rq_load_hint(int cpu)
{
    return __atomic_load_n(&runqueues[cpu].nr_queued, __ATOMIC_RELAXED);
}

bool sched_cpu_ready(int cpu)
{
    return cpu >= 0 && cpu < MAX_CPUS && __atomic_load_n(&runqueues[cpu].ready, __ATOMIC_ACQUIRE);
}

/* Locks the run queue that 't' belongs to and returns it; interrupts off.
 * Retries if the thread migrates between reading t->cpu and locking. */
static struct runqueue *lock_thread_rq(struct thread *t)
{
    for (;;) {
        int cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
        struct runqueue *rq = &runqueues[cpu];
        spin_lock(&rq->lock);
        if (t->cpu == cpu)
            return rq;
        spin_unlock(&rq->lock);
    }
}

/* Makes 'cpu' look at its run queue soon: at once if it is idle (itself or
 * through an IPI); a busy CPU looks at the end of its slice. Interrupts off. */
static void kick_cpu(int cpu)
{
    struct cpu *c = &cpus[cpu];
    if (__atomic_load_n(&c->current, __ATOMIC_RELAXED) != c->idle)
        return;
    if (c == this_cpu())
        c->need_resched = true;
    else
        lapic_send_ipi(c->apic_id, VECTOR_IPI_RESCHED);
}

/*
 * The user half of a switch, from schedule() with the run queue lock held
 * and interrupts off:
 *  - the address space: when next->as is not prev->as, as_switch() loads
 *    next's page tables (the kernel's own for a kernel thread, so an
 *    address space that dies is never left loaded) and moves this CPU's bit
 *    in the address spaces' active_cpus, which TLB shootdowns go to;
 *  - the kernel stack the CPU enters on from user mode (TSS rsp0 and the
 *    syscall stack): the top of next's stack;
 *  - the x87/SSE registers and the TLS base (FS base) of user threads.
 */
static void switch_user_context(struct thread *prev, struct thread *next)
{
    if (prev->as != next->as)
        as_switch(prev->as, next->as);
    if (prev->fpu)
        fpu_save(prev->fpu);
    if (next->proc) {
        arch_set_kernel_stack((uint64_t)next->stack + KSTACK_SIZE);
        fpu_restore(next->fpu);
        arch_set_fs_base(next->fs_base);
    }
}

/* Second half of a switch, on the thread switched to: drops the run queue
 * lock schedule() took, and reaps 'prev' if it was exiting. Interrupts off. */
static void finish_switch(struct thread *prev)
{
    struct runqueue *rq = &runqueues[this_cpu_id()];
    /* Read under the lock: once it is dropped, a live prev can migrate. */
    bool reap = prev->state == THREAD_DEAD;
    spin_unlock(&rq->lock);
    if (reap)
        thread_reap(prev);
}

/*
 * schedule() and preemption. 'preempted': the thread did not ask to stop
 * (tick, IPI, preempt_enable). Then a SLEEPING thread stays runnable: it may
 * be between prepare_to_wait() and its test of the condition, or past a test
 * that found the condition true after the only wake-up came (while the queue
 * was empty); taking it off the CPU now would lose that wake-up. wait_event()
 * marks it SLEEPING again before it tests once more.
 */
static void schedule_common(bool preempted)
{
    uint64_t flags = irq_save();
    struct cpu *cpu = this_cpu();
    if (cpu->preempt_count != 0)
        panic("schedule() with preemption disabled (preempt_count %d) in thread '%s'",
              cpu->preempt_count, cpu->current->name);
    struct runqueue *rq = &runqueues[cpu->id];
    struct thread *prev = cpu->current;

    rcu_note_quiescent_state();
    spin_lock(&rq->lock);
    cpu->need_resched = false;
    if (prev->state == THREAD_RUNNING || (preempted && prev->state == THREAD_SLEEPING)) {
        prev->state = THREAD_RUNNABLE;
        if (prev != cpu->idle)
            rq_push(rq, prev);
    }
    struct thread *next = list_first_entry(&rq->queue, struct thread, rq_node);
    if (next)
        rq_remove(rq, next);
    else
        next = cpu->idle;
    next->state = THREAD_RUNNING;
    next->slice = SCHED_SLICE_TICKS;
    if (next != prev) {
        uint64_t now = rdtsc(); /* prev's run ends, next's starts */
        __atomic_store_n(&prev->run_cycles, prev->run_cycles + (now - cpu->switched_tsc),
                         __ATOMIC_RELAXED);
        __atomic_store_n(&cpu->switched_tsc, now, __ATOMIC_RELAXED);
        __atomic_store_n(&cpu->switches, cpu->switches + 1, __ATOMIC_RELAXED);
        __atomic_store_n(&cpu->current, next, __ATOMIC_RELAXED);
        switch_user_context(prev, next);
        prev = switch_context(prev, &prev->rsp, next->rsp);
    }
    finish_switch(prev);
    irq_restore(flags);
}

void schedule(void)
{
    schedule_common(false);
}

void yield(void)
{
    schedule();
}

void sched_thread_start(struct thread *prev)
{
    finish_switch(prev);
    irq_enable();
    struct thread *t = current_thread();
    t->fn(t->arg);
    thread_exit();
}

void preempt_schedule(void)
{
    uint64_t flags = irq_save();
    bool go = this_cpu()->preempt_count == 0 && this_cpu()->need_resched;
    irq_restore(flags);
    if (go)
        schedule_common(true);
}

void sched_preempt_from_irq(void)
{
    struct cpu *cpu = this_cpu();
    if (sched_cpu_ready(cpu->id) && cpu->need_resched && cpu->preempt_count == 0)
        schedule_common(true);
}

/* CPU 0's tick, every LOAD_FREQ: one step of the three averages. */
static void update_load_averages(void)
{
    uint64_t active = 0;
    for (int c = 0; c < cpu_count; c++) {
        struct cpu *other = &cpus[c];
        active += (uint64_t)rq_load_hint(c) +
                  (__atomic_load_n(&other->current, __ATOMIC_RELAXED) != other->idle);
    }
    active *= FIXED_1;
    for (int i = 0; i < 3; i++) {
        uint64_t load = __atomic_load_n(&avenrun[i], __ATOMIC_RELAXED);
        uint64_t next = load * load_decay[i] + active * (FIXED_1 - load_decay[i]);
        if (active >= load)
            next += FIXED_1 - 1; /* round up while the load grows, as Linux */
        __atomic_store_n(&avenrun[i], next / FIXED_1, __ATOMIC_RELAXED);
    }
}

void sched_load_averages(uint64_t loads[3])
{
    for (int i = 0; i < 3; i++)
        loads[i] = __atomic_load_n(&avenrun[i], __ATOMIC_RELAXED);
}

void sched_tick(void)
{
    struct cpu *cpu = this_cpu();
    if (!sched_cpu_ready(cpu->id))
        return;
    if (cpu->id == 0) {
        if (__atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED) % LOAD_FREQ == 0)
            update_load_averages();
        sleep_tick();
    }
    struct thread *t = cpu->current;
    if (t != cpu->idle)
        t->slice--;
    if (rq_load_hint(cpu->id) > 0 && (t == cpu->idle || t->slice <= 0))
        cpu->need_resched = true;
}

void sched_ipi(void)
{
    this_cpu()->need_resched = true;
}

uint64_t sched_ticks(void)
{
    return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

void sched_set_current_state(enum thread_state state)
{
    uint64_t flags = irq_save();
    struct runqueue *rq = &runqueues[this_cpu_id()];
    spin_lock(&rq->lock);
    this_cpu()->current->state = state;
    spin_unlock(&rq->lock);
    irq_restore(flags);
}

void sched_wake(struct thread *t)
{
    uint64_t flags = irq_save();
    struct runqueue *rq = lock_thread_rq(t);
    int cpu = t->cpu;
    bool queued = false;
    if (t->state == THREAD_SLEEPING) {
        if (cpus[cpu].current == t) {
            /* It has not switched away yet: cancel the sleep. */
            t->state = THREAD_RUNNING;
        } else {
            t->state = THREAD_RUNNABLE;
            rq_push(rq, t);
            queued = true;
        }
    }
    spin_unlock(&rq->lock);
    if (queued)
        kick_cpu(cpu);
    irq_restore(flags);
}

/* The ready CPU with the fewest threads (queued, plus the running one if it
 * is not the idle thread); the lowest id on a tie. Racy: a hint. */
static int least_loaded_cpu(void)
{
    int best = -1, best_load = 0;
    for (int i = 0; i < MAX_CPUS; i++) {
        if (!sched_cpu_ready(i))
            continue;
        struct cpu *c = &cpus[i];
        int load = rq_load_hint(i) + (__atomic_load_n(&c->current, __ATOMIC_RELAXED) != c->idle);
        if (best < 0 || load < best_load) {
            best = i;
            best_load = load;
        }
    }
    return best;
}

void sched_add_new(struct thread *t)
{
    int cpu = t->pinned_cpu >= 0 ? t->pinned_cpu : least_loaded_cpu();
    ASSERT(sched_cpu_ready(cpu));
    struct runqueue *rq = &runqueues[cpu];
    uint64_t flags = spin_lock_irqsave(&rq->lock);
    __atomic_store_n(&t->cpu, cpu, __ATOMIC_RELAXED);
    t->state = THREAD_RUNNABLE;
    rq_push(rq, t);
    spin_unlock(&rq->lock);
    kick_cpu(cpu);
    irq_restore(flags);
}

/*
 * Idle CPU 'me', interrupts off: moves one unpinned RUNNABLE thread from the
 * CPU with the longest run queue to this one. Returns true if it did.
 */
static bool steal_work(int me)
{
    int victim = -1, most = 0;
    for (int i = 0; i < MAX_CPUS; i++) {
        if (i != me && sched_cpu_ready(i) && rq_load_hint(i) > most) {
            victim = i;
            most = rq_load_hint(i);
        }
    }
    if (victim < 0)
        return false;

    struct runqueue *mine = &runqueues[me], *theirs = &runqueues[victim];
    spin_lock(me < victim ? &mine->lock : &theirs->lock);
    spin_lock(me < victim ? &theirs->lock : &mine->lock);
    struct thread *t = NULL;
    for (struct list_node *n = theirs->queue.tail; n && !t; n = n->prev)
        if (list_entry(n, struct thread, rq_node)->pinned_cpu < 0)
            t = list_entry(n, struct thread, rq_node);
    if (t) {
        rq_remove(theirs, t);
        __atomic_store_n(&t->cpu, me, __ATOMIC_RELAXED);
        rq_push(mine, t);
    }
    spin_unlock(&theirs->lock);
    spin_unlock(&mine->lock);
    return t != NULL;
}

/* The idle thread's loop: run what is queued here, else steal, else halt
 * until an interrupt (the tick, or a resched IPI). */
__attribute__((noreturn)) static void idle_loop(void)
{
    int me = this_cpu_id(); /* idle threads never migrate */
    for (;;) {
        irq_disable();
        rcu_note_quiescent_state();
        if (rq_load_hint(me) > 0 || steal_work(me)) {
            irq_enable();
            schedule();
        } else {
            irq_enable_and_halt(); /* no wake-up slips between the two */
        }
    }
}

static void idle_entry(void *arg)
{
    (void)arg;
    idle_loop();
}

/* Opens this CPU's run queue with 'running' as its current thread. */
static void sched_init_cpu(struct thread *running, struct thread *idle)
{
    struct cpu *cpu = this_cpu();
    struct runqueue *rq = &runqueues[cpu->id];
    spin_init(&rq->lock, "runqueue");
    running->cpu = cpu->id;
    running->state = THREAD_RUNNING;
    running->slice = SCHED_SLICE_TICKS;
    idle->cpu = cpu->id;
    idle->state = running == idle ? THREAD_RUNNING : THREAD_RUNNABLE;
    cpu->idle = idle;
    cpu->switched_tsc = rdtsc();
    __atomic_store_n(&cpu->current, running, __ATOMIC_RELAXED);
    __atomic_store_n(&rq->ready, true, __ATOMIC_RELEASE);
}

void sched_init(void)
{
    uint64_t flags = irq_save();
    /* Pinned: the boot code may rely on running on the boot CPU. */
    struct thread *main = thread_adopt_current("main", 0);
    struct thread *idle = thread_alloc(0, "idle", idle_entry, NULL);
    if (!idle)
        panic("no memory for CPU 0's idle thread");
    sched_init_cpu(main, idle);
    irq_restore(flags);
}

void sched_init_ap(void)
{
    ASSERT(!irqs_enabled());
    struct thread *idle = thread_adopt_current("idle", this_cpu_id());
    sched_init_cpu(idle, idle);
}

void sched_run_idle(void)
{
    ASSERT(current_thread() == this_cpu()->idle);
    irq_enable();
    idle_loop();
}

uint64_t sched_idle_ns(int cpu)
{
    struct cpu *c = &cpus[cpu];
    if (!c->idle)
        return 0;
    uint64_t ns = thread_cpu_ns(c->idle);
    if (__atomic_load_n(&c->current, __ATOMIC_RELAXED) == c->idle) {
        uint64_t since = __atomic_load_n(&c->switched_tsc, __ATOMIC_RELAXED);
        uint64_t now = rdtsc();
        ns += now > since ? tsc_to_ns(now - since) : 0;
    }
    return ns;
}
