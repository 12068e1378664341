/* poll, ppoll, select and pselect6; see fs/poll.h. */
#include "fs/poll.h"

#include "arch/x86_64/uaccess.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "mm/kmalloc.h"

/* Every poll waiter sleeps here (see fs/poll.h). */
static struct wait_queue poll_wq = WAIT_QUEUE_INIT("poll");

void poll_wake(void)
{
    if (__atomic_load_n(&poll_wq.sleepers.head, __ATOMIC_RELAXED))
        wake_up_all(&poll_wq);
}

struct pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/* select's fd_set bits become these events (Linux's POLLIN_SET...). */
#define SELECT_READ (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define SELECT_WRITE (POLLOUT | POLLWRNORM | POLLERR)
#define SELECT_EXCEPT POLLPRI
#define FD_SET_WORDS (FD_MAX / 64)

/* The revents of one entry: its events (and always POLLERR and POLLHUP)
 * that its file has now; POLLNVAL for an fd that is not open. */
static int16_t poll_one(struct fd_table *table, const struct pollfd *pfd)
{
    if (pfd->fd < 0)
        return 0;
    struct file *f = fd_get(table, pfd->fd);
    if (!f)
        return POLLNVAL;
    uint32_t mask = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    if (file_flags(f) & O_PATH)
        mask = POLLNVAL;
    else if (f->ops->poll)
        mask = f->ops->poll(f);
    file_put(f);
    return (int16_t)(mask & ((uint16_t)pfd->events | POLLERR | POLLHUP | POLLNVAL));
}

/*
 * Waits until an entry is ready, the monotonic deadline passes (UINT64_MAX:
 * never) or a signal is pending. Fills every revents; returns the entries
 * ready, 0 at the deadline, or -EINTR.
 */
static int do_poll(struct pollfd *fds, unsigned nfds, uint64_t deadline)
{
    struct fd_table *table = current_process()->files;
    struct wait_entry we = {0}, tick = {0};
    bool timed = deadline != UINT64_MAX;
    int ready;
    for (;;) {
        prepare_to_wait(&poll_wq, &we);
        if (timed)
            prepare_to_wait(&tick_wait_queue, &tick);
        ready = 0;
        for (unsigned i = 0; i < nfds; i++) {
            fds[i].revents = poll_one(table, &fds[i]);
            ready += fds[i].revents != 0;
        }
        if (ready || (timed && time_monotonic_ns() >= deadline))
            break;
        if (signal_pending()) {
            ready = -EINTR;
            break;
        }
        schedule();
    }
    if (timed)
        finish_wait(&tick_wait_queue, &tick);
    finish_wait(&poll_wq, &we);
    return ready;
}

/* poll()'s work on the user array: copies in, waits, copies the revents
 * back. Returns the count, or -EINTR, -EFAULT, -EINVAL, -ENOMEM. */
static long poll_user(uint64_t ufds, uint64_t nfds, uint64_t deadline)
{
    if (nfds > FD_MAX)
        return -EINVAL;
    struct pollfd *fds = NULL;
    if (nfds) {
        fds = kmalloc(nfds * sizeof(*fds));
        if (!fds)
            return -ENOMEM;
        if (copy_from_user(fds, ufds, nfds * sizeof(*fds))) {
            kfree(fds);
            return -EFAULT;
        }
    }
    long r = do_poll(fds, (unsigned)nfds, deadline);
    for (uint64_t i = 0; i < nfds; i++)
        if (copy_to_user(ufds + i * sizeof(*fds) + 6, &fds[i].revents, sizeof(int16_t)))
            r = -EFAULT;
    kfree(fds);
    return r;
}

static long poll_restart(struct restart_block *rb);

/* poll(fds, nfds, timeout_ms): a negative timeout waits for ever. An
 * interrupted poll restarts (with what is left of its time-out) unless a
 * handler ran. */
static long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_ms)
{
    int ms = (int)timeout_ms;
    uint64_t deadline = ms < 0 ? UINT64_MAX : time_deadline_after((int64_t)ms * 1000000);
    long r = poll_user(ufds, nfds, deadline);
    if (r != -EINTR)
        return r;
    if (deadline == UINT64_MAX)
        return -ERESTARTNOHAND;
    struct restart_block *rb = &current_thread()->sig.restart;
    rb->fn = poll_restart;
    rb->uaddr = ufds;
    rb->arg = nfds;
    rb->deadline = deadline;
    return -ERESTART_RESTARTBLOCK;
}
SYSCALL(SYS_poll, sys_poll);

static long poll_restart(struct restart_block *rb)
{
    long r = poll_user(rb->uaddr, rb->arg, rb->deadline);
    if (r != -EINTR)
        return r;
    rb->fn = poll_restart;
    return -ERESTART_RESTARTBLOCK;
}

/* The time-out of ppoll and pselect6 (a timespec, NULL: none) as a
 * deadline. 0, -EFAULT or -EINVAL. */
static int timeout_deadline(uint64_t uts, uint64_t *deadline)
{
    *deadline = UINT64_MAX;
    if (!uts)
        return 0;
    int64_t ns;
    int r = timespec_from_user(uts, &ns);
    if (!r)
        *deadline = time_deadline_after(ns);
    return r;
}

/* Writes back what is left of a time-out (Linux updates it). */
static void timeout_left(uint64_t uts, uint64_t deadline, bool timeval)
{
    if (!uts || deadline == UINT64_MAX)
        return;
    uint64_t now = time_monotonic_ns();
    int64_t left = now < deadline ? (int64_t)(deadline - now) : 0;
    if (timeval) {
        int64_t tv[2] = {left / NSEC_PER_SEC, left % NSEC_PER_SEC / NSEC_PER_USEC};
        (void)copy_to_user(uts, tv, sizeof(tv));
    } else {
        (void)timespec_to_user(uts, left);
    }
}

