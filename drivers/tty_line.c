/* The console's line discipline; see drivers/tty_line.h. */
#include "drivers/tty_line.h"

#include "lib/string.h"

#define CTRL(c) ((c) & 0x1f)
#define KEY_EOF CTRL('D')
#define KEY_KILL CTRL('U')
#define KEY_ERASE 0x7f
#define KEY_BACKSPACE CTRL('H')

/* Erases the last byte of the unfinished line; returns the echo length. */
static size_t erase_one(struct tty_line *t, char *echo)
{
    if (t->len == t->done)
        return 0;
    t->len--;
    echo[0] = '\b';
    echo[1] = ' ';
    echo[2] = '\b';
    return 3;
}

size_t tty_line_input(struct tty_line *t, char c, char echo[TTY_ECHO_MAX])
{
    if (c == '\r')
        c = '\n';
    if (c == KEY_ERASE || c == KEY_BACKSPACE)
        return erase_one(t, echo);
    if (c == KEY_KILL) {
        t->len = t->done;
        echo[0] = '\n';
        return 1;
    }
    bool ends_line = c == '\n' || c == KEY_EOF;
    /* The last byte of the buffer is kept for a line end. */
    if (t->len == TTY_LINE_BUF || (!ends_line && t->len == TTY_LINE_BUF - 1))
        return 0;
    t->buf[t->len++] = c;
    if (ends_line)
        t->done = t->len;
    if (c == KEY_EOF)
        return 0;
    if ((unsigned char)c < 0x20 && c != '\n' && c != '\t') {
        echo[0] = '^'; /* a control byte echoes as ^X, as with ECHOCTL */
        echo[1] = c + '@';
        return 2;
    }
    echo[0] = c;
    return 1;
}

bool tty_line_readable(const struct tty_line *t)
{
    return t->done > 0;
}

size_t tty_line_take(struct tty_line *t, char *dst, size_t n)
{
    size_t line = 0;
    while (line < t->done && t->buf[line] != '\n' && t->buf[line] != KEY_EOF)
        line++;
    if (line == t->done)
        return 0;
    size_t take, consumed;
    if (t->buf[line] == KEY_EOF) {
        take = line < n ? line : n;
        consumed = take == line ? line + 1 : take; /* the mark goes with the last bytes */
    } else {
        take = line + 1 < n ? line + 1 : n;
        consumed = take;
    }
    memcpy(dst, t->buf, take);
    memmove(t->buf, t->buf + consumed, t->len - consumed);
    t->len -= consumed;
    t->done -= consumed;
    return take;
}
