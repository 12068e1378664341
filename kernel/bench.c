/* SMP benchmarks: IPI round trip, TLB shootdown, context switch; see kernel/bench.h. */
#include "kernel/bench.h"

#include <stdint.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"
#include "kernel/format.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/tlb_shootdown.h"

#define RUNS 201 /* odd: the median is one sample */
#define BENCH_VA 0xffffc00000000000ul /* unmapped: invlpg of it is harmless */

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
    printk("%s_time %lu ns\n", name, cycles * 1000 / tsc_per_us);
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

int bench_run_all(void)
{
    printk("# bench: %d CPUs, TSC %lu MHz, medians of %d runs\n", cpu_count, tsc_per_us, RUNS);
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
    return 0;
}
