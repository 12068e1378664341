/*
 * ptdump: an address space's page-table pages as text, for
 * /proc/<pid>/ptdump and /proc/<pid>/ptdump_full (docs/pt-lifecycle.md,
 * "Seeing it").
 *
 * One line per table, parents before children, children in address order,
 * two spaces of indent per level below the PML4:
 *
 *   <level> <va> entries=<n> count=<n>
 *
 * level is pml4, pud, pmd or pte; va the first address the table covers
 * (0x%016lx); entries the entries in use (a PTE table: every nonzero
 * entry, PROT_NONE ones included; above: present entries; the PML4: its
 * user half); count the table's reference count (mm/pt_ref.h). The full
 * dump adds, under each PTE table and one level deeper, a line per entry
 * in use:
 *
 *   <va> <flags> <what> 0x<physical address>
 *
 * flags are six letters or '-': r (present: readable), w, x, u, a
 * (accessed), d (dirty); what is "page", "zero" (the shared zero page,
 * mapped read-only by a read of untouched memory), "cow" (a private page
 * shared until the next write fault copies it) or "protnone" (PROT_NONE: not
 * present, the frame kept).
 *
 * The dump is read with the address space's map lock held for writing,
 * as pt_audit() is: no entry changes, no table is linked or unlinked, and
 * nobody holds a short-lived reference (R1..R3), so each count is exactly
 * its entries, plus 1 for ptfree=off's keep reference. Faults and zaps of
 * the process wait for the dump meanwhile; other processes do not.
 */
#ifndef MM_PT_DUMP_H
#define MM_PT_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct address_space;

/*
 * Copies the bytes [pos, pos + len) of the dump of 'as' (the full one if
 * 'full') into buf; returns how many, 0 at the end. Each call walks the
 * tables again (a file read at an offset). Thread context, no lock held;
 * the caller holds a reference on 'as'.
 */
size_t pt_dump_read(struct address_space *as, bool full, uint64_t pos, char *buf, size_t len);

#endif
