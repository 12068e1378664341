/*
 * Futexes: user-space locks sleep in the kernel on a 32-bit word of their
 * memory (Linux's futex(2)). See docs/userspace.md, "Futexes".
 *
 * A waiter is found by its key: (address space, address) for private
 * memory, or (shared object, offset in it) for a MAP_SHARED region when
 * the operation is not FUTEX_PRIVATE_FLAG, so that processes sharing the
 * memory meet on the same key at different addresses. Keys hash to one of
 * FUTEX_BUCKETS buckets, each with its own lock and list of waiters.
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

/* futex(2) operations and flags (Linux's values). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define FUTEX_BUCKETS 256

struct address_space;

/* The kinds of key. As on Linux, a private and a non-private operation on
 * the same private word are different futexes. */
enum futex_key_kind {
    FUTEX_KEY_PRIVATE,   /* FUTEX_PRIVATE_FLAG: (address space, address) */
    FUTEX_KEY_AS_SHARED, /* no flag, private memory: (address space, address) */
    FUTEX_KEY_OBJECT,    /* no flag, MAP_SHARED memory: (object, offset) */
};

/* What a futex is: 'base' is the address space or the shared object (both
 * kernel objects, so they never collide); 'offset' the user address or the
 * byte offset in the object. */
struct futex_key {
    uint64_t base;
    uint64_t offset;
    enum futex_key_kind kind;
};

/*
 * The key of the futex word at 'uaddr' in 'as'. With 'private' (the
 * FUTEX_PRIVATE_FLAG) it is (as, uaddr) without looking at the regions;
 * otherwise the region must exist and be accessible, and a VMA_SHARED one
 * with an object gives (object, offset), while private memory must be
 * writable (Linux's get_futex_key() refuses a read-only anonymous page,
 * even for FUTEX_WAIT). Returns 0, -EINVAL (not 4-byte aligned) or
 * -EFAULT. Takes as->lock (no spinlock may be held).
 */
int futex_key_of(struct address_space *as, uint64_t uaddr, bool private, struct futex_key *key);

/* The bucket index of a key, in [0, FUTEX_BUCKETS). */
unsigned futex_bucket_index(const struct futex_key *key);

/*
 * Wakes up to n (at least 1, as Linux's FUTEX_WAKE does) waiters of the
 * futex at 'uaddr' in 'as' that wait without FUTEX_PRIVATE_FLAG (Linux's
 * clear_child_tid wake-up is a shared one too). Returns the number
 * woken, or -EINVAL / -EFAULT for a bad address. For the kernel's own
 * wake-ups (CLONE_CHILD_CLEARTID at thread exit). No spinlock held.
 */
int futex_wake(struct address_space *as, uint64_t uaddr, int n);

#endif
