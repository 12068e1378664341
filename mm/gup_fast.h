/*
 * Lockless walkers of user page tables, get_user_pages_fast style (Linux
 * mm/gup.c): no map lock, no table references. Each walk descends from the
 * PML4 of an address space, which need not be the one loaded on this CPU,
 * inside pt_walk_begin() (interrupts off), reading every entry once; it
 * answers for a prefix of the pages asked and stops at the first page it
 * cannot answer for alone (a huge leaf, an address beyond user space; for
 * a pin, a page missing, PROT_NONE or read-only for a write). The caller
 * does the rest on its locked path.
 *
 * Why the tables and pages it reaches stay alive: the numbered assumptions
 * at the top of mm/gup_fast.c, and docs/pt-lifecycle.md, "The lockless
 * walker". In short: a table reached inside the section is not freed
 * before the section ends (mm/pt_ref.h, R4), and a data page is touched or
 * referenced only under its leaf table's lock while the entry still maps
 * it (R1: that entry holds a reference nobody can drop without that lock).
 *
 * Callers hold a reference on the address space (as_get, or it is their
 * own), which keeps its PML4. Thread context; the sections are short (one
 * leaf table at most), interrupts are on again between them.
 */
#ifndef MM_GUP_FAST_H
#define MM_GUP_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/page.h"

struct address_space;

/* True unless a test or benchmark turned the walkers off to compare with
 * the locked paths: then gup_fast_present() and gup_fast_pin() answer for
 * nothing and gup_fast_access() is as_access(). gup_fast_read_u32() has no
 * locked twin and walks either way. */
extern bool gup_fast_enabled;

/*
 * mincore's question for the pages from 'start' (page aligned): vec[i] = 1
 * if the page at start + i pages has a page (present or PROT_NONE), else
 * 0, each as it was at some moment during the call. No references taken;
 * vec is kernel memory (written with interrupts off). Returns how many
 * pages it answered (a prefix of 'pages').
 */
size_t gup_fast_present(struct address_space *as, uint64_t start, size_t pages, uint8_t *vec);

/*
 * Takes a reference on each page mapped from 'start' (page aligned), in
 * order, into pages[i], stopping at the first one that is not present, or
 * (with 'write') not writable. Returns how many it took: each was mapped
 * there, present (and writable), when its reference was taken. Drop each
 * with gup_fast_unpin().
 */
size_t gup_fast_pin(struct address_space *as, uint64_t start, size_t pages, bool write,
                    struct page **out);

/* Drops a reference from gup_fast_pin() (or from the slow path's pin in
 * as_access) on the page it found at 'va'. If it was the last (a zap
 * removed the entry meanwhile and may not have flushed yet), flushes 'va'
 * where 'as' is loaded, then frees the page. Interrupts on, no lock held. */
void gup_fast_unpin(struct address_space *as, uint64_t va, struct page *page);

/*
 * Reads the aligned word at 'uaddr' if its page is present, without
 * faulting and without sleeping: the caller may hold spinlocks (the futex
 * bucket lock; pt_lock comes after those). False if the page is not
 * present: fault it in and retry.
 */
bool gup_fast_read_u32(struct address_space *as, uint64_t uaddr, uint32_t *out);

/*
 * as_access() (mm/as.h) without the map lock where it can: each page is
 * pinned by gup_fast_pin() and copied; a page it cannot pin goes through
 * as_access(), which faults it in. Returns the bytes done.
 */
size_t gup_fast_access(struct address_space *as, uint64_t addr, void *kbuf, size_t len,
                       bool write);

#endif
