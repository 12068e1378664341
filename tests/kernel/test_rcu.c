/* Grace periods, call_rcu, synchronize_rcu and rcu_barrier (kernel/rcu.h),
 * on every online CPU. */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/smp_call.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "mm/kmalloc.h"
#include "tests/kernel/ktest.h"

/* Generous: a grace period needs about one tick per CPU, but with the host
 * loaded a vCPU can stall for long. A grace period that never ends fails
 * the test instead of hanging the boot. */
#define TEST_TIMEOUT_S 30

/* Sleeps until the grace period of 'cookie' has ended or TEST_TIMEOUT_S
 * seconds have passed; returns true if it ended. */
static bool wait_for_grace_period(uint64_t cookie)
{
    uint64_t end = sched_ticks() + TEST_TIMEOUT_S * TIMER_HZ;
    while (!poll_state_synchronize_rcu(cookie)) {
        if (sched_ticks() >= end)
            return false;
        sleep_ticks(1);
    }
    return true;
}

/* Busy-waits (interrupts as they are) for 'ticks' timer periods of TSC time. */
static void spin_for_ticks(int ticks)
{
    uint64_t end = rdtsc() + (uint64_t)ticks * tsc_hz / TIMER_HZ;
    while (rdtsc() < end)
        cpu_relax();
}

/* ---- grace periods complete on every CPU, and only after each CPU's QS */

static int gp_waiters_done;

/* On each CPU: one synchronize_rcu() and one polled grace period. */
static void wait_grace_periods(void *arg)
{
    (void)arg;
    synchronize_rcu();
    uint64_t cookie = start_poll_synchronize_rcu();
    while (!poll_state_synchronize_rcu(cookie))
        sleep_ticks(1);
    __atomic_add_fetch(&gp_waiters_done, 1, __ATOMIC_RELEASE);
}

KTEST(rcu_grace_period_completes_on_every_cpu)
{
    static struct thread *threads[MAX_CPUS];
    static uint64_t qs_before[MAX_CPUS];
    struct rcu_stats before, after;
    rcu_get_stats(&before);

    for (int i = 0; i < cpu_count; i++)
        qs_before[i] = __atomic_load_n(&cpus[i].quiescent_states, __ATOMIC_ACQUIRE);
    uint64_t cookie = start_poll_synchronize_rcu();
    KASSERT(wait_for_grace_period(cookie));
    /* Necessary for a grace period: every CPU passed a quiescent state. */
    for (int i = 0; i < cpu_count; i++)
        KEXPECT(__atomic_load_n(&cpus[i].quiescent_states, __ATOMIC_ACQUIRE) > qs_before[i]);

    gp_waiters_done = 0;
    for (int i = 0; i < cpu_count; i++) {
        threads[i] = thread_create_on(i, "rcu-gp", wait_grace_periods, NULL);
        KASSERT(threads[i] != NULL);
    }
    KASSERT(ktest_wait_for_count(&gp_waiters_done, cpu_count, TEST_TIMEOUT_S));
    for (int i = 0; i < cpu_count; i++)
        thread_join(threads[i]);

    rcu_get_stats(&after);
    KEXPECT(after.grace_periods >= before.grace_periods + 2);
    KEXPECT(after.longest_gp_cycles > 0);
}

/* ---- every callback runs exactly once, after its grace period */

#define CALLBACKS_PER_CPU 300

struct counted_cb {
    struct rcu_head head;
    uint64_t cookie;   /* the grace period it must wait for, at least */
    int runs;
};

static int callbacks_ran, callbacks_early, queuers_done;

static void counted_callback(struct rcu_head *head)
{
    struct counted_cb *cb = (struct counted_cb *)head;
    if (!poll_state_synchronize_rcu(cb->cookie))
        __atomic_add_fetch(&callbacks_early, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&cb->runs, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&callbacks_ran, 1, __ATOMIC_RELEASE);
}

/* Queues its CPU's share of callbacks, every other one with interrupts
 * off, now and then sleeping so grace periods pass meanwhile. */
