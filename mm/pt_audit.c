/*
 * The page-table audit (mm/pt_ref.h, pt_audit): every count against the
 * entries it counts, and every table's identity against where it hangs.
 */
#include "mm/pt_ref.h"

#include "kernel/printk.h"
#include "mm/as_internal.h"
#include "mm/paging.h"
#include "mm/user_page.h"

/* Errors printed in full; the rest are only counted. */
#define AUDIT_PRINT_MAX 8

struct audit {
    struct address_space *as;
    int errors;
    uint64_t tables;   /* below the PML4 */
    uint64_t resident; /* leaf entries holding a page other than the zero page */
    uint64_t idle;     /* tables with pt_idle */
};

static void report(struct audit *a, const struct page *pt, const char *what, long got,
                   long want)
{
    if (a->errors++ < AUDIT_PRINT_MAX)
        printk("pt_audit: table %lx (level %d, va %lx): %s is %ld, expected %ld\n",
               page_to_phys(pt), pt->pt_level, pt->pt_va, what, got, want);
}

/* Audits table 'pt', which should sit at 'level' under 'parent' (slot
 * 'index', first address 'va'), and everything below it. */
static void audit_table(struct audit *a, struct page *pt, int level, struct page *parent,
                        unsigned index, uint64_t va)
{
    if (!(pt->flags & PG_PTABLE)) {
        report(a, pt, "PG_PTABLE", 0, 1);
        return;
    }
    if (pt->pt_level != level)
        report(a, pt, "the level", pt->pt_level, level);
    if (pt->pt_parent != parent)
        report(a, pt, "the parent's frame", (long)(parent ? page_to_phys(pt->pt_parent) : 0),
               (long)(parent ? page_to_phys(parent) : 0));
    if (parent && (pt->pt_index != index || pt->pt_va != va))
        report(a, pt, "the slot in the parent", pt->pt_index, index);
    pte_t *table = pt_table(pt);
    int entries = level == PT_LEVELS ? PML4_KERNEL_FIRST : PT_ENTRIES;
    long used = 0, zero = 0;
    for (int i = 0; i < entries; i++) {
        pte_t e = pte_read(&table[i]);
        if (level == 1) {
            used += e != 0;
            zero += upte_is_zero(e);
            a->resident += upte_has_page(e) && !upte_is_zero(e);
            continue;
        }
        if (!pte_present(e))
            continue;
        used++;
        a->tables++;
        uint64_t child_va = va + (uint64_t)i * pt_level_size(level);
        audit_table(a, phys_to_page(pte_phys(e)), level - 1, pt, (unsigned)i, child_va);
    }
    long want = used + pt->pt_keep + pt->pt_idle;
    if (__atomic_load_n(&pt->pt_count, __ATOMIC_RELAXED) != want)
        report(a, pt, "the count", pt->pt_count, want);
    a->idle += pt->pt_idle;
    if (level > 1 && pt->pt_idle)
        report(a, pt, "pt_idle", 1, 0);
    if (level == 1 && pt->pt_idle != pt_idle_wanted(a->as, pt)) /* R8 */
        report(a, pt, "pt_idle", pt->pt_idle, !pt->pt_idle);
    /* R7: the content counts of a PTE table (unused above) */
    if (pt->pt_entries != (level == 1 ? used : 0))
        report(a, pt, "pt_entries", pt->pt_entries, level == 1 ? used : 0);
    if (pt->pt_zero != zero)
        report(a, pt, "pt_zero", pt->pt_zero, zero);
}

/* The zero page as ZP1 wants it: its refcount never moved, all zeros. */
static void audit_zero_page(struct audit *a)
{
    const uint64_t *words = page_to_virt(zero_page);
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        if (words[i] && a->errors++ < AUDIT_PRINT_MAX)
            printk("pt_audit: the zero page holds %lx at word %lu\n", words[i], i);
    if (zero_page->refcount != 0 && a->errors++ < AUDIT_PRINT_MAX)
        printk("pt_audit: the zero page's refcount is %d, expected 0\n", zero_page->refcount);
}

/* The idle list of 'as' (R8): every table on it is a live PTE table of
 * 'as' with pt_idle, in the order it went on, as many as its count and as
 * the tables with pt_idle found in the tree. */
static void audit_idle_list(struct audit *a)
{
    const struct pt_idle_list *l = &a->as->idle;
    uint64_t n = 0;
    for (const struct page *pt = l->head, *prev = NULL; pt; prev = pt, pt = pt->next, n++) {
        if (!(pt->flags & PG_PTABLE) || pt->pt_level != 1 || !pt->pt_idle) {
            report(a, pt, "a table on the idle list, pt_idle", pt->pt_idle, 1);
            return;
        }
        if (pt->prev != prev)
            report(a, pt, "the idle list's back link", (long)pt->prev, (long)prev);
        if (prev && (int32_t)(pt->pt_idle_ms - prev->pt_idle_ms) < 0)
            report(a, pt, "its time on the idle list", pt->pt_idle_ms, prev->pt_idle_ms);
    }
    if (n != l->count || n != a->idle) {
        if (a->errors++ < AUDIT_PRINT_MAX)
            printk("pt_audit: %lu tables on the idle list, its count says %lu, %lu have "
                   "pt_idle\n", n, l->count, a->idle);
    }
}

int pt_audit(struct address_space *as)
{
    struct audit a = {.as = as};
    audit_zero_page(&a);
    audit_table(&a, as_root_table(as), PT_LEVELS, NULL, 0, 0);
    audit_idle_list(&a);
    uint64_t vmpte = __atomic_load_n(&as->pt_pages, __ATOMIC_RELAXED);
    if (a.tables != vmpte) {
        if (a.errors++ < AUDIT_PRINT_MAX)
            printk("pt_audit: %lu tables below the PML4, but VmPTE counts %lu\n", a.tables,
                   vmpte);
    }
    uint64_t rss = __atomic_load_n(&as->rss_pages, __ATOMIC_RELAXED);
    if (a.resident != rss) {
        if (a.errors++ < AUDIT_PRINT_MAX)
            printk("pt_audit: %lu resident pages mapped, but VmRSS counts %lu\n", a.resident,
                   rss);
    }
    if (a.errors > AUDIT_PRINT_MAX)
        printk("pt_audit: %d errors in all\n", a.errors);
    return a.errors;
}
