/*
 * Host tests of the kernel command line parser (kernel/cmdline.c).
 * Only cmdline.c is included: kernel/string.c would clash with the host's
 * libc, whose memcpy, strchr... cmdline.c then uses.
 */
#include <stdbool.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "kernel/cmdline.c"

static struct cmdline cl;

/* True if cmdline_get(&cl, key) is the string 'value' (NULL: absent). */
static bool value_is(const char *key, const char *value)
{
    const char *got = cmdline_get(&cl, key);
    if (!got || !value)
        return got == value;
    return strcmp(got, value) == 0;
}

HOST_TEST(key_value_and_bare_keys)
{
    cmdline_parse(&cl, "ktest=all quiet ptfree=rcu");
    CHECK(cl.count == 3);
    CHECK(value_is("ktest", "all"));
    CHECK(value_is("quiet", ""));
    CHECK(value_is("ptfree", "rcu"));
    CHECK(value_is("absent", NULL));
    CHECK(value_is("kt", NULL));
    CHECK(strcmp(cl.init_args, "") == 0);
}

HOST_TEST(value_may_contain_equals)
{
    cmdline_parse(&cl, "a=b=c empty=");
    CHECK(value_is("a", "b=c"));
    CHECK(value_is("empty", ""));
}

HOST_TEST(repeated_key_last_wins)
{
    cmdline_parse(&cl, "mem=1 x mem=2 mem=3");
    CHECK(cl.count == 4);
    CHECK(value_is("mem", "3"));
}

HOST_TEST(extra_spaces_and_tabs)
{
    cmdline_parse(&cl, "   a=1 \t  b  \n c=3   ");
    CHECK(cl.count == 3);
    CHECK(value_is("a", "1"));
    CHECK(value_is("b", ""));
    CHECK(value_is("c", "3"));
}

HOST_TEST(empty_and_blank_lines)
{
    cmdline_parse(&cl, "");
    CHECK(cl.count == 0);
    CHECK(strcmp(cl.init_args, "") == 0);
    CHECK(value_is("ktest", NULL));

    cmdline_parse(&cl, "    ");
    CHECK(cl.count == 0);
}

HOST_TEST(init_keeps_the_rest_whole)
{
    cmdline_parse(&cl, "ktest=all init=/bin/sh -c \"x y\" ktest=none");
    CHECK(value_is("init", "/bin/sh"));
    CHECK(strcmp(cl.init_args, "-c \"x y\" ktest=none") == 0);
    CHECK(value_is("ktest", "all")); /* the words after init are not options */
    CHECK(cl.count == 2);

    cmdline_parse(&cl, "init=/sbin/init");
    CHECK(value_is("init", "/sbin/init"));
    CHECK(strcmp(cl.init_args, "") == 0);

    cmdline_parse(&cl, "init=/bin/sh     arg");
    CHECK(strcmp(cl.init_args, "arg") == 0);
}

HOST_TEST(parsing_again_forgets_the_old_line)
{
    cmdline_parse(&cl, "old=1 init=/bin/sh x");
    cmdline_parse(&cl, "new=2");
    CHECK(value_is("old", NULL));
    CHECK(value_is("new", "2"));
    CHECK(strcmp(cl.init_args, "") == 0);
}

HOST_TEST(more_options_than_the_table_holds)
{
    char line[CMDLINE_MAX];
    size_t n = 0;
    for (int i = 0; i < CMDLINE_MAX_OPTIONS + 8; i++)
        n += snprintf(line + n, sizeof(line) - n, "k%d=%d ", i, i);
    cmdline_parse(&cl, line);
    CHECK(cl.count == CMDLINE_MAX_OPTIONS);
    CHECK(value_is("k0", "0"));
    CHECK(value_is("k31", "31"));
    CHECK(value_is("k32", NULL)); /* dropped */
}

HOST_TEST(overlong_line_is_cut)
{
    char line[CMDLINE_MAX + 100];
    memset(line, 'v', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    memcpy(line, "long=", 5);
    cmdline_parse(&cl, line);
    CHECK(cl.count == 1);
    const char *v = cmdline_get(&cl, "long");
    CHECK(v && strlen(v) == CMDLINE_MAX - 1 - 5);
}

HOST_TEST_MAIN()
