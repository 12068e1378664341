/*
 * Host tests of the kernel command line parser (lib/cmdline.c).
 * Only cmdline.c is included: lib/string.c would clash with the host's
 * libc, whose memcpy, strchr... cmdline.c then uses.
 */
#include <stdbool.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "lib/cmdline.c"

#include "tests/host/host_panic.h"

static struct cmdline cl;

/* Parses 'line' into cl; true if it was taken. */
static bool parse(const char *line)
{
    return cmdline_parse(&cl, line, strlen(line));
}

/* True if cmdline_get(&cl, key) is the string 'value' (NULL: absent). */
static bool value_is(const char *key, const char *value)
{
    const char *got = cmdline_get(&cl, key);
    if (!got || !value)
        return got == value;
    return strcmp(got, value) == 0;
}

/* True if PID 1's argv is exactly the 'argc' strings of 'want'. */
static bool init_argv_is(int argc, const char *const *want)
{
    if (cl.init_argc != argc || cl.init_argv[argc] != NULL)
        return false;
    for (int i = 0; i < argc; i++)
        if (strcmp(cl.init_argv[i], want[i]) != 0)
            return false;
    return true;
}

/* Writes "PREFIX1 PREFIX2 ... PREFIXn" into line (size bytes); returns its length. */
static size_t numbered_words(char *line, size_t size, const char *prefix, int n)
{
    size_t len = 0;
    for (int i = 1; i <= n; i++)
        len += snprintf(line + len, size - len, "%s%s%d", i > 1 ? " " : "", prefix, i);
    return len;
}

HOST_TEST(key_value_and_bare_keys)
{
    CHECK(parse("ktest=all quiet ptfree=rcu"));
    CHECK(cl.count == 3);
    CHECK(value_is("ktest", "all"));
    CHECK(value_is("quiet", ""));
    CHECK(value_is("ptfree", "rcu"));
    CHECK(value_is("absent", NULL));
    CHECK(value_is("kt", NULL));
    CHECK(init_argv_is(0, NULL));
}

HOST_TEST(value_may_contain_equals)
{
    CHECK(parse("a=b=c empty="));
    CHECK(value_is("a", "b=c"));
    CHECK(value_is("empty", ""));
}

HOST_TEST(repeated_key_last_wins)
{
    CHECK(parse("mem=1 x mem=2 mem=3"));
    CHECK(cl.count == 4);
    CHECK(value_is("mem", "3"));
}

HOST_TEST(extra_spaces_and_tabs)
{
    CHECK(parse("   a=1 \t  b  \n c=3   "));
    CHECK(cl.count == 3);
    CHECK(value_is("a", "1"));
    CHECK(value_is("b", ""));
    CHECK(value_is("c", "3"));
}

HOST_TEST(empty_and_blank_lines)
{
    CHECK(parse(""));
    CHECK(cl.count == 0);
    CHECK(init_argv_is(0, NULL));
    CHECK(value_is("ktest", NULL));

    CHECK(parse("    "));
    CHECK(cl.count == 0);
}

HOST_TEST(init_takes_the_rest_as_arguments)
{
    CHECK(parse("ktest=all init=/bin/sh -c x\ty  ktest=none"));
    CHECK(value_is("init", "/bin/sh"));
    CHECK(init_argv_is(5, (const char *[]){ "/bin/sh", "-c", "x", "y", "ktest=none" }));
    CHECK(value_is("ktest", "all")); /* the words after init are not options */
    CHECK(cl.count == 2);

    CHECK(parse("init=/sbin/init"));
    CHECK(value_is("init", "/sbin/init"));
    CHECK(init_argv_is(1, (const char *[]){ "/sbin/init" }));

    CHECK(parse("init= arg"));
    CHECK(init_argv_is(2, (const char *[]){ "", "arg" }));
}

HOST_TEST(forty_arguments_stay_separate)
{
    char line[CMDLINE_MAX];
    size_t len = snprintf(line, sizeof(line), "init=/bin/argecho ");
    numbered_words(line + len, sizeof(line) - len, "", 40);
    CHECK(parse(line));
    CHECK(cl.init_argc == 41);
    CHECK(cl.init_argv[41] == NULL);
    for (int i = 1; i <= 40 && i < cl.init_argc; i++) {
        char want[12];
        snprintf(want, sizeof(want), "%d", i);
        CHECK(strcmp(cl.init_argv[i], want) == 0);
    }
}

