/* The terminal's line discipline; see drivers/tty_line.h. */
#include "drivers/tty_line.h"

#include "kernel/signal.h"
#include "lib/string.h"

#define CTRL(c) ((c) & 0x1f)
#define DISABLED 0 /* a c_cc entry of 0 is off (_POSIX_VDISABLE) */

void tty_termios_default(struct termios *t)
{
    static const uint8_t cc[NCCS] = {
        [VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = 0x7f, [VKILL] = CTRL('U'),
        [VEOF] = CTRL('D'),  [VMIN] = 1,           [VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'),
        [VSUSP] = CTRL('Z'), [VWERASE] = CTRL('W'),
    };
    *t = (struct termios){
        .c_iflag = ICRNL | IXON,
        .c_oflag = OPOST | ONLCR,
        .c_cflag = B38400 | CS8 | CREAD | HUPCL | CLOCAL,
        .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    };
    memcpy(t->c_cc, cc, sizeof(cc));
}

static bool bit(const uint8_t *map, size_t i)
{
    return map[i / 8] & (1u << (i % 8));
}

static void set_bit(uint8_t *map, size_t i, bool on)
{
    if (on)
        map[i / 8] |= (uint8_t)(1u << (i % 8));
    else
        map[i / 8] &= (uint8_t)~(1u << (i % 8));
}

static void put_echo(struct tty_echo *e, const char *s, size_t n)
{
    for (size_t i = 0; i < n && e->len < e->cap; i++)
        e->buf[e->len++] = s[i];
}

/* Echoes byte c as the terminal shows it: a control byte other than tab
 * and newline as ^X with ECHOCTL. */
static void echo_byte(const struct termios *tio, struct tty_echo *e, char c)
{
    if ((unsigned char)c < 0x20 && c != '\n' && c != '\t' && (tio->c_lflag & ECHOCTL)) {
        char caret[2] = {'^', (char)(c + '@')};
        put_echo(e, caret, 2);
        return;
    }
    put_echo(e, &c, 1);
}

static bool is_cc(const struct termios *tio, int index, char c)
{
    return tio->c_cc[index] != DISABLED && (unsigned char)c == tio->c_cc[index];
}

/* Appends c to the buffer; a line end marks it (and makes it readable).
 * Returns false if there was no room. */
static bool store(struct tty_line *t, char c, bool line_end, bool end_of_file)
{
    if (t->len == TTY_LINE_BUF || (!line_end && t->len == TTY_LINE_BUF - 1))
        return false; /* the last byte is kept for a line end */
    set_bit(t->delim, t->len, line_end);
    set_bit(t->eof, t->len, end_of_file);
    t->buf[t->len++] = c;
    if (line_end)
        t->done = t->len;
    return true;
}

/* Erases the last byte of the unfinished line, echoing the erase (two
 * columns for a byte shown as ^X). Returns false if there was none. */
static bool erase_one(struct tty_line *t, const struct termios *tio, struct tty_echo *e)
{
    if (t->len == t->done)
        return false;
    char c = t->buf[--t->len];
    if (!(tio->c_lflag & ECHO))
        return true;
    int columns = (unsigned char)c < 0x20 && c != '\t' && (tio->c_lflag & ECHOCTL) ? 2 : 1;
    for (int i = 0; i < columns; i++)
        put_echo(e, (tio->c_lflag & ECHOE) ? "\b \b" : "\b", (tio->c_lflag & ECHOE) ? 3 : 1);
    return true;
}

/* The line-editing keys of canonical mode; returns true if c was one. */
static bool edit_key(struct tty_line *t, const struct termios *tio, char c, struct tty_echo *e)
{
    if (is_cc(tio, VERASE, c)) {
        erase_one(t, tio, e);
        return true;
    }
    if (is_cc(tio, VWERASE, c) && (tio->c_lflag & IEXTEN)) {
        while (t->len > t->done && t->buf[t->len - 1] == ' ')
            erase_one(t, tio, e);
        while (t->len > t->done && t->buf[t->len - 1] != ' ')
            erase_one(t, tio, e);
        return true;
    }
    if (is_cc(tio, VKILL, c)) {
        t->len = t->done;
        if (tio->c_lflag & ECHO) {
            echo_byte(tio, e, c);
            if (tio->c_lflag & ECHOK)
                put_echo(e, "\n", 1);
        }
        return true;
    }
    return false;
}

int tty_line_input(struct tty_line *t, const struct termios *tio, char c, struct tty_echo *echo)
{
    if (tio->c_iflag & ISTRIP)
        c &= 0x7f;
    if (c == '\r') {
        if (tio->c_iflag & IGNCR)
            return 0;
        if (tio->c_iflag & ICRNL)
            c = '\n';
    } else if (c == '\n' && (tio->c_iflag & INLCR)) {
        c = '\r';
    }
    if ((tio->c_iflag & IXON) && (is_cc(tio, VSTOP, c) || is_cc(tio, VSTART, c)))
        return 0;
    bool echo_on = tio->c_lflag & ECHO;
    if (tio->c_lflag & ISIG) {
        int sig = is_cc(tio, VINTR, c) ? SIGINT : is_cc(tio, VQUIT, c) ? SIGQUIT
                : is_cc(tio, VSUSP, c) ? SIGTSTP : 0;
        if (sig) {
            if (!(tio->c_lflag & NOFLSH))
                tty_line_flush(t);
            if (echo_on)
                echo_byte(tio, echo, c);
            return sig;
        }
    }
    if (!(tio->c_lflag & ICANON)) {
        if (store(t, c, false, false)) {
            t->done = t->len;
            if (echo_on)
                echo_byte(tio, echo, c);
        }
        return 0;
    }
    if (edit_key(t, tio, c, echo))
        return 0;
    if (is_cc(tio, VEOF, c)) {
        store(t, c, true, true);
        return 0;
    }
    bool line_end = c == '\n' || is_cc(tio, VEOL, c) || is_cc(tio, VEOL2, c);
    if (!store(t, c, line_end, false))
        return 0;
    if (echo_on || (c == '\n' && (tio->c_lflag & ECHONL)))
        echo_byte(tio, echo, c);
    return 0;
}

void tty_line_mode_changed(struct tty_line *t)
{
    t->done = t->len;
}

size_t tty_line_readable(const struct tty_line *t, bool canonical)
{
    return canonical ? t->done : t->len;
}

/* Removes the first n bytes of the buffer. */
static void consume(struct tty_line *t, size_t n)
{
    memmove(t->buf, t->buf + n, t->len - n);
    for (size_t i = 0; i + n < t->len; i++) {
        set_bit(t->delim, i, bit(t->delim, i + n));
        set_bit(t->eof, i, bit(t->eof, i + n));
    }
    t->len -= n;
    t->done = t->done > n ? t->done - n : 0;
}

size_t tty_line_take(struct tty_line *t, bool canonical, char *dst, size_t n)
{
    size_t avail = tty_line_readable(t, canonical), take = 0, i = 0;
    if (!canonical) {
        for (; i < avail && take < n; i++)
            if (!bit(t->eof, i)) /* an end-of-file mark typed in canonical mode is no data */
                dst[take++] = t->buf[i];
        consume(t, i);
        return take;
    }
    bool line_ended = false;
    while (i < avail && take < n && !line_ended) {
        line_ended = bit(t->delim, i);
        if (!bit(t->eof, i))
            dst[take++] = t->buf[i];
        i++;
    }
    /* a read that filled n bytes just before its line's end-of-file mark
     * takes the mark too: the line is over */
    if (!line_ended && i < avail && bit(t->eof, i))
        i++;
    consume(t, i);
    return take;
}

void tty_line_flush(struct tty_line *t)
{
    t->len = t->done = 0;
}
