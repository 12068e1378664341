/*
 * The entry points of mm/ for arch/ (the layer rule is in
 * kernel/arch_hooks.h): the page fault at a user address (and whether a
 * region holds it, for SIGSEGV's si_code), and the frames of an AP's boot
 * stack. arch/ sees no struct address_space or struct page: only these
 * functions.
 */
#ifndef MM_ARCH_HOOKS_H
#define MM_ARCH_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct address_space;

/*
 * Resolves a page fault at 'addr' (error code bits PF_* of
 * arch/x86_64/mmu.h) in 'as': demand-zero for a missing page,
 * copy-on-write for a write to a shared private page, stack growth below a
 * VMA_GROWSDOWN region. Returns 0 (retry the access), -EFAULT (no region,
 * or the access is not allowed: SIGSEGV), or -ENOMEM (out of memory, and
 * the out-of-memory killer chose the caller's own process, which dies with
 * SIGKILL; when it chose another, the fault was retried: kernel/oom.h).
 * Takes the map lock; interrupts on (mm/fault.c).
 */
int as_fault(struct address_space *as, uint64_t addr, uint32_t pf_error);

/* True if a region of 'as' contains addr: a fault there that as_fault()
 * refused was an access the region does not allow (SIGSEGV's
 * SEGV_ACCERR), not a missing mapping (SEGV_MAPERR). Takes the map lock. */
bool as_has_region(struct address_space *as, uint64_t addr);

/* A block of 2^order frames, as its address in the direct map, or NULL
 * without memory: an AP's boot stack, never given back (mm/frame.c). */
void *frame_alloc_mapped(int order);

#endif
