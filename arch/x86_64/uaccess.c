/*
 * User copies (uaccess.h): rep movsb / rep stosb with an exception fix-up
 * entry on the instruction. On a fault the page-fault handler runs first;
 * if it cannot map the page, the fix-up resumes after the instruction with
 * %rcx = the bytes not copied (rep movsb stops at the faulting byte), which
 * makes the result -EFAULT, or the count of the _partial copies.
 */
#include "arch/x86_64/uaccess.h"

#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/extable.h"
#include "kernel/errno.h"

/* stac/clac: open and close the SMAP window (no-ops without SMAP). */
static inline void user_access_begin(void)
{
    if (cpu_smap_enabled)
        __asm__ volatile("stac" ::: "memory");
}

static inline void user_access_end(void)
{
    if (cpu_smap_enabled)
        __asm__ volatile("clac" ::: "memory");
}

/* Copies n bytes; returns the count not copied (0 on success). */
static size_t user_movsb(void *dst, const void *src, size_t n)
{
    uint64_t vector = 0, error = 0;
    user_access_begin();
    __asm__ volatile("1: rep movsb\n"
                     "2:\n" EXTABLE_ENTRY(1b, 2b)
                     : "+D"(dst), "+S"(src), "+c"(n), "+a"(vector), "+d"(error)
                     :
                     : "memory");
    user_access_end();
    return n;
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    return user_movsb(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return user_movsb((void *)udst, src, n) ? -EFAULT : 0;
}

size_t copy_from_user_partial(void *dst, uint64_t usrc, size_t n)
{
    return user_range_ok(usrc, n) ? user_movsb(dst, (const void *)usrc, n) : n;
}

size_t copy_to_user_partial(uint64_t udst, const void *src, size_t n)
{
    return user_range_ok(udst, n) ? user_movsb((void *)udst, src, n) : n;
}

int clear_user(uint64_t udst, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    uint64_t vector = 0, error = 0;
    void *dst = (void *)udst;
    user_access_begin();
    __asm__ volatile("1: rep stosb\n"
                     "2:\n" EXTABLE_ENTRY(1b, 2b)
                     : "+D"(dst), "+c"(n), "+a"(vector), "+d"(error)
                     :
                     : "memory");
    user_access_end();
    return n ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, uint64_t usrc, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (!user_range_ok(usrc + i, 1) || user_movsb(&dst[i], (const void *)(usrc + i), 1))
            return -EFAULT;
        if (dst[i] == '\0')
            return (long)i;
    }
    return -ENAMETOOLONG;
}

/* The single-access helpers: one mov with a fix-up that sets *failed. */
#define DEFINE_GET_USER(type, suffix)                                            \
    int get_user_##suffix(type *out, uint64_t uaddr)                             \
    {                                                                            \
        if (!user_range_ok(uaddr, sizeof(type)) || (uaddr & (sizeof(type) - 1))) \
            return -EFAULT;                                                      \
        type value = 0;                                                          \
        uint64_t vector = 0, error = 0;                                          \
        user_access_begin();                                                     \
        __asm__ volatile("1: mov (%[p]), %[v]\n"                                 \
                         "2:\n" EXTABLE_ENTRY(1b, 2b)                            \
                         : [v] "+r"(value), "+a"(vector), "+d"(error)            \
                         : [p] "r"(uaddr)                                        \
                         : "memory");                                            \
        user_access_end();                                                       \
        if (vector)                                                              \
            return -EFAULT;                                                      \
        *out = value;                                                            \
        return 0;                                                                \
    }

#define DEFINE_PUT_USER(type, suffix)                                            \
    int put_user_##suffix(uint64_t uaddr, type value)                            \
    {                                                                            \
        if (!user_range_ok(uaddr, sizeof(type)) || (uaddr & (sizeof(type) - 1))) \
            return -EFAULT;                                                      \
        uint64_t vector = 0, error = 0;                                          \
        user_access_begin();                                                     \
        __asm__ volatile("1: mov %[v], (%[p])\n"                                 \
                         "2:\n" EXTABLE_ENTRY(1b, 2b)                            \
                         : "+a"(vector), "+d"(error)                             \
                         : [v] "r"(value), [p] "r"(uaddr)                        \
                         : "memory");                                            \
        user_access_end();                                                       \
        return vector ? -EFAULT : 0;                                             \
    }

DEFINE_GET_USER(uint32_t, u32)
DEFINE_GET_USER(uint64_t, u64)
DEFINE_PUT_USER(uint32_t, u32)
DEFINE_PUT_USER(uint64_t, u64)
