/*
 * Host tests of the terminal (drivers/vt.c): the sequences busybox's line
 * editing and top send, on a small grid.
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "drivers/vt.c"
#include "lib/format.c"

#define COLS 10
#define ROWS 4

static struct vt vt;
static uint16_t cells[COLS * ROWS];
static char replied[32];

static void reply(const char *text, size_t len)
{
    memcpy(replied, text, len);
    replied[len] = '\0';
}

static void start(void)
{
    vt.reply = reply;
    vt_init(&vt, cells, COLS, ROWS);
}

static void out(const char *s)
{
    vt_write(&vt, s, strlen(s));
}

/* Row 'row' as text, trailing blanks dropped. */
static const char *row_text(int row)
{
    static char text[COLS + 1];
    for (int c = 0; c < COLS; c++)
        text[c] = cells[row * COLS + c] & 0xff;
    int n = COLS;
    while (n > 0 && text[n - 1] == ' ')
        n--;
    text[n] = '\0';
    return text;
}

HOST_TEST(vt_text_wrap_and_scroll)
{
    start();
    out("abc\r\nx\tY");
    CHECK(strcmp(row_text(0), "abc") == 0 && strcmp(row_text(1), "x       Y") == 0);
    out("\n0123456789\n");
    CHECK(strcmp(row_text(2), "0123456789") == 0 && vt.row == 3); /* one row, not two */
    out("last\nnew");
    CHECK(strcmp(row_text(0), "x       Y") == 0 && strcmp(row_text(3), "new") == 0);
}

HOST_TEST(vt_line_editing_sequences)
{
    start();
    out("$ hexx\b\b\x1b[K" "lo");     /* back twice, erase to the end, retype */
    CHECK(strcmp(row_text(0), "$ helo") == 0 && vt.col == 6);
    out("\x1b[3D\x1b[P");              /* three left, delete one character */
    CHECK(strcmp(row_text(0), "$ hlo") == 0 && vt.col == 3);
    out("\x1b[@E");                    /* insert a blank, type over it */
    CHECK(strcmp(row_text(0), "$ hElo") == 0);
    out("\x1b[6n");
    CHECK(strcmp(replied, "\x1b[1;5R") == 0);
}

HOST_TEST(vt_top_sequences)
{
    start();
    out("junk\n\n\x1b[H\x1b[J\x1b[7mPID\x1b[0m x\x1b[2;3Hy");
    CHECK(strcmp(row_text(0), "PID x") == 0 && strcmp(row_text(1), "  y") == 0);
    CHECK((cells[0] >> 8) == 0x70);           /* reverse: black on grey */
    CHECK((cells[4] >> 8) == VT_DEFAULT_ATTR);
    out("\x1b[1;32mG\x1b[44mB\x1b[m");
    CHECK((cells[COLS + 3] >> 8) == 0x0a);    /* bright green (VGA 2 + 8) */
    CHECK((cells[COLS + 4] >> 8) == 0x1a);    /* on blue (VGA 1) */
    out("\x1b[?25l");
    CHECK(!vt.cursor_visible);
    out("\x1b[2J\x1b[99;99H");
    CHECK(vt.row == ROWS - 1 && vt.col == COLS - 1 && strcmp(row_text(0), "") == 0);
}

HOST_TEST(vt_insert_delete_lines_and_reverse_index)
{
    start();
    out("a\nb\nc\nd\x1b[2;1H\x1b[L");
    CHECK(strcmp(row_text(1), "") == 0 && strcmp(row_text(2), "b") == 0 &&
          strcmp(row_text(3), "c") == 0);
    out("\x1b[2M");
    CHECK(strcmp(row_text(1), "c") == 0 && strcmp(row_text(3), "") == 0);
    out("\x1b[H\x1bM");
    CHECK(strcmp(row_text(0), "") == 0 && strcmp(row_text(1), "a") == 0);
    out("\x1b[38;5;100mz\x1b[0m"); /* a 256-colour request is read and skipped */
    CHECK(strcmp(row_text(0), "z") == 0);
}

HOST_TEST_MAIN();
