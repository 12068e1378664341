/*
 * The terminal: what the bytes written to the screen console mean. A grid
 * of character cells in RAM (the screen's shadow: the backends draw from it
 * and never read video memory back), a cursor, and the escape sequences of
 * the Linux console (ECMA-48) that busybox's line editing, vi and top send.
 * Pure logic (no hardware, no locks): drivers/video.c holds one under the
 * console lock and draws what changed; tests/host/test_vt.c tests it.
 *
 * A cell is a character in bits 0-7 and its colours in bits 8-15, as in VGA
 * text mode: foreground in bits 8-11 (bit 11: bright), background in bits
 * 12-14, in the VGA's colour order (0 black, 1 blue, 2 green, 3 cyan,
 * 4 red, 5 magenta, 6 brown, 7 grey; +8 bright).
 *
 * Understood:
 *   \n (a new line: carriage return and line feed)  \r  \b  \t (every 8)  BEL
 *   ESC 7 / ESC 8 (save, restore the cursor)  ESC M (up, scrolling down)
 *   ESC D / ESC E (down / next line)  ESC c (reset)  ESC ( X, ESC ) X (ignored)
 *   ESC [ n A B C D E F G d  cursor up, down, right, left, next/previous
 *                            line, to column n, to row n
 *   ESC [ r ; c H (or f)     cursor to row r, column c (from 1)
 *   ESC [ n J / K            erase in display / line (0 to the end, 1 from
 *                            the start, 2 all)
 *   ESC [ n L M P @ X        insert / delete lines, delete / insert / erase
 *                            characters
 *   ESC [ ... m              colours: 0 reset, 1 bold (bright), 7 reverse,
 *                            22, 27, 30-37 and 90-97 foreground, 39, 40-47
 *                            and 100-107 background, 49
 *   ESC [ ? 25 h / l         show / hide the cursor
 *   ESC [ s / u              save / restore the cursor
 *   ESC [ 6 n, ESC [ 5 n     report the cursor position / status, through
 *                            the reply hook (as typed input)
 * Other sequences are read to their end and ignored.
 */
#ifndef DRIVERS_VT_H
#define DRIVERS_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_DEFAULT_ATTR 0x07 /* grey on black */
#define VT_MAX_PARAMS 16
#define VT_CELL(c, attr) ((uint16_t)((uint8_t)(c) | (attr) << 8))

enum vt_state { VT_NORMAL, VT_ESCAPE, VT_CSI, VT_CHARSET };

struct vt {
    int cols, rows;
    uint16_t *cells;         /* rows * cols, row after row */
    /* The cursor: 0 <= row < rows, 0 <= col <= cols; col == cols means the
     * line is full and the next printable character wraps first. */
    int col, row;
    bool cursor_visible;
    int saved_col, saved_row;
    uint8_t fg, bg;          /* VGA colours 0..7 */
    bool bold, reverse;
    enum vt_state state;     /* the escape sequence being read */
    int params[VT_MAX_PARAMS];
    int param_count;
    bool private_mode;       /* ESC [ ? */
    /* Sends an answer (cursor position report) as if typed; may be NULL. */
    void (*reply)(const char *text, size_t len);
};

/* Sets up 'vt' on 'cells' (cols * rows of them), cleared, cursor home. */
void vt_init(struct vt *vt, uint16_t *cells, int cols, int rows);

/* Interprets 'len' bytes of output. */
void vt_write(struct vt *vt, const char *text, size_t len);

/* The attribute new characters get: colours, bold, reverse applied. */
uint8_t vt_attr(const struct vt *vt);

#endif
