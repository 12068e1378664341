/* The terminal's grid and escape sequences; see drivers/vt.h. */
#include "drivers/vt.h"

#include "lib/format.h"
#include "lib/string.h"

#define TAB_WIDTH 8
#define ESC 0x1b
#define BRIGHT 0x08

/* ANSI colour numbers (30 + n) in VGA order. */
static const uint8_t vga_of_ansi[8] = {0, 4, 2, 6, 1, 5, 3, 7};

uint8_t vt_attr(const struct vt *vt)
{
    uint8_t fg = vt->fg | (vt->bold ? BRIGHT : 0), bg = vt->bg;
    if (vt->reverse) {
        uint8_t t = fg;
        fg = bg;
        bg = t & 7;
    }
    return bg << 4 | fg;
}

static uint16_t blank(const struct vt *vt)
{
    return VT_CELL(' ', vt->bg << 4 | (VT_DEFAULT_ATTR & 7));
}

static uint16_t *cell(struct vt *vt, int col, int row)
{
    return &vt->cells[row * vt->cols + col];
}

/* Blanks 'count' cells from (col, row) on, in reading order. */
static void erase(struct vt *vt, int col, int row, int count)
{
    uint16_t *c = cell(vt, col, row), b = blank(vt);
    for (int i = 0; i < count; i++)
        c[i] = b;
}

/* Moves rows [top, rows) 'n' rows up (n > 0) or down (n < 0), blanking what
 * is uncovered. */
static void scroll(struct vt *vt, int top, int n)
{
    int height = vt->rows - top;
    int by = n > 0 ? n : -n;
    if (by > height)
        by = height;
    size_t keep = (size_t)(height - by) * vt->cols * sizeof(uint16_t);
    if (n > 0) {
        memmove(cell(vt, 0, top), cell(vt, 0, top + by), keep);
        erase(vt, 0, vt->rows - by, by * vt->cols);
    } else {
        memmove(cell(vt, 0, top + by), cell(vt, 0, top), keep);
        erase(vt, 0, top, by * vt->cols);
    }
}

