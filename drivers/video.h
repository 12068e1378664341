/*
 * Screen consoles: VGA text (BIOS boot) or the linear framebuffer (UEFI),
 * see docs/consoles.md. Bytes written to the screen go through one terminal
 * (drivers/vt.h), which keeps the screen's cells in RAM; after each write
 * drivers/video.c asks the backend (drivers/vga.c, drivers/fbcon.c) to draw
 * the cells that changed. Nothing reads video memory back.
 */
#ifndef DRIVERS_VIDEO_H
#define DRIVERS_VIDEO_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/vt.h"

struct screen {
    const char *name; /* "vga" or "fb" */
    int cols, rows;   /* size in character cells, both >= 1 */

    /* Backend hooks, called with the console lock held (kernel/printk.h). */
    /* Draws 'cell' (drivers/vt.h) at (col, row); 'cursor': with the cursor
     * on it (only for backends without show_cursor). */
    void (*draw)(int col, int row, uint16_t cell, bool cursor);
    /* Moves a hardware cursor, or hides it; NULL: draw() shows the cursor. */
    void (*show_cursor)(int col, int row, bool visible);
};

/* Registers the screen console the boot loader set up, if any: VGA text
 * or a 24/32 bpp framebuffer. Needs mm_init(). */
void video_console_init(void);

/* The screen video_console_init() registered, NULL if none. */
struct screen *video_screen(void);

/* The screen's terminal (its cells and cursor), NULL if none. For tests
 * and reading only, while nothing else prints. */
const struct vt *video_vt(void);

#endif
