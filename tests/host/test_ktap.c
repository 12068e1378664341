/* Host tests of the KTAP reader (tools/ktap_parse.c). */
#include "tests/host/host_test.h"
#include "tools/ktap_parse.c"

static struct ktap_counts feed(const char *const *lines)
{
    struct ktap_counts c;
    ktap_init(&c);
    for (; *lines; lines++)
        ktap_feed_line(&c, *lines);
    return c;
}

HOST_TEST(counts_pass_fail_skip)
{
    const char *lines[] = { "KTAP version 1", "1..4", "ok 1 a", "not ok 2 b",
                            "ok 3 c # SKIP no hardware", "    ok 1 subtest", "ok 4 d", NULL };
    struct ktap_counts c = feed(lines);
    CHECK(c.planned == 4);
    CHECK(c.passed == 2);
    CHECK(c.failed == 1);
    CHECK(c.skipped == 1);
    CHECK(ktap_missing(&c) == 0);
}

HOST_TEST(missing_results_after_a_crash)
{
    const char *lines[] = { "KTAP version 1", "1..5", "ok 1 a", "KERNEL PANIC: x", NULL };
    struct ktap_counts c = feed(lines);
    CHECK(ktap_missing(&c) == 4);
}

HOST_TEST(kernel_noise_and_carriage_returns_ignored)
{
    const char *lines[] = { "prune: booting", "1..1\r", "okay this is not a result",
                            "ok 1 x\r", "Bail out! disk", NULL };
    struct ktap_counts c = feed(lines);
    CHECK(c.planned == 1);
    CHECK(c.passed == 1);
    CHECK(c.bailed);
}

HOST_TEST(no_plan)
{
    const char *lines[] = { "hello", "1..x", NULL };
    struct ktap_counts c = feed(lines);
    CHECK(c.planned == -1);
    CHECK(ktap_missing(&c) == 0);
}

HOST_TEST_MAIN()
