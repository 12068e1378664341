/*
 * Reference-counted user page-table pages: the count, the per-table lock,
 * the lockless read section, the gather that frees unlinked tables, and
 * the free strategies. See docs/pt-lifecycle.md for the whole life of a
 * table with a diagram.
 *
 * Every table of a user address space (PML4 included) is a page with
 * PG_PTABLE and the pt_* fields of struct page (mm/page.h):
 *
 *   pt_count = entries in use            (level 1: entry != 0;
 *                                          above: entry present)
 *            + short-lived holders       (pt_try_get: pt_child_get, pt_alloc_get)
 *            + 1 if pt_keep              (ptfree=off only)
 *            + 1 if pt_idle              (on the idle list: R8)
 *
 * and a PTE table (level 1) also counts what its entries hold:
 *
 *   pt_entries = entries in use          (entry != 0)
 *   pt_zero    = those holding the zero page (mm/user_page.h)
 *
 * A PTE table with pt_entries == pt_zero is *zero-only*: its entries can
 * all be dropped with no data lost (the next fault maps the zero page
 * again), so the table can be freed; an empty table is zero-only too.
 *
 * The rules (each function below repeats the one it relies on):
 *  R1 A table's entries change only under its pt_lock (and the address
 *     space's map lock, read or write side: mm/as.h). Reading one entry
 *     with pte_read() needs no lock.
 *  R2 A table is linked (its parent's entry points to it) exactly while
 *     its count is above zero: the count drops to zero only under the
 *     parent's pt_lock, and the same critical section clears the parent's
 *     entry. So under the parent's lock a present entry names a table whose
 *     count is at least 1, and outside it a count of 0 means "dying: do
 *     not use".
 *  R3 A holder's reference on a table keeps it, and every table above it,
 *     linked: each ancestor has at least the entry that leads down to it.
 *  R4 A table reached without a reference (reading a parent's entry, then
 *     the child) must be reached inside a pt_walk_begin() section, which
 *     runs with interrupts off: an unlinked table goes back to the
 *     allocator only after every CPU has acknowledged an IPI (ptfree=ipi,
 *     ptfree=off) or passed a quiescent state (ptfree=rcu) since its
 *     unlink, and a CPU with interrupts off does neither.
 *  R5 The PML4 (level 4) is never unlinked or freed by a count: it lives
 *     as long as the address space. Its count is its user entries.
 *  R6 Unlinked tables go to a struct pt_gather inside a struct zap
 *     (mm/as_internal.h): one TLB flush on the CPUs that have the address
 *     space loaded, which also empties their paging-structure caches
 *     (arch/x86_64/mmu.h), then one deferred free for the whole batch by
 *     the strategy, in zap_finish(), with interrupts on and no lock held.
 *     (The flush may come earlier, in zap_flush() under the map lock:
 *     fork; kernel/smp_call.h says why that cannot deadlock.)
 *  R7 pt_entries and pt_zero change only under the table's pt_lock, by
 *     upte_set() (mm/as_internal.h), the one function that writes a user
 *     leaf entry, in the same critical section as the entry: under the lock
 *     they are exact, and a zero-only table seen there stays zero-only
 *     until the lock is dropped. pt_audit() checks them.
 *  R8 The idle list. A linked PTE table is on its address space's idle
 *     list (pt_idle) exactly when it is zero-only and nothing else would
 *     free it: it has an entry, or a keep reference (ptfree=off), or the
 *     address space reclaims lazily (ptreclaim=lazy). So an empty table
 *     under eager reclaim goes at its last put as before, and under lazy
 *     reclaim stays linked, listed. Being listed holds one reference, so a
 *     listed table is linked (R2) and may be taken from the list with
 *     pt_count_add() under the list's lock. pt_idle_update(), called by
 *     upte_set() and pt_drop_keep() under the table's lock, keeps the rule
 *     (a refault that fills a listed empty table takes it off the list:
 *     one count up for the entry, one down for the list, no allocation);
 *     the list's lock comes after a pt_lock. The list is in the order the
 *     tables went on it (pt_idle_ms: when), oldest first; under the lazy
 *     policy a fault that fills a slot of a listed table puts it back at
 *     the end, stamped anew (at most every few ms). The rule holds
 *     whenever the table has no holder, which is when pt_audit() checks
 *     it; between reclaim's unlisting and its put (R9) a table held by a
 *     fault may be empty and off the list until that fault's upte_set().
 *  R9 Reclaim frees a table only the ordinary way. Holding the map lock
 *     and a reference on a listed table, it clears the table's zero-page
 *     entries with upte_set() under the table's lock, as a zap (Z2: the
 *     entries were present, so the zap flushes); if a page came in
 *     instead, the table is no longer zero-only and it stops. If the
 *     table is then empty under its lock, it drops the list's and the keep
 *     reference, and its pt_put() decides (R2): a fault that took a
 *     reference meanwhile (the refill race) keeps the table linked, and
 *     that fault's upte_set() lists it again; otherwise it is unlinked
 *     under the parent's lock and freed after the flush and the
 *     strategy's wait (R4, R6), its parents following when they empty.
 *
 * Memory order. On x86 every locked read-modify-write is a full barrier
 * and plain loads and stores are acquire and release (TSO): the orders
 * below cost nothing there and bind the compiler; they are what a weaker
 * CPU would need. The only reordering x86 does, a load passing an older
 * store, matters for the zap counts (mm/as_internal.h, Z2, Z3), which use
 * sequentially consistent operations.
 *  M1 Publishing a table: pt_alloc_get() fills the new page (zeroed,
 *     pt_init_page(), PG_PTABLE set with release) before pte_set() stores
 *     the parent's entry with release. A walker loads the entry (relaxed)
 *     and reaches the table through the address in it: the address
 *     dependency orders its reads of the table after the load (as Linux's
 *     READ_ONCE() and rcu_dereference()). Release and dependency pair.
 *  M2 Dropping a unit: every put (put_unless_last(), pt_count_sub()) is a
 *     release, and the decrement that reaches 0 (pt_put(), under the
 *     parent's lock) is acquire and release: it sees every earlier
 *     holder's accesses to the table, so they all come before the unlink
 *     and the free (a reference count's usual pairing).
 *  M3 pt_try_get() is an acquire: the holder's reads of the table come
 *     after it holds the reference, hence before its own put (M2). A
 *     try_get and a last put race on one word, whose modification order
 *     decides: either the try_get comes first (the put does not reach 0
 *     and backs off, R2) or it reads 0 and fails.
 *  M4 pt_count_add() is relaxed: its caller holds a reference or the lock
 *     that orders it.
 *  M5 PG_PTABLE is cleared with release when a table is freed
 *     (mm/pt_gather.c) and read relaxed by pt_check_alive(): a DEBUG
 *     check, on which no lifetime depends (R4 does that).
 *
 * Lock order: map lock (mm/as.h), then at most one pt_lock at a time, with
 * one exception: fork holds a parent-process leaf table's lock while it
 * takes the child's (the child is unreachable by anyone else). Then an
 * idle list's lock (R8), shared-object locks, then the frame allocator's.
 * DEBUG builds check the pt_lock part (pt_lock_taken(), below).
 */
