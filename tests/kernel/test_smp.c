/*
 * SMP tests: every CPU online, IPIs between every pair, smp_call_function
 * with and without waiting, and TLB shootdown correctness.
 * They pass with any CPU count (tools/run-tests.sh boots 1, 2 and 4).
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/tsc.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/smp_call.h"
#include "kernel/thread.h"
#include "kernel/tlb_shootdown.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "mm/page.h"
#include "mm/paging.h"
#include "tests/kernel/ktest.h"

KTEST(smp_every_madt_cpu_is_online)
{
    const struct madt_info *madt = acpi_madt();
    KASSERT(madt != NULL);
    int expected = madt->cpu_count < MAX_CPUS ? madt->cpu_count : MAX_CPUS;
    KEXPECT(cpu_count == expected);
    KEXPECT(cpus_online == CPUMASK_ALL(cpu_count));
    for (int i = 0; i < cpu_count; i++) {
        KEXPECT(cpus[i].online);
        for (int j = 0; j < i; j++)
            KEXPECT(cpus[i].apic_id != cpus[j].apic_id);
    }
}

static int call_hits[MAX_CPUS];

static void count_call(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&call_hits[this_cpu_id()], 1, __ATOMIC_RELAXED);
}

KTEST(smp_call_function_wait_runs_once_on_each_cpu)
{
    memset(call_hits, 0, sizeof(call_hits));
    smp_call_function(CPUMASK_ALL(cpu_count), count_call, NULL, true);
    for (int i = 0; i < cpu_count; i++)
        KEXPECT(call_hits[i] == 1);
}

static int nowait_calls;

static void count_nowait(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&nowait_calls, 1, __ATOMIC_RELAXED);
}

KTEST(smp_call_function_nowait_runs_everywhere)
{
    nowait_calls = 0;
    cpumask_t others = CPUMASK_ALL(cpu_count) & ~(1ull << this_cpu_id());
    smp_call_function(others, count_nowait, NULL, false);
    for (int ms = 0; ms < 2000 && __atomic_load_n(&nowait_calls, __ATOMIC_RELAXED) <
                                      cpumask_weight(others); ms++)
        udelay(1000);
    KEXPECT(nowait_calls == cpumask_weight(others));
}

/* Pair test: a thread pinned to 'from' calls a function on 'to' and waits. */
struct pair {
    int from, to;
    int ran_on;
    bool sender_ok;
};

static void record_cpu(void *arg)
{
    ((struct pair *)arg)->ran_on = this_cpu_id();
}

static void send_to_pair(void *arg)
{
    struct pair *p = arg;
    p->sender_ok = this_cpu_id() == p->from;
    smp_call_function(1ull << p->to, record_cpu, p, true);
}

KTEST(smp_ipi_round_trip_on_every_cpu_pair)
{
    int n = cpu_count < 8 ? cpu_count : 8; /* 56 pairs at most: keep -smp 64 quick */
    for (int from = 0; from < n; from++) {
        for (int to = 0; to < n; to++) {
            if (from == to)
                continue;
            struct pair p = { from, to, -1, false };
            struct thread *t = thread_create_on(from, "ipi-pair", send_to_pair, &p);
            KASSERT(t != NULL);
            thread_join(t);
            KEXPECT(p.sender_ok);
            KEXPECT(p.ran_on == to);
        }
    }
}

/*
 * Shootdown: map a test page at TEST_VA to frame A, let a thread on every
 * CPU read through it (so each TLB caches A), remap it to frame B, shoot
 * down on every CPU, then every CPU must read B.
 */
#define TEST_VA TEST_MAP_BASE
#define VALUE_A 0xaaaaaaaaaaaaaaaaul
#define VALUE_B 0xbbbbbbbbbbbbbbbbul

static int shoot_phase;            /* 0: reading, 1: remapped and flushed */
static int readers_ready;
static uint64_t seen_after[MAX_CPUS];

/* Returns the level-1 slot for 'va' in the kernel tables, making tables. */
static pte_t *test_slot(uint64_t va)
{
    pte_t *table = phys_to_virt(kernel_pml4_phys);
    for (int level = PT_LEVELS; level > 1; level--) {
        pte_t *slot = &table[pt_index(va, level)];
        if (!pte_present(pte_read(slot))) {
            struct page *pt = frame_alloc_zeroed(0);
            if (!pt)
                return NULL;
            pte_set(slot, mk_pte(page_to_phys(pt), PTE_KERNEL_TABLE));
        }
        table = phys_to_virt(pte_phys(pte_read(slot)));
    }
    return &table[pt_index(va, 1)];
}

static void shoot_reader(void *arg)
{
    (void)arg;
    volatile uint64_t *va = (volatile uint64_t *)TEST_VA;
    (void)*va; /* cache the translation of A */
    __atomic_fetch_add(&readers_ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&shoot_phase, __ATOMIC_ACQUIRE))
        (void)*va;
    seen_after[this_cpu_id()] = *va;
}

KTEST(smp_tlb_shootdown_every_cpu_sees_the_new_frame)
{
    struct page *a = frame_alloc_zeroed(0), *b = frame_alloc_zeroed(0);
    KASSERT(a && b);
    *(uint64_t *)page_to_virt(a) = VALUE_A;
    *(uint64_t *)page_to_virt(b) = VALUE_B;
    pte_t *slot = test_slot(TEST_VA);
    KASSERT(slot != NULL);
    uint64_t flags = PTE_PRESENT | PTE_WRITE | (arch_nx_enabled() ? PTE_NX : 0);
    pte_set(slot, mk_pte(page_to_phys(a), flags));

    shoot_phase = 0;
    readers_ready = 0;
    struct thread *readers[MAX_CPUS];
    for (int i = 0; i < cpu_count; i++)
        readers[i] = thread_create_on(i, "shoot-reader", shoot_reader, NULL);
    while (__atomic_load_n(&readers_ready, __ATOMIC_ACQUIRE) < cpu_count)
        yield();

    pte_set(slot, mk_pte(page_to_phys(b), flags));
    struct tlb_batch batch = TLB_BATCH_INIT;
    tlb_batch_add(&batch, TEST_VA, TEST_VA + PAGE_SIZE);
    tlb_batch_flush(&batch, CPUMASK_ALL(cpu_count));
    __atomic_store_n(&shoot_phase, 1, __ATOMIC_RELEASE);

    for (int i = 0; i < cpu_count; i++) {
        thread_join(readers[i]);
        KEXPECT(seen_after[i] == VALUE_B);
    }
    pte_set(slot, 0);
    struct tlb_batch cleanup = TLB_BATCH_INIT;
    tlb_batch_add(&cleanup, TEST_VA, TEST_VA + PAGE_SIZE);
    tlb_batch_flush(&cleanup, CPUMASK_ALL(cpu_count));
    frame_free(a, 0);
    frame_free(b, 0);
}
