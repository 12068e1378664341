/* Benchmarks: IPI round trip, TLB shootdown, context switch, grace-period
 * latency, mincore with and without the lockless walker, page-fault cost and
 * reclaim IPIs per free strategy; see tests/kernel/bench.h. */
#include "tests/kernel/bench.h"

#include <stdint.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tsc.h"
#include "drivers/poweroff.h"
#include "kernel/boot_hook.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/smp_call.h"
#include "kernel/thread.h"
#include "kernel/tlb_shootdown.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "mm/as.h"
#include "mm/as_mman.h"
#include "mm/frame.h"
#include "mm/gup_fast.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"

#define RUNS 201 /* odd: the median is one sample */
#define BENCH_VA TEST_MAP_BASE /* unmapped: invlpg of it is harmless */

static uint64_t samples[RUNS];

/* Sorts samples[0..n) (insertion sort: n is small) and returns the median. */
static uint64_t median(int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t v = samples[i];
        int j = i - 1;
        for (; j >= 0 && samples[j] > v; j--)
            samples[j + 1] = samples[j];
        samples[j + 1] = v;
    }
    return samples[n / 2];
}

static void report(const char *name, uint64_t cycles)
{
    printk("%s %lu cycles\n", name, cycles);
    printk("%s_time %lu ns\n", name, tsc_to_ns(cycles));
}

static void nothing(void *arg)
{
    (void)arg;
}

static void bench_ipi_round_trip(void)
{
    for (int i = 0; i < RUNS; i++) {
        uint64_t start = rdtsc();
        smp_call_function(1ull << 1, nothing, NULL, true);
        samples[i] = rdtsc() - start;
    }
    report("ipi_roundtrip", median(RUNS));
}

static void bench_shootdown(int pages, int others)
{
    cpumask_t mask = CPUMASK_ALL(others + 1);
    for (int i = 0; i < RUNS; i++) {
        struct tlb_batch batch = TLB_BATCH_INIT;
        tlb_batch_add(&batch, BENCH_VA, BENCH_VA + pages * 4096ul);
        uint64_t start = rdtsc();
        tlb_batch_flush(&batch, mask);
        samples[i] = rdtsc() - start;
    }
    char name[48];
    format(name, sizeof(name), "shootdown_%dpages_%dcpus", pages, others);
    report(name, median(RUNS));
}

#define SWITCHES 2000
static int pingpong_turn;

/* Two of these, pinned to one CPU, hand the CPU to each other by yielding. */
static void pingpong(void *arg)
{
    int me = (int)(uintptr_t)arg;
    for (int i = 0; i < SWITCHES; i++) {
        while (__atomic_load_n(&pingpong_turn, __ATOMIC_ACQUIRE) != me)
            yield();
        __atomic_store_n(&pingpong_turn, !me, __ATOMIC_RELEASE);
    }
}

static void bench_context_switch(void)
{
    int cpu = cpu_count - 1;
    pingpong_turn = 0;
    uint64_t start = rdtsc();
    struct thread *a = thread_create_on(cpu, "ping", pingpong, (void *)0);
    struct thread *b = thread_create_on(cpu, "pong", pingpong, (void *)1);
    thread_join(a);
    thread_join(b);
    report("context_switch", (rdtsc() - start) / (2 * SWITCHES));
}

#define MINCORE_BYTES (1ul << 30)
#define MINCORE_VA (1ul << 40) /* 1 TiB: a PUD table of its own */
#define MINCORE_RUNS 5

/* mincore over MINCORE_BYTES of populated memory of an address space not
 * loaded here, with the lockless walker (mm/gup_fast.h) and with the
 * locked walk; median cycles of each, and the locked time in percent of
 * the lockless one. Needs about 1.1 GiB free (make bench gives 2 GiB). */
static void bench_mincore(void)
{
    uint64_t pages = MINCORE_BYTES / PAGE_SIZE;
    if (frame_free_count() < pages + pages / 8) {
        printk("# bench: mincore_1g needs %lu MiB free, %lu MiB are; skipped\n",
               (pages + pages / 8) >> 8, frame_free_count() >> 8);
        return;
    }
    struct address_space *as = as_create();
    uint8_t *vec = kmalloc(pages);
    if (!as || !vec || as_map_anon(as, MINCORE_VA, MINCORE_BYTES, PROT_READ, 0) ||
        as_madvise(as, MINCORE_VA, MINCORE_BYTES, MADV_POPULATE_READ)) {
        printk("# bench: mincore_1g: no memory; skipped\n");
    } else {
        uint64_t cycles[2];
        for (int lockless = 0; lockless < 2; lockless++) {
            gup_fast_enabled = lockless;
            for (int i = 0; i < MINCORE_RUNS; i++) {
                uint64_t start = rdtsc();
                as_mincore(as, MINCORE_VA, pages, vec);
                samples[i] = rdtsc() - start;
            }
            cycles[lockless] = median(MINCORE_RUNS);
        }
        gup_fast_enabled = true;
        report("mincore_1g_locked", cycles[0]);
        report("mincore_1g_lockless", cycles[1]);
        printk("mincore_1g_locked_vs_lockless %lu percent\n", cycles[0] * 100 / cycles[1]);
    }
    kfree(vec);
    if (as)
        as_put(as);
}

