/* The text of /proc/<pid>/ptdump; see mm/pt_dump.h. */
#include "mm/pt_dump.h"

#include <stdarg.h>

#include "kernel/rwlock.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/as_internal.h"
#include "mm/mman.h"
#include "mm/paging.h"
#include "mm/pt_ref.h"
#include "mm/vma.h"

#define LINE_MAX 96

static const char *const level_names[PT_LEVELS + 1] = {NULL, "pte", "pmd", "pud", "pml4"};

/* The window of the text a read asked for: bytes [pos, pos + len). */
struct dump {
    struct address_space *as;
    bool full;
    uint64_t pos;   /* where the window starts in the text */
    uint64_t at;    /* bytes of text produced so far */
    char *buf;
    size_t len;
    size_t copied;  /* bytes of the window filled */
};

static bool window_full(const struct dump *d)
{
    return d->copied == d->len;
}

/* Produces one line; copies the part of it that falls in the window. */
static void emit(struct dump *d, int depth, const char *fmt, ...)
{
    char line[LINE_MAX];
    int n = 0;
    for (int i = 0; i < depth && n + 2 < LINE_MAX; i++, n += 2)
        memcpy(line + n, "  ", 2);
    va_list ap;
    va_start(ap, fmt);
    n += format_v(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > LINE_MAX - 1)
        n = LINE_MAX - 1;
    line[n++] = '\n';
    uint64_t start = d->at, end = d->at + (uint64_t)n;
    d->at = end;
    uint64_t want = d->pos + d->copied;
    if (end <= want || window_full(d))
        return;
    size_t off = (size_t)(want - start);
    size_t take = (size_t)n - off;
    if (take > d->len - d->copied)
        take = d->len - d->copied;
    memcpy(d->buf + d->copied, line + off, take);
    d->copied += take;
}

/* The line of one entry in use of a PTE table (the full dump). */
static void emit_entry(struct dump *d, int depth, uint64_t va, pte_t e)
{
    const char *what = "page";
    if (pte_protnone(e)) {
        what = "protnone";
    } else if (upte_is_zero(e)) {
        what = "zero";
    } else {
        const struct vma *vma = vma_find(&d->as->vmas, va);
        if (vma && (vma->prot & PROT_WRITE) && !(vma->flags & VMA_SHARED) && !pte_writable(e))
            what = "cow";
    }
    bool present = pte_present(e);
    emit(d, depth, "0x%016lx %c%c%c%c%c%c %s 0x%lx", va, present ? 'r' : '-',
         present && pte_writable(e) ? 'w' : '-', present && !pte_nx(e) ? 'x' : '-',
         pte_user(e) ? 'u' : '-', e & PTE_ACCESSED ? 'a' : '-', e & PTE_DIRTY ? 'd' : '-',
         what, pte_phys(e));
}

/* Dumps table 'pt' (at 'level', first address 'va') and everything below. */
static void dump_table(struct dump *d, struct page *pt, int level, uint64_t va, int depth)
{
    pte_t *table = pt_table(pt);
    int slots = level == PT_LEVELS ? PML4_KERNEL_FIRST : PT_ENTRIES;
    int used = 0;
    for (int i = 0; i < slots; i++) {
        pte_t e = pte_read(&table[i]);
        used += level == 1 ? e != 0 : pte_present(e);
    }
    emit(d, depth, "%s 0x%016lx entries=%d count=%d", level_names[level], va, used,
         __atomic_load_n(&pt->pt_count, __ATOMIC_RELAXED));
    for (int i = 0; i < slots && !window_full(d); i++) {
        pte_t e = pte_read(&table[i]);
        uint64_t child_va = va + (uint64_t)i * pt_level_size(level);
        if (level == 1) {
            if (d->full && e)
                emit_entry(d, depth + 1, child_va, e);
        } else if (pte_present(e) && !pte_is_leaf(e, level)) {
            dump_table(d, phys_to_page(pte_phys(e)), level - 1, child_va, depth + 1);
        }
    }
}

size_t pt_dump_read(struct address_space *as, bool full, uint64_t pos, char *buf, size_t len)
{
    struct dump d = {.as = as, .full = full, .pos = pos, .buf = buf, .len = len};
    if (len == 0)
        return 0;
    write_lock(&as->map_lock); /* counts exact: see mm/pt_dump.h */
    dump_table(&d, as_root_table(as), PT_LEVELS, 0, 0);
    write_unlock(&as->map_lock);
    return d.copied;
}
