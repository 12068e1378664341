/*
 * A crashing child never takes the kernel down: children that touch NULL,
 * write to read-only data, run code from a non-executable page, touch the
 * kernel half or a non-canonical address, or overflow their stack are each
 * reported to the parent by wait4 as killed by SIGSEGV, and the parent goes on.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <stdint.h>
#include <sys/mman.h>

static const char read_only[] = "constant";

static void touch_null(void *arg)
{
    (void)arg;
    *(volatile int *)(uintptr_t)0 = 1;
}

static void write_read_only(void *arg)
{
    (void)arg;
    *(volatile char *)read_only = 'x';
}

static void run_data(void *arg)
{
    (void)arg;
    unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[0] = 0xc3; /* ret */
    ((void (*)(void))page)();
}

static void touch_address(void *arg)
{
    printf("read %d\n", *(volatile char *)arg);
}

/* Recurses until the stack runs out; the volatile array keeps every frame. */
static int recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth < 1 << 30) /* 1 TiB of frames: the stack runs out long before */
        return recurse(depth + 1) + frame[0];
    return 0;
}

static void overflow_stack(void *arg)
{
    (void)arg;
    printf("never %d\n", recurse(0));
}

int main(void)
{
    ut_start();
    ut_expect_killed("write to NULL", touch_null, NULL, SIGSEGV);
    ut_expect_killed("write to read-only data", write_read_only, NULL, SIGSEGV);
    ut_expect_killed("run a non-executable page", run_data, NULL, SIGSEGV);
    ut_expect_killed("read the kernel half", touch_address, (void *)0xffffffff80000000ul, SIGSEGV);
    ut_expect_killed("read a non-canonical address", touch_address,
                     (void *)0x0000800000000000ul, SIGSEGV);
    ut_expect_killed("read a non-canonical address (high)", touch_address,
                     (void *)0x8000000000000000ul, SIGSEGV);
    ut_expect_killed("overflow the stack", overflow_stack, NULL, SIGSEGV);
    printf("parent still running: %s\n", read_only);
    return ut_finish("test_segv");
}