/* The signal mask of ppoll and pselect6 while they wait: as sigsuspend,
 * the old mask comes back on return (or after the handler). 0, -EINVAL,
 * -EFAULT. */
static int wait_mask(uint64_t umask, uint64_t size)
{
    if (!umask)
        return 0;
    if (size != SIGSET_SIZE)
        return -EINVAL;
    uint64_t mask;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    struct thread *t = current_thread();
    t->sig.saved_blocked = t->sig.blocked;
    t->sig.restore_blocked = true;
    signal_set_blocked(mask);
    return 0;
}

/* The end of ppoll/pselect6: a result that is not an interruption puts the
 * old mask back now, so no signal it let through is delivered late. */
static long wait_mask_done(uint64_t umask, long r)
{
    struct thread *t = current_thread();
    if (r == -EINTR)
        return -ERESTARTNOHAND;
    if (umask && t->sig.restore_blocked) {
        t->sig.restore_blocked = false;
        signal_set_blocked(t->sig.saved_blocked);
    }
    return r;
}

static long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t uts, uint64_t umask, uint64_t size)
{
    uint64_t deadline;
    int r = timeout_deadline(uts, &deadline);
    if (!r)
        r = wait_mask(umask, size);
    if (r)
        return r;
    long n = poll_user(ufds, nfds, deadline);
    timeout_left(uts, deadline, false);
    return wait_mask_done(umask, n);
}
SYSCALL(SYS_ppoll, sys_ppoll);

/*
 * select's work: the three fd_sets of nfds bits (user addresses, 0 for
 * none) become poll entries; the ready bits are written back. Returns the
 * bits set, -EBADF for a set bit on a closed fd, -EINVAL, -EFAULT, -EINTR.
 */
static long select_user(int nfds, const uint64_t usets[3], uint64_t deadline)
{
    static const int16_t events[3] = {SELECT_READ, SELECT_WRITE, SELECT_EXCEPT};
    if (nfds < 0)
        return -EINVAL;
    if (nfds > FD_MAX)
        nfds = FD_MAX;
    size_t bytes = (size_t)(nfds + 63) / 64 * 8;
    uint64_t sets[3][FD_SET_WORDS] = {{0}};
    for (int k = 0; k < 3; k++)
        if (usets[k] && copy_from_user(sets[k], usets[k], bytes))
            return -EFAULT;
    struct pollfd *fds = kmalloc((size_t)(nfds ? nfds : 1) * sizeof(*fds));
    if (!fds)
        return -ENOMEM;
    unsigned n = 0;
    long r = 0;
    for (int fd = 0; fd < nfds && !r; fd++) {
        int16_t ev = 0;
        for (int k = 0; k < 3; k++)
            if (sets[k][fd / 64] & (1ull << (fd % 64)))
                ev |= events[k];
        if (!ev)
            continue;
        struct file *f = fd_get(current_process()->files, fd);
        if (!f)
            r = -EBADF;
        else
            file_put(f);
        fds[n++] = (struct pollfd){fd, ev, 0};
    }
    if (!r)
        r = do_poll(fds, n, deadline);
    if (r >= 0) {
        uint64_t out[3][FD_SET_WORDS] = {{0}};
        r = 0;
        for (unsigned i = 0; i < n; i++) {
            int fd = fds[i].fd;
            for (int k = 0; k < 3; k++) {
                if (!(fds[i].events & events[k] & fds[i].revents))
                    continue;
                if (sets[k][fd / 64] & (1ull << (fd % 64))) {
                    out[k][fd / 64] |= 1ull << (fd % 64);
                    r++;
                }
            }
        }
        for (int k = 0; k < 3; k++)
            if (usets[k] && copy_to_user(usets[k], out[k], bytes))
                r = -EFAULT;
    }
    kfree(fds);
    return r;
}

static long sys_select(uint64_t nfds, uint64_t rd, uint64_t wr, uint64_t ex, uint64_t utv)
{
    uint64_t deadline = UINT64_MAX;
    if (utv) {
        int64_t tv[2];
        if (copy_from_user(tv, utv, sizeof(tv)))
            return -EFAULT;
        if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
            return -EINVAL;
        deadline = time_deadline_after(tv[0] >= INT64_MAX / NSEC_PER_SEC
                                           ? INT64_MAX
                                           : tv[0] * NSEC_PER_SEC + tv[1] * NSEC_PER_USEC);
    }
    uint64_t sets[3] = {rd, wr, ex};
    long r = select_user((int)nfds, sets, deadline);
    timeout_left(utv, deadline, true);
    return r == -EINTR ? -ERESTARTNOHAND : r;
}
SYSCALL(SYS_select, sys_select);

/* pselect6(nfds, rd, wr, ex, timespec, {sigmask, size}). */
static long sys_pselect6(uint64_t nfds, uint64_t rd, uint64_t wr, uint64_t ex, uint64_t uts,
                         uint64_t usig)
{
    uint64_t deadline;
    int err = timeout_deadline(uts, &deadline);
    if (err)
        return err;
    uint64_t sig[2] = {0, 0}; /* the mask's address and size */
    if (usig && copy_from_user(sig, usig, sizeof(sig)))
        return -EFAULT;
    err = wait_mask(sig[0], sig[1]);
    if (err)
        return err;
    uint64_t sets[3] = {rd, wr, ex};
    long r = select_user((int)nfds, sets, deadline);
    timeout_left(uts, deadline, false);
    return wait_mask_done(sig[0], r);
}
SYSCALL(SYS_pselect6, sys_pselect6);
