/*
 * futex on a read-only private page, as on Linux: every operation without
 * FUTEX_PRIVATE_FLAG fails with EFAULT there (Linux's get_futex_key(): "a RO
 * anonymous page will never change and thus doesn't make sense for futex
 * operations"), reads included (FUTEX_WAIT), whether the page was touched
 * or not and whether it was made read-only by mmap or by mprotect. With
 * FUTEX_PRIVATE_FLAG the key is only the address: the word is read, the
 * waits compare it (EAGAIN, or ETIMEDOUT when it matches) and the wakes
 * find nobody (0). A read-only MAP_SHARED page is a shared object: its
 * futexes work.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define ANY 0xffffffffu

static long futex(uint32_t *uaddr, int op, uint32_t val, const void *timeout_or_val2,
                  uint32_t *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static uint32_t *map(int prot, int flags)
{
    uint32_t *p = mmap(NULL, 4096, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("FAIL mmap: %s\n", ut_errname(errno));
        exit(1);
    }
    return p;
}

/* Every operation on the read-only private word ro (rw: a writable one for
 * the other side of a requeue), with or without FUTEX_PRIVATE_FLAG. */
static void all_operations(const char *what, uint32_t *ro, uint32_t *rw, int private)
{
    int pf = private ? FUTEX_PRIVATE_FLAG : 0;
    int fault = private ? 0 : EFAULT;
    struct timespec ms = {0, 1000000};
    char name[128];
#define OP(label, call, private_errno)                                           \
    do {                                                                         \
        snprintf(name, sizeof(name), "%s, %s%s", what, label,                    \
                 private ? " | FUTEX_PRIVATE_FLAG" : "");                        \
        EXPECT_ERRNO(name, call, private ? (private_errno) : fault);            \
    } while (0)
    OP("FUTEX_WAIT, other value", futex(ro, FUTEX_WAIT | pf, 1, NULL, NULL, 0), EAGAIN);
    OP("FUTEX_WAIT, same value, 1 ms", futex(ro, FUTEX_WAIT | pf, 0, &ms, NULL, 0), ETIMEDOUT);
    OP("FUTEX_WAIT_BITSET", futex(ro, FUTEX_WAIT_BITSET | pf, 1, NULL, NULL, ANY), EAGAIN);
    OP("FUTEX_WAKE", futex(ro, FUTEX_WAKE | pf, 1, NULL, NULL, 0), 0);
    OP("FUTEX_WAKE_BITSET", futex(ro, FUTEX_WAKE_BITSET | pf, 1, NULL, NULL, ANY), 0);
    OP("FUTEX_REQUEUE from it", futex(ro, FUTEX_REQUEUE | pf, 1, (void *)1, rw, 0), 0);
    OP("FUTEX_REQUEUE to it", futex(rw, FUTEX_REQUEUE | pf, 1, (void *)1, ro, 0), 0);
    OP("FUTEX_CMP_REQUEUE from it", futex(ro, FUTEX_CMP_REQUEUE | pf, 1, (void *)1, rw, 5),
       EAGAIN);
    OP("FUTEX_CMP_REQUEUE to it", futex(rw, FUTEX_CMP_REQUEUE | pf, 1, (void *)1, ro, 0), 0);
#undef OP
}

int main(void)
{
    ut_start();
    uint32_t *rw = map(PROT_READ | PROT_WRITE, MAP_PRIVATE);
    uint32_t *untouched = map(PROT_READ, MAP_PRIVATE);
    uint32_t *read = map(PROT_READ, MAP_PRIVATE);
    (void)*(volatile uint32_t *)read;
    uint32_t *written = map(PROT_READ | PROT_WRITE, MAP_PRIVATE);
    *written = 0;
    CHECK(mprotect(written, 4096, PROT_READ) == 0);

    for (int private = 0; private < 2; private++) {
        all_operations("read-only, untouched", untouched, rw, private);
        all_operations("read-only, read", read, rw, private);
        all_operations("written, then mprotect read-only", written, rw, private);
    }

    uint32_t *shared = map(PROT_READ, MAP_SHARED);
    EXPECT_ERRNO("read-only shared, FUTEX_WAIT", futex(shared, FUTEX_WAIT, 1, NULL, NULL, 0),
                 EAGAIN);
    EXPECT_ERRNO("read-only shared, FUTEX_WAKE", futex(shared, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    EXPECT_ERRNO("writable private, FUTEX_WAKE", futex(rw, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    EXPECT_ERRNO("writable private, FUTEX_WAIT", futex(rw, FUTEX_WAIT, 1, NULL, NULL, 0), EAGAIN);
    return ut_finish("test_futex_readonly");
}
