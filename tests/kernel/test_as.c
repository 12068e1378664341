/*
 * User address spaces, driven from the kernel without loading them:
 * teardown returns every frame, demand-zero, protection checks, fork with
 * copy-on-write, shared memory, the memory system calls' effect on the page
 * tables, counters, stack growth and running out of memory.
 */
#include "arch/x86_64/mmu.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/as_mman.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/user_page.h"
#include "tests/kernel/ktest.h"

#define P PAGE_SIZE
#define BASE 0x400000ul
#define RW (PROT_READ | PROT_WRITE)
#define READ_FAULT PF_U
#define WRITE_FAULT (PF_U | PF_W)
#define EXEC_FAULT (PF_U | PF_I)

/* The leaf entry of 'va' in 'as' (present or not); 0 if none. */
static pte_t entry(struct address_space *as, uint64_t va)
{
    return upt_lookup(as, va);
}

static int refs(struct address_space *as, uint64_t va)
{
    return user_page_refs(upte_page(entry(as, va)));
}

/* Frames and kmalloc objects in use, to compare before and after. */
struct usage {
    uint64_t free_frames, objects;
};

static struct usage usage_now(void)
{
    pt_drain(); /* tables still waiting for a grace period */
    return (struct usage){frame_free_count(), kmalloc_in_use()};
}

static bool usage_same(struct usage before)
{
    struct usage now = usage_now();
    return now.free_frames == before.free_frames && now.objects == before.objects;
}

static bool all_bytes(const uint8_t *buf, size_t len, uint8_t value)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != value)
            return false;
    return true;
}

KTEST(as_create_put_returns_every_frame)
{
    struct usage before = usage_now();
    struct address_space *as = as_create();
    KASSERT(as);
    KEXPECT(as_map_anon(as, BASE, 16 * P, RW, 0) == 0);
    KEXPECT(as_map_anon(as, 0x7f0000000000ul, 4 * P, PROT_READ, 0) == 0);
    KEXPECT(as_fault(as, BASE, WRITE_FAULT) == 0);
    KEXPECT(as_fault(as, BASE + 15 * P, READ_FAULT) == 0);
    KEXPECT(as_fault(as, 0x7f0000000000ul + 3 * P, READ_FAULT) == 0);
    long shared = as_mmap(as, 0, 3 * P, RW, MAP_SHARED | MAP_ANONYMOUS, false, 0);
    KEXPECT(shared > 0 && as_fault(as, (uint64_t)shared + P, WRITE_FAULT) == 0);
    KEXPECT(as->rss_pages == 4);
    as_put(as);
    KEXPECT(usage_same(before));
}

KTEST(as_demand_zero_then_access)
{
    struct address_space *as = as_create();
    KASSERT(as);
    KASSERT(as_map_anon(as, BASE, 4 * P, RW, 0) == 0);
    KEXPECT(entry(as, BASE) == 0);
    KEXPECT(as_fault(as, BASE + 123, WRITE_FAULT) == 0);
    pte_t e = entry(as, BASE);
    KEXPECT(pte_present(e) && pte_writable(e) && (e & PTE_USER));
    KEXPECT(pte_nx(e) == arch_nx_enabled());
    KEXPECT(as->rss_pages == 1);

    static uint8_t buf[4 * P];
    memset(buf, 0xaa, sizeof(buf));
    KEXPECT(as_access(as, BASE, buf, sizeof(buf), false, false) == sizeof(buf));
    KEXPECT(all_bytes(buf, sizeof(buf), 0));
    KEXPECT(as->rss_pages == 4);

    memset(buf, 0x5c, sizeof(buf));
    KEXPECT(as_access(as, BASE + 100, buf, 2 * P, true, false) == 2 * P);
    memset(buf, 0, sizeof(buf));
    KEXPECT(as_access(as, BASE + 100, buf, 2 * P, false, false) == 2 * P);
    KEXPECT(all_bytes(buf, 2 * P, 0x5c));
    /* stops at the end of the region */
    KEXPECT(as_access(as, BASE + 3 * P, buf, 2 * P, false, false) == P);
    as_put(as);
}

