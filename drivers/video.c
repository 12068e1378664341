/* Choosing the screen console, and the text logic shared by its backends;
 * see drivers/video.h. */
#include "drivers/video.h"

#include <stddef.h>

#include "drivers/fbcon.h"
#include "drivers/vga.h"
#include "kernel/bootinfo.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"

#define TAB_WIDTH 8
#define DIRECT_MAP_EARLY_LIMIT (4ul << 30) /* the direct map always covers this */

static struct screen *screen; /* written once by video_console_init */

/* Moves the cursor to the start of the next line, scrolling at the bottom.
 * Console lock. */
static void newline(struct screen *s)
{
    s->col = 0;
    if (s->row + 1 < s->rows)
        s->row++;
    else
        s->scroll();
}

/* Draws c at the cursor and advances it; handles \n, \r and \t. Console lock. */
static void put_char(struct screen *s, char c)
{
    switch (c) {
    case '\n':
        newline(s);
        return;
    case '\r':
        s->col = 0;
        return;
    case '\t':
        do
            put_char(s, ' ');
        while (s->col % TAB_WIDTH && s->col < s->cols);
        return;
    }
    if (s->col == s->cols)
        newline(s);
    s->put(s->col, s->row, c);
    s->col++;
}

/* The console's write(): called by printk with the console lock held. */
static void video_write(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        put_char(screen, text[i]);
    if (screen->show_cursor)
        screen->show_cursor(screen->col < screen->cols ? screen->col : screen->cols - 1,
                            screen->row);
}

static struct console video_console = { .write = video_write };

/* Returns the screen described by boot_info, set up and cleared, or NULL. */
static struct screen *probe(void)
{
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    if (!fb->present)
        return boot_info.efi ? NULL : vga_init(VGA_TEXT_PHYS, VGA_TEXT_COLS, VGA_TEXT_ROWS);
    if (fb->phys + (uint64_t)fb->pitch * fb->height > DIRECT_MAP_EARLY_LIMIT) {
        printk("video: framebuffer at 0x%lx is above 4 GiB; serial console only\n", fb->phys);
        return NULL;
    }
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
    video_console.name = screen->name;
    console_register(&video_console);
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    printk("video: %s console, %dx%d characters, screen memory at 0x%lx\n", screen->name,
           screen->cols, screen->rows, fb->present ? fb->phys : VGA_TEXT_PHYS);
}

struct screen *video_screen(void)
{
    return screen;
}
