/*
 * User address spaces: one top-level table (PML4) whose kernel half
 * (entries 256..511) is copied from the kernel's, the region map (mm/vma.h)
 * and the user page tables below the top level. Threads of one process
 * share it (CLONE_VM); fork gives the child a copy-on-write copy.
 * See docs/userspace.md.
 *
 * Rules:
 *  - 'map_lock' is a reader-writer spinlock over the region map, brk and
 *    shm_links. Writers: mmap, munmap, mremap, mprotect, brk, madvise advice
 *    that changes regions, fork (the parent's and the child's), execve's
 *    mappings, stack growth. Readers: page faults, as_access (execve, and
 *    process_vm_readv/writev for the pages the lockless walker
 *    mm/gup_fast.h cannot pin), mincore (its lockless walk included),
 *    MADV_DONTNEED/FREE/REMOVE, futex keys. The lockless walkers take it
 *    only there: process_vm_* and futex words are read without it. Never
 *    hold it across a user copy (uaccess.h), which may fault and take it
 *    again.
 *  - User page-table entries change under the map lock (either side) and
 *    the lock of their table; tables below the PML4 are reference counted
 *    and freed when empty by the strategy 'ptfree' (mm/pt_ref.h).
 *  - 'users' counts the threads and other holders (as_get/as_put); the last
 *    as_put frees every page, table and region.
 *  - 'active_cpus' has bit i set while CPU i has 'root' loaded (as_switch);
 *    a change that removes or weakens an entry flushes those CPUs' TLBs
 *    (kernel/tlb_shootdown.h) before the page it mapped is freed, and fork
 *    before it drops the map lock (mm/as_internal.h says why). Every zap
 *    returns only once no CPU can reach what was removed from its range,
 *    by it or by a zap still in flight: 'flush_pending' counts those
 *    (mm/as_internal.h, rules Z1..Z4).
 *  - A user page frame's page->refcount counts the entries mapping it (one
 *    per address space after fork) plus temporary holders (mm/user_page.h);
 *    a private page with refcount > 1 is mapped read-only and copied on the
 *    first write. Only a fork of this address space (write side of
 *    'map_lock') adds lasting references to its private pages, and pins
 *    (as_access) are taken under the table lock, so under the table
 *    lock a count of 1 means the page is this address space's alone.
 *  - Pins and fork: a private page mapped writable is its entry's alone,
 *    so any other reference on it is a pin (gup_fast_pin, as_access's),
 *    and pins are taken under the table lock. fork, holding that lock,
 *    gives the child a copy of such a page at once and leaves the parent's
 *    entry writable: the pinned page stays the parent's, and a copy through
 *    the pin after fork (process_vm_writev preempted between its pin and
 *    its copy) lands in the parent, never in a page that copy-on-write
 *    took away from it. (Linux: copy_present_page() for an anonymous page
 *    that may be pinned.)
 *  - Shared anonymous memory lives in objects (mm/shm.h); 'shm_links' holds
 *    one reference on each object the regions point to.
 *  - Lock order: map_lock (fork: the parent's, then the child's, which
 *    nobody else can reach), then a table lock (mm/pt_ref.h), then the
 *    idle list's lock, then a shared object's lock, then the frame
 *    allocator's and kmalloc's. The registry's lock (mm/as.c) is a leaf.
 * The page fault, as_fault(), is declared with the other entry points of
 * the arch code in mm/arch_hooks.h.
 * The files: mm/as.c (create, fork, switch, teardown, zaps),
 * mm/pgtable_user.c (page-table walks), mm/fault.c (faults, as_access),
 * mm/as_mman.c (the memory system calls), mm/mremap.c, mm/shm.c,
 * mm/process_vm.c.
 */
#ifndef MM_AS_H
#define MM_AS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/percpu.h"
#include "kernel/rwlock.h"
#include "kernel/user_stack.h"
#include "lib/list.h"
#include "mm/arch_hooks.h"
#include "mm/pt_ref.h"
#include "mm/vma.h"

/* The top of the top-down mmap search: USER_TOP minus Linux's minimum gap
 * kept for the stack (128 MiB; no randomization). */
#define MMAP_BASE (USER_TOP - (128ul << 20))

/* The largest a VMA_GROWSDOWN region grows to by faults (Linux's default
 * RLIMIT_STACK, 8 MiB). */
#define STACK_GROW_LIMIT (8ul << 20)

struct shm_link;