KTEST(as_fault_checks_protection)
{
    struct address_space *as = as_create();
    KASSERT(as);
    uint64_t ro = BASE, none = BASE + 0x10000, rw = BASE + 0x20000, rx = BASE + 0x30000;
    KASSERT(as_map_anon(as, ro, P, PROT_READ, 0) == 0);
    KASSERT(as_map_anon(as, none, P, PROT_NONE, 0) == 0);
    KASSERT(as_map_anon(as, rw, P, RW, 0) == 0);
    KASSERT(as_map_anon(as, rx, P, PROT_READ | PROT_EXEC, 0) == 0);

    KEXPECT(as_fault(as, ro, WRITE_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, ro, READ_FAULT) == 0);
    KEXPECT(!pte_writable(entry(as, ro)));
    KEXPECT(as_fault(as, none, READ_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, none, WRITE_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, rw, EXEC_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, rx, EXEC_FAULT) == 0);
    KEXPECT(!pte_nx(entry(as, rx)));
    KEXPECT(as_fault(as, BASE + 0x40000, READ_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, USER_TOP, READ_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, rw, WRITE_FAULT | PF_RSVD) == -EFAULT);

    /* execve's forced write into a read-only page keeps it read-only */
    uint32_t word = 0x12345678, back = 0;
    KEXPECT(as_access(as, ro, &word, 4, true, false) == 0);
    KEXPECT(as_access(as, ro, &word, 4, true, true) == 4);
    KEXPECT(as_access(as, ro, &back, 4, false, false) == 4 && back == word);
    KEXPECT(!pte_writable(entry(as, ro)));
    KEXPECT(as_access(as, none, &back, 4, false, false) == 0);
    as_put(as);
}

KTEST(as_fork_copy_on_write)
{
    struct usage before = usage_now();
    struct address_space *parent = as_create();
    KASSERT(parent);
    KASSERT(as_map_anon(parent, BASE, 2 * P, RW, 0) == 0);
    char word[8] = "parent0";
    KEXPECT(as_access(parent, BASE, word, 8, true, false) == 8);
    uint64_t parent_phys = pte_phys(entry(parent, BASE));

    for (int round = 0; round < 8; round++) {
        struct address_space *child = as_fork(parent);
        KASSERT(child);
        /* both sides read-only on the same frame */
        KEXPECT(pte_phys(entry(child, BASE)) == parent_phys);
        KEXPECT(!pte_writable(entry(parent, BASE)) && !pte_writable(entry(child, BASE)));
        KEXPECT(refs(parent, BASE) == 2);
        KEXPECT(entry(child, BASE + P) == 0 && child->rss_pages == 1);

        char mine[8] = "child_0", seen[8];
        mine[6] = (char)('0' + round);
        KEXPECT(as_access(child, BASE, mine, 8, true, false) == 8);
        KEXPECT(pte_phys(entry(child, BASE)) != parent_phys && pte_writable(entry(child, BASE)));
        KEXPECT(refs(parent, BASE) == 1 && refs(child, BASE) == 1);
        KEXPECT(as_access(parent, BASE, seen, 8, false, false) == 8);
        KEXPECT(memcmp(seen, word, 8) == 0);

        /* the parent's page is its own again: written in place */
        word[6] = (char)('1' + round);
        KEXPECT(as_access(parent, BASE, word, 8, true, false) == 8);
        KEXPECT(pte_phys(entry(parent, BASE)) == parent_phys);
        KEXPECT(pte_writable(entry(parent, BASE)));
        KEXPECT(as_access(child, BASE, seen, 8, false, false) == 8);
        KEXPECT(memcmp(seen, mine, 8) == 0);
        as_put(child);
    }
    as_put(parent);
    KEXPECT(usage_same(before));
}

