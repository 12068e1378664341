/*
 * futex WAIT and WAKE, with and without FUTEX_PRIVATE_FLAG: a wait on a
 * changed value returns EAGAIN at once, a wait with a time-out ends with
 * ETIMEDOUT, a waiting thread is woken by another thread, and (without the
 * private flag) a waiting process is woken by its child through MAP_SHARED
 * memory. Waits carry a time-out, so a lost wake-up fails instead of hanging.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* From Linux's <linux/futex.h>, which musl does not ship. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static long futex(uint32_t *word, int op, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

static uint32_t thread_word;

/* Sets the word after a pause and wakes its waiter: returns how many woke. */
static void *waker(void *arg)
{
    int op = *(int *)arg;
    pause_ms(20);
    __atomic_store_n(&thread_word, 1, __ATOMIC_SEQ_CST);
    long woken = futex(&thread_word, op, 1, NULL);
    return (void *)woken;
}

/* Waits until the word is no longer 0; returns the first unexpected errno or 0. */
static int wait_for_change(uint32_t *word, int op)
{
    const struct timespec five_seconds = { 5, 0 };
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0)
        if (futex(word, op, 0, &five_seconds) == -1 && errno != EAGAIN && errno != EINTR)
            return errno;
    return 0;
}

static void thread_wake(const char *what, int wait_op, int wake_op)
{
    thread_word = 0;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, waker, &wake_op) == 0);
    int err = wait_for_change(&thread_word, wait_op);
    void *woken = NULL;
    pthread_join(t, &woken);
    printf("%s: %s\n", what, err ? ut_errname(err) : "woken");
    CHECK(err == 0);
    CHECK((long)woken <= 1);
}

int main(void)
{
    ut_start();
    uint32_t word = 5;
    const struct timespec tenth = { 0, 100 * 1000 * 1000 };
    EXPECT_ERRNO("FUTEX_WAIT on a changed value", futex(&word, FUTEX_WAIT, 4, NULL), EAGAIN);
    EXPECT_ERRNO("FUTEX_WAIT_PRIVATE on a changed value",
                 futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL), EAGAIN);
    EXPECT_ERRNO("FUTEX_WAIT with a time-out", futex(&word, FUTEX_WAIT, 5, &tenth), ETIMEDOUT);
    EXPECT_ERRNO("FUTEX_WAIT_PRIVATE with a time-out",
                 futex(&word, FUTEX_WAIT_PRIVATE, 5, &tenth), ETIMEDOUT);
    printf("FUTEX_WAKE with no waiter wakes %ld\n", futex(&word, FUTEX_WAKE, 1, NULL));
    EXPECT_ERRNO("FUTEX_WAIT on a bad address", futex(NULL, FUTEX_WAIT, 0, NULL), EFAULT);
    EXPECT_ERRNO("FUTEX_WAIT unaligned", futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT, 0, NULL),
                 EINVAL);

    thread_wake("thread woken by FUTEX_WAKE", FUTEX_WAIT, FUTEX_WAKE);
    thread_wake("thread woken by FUTEX_WAKE_PRIVATE", FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE);

    /* Across processes: the shared futex is keyed by the page, not the address space. */
    uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    pid_t child = fork();
    if (child == 0) {
        pause_ms(20);
        __atomic_store_n(shared, 1, __ATOMIC_SEQ_CST);
        futex(shared, FUTEX_WAKE, 1, NULL);
        _exit(0);
    }
    int err = wait_for_change(shared, FUTEX_WAIT);
    printf("process woken by its child through MAP_SHARED: %s\n", err ? ut_errname(err) : "woken");
    CHECK(err == 0);
    int status = 0;
    CHECK(wait4(child, &status, 0, NULL) == child && WIFEXITED(status));
    return ut_finish("test_futex");
}
