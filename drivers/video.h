/*
 * Screen consoles: VGA text (BIOS boot) or the linear framebuffer (UEFI),
 * see docs/consoles.md. Both backends look the same from here: a grid of
 * character cells. The text logic (newline, line wrap, tabs, scrolling)
 * lives once in drivers/video.c; a backend (drivers/vga.c, drivers/fbcon.c)
 * only draws one cell and scrolls its memory.
 */
#ifndef DRIVERS_VIDEO_H
#define DRIVERS_VIDEO_H

struct screen {
    const char *name; /* "vga" or "fb" */
    int cols, rows;   /* size in character cells, both >= 1 */

    /* Backend hooks, called with the console lock held (kernel/printk.h). */
    void (*put)(int col, int row, char c);  /* draw c in one cell */
    void (*scroll)(void);                   /* move every row up one, blank the last */
    void (*show_cursor)(int col, int row);  /* move a hardware cursor; may be NULL */

    /* The cursor: the cell the next character goes to. Console lock.
     * 0 <= row < rows; 0 <= col <= cols, where col == cols means "the line
     * is full": the next printable character first wraps to a new line. */
    int col, row;
};

/* Registers the screen console the boot loader set up, if any: VGA text
 * or a 24/32 bpp framebuffer in the first 4 GiB. Needs mm_init(). */
void video_console_init(void);

/* The screen video_console_init() registered, NULL if none. For tests:
 * read the cursor only while nothing else prints. */
struct screen *video_screen(void);

#endif
