/*
 * Access to user memory from the kernel: the only code allowed to touch a
 * user address. Every function checks that the whole range lies in the user
 * half first, so a kernel address given by a program is refused (-EFAULT)
 * without being touched. A fault while copying goes through the page-fault
 * handler as usual (demand-zero, copy-on-write); if that cannot resolve it,
 * the exception fix-up table (extable.h) makes the copy stop and return
 * -EFAULT instead of crashing.
 *
 * With SMAP on (cpu_features_init), user pages are reachable only between
 * stac and clac, which these functions do around the copy itself.
 *
 * Rules: the caller must not hold a spinlock (a fault may sleep or take the
 * address space lock) and must be a thread with a user address space.
 */
#ifndef ARCH_X86_64_UACCESS_H
#define ARCH_X86_64_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The lowest address above user space (Linux's TASK_SIZE). */
#define USER_ADDR_END 0x00007ffffffff000ul

/*
 * True if addr lies below USER_ADDR_END: a user address, hence canonical.
 * The check for every user-chosen value the CPU loads in kernel mode, where
 * a non-canonical one faults in the kernel: an FS base (arch_prctl,
 * CLONE_SETTLS) and the rip of a sysret. Linux's "addr < TASK_SIZE_MAX".
 */
static inline bool user_addr_ok(uint64_t addr)
{
    return addr < USER_ADDR_END;
}

/* True if [addr, addr + len) lies below USER_ADDR_END (len 0: addr itself
 * at most USER_ADDR_END). */
static inline bool user_range_ok(uint64_t addr, uint64_t len)
{
    return addr <= USER_ADDR_END && len <= USER_ADDR_END - addr;
}

/* Copy n bytes between a kernel buffer and user memory. 0 or -EFAULT (then
 * part of the bytes may have been copied). */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);

/* The same copies stopping at the first byte that faults: return the
 * bytes NOT copied (0: all; n if the range is not a user one), every byte
 * before them copied. For calls that count a copy cut short by a hole as
 * Linux does (its raw copy_to_user()). */
size_t copy_from_user_partial(void *dst, uint64_t usrc, size_t n);
size_t copy_to_user_partial(uint64_t udst, const void *src, size_t n);

/* Writes n zero bytes to user memory. 0 or -EFAULT. */
int clear_user(uint64_t udst, size_t n);

/* Copies the NUL-terminated string at usrc into dst[0..size). Returns its
 * length (without the NUL), -EFAULT, or -ENAMETOOLONG if it does not fit
 * (no NUL in the first size bytes). */
long strncpy_from_user(char *dst, uint64_t usrc, size_t size);

/* One naturally aligned word (futexes, tid words); 0 or -EFAULT. The access
 * is a single load or store, so another thread sees all of it or nothing. */
int get_user_u32(uint32_t *out, uint64_t uaddr);
int put_user_u32(uint64_t uaddr, uint32_t value);
int get_user_u64(uint64_t *out, uint64_t uaddr);
int put_user_u64(uint64_t uaddr, uint64_t value);

#endif
