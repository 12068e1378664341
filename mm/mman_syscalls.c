/*
 * The memory system calls of the calling process: mmap, munmap, mprotect,
 * madvise, mincore, brk, mremap (mm/as_mman.h does the work).
 */
#include "arch/x86_64/mmu.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "mm/as_mman.h"
#include "mm/kmalloc.h"
#include "mm/mmap_rules.h"

static struct address_space *current_as(void)
{
    return current_thread()->as;
}

static long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
                     uint64_t off)
{
    bool fd_open = false;
    if (!(flags & MAP_ANONYMOUS)) {
        struct file *f = fd_get(current_process()->files, (int)fd);
        fd_open = f != NULL;
        if (f)
            file_put(f);
    }
    return as_mmap(current_as(), addr, len, prot, flags, fd_open, off);
}
SYSCALL(SYS_mmap, sys_mmap);

static long sys_munmap(uint64_t addr, uint64_t len)
{
    return as_munmap(current_as(), addr, len);
}
SYSCALL(SYS_munmap, sys_munmap);

static long sys_mprotect(uint64_t start, uint64_t len, uint64_t prot)
{
    return as_mprotect(current_as(), start, len, prot);
}
SYSCALL(SYS_mprotect, sys_mprotect);

static long sys_madvise(uint64_t start, uint64_t len, uint64_t advice)
{
    return as_madvise(current_as(), start, len, (int)advice);
}
SYSCALL(SYS_madvise, sys_madvise);

/* Pages of the vector filled per round (under the lock) and copied out:
 * one page of vector, as Linux does (a smaller round made mincore of 1 GiB
 * 1.4x slower than Linux's: docs/compare.md). */
#define MINCORE_CHUNK PAGE_SIZE

static long sys_mincore(uint64_t start, uint64_t len, uint64_t vec)
{
    uint64_t end;
    int err = mincore_check(start, len, vec, &end);
    if (err)
        return err;
    uint8_t *buf = kmalloc(MINCORE_CHUNK);
    if (!buf)
        return -EAGAIN; /* Linux's answer when it cannot get the page */
    long ret = 0;
    for (uint64_t va = start; va < end;) {
        uint64_t pages = (end - va) >> PAGE_SHIFT;
        uint64_t n = as_mincore(current_as(), va, pages < MINCORE_CHUNK ? pages : MINCORE_CHUNK,
                                buf);
        if (n == 0) {
            ret = -ENOMEM;
            break;
        }
        if (copy_to_user(vec + ((va - start) >> PAGE_SHIFT), buf, n)) {
            ret = -EFAULT;
            break;
        }
        va += n * PAGE_SIZE;
    }
    kfree(buf);
    return ret;
}
SYSCALL(SYS_mincore, sys_mincore);

static long sys_brk(uint64_t req)
{
    return (long)as_brk(current_as(), req);
}
SYSCALL(SYS_brk, sys_brk);

static long sys_mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
                       uint64_t new_addr)
{
    return as_mremap(current_as(), addr, old_len, new_len, flags, new_addr);
}
SYSCALL(SYS_mremap, sys_mremap);
