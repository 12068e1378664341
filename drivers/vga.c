/* VGA text-mode screen; see drivers/vga.h. */
#include "drivers/vga.h"

#include "arch/x86_64/io.h"
#include "mm/layout.h"

/* CRT controller registers: write the index to 0x3d4, then the value to 0x3d5. */
#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a /* bit 5: cursor off; bits 0-4: first scan line */
#define CRTC_CURSOR_END 0x0b   /* bits 0-4: last scan line */
#define CRTC_CURSOR_HIGH 0x0e  /* cursor cell index, high byte */
#define CRTC_CURSOR_LOW 0x0f   /* cursor cell index, low byte */
#define CURSOR_OFF 0x20
#define CURSOR_FIRST_LINE 14   /* an underline: scan lines 14..15 */
#define CURSOR_LAST_LINE 15

static volatile uint16_t *cells; /* cols * rows cells, row after row */
static struct screen vga;

static void crtc_write(uint8_t reg, uint8_t value)
{
    outb(CRTC_INDEX, reg);
    outb(CRTC_DATA, value);
}

/* A terminal cell is a VGA cell already. Console lock. */
static void vga_draw(int col, int row, uint16_t cell, bool cursor)
{
    (void)cursor;
    cells[row * vga.cols + col] = cell;
}

/* Moves the blinking hardware cursor to (col, row), or hides it. Console lock. */
static void vga_show_cursor(int col, int row, bool visible)
{
    uint16_t pos = row * vga.cols + col;
    crtc_write(CRTC_CURSOR_START, CURSOR_FIRST_LINE | (visible ? 0 : CURSOR_OFF));
    crtc_write(CRTC_CURSOR_HIGH, pos >> 8);
    crtc_write(CRTC_CURSOR_LOW, pos & 0xff);
}

struct screen *vga_init(uint64_t phys, int cols, int rows)
{
    cells = phys_to_virt(phys);
    vga = (struct screen){
        .name = "vga", .cols = cols, .rows = rows,
        .draw = vga_draw, .show_cursor = vga_show_cursor,
    };
    for (int i = 0; i < cols * rows; i++)
        cells[i] = VT_CELL(' ', VT_DEFAULT_ATTR);
    crtc_write(CRTC_CURSOR_END, CURSOR_LAST_LINE);
    vga_show_cursor(0, 0, true);
    return &vga;
}