#ifndef MM_PT_REF_H
#define MM_PT_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/mmu.h"
#include "kernel/panic.h"
#include "kernel/preempt.h"
#include "kernel/spinlock.h"
#include "mm/page.h"
#include "mm/pt_trace.h"

struct address_space;

/* ---- Free strategies (ptfree= on the kernel command line) ---- */

enum pt_strategy {
    PTFREE_RCU,    /* default: free after a grace period, one call_rcu per batch */
    PTFREE_IPI,    /* IPI every CPU that could be walking, wait, free at once */
    PTFREE_OFF,    /* keep empty tables until munmap of their whole range or exit */
    PTFREE_UNSAFE, /* DEBUG builds only: free at unlink, no synchronization */
};

/* The strategy new address spaces get: ptfree= from the command line (rcu
 * if absent or unknown; unsafe only in DEBUG builds). */
enum pt_strategy pt_default_strategy(void);

/* "rcu", "ipi", "off" or "unsafe". */
const char *pt_strategy_name(enum pt_strategy s);

/* ---- Reclaim policies (ptreclaim= on the kernel command line) ----
 * Orthogonal to the strategy, which says how an unlinked table is freed:
 * the policy says when an empty PTE table is unlinked. */

enum pt_reclaim_policy {
    PTRECLAIM_EAGER, /* at its last put, as soon as it is empty (R2) */
    PTRECLAIM_LAZY,  /* kept, listed (R8); the reclaimer thread unlinks it once
                        it has stayed on the list ptreclaim_delay_ms */
};

/* The policy new address spaces get: ptreclaim= from the command line
 * (PTRECLAIM_DEFAULT if absent or unknown). */
enum pt_reclaim_policy pt_default_reclaim(void);

/* "eager" or "lazy". */
const char *pt_reclaim_name(enum pt_reclaim_policy p);

/* ptreclaim_delay_ms= from the command line (default 1000): how long a
 * table stays on a lazy address space's idle list before the reclaimer
 * thread takes it. */
