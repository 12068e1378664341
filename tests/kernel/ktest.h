/*
 * In-kernel tests, reported in KTAP (https://docs.kernel.org/dev-tools/ktap.html).
 *
 * A test is a function registered with KTEST(name) { ... } in any file of
 * tests/kernel/. With "ktest=all" on the command line every test runs at
 * boot; "ktest=WORD" runs those whose name contains WORD, "ktest=W1,W2" those
 * whose name contains any of them. Afterwards the
 * kernel exits QEMU: status 0 if all passed (see drivers/poweroff.h).
 *
 * Inside a test, KEXPECT(cond) records a failure and goes on;
 * KASSERT(cond) records it and ends the test.
 */
#ifndef TESTS_KERNEL_KTEST_H
#define TESTS_KERNEL_KTEST_H

#include <stdbool.h>

struct ktest {
    const char *name;
    void (*run)(void);
};

#define KTEST(test_name)                                                         \
    static void ktest_body_##test_name(void);                                    \
    static const struct ktest ktest_entry_##test_name                            \
        __attribute__((used, section(".ktests"), aligned(8))) = {                \
            #test_name, ktest_body_##test_name};                                 \
    static void ktest_body_##test_name(void)

/* Records a failed expectation in the running test; returns cond. */
bool ktest_check(bool cond, const char *expr, const char *file, int line);

#define KEXPECT(cond) ktest_check((cond), #cond, __FILE__, __LINE__)
#define KASSERT(cond)                                   \
    do {                                                \
        if (!ktest_check((cond), #cond, __FILE__, __LINE__)) \
            return;                                     \
    } while (0)

/* Sleeps until *counter (read atomically) reaches 'target' or 'timeout_s'
 * seconds have passed; returns true if it was reached. A lost wake-up or a
 * stuck grace period then fails the test instead of hanging the boot. */
bool ktest_wait_for_count(int *counter, int target, int timeout_s);

/* Runs the tests selected by 'filter' ("all" or a substring); returns the
 * number that failed. */
int ktest_run(const char *filter);

#endif
