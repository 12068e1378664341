/*
 * Reclaim of PTE tables that hold no data (zero-only: mm/pt_ref.h, R7):
 * the idle list of each address space (R8), and the three ways its tables
 * are reclaimed (R9): the reclaimer thread of the lazy policy, which takes
 * tables that stayed listed ptreclaim_delay_ms; /proc/sys/vm/drop_page_tables,
 * which takes every listed table now; and the pressure path, which the
 * out-of-memory killer tries first (kernel/oom.h, O6). Each table goes the
 * ordinary way: entries cleared under its lock, its put deciding under the
 * parent's lock, the flush and the strategy's wait before the free.
 * See docs/pt-lifecycle.md, "Reclaim".
 */
#include "mm/pt_ref.h"

#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/as_internal.h"

/* The policy when ptreclaim= does not name one: see docs/pt-lifecycle.md,
 * "Choosing the default", for the measurements behind it. */
#define PTRECLAIM_DEFAULT PTRECLAIM_EAGER
#define DELAY_MS_DEFAULT 1000
#define DELAY_MS_MAX 3600000

/* Tables a pass reclaims per hold of the map lock (then the zap finishes:
 * one flush and one deferred free for the batch). */
#define RECLAIM_BATCH 64

/* A fault into a listed table of a lazy address space puts it back at the
 * end of the list, unless it went there less than this long ago: a table
 * being filled takes the list's lock once per IDLE_TOUCH_MS, not once per
 * fault. */
#define IDLE_TOUCH_MS 10

/* Counters only, read for /proc/ptstat: every access is relaxed. */
static struct {
    uint64_t listed, refilled;             /* tables put on; taken off by a page */
    uint64_t lazy, dropped, pressure;      /* tables unlinked by each way */
    uint64_t passes;                       /* passes of the reclaimer thread */
} stats;

static struct thread *reclaimer_thread;

