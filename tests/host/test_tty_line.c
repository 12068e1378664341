/*
 * Host tests of the console's line discipline (drivers/tty_line.c): lines
 * are returned only once finished, editing keys, echo, end of file (^D)
 * and a full buffer.
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "drivers/tty_line.c"

/* Feeds every byte of s; returns the concatenated echo in echo_out. */
static void type(struct tty_line *t, const char *s, char *echo_out)
{
    size_t at = 0;
    for (; *s; s++) {
        char echo[TTY_ECHO_MAX];
        size_t n = tty_line_input(t, *s, echo);
        memcpy(echo_out + at, echo, n);
        at += n;
    }
    echo_out[at] = '\0';
}

/* One read of at most n bytes, as a NUL-terminated string. */
static const char *take(struct tty_line *t, size_t n)
{
    static char out[TTY_LINE_BUF + 1];
    size_t got = tty_line_take(t, out, n);
    out[got] = '\0';
    return out;
}

HOST_TEST(line_is_readable_only_when_finished)
{
    struct tty_line t = {0};
    char echo[64];
    type(&t, "ls -l", echo);
    CHECK(!tty_line_readable(&t));
    CHECK(strcmp(echo, "ls -l") == 0);
    type(&t, "\r", echo); /* Enter sends CR: read as LF, echoed as LF */
    CHECK(strcmp(echo, "\n") == 0);
    CHECK(tty_line_readable(&t));
    CHECK(strcmp(take(&t, 100), "ls -l\n") == 0);
    CHECK(!tty_line_readable(&t));
}

HOST_TEST(one_read_returns_one_line_and_a_long_line_in_pieces)
{
    struct tty_line t = {0};
    char echo[64];
    type(&t, "first\nsecond\nthird", echo);
    CHECK(strcmp(take(&t, 100), "first\n") == 0);
    CHECK(strcmp(take(&t, 3), "sec") == 0);
    CHECK(strcmp(take(&t, 100), "ond\n") == 0);
    CHECK(!tty_line_readable(&t)); /* "third" is not finished */
    CHECK(strcmp(take(&t, 100), "") == 0);
}

HOST_TEST(erase_and_kill_edit_the_unfinished_line_only)
{
    struct tty_line t = {0};
    char echo[64];
    type(&t, "ab\ncx\x7f", echo);
    CHECK(strcmp(echo, "ab\ncx\b \b") == 0);
    type(&t, "d\b\b\b", echo); /* the last ^H finds nothing to erase: no echo */
    CHECK(strcmp(echo, "d\b \b\b \b") == 0);
    type(&t, "zz\x15y\n", echo);
    CHECK(strcmp(echo, "zz\ny\n") == 0);
    CHECK(strcmp(take(&t, 100), "ab\n") == 0);
    CHECK(strcmp(take(&t, 100), "y\n") == 0);
}

HOST_TEST(ctrl_d_ends_a_line_or_reads_as_end_of_file)
{
    struct tty_line t = {0};
    char echo[64];
    type(&t, "abc\x04", echo);
    CHECK(strcmp(echo, "abc") == 0);
    CHECK(tty_line_readable(&t));
    CHECK(strcmp(take(&t, 100), "abc") == 0); /* no newline, mark consumed */
    CHECK(!tty_line_readable(&t));
    type(&t, "\x04", echo);
    CHECK(tty_line_readable(&t));
    CHECK(tty_line_take(&t, echo, 100) == 0); /* end of file */
    CHECK(!tty_line_readable(&t));
    type(&t, "xy\x04", echo);
    CHECK(strcmp(take(&t, 1), "x") == 0);
    CHECK(strcmp(take(&t, 1), "y") == 0);
    CHECK(!tty_line_readable(&t)); /* the mark went with the last byte */
}

HOST_TEST(control_bytes_echo_as_caret_letters)
{
    struct tty_line t = {0};
    char echo[64];
    type(&t, "a\x03\t\n", echo);
    CHECK(strcmp(echo, "a^C\t\n") == 0);
    CHECK(strcmp(take(&t, 100), "a\x03\t\n") == 0);
}

HOST_TEST(full_buffer_drops_bytes_but_keeps_room_for_the_line_end)
{
    struct tty_line t = {0};
    char echo[TTY_ECHO_MAX];
    for (int i = 0; i < TTY_LINE_BUF + 10; i++)
        tty_line_input(&t, 'x', echo);
    CHECK(t.len == TTY_LINE_BUF - 1);
    CHECK(tty_line_input(&t, '\n', echo) == 1);
    CHECK(tty_line_readable(&t));
    CHECK(tty_line_input(&t, '\n', echo) == 0); /* no room left at all */
    size_t got = strlen(take(&t, TTY_LINE_BUF));
    CHECK(got == TTY_LINE_BUF);
    CHECK(t.len == 0 && !tty_line_readable(&t));
}

HOST_TEST_MAIN()