#define GP_RUNS 51
static int gp_spinners_stop;

/* Keeps its CPU busy in preemptible kernel code: the CPU passes quiescent
 * states only at its ticks. */
static void gp_spinner(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&gp_spinners_stop, __ATOMIC_ACQUIRE))
        cpu_relax();
}

/* On CPU 0, busy too: GP_RUNS grace periods one after another, each timed
 * from its start to the moment its end is seen. */
static void gp_measurer(void *arg)
{
    (void)arg;
    for (int i = 0; i < GP_RUNS; i++) {
        uint64_t start = rdtsc();
        uint64_t cookie = start_poll_synchronize_rcu();
        while (!poll_state_synchronize_rcu(cookie))
            cpu_relax();
        samples[i] = rdtsc() - start;
    }
}

/* Grace-period latency while every CPU runs a kernel thread that never
 * sleeps: median and maximum. */
static void bench_grace_period(void)
{
    static struct thread *spinners[MAX_CPUS];
    gp_spinners_stop = 0;
    for (int i = 1; i < cpu_count; i++)
        spinners[i] = thread_create_on(i, "gp-spin", gp_spinner, NULL);
    struct thread *measurer = thread_create_on(0, "gp-measure", gp_measurer, NULL);
    thread_join(measurer);
    __atomic_store_n(&gp_spinners_stop, 1, __ATOMIC_RELEASE);
    for (int i = 1; i < cpu_count; i++)
        thread_join(spinners[i]);
    char name[48];
    format(name, sizeof(name), "rcu_gp_%dbusy_median", cpu_count);
    report(name, median(GP_RUNS));
    format(name, sizeof(name), "rcu_gp_%dbusy_max", cpu_count);
    report(name, samples[GP_RUNS - 1]);
}

#define FAULT_VA (2ul << 40) /* 2 TiB: tables of its own */
#define FAULT_BYTES (8ul << 20)
#define FAULT_RUNS 51 /* short passes: the median drops those the host preempted */

/* An address space for a benchmark, freeing empty tables by 'strategy'
 * (set before any table exists, as mm/as.h allows), with [va, va + len)
 * mapped private read-write. NULL without memory. */
static struct address_space *bench_as(enum pt_strategy strategy, uint64_t va, uint64_t len)
{
    struct address_space *as = as_create();
    if (!as)
        return NULL;
    as->ptfree = strategy;
    if (as_map_anon(as, va, len, PROT_READ | PROT_WRITE, 0)) {
        as_put(as);
        return NULL;
    }
    return as;
}

/* Write faults on every page of [va, va + len) of 'as' (loaded nowhere);
 * cycles per fault. */
static uint64_t fault_pass(struct address_space *as, uint64_t va, uint64_t len)
{
    uint64_t start = rdtsc();
    for (uint64_t a = va; a < va + len; a += PAGE_SIZE)
        as_fault(as, a, PF_W | PF_U);
    return (rdtsc() - start) / (len / PAGE_SIZE);
}

/*
 * Cost of a dense write fault under ptfree=rcu and ptfree=off, one address
 * space each, runs interleaved: fault in 8 MiB, time it, MADV_DONTNEED it
 * (rcu frees its 4 PTE tables and those above, which the next pass
 * allocates again; off keeps them) and wait for the deferred frees. Median
 * cycles per fault of each, and rcu's in thousandths of off's.
 */