KTEST(as_fork_shared_dontfork_wipeonfork)
{
    struct usage before = usage_now();
    struct address_space *parent = as_create();
    KASSERT(parent);
    long shared = as_mmap(parent, 0, 2 * P, RW, MAP_SHARED | MAP_ANONYMOUS, false, 0);
    KASSERT(shared > 0);
    uint64_t sh = (uint64_t)shared, gone = BASE, wiped = BASE + 0x10000;
    KASSERT(as_map_anon(parent, gone, P, RW, 0) == 0);
    KASSERT(as_map_anon(parent, wiped, P, RW, 0) == 0);
    uint32_t one = 1, two = 2, seen = 0;
    KEXPECT(as_access(parent, sh, &one, 4, true, false) == 4);
    KEXPECT(as_access(parent, gone, &one, 4, true, false) == 4);
    KEXPECT(as_access(parent, wiped, &one, 4, true, false) == 4);
    KEXPECT(as_madvise(parent, gone, P, MADV_DONTFORK) == 0);
    KEXPECT(as_madvise(parent, wiped, P, MADV_WIPEONFORK) == 0);
    KEXPECT(as_madvise(parent, sh, P, MADV_WIPEONFORK) == -EINVAL);

    struct address_space *child = as_fork(parent);
    KASSERT(child);
    KEXPECT(as_access(child, sh, &seen, 4, false, false) == 4 && seen == 1);
    KEXPECT(as_access(child, sh, &two, 4, true, false) == 4);
    KEXPECT(as_access(parent, sh, &seen, 4, false, false) == 4 && seen == 2);
    KEXPECT(pte_phys(entry(child, sh)) == pte_phys(entry(parent, sh)));
    KEXPECT(pte_writable(entry(parent, sh)));
    KEXPECT(as_access(child, gone, &seen, 4, false, false) == 0);
    KEXPECT(as_access(child, wiped, &seen, 4, false, false) == 4 && seen == 0);
    KEXPECT(as_access(parent, wiped, &seen, 4, false, false) == 4 && seen == 1);

    /* the object outlives the parent's mapping while the child maps it */
    KEXPECT(as_munmap(parent, sh, 2 * P) == 0);
    KEXPECT(parent->shm_links == NULL);
    KEXPECT(as_access(child, sh, &seen, 4, false, false) == 4 && seen == 2);
    as_put(parent);
    as_put(child);
    KEXPECT(usage_same(before));
}

KTEST(as_counters)
{
    uint64_t total = as_pgtable_bytes_total();
    struct address_space *as = as_create();
    KASSERT(as);
    KEXPECT(as_pgtable_bytes_total() == total + P); /* the PML4 */
    KEXPECT(as_pgtable_bytes(as) == 0 && as_rss_bytes(as) == 0);
    KASSERT(as_map_anon(as, BASE, 1ul << 31, RW, 0) == 0);
    KEXPECT(as_fault(as, BASE, READ_FAULT) == 0);
    KEXPECT(as->pt_pages == 3); /* PDPT, PD, PT */
    KEXPECT(as_fault(as, BASE + P, READ_FAULT) == 0);
    KEXPECT(as->pt_pages == 3);
    KEXPECT(as_fault(as, BASE + (2ul << 20), READ_FAULT) == 0); /* next PT */
    KEXPECT(as->pt_pages == 4);
    KEXPECT(as_fault(as, BASE + (1ul << 30), READ_FAULT) == 0); /* next PD, PT */
    KEXPECT(as->pt_pages == 6);
    KEXPECT(as_pgtable_bytes(as) == 6 * P && as_rss_bytes(as) == 4 * P);
    KEXPECT(as_pgtable_bytes_total() == total + 7 * P);
    /* unmapping frees pages and the tables left empty; ptfree=off keeps
     * those not wholly inside the range: the PDPT and the first PD */
    KEXPECT(as_munmap(as, BASE, 1ul << 31) == 0);
    KEXPECT(as_rss_bytes(as) == 0 && as->pt_pages == (as->ptfree == PTFREE_OFF ? 2 : 0));
    as_put(as);
    pt_drain();
    KEXPECT(as_pgtable_bytes_total() == total);
}