static void stat_add(uint64_t *counter, uint64_t n)
{
    __atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* ---- The policy ---- */

enum pt_reclaim_policy pt_default_reclaim(void)
{
    const char *v = cmdline_get(&kernel_cmdline, "ptreclaim");
    if (v && !strcmp(v, "eager"))
        return PTRECLAIM_EAGER;
    if (v && !strcmp(v, "lazy"))
        return PTRECLAIM_LAZY;
    static bool warned; /* once; no data rides on it: relaxed */
    if (v && !__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
        printk("ptreclaim=%s: unknown (eager, lazy); using %s\n", v,
               pt_reclaim_name(PTRECLAIM_DEFAULT));
    return PTRECLAIM_DEFAULT;
}

const char *pt_reclaim_name(enum pt_reclaim_policy p)
{
    return p == PTRECLAIM_LAZY ? "lazy" : "eager";
}

uint32_t pt_reclaim_delay_ms(void)
{
    const char *v = cmdline_get(&kernel_cmdline, "ptreclaim_delay_ms");
    uint64_t ms = 0;
    for (const char *c = v; c && *c; c++) {
        if (*c < '0' || *c > '9' || ms > DELAY_MS_MAX)
            return DELAY_MS_DEFAULT;
        ms = ms * 10 + (uint64_t)(*c - '0');
    }
    return v && *v && ms <= DELAY_MS_MAX ? (uint32_t)ms : DELAY_MS_DEFAULT;
}

/* ---- The idle list (R8) ---- */

/* Now in ms of monotonic time, modulo 2^32: differences of up to 24 days
 * come out right as int32_t (DELAY_MS_MAX is far below). */
static uint32_t now_ms(void)
{
    return (uint32_t)(time_monotonic_ns() / 1000000);
}

/* The time a table going on the end of list 'l' now gets (its lock held):
 * now, or the last table's if that is later (another CPU's clock may run a
 * little ahead), so that the list stays in order. */
static uint32_t idle_stamp(const struct pt_idle_list *l)
{
    uint32_t now = now_ms();
    return l->tail && (int32_t)(l->tail->pt_idle_ms - now) > 0 ? l->tail->pt_idle_ms : now;
}

bool pt_idle_wanted(const struct address_space *as, const struct page *pt)
{
    bool zero_only = pt->pt_entries == pt->pt_zero;
    return zero_only && (pt->pt_entries || pt->pt_keep || as->ptreclaim == PTRECLAIM_LAZY);
}

/* Appends 'pt' to list 'l' (its lock held), stamped now. */
static void idle_append(struct pt_idle_list *l, struct page *pt)
{
    __atomic_store_n(&pt->pt_idle_ms, idle_stamp(l), __ATOMIC_RELAXED);
    pt->next = NULL;
    pt->prev = l->tail;
    if (l->tail)
        l->tail->next = pt;
    else
        l->head = pt;
    l->tail = pt;
}

/* Takes 'pt' out of list 'l' (its lock held), which holds it. */
static void idle_unlink(struct pt_idle_list *l, struct page *pt)
{
    if (pt->prev)
        pt->prev->next = pt->next;
    else
        l->head = pt->next;
    if (pt->next)
        pt->next->prev = pt->prev;
    else
        l->tail = pt->prev;
    pt->next = pt->prev = NULL;
}

/* Puts 'pt' on the idle list of 'as' or takes it off, with the list's
 * reference. Caller holds pt's lock and a reference on pt. */
static void set_idle(struct address_space *as, struct page *pt, bool on)
{
    pt_assert_locked(pt);
    struct pt_idle_list *l = &as->idle;
    if (on)
        pt_count_add(pt, 1); /* the list's reference: R8 */
    spin_lock(&l->lock);
    if (on)
        idle_append(l, pt);
    else
        idle_unlink(l, pt);
    pt->pt_idle = on;
    __atomic_store_n(&l->count, l->count + (on ? 1 : -1), __ATOMIC_RELAXED);
    spin_unlock(&l->lock);
    if (!on)
        pt_count_sub(pt, 1);
}

/* Moves 'pt', if it is on the idle list of 'as', to its end, stamped now.
 * Caller holds pt's lock or a reference on pt. */
static void idle_requeue(struct address_space *as, struct page *pt)
{
    struct pt_idle_list *l = &as->idle;
    spin_lock(&l->lock);
    if (pt->pt_idle) {
        idle_unlink(l, pt);
        idle_append(l, pt);
    }
    spin_unlock(&l->lock);
}

void pt_idle_update(struct address_space *as, struct page *pt, bool filled)
{
    pt_assert_locked(pt); /* R8 */
    bool want = pt_idle_wanted(as, pt);
    if (want && pt->pt_idle && filled && as->ptreclaim == PTRECLAIM_LAZY &&
        (int32_t)(now_ms() - __atomic_load_n(&pt->pt_idle_ms, __ATOMIC_RELAXED)) >= IDLE_TOUCH_MS)
        idle_requeue(as, pt); /* in use: back to the end of the list */
    if (want == pt->pt_idle)
        return;
    if (want)
        stat_add(&stats.listed, 1);
    else if (pt->pt_entries != pt->pt_zero) /* a page came in: a refill */
        stat_add(&stats.refilled, 1);
    set_idle(as, pt, want);
}

/* The oldest table on the idle list of 'as', if it went on at least
 * 'min_idle' ms before 'now', with a reference: the list's keeps it linked
 * while we take ours (R8). NULL otherwise. Map lock held. */
static struct page *idle_oldest(struct address_space *as, uint32_t now, uint32_t min_idle)
{
    spin_lock(&as->idle.lock);
    struct page *pt = as->idle.head;
    if (pt && (int32_t)(now - pt->pt_idle_ms) >= (int32_t)min_idle) /* listed after 'now': no */
        pt_count_add(pt, 1);
    else
        pt = NULL;
    spin_unlock(&as->idle.lock);
    return pt;
}

/* ---- Reclaiming one table (R9) ---- */

/* upt_leaf_fn: clears a zero-page entry into the zap 'arg' (Z2: it was
 * present); the walk ends at any other entry, or once the table is off
 * the idle list: a page came in (R8), so it holds data now. */
static int drop_zero_entry(struct address_space *as, struct page *table, pte_t *slot,
                           uint64_t va, void *arg)
{
    (void)va;
    pte_t e = pte_read(slot);
    if (!table->pt_idle || !upte_is_zero(e))
        return 1;
    if (pte_present(e))
        zap_note_change(as, arg);
    upte_set(as, table, slot, 0);
    return 0;
}

/* Reclaims leaf table 'pt' (a reference held, the map lock held, no
 * pt_lock) if it is on the idle list: clears its zero-page entries into
 * z, then, if it is empty under its lock, drops its list and keep
 * references, so that the caller's pt_put() unlinks it unless a fault took
 * a reference meanwhile (R9). True if it dropped them. */
static bool reclaim_table(struct address_space *as, struct page *pt, struct zap *z)
{
    pt_lock(pt);
    bool listed = pt->pt_idle;
    pt_unlock(pt);
    if (!listed)
        return false;
    zap_cover(z, pt->pt_va, pt_end(pt));
    if (upt_for_each_in(as, pt, drop_zero_entry, z, z))
        return false;
    pt_lock(pt);
    bool empty = pt->pt_entries == 0;
    if (empty && pt->pt_idle)
        set_idle(as, pt, false);
    if (empty && pt->pt_keep) {
        pt->pt_keep = 0;
        pt_count_sub(pt, 1);
    }
    pt_unlock(pt);
    return empty;
}

uint64_t pt_reclaim_as(struct address_space *as, uint32_t now, uint32_t min_idle)
{
    uint64_t unlinked = 0, budget = __atomic_load_n(&as->idle.count, __ATOMIC_RELAXED);
    while (budget) {
        ZAP(z);
        read_lock(&as->map_lock);
        for (int n = 0; n < RECLAIM_BATCH && budget; n++, budget--) {
            struct page *pt = idle_oldest(as, now, min_idle);
            if (!pt) {
                budget = 0;
                break;
            }
            if (!reclaim_table(as, pt, &z)) /* a fault came in: in use */
                idle_requeue(as, pt);
            pt_put(as, &z.pt, pt);
        }
        unlinked += (uint64_t)z.pt.count;
        read_unlock(&as->map_lock);
        zap_finish(as, &z);
    }
    return unlinked;
}

/* ---- Passes over every address space ---- */

/* One pass at a time: as_next_to_reclaim() marks the address spaces a pass
 * took with its number, and two passes would take each other's. */
static bool pass_busy;
static struct wait_queue pass_wq = WAIT_QUEUE_INIT("pt reclaim pass");
static uint64_t pass_number; /* pass_busy */

/*
 * Reclaims, in the address spaces with idle tables (lazy ones only if
 * 'lazy_only'), those listed at least 'min_idle' ms ago, biggest address
 * space (in page-table pages) first, until 'enough' tables are unlinked
 * (0: all of them); adds them to *stat and returns them. May sleep.
 */
static uint64_t reclaim_pass(bool lazy_only, uint32_t min_idle, uint64_t enough, uint64_t *stat)
{
    wait_event(&pass_wq, !__atomic_exchange_n(&pass_busy, true, __ATOMIC_ACQUIRE));
    uint64_t pass = ++pass_number, unlinked = 0;
    uint32_t now = now_ms();
    struct address_space *as;
    while ((!enough || unlinked < enough) && (as = as_next_to_reclaim(pass, lazy_only))) {
        unlinked += pt_reclaim_as(as, now, min_idle);
        as_put(as);
    }
    __atomic_store_n(&pass_busy, false, __ATOMIC_RELEASE);
    wake_up_all(&pass_wq); /* the next pass, and pt_reclaim_wait()ers */
    stat_add(stat, unlinked);
    return unlinked;
}

void pt_reclaim_wait(void)
{
    wait_event(&pass_wq, !__atomic_load_n(&pass_busy, __ATOMIC_ACQUIRE));
}

uint64_t pt_drop_tables(void)
{
    uint64_t unlinked = reclaim_pass(false, 0, 0, &stats.dropped);
    pt_drain();
    return unlinked;
}

bool pt_reclaim_for_memory(void)
{
    if (!reclaim_pass(false, 0, 1, &stats.pressure))
        return false;
    pt_drain();
    return true;
}

/* The lazy policy's thread: every quarter of the delay (at least 10 ms),
 * reclaims in lazy address spaces the tables listed for the delay. */
static void reclaimer(void *arg)
{
    (void)arg;
    uint32_t delay = pt_reclaim_delay_ms();
    uint32_t period = delay / 4 < 10 ? 10 : delay / 4;
    for (;;) {
        sleep_ms(period);
        reclaim_pass(true, delay, 0, &stats.lazy);
        stat_add(&stats.passes, 1);
    }
}

void pt_reclaim_init(void)
{
    if (pt_default_reclaim() != PTRECLAIM_LAZY)
        return;
    reclaimer_thread = thread_create("ptreclaim", reclaimer, NULL);
    if (!reclaimer_thread)
        panic("ptreclaim=lazy: no memory for the reclaimer thread");
}

size_t pt_reclaim_stat_text(char *buf, size_t size)
{
    uint64_t cpu_us = reclaimer_thread ? thread_cpu_ns(reclaimer_thread) / 1000 : 0;
    return (size_t)format(buf, size,
                          "reclaim_policy %s\nreclaim_delay_ms %u\nidle_listed %lu\n"
                          "idle_refilled %lu\nreclaimed_lazy %lu\nreclaimed_dropped %lu\n"
                          "reclaimed_pressure %lu\nreclaimer_passes %lu\nreclaimer_cpu_us %lu\n",
                          pt_reclaim_name(pt_default_reclaim()), pt_reclaim_delay_ms(),
                          __atomic_load_n(&stats.listed, __ATOMIC_RELAXED),
                          __atomic_load_n(&stats.refilled, __ATOMIC_RELAXED),
                          __atomic_load_n(&stats.lazy, __ATOMIC_RELAXED),
                          __atomic_load_n(&stats.dropped, __ATOMIC_RELAXED),
                          __atomic_load_n(&stats.pressure, __ATOMIC_RELAXED),
                          __atomic_load_n(&stats.passes, __ATOMIC_RELAXED), cpu_us);
}