uint32_t pt_reclaim_delay_ms(void);

/* ---- The lockless read section (R4) ---- */

/* Begins a section in which tables may be reached without a reference;
 * returns what pt_walk_end() needs. Interrupts off: no sleeping, short. */
static inline uint64_t pt_walk_begin(void)
{
    uint64_t flags = irq_save();
    pt_trace_sampled(PT_EV_WALK_ENTER, 0);
    return flags;
}

static inline void pt_walk_end(uint64_t flags)
{
    pt_trace_sampled(PT_EV_WALK_LEAVE, 0);
    irq_restore(flags);
}

/* ---- Per-table lock (R1) ---- */

/*
 * Takes / drops the table's lock (a test-and-set lock word, as spinlocks
 * are: kernel/spinlock.h says why; disables preemption).
 *
 * Its holder never waits for another CPU: no synchronous IPI (TLB
 * shootdown, smp_call_function with wait), no grace period, no sleep.
 * Lockless walkers (mm/gup_fast.c) wait for this lock inside
 * pt_walk_begin(), with interrupts off: a holder that waited for them
 * would wait for ever. DEBUG builds count it in cpu->locks_held, which
 * smp_call_function() with wait and zap_flush() check (kernel/spinlock.h;
 * schedule() checks that preemption is on), and record which tables each
 * CPU holds: taking a second lock of the same address space (the lock
 * order above), releasing a lock this CPU does not hold, and a last
 * pt_put() under a lock of its address space panic.
 */
#ifdef DEBUG
void pt_lock_taken(struct page *pt);
void pt_lock_dropped(struct page *pt);
#else
static inline void pt_lock_taken(struct page *pt) { (void)pt; }
static inline void pt_lock_dropped(struct page *pt) { (void)pt; }
#endif

/* DEBUG builds: panics unless this CPU holds pt's lock, which the
 * caller's contract demands (upte_set(), pt_idle_update()). A no-op
 * otherwise. */
#ifdef DEBUG
void pt_assert_locked(const struct page *pt);
#else
static inline void pt_assert_locked(const struct page *pt) { (void)pt; }
#endif

static inline void pt_lock(struct page *pt)
{
    preempt_disable();
    lock_word_acquire(&pt->pt_lock.word);
    pt_lock_taken(pt);
}

static inline void pt_unlock(struct page *pt)
{
    pt_lock_dropped(pt);
    lock_word_release(&pt->pt_lock.word);
    preempt_enable();
}

/* ---- Table pages ---- */

/* The table's entries. */
static inline pte_t *pt_table(struct page *pt)
{
    return page_to_virt(pt);
}

/* The slot of 'va' in table 'pt'. */
static inline pte_t *pt_slot(struct page *pt, uint64_t va)
{
    return &pt_table(pt)[pt_index(va, pt->pt_level)];
}

/* The first and one-past-last user address table 'pt' maps. */
static inline uint64_t pt_end(const struct page *pt)
{
    return pt->pt_va + pt_level_size(pt->pt_level + 1);
}

/* Panics (DEBUG builds) unless 'pt' is a live table at 'level': the
 * use-after-free check every walker makes on the tables it reaches (freed
 * tables lose PG_PTABLE and are poisoned with PTE_POISON, mm/pt_gather.c).
 * 'walker' names the walker in the report. */
void pt_check_alive(const struct page *pt, int level, const char *walker);

/* ---- The step of every walk ---- */

/* Reads the entry at 'slot' of a table at 'level' once (one 8-byte load).
 * DEBUG builds panic, naming 'walker', on PTE_POISON: the table was freed
 * under the walker. Every walk reads entries through it or pt_step(). */
static inline pte_t pt_read(const pte_t *slot, int level, const char *walker)
{
    pte_t e = pte_read(slot);
#ifdef DEBUG
    if (pte_is_poison(e))
        panic("page-table use-after-free: %s read a poisoned entry (a freed table, level %d)",
              walker, level);
#else
    (void)level;
    (void)walker;
#endif
    return e;
}

/*
 * The one step from a table to the table below, which every walk of user
 * tables takes (as xv6's walk() and FreeBSD's pmap_pde_to_pte() are one
 * place): reads the entry at 'slot' of a table at 'level' (2..4) once with
 * pt_read(), into *entry, and returns the table it points to. NULL if there
 * is none to enter: the entry is not present (nothing is mapped in its
 * range), or it is present but a huge leaf or an address outside RAM, which
 * prune never writes into a user table (a lockless walker stops there: it
 * cannot tell what is mapped). DEBUG builds panic, naming 'walker', if the
 * table is not live at level - 1 (pt_check_alive). The caller keeps that
 * table from being freed under it: it is inside pt_walk_begin() (R4), or
 * holds the lock of the slot's table (R2), or nobody else can reach the
 * address space (teardown).
 */
