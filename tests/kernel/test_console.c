/*
 * Tests of the screen console (drivers/video.c and its backends). Whichever
 * screen the machine has, text printed with printk must appear in its
 * memory: VGA cells with the right character and colour, or framebuffer
 * cells whose pixels match the font, light grey on black. The expected
 * screen memory is read here directly, not through the console code.
 * The test lines start with '#' so the KTAP reader takes them as comments.
 * Every machine tools/run-tests.sh boots has a display, so the tests
 * require a screen; they read its cursor, so nothing else may print.
 */
#include <stdint.h>

#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "drivers/vga.h"
#include "drivers/video.h"
#include "kernel/bootinfo.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "tests/kernel/ktest.h"

/* The channel value (0..255) of one colour field of a framebuffer pixel. */
static unsigned channel_of(uint32_t pixel, uint8_t pos, uint8_t size)
{
    uint32_t v = (pixel >> pos) & ((1u << size) - 1);
    return size <= 8 ? v << (8 - size) : v >> (size - 8);
}

/* Whether channel value v is the console's grey, as far as a channel of
 * 4 to 8 bits can hold it (narrower channels drop the low bits). */
static bool is_grey(unsigned v)
{
    return v <= FBCON_FG_GREY && v >= (FBCON_FG_GREY & 0xf0);
}

/* Whether pixel (x, y) of the framebuffer is the console's light grey
 * (1: foreground), black (0: background), or anything else (-1). */
static int fb_pixel_kind(int x, int y)
{
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    const uint8_t *p = (const uint8_t *)phys_to_virt(fb->phys) + (uint64_t)y * fb->pitch
                     + (uint64_t)x * (fb->bpp / 8);
    uint32_t pixel = p[0] | p[1] << 8 | p[2] << 16 | (fb->bpp == 32 ? (uint32_t)p[3] << 24 : 0);
    unsigned r = channel_of(pixel, fb->red_pos, fb->red_size);
    unsigned g = channel_of(pixel, fb->green_pos, fb->green_size);
    unsigned b = channel_of(pixel, fb->blue_pos, fb->blue_size);
    if (r == 0 && g == 0 && b == 0)
        return 0;
    return is_grey(r) && is_grey(g) && is_grey(b) ? 1 : -1;
}

/* Whether screen cell (col, row) shows character c. */
static bool cell_shows(const struct screen *s, int col, int row, char c)
{
    if (strcmp(s->name, "vga") == 0) {
        uint64_t phys = boot_info.framebuffer.present ? boot_info.framebuffer.phys
                                                      : VGA_TEXT_PHYS;
        const volatile uint16_t *cells = phys_to_virt(phys);
        return cells[row * s->cols + col] == ((uint8_t)c | VGA_ATTR << 8);
    }
    for (int y = 0; y < FONT_HEIGHT; y++)
        for (int x = 0; x < FONT_WIDTH; x++)
            if (fb_pixel_kind(col * FONT_WIDTH + x, row * FONT_HEIGHT + y) !=
                font_pixel(c, x, y))
                return false;
    return true;
}

/* Whether row 'row' shows 'text' from column 0, then blanks to the end. */
static bool row_shows(const struct screen *s, int row, const char *text)
{
    int n = strlen(text);
    for (int col = 0; col < s->cols; col++)
        if (!cell_shows(s, col, row, col < n ? text[col] : ' '))
            return false;
    return true;
}

KTEST(console_matches_boot_info)
{
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    struct screen *s = video_screen();
    if (fb->present && fb->type == MB2_FB_RGB) {
        KASSERT(s && strcmp(s->name, "fb") == 0);
        KEXPECT(s->cols == (int)fb->width / FONT_WIDTH);
        KEXPECT(s->rows == (int)fb->height / FONT_HEIGHT);
    } else if ((fb->present && fb->type == MB2_FB_EGA_TEXT) || (!fb->present && !boot_info.efi)) {
        KASSERT(s && strcmp(s->name, "vga") == 0);
        KEXPECT(s->cols == (fb->present ? (int)fb->width : VGA_TEXT_COLS));
        KEXPECT(s->rows == (fb->present ? (int)fb->height : VGA_TEXT_ROWS));
    } else {
        KEXPECT(s == NULL);
    }
}

KTEST(console_printk_reaches_the_screen)
{
    struct screen *s = video_screen();
    KASSERT(s);
    const char *text = "# console test: Hello, prune! {gjpqy} 0123456789 ~";
    printk("%s\n", text);
    KASSERT(s->col == 0 && s->row >= 1);
    KEXPECT(row_shows(s, s->row - 1, text));
    KEXPECT(row_shows(s, s->row, ""));
}

KTEST(console_tab_and_carriage_return)
{
    struct screen *s = video_screen();
    KASSERT(s);
    printk("#\tx\n");
    KEXPECT(row_shows(s, s->row - 1, "#       x"));
    printk("#abc\r#\n");
    KEXPECT(row_shows(s, s->row - 1, "#abc"));
    printk("# abc\rX\n");
    KEXPECT(row_shows(s, s->row - 1, "X abc"));
}

KTEST(console_scrolls_at_the_bottom)
{
    struct screen *s = video_screen();
    KASSERT(s);
    int lines = s->rows + 3;
    for (int i = 0; i < lines; i++)
        printk("# console scroll line %d\n", i);
    KASSERT(s->col == 0 && s->row == s->rows - 1);
    char expect[64];
    for (int back = 1; back <= 4; back++) {
        format(expect, sizeof(expect), "# console scroll line %d", lines - back);
        KEXPECT(row_shows(s, s->row - back, expect));
    }
    KEXPECT(row_shows(s, s->row, ""));
}

KTEST(console_wraps_long_lines)
{
    struct screen *s = video_screen();
    KASSERT(s);
    static char line[400];
    int n = s->cols + 5;
    KASSERT(n < (int)sizeof(line));
    memset(line, 'w', n);
    line[0] = '#';
    line[n] = '\0';
    printk("%s\n", line);
    KASSERT(s->col == 0 && s->row >= 2);
    KEXPECT(row_shows(s, s->row - 1, "wwwww"));
    line[s->cols] = '\0';
    KEXPECT(row_shows(s, s->row - 2, line));

    /* A line exactly as wide as the screen takes one row, not two. */
    printk("%s\n", line);
    KEXPECT(row_shows(s, s->row - 1, line));
    KEXPECT(row_shows(s, s->row - 2, "wwwww"));
}