static void line_feed(struct vt *vt)
{
    if (vt->row + 1 < vt->rows)
        vt->row++;
    else
        scroll(vt, 0, 1);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Puts the cursor at (col, row), kept on the screen. */
static void move_to(struct vt *vt, int col, int row)
{
    vt->col = clamp(col, 0, vt->cols - 1);
    vt->row = clamp(row, 0, vt->rows - 1);
}

static void put_printable(struct vt *vt, char c)
{
    if (vt->col == vt->cols) {
        vt->col = 0;
        line_feed(vt);
    }
    *cell(vt, vt->col, vt->row) = VT_CELL(c, vt_attr(vt));
    vt->col++;
}

static void reset(struct vt *vt)
{
    vt->fg = VT_DEFAULT_ATTR & 7;
    vt->bg = 0;
    vt->bold = vt->reverse = false;
    vt->cursor_visible = true;
    vt->col = vt->row = vt->saved_col = vt->saved_row = 0;
    vt->state = VT_NORMAL;
    erase(vt, 0, 0, vt->rows * vt->cols);
}

void vt_init(struct vt *vt, uint16_t *cells, int cols, int rows)
{
    *vt = (struct vt){.cols = cols, .rows = rows, .cells = cells, .reply = vt->reply};
    reset(vt);
}

/* Parameter i of the sequence, 'otherwise' when it is absent or 0 and
 * 'otherwise' is not 0 (a count of 0 means 1). */
static int param(const struct vt *vt, int i, int otherwise)
{
    int p = i < vt->param_count ? vt->params[i] : 0;
    return p == 0 ? otherwise : p;
}

static void select_graphic_rendition(struct vt *vt)
{
    if (vt->param_count == 0)
        vt->param_count = 1; /* ESC [ m is ESC [ 0 m */
    for (int i = 0; i < vt->param_count; i++) {
        int p = vt->params[i];
        if (p == 0) {
            vt->fg = VT_DEFAULT_ATTR & 7;
            vt->bg = 0;
            vt->bold = vt->reverse = false;
        } else if (p == 1) {
            vt->bold = true;
        } else if (p == 7) {
            vt->reverse = true;
        } else if (p == 22) {
            vt->bold = false;
        } else if (p == 27) {
            vt->reverse = false;
        } else if (p >= 30 && p <= 37) {
            vt->fg = vga_of_ansi[p - 30];
        } else if (p == 39) {
            vt->fg = VT_DEFAULT_ATTR & 7;
        } else if (p >= 40 && p <= 47) {
            vt->bg = vga_of_ansi[p - 40];
        } else if (p == 49) {
            vt->bg = 0;
        } else if (p >= 90 && p <= 97) {
            vt->fg = vga_of_ansi[p - 90];
            vt->bold = true;
        } else if (p >= 100 && p <= 107) {
            vt->bg = vga_of_ansi[p - 100]; /* no bright backgrounds: VGA blinks */
        } else if (p == 38 || p == 48) {
            i += i + 1 < vt->param_count && vt->params[i + 1] == 5 ? 2 : 4; /* 256/RGB */
        }
    }
}

/* Erase in display (J) or line (K), 'how' 0, 1 or 2. */
static void erase_in(struct vt *vt, bool display, int how)
{
    int col = vt->col < vt->cols ? vt->col : vt->cols - 1;
    int at = vt->row * vt->cols + col;
    int start = display ? 0 : vt->row * vt->cols;
    int end = display ? vt->rows * vt->cols : (vt->row + 1) * vt->cols;
    if (how == 0)
        start = at;
    else if (how == 1)
        end = at + 1;
    erase(vt, start % vt->cols, start / vt->cols, end - start);
}

/* Inserts (n > 0) or deletes (n < 0) characters at the cursor's column. */
static void shift_line(struct vt *vt, int n)
{
    int col = vt->col < vt->cols ? vt->col : vt->cols - 1;
    int room = vt->cols - col;
    int by = clamp(n > 0 ? n : -n, 1, room);
    uint16_t *at = cell(vt, col, vt->row);
    if (n > 0) {
        memmove(at + by, at, (room - by) * sizeof(uint16_t));
        erase(vt, col, vt->row, by);
    } else {
        memmove(at, at + by, (room - by) * sizeof(uint16_t));
        erase(vt, vt->cols - by, vt->row, by);
    }
}

static void report(struct vt *vt, int what)
{
    char answer[32];
    int len;
    if (what == 6)
        len = format(answer, sizeof(answer), "\x1b[%d;%dR", vt->row + 1,
                     (vt->col < vt->cols ? vt->col : vt->cols - 1) + 1);
    else if (what == 5)
        len = format(answer, sizeof(answer), "\x1b[0n");
    else
        return;
    if (vt->reply)
        vt->reply(answer, len);
}

/* Carries out the control sequence ending in 'final'. */
static void control_sequence(struct vt *vt, char final)
{
    int n = param(vt, 0, 1);
    int col = vt->col < vt->cols ? vt->col : vt->cols - 1;
    switch (final) {
    case 'A': move_to(vt, col, vt->row - n); break;
    case 'B': move_to(vt, col, vt->row + n); break;
    case 'C': move_to(vt, col + n, vt->row); break;
    case 'D': move_to(vt, col - n, vt->row); break;
    case 'E': move_to(vt, 0, vt->row + n); break;
    case 'F': move_to(vt, 0, vt->row - n); break;
    case 'G': case '`': move_to(vt, n - 1, vt->row); break;
    case 'd': move_to(vt, col, n - 1); break;
    case 'H': case 'f': move_to(vt, param(vt, 1, 1) - 1, n - 1); break;
    case 'J': erase_in(vt, true, param(vt, 0, 0)); break;
    case 'K': erase_in(vt, false, param(vt, 0, 0)); break;
    case 'L': scroll(vt, vt->row, -n); break;
    case 'M': scroll(vt, vt->row, n); break;
    case '@': shift_line(vt, n); break;
    case 'P': shift_line(vt, -n); break;
    case 'X': erase(vt, col, vt->row, clamp(n, 1, vt->cols - col)); break;
    case 'm': select_graphic_rendition(vt); break;
    case 'n': report(vt, param(vt, 0, 0)); break;
    case 's': vt->saved_col = col; vt->saved_row = vt->row; break;
    case 'u': move_to(vt, vt->saved_col, vt->saved_row); break;
    case 'h': case 'l':
        if (vt->private_mode && param(vt, 0, 0) == 25)
            vt->cursor_visible = final == 'h';
        break;
    }
}

/* One byte of output in the normal state. */
static void control_or_printable(struct vt *vt, char c)
{
    switch (c) {
    case '\n':
        vt->col = 0;
        line_feed(vt);
        return;
    case '\r':
        vt->col = 0;
        return;
    case '\b':
        if (vt->col == vt->cols)
            vt->col--;
        if (vt->col > 0)
            vt->col--;
        return;
    case '\t':
        move_to(vt, (vt->col / TAB_WIDTH + 1) * TAB_WIDTH, vt->row);
        return;
    case ESC:
        vt->state = VT_ESCAPE;
        return;
    }
    if ((unsigned char)c >= ' ')
        put_printable(vt, c);
}

static void escape(struct vt *vt, char c)
{
    vt->state = VT_NORMAL;
    int col = vt->col < vt->cols ? vt->col : vt->cols - 1;
    switch (c) {
    case '[':
        vt->state = VT_CSI;
        vt->param_count = 0;
        vt->private_mode = false;
        memset(vt->params, 0, sizeof(vt->params));
        break;
    case '(': case ')': vt->state = VT_CHARSET; break;
    case '7': vt->saved_col = col; vt->saved_row = vt->row; break;
    case '8': move_to(vt, vt->saved_col, vt->saved_row); break;
    case 'c': reset(vt); break;
    case 'D': line_feed(vt); break;
    case 'E': vt->col = 0; line_feed(vt); break;
    case 'M':
        if (vt->row == 0)
            scroll(vt, 0, -1);
        else
            vt->row--;
        break;
    }
}

static void csi(struct vt *vt, char c)
{
    if (c == '?' && vt->param_count == 0) {
        vt->private_mode = true;
    } else if (c >= '0' && c <= '9') {
        if (vt->param_count == 0)
            vt->param_count = 1;
        int *p = &vt->params[vt->param_count - 1];
        if (*p < 10000)
            *p = *p * 10 + (c - '0');
    } else if (c == ';') {
        if (vt->param_count == 0)
            vt->param_count = 1;
        if (vt->param_count < VT_MAX_PARAMS)
            vt->param_count++;
    } else if (c >= 0x40 && c <= 0x7e) {
        vt->state = VT_NORMAL;
        control_sequence(vt, c);
    } else if (c == ESC) {
        vt->state = VT_ESCAPE;
    }
}

void vt_write(struct vt *vt, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        switch (vt->state) {
        case VT_NORMAL: control_or_printable(vt, c); break;
        case VT_ESCAPE: escape(vt, c); break;
        case VT_CSI: csi(vt, c); break;
        case VT_CHARSET: vt->state = VT_NORMAL; break;
        }
    }
}