static void queue_callbacks(void *arg)
{
    struct counted_cb *cbs = arg;
    for (int i = 0; i < CALLBACKS_PER_CPU; i++) {
        uint64_t flags = i % 2 ? irq_save() : 0;
        cbs[i].cookie = start_poll_synchronize_rcu();
        call_rcu(&cbs[i].head, counted_callback);
        if (i % 2)
            irq_restore(flags);
        if (i % 64 == 0)
            sleep_ticks(1);
    }
    __atomic_add_fetch(&queuers_done, 1, __ATOMIC_RELEASE);
}

KTEST(rcu_callbacks_run_exactly_once_after_a_grace_period)
{
    static struct thread *threads[MAX_CPUS];
    int total = cpu_count * CALLBACKS_PER_CPU;
    struct counted_cb *cbs = kzalloc(total * sizeof(*cbs));
    KASSERT(cbs != NULL);
    callbacks_ran = callbacks_early = queuers_done = 0;

    for (int i = 0; i < cpu_count; i++) {
        threads[i] = thread_create_on(i, "rcu-queue", queue_callbacks,
                                      &cbs[i * CALLBACKS_PER_CPU]);
        KASSERT(threads[i] != NULL);
    }
    KASSERT(ktest_wait_for_count(&queuers_done, cpu_count, TEST_TIMEOUT_S));
    for (int i = 0; i < cpu_count; i++)
        thread_join(threads[i]);
    KASSERT(ktest_wait_for_count(&callbacks_ran, total, TEST_TIMEOUT_S));
    rcu_barrier();

    KEXPECT(callbacks_ran == total);
    KEXPECT(callbacks_early == 0);
    int wrong = 0;
    for (int i = 0; i < total; i++)
        wrong += cbs[i].runs != 1;
    KEXPECT(wrong == 0);
    kfree(cbs);
}

/* ---- synchronize_rcu waits for a reader still inside its section */

/* Long enough that a grace period wrongly ended by one of the reader's
 * ticks returns well before the reader leaves. */
#define READER_STAY_TICKS 20

static int reader_inside, writer_waiting, reader_left;

/* On another CPU: enters a read-side section (preemption off, or with
 * 'arg' interrupts off too), stays in it until the writer is about to
 * wait and for READER_STAY_TICKS more, then leaves. The ticks it takes
 * meanwhile must not count as quiescent states. */
static void slow_reader(void *arg)
{
    bool irqs_off = arg != NULL;
    uint64_t flags = irqs_off ? irq_save() : 0;
    rcu_read_lock();
    __atomic_store_n(&reader_inside, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&writer_waiting, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_for_ticks(READER_STAY_TICKS);
    __atomic_store_n(&reader_left, 1, __ATOMIC_RELEASE);
    rcu_read_unlock();
    if (irqs_off)
        irq_restore(flags);
}

static int writer_saw_left, writer_done;

/* On the CPU after the reader's: waits for a grace period once the reader
 * is inside, and notes whether the reader had left when the wait ended. */
static void waiting_writer(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&reader_inside, __ATOMIC_ACQUIRE))
        sleep_ticks(1);
    __atomic_store_n(&writer_waiting, 1, __ATOMIC_RELEASE);
    synchronize_rcu();
    writer_saw_left = __atomic_load_n(&reader_left, __ATOMIC_ACQUIRE);
    __atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
}

/* A reader on each CPU in turn, with preemption off on even CPUs and
 * interrupts off on odd ones (not on CPU 0: its tick drives the writer's
 * sleep_ticks); the writer on the next CPU. */
