/*
 * Host tests of the kernel's printf-style formatter (lib/format.c).
 * Where the formatter follows C, its output and return value are compared
 * with the host's snprintf; %p and the NULL string are prune's own.
 */
#include <stdint.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "lib/format.c"

/*
 * Formats with both format_v() and the host's vsnprintf into buffers of sizes
 * 0, 1, 4 and 64, and checks that the text and the return value agree.
 */
static void same_as_host(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void same_as_host(int line, const char *fmt, ...)
{
    static const size_t sizes[] = { 0, 1, 4, 64 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char ours[64], host[64];
        memset(ours, 'X', sizeof(ours));
        memset(host, 'X', sizeof(host));
        va_list ap, aq;
        va_start(ap, fmt);
        va_copy(aq, ap);
        int n_ours = format_v(ours, sizes[i], fmt, ap);
        int n_host = vsnprintf(host, sizes[i], fmt, aq);
        va_end(aq);
        va_end(ap);
        bool same = n_ours == n_host && memcmp(ours, host, sizeof(ours)) == 0;
        CHECK(same);
        if (!same)
            printf("    # line %d, size %zu, \"%s\": format gave \"%.*s\" (%d), "
                   "snprintf \"%.*s\" (%d)\n", line, sizes[i], fmt, (int)sizeof(ours),
                   ours, n_ours, (int)sizeof(host), host, n_host);
    }
}

#define SAME(...) same_as_host(__LINE__, __VA_ARGS__)

/* Checks that format() of the arguments gives exactly 'expect'. */
#define GIVES(expect, ...)                                                       \
    do {                                                                         \
        char out_[128];                                                          \
        int n_ = format(out_, sizeof(out_), __VA_ARGS__);                        \
        CHECK(strcmp(out_, expect) == 0);                                        \
        CHECK(n_ == (int)strlen(expect));                                        \
        if (strcmp(out_, expect))                                                \
            printf("    # got \"%s\", expected \"%s\"\n", out_, expect);          \
    } while (0)

HOST_TEST(plain_text_and_percent)
{
    SAME("hello, world");
    SAME("100%%");
    SAME("%c%c%c", 'a', 'b', 'c');
    SAME("[%3c|%-3c]", 'x', 'y');
}

HOST_TEST(signed_decimal)
{
    SAME("%d", 0);
    SAME("%d", 42);
    SAME("%d", -42);
    SAME("%i", -7);
    SAME("%d", INT32_MAX);
    SAME("%d", INT32_MIN);
    SAME("%ld", (long)INT64_MAX);
    SAME("%ld", (long)INT64_MIN);
    SAME("%lld", (long long)INT64_MIN);
    SAME("%zd", (ssize_t)-5);
}

HOST_TEST(widths_and_padding)
{
    SAME("[%5d]", 42);
    SAME("[%-5d]", 42);
    SAME("[%05d]", 42);
    SAME("[%05d]", -42);
    SAME("[%5d]", -42);
    SAME("[%-5d]", -42);
    SAME("[%2d]", 12345);
    SAME("[%02d]", -12345);
    SAME("[%*d]", 6, 7);
    SAME("[%*d]", -6, 7);
    SAME("[%0*x]", 8, 0xbeefu);
    SAME("[%08lx]", 0x1234ul);
    SAME("[%-8x]", 0xabu);
    SAME("[%020ld]", (long)INT64_MIN);
}

HOST_TEST(unsigned_hex_octal)
{
    SAME("%u", 0u);
    SAME("%u", UINT32_MAX);
    SAME("%lu", (unsigned long)UINT64_MAX);
    SAME("%zu", (size_t)123456789);
    SAME("%x", 0xdeadbeefu);
    SAME("%X", 0xdeadbeefu);
    SAME("%lx", 0xffffffff80000000ul);
    SAME("%lX", 0xffff800000000000ul);
    SAME("%llx", 0x0123456789abcdefull);
    SAME("%o", 8u);
    SAME("%lo", (unsigned long)UINT64_MAX);
    SAME("%x", 0u);
}

HOST_TEST(strings_and_precision)
{
    SAME("%s", "abc");
    SAME("[%5s]", "abc");
    SAME("[%-5s]", "abc");
    SAME("[%.2s]", "abc");
    SAME("[%5.2s]", "abc");
    SAME("[%-5.1s]", "abc");
    SAME("[%.0s]", "abc");
    SAME("[%.*s]", 3, "abcdef");
    SAME("[%.10s]", "abc");
    SAME("[%s|%s]", "", "x");
}

/* gcc rightly warns about these calls; they are what the tests are about. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

HOST_TEST(pointers_and_null_strings_are_prunes_own)
{
    /* %p: always 0x and 16 digits, so columns line up in dumps. */
    GIVES("0xffffffff80000000", "%p", (void *)0xffffffff80000000ul);
    GIVES("0x0000000000001000", "%p", (void *)0x1000);
    GIVES("0x0000000000000000", "%p", NULL);
    GIVES("(null)", "%s", (char *)NULL);
    GIVES("[(nu]", "[%.3s]", (char *)NULL);
}

HOST_TEST(minus_flag_wins_over_zero)
{
    GIVES("[-42  ]", "[%-05d]", -42);
    GIVES("[ab   ]", "[%-05s]", "ab");
}

HOST_TEST(truncation_returns_full_length)
{
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    CHECK(format(buf, sizeof(buf), "%s-%d", "abcdef", 1234) == 11);
    CHECK(strcmp(buf, "abcdef-") == 0);

    memset(buf, 'X', sizeof(buf));
    CHECK(format(buf, 0, "%d", 99) == 2);
    CHECK(buf[0] == 'X'); /* size 0: nothing written, not even the NUL */

    CHECK(format(buf, 1, "abc") == 3);
    CHECK(buf[0] == '\0');

    CHECK(format(NULL, 0, "%lx", 0xffffffff80000000ul) == 16);

    SAME("%s and %s", "a long string", "another long string");
    SAME("%020d", -1);
}

HOST_TEST(unknown_conversion_is_printed_back)
{
    GIVES("%q", "%q");
    GIVES("a%yb", "a%yb");
}

#pragma GCC diagnostic pop

HOST_TEST_MAIN()