struct address_space {
    uint64_t root;            /* physical address of the PML4; constant */
    struct rwlock map_lock;
    struct vma_map vmas;      /* map_lock */
    int users;                /* atomic; see as_get/as_put */
    cpumask_t active_cpus;    /* atomic bit operations; see Rules */
    int flush_pending;        /* atomic; zaps that removed or weakened an entry
                                 and have not finished their shootdown (Z2) */
    uint64_t start_brk, brk;  /* map_lock; the heap is [start_brk, brk) */
    struct user_stack_strings strings; /* argv and envp: set by execve before the
                                          program runs, then constant */
    uint64_t mmap_base;       /* top of the top-down mmap search; constant */
    uint64_t rss_pages;       /* atomic; user pages mapped (VmRSS) */
    uint64_t pt_pages;        /* atomic; linked page-table pages below the PML4 (VmPTE) */
    struct shm_link *shm_links; /* map_lock; the shared objects (mm/shm.h) regions use */
    enum pt_strategy ptfree;  /* how empty tables are freed; set before any table exists */
    enum pt_reclaim_policy ptreclaim; /* when empty tables are unlinked; set likewise */
    struct pt_idle_list idle; /* its zero-only PTE tables (mm/pt_ref.h, R8) */
    struct list_node all;     /* registry lock (mm/as.c): in the list of all of them */
    uint64_t reclaim_pass;    /* registry lock: the last reclaim pass that took it */
};

/* A new, empty address space (kernel half only), users = 1; NULL without
 * memory. */
struct address_space *as_create(void);

/* Takes / drops a reference; the last as_put frees everything. The last
 * reference may not be dropped while 'as' is loaded on any CPU (as_switch
 * away first; checked). */
void as_get(struct address_space *as);
void as_put(struct address_space *as);

/* fork: a new address space with the same regions, private pages shared
 * copy-on-write (both sides write-protected), shared regions shared, and
 * the same free strategy and reclaim policy. NULL without memory (nothing
 * leaks). */
struct address_space *as_fork(struct address_space *parent);

/* Loads 'next' on this CPU (NULL: the kernel's own tables) and moves this
 * CPU's bit in active_cpus from 'prev' to 'next'. Interrupts off. */
void as_switch(struct address_space *prev, struct address_space *next);

/*
 * For execve: adds the region [start, start + len) (page aligned) as private
 * anonymous memory with 'prot' (PROT_*) and VMA flags (VMA_GROWSDOWN for a
 * stack; not VMA_SHARED), replacing what was there. Returns 0, -ENOMEM or
 * -EINVAL.
 */
int as_map_anon(struct address_space *as, uint64_t start, uint64_t len, uint32_t prot,
                uint32_t vma_flags);

/*
 * Reads (write = false) or writes 'len' bytes at user address 'addr' of
 * 'as', which need not be the loaded one, through the direct map, faulting
 * pages in as a user access would (writes break copy-on-write; execve
 * writes read-only segments this way with force = true). kbuf is a kernel
 * buffer. Returns the bytes done (stops at the first page it cannot
 * access), as process_vm_readv does.
 */
size_t as_access(struct address_space *as, uint64_t addr, void *kbuf, size_t len, bool write,
                 bool force);

/*
 * For the reclaim passes (mm/pt_reclaim.c, one at a time): among the
 * address spaces with tables on their idle list that pass 'pass' has not
 * taken yet (and only lazy ones if 'lazy_only'), the one with the most
 * page-table pages, marked taken by 'pass', with a reference (as_put it);
 * NULL if there is none left.
 */
struct address_space *as_next_to_reclaim(uint64_t pass, bool lazy_only);

/* Checks every page-table count of 'as' against its entries (mm/pt_ref.h,
 * pt_audit); returns the mismatches (each printed). Takes the map lock. */
int as_audit(struct address_space *as);

/* DEBUG builds booted with "ptaudit": audits 'as' (as_audit) and panics,
 * naming 'op', on any mismatch. Called at the end of every page fault,
 * as_access, memory system call and fork, with no lock held. A no-op
 * otherwise: the audit walks every table. */
#ifdef DEBUG
void as_audit_op(struct address_space *as, const char *op);
#else
static inline void as_audit_op(struct address_space *as, const char *op)
{
    (void)as;
    (void)op;
}
#endif

/* Resident pages and page-table pages, for /proc (VmRSS, VmPTE). No lock
 * needed: a recent value. */
uint64_t as_rss_bytes(struct address_space *as);
uint64_t as_pgtable_bytes(struct address_space *as);

/* Page-table pages of all address spaces, PML4s included (PageTables in
 * /proc/meminfo). */
uint64_t as_pgtable_bytes_total(void);

#endif
