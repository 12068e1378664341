/*
 * The page-table dump (mm/pt_dump.h): the lines for tables at known
 * addresses, the full dump's entry lines (page, zero, cow, protnone), and reads
 * at every offset giving the same text as one read.
 */
#include "arch/x86_64/mmu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/as_mman.h"
#include "mm/mman.h"
#include "mm/pt_dump.h"
#include "tests/kernel/ktest.h"
#include "tests/kernel/pt_test.h"

#define P PAGE_SIZE
#define MB (1ul << 20)
#define BASE 0x40000000ul
#define HIGH 0x8000000000ul /* 512 GiB: its own PML4 entry */
#define RW (PROT_READ | PROT_WRITE)
#define WRITE_FAULT (PF_U | PF_W)
#define TEXT_MAX 4096

static char text[TEXT_MAX];

/* The whole dump of 'as' in 'text' (NUL-terminated); its length. */
static size_t dump_all(struct address_space *as, bool full)
{
    size_t n = pt_dump_read(as, full, 0, text, sizeof(text) - 1);
    text[n] = '\0';
    return n;
}

/* Four pages in one PTE table, one in the next, one 512 GiB up. */
static struct address_space *known_tables(void)
{
    struct address_space *as = as_with(PTFREE_RCU);
    if (!as)
        return NULL;
    if (as_map_anon(as, BASE, 4 * MB, RW, 0) || as_map_anon(as, HIGH, 2 * MB, RW, 0)) {
        as_put(as);
        return NULL;
    }
    uint64_t pages[] = {BASE, BASE + P, BASE + 2 * P, BASE + 3 * P, BASE + 2 * MB, HIGH};
    for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
        if (as_fault(as, pages[i], WRITE_FAULT)) {
            as_put(as);
            return NULL;
        }
    return as;
}

KTEST(pt_dump_lines_for_known_tables)
{
    uint64_t before = frames_now();
    struct address_space *as = known_tables();
    KASSERT(as);
    dump_all(as, false);
    KEXPECT(strcmp(text,
                   "pml4 0x0000000000000000 entries=2 count=2\n"
                   "  pud 0x0000000000000000 entries=1 count=1\n"
                   "    pmd 0x0000000040000000 entries=2 count=2\n"
                   "      pte 0x0000000040000000 entries=4 count=4\n"
                   "      pte 0x0000000040200000 entries=1 count=1\n"
                   "  pud 0x0000008000000000 entries=1 count=1\n"
                   "    pmd 0x0000008000000000 entries=1 count=1\n"
                   "      pte 0x0000008000000000 entries=1 count=1\n") == 0);
    as_put(as);
    KEXPECT(frames_now() == before);
}

/* The full dump's line for the page at 'va' (from the va to the newline,
 * flags checked up to 'u': accessed and dirty are the CPU's to set). */
static bool entry_line_is(uint64_t va, const char *flags, const char *what)
{
    char head[48];
    format(head, sizeof(head), "        0x%016lx %s", va, flags);
    const char *line = strstr(text, head);
    if (!line)
        return false;
    const char *end = strchr(line, '\n');
    const char *kind = strstr(line + strlen(head), what);
    return end && kind && kind < end;
}

KTEST(pt_dump_full_shows_page_zero_cow_and_protnone_entries)
{
    uint64_t before = frames_now();
    struct address_space *as = known_tables();
    KASSERT(as);
    struct address_space *child = as_fork(as); /* private pages become cow */
    KASSERT(child);
    KEXPECT(as_fault(as, BASE + P, WRITE_FAULT) == 0); /* copied: writable again */
    KEXPECT(as_mprotect(as, BASE + 2 * P, P, PROT_NONE) == 0);
    KEXPECT(as_fault(as, BASE + 2 * MB + P, PF_U) == 0); /* a read: the zero page */
    dump_all(as, true);
    KEXPECT(strstr(text, "      pte 0x0000000040000000 entries=4 count=4\n"
                         "        0x0000000040000000 ") != NULL);
    KEXPECT(entry_line_is(BASE, "r--u", " cow 0x"));
    KEXPECT(entry_line_is(BASE + P, "rw-u", " page 0x"));
    KEXPECT(entry_line_is(BASE + 2 * P, "----", " protnone 0x"));
    KEXPECT(entry_line_is(BASE + 3 * P, "r--u", " cow 0x"));
    KEXPECT(entry_line_is(BASE + 2 * MB + P, "r--u", " zero 0x"));
    as_put(child);
    as_put(as);
    KEXPECT(frames_now() == before);
}

KTEST(pt_dump_reads_at_any_offset_give_the_same_text)
{
    struct address_space *as = known_tables();
    KASSERT(as);
    static char pieces[TEXT_MAX];
    size_t total = dump_all(as, true);
    KEXPECT(total > 0 && total < TEXT_MAX - 1);
    for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
        size_t at = 0, n;
        while ((n = pt_dump_read(as, true, at, pieces + at, chunk)) > 0)
            at += n;
        KEXPECT(at == total && memcmp(pieces, text, total) == 0);
    }
    KEXPECT(pt_dump_read(as, true, total, pieces, 16) == 0);
    as_put(as);
}
