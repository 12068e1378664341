/*
 * Futexes; see kernel/futex.h and docs/userspace.md ("Futexes").
 *
 * No lost wake-ups: a waiter compares the futex word with the expected
 * value and joins its bucket's list in one critical section of the bucket
 * lock. A waker changes the word first and then takes the same lock to
 * look for waiters. So either the waiter reads the new value (and returns
 * -EAGAIN) or it is on the list when the waker looks.
 *
 * Reading the word under a spinlock must not fault (a fault may sleep, take
 * the address space lock or shoot down TLBs). Like Linux, which reads it
 * with page faults disabled and retries after faulting the page in, the
 * read under the lock walks the page tables locklessly (gup_fast_read_u32,
 * mm/gup_fast.h) and reads the word through the direct map only if its page is
 * present; otherwise both
 * locks are dropped, get_user_u32() faults the page in (or finds -EFAULT),
 * and the whole step starts again.
 *
 * Lock order: bucket lock (two in address order, for requeue), then
 * the address space's map lock, then a page-table lock (the word's read),
 * then the run queue locks (sched_wake).
 *
 * Sleeping: a waiter marks itself SLEEPING and sleeps until a waker sets
 * its 'woken' and calls sched_wake(). A signal wakes it too (its sender
 * wakes the thread that takes it), and a timed wait also queues on
 * tick_wait_queue, so every tick wakes it to compare the time with its
 * deadline. After any wake-up it re-checks: woken, signalled, timed out.
 * A wait a signal interrupts returns -ERESTARTSYS, or with a time-out
 * -ERESTART_RESTARTBLOCK with its deadline in the restart block, as on
 * Linux: restarted after a signal that runs no handler, it waits on to the
 * same deadline.
 */
#include "kernel/futex.h"

#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "lib/list.h"
#include "mm/as.h"
#include "mm/gup_fast.h"
#include "mm/layout.h"
#include "mm/paging.h"

struct futex_bucket {
    struct spinlock lock;
    struct list waiters;          /* lock; futex_waiter.node, in arrival order */
};

/* Lives on the waiting thread's stack from futex_wait() to its return. */
struct futex_waiter {
    struct futex_key key;         /* bucket lock; requeue changes it */
    struct futex_bucket *bucket;  /* atomic; requeue changes it holding both locks */
    struct thread *thread;        /* constant */
    uint32_t bitset;              /* constant */
    bool woken;                   /* set (release) by the waker, which also unlinks it */
    struct list_node node;        /* in its bucket's list (bucket lock) */
};

static struct futex_bucket buckets[FUTEX_BUCKETS] = {
    [0 ... FUTEX_BUCKETS - 1] = {.lock = SPINLOCK_INIT("futex")},
};

unsigned futex_bucket_index(const struct futex_key *key)
{
    /* splitmix64's finaliser over both halves of the key. */
    uint64_t h = (key->base + key->kind) ^ (key->offset * 0x9e3779b97f4a7c15ull);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return (unsigned)(h % FUTEX_BUCKETS);
}

static struct futex_bucket *bucket_of(const struct futex_key *key)
{
    return &buckets[futex_bucket_index(key)];
}

static bool key_equal(const struct futex_key *a, const struct futex_key *b)
{
    return a->base == b->base && a->offset == b->offset && a->kind == b->kind;
}

int futex_key_of(struct address_space *as, uint64_t uaddr, bool private, struct futex_key *key)
{
    if (uaddr % sizeof(uint32_t))
        return -EINVAL;
    if (!user_range_ok(uaddr, sizeof(uint32_t)))
        return -EFAULT;
    *key = (struct futex_key){(uint64_t)as, uaddr, FUTEX_KEY_PRIVATE};
    if (private)
        return 0;
    key->kind = FUTEX_KEY_AS_SHARED;
    int ret = 0;
    read_lock(&as->map_lock);
    const struct vma *vma = vma_find(&as->vmas, uaddr);
    bool shared_object = vma && (vma->flags & VMA_SHARED) && vma->object;
    if (!vma || vma->prot == PROT_NONE)
        ret = -EFAULT;
    else if (!shared_object && !(vma->prot & PROT_WRITE))
        ret = -EFAULT; /* Linux: "a RO anonymous page will never change" */
    else if (shared_object)
        *key = (struct futex_key){(uint64_t)vma->object,
                                  vma->pgoff * PAGE_SIZE + (uaddr - vma->start),
                                  FUTEX_KEY_OBJECT};
    read_unlock(&as->map_lock);
    return ret;
}

/* Appends / unlinks w; the bucket lock is held. */
static void queue_add(struct futex_bucket *b, struct futex_waiter *w)
{
    list_push_tail(&b->waiters, &w->node);
}

static void queue_del(struct futex_bucket *b, struct futex_waiter *w)
{
    list_remove(&b->waiters, &w->node);
}

/* Unlinks and wakes w; its bucket lock is held, which keeps w (on the
 * waiter's stack) and its thread alive: the waiter takes that lock before
 * it returns. */
