/*
 * The memory system calls on a given address space: mmap, munmap,
 * mprotect, madvise, mincore, brk and mremap (mm/mremap.c). The argument rules and errno values
 * come from mm/mmap_rules.h (Linux's); these functions bring the page
 * tables in line. mm/mman_syscalls.c calls them on the caller's address
 * space; kernel tests call them on address spaces that are not loaded.
 *
 * Each takes the map lock itself (mm/as.h): the caller holds no spinlock
 * and has interrupts on (unmapping shoots down TLB entries).
 */
#ifndef MM_AS_MMAN_H
#define MM_AS_MMAN_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/as.h"

/* mmap(addr, len, prot, flags, fd, off); fd_open tells whether fd is an
 * open file (looked at only without MAP_ANONYMOUS). Returns the address or
 * -errno. MAP_FIXED replaces what was there. */
long as_mmap(struct address_space *as, uint64_t addr, uint64_t len, uint64_t prot,
             uint64_t flags, bool fd_open, uint64_t off);

/* munmap: 0 or -errno. */
int as_munmap(struct address_space *as, uint64_t addr, uint64_t len);

/* mprotect: 0 or -errno (-ENOMEM after changing the part before a hole). */
int as_mprotect(struct address_space *as, uint64_t start, uint64_t len, uint64_t prot);

/* madvise: 0 or -errno. MADV_DONTNEED (and _LOCKED, FREE) drop the pages:
 * private memory reads back as zeros, shared memory as the object holds
 * it; MADV_REMOVE also frees a shared object's pages; (DONT|DO)FORK and
 * (WIPE|KEEP)ONFORK set the fork behaviour; POPULATE_(READ|WRITE) fault
 * pages in; GUARD_* and COLLAPSE give -EINVAL (not supported); the other
 * valid advice is accepted and has no effect. */
int as_madvise(struct address_space *as, uint64_t start, uint64_t len, int advice);

/* mincore's vector for up to 'pages' pages from 'start' (page aligned):
 * vec[i] is 1 if the page is in memory, else 0. Stops before the first
 * page no region covers; returns the number of pages filled (0: start is
 * not mapped). */
uint64_t as_mincore(struct address_space *as, uint64_t start, uint64_t pages, uint8_t *vec);

/* mremap(addr, old_len, new_len, flags, new_addr) with Linux's semantics
 * (mm/mremap.c): returns the mapping's address afterwards or -errno. */
long as_mremap(struct address_space *as, uint64_t addr, uint64_t old_len, uint64_t new_len,
               uint64_t flags, uint64_t new_addr);

/* brk: the new break, or the old one if the request is refused. */
uint64_t as_brk(struct address_space *as, uint64_t req);

#endif
