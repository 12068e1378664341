/*
 * Host tests of the terminal's line discipline (drivers/tty_line.c) under
 * Linux's default settings and changed ones: lines are returned only once
 * finished, editing keys, echo, end of file (^D), the signal keys, raw
 * mode, switching modes with input waiting, and a full buffer.
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "drivers/tty_line.c"

static struct termios tio;
static int last_signal;

/* Feeds every byte of s; returns the concatenated echo in echo_out. */
static void type(struct tty_line *t, const char *s, char *echo_out)
{
    struct tty_echo e = {echo_out, 0, 255};
    last_signal = 0;
    for (; *s; s++) {
        int sig = tty_line_input(t, &tio, *s, &e);
        if (sig)
            last_signal = sig;
    }
    echo_out[e.len] = '\0';
}

/* One read of at most n bytes, as a NUL-terminated string. */
static const char *take(struct tty_line *t, size_t n)
{
    static char out[TTY_LINE_BUF + 1];
    size_t got = tty_line_take(t, tio.c_lflag & ICANON, out, n);
    out[got] = '\0';
    return out;
}

static bool readable(struct tty_line *t)
{
    return tty_line_readable(t, tio.c_lflag & ICANON) > 0;
}

HOST_TEST(line_is_readable_only_when_finished)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "ls -l", echo);
    CHECK(!readable(&t));
    CHECK(strcmp(echo, "ls -l") == 0);
    type(&t, "\r", echo); /* Enter sends CR: ICRNL makes it LF, echoed as LF */
    CHECK(strcmp(echo, "\n") == 0);
    CHECK(readable(&t));
    CHECK(strcmp(take(&t, 100), "ls -l\n") == 0);
    CHECK(!readable(&t));
}

HOST_TEST(one_read_returns_one_line_and_a_long_line_in_pieces)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "first\nsecond\nthird", echo);
    CHECK(strcmp(take(&t, 100), "first\n") == 0);
    CHECK(strcmp(take(&t, 3), "sec") == 0);
    CHECK(strcmp(take(&t, 100), "ond\n") == 0);
    CHECK(!readable(&t)); /* "third" is not finished */
    CHECK(strcmp(take(&t, 100), "") == 0);
}

HOST_TEST(erase_word_erase_and_kill_edit_the_unfinished_line_only)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "ab\ncx\x7f", echo);
    CHECK(strcmp(echo, "ab\ncx\b \b") == 0);
    type(&t, "d\x7f\x7f\x7f", echo); /* the last DEL finds nothing to erase: no echo */
    CHECK(strcmp(echo, "d\b \b\b \b") == 0);
    type(&t, "zz\x15y\n", echo); /* ^U: echoed as ^U, then a newline (ECHOK) */
    CHECK(strcmp(echo, "zz^U\ny\n") == 0);
    type(&t, "one two  \x17three\n", echo); /* ^W erases "two  " */
    CHECK(strcmp(take(&t, 100), "ab\n") == 0);
    CHECK(strcmp(take(&t, 100), "y\n") == 0);
    CHECK(strcmp(take(&t, 100), "one three\n") == 0);
}

HOST_TEST(ctrl_d_ends_a_line_or_reads_as_end_of_file)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "abc\x04", echo);
    CHECK(strcmp(echo, "abc") == 0);
    CHECK(readable(&t));
    CHECK(strcmp(take(&t, 100), "abc") == 0); /* no newline, mark consumed */
    CHECK(!readable(&t));
    type(&t, "\x04", echo);
    CHECK(readable(&t));
    CHECK(tty_line_take(&t, true, echo, 100) == 0); /* end of file */
    CHECK(!readable(&t));
    type(&t, "xy\x04", echo);
    CHECK(strcmp(take(&t, 1), "x") == 0);
    CHECK(strcmp(take(&t, 1), "y") == 0);
    CHECK(!readable(&t)); /* the mark went with the last byte */
}

