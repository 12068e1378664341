/* Futex keys and buckets (kernel/futex.h). Waiting and waking are tested
 * from user programs (tests/user), which the kernel cannot fake here. */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/futex.h"
#include "mm/as.h"
#include "mm/layout.h"
#include "mm/mman.h"
#include "tests/kernel/ktest.h"

#define REGION 0x400000ul

KTEST(futex_keys)
{
    struct address_space *as = as_create(), *other = as_create();
    KASSERT(as && other);
    KASSERT(as_map_anon(as, REGION, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0) == 0);
    KASSERT(as_map_anon(as, REGION + 4 * PAGE_SIZE, PAGE_SIZE, PROT_NONE, 0) == 0);
    KASSERT(as_map_anon(as, REGION + 6 * PAGE_SIZE, PAGE_SIZE, PROT_READ, 0) == 0);
    struct futex_key a, b;

    /* Private memory: (address space, address), with or without the flag,
     * but the flag makes it another futex (as on Linux). */
    KEXPECT(futex_key_of(as, REGION + 8, false, &a) == 0);
    KEXPECT(a.base == (uint64_t)as && a.offset == REGION + 8 && a.kind == FUTEX_KEY_AS_SHARED);
    KEXPECT(futex_key_of(as, REGION + 8, true, &b) == 0);
    KEXPECT(a.base == b.base && a.offset == b.offset && b.kind == FUTEX_KEY_PRIVATE);
    /* Another address space, same address: another futex. */
    KEXPECT(futex_key_of(other, REGION + 8, true, &b) == 0);
    KEXPECT(b.base == (uint64_t)other);

    /* Errors: alignment first, then the address. */
    KEXPECT(futex_key_of(as, REGION + 2, false, &a) == -EINVAL);
    KEXPECT(futex_key_of(as, USER_ADDR_END, true, &a) == -EFAULT);
    KEXPECT(futex_key_of(as, 0xffff800000000000ul, false, &a) == -EFAULT);
    /* Unmapped or PROT_NONE: only a shared key needs the region. */
    KEXPECT(futex_key_of(as, REGION + 2 * PAGE_SIZE, false, &a) == -EFAULT);
    KEXPECT(futex_key_of(as, REGION + 4 * PAGE_SIZE, false, &a) == -EFAULT);
    KEXPECT(futex_key_of(as, REGION + 2 * PAGE_SIZE, true, &a) == 0);
    /* Read-only private memory: no shared key (Linux), a private one. */
    KEXPECT(futex_key_of(as, REGION + 6 * PAGE_SIZE, false, &a) == -EFAULT);
    KEXPECT(futex_key_of(as, REGION + 6 * PAGE_SIZE, true, &a) == 0);

    as_put(as);
    as_put(other);
}

KTEST(futex_buckets_spread)
{
    /* Consecutive words of one page, and one word in consecutive pages,
     * each fill most buckets rather than a few. */
    static bool used[FUTEX_BUCKETS];
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < FUTEX_BUCKETS; i++)
            used[i] = false;
        int distinct = 0;
        for (uint64_t i = 0; i < FUTEX_BUCKETS; i++) {
            uint64_t addr = pass ? REGION + i * PAGE_SIZE : REGION + i * 4;
            struct futex_key key = {0xffff800012345000ul, addr, FUTEX_KEY_PRIVATE};
            unsigned idx = futex_bucket_index(&key);
            KASSERT(idx < FUTEX_BUCKETS);
            distinct += !used[idx];
            used[idx] = true;
        }
        /* A random function fills about 1 - 1/e = 63% of them. */
        KEXPECT(distinct > FUTEX_BUCKETS / 2);
    }
}