KTEST(as_mprotect_munmap_madvise_in_page_tables)
{
    struct usage before = usage_now();
    struct address_space *as = as_create();
    KASSERT(as);
    long addr = as_mmap(as, 0, 6 * P, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, false, 0);
    KASSERT(addr > 0);
    uint64_t a = (uint64_t)addr;
    KEXPECT(a + 6 * P <= MMAP_BASE && as->rss_pages == 6);
    for (int i = 0; i < 6; i++) {
        uint8_t v = (uint8_t)(i + 1);
        KEXPECT(as_access(as, a + i * P, &v, 1, true, false) == 1);
        KEXPECT(pte_writable(entry(as, a + i * P)));
    }

    KEXPECT(as_mprotect(as, a + P, P, PROT_READ) == 0);
    KEXPECT(pte_present(entry(as, a + P)) && !pte_writable(entry(as, a + P)));
    KEXPECT(as_fault(as, a + P, WRITE_FAULT) == -EFAULT);

    KEXPECT(as_mprotect(as, a + 2 * P, P, PROT_NONE) == 0);
    pte_t e = entry(as, a + 2 * P);
    KEXPECT(!pte_present(e) && (e & PTE_PROTNONE));
    KEXPECT(as_fault(as, a + 2 * P, READ_FAULT) == -EFAULT);
    KEXPECT(as_mprotect(as, a + 2 * P, P, RW) == 0);
    KEXPECT(pte_present(entry(as, a + 2 * P)) && pte_writable(entry(as, a + 2 * P)));
    uint8_t v = 0;
    KEXPECT(as_access(as, a + 2 * P, &v, 1, false, false) == 1 && v == 3);
    KEXPECT(as_mprotect(as, a + 2 * P, P, PROT_READ | PROT_EXEC) == 0);
    KEXPECT(!pte_nx(entry(as, a + 2 * P)) && !pte_writable(entry(as, a + 2 * P)));

    KEXPECT(as_munmap(as, a + 3 * P, P) == 0);
    KEXPECT(entry(as, a + 3 * P) == 0 && as->rss_pages == 5);
    KEXPECT(as_fault(as, a + 3 * P, READ_FAULT) == -EFAULT);
    KEXPECT(as_mprotect(as, a, 6 * P, RW) == -ENOMEM); /* stops at the hole */
    KEXPECT(pte_writable(entry(as, a + P)) && pte_writable(entry(as, a + 2 * P)));

    KEXPECT(as_madvise(as, a, P, MADV_DONTNEED) == 0);
    KEXPECT(entry(as, a) == 0 && as->rss_pages == 4);
    KEXPECT(as_access(as, a, &v, 1, false, false) == 1 && v == 0);

    uint8_t vec[8];
    memset(vec, 0xff, sizeof(vec));
    KEXPECT(as_madvise(as, a + 4 * P, P, MADV_DONTNEED) == 0);
    KEXPECT(as_mincore(as, a, 6, vec) == 3);
    KEXPECT(vec[0] == 1 && vec[1] == 1 && vec[2] == 1 && vec[3] == 0xff);
    KEXPECT(as_mincore(as, a + 4 * P, 2, vec) == 2 && vec[0] == 0 && vec[1] == 1);
    KEXPECT(as_mincore(as, a + 3 * P, 2, vec) == 0);
    KEXPECT(as_madvise(as, a, 6 * P, MADV_DONTNEED) == -ENOMEM);
    KEXPECT(as->rss_pages == 0);

    /* MAP_FIXED over populated pages frees them; NOREPLACE refuses */
    KEXPECT(as_fault(as, a, WRITE_FAULT) == 0 && as->rss_pages == 1);
    KEXPECT(as_mmap(as, a, P, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, false, 0) ==
            -EEXIST);
    KEXPECT(as_mmap(as, a, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, false, 0) ==
            (long)a);
    KEXPECT(entry(as, a) == 0 && as->rss_pages == 0);
    as_put(as);
    KEXPECT(usage_same(before));
}

KTEST(as_brk_maps_and_unmaps_the_heap)
{
    struct address_space *as = as_create();
    KASSERT(as);
    as->start_brk = as->brk = 0x600000;
    KEXPECT(as_brk(as, 0) == 0x600000);
    KEXPECT(as_brk(as, 0x603001) == 0x603001);
    KEXPECT(as_fault(as, 0x603000, WRITE_FAULT) == 0);
    KEXPECT(as_fault(as, 0x604000, WRITE_FAULT) == -EFAULT);
    KEXPECT(as->rss_pages == 1);
    KEXPECT(as_brk(as, 0x601000) == 0x601000);
    KEXPECT(entry(as, 0x603000) == 0 && as->rss_pages == 0);
    KEXPECT(as_fault(as, 0x603000, WRITE_FAULT) == -EFAULT);
    as_put(as);
}