HOST_TEST(init_after_forty_options_is_kept)
{
    char line[CMDLINE_MAX];
    size_t len = numbered_words(line, sizeof(line), "opt", 40);
    snprintf(line + len, sizeof(line) - len, " init=/bin/argecho X Y");
    CHECK(parse(line));
    CHECK(cl.count == 41);
    CHECK(value_is("opt1", ""));
    CHECK(value_is("opt40", ""));
    CHECK(value_is("init", "/bin/argecho"));
    CHECK(init_argv_is(3, (const char *[]){ "/bin/argecho", "X", "Y" }));
}

HOST_TEST(a_full_line_of_one_letter_words_keeps_every_word)
{
    char line[CMDLINE_MAX];
    for (int i = 0; i < CMDLINE_MAX - 1; i++)
        line[i] = i % 2 ? ' ' : 'a' + i / 2 % 26;
    line[CMDLINE_MAX - 1] = '\0';
    CHECK(parse(line));
    CHECK(cl.count == CMDLINE_MAX_WORDS);
    CHECK(value_is("a", ""));

    memcpy(line, "init=/x", 7); /* PID 1 gets all the words that follow */
    CHECK(parse(line));
    CHECK(value_is("init", "/x"));
    CHECK(cl.init_argc == CMDLINE_MAX_WORDS - 3);
    CHECK(cl.init_argv[cl.init_argc] == NULL);
}

HOST_TEST(the_longest_line_is_taken_whole)
{
    char line[CMDLINE_MAX];
    memset(line, 'v', sizeof(line));
    memcpy(line, "long=", 5);
    memcpy(line + CMDLINE_MAX - 1 - 10, " init=/x ", 9);
    line[CMDLINE_MAX - 2] = 'y';
    line[CMDLINE_MAX - 1] = '\0';
    CHECK(strlen(line) == CMDLINE_MAX - 1);
    CHECK(parse(line));
    const char *v = cmdline_get(&cl, "long");
    CHECK(v && strlen(v) == CMDLINE_MAX - 1 - 5 - 10);
    CHECK(init_argv_is(2, (const char *[]){ "/x", "y" }));
}

HOST_TEST(a_longer_line_is_refused_whole)
{
    char line[CMDLINE_MAX + 100];
    memset(line, 'v', sizeof(line));
    memcpy(line, "ktest=all ", 10);
    memcpy(line + CMDLINE_MAX - 10, " init=/x", 8);
    line[CMDLINE_MAX] = '\0'; /* CMDLINE_MAX bytes: one too many */
    CHECK(!parse(line));
    CHECK(cl.count == 0);
    CHECK(value_is("ktest", NULL));
    CHECK(value_is("init", NULL));
    CHECK(init_argv_is(0, NULL));

    line[sizeof(line) - 1] = '\0';
    CHECK(!parse(line));
}

HOST_TEST(double_quotes_group_words_as_linux_does)
{
    CHECK(parse("msg=\"a b\" init=/bin/sh -c \"echo a; echo b\" x\"y z\" \"\""));
    CHECK(value_is("msg", "a b"));
    CHECK(init_argv_is(5, (const char *[]){ "/bin/sh", "-c", "echo a; echo b", "x\"y z\"", "" }));

    CHECK(parse("\"k=v w\" q=\"\" init=/x \"open to the end"));
    CHECK(value_is("k", "v w"));
    CHECK(value_is("q", ""));
    CHECK(init_argv_is(2, (const char *[]){ "/x", "open to the end" }));
    CHECK(parse("e=\" init=/x"));
    CHECK(value_is("e", " init=/x"));
    CHECK(init_argv_is(0, NULL));
}

HOST_TEST(parsing_again_forgets_the_old_line)
{
    CHECK(parse("old=1 init=/bin/sh x"));
    CHECK(parse("new=2"));
    CHECK(value_is("old", NULL));
    CHECK(value_is("new", "2"));
    CHECK(init_argv_is(0, NULL));
}

HOST_TEST_MAIN()
