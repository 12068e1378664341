/* Kernel threads, the scheduler and wait queues, on every online CPU. */
#include "arch/x86_64/apic.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "mm/kmalloc.h"
#include "tests/kernel/ktest.h"

/* Generous: with the host loaded, a hand-off between vCPUs can take
 * milliseconds; a lost wake-up hangs forever anyway. */
#define TEST_TIMEOUT_S 60

static int online_cpus(void)
{
    int n = 0;
    while (n < MAX_CPUS && sched_cpu_ready(n))
        n++;
    return n;
}

/* ---- a thread pinned to each CPU runs there */

struct where {
    int cpu;
    int *done;
};

static void report_cpu(void *arg)
{
    struct where *w = arg;
    w->cpu = this_cpu_id();
    __atomic_add_fetch(w->done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_pinned_thread_runs_on_its_cpu)
{
    static struct where where[MAX_CPUS];
    static struct thread *threads[MAX_CPUS];
    int n = online_cpus(), done = 0;
    KASSERT(n >= 1 && n == cpu_count);
    for (int i = 0; i < n; i++) {
        where[i] = (struct where){ -1, &done };
        threads[i] = thread_create_on(i, "pinned", report_cpu, &where[i]);
        KASSERT(threads[i] != NULL);
    }
    KASSERT(ktest_wait_for_count(&done, n, TEST_TIMEOUT_S));
    for (int i = 0; i < n; i++) {
        thread_join(threads[i]);
        KEXPECT(where[i].cpu == i);
    }
}

/* ---- more threads than CPUs all finish, every CPU helps, all are freed */

#define MANY_THREADS 16
#define MANY_WORK_TICKS 3

struct worker {
    uint64_t cpus_seen; /* bit i: ran on CPU i at some point */
    int *done;
};

/* Busy for MANY_WORK_TICKS ticks (so that every CPU gets a share before
 * the first idle one could steal it all), noting each CPU it runs on. */
static void work_a_while(void *arg)
{
    struct worker *w = arg;
    uint64_t end = sched_ticks() + MANY_WORK_TICKS;
    while (sched_ticks() < end)
        w->cpus_seen |= 1ul << this_cpu_id();
    __atomic_add_fetch(w->done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_many_threads_run_to_completion)
{
    static struct worker workers[MANY_THREADS];
    static struct thread *threads[MANY_THREADS];
    uint64_t objects_before = kmalloc_in_use();
    int done = 0;
    for (int i = 0; i < MANY_THREADS; i++) {
        workers[i] = (struct worker){ 0, &done };
        threads[i] = thread_create("many", work_a_while, &workers[i]);
        KASSERT(threads[i] != NULL);
    }
    KASSERT(ktest_wait_for_count(&done, MANY_THREADS, TEST_TIMEOUT_S));
    uint64_t seen = 0;
    for (int i = 0; i < MANY_THREADS; i++) {
        thread_join(threads[i]);
        seen |= workers[i].cpus_seen;
    }
    for (int i = 0; i < online_cpus(); i++)
        KEXPECT(seen & (1ul << i));
    KEXPECT(kmalloc_in_use() == objects_before);
}

/* ---- no lost wake-up: two threads on two CPUs hand a token back and forth */

#define PINGPONG_ROUNDS 10000

struct pingpong {
    struct wait_queue wq[2];
    int turn;   /* whose turn: 0 or 1 */
    int done;
};

static struct pingpong pp;

static void pingpong_player(void *arg)
{
    int me = (int)(long)arg, other = 1 - me;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        wait_event(&pp.wq[me], __atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) == me);
        __atomic_store_n(&pp.turn, other, __ATOMIC_RELEASE);
        wake_up(&pp.wq[other]);
    }
    __atomic_add_fetch(&pp.done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_wait_queue_pingpong_loses_no_wakeup)
{
    int n = online_cpus();
    wait_queue_init(&pp.wq[0], "ping");
    wait_queue_init(&pp.wq[1], "pong");
    pp.turn = 0;
    pp.done = 0;
    struct thread *a = thread_create_on(n - 1, "ping", pingpong_player, (void *)0l);
    struct thread *b = thread_create_on(n > 2 ? n - 2 : 0, "pong", pingpong_player, (void *)1l);
    KASSERT(a && b);
    KASSERT(ktest_wait_for_count(&pp.done, 2, TEST_TIMEOUT_S));
    thread_join(a);
    thread_join(b);
    KEXPECT(pp.turn == 0);
}

/* ---- wake_up_all reaches every sleeper of a crowded queue */

#define CROWD 12

static struct wait_queue crowd_wq = WAIT_QUEUE_INIT("crowd");
static int crowd_gate, crowd_waiting, crowd_done;

static void crowd_member(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&crowd_waiting, 1, __ATOMIC_RELEASE);
    wait_event(&crowd_wq, __atomic_load_n(&crowd_gate, __ATOMIC_ACQUIRE));
    __atomic_add_fetch(&crowd_done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_wake_up_all_wakes_every_sleeper)
{
    static struct thread *threads[CROWD];
    for (int i = 0; i < CROWD; i++) {
        threads[i] = thread_create("crowd", crowd_member, NULL);
        KASSERT(threads[i] != NULL);
    }
    KASSERT(ktest_wait_for_count(&crowd_waiting, CROWD, TEST_TIMEOUT_S));
    sleep_ticks(2);
    KEXPECT(__atomic_load_n(&crowd_done, __ATOMIC_ACQUIRE) == 0);
    __atomic_store_n(&crowd_gate, 1, __ATOMIC_RELEASE);
    wake_up_all(&crowd_wq);
    KASSERT(ktest_wait_for_count(&crowd_done, CROWD, TEST_TIMEOUT_S));
    for (int i = 0; i < CROWD; i++)
        thread_join(threads[i]);
}

/* ---- sleep_ms sleeps at least that long */

KTEST(sched_sleep_ms_waits_long_enough)
{
    uint64_t start = sched_ticks();
    sleep_ms(50);
    uint64_t slept = sched_ticks() - start;
    KEXPECT(slept >= 50 * TIMER_HZ / 1000);
    KEXPECT(slept < 50 * TIMER_HZ / 1000 + 10);
}

/* ---- the tick preempts: two spinning threads pinned to one CPU both run */

struct spinner {
    uint64_t count;
    int *stop;
    int *done;
};

static void spin_until_stopped(void *arg)
{
    struct spinner *s = arg;
    while (!__atomic_load_n(s->stop, __ATOMIC_ACQUIRE))
        __atomic_store_n(&s->count, s->count + 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(s->done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_tick_preempts_cpu_bound_threads)
{
    static struct spinner spinners[2];
    static struct thread *threads[2];
    int stop = 0, done = 0, cpu = online_cpus() - 1;
    for (int i = 0; i < 2; i++) {
        spinners[i] = (struct spinner){ 0, &stop, &done };
        threads[i] = thread_create_on(cpu, "spinner", spin_until_stopped, &spinners[i]);
        KASSERT(threads[i] != NULL);
    }
    /* Several slices each; the main thread (CPU 0) also needs the tick to
     * come back when cpu is 0. */
    sleep_ticks(8 * SCHED_SLICE_TICKS);
    uint64_t first[2] = { spinners[0].count, spinners[1].count };
    sleep_ticks(8 * SCHED_SLICE_TICKS);
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    KASSERT(ktest_wait_for_count(&done, 2, TEST_TIMEOUT_S));
    for (int i = 0; i < 2; i++) {
        thread_join(threads[i]);
        KEXPECT(first[i] > 0);
        KEXPECT(spinners[i].count > first[i]);
    }
}

/* ---- preempt_disable(), and holding a spinlock, hold the tick off */

struct holdoff {
    struct spinlock *lock; /* NULL: preempt_disable() instead */
    struct spinner *rival; /* spins on the same CPU */
    bool rival_ran;
    int *done;
};

/* For a few slices with preemption off (or a spinlock held), watches
 * whether the rival thread of the same CPU ran meanwhile. */
static void hold_the_cpu(void *arg)
{
    struct holdoff *h = arg;
    if (h->lock)
        spin_lock(h->lock);
    else
        preempt_disable();
    uint64_t before = __atomic_load_n(&h->rival->count, __ATOMIC_RELAXED);
    uint64_t end = sched_ticks() + 4 * SCHED_SLICE_TICKS;
    while (sched_ticks() < end)
        cpu_relax();
    h->rival_ran = __atomic_load_n(&h->rival->count, __ATOMIC_RELAXED) != before;
    if (h->lock)
        spin_unlock(h->lock);
    else
        preempt_enable();
    __atomic_add_fetch(h->done, 1, __ATOMIC_RELEASE);
}

/* Runs hold_the_cpu() next to a spinning rival on the last CPU. Returns 1
 * if the rival ran while it held the CPU, 0 if not (right), -1 if a thread
 * could not be made or did not finish. */
static int rival_ran_during_holdoff(struct spinlock *lock)
{
    static struct spinner rival;
    static struct holdoff holdoff;
    int stop = 0, done = 0, cpu = online_cpus() - 1;
    rival = (struct spinner){ 0, &stop, &done };
    holdoff = (struct holdoff){ lock, &rival, true, &done };
    struct thread *r = thread_create_on(cpu, "rival", spin_until_stopped, &rival);
    if (!r)
        return -1;
    sleep_ticks(2);
    struct thread *h = thread_create_on(cpu, "holdoff", hold_the_cpu, &holdoff);
    bool finished = h && ktest_wait_for_count(&done, 1, TEST_TIMEOUT_S);
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    if (!finished || !ktest_wait_for_count(&done, 2, TEST_TIMEOUT_S))
        return -1;
    thread_join(r);
    thread_join(h);
    return holdoff.rival_ran;
}

KTEST(sched_preempt_disable_holds_off_the_tick)
{
    KEXPECT(rival_ran_during_holdoff(NULL) == 0);
}

KTEST(sched_spinlock_holder_is_not_preempted)
{
    static struct spinlock lock = SPINLOCK_INIT("holdoff");
    KEXPECT(rival_ran_during_holdoff(&lock) == 0);
}

/* ---- a CPU waiting in spin_lock_irqsave() still takes interrupts */

struct irqsave_wait {
    struct spinlock lock;
    int go, waiting;
    uint64_t ticks_before, ticks_after; /* the waiter's CPU's timer interrupts */
    int done;
};

/* On CPU 1: waits for 'go', then for the lock, with spin_lock_irqsave(). */
static void wait_irqsave(void *arg)
{
    struct irqsave_wait *w = arg;
    while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE))
        cpu_relax();
    __atomic_store_n(&w->waiting, 1, __ATOMIC_RELEASE);
    uint64_t flags = spin_lock_irqsave(&w->lock);
    spin_unlock_irqrestore(&w->lock, flags);
    __atomic_add_fetch(&w->done, 1, __ATOMIC_RELEASE);
}

/* Spins until sched_ticks() reaches 'end' or *flag is set (NULL: none). */
static void spin_until(uint64_t end, const int *flag)
{
    while (sched_ticks() < end && !(flag && __atomic_load_n(flag, __ATOMIC_ACQUIRE)))
        cpu_relax();
}

/* On CPU 0: holds the lock while CPU 1 waits for it, and counts CPU 1's
 * timer interrupts over 20 ticks of that wait. */
static void hold_while_waited(void *arg)
{
    struct irqsave_wait *w = arg;
    spin_lock(&w->lock);
    __atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
    spin_until(sched_ticks() + 100 * TEST_TIMEOUT_S, &w->waiting);
    spin_until(sched_ticks() + 2, NULL); /* into its wait */
    w->ticks_before = __atomic_load_n(&cpus[1].ticks, __ATOMIC_RELAXED);
    spin_until(sched_ticks() + 20, NULL);
    w->ticks_after = __atomic_load_n(&cpus[1].ticks, __ATOMIC_RELAXED);
    spin_unlock(&w->lock);
    __atomic_add_fetch(&w->done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_spin_lock_irqsave_waits_with_interrupts_on)
{
    static struct irqsave_wait w;
    if (online_cpus() < 2)
        return;
    w = (struct irqsave_wait){ .lock = SPINLOCK_INIT("irqsave_wait") };
    struct thread *waiter = thread_create_on(1, "irqsave_waiter", wait_irqsave, &w);
    struct thread *holder = thread_create_on(0, "irqsave_holder", hold_while_waited, &w);
    KASSERT(waiter && holder);
    KASSERT(ktest_wait_for_count(&w.done, 2, TEST_TIMEOUT_S));
    thread_join(waiter);
    thread_join(holder);
    KEXPECT(w.waiting == 1);
    KEXPECT(w.ticks_after > w.ticks_before);
}

/* ---- lock torture: threads on every CPU increment one counter exactly */

/* Acquisitions in all, shared by the threads. Kept small: with 4 vCPUs on a
 * 2-core host, a holder descheduled by the host keeps every other thread
 * spinning for milliseconds. */
#define TORTURE_TOTAL 2000

static struct spinlock torture_lock = SPINLOCK_INIT("torture");
static uint64_t torture_counter;
static int torture_done, torture_abort;

static void torture(void *arg)
{
    int rounds = (int)(long)arg;
    for (int i = 0; i < rounds && !__atomic_load_n(&torture_abort, __ATOMIC_RELAXED); i++) {
        spin_lock(&torture_lock);
        uint64_t v = torture_counter;
        /* A wide window between read and write, so that other CPUs hit it. */
        for (int k = 0; k < 50; k++)
            cpu_relax();
        torture_counter = v + 1;
        spin_unlock(&torture_lock);
    }
    __atomic_add_fetch(&torture_done, 1, __ATOMIC_RELEASE);
}

KTEST(sched_lock_torture_counts_exactly)
{
    static struct thread *threads[2 * MAX_CPUS];
    int n = 2 * online_cpus();
    if (n < 4)
        n = 4;
    torture_counter = 0;
    torture_done = 0;
    torture_abort = 0;
    for (int i = 0; i < n; i++) {
        threads[i] = thread_create_on(i % online_cpus(), "torture", torture,
                                      (void *)(long)(TORTURE_TOTAL / n));
        KASSERT(threads[i] != NULL);
    }
    /* On a time-out, stop the threads rather than leave them to slow down
     * the tests that follow. */
    bool finished = ktest_wait_for_count(&torture_done, n, TEST_TIMEOUT_S);
    __atomic_store_n(&torture_abort, 1, __ATOMIC_RELAXED);
    KASSERT(finished || ktest_wait_for_count(&torture_done, n, TEST_TIMEOUT_S));
    for (int i = 0; i < n; i++)
        thread_join(threads[i]);
    KEXPECT(finished);
    KEXPECT(torture_counter == (uint64_t)n * (TORTURE_TOTAL / n));
}
