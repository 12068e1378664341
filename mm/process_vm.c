/*
 * process_vm_readv / process_vm_writev: copies between the caller's memory
 * and another process's, page by page through a kernel buffer and
 * gup_fast_access() on the target's address space (which need not be
 * loaded): the lockless walker, as_access() for the pages it cannot take.
 * Checks and results follow Linux (mm/process_vm_access.c): the bytes
 * copied if any, else the first error. The permission check is Linux's
 * ptrace access with Yama's ptrace_scope 1, for one user: the caller's own
 * process and its descendants only (process_may_access()).
 */
#include "arch/x86_64/mmu.h"
#include "fs/fs_abi.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "mm/as.h"
#include "mm/gup_fast.h"
#include "mm/kmalloc.h"

/*
 * Copies 'count' iovecs from user memory into *out (kfree it; NULL for 0).
 * Linux's iovec_from_user(), plus for the local side (local: true) the
 * checks of import_iovec(): each range in user space, the total clamped to
 * MAX_RW_COUNT and returned in *total (0 for the remote side). 0 or -errno.
 */
static int import_iovecs(uint64_t uvec, uint64_t count, bool local, struct linux_iovec **out,
                         uint64_t *total)
{
    *out = NULL;
    *total = 0;
    if (count > UIO_MAXIOV)
        return -EINVAL;
    if (count == 0)
        return 0;
    struct linux_iovec *iov = kmalloc(count * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    int err = copy_from_user(iov, uvec, count * sizeof(*iov));
    for (uint64_t i = 0; i < count && !err; i++)
        if ((int64_t)iov[i].len < 0)
            err = -EINVAL;
    for (uint64_t i = 0; i < count && !err && local; i++) {
        if (!user_range_ok(iov[i].base, iov[i].len))
            err = -EFAULT;
        else if (iov[i].len > MAX_RW_COUNT - *total)
            iov[i].len = MAX_RW_COUNT - *total;
        *total += iov[i].len;
    }
    if (err) {
        kfree(iov);
        return err;
    }
    *out = iov;
    return 0;
}

/* A position in an iovec array. */
struct iov_pos {
    const struct linux_iovec *iov;
    uint64_t i, off;
};

/* Copies the remote ranges in order to or from the local ones, at most a
 * page at a time, until 'total' bytes, a fault (on either side: the bytes
 * before the faulting one count, as Linux counts them) or the end. */
static long transfer(struct address_space *as, struct iov_pos local, struct iov_pos remote,
                     uint64_t rcount, uint64_t total, bool write, char *buf)
{
    uint64_t done = 0;
    int err = 0;
    while (done < total && remote.i < rcount && !err) {
        const struct linux_iovec *r = &remote.iov[remote.i], *l = &local.iov[local.i];
        if (remote.off == r->len) {
            remote.i++;
            remote.off = 0;
            continue;
        }
        if (local.off == l->len) {
            local.i++; /* done < total: a later local iovec has room */
            local.off = 0;
            continue;
        }
        uint64_t raddr = r->base + remote.off, laddr = l->base + local.off;
        size_t n = PAGE_SIZE - raddr % PAGE_SIZE;
        if (n > r->len - remote.off)
            n = r->len - remote.off;
        if (n > l->len - local.off)
            n = l->len - local.off;
        size_t got;
        if (write) {
            got = n - copy_from_user_partial(buf, laddr, n);
            got = gup_fast_access(as, raddr, buf, got, true);
        } else {
            got = gup_fast_access(as, raddr, buf, n, false);
            got -= copy_to_user_partial(laddr, buf, got);
        }
        err = got < n ? -EFAULT : 0;
        done += got;
        remote.off += got;
        local.off += got;
    }
    return done ? (long)done : -EFAULT;
}

/* The transfer once the iovecs are in: -ESRCH without the target (or
 * when it has no memory left: a zombie), -EPERM if the caller may not
 * reach it (kernel/process.h, process_may_access()). */
static long transfer_with(uint64_t pid, const struct linux_iovec *local,
                          const struct linux_iovec *remote, uint64_t rcount, uint64_t total,
                          bool write)
{
    bool remote_empty = true;
    for (uint64_t i = 0; i < rcount; i++)
        remote_empty &= remote[i].len == 0;
    if (remote_empty)
        return 0;
    struct process *p = process_find((int)pid);
    if (!p)
        return -ESRCH;
    bool allowed = process_may_access(p);
    struct address_space *as = allowed ? process_as_get(p) : NULL;
    process_put(p);
    if (!as)
        return allowed ? -ESRCH : -EPERM;
    char *buf = kmalloc(PAGE_SIZE);
    long ret = -ENOMEM;
    if (buf)
        ret = transfer(as, (struct iov_pos){local, 0, 0}, (struct iov_pos){remote, 0, 0},
                       rcount, total, write, buf);
    kfree(buf);
    as_put(as);
    return ret;
}

static long process_vm_rw(uint64_t pid, uint64_t lvec, uint64_t lcount, uint64_t rvec,
                          uint64_t rcount, uint64_t flags, bool write)
{
    if (flags)
        return -EINVAL;
    struct linux_iovec *local, *remote = NULL;
    uint64_t total, unused;
    long ret = import_iovecs(lvec, lcount, true, &local, &total);
    if (!ret && total)
        ret = import_iovecs(rvec, rcount, false, &remote, &unused);
    if (!ret && total)
        ret = transfer_with(pid, local, remote, rcount, total, write);
    kfree(local);
    kfree(remote);
    return ret;
}

static long sys_process_vm_readv(uint64_t pid, uint64_t lvec, uint64_t lcount, uint64_t rvec,
                                 uint64_t rcount, uint64_t flags)
{
    return process_vm_rw(pid, lvec, lcount, rvec, rcount, flags, false);
}
SYSCALL(SYS_process_vm_readv, sys_process_vm_readv);

static long sys_process_vm_writev(uint64_t pid, uint64_t lvec, uint64_t lcount, uint64_t rvec,
                                  uint64_t rcount, uint64_t flags)
{
    return process_vm_rw(pid, lvec, lcount, rvec, rcount, flags, true);
}
SYSCALL(SYS_process_vm_writev, sys_process_vm_writev);