KTEST(as_stack_grows_down)
{
    struct address_space *as = as_create();
    KASSERT(as);
    uint64_t top = USER_TOP - P, start = top - 4 * P;
    KASSERT(as_map_anon(as, start, 4 * P, RW, VMA_GROWSDOWN) == 0);
    KEXPECT(as_fault(as, start - 100, WRITE_FAULT) == 0);
    struct vma *stack = vma_find(&as->vmas, start - 100);
    KEXPECT(stack && stack->start == start - P && stack->end == top);
    KEXPECT(as_fault(as, start - 64 * P, READ_FAULT) == 0);
    KEXPECT(as_fault(as, top - STACK_GROW_LIMIT - P, READ_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, top - STACK_GROW_LIMIT, READ_FAULT) == 0);
    /* not into the guard gap above another region */
    KASSERT(as_map_anon(as, BASE, P, RW, 0) == 0);
    uint64_t low_stack = BASE + P + STACK_GUARD_GAP + P;
    KASSERT(as_map_anon(as, low_stack, P, RW, VMA_GROWSDOWN) == 0);
    KEXPECT(as_fault(as, low_stack - 2 * P, READ_FAULT) == -EFAULT);
    KEXPECT(as_fault(as, low_stack - P, READ_FAULT) == 0);
    as_put(as);
}

/* A block taken from the allocator by hold_all_but(), linked through its
 * own first bytes. */
struct held {
    struct held *next;
    int order;
};

/* Takes free frames until exactly 'keep' remain above the reserve that
 * user memory may not use (frame_alloc_user(); fewer if there are not
 * that many); returns them for release_held(). The kernel's own
 * allocations still have the reserve. */
static struct held *hold_all_but(uint64_t keep)
{
    struct held *list = NULL;
    keep += frame_reserve();
    for (int order = FRAME_MAX_ORDER; order >= 0; order--) {
        while (frame_free_count() >= keep + (1ul << order)) {
            struct page *page = frame_alloc(order);
            if (!page)
                break;
            struct held *h = page_to_virt(page);
            *h = (struct held){.next = list, .order = order};
            list = h;
        }
    }
    return list;
}

static void release_held(struct held *list)
{
    while (list) {
        struct held *h = list;
        list = h->next;
        frame_free(virt_to_page(h), h->order);
    }
}

KTEST(as_out_of_memory_returns_enomem_and_leaks_nothing)
{
    struct usage before = usage_now();
    struct address_space *parent = as_create();
    KASSERT(parent);
    /* pages in four 1 GiB areas: a child needs 12 tables for them */
    for (uint64_t gb = 1; gb <= 4; gb++) {
        KASSERT(as_map_anon(parent, gb << 30, 2 * P, RW, 0) == 0);
        KEXPECT(as_fault(parent, gb << 30, WRITE_FAULT) == 0);
    }
    long shared = as_mmap(parent, 0, P, RW, MAP_SHARED | MAP_ANONYMOUS, false, 0);
    KASSERT(shared > 0);

    struct held *held = hold_all_but(0);
    KEXPECT(as_fault(parent, (1ul << 30) + P, WRITE_FAULT) == -ENOMEM);
    KEXPECT(as_fork(parent) == NULL);
    release_held(held);

    /* fork failing at every step on the way, then succeeding */
    bool forked = false;
    for (uint64_t keep = 0; keep < 40 && !forked; keep++) {
        struct usage start = usage_now();
        held = hold_all_but(keep);
        struct address_space *child = as_fork(parent);
        release_held(held);
        forked = child != NULL;
        if (child) {
            KEXPECT(child->rss_pages == 4);
            /* copy-on-write needs a frame the child cannot get */
            held = hold_all_but(0);
            KEXPECT(as_fault(child, 1ul << 30, WRITE_FAULT) == -ENOMEM);
            release_held(held);
            as_put(child);
        }
        KEXPECT(usage_same(start));
        for (uint64_t gb = 1; gb <= 4; gb++)
            KEXPECT(refs(parent, gb << 30) == 1);
    }
    KEXPECT(forked);
    as_put(parent);
    KEXPECT(usage_same(before));
}
