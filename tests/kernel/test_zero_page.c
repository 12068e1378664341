/*
 * The shared zero page (mm/user_page.h, ZP1..ZP3): read faults map it
 * read-only without a reference and without counting it resident; a
 * write gets a zeroed frame of its own; fork, mprotect, MADV_DONTNEED,
 * mincore, the lockless walker, as_access and MAP_POPULATE handle it; its
 * refcount never moves and it stays all zeros.
 */
#include "arch/x86_64/mmu.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/as_internal.h"
#include "mm/as_mman.h"
#include "mm/gup_fast.h"
#include "mm/user_page.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define P PAGE_SIZE
#define MB (1ul << 20)
#define BASE 0x400000ul
#define RW (PROT_READ | PROT_WRITE)
#define READ_FAULT PF_U
#define WRITE_FAULT (PF_U | PF_W)
#define PAGES 8

/* True if the zero page is as ZP1 wants it: refcount 0, all zeros. */
static bool zero_page_intact(void)
{
    const uint64_t *words = page_to_virt(zero_page);
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        if (words[i])
            return false;
    return zero_page->refcount == 0 && (zero_page->flags & PG_RESERVED);
}

static bool maps_zero(struct address_space *as, uint64_t va)
{
    pte_t e = upt_lookup(as, va);
    return pte_present(e) && upte_is_zero(e) && !pte_writable(e);
}

