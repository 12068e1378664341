/*
 * Host tests of the "#!" line parser (lib/shebang.c), against what Linux's
 * binfmt_script does with the same lines.
 */
#include <stdbool.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "lib/shebang.c"

static struct shebang sb;

/* Parses the string 'head' (its bytes without the NUL). */
static int parse(const char *head)
{
    return shebang_parse(head, strlen(head), &sb);
}

/* True if the last parse found interpreter 'interp' and argument 'arg' (NULL: none). */
static bool found(const char *interp, const char *arg)
{
    if (strcmp(sb.interp, interp) != 0)
        return false;
    return arg ? sb.arg && strcmp(sb.arg, arg) == 0 : sb.arg == NULL;
}

HOST_TEST(interpreter_and_one_argument)
{
    CHECK(parse("#!/bin/sh\necho hi\n") == 1 && found("/bin/sh", NULL));
    CHECK(parse("#! /bin/sh -e\n") == 1 && found("/bin/sh", "-e"));
    CHECK(parse("#!/usr/bin/env  a b\tc \t\nrest") == 1 && found("/usr/bin/env", "a b\tc"));
    CHECK(parse("#!\t/bin/sh \t \n") == 1 && found("/bin/sh", NULL));
    CHECK(parse("#!/bin/sh") == 1 && found("/bin/sh", NULL)); /* no newline: the file's end */
}

HOST_TEST(not_a_script_or_no_interpreter)
{
    CHECK(parse("\x7f" "ELF") == 0);
    CHECK(parse("#") == 0);
    CHECK(parse("# !/bin/sh\n") == 0);
    CHECK(parse("#!\n") == -ENOEXEC);
    CHECK(parse("#!  \t \n/bin/sh\n") == -ENOEXEC);
}

HOST_TEST(a_line_longer_than_the_head)
{
    char head[SHEBANG_HEAD];
    /* A name that runs past the head: cut, so ENOEXEC. */
    memset(head, 'x', sizeof(head));
    memcpy(head, "#!/", 3);
    CHECK(shebang_parse(head, sizeof(head), &sb) == -ENOEXEC);
    /* A name that ends inside it, an argument that does not: the argument
     * is cut at the head's last byte. */
    memcpy(head, "#!/bin/sh ", 10);
    CHECK(shebang_parse(head, sizeof(head), &sb) == 1);
    CHECK(strcmp(sb.interp, "/bin/sh") == 0 && sb.arg && strlen(sb.arg) == SHEBANG_HEAD - 11);
    /* Only blanks after "#!": ENOEXEC. */
    memset(head + 2, ' ', sizeof(head) - 2);
    CHECK(shebang_parse(head, sizeof(head), &sb) == -ENOEXEC);
}

HOST_TEST_MAIN()