KTEST(rcu_synchronize_waits_for_a_reader_inside_its_section)
{
    if (cpu_count < 2) {
        printk("# rcu: the reader test needs 2 CPUs; nothing to check on 1\n");
        return;
    }
    for (int cpu = 0; cpu < cpu_count; cpu++) {
        reader_inside = writer_waiting = reader_left = writer_saw_left = writer_done = 0;
        struct thread *writer = thread_create_on((cpu + 1) % cpu_count, "rcu-writer",
                                                 waiting_writer, NULL);
        struct thread *reader = thread_create_on(cpu, "rcu-reader", slow_reader,
                                                 cpu % 2 ? (void *)1 : NULL);
        KASSERT(reader != NULL && writer != NULL);
        KASSERT(ktest_wait_for_count(&writer_done, 1, TEST_TIMEOUT_S));
        KEXPECT(writer_saw_left == 1);
        thread_join(writer);
        thread_join(reader);
    }
}

/* ---- rcu_barrier waits for every callback queued before it */

#define BARRIER_CALLBACKS 100

static struct rcu_head barrier_heads[BARRIER_CALLBACKS];
static struct rcu_head barrier_irq_heads[MAX_CPUS];
static int barrier_ran;

static void barrier_callback(struct rcu_head *head)
{
    (void)head;
    __atomic_add_fetch(&barrier_ran, 1, __ATOMIC_RELEASE);
}

/* From the call-function IPI, interrupts off: queues this CPU's callback. */
static void queue_from_interrupt(void *arg)
{
    (void)arg;
    call_rcu(&barrier_irq_heads[this_cpu_id()], barrier_callback);
}

KTEST(rcu_barrier_waits_for_every_callback)
{
    barrier_ran = 0;
    smp_call_function(CPUMASK_ALL(cpu_count), queue_from_interrupt, NULL, true);
    for (int i = 0; i < BARRIER_CALLBACKS; i++)
        call_rcu(&barrier_heads[i], barrier_callback);
    rcu_barrier();
    KEXPECT(__atomic_load_n(&barrier_ran, __ATOMIC_ACQUIRE) == BARRIER_CALLBACKS + cpu_count);

    struct rcu_stats stats;
    rcu_get_stats(&stats);
    KEXPECT(stats.callbacks_run >= (uint64_t)(BARRIER_CALLBACKS + cpu_count));
}

/* ---- idle CPUs and CPUs busy in preemptible kernel code do not stall */

static int idle_cpus(void)
{
    int n = 0;
    for (int i = 0; i < cpu_count; i++)
        n += __atomic_load_n(&cpus[i].current, __ATOMIC_RELAXED) == cpus[i].idle;
    return n;
}

KTEST(rcu_grace_period_completes_while_other_cpus_idle)
{
    /* Let the threads of earlier tests finish, so the others halt. */
    sleep_ticks(2);
    int idle = idle_cpus();
    uint64_t start = sched_ticks();
    uint64_t cookie = start_poll_synchronize_rcu();
    KEXPECT(wait_for_grace_period(cookie));
    printk("# rcu: %d of %d other CPUs idle; the grace period took %lu ticks\n", idle,
           cpu_count - 1, sched_ticks() - start);
    KEXPECT(idle == cpu_count - 1);
}

static int spinners_stop, spinners_running;

/* Spins in the kernel with preemption enabled and never sleeps: its CPU
 * passes quiescent states only at its ticks. */
static void kernel_spinner(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&spinners_running, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&spinners_stop, __ATOMIC_ACQUIRE))
        cpu_relax();
}

KTEST(rcu_grace_period_completes_while_cpus_busy_in_kernel)
{
    static struct thread *threads[MAX_CPUS];
    spinners_stop = spinners_running = 0;
    for (int i = 1; i < cpu_count; i++) {
        threads[i] = thread_create_on(i, "rcu-spin", kernel_spinner, NULL);
        KASSERT(threads[i] != NULL);
    }
    KASSERT(ktest_wait_for_count(&spinners_running, cpu_count - 1, TEST_TIMEOUT_S));
    bool ended = true;
    for (int round = 0; round < 3 && ended; round++)
        ended = wait_for_grace_period(start_poll_synchronize_rcu());
    __atomic_store_n(&spinners_stop, 1, __ATOMIC_RELEASE);
    for (int i = 1; i < cpu_count; i++)
        thread_join(threads[i]);
    KEXPECT(ended);
}