static void wake_waiter(struct futex_bucket *b, struct futex_waiter *w)
{
    struct thread *t = w->thread;
    queue_del(b, w);
    __atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
    sched_wake(t);
}

/* Locks the bucket w is on now (requeue may move it meanwhile). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
    for (;;) {
        struct futex_bucket *b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
        spin_lock(&b->lock);
        if (b == w->bucket)
            return b;
        spin_unlock(&b->lock);
    }
}

/*
 * Reads the word at uaddr with 'lock' held, without faulting. When
 * the page is not present, drops 'lock' (and 'lock2' unless NULL), faults
 * the page in and returns -EAGAIN (retake the locks and redo the step), or
 * -EFAULT. Returns 0 with the locks still held once the word is read.
 */
static int read_u32_locked(struct address_space *as, uint64_t uaddr, uint32_t *out,
                           struct spinlock *lock, struct spinlock *lock2)
{
    if (gup_fast_read_u32(as, uaddr, out))
        return 0;
    if (lock2)
        spin_unlock(lock2);
    spin_unlock(lock);
    return get_user_u32(out, uaddr) ? -EFAULT : -EAGAIN;
}

/* Sleeps until w is woken, a signal is pending, or (if timed) the
 * monotonic deadline passes; returns 0, -EINTR or -ETIMEDOUT. w is on its
 * bucket's list on entry and on none on return. */
static int wait_woken(struct futex_waiter *w, bool timed, uint64_t deadline)
{
    struct wait_entry tick = {0};
    for (;;) {
        if (timed)
            prepare_to_wait(&tick_wait_queue, &tick);
        else
            sched_set_current_state(THREAD_SLEEPING);
        if (__atomic_load_n(&w->woken, __ATOMIC_ACQUIRE) || signal_pending() ||
            (timed && time_monotonic_ns() >= deadline))
            break;
        schedule();
    }
    if (timed)
        finish_wait(&tick_wait_queue, &tick);
    else
        sched_set_current_state(THREAD_RUNNING);

    struct futex_bucket *b = lock_waiter_bucket(w);
    int ret = 0;
    if (!w->woken) {
        queue_del(b, w);
        ret = timed && time_monotonic_ns() >= deadline ? -ETIMEDOUT : -EINTR;
    }
    spin_unlock(&b->lock);
    return ret;
}

static long futex_wait(uint64_t uaddr, uint32_t expected, bool private, bool timed,
                       uint64_t deadline, uint32_t bitset);

/* restart_syscall for an interrupted timed wait: the same wait, to the
 * same deadline. */
static long futex_wait_restart(struct restart_block *rb)
{
    return futex_wait(rb->uaddr, (uint32_t)rb->arg, rb->arg >> 32, true, rb->deadline,
                      rb->bitset);
}

/* What an interrupted wait returns (see the comment at the top). */
static long futex_interrupted(uint64_t uaddr, uint32_t expected, bool private, bool timed,
                              uint64_t deadline, uint32_t bitset)
{
    if (!timed)
        return -ERESTARTSYS;
    struct restart_block *rb = &current_thread()->sig.restart;
    rb->fn = futex_wait_restart;
    rb->uaddr = uaddr;
    rb->arg = expected | (uint64_t)private << 32;
    rb->deadline = deadline;
    rb->bitset = bitset;
    return -ERESTART_RESTARTBLOCK;
}

/* FUTEX_WAIT(_BITSET): sleeps if the word at uaddr still holds 'expected'. */
static long futex_wait(uint64_t uaddr, uint32_t expected, bool private, bool timed,
                       uint64_t deadline, uint32_t bitset)
{
    if (!bitset)
        return -EINVAL;
    struct thread *self = current_thread();
    struct futex_waiter w = {.thread = self, .bitset = bitset};
    int ret = futex_key_of(self->as, uaddr, private, &w.key);
    if (ret)
        return ret;
    w.bucket = bucket_of(&w.key);
    for (;;) {
        uint32_t value;
        spin_lock(&w.bucket->lock);
        ret = read_u32_locked(self->as, uaddr, &value, &w.bucket->lock, NULL);
        if (ret == -EFAULT)
            return ret;
        if (ret == -EAGAIN)
            continue;
        if (value != expected) {
            spin_unlock(&w.bucket->lock);
            return -EAGAIN;
        }
        queue_add(w.bucket, &w);
        spin_unlock(&w.bucket->lock);
        ret = wait_woken(&w, timed, deadline);
        if (ret == -EINTR)
            return futex_interrupted(uaddr, expected, private, timed, deadline, bitset);
        return ret;
    }
}

/* Wakes up to n (at least one) waiters of 'key' whose bitset meets 'bitset'. */
static int wake_key(const struct futex_key *key, int n, uint32_t bitset)
{
    struct futex_bucket *b = bucket_of(key);
    int woken = 0;
    spin_lock(&b->lock);
    struct list_node *next;
    for (struct list_node *node = b->waiters.head; node; node = next) {
        next = node->next;
        struct futex_waiter *w = list_entry(node, struct futex_waiter, node);
        if (!key_equal(&w->key, key) || !(w->bitset & bitset))
            continue;
        wake_waiter(b, w);
        if (++woken >= n)
            break;
    }
    spin_unlock(&b->lock);
    return woken;
}

