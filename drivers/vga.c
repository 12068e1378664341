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

#define BLANK (' ' | VGA_ATTR << 8)

static volatile uint16_t *cells; /* cols * rows cells, row after row */
static struct screen vga;

static void crtc_write(uint8_t reg, uint8_t value)
{
    outb(CRTC_INDEX, reg);
    outb(CRTC_DATA, value);
}

/* Draws c in cell (col, row). Console lock. */
static void vga_put(int col, int row, char c)
{
    cells[row * vga.cols + col] = (uint8_t)c | VGA_ATTR << 8;
}

/* Moves rows 1.. up one and blanks the last row. Console lock. */
static void vga_scroll(void)
{
    int last = (vga.rows - 1) * vga.cols;
    for (int i = 0; i < last; i++)
        cells[i] = cells[i + vga.cols];
    for (int i = last; i < last + vga.cols; i++)
        cells[i] = BLANK;
}

/* Moves the blinking hardware cursor to (col, row). Console lock. */
static void vga_show_cursor(int col, int row)
{
    uint16_t pos = row * vga.cols + col;
    crtc_write(CRTC_CURSOR_HIGH, pos >> 8);
    crtc_write(CRTC_CURSOR_LOW, pos & 0xff);
}

struct screen *vga_init(uint64_t phys, int cols, int rows)
{
    cells = phys_to_virt(phys);
    vga = (struct screen){
        .name = "vga", .cols = cols, .rows = rows,
        .put = vga_put, .scroll = vga_scroll, .show_cursor = vga_show_cursor,
    };
    for (int i = 0; i < cols * rows; i++)
        cells[i] = BLANK;
    crtc_write(CRTC_CURSOR_START, 14); /* on, an underline: scan lines 14..15 */
    crtc_write(CRTC_CURSOR_END, 15);
    vga_show_cursor(0, 0);
    return &vga;
}