HOST_TEST(signal_keys_flush_the_line_and_echo_as_caret_letters)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "half a line\x03", echo);
    CHECK(last_signal == SIGINT);
    CHECK(strcmp(echo, "half a line^C") == 0);
    CHECK(t.len == 0);
    type(&t, "\x1c", echo);
    CHECK(last_signal == SIGQUIT);
    type(&t, "\x1a", echo);
    CHECK(last_signal == SIGTSTP);
    tio.c_lflag |= NOFLSH;
    type(&t, "kept\x03", echo);
    CHECK(t.len == 4);
    tio.c_lflag &= ~ISIG;
    type(&t, "\x03\n", echo); /* without ISIG, ^C is a byte */
    CHECK(last_signal == 0);
    CHECK(strcmp(take(&t, 100), "kept\x03\n") == 0);
}

HOST_TEST(control_bytes_echo_as_caret_letters_and_erase_two_columns)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "a\x01\t", echo);
    CHECK(strcmp(echo, "a^A\t") == 0);
    type(&t, "\x7f\x7f", echo);
    CHECK(strcmp(echo, "\b \b\b \b\b \b") == 0); /* the tab: one; ^A: two */
    tio.c_lflag &= ~ECHOCTL;
    type(&t, "\x02\n", echo);
    CHECK(strcmp(echo, "\x02\n") == 0);
    CHECK(strcmp(take(&t, 100), "a\x02\n") == 0);
}

HOST_TEST(raw_mode_gives_every_byte_at_once)
{
    tty_termios_default(&tio);
    tio.c_lflag &= ~(ICANON | ECHO | ISIG);
    tio.c_iflag &= ~ICRNL;
    struct tty_line t = {0};
    char echo[256];
    type(&t, "a\x1b[A\x7f\x03\r", echo);
    CHECK(strcmp(echo, "") == 0);
    CHECK(tty_line_readable(&t, false) == 7);
    CHECK(strcmp(take(&t, 2), "a\x1b") == 0);
    CHECK(strcmp(take(&t, 100), "[A\x7f\x03\r") == 0);
}

HOST_TEST(switching_modes_makes_what_was_typed_readable)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    type(&t, "unfinished", echo);
    tio.c_lflag &= ~ICANON;
    tty_line_mode_changed(&t);
    CHECK(tty_line_readable(&t, false) == 10);
    type(&t, "xy", echo);
    tio.c_lflag |= ICANON;
    tty_line_mode_changed(&t);
    CHECK(strcmp(take(&t, 100), "unfinishedxy") == 0); /* pushed: no newline */
    type(&t, "ab", echo);
    CHECK(!readable(&t));
}

HOST_TEST(cr_and_nl_translations)
{
    tty_termios_default(&tio);
    struct tty_line t = {0};
    char echo[256];
    tio.c_iflag = IGNCR;
    type(&t, "a\rb\n", echo);
    CHECK(strcmp(take(&t, 100), "ab\n") == 0);
    tio.c_iflag = INLCR; /* NL becomes CR, which ends no line */
    type(&t, "c\n\x04", echo);
    CHECK(strcmp(take(&t, 100), "c\r") == 0);
    tio.c_iflag = IXON; /* ^S and ^Q are flow control, dropped */
    type(&t, "\x13x\x11\n", echo);
    CHECK(strcmp(take(&t, 100), "x\n") == 0);
}

HOST_TEST(full_buffer_drops_bytes_but_keeps_room_for_the_line_end)
{
    tty_termios_default(&tio);
    tio.c_lflag &= ~ECHO;
    struct tty_line t = {0};
    char echo[256];
    struct tty_echo e = {echo, 0, sizeof(echo)};
    for (int i = 0; i < TTY_LINE_BUF + 10; i++)
        tty_line_input(&t, &tio, 'x', &e);
    CHECK(t.len == TTY_LINE_BUF - 1);
    tty_line_input(&t, &tio, '\n', &e);
    CHECK(readable(&t) && t.len == TTY_LINE_BUF);
    tty_line_input(&t, &tio, '\n', &e); /* no room left at all */
    CHECK(t.len == TTY_LINE_BUF);
    size_t got = strlen(take(&t, TTY_LINE_BUF));
    CHECK(got == TTY_LINE_BUF);
    CHECK(t.len == 0 && !readable(&t));
}

HOST_TEST_MAIN()