/* FUTEX_WAKE(_BITSET). */
static long futex_wake_op(uint64_t uaddr, int n, bool private, uint32_t bitset)
{
    if (!bitset)
        return -EINVAL;
    struct futex_key key;
    int ret = futex_key_of(current_thread()->as, uaddr, private, &key);
    if (ret)
        return ret;
    return wake_key(&key, n, bitset);
}

int futex_wake(struct address_space *as, uint64_t uaddr, int n)
{
    struct futex_key key;
    int ret = futex_key_of(as, uaddr, false, &key);
    if (ret)
        return ret;
    return wake_key(&key, n, FUTEX_BITSET_MATCH_ANY);
}

static void lock_two(struct futex_bucket *a, struct futex_bucket *b)
{
    if (a == b) {
        spin_lock(&a->lock);
    } else if (a < b) {
        spin_lock(&a->lock);
        spin_lock(&b->lock);
    } else {
        spin_lock(&b->lock);
        spin_lock(&a->lock);
    }
}

static void unlock_two(struct futex_bucket *a, struct futex_bucket *b)
{
    if (a != b)
        spin_unlock(&b->lock);
    spin_unlock(&a->lock);
}

/*
 * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to nr_wake waiters of uaddr
 * and moves up to nr_requeue of the others to uaddr2 (CMP: only if the word
 * at uaddr still holds 'expected', else -EAGAIN). Returns how many were
 * woken or moved.
 */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake,
                          int nr_requeue, bool compare, uint32_t expected)
{
    if (nr_wake < 0 || nr_requeue < 0)
        return -EINVAL;
    struct address_space *as = current_thread()->as;
    struct futex_key key1, key2;
    int ret = futex_key_of(as, uaddr, private, &key1);
    if (!ret)
        ret = futex_key_of(as, uaddr2, private, &key2);
    if (ret)
        return ret;
    struct futex_bucket *b1 = bucket_of(&key1), *b2 = bucket_of(&key2);
    for (;;) {
        lock_two(b1, b2);
        if (!compare)
            break;
        uint32_t value;
        ret = read_u32_locked(as, uaddr, &value, &b1->lock, b1 == b2 ? NULL : &b2->lock);
        if (ret == -EFAULT)
            return ret;
        if (ret == -EAGAIN)
            continue;
        if (value != expected) {
            unlock_two(b1, b2);
            return -EAGAIN;
        }
        break;
    }

    int woken = 0, moved = 0;
    struct list_node *next;
    for (struct list_node *node = b1->waiters.head; node; node = next) {
        next = node->next;
        struct futex_waiter *w = list_entry(node, struct futex_waiter, node);
        if (!key_equal(&w->key, &key1))
            continue;
        if (woken < nr_wake) {
            wake_waiter(b1, w);
            woken++;
            continue;
        }
        if (moved >= nr_requeue)
            break;
        w->key = key2;
        if (b1 != b2) {
            queue_del(b1, w);
            queue_add(b2, w);
            __atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
        }
        moved++;
    }
    unlock_two(b1, b2);
    return woken + moved;
}

/*
 * futex(uaddr, op, val, timeout or val2, uaddr2, val3). Linux's order of
 * checks: the timeout (-EFAULT, -EINVAL) for the waiting operations, then
 * FUTEX_CLOCK_REALTIME (only with WAIT_BITSET, else -ENOSYS), then the
 * operation's own. Other operations (PI, WAKE_OP, futex2) get -ENOSYS.
 */
static long sys_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t utime, uint64_t uaddr2,
                      uint64_t val3)
{
    uint32_t cmd = (uint32_t)op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool private = op & FUTEX_PRIVATE_FLAG;
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    bool timed = false;
    uint64_t deadline = 0;
    if ((cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && utime) {
        int64_t ns;
        int ret = timespec_from_user(utime, &ns);
        if (ret)
            return ret;
        timed = true;
        if (cmd == FUTEX_WAIT)
            deadline = time_deadline_after(ns);
        else
            deadline = time_deadline_at(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, ns);
    }
    if (realtime && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS;

    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(uaddr, (uint32_t)val, private, timed, deadline, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(uaddr, (uint32_t)val, private, timed, deadline, (uint32_t)val3);
    case FUTEX_WAKE:
        return futex_wake_op(uaddr, (int)val, private, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        return futex_wake_op(uaddr, (int)val, private, (uint32_t)val3);
    case FUTEX_REQUEUE:
        return futex_requeue(uaddr, uaddr2, private, (int)val, (int)utime, false, 0);
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(uaddr, uaddr2, private, (int)val, (int)utime, true, (uint32_t)val3);
    default:
        return -ENOSYS;
    }
}
SYSCALL(SYS_futex, sys_futex);
