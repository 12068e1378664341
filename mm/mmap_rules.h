/*
 * Linux x86_64's argument rules for mmap, munmap, mprotect, madvise,
 * mincore and brk, as pure functions over a region map (mm/vma.h): the
 * same errno, in the same order of checks, as Linux 6.18 for an
 * unprivileged process (tests/host/test_mmap_rules.c lists the cases
 * checked against the host). Page tables are the caller's business: these
 * functions decide and change the region map only.
 *
 * The caller holds the address space's lock (written side for the
 * functions taking a non-const map).
 */
#ifndef MM_MMAP_RULES_H
#define MM_MMAP_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/vma.h"

/* Hints below this are raised to it (Linux's mmap_min_addr with its
 * security modules' default, CONFIG_LSM_MMAP_MIN_ADDR). */
#define MMAP_MIN_ADDR 0x10000ul
/* MAP_FIXED below this fails with EPERM (vm.mmap_min_addr, unprivileged). */
#define MMAP_MIN_FIXED 0x1000ul
/* Where the bottom-up fallback search starts (Linux's TASK_UNMAPPED_BASE). */
#define MMAP_LEGACY_BASE ALIGN_UP(USER_TOP / 3, PAGE_SIZE)

/*
 * mmap(addr, len, prot, flags, fd, off): checks the arguments and chooses
 * the address; top-down searches start below mmap_base. fd_open tells
 * whether fd is an open file (looked at only without MAP_ANONYMOUS; no file
 * can be mapped yet: -ENODEV after the generic checks). Returns 0 and fills
 * *out (start, end, prot, flags; object NULL: a VMA_SHARED region needs
 * its object from the caller) for vma_insert(), which replaces what is
 * there (MAP_FIXED); or -errno, the map untouched.
 */
int mmap_prepare(const struct vma_map *map, uint64_t mmap_base, uint64_t addr, uint64_t len,
                 uint64_t prot, uint64_t flags, bool fd_open, uint64_t off, struct vma *out);

/*
 * Where a mapping of len bytes goes (Linux's get_unmapped_area(), used by
 * mmap and mremap): with 'fixed', addr as it is; otherwise a free hint is
 * honoured, then the highest gap below mmap_base, then the lowest above
 * MMAP_LEGACY_BASE. Returns 0 and sets *out, or -ENOMEM (no room), -EINVAL
 * (fixed, unaligned) or -EPERM (fixed, below MMAP_MIN_FIXED).
 */
int mmap_find_area(const struct vma_map *map, uint64_t mmap_base, uint64_t addr, uint64_t len,
                   bool fixed, uint64_t *out);

/* munmap(addr, len): checks the arguments and sets *end; the caller then
 * calls vma_remove(map, addr, *end). Returns 0 or -EINVAL. */
int munmap_check(uint64_t addr, uint64_t len, uint64_t *end);

/*
 * mprotect(start, len, prot): checks, then changes the map from the first
 * region up to the first hole, as Linux does (a hole gives -ENOMEM after
 * the part before it was changed). [*lo, *hi) is what changed (empty if
 * nothing): the caller brings those page-table entries in line.
 * Returns 0 or -errno.
 */
int mprotect_apply(struct vma_map *map, uint64_t start, uint64_t len, uint64_t prot,
                   uint64_t *lo, uint64_t *hi);

/* madvise(start, len, advice): checks the arguments and sets *end (== start:
 * nothing to do, return 0). Returns 0 or -EINVAL (unknown advice included). */
int madvise_check(uint64_t start, uint64_t len, int advice, uint64_t *end);

/*
 * Calls fn(map, vma, s, e, arg) for each mapped piece [s, e) of [start, end)
 * in address order (fn may change the map); stops at fn's first error.
 * Returns that error, else -ENOMEM if [start, end) has a hole, else 0: the
 * mapped parts are handled even when the result is -ENOMEM (Linux).
 */
int madvise_walk(struct vma_map *map, uint64_t start, uint64_t end,
                 int (*fn)(struct vma_map *map, struct vma *vma, uint64_t s, uint64_t e,
                           void *arg),
                 void *arg);

/*
 * mincore(start, len, vec): checks the arguments and sets *end (start +
 * len rounded up). The caller then fills vec for [start, vma_mapped_end())
 * and returns -ENOMEM if that stops short of *end. Returns 0 or -errno.
 */
int mincore_check(uint64_t start, uint64_t len, uint64_t vec, uint64_t *end);

/*
 * brk(req) for a heap starting at start_brk with the break at *brk: maps
 * or unmaps heap pages in the map (private anonymous, read/write) and moves
 * *brk. Returns what brk() returns: the new break, or the old one if the
 * request is refused. [*lo, *hi) is what was unmapped (empty if nothing):
 * the caller frees those pages.
 */
uint64_t brk_apply(struct vma_map *map, uint64_t start_brk, uint64_t *brk, uint64_t req,
                   uint64_t *lo, uint64_t *hi);

#endif
