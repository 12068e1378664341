/* Choosing the screen console, and drawing its terminal; see drivers/video.h. */
#include "drivers/video.h"

#include <stddef.h>

#include "drivers/fbcon.h"
#include "drivers/tty.h"
#include "drivers/vga.h"
#include "kernel/bootinfo.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"
#include "mm/kmalloc.h"

/* Set up once by video_console_init(); then only under the console lock. */
static struct screen *screen;
static struct vt vt;
static uint16_t *shown;    /* what the screen shows now, cell by cell */
static int shown_cursor;   /* the cell drawn with the cursor, -1 if none */

/* Answers to the terminal's reports go back as input, as a terminal's do. */
static void reply(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        tty_input(text[i]);
}

/* Draws every cell that differs from what the screen shows, and the
 * cursor. Console lock. */
static void flush(void)
{
    int col = vt.col < vt.cols ? vt.col : vt.cols - 1;
    int cursor = vt.cursor_visible && !screen->show_cursor ? vt.row * vt.cols + col : -1;
    for (int i = 0; i < vt.rows * vt.cols; i++) {
        bool cursor_here = i == cursor;
        if (vt.cells[i] != shown[i] || cursor_here != (i == shown_cursor)) {
            screen->draw(i % vt.cols, i / vt.cols, vt.cells[i], cursor_here);
            shown[i] = vt.cells[i];
        }
    }
    shown_cursor = cursor;
    if (screen->show_cursor)
        screen->show_cursor(col, vt.row, vt.cursor_visible);
}

/* The console's write(): called by printk with the console lock held. */
static void video_write(const char *text, size_t len)
{
    vt_write(&vt, text, len);
    flush();
}

static struct console video_console = { .write = video_write };

/* Returns the screen described by boot_info, set up and cleared, or NULL. */
static struct screen *probe(void)
{
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    if (!fb->present)
        return boot_info.efi ? NULL : vga_init(VGA_TEXT_PHYS, VGA_TEXT_COLS, VGA_TEXT_ROWS);
    switch (fb->type) {
    case MB2_FB_EGA_TEXT:
        return vga_init(fb->phys, fb->width, fb->height);
    case MB2_FB_RGB: {
        struct screen *s = fbcon_init(fb);
        if (!s)
            printk("video: %u bpp framebuffer not supported; serial console only\n", fb->bpp);
        return s;
    }
    default:
        printk("video: framebuffer type %u not supported; serial console only\n", fb->type);
        return NULL;
    }
}

void video_console_init(void)
{
    screen = probe();
    if (!screen)
        return;
    size_t cells = (size_t)screen->cols * screen->rows;
    uint16_t *grid = kmalloc(cells * sizeof(uint16_t));
    shown = kmalloc(cells * sizeof(uint16_t));
    if (!grid || !shown) {
        printk("video: no memory for a %dx%d screen\n", screen->cols, screen->rows);
        screen = NULL;
        return;
    }
    vt.reply = reply;
    vt_init(&vt, grid, screen->cols, screen->rows);
    for (size_t i = 0; i < cells; i++)
        shown[i] = vt.cells[i]; /* the backends start with a blank screen */
    shown_cursor = -1;
    video_console.name = screen->name;
    console_register(&video_console);
    printk("video: %s console, %dx%d characters\n", screen->name, screen->cols, screen->rows);
}

struct screen *video_screen(void)
{
    return screen;
}

const struct vt *video_vt(void)
{
    return screen ? &vt : NULL;
}