static void bench_pt_fault(void)
{
    static const enum pt_strategy strategies[2] = { PTFREE_RCU, PTFREE_OFF };
    static uint64_t runs[2][FAULT_RUNS];
    struct address_space *as[2];
    for (int s = 0; s < 2; s++)
        as[s] = bench_as(strategies[s], FAULT_VA, FAULT_BYTES);
    if (!as[0] || !as[1]) {
        printk("# bench: pt_fault_dense: no memory; skipped\n");
    } else {
        for (int r = 0; r < FAULT_RUNS; r++)
            for (int i = 0; i < 2; i++) {
                int s = (r + i) % 2; /* each goes first in every other run */
                runs[s][r] = fault_pass(as[s], FAULT_VA, FAULT_BYTES);
                as_madvise(as[s], FAULT_VA, FAULT_BYTES, MADV_DONTNEED);
                pt_drain(); /* no deferred free lands in the next pass */
            }
        uint64_t cycles[2];
        for (int s = 0; s < 2; s++) {
            for (int r = 0; r < FAULT_RUNS; r++)
                samples[r] = runs[s][r];
            cycles[s] = median(FAULT_RUNS);
            char name[48];
            format(name, sizeof(name), "pt_fault_dense_%s", pt_strategy_name(strategies[s]));
            report(name, cycles[s]);
        }
        printk("pt_fault_dense_rcu_vs_off %lu permille\n", cycles[0] * 1000 / cycles[1]);
    }
    for (int s = 0; s < 2; s++)
        if (as[s])
            as_put(as[s]);
    pt_drain();
}

#define RECLAIM_VA (3ul << 40) /* 3 TiB: tables of its own */
#define RECLAIM_BYTES (1ul << 30) /* 512 PTE tables under one PMD table */

/* Tables freed at every level so far, once every deferred free is done. */
static uint64_t tables_freed(struct pt_stats *s)
{
    pt_drain();
    pt_get_stats(s);
    return s->freed[0] + s->freed[1] + s->freed[2];
}

/*
 * Reclaim IPIs per freed table under ptfree=rcu and ptfree=ipi: touch one
 * page per 2 MiB of 1 GiB of an address space loaded nowhere, then drop it
 * with one MADV_DONTNEED per 2 MiB ("per_table": each zap frees one table,
 * the last ones their PMD and PUD tables too) or one for the whole GiB
 * ("one_zap"). Prints the IPIs sent for reclaim per 1000 tables freed.
 */
static void bench_pt_reclaim_ipis(void)
{
    static const enum pt_strategy strategies[2] = { PTFREE_RCU, PTFREE_IPI };
    for (int s = 0; s < 2; s++) {
        for (int one_zap = 0; one_zap < 2; one_zap++) {
            struct address_space *as = bench_as(strategies[s], RECLAIM_VA, RECLAIM_BYTES);
            if (!as) {
                printk("# bench: pt_reclaim: no memory; skipped\n");
                return;
            }
            for (uint64_t va = RECLAIM_VA; va < RECLAIM_VA + RECLAIM_BYTES; va += 2ul << 20)
                as_fault(as, va, PF_W | PF_U);
            struct pt_stats before, after;
            uint64_t freed = tables_freed(&before);
            if (one_zap)
                as_madvise(as, RECLAIM_VA, RECLAIM_BYTES, MADV_DONTNEED);
            for (uint64_t va = RECLAIM_VA; !one_zap && va < RECLAIM_VA + RECLAIM_BYTES;
                 va += 2ul << 20)
                as_madvise(as, va, 2ul << 20, MADV_DONTNEED);
            freed = tables_freed(&after) - freed;
            uint64_t ipis = after.reclaim_ipis - before.reclaim_ipis;
            char name[64];
            const char *pattern = one_zap ? "one_zap" : "per_table";
            const char *strategy = pt_strategy_name(strategies[s]);
            format(name, sizeof(name), "pt_reclaim_%s_%s_tables", pattern, strategy);
            printk("%s %lu tables\n", name, freed);
            format(name, sizeof(name), "pt_reclaim_%s_%s_ipis_per_1000_tables", pattern,
                   strategy);
            printk("%s %lu ipis\n", name, freed ? ipis * 1000 / freed : 0);
            as_put(as);
        }
    }
}

int bench_run_all(void)
{
    printk("# bench: %d CPUs, TSC %lu MHz, medians of %d runs\n", cpu_count, tsc_hz / 1000000, RUNS);
    if (cpu_count < 2) {
        printk("# bench: IPI and shootdown figures need 2 or more CPUs\n");
    } else {
        bench_ipi_round_trip();
        static const int page_counts[] = { 1, 8, 64, 512 };
        for (int p = 0; p < 4; p++) {
            bench_shootdown(page_counts[p], 1);
            if (cpu_count >= 4)
                bench_shootdown(page_counts[p], 3);
        }
    }
    bench_context_switch();
    bench_pt_fault();
    bench_pt_reclaim_ipis();
    bench_grace_period();
    bench_mincore();
    return 0;
}

/* bench=all on the command line: runs the benchmarks, then ends the boot,
 * or goes on to PID 1 if init= is given (make bench runs the user
 * benchmarks that way). */
static void bench_boot(const char *value)
{
    (void)value;
    bench_run_all();
    if (!cmdline_get(&kernel_cmdline, "init"))
        machine_exit(0);
}
BOOT_HOOK("bench", bench_boot);
