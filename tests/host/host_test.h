/*
 * A tiny host unit-test harness printing KTAP, like tests/kernel/ktest.h.
 * A test file defines tests with HOST_TEST(name) { ... }, checks with
 * CHECK(cond) (records and goes on) and ends with HOST_TEST_MAIN(). A test
 * that cannot run here sets host_test_skip to the reason and returns: it is
 * reported "ok N name # SKIP reason".
 * Built with -fsanitize=address,undefined by the Makefile.
 * A host test #includes the kernel .c files it tests: one translation unit.
 */
#ifndef TESTS_HOST_HOST_TEST_H
#define TESTS_HOST_HOST_TEST_H

#include <stdio.h>

struct host_test {
    const char *name;
    void (*run)(void);
};

#define HOST_TESTS_MAX 256
static struct host_test host_tests[HOST_TESTS_MAX];
static int host_test_count;
static int host_test_failures;
static const char *host_test_skip; /* reason the running test skipped, or NULL */

#define HOST_TEST(test_name)                                                     \
    static void host_test_body_##test_name(void);                                \
    __attribute__((constructor)) static void host_test_register_##test_name(void) \
    {                                                                            \
        host_tests[host_test_count].name = #test_name;                           \
        host_tests[host_test_count++].run = host_test_body_##test_name;          \
    }                                                                            \
    static void host_test_body_##test_name(void)

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            host_test_failures++;                                                \
            printf("    # %s:%d: expected %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                        \
    } while (0)

#define HOST_TEST_MAIN()                                                         \
    int main(void)                                                               \
    {                                                                            \
        int failed = 0;                                                          \
        printf("KTAP version 1\n1..%d\n", host_test_count);                      \
        for (int i = 0; i < host_test_count; i++) {                              \
            host_test_failures = 0;                                              \
            host_test_skip = NULL;                                               \
            host_tests[i].run();                                                 \
            failed += host_test_failures != 0;                                   \
            printf("%s %d %s%s%s\n", host_test_failures ? "not ok" : "ok", i + 1, \
                   host_tests[i].name, host_test_skip ? " # SKIP " : "",          \
                   host_test_skip ? host_test_skip : "");                        \
        }                                                                        \
        return failed != 0;                                                      \
    }

#endif
