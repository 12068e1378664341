/*
 * The terminal's line discipline, as Linux's N_TTY does it, steered by a
 * struct termios: in canonical mode (ICANON) input bytes are collected
 * into a line the user can edit, and a read gets a line only once it is
 * finished; in raw mode every byte is readable at once (drivers/tty.c
 * applies VMIN and VTIME). Pure logic (no locks, no hardware):
 * drivers/tty.c holds it under its lock, tests/host/test_tty_line.c tests
 * it.
 *
 * Input processing, in Linux's order: ISTRIP; IGNCR, ICRNL, INLCR; IXON
 * drops VSTOP and VSTART (prune has no output flow control); with ISIG,
 * VINTR, VQUIT and VSUSP (^C, ^\, ^Z) become a signal for the foreground
 * group (and flush the input unless NOFLSH); with ICANON, VERASE (DEL)
 * erases a byte, VKILL (^U) the line, VWERASE (^W, with IEXTEN) a word,
 * VEOF (^D) ends the line without adding a byte (so on an empty line a
 * read returns 0: end of file), '\n', VEOL and VEOL2 end it. Echo: ECHO
 * (control bytes as ^X with ECHOCTL), ECHOE (erase as "\b \b"), ECHOK (a
 * newline after VKILL), ECHONL (newlines even without ECHO).
 */
#ifndef DRIVERS_TTY_LINE_H
#define DRIVERS_TTY_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's struct termios as TCGETS copies it (asm-generic/termbits.h). */
#define NCCS 19
struct termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct termios) == 36, "Linux's struct termios");

/* c_cc indexes. */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VWERASE 14
#define VEOL2 16

/* c_iflag */
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004
/* c_cflag */
#define B38400 0000017
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000
#define CLOCAL 0004000
/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* Linux's defaults for a new terminal (tty_std_termios, serial 38400 8N1). */
void tty_termios_default(struct termios *t);

#define TTY_LINE_BUF 4096 /* bytes of input kept (Linux's N_TTY_BUF_SIZE) */

/*
 * buf[0, len) is the input not read yet. In canonical mode buf[0, done)
 * holds finished lines, each ending in a byte marked in 'delim' (a '\n',
 * VEOL, VEOL2, or an end-of-file byte also marked in 'eof', which reads
 * never return), and buf[done, len) is the line being typed; in raw mode
 * done == len. Zero-initialized is empty.
 */
struct tty_line {
    char buf[TTY_LINE_BUF];
    uint8_t delim[TTY_LINE_BUF / 8];
    uint8_t eof[TTY_LINE_BUF / 8];
    size_t len;
    size_t done;
};

/* Where input processing writes the echo: bytes past cap are dropped. */
struct tty_echo {
    char *buf;
    size_t len, cap;
};

/*
 * Takes one input byte under the settings 'tio'; appends what the terminal
 * must echo to *echo. Returns the signal the byte asks for the foreground
 * group (SIGINT, SIGQUIT, SIGTSTP) or 0. When the buffer is full, bytes
 * are dropped, except in canonical mode the ones that finish a line while
 * there is room for them.
 */
int tty_line_input(struct tty_line *t, const struct termios *tio, char c, struct tty_echo *echo);

/* ICANON was switched on or off: either way what was typed is readable
 * now (to raw: every byte is; to canonical: as it is, Linux's "push"),
 * and new input follows the new mode. */
void tty_line_mode_changed(struct tty_line *t);

/* Bytes a read could take now: in canonical mode those of finished lines
 * (an end-of-file mark counts as one), in raw mode all. */
size_t tty_line_readable(const struct tty_line *t, bool canonical);

/*
 * Takes up to n readable bytes into dst. Canonical: stops after the first
 * line's delimiter (the rest of a longer line stays for the next read);
 * an end-of-file mark is consumed, not returned, so a read of an empty
 * line ended by ^D returns 0. Raw: the first n bytes. Returns the count.
 */
size_t tty_line_take(struct tty_line *t, bool canonical, char *dst, size_t n);

/* Drops all input (TCFLSH, TCSETSF, a signal key without NOFLSH). */
void tty_line_flush(struct tty_line *t);

#endif