/* Reads 'len' bytes at 'va' and checks that they all equal 'value'. */
static bool reads_as(struct address_space *as, uint64_t va, size_t len, uint8_t value)
{
    static uint8_t buf[PAGES * P];
    memset(buf, value ^ 0xff, len);
    if (as_access(as, va, buf, len, false, false) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (buf[i] != value)
            return false;
    return true;
}

KTEST(zero_page_read_fault_maps_it_write_fault_copies)
{
    uint64_t before = frames_now();
    struct address_space *as = as_create();
    KASSERT(as);
    KASSERT(as_map_anon(as, BASE, PAGES * P, RW, 0) == 0);
    for (int i = 0; i < PAGES; i++)
        KEXPECT(as_fault(as, BASE + i * P, READ_FAULT) == 0 && maps_zero(as, BASE + i * P));
    KEXPECT(as->rss_pages == 0 && as_audit(as) == 0);
    KEXPECT(reads_as(as, BASE, PAGES * P, 0));

    /* a write gets a zeroed frame of its own; the neighbours keep the zero page */
    KEXPECT(as_fault(as, BASE + 2 * P, WRITE_FAULT) == 0);
    pte_t e = upt_lookup(as, BASE + 2 * P);
    KEXPECT(pte_present(e) && pte_writable(e) && !upte_is_zero(e));
    KEXPECT(as->rss_pages == 1 && maps_zero(as, BASE + P) && maps_zero(as, BASE + 3 * P));
    uint8_t data = 0x5a;
    KEXPECT(as_access(as, BASE + 2 * P + 7, &data, 1, true, false) == 1);
    KEXPECT(reads_as(as, BASE + 2 * P, 7, 0) && reads_as(as, BASE + 2 * P + 7, 1, 0x5a));
    KEXPECT(reads_as(as, BASE + 3 * P, P, 0));

    /* mprotect never makes it writable; PROT_NONE keeps it, back again */
    KEXPECT(as_mprotect(as, BASE, PAGES * P, PROT_READ) == 0);
    KEXPECT(as_mprotect(as, BASE, PAGES * P, RW) == 0 && maps_zero(as, BASE));
    KEXPECT(as_mprotect(as, BASE, PAGES * P, PROT_NONE) == 0);
    KEXPECT(pte_protnone(upt_lookup(as, BASE)) && upte_is_zero(upt_lookup(as, BASE)));
    KEXPECT(as_mprotect(as, BASE, PAGES * P, RW) == 0 && maps_zero(as, BASE));
    KEXPECT(as->rss_pages == 1 && as_audit(as) == 0);

    /* mincore counts it in memory (as Linux: the entry is present) */
    uint8_t vec[PAGES];
    KEXPECT(as_mincore(as, BASE, PAGES, vec) == PAGES && vec[0] && vec[2] && vec[PAGES - 1]);

    /* MADV_DONTNEED drops the entries; the next read maps it again */
    KEXPECT(as_madvise(as, BASE, PAGES * P, MADV_DONTNEED) == 0);
    KEXPECT(upt_lookup(as, BASE) == 0 && as->rss_pages == 0);
    KEXPECT(reads_as(as, BASE, PAGES * P, 0) && maps_zero(as, BASE + 2 * P));
    KEXPECT(as->rss_pages == 0 && as_audit(as) == 0);
    as_put(as);
    KEXPECT(zero_page_intact());
    KEXPECT(frames_now() == before);
}

KTEST(zero_page_fork_and_lockless_walker)
{
    uint64_t before = frames_now();
    struct address_space *parent = as_create();
    KASSERT(parent);
    KASSERT(as_map_anon(parent, BASE, PAGES * P, RW, 0) == 0);
    for (int i = 0; i < PAGES; i++)
        KEXPECT(as_fault(parent, BASE + i * P, READ_FAULT) == 0);
    struct address_space *child = as_fork(parent);
    KASSERT(child);
    KEXPECT(maps_zero(child, BASE) && maps_zero(parent, BASE) && child->rss_pages == 0);
    KEXPECT(as_audit(parent) == 0 && as_audit(child) == 0);

    /* each side's write is its own */
    uint8_t one = 1, two = 2;
    KEXPECT(as_access(child, BASE, &one, 1, true, false) == 1);
    KEXPECT(as_access(parent, BASE, &two, 1, true, false) == 1);
    KEXPECT(reads_as(child, BASE, 1, 1) && reads_as(parent, BASE, 1, 2));
    KEXPECT(reads_as(child, BASE + P, P, 0) && maps_zero(child, BASE + P));
    KEXPECT(child->rss_pages == 1 && parent->rss_pages == 1);

    /* the lockless walker: a read pin gets the zero page (no reference), a
     * write pin stops there; gup_fast_access breaks it like a fault */
    struct page *pin;
    KEXPECT(gup_fast_pin(parent, BASE + P, 1, false, &pin) == 1 && is_zero_page(pin));
    gup_fast_unpin(parent, BASE + P, pin);
    KEXPECT(gup_fast_pin(parent, BASE + P, 1, true, &pin) == 0);
    uint8_t present[PAGES];
    KEXPECT(gup_fast_present(parent, BASE, PAGES, present) == PAGES && present[3]);
    uint32_t word = 0xfeed, back = 0;
    KEXPECT(gup_fast_access(parent, BASE + 3 * P, &word, 4, true) == 4);
    KEXPECT(gup_fast_access(parent, BASE + 3 * P, &back, 4, false) == 4 && back == 0xfeed);
    KEXPECT(maps_zero(child, BASE + 3 * P) && reads_as(child, BASE + 3 * P, 4, 0));
    KEXPECT(as_audit(parent) == 0 && as_audit(child) == 0);
    as_put(child);
    as_put(parent);
    KEXPECT(zero_page_intact());
    KEXPECT(frames_now() == before);
}

KTEST(zero_page_populate_writable_allocates)
{
    uint64_t before = frames_now();
    struct address_space *as = as_create();
    KASSERT(as);
    long rw = as_mmap(as, 0, PAGES * P, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, false, 0);
    KEXPECT(rw > 0 && as->rss_pages == PAGES && !maps_zero(as, (uint64_t)rw));
    long ro = as_mmap(as, 0, PAGES * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                      false, 0);
    KEXPECT(ro > 0 && as->rss_pages == PAGES && maps_zero(as, (uint64_t)ro + P));
    KEXPECT(as_madvise(as, (uint64_t)rw, PAGES * P, MADV_DONTNEED) == 0);
    KEXPECT(as_madvise(as, (uint64_t)rw, PAGES * P, MADV_POPULATE_READ) == 0);
    KEXPECT(as->rss_pages == 0 && maps_zero(as, (uint64_t)rw));
    KEXPECT(as_madvise(as, (uint64_t)rw, PAGES * P, MADV_POPULATE_WRITE) == 0);
    KEXPECT(as->rss_pages == PAGES && !maps_zero(as, (uint64_t)rw));
    KEXPECT(as_audit(as) == 0);
    as_put(as);
    KEXPECT(zero_page_intact());
    KEXPECT(frames_now() == before);
}