struct page *pt_step(const pte_t *slot, int level, pte_t *entry, const char *walker);

/* ---- Counts ---- */

/*
 * Takes a reference on 'pt' unless its count is zero (dying, R2). The
 * caller is inside pt_walk_begin() or holds a reference on a table below
 * 'pt' (so 'pt' cannot be freed under it). True if it took one.
 */
static inline bool pt_try_get(struct page *pt)
{
    int32_t c = __atomic_load_n(&pt->pt_count, __ATOMIC_RELAXED); /* a guess: the CAS checks */
    while (c > 0)
        if (__atomic_compare_exchange_n(&pt->pt_count, &c, c + 1, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) /* M3 */
            return true;
    return false;
}

/* Adds n to the count: a holder who already has a reference, or the
 * holder of the parent's lock with the table linked (R2), or the holder of
 * pt's lock for an entry it fills (n = 1). */
static inline void pt_count_add(struct page *pt, int n)
{
    int32_t c = __atomic_add_fetch(&pt->pt_count, n, __ATOMIC_RELAXED); /* M4 */
    ASSERT(c > n || (c == n && pt->pt_level == PT_LEVELS));
}

/* Entries the caller emptied, under pt's lock, while it holds a reference
 * (so the count cannot reach zero here: the last put does the teardown). */
static inline void pt_count_sub(struct page *pt, int n)
{
    int32_t c = __atomic_sub_fetch(&pt->pt_count, n, __ATOMIC_RELEASE); /* M2 */
    ASSERT(c > 0 || (c == 0 && pt->pt_level == PT_LEVELS));
}

/* Batch of unlinked tables waiting for their flush and free (R6). */
struct pt_gather {
    struct page *tables;  /* through page->next */
    uint64_t flush_va;    /* an address the batch's tables mapped: a flush of
                             its page empties the paging-structure caches
                             (arch/x86_64/mmu.h) */
    int count;
};
#define PT_GATHER_INIT { NULL, 0, 0 }

/*
 * Drops one unit of the count of 'pt' (a holder's reference or an entry
 * of pt that the caller emptied under pt's lock). If it was the last: takes
 * the parent's lock, and if the count is still to reach zero there, clears
 * the parent's entry, moves 'pt' to 'g' (VmPTE drops now) and drops the
 * parent's unit for that entry in turn (up to, not including, the PML4).
 * Preconditions, checked: the map lock of 'as' is held, either side (R1:
 * the last put clears an entry); and when the put is the last, this CPU
 * holds no spinlock and no pt_lock of 'as' (DEBUG builds), since it then
 * takes the parent's lock (lock order above). fork, which holds a
 * parent-process table's lock, may put the child's tables.
 */
void pt_put(struct address_space *as, struct pt_gather *g, struct page *pt);

/*
 * The child table of 'parent' covering 'va' with a reference, or NULL if
 * the entry is empty or the child is dying. The caller holds a reference
 * on 'parent' (or parent is the PML4).
 */
struct page *pt_child_get(struct page *parent, uint64_t va);

/*
 * Like pt_child_get(), but if the entry is empty (or the child is dying)
 * allocates a zeroed table, then under parent's lock installs it, unless
 * another CPU installed one meanwhile: then the new page is freed and the
 * winner's table is returned (with a reference). NULL without memory.
 */
struct page *pt_alloc_get(struct address_space *as, struct page *parent, uint64_t va);

/* ptfree=off: drops the keep reference of 'pt' (it held one unless
 * already dropped); the caller holds its own reference and the map lock
 * of 'as'. */
void pt_drop_keep(struct address_space *as, struct page *pt);

/* ---- Reclaim of zero-only PTE tables (mm/pt_reclaim.c; R8, R9) ---- */

/* The idle list of an address space: its zero-only PTE tables (R8). */
struct pt_idle_list {
    struct spinlock lock;     /* taken after a pt_lock, never before one */
    struct page *head, *tail; /* through page->next/prev, oldest first */
    uint64_t count;           /* tables on it; written under the lock, read
                                 without it (a recent value) */
};

/* True if R8 wants leaf table 'pt' (its lock held, or no holder) on the
 * idle list of 'as'. */
bool pt_idle_wanted(const struct address_space *as, const struct page *pt);

/* Puts leaf table 'pt' on the idle list of 'as', or takes it off, as R8
 * wants after its entries, or its keep reference, changed; 'filled': an
 * empty slot was just filled (a fault), which under the lazy policy puts a
 * listed table back at the end of the list: it is in use. Caller holds
 * pt's lock, a reference on pt and the map lock. */
void pt_idle_update(struct address_space *as, struct page *pt, bool filled);

/*
 * Reclaims the tables on the idle list of 'as' that went on it at least
 * 'min_idle' ms before 'now' (ms of monotonic time, modulo 2^32), oldest
 * first, each at most once (R9). Returns how many tables it unlinked, PTE
 * tables and the upper ones that emptied with them; they are freed by the
 * strategy (pt_drain() waits for that). Takes the map lock for reading;
 * no lock held, interrupts on; may sleep.
 */
uint64_t pt_reclaim_as(struct address_space *as, uint32_t now, uint32_t min_idle);

/* /proc/sys/vm/drop_page_tables: reclaims every table on every idle list,
 * then waits until they are back in the allocator. Returns the tables
 * unlinked. No lock held; may sleep. */
uint64_t pt_drop_tables(void);

/* Before the out-of-memory killer (kernel/oom.h, O6): reclaims the idle
 * tables of the address space with the most page-table pages, then the
 * next biggest..., until one gave any back, and waits until they are back
 * in the allocator. True if any was: retry the allocation. No lock held;
 * may sleep. */
bool pt_reclaim_for_memory(void);

/* Waits until no reclaim pass is running: the address spaces a pass took
 * are put again (the last put tears one down) and the tables it unlinked
 * are on their way to the allocator. Thread context, no lock held. */
void pt_reclaim_wait(void);

/* Boot, after sched_init(): starts the reclaimer thread if the default
 * policy is lazy. */
void pt_reclaim_init(void);

/* The reclaim lines of /proc/ptstat (pt_stat_text()). */
size_t pt_reclaim_stat_text(char *buf, size_t size);

/* ---- Gathers and frees (mm/pt_gather.c) ---- */

/* Moves an unlinked table to 'g' (under ptfree=unsafe, frees it now). */
void pt_gather_add(struct address_space *as, struct pt_gather *g, struct page *pt);

/* After the TLB flush that covered 'g' on 'flushed' (each of those CPUs
 * acknowledged it): frees the batch by the address space's strategy.
 * Interrupts on, no lock held. */
void pt_gather_finish(struct address_space *as, struct pt_gather *g, cpumask_t flushed);

/* Initializes a new table page at 'level' (PML4: parent NULL). */
void pt_init_page(struct page *pt, int level, struct page *parent, uint64_t va, bool keep);

/* Returns a table page nobody can reach any more to the allocator, at
 * once (teardown of an address space loaded nowhere, or a table never
 * published). */
void pt_free_page(struct page *pt);

/* Waits until every table unlinked so far, or by a reclaim pass running
 * now, is back in the allocator (grace periods and quarantine included).
 * Thread context, no lock held. */
void pt_drain(void);

/* ---- Seeing it ---- */

struct pt_stats {
    uint64_t allocated[PT_LEVELS];   /* [level - 1]; PML4s at [3] */
    uint64_t freed[PT_LEVELS];
    uint64_t waiting;                /* unlinked, waiting for a grace period */
    uint64_t reclaim_ipis;           /* IPIs sent only to free tables (ipi, off) */
    uint64_t batches;                /* gathers that freed at least one table */
};

void pt_get_stats(struct pt_stats *out);
void pt_stat_allocated(int level);
void pt_stat_freed(int level);
void pt_stat_waiting(int64_t delta);
void pt_stat_reclaim(uint64_t ipis);

/* The text of /proc/ptstat. */
size_t pt_stat_text(char *buf, size_t size);

/*
 * Checks every table of 'as' against its entries: count = entries used
 * (+ keep, + idle), pt_entries and pt_zero (R7), pt_idle and the idle
 * list (R8), level, parent, index, PG_PTABLE;
 * VmRSS = leaf entries holding a page other than the zero page; the zero
 * page intact (mm/user_page.h); and VmPTE = tables below the
 * PML4. Prints each mismatch; returns how many. Caller holds the write side
 * of the map lock (no holders then) or 'as' is unreachable.
 */
int pt_audit(struct address_space *as);

/* Test hook: called by a leaf-table walk between chunks, with no pt_lock
 * held and the map lock still held (NULL: none). */
extern void (*pt_chunk_hook)(struct address_space *as, uint64_t next_va);

/* Entries a leaf walk handles per hold of the table lock. */
#define PT_CHUNK 64

#endif
