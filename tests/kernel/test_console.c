/*
 * Tests of the screen console (drivers/video.c, drivers/vt.c and the
 * backends). Whichever screen the machine has, text printed must appear in
 * its memory: VGA cells with the right character and colour, or framebuffer
 * cells whose pixels match the font in the right colours. The screen memory
 * is read here directly, not through the console's cells.
 * The test lines start with '#' so the KTAP reader takes them as comments.
 * Every machine tools/run-tests.sh boots has a display, so the tests
 * require a screen; they read its cursor, so nothing else may print.
 */
#include <stdint.h>

#include "arch/x86_64/mmu.h"
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
#include "mm/paging.h"
#include "tests/kernel/ktest.h"

#define RED_ON_BLACK 0x04 /* VGA colour 4 is red */

/* The pixel at (x, y) of the framebuffer, as stored. */
static uint32_t fb_pixel(int x, int y)
{
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    const uint8_t *p = fbcon_pixels() + (uint64_t)y * fb->pitch + (uint64_t)x * (fb->bpp / 8);
    uint32_t mask = fb->bpp == 32 ? 0xffffffff : 0xffffff;
    return (p[0] | p[1] << 8 | p[2] << 16 | (fb->bpp == 32 ? (uint32_t)p[3] << 24 : 0)) & mask;
}

/* Whether screen cell (col, row) shows character c in colours 'attr'. The
 * cell under the cursor is not checked (the framebuffer draws the cursor). */
static bool cell_shows(const struct screen *s, int col, int row, char c, uint8_t attr)
{
    const struct vt *vt = video_vt();
    if (strcmp(s->name, "vga") == 0) {
        uint64_t phys = boot_info.framebuffer.present ? boot_info.framebuffer.phys
                                                      : VGA_TEXT_PHYS;
        const volatile uint16_t *cells = phys_to_virt(phys);
        return cells[row * s->cols + col] == VT_CELL(c, attr);
    }
    if (row == vt->row && col == (vt->col < vt->cols ? vt->col : vt->cols - 1))
        return true;
    const struct font *f = fbcon_font();
    uint32_t fg = fbcon_colour(attr & 0xf), bg = fbcon_colour(attr >> 4);
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++)
            if (fb_pixel(col * f->width + x, row * f->height + y) !=
                (font_pixel(f, c, x, y) ? fg : bg))
                return false;
    return true;
}

/* Whether row 'row' shows 'text' from column 0, then blanks to the end. */
static bool row_shows(const struct screen *s, int row, const char *text)
{
    int n = strlen(text);
    for (int col = 0; col < s->cols; col++)
        if (!cell_shows(s, col, row, col < n ? text[col] : ' ', VT_DEFAULT_ATTR))
            return false;
    return true;
}

KTEST(console_matches_boot_info)
{
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    struct screen *s = video_screen();
    if (fb->present && fb->type == MB2_FB_RGB) {
        KASSERT(s && strcmp(s->name, "fb") == 0);
        const struct font *f = fbcon_font();
        KEXPECT(f == (fb->width >= FBCON_WIDE_PIXELS ? &font_16x32 : &font_8x16));
        KEXPECT(s->cols == (int)fb->width / f->width);
        KEXPECT(s->rows == (int)fb->height / f->height);
    } else if ((fb->present && fb->type == MB2_FB_EGA_TEXT) || (!fb->present && !boot_info.efi)) {
        KASSERT(s && strcmp(s->name, "vga") == 0);
        KEXPECT(s->cols == (fb->present ? (int)fb->width : VGA_TEXT_COLS));
        KEXPECT(s->rows == (fb->present ? (int)fb->height : VGA_TEXT_ROWS));
    } else {
        KEXPECT(s == NULL);
    }
}

KTEST(console_framebuffer_is_write_combining)
{
    struct screen *s = video_screen();
    KASSERT(s);
    if (strcmp(s->name, "fb") != 0)
        return;
    int level;
    pte_t *slot = pgtable_lookup(kernel_pml4_phys, (uint64_t)fbcon_pixels(), &level);
    KASSERT(slot != NULL);
    KEXPECT(level == 1 && (pte_read(slot) & PTE_WRITE_COMBINING));
    KEXPECT(arch_pat_type(PAT_ENTRY_WC) == PAT_TYPE_WC);
}

KTEST(console_printk_reaches_the_screen)
{
    struct screen *s = video_screen();
    const struct vt *vt = video_vt();
    KASSERT(s);
    const char *text = "# console test: Hello, prune! {gjpqy} 0123456789 ~";
    printk("%s\n", text);
    KASSERT(vt->col == 0 && vt->row >= 1);
    KEXPECT(row_shows(s, vt->row - 1, text));
    KEXPECT(row_shows(s, vt->row, ""));
}

KTEST(console_tab_and_carriage_return)
{
    struct screen *s = video_screen();
    const struct vt *vt = video_vt();
    KASSERT(s);
    printk("#\tx\n");
    KEXPECT(row_shows(s, vt->row - 1, "#       x"));
    printk("#abc\r#\n");
    KEXPECT(row_shows(s, vt->row - 1, "#abc"));
    printk("# abc\rX\n");
    KEXPECT(row_shows(s, vt->row - 1, "X abc"));
}

/* What programs send: colours, cursor movement, erasing, written as
 * write(2) on the console writes them. */
KTEST(console_escape_sequences)
{
    struct screen *s = video_screen();
    const struct vt *vt = video_vt();
    KASSERT(s);
    static const char colours[] = "# \x1b[31mred\x1b[0m grey\n";
    console_write_user(colours, sizeof(colours) - 1);
    int row = vt->row - 1;
    KEXPECT(cell_shows(s, 2, row, 'r', RED_ON_BLACK) && cell_shows(s, 4, row, 'd', RED_ON_BLACK));
    KEXPECT(cell_shows(s, 6, row, 'g', VT_DEFAULT_ATTR));
    static const char edit[] = "# abcdef\x1b[3Dx\x1b[K\n";
    console_write_user(edit, sizeof(edit) - 1);
    KEXPECT(row_shows(s, vt->row - 1, "# abcx"));
    int saved_row = vt->row;
    static const char moves[] = "\x1b[s\x1b[1;1H\x1b[2B\x1b[8G";
    console_write_user(moves, sizeof(moves) - 1);
    KEXPECT(vt->row == 2 && vt->col == 7);
    static const char back[] = "\x1b[u";
    console_write_user(back, sizeof(back) - 1);
    KEXPECT(vt->row == saved_row && vt->col == 0);
    static const char hidden[] = "\x1b[?25l";
    console_write_user(hidden, sizeof(hidden) - 1);
    KEXPECT(!vt->cursor_visible);
    static const char shown[] = "\x1b[?25h";
    console_write_user(shown, sizeof(shown) - 1);
    KEXPECT(vt->cursor_visible);
}

KTEST(console_scrolls_at_the_bottom)
{
    struct screen *s = video_screen();
    const struct vt *vt = video_vt();
    KASSERT(s);
    int lines = s->rows + 3;
    for (int i = 0; i < lines; i++)
        printk("# console scroll line %d\n", i);
    KASSERT(vt->col == 0 && vt->row == s->rows - 1);
    char expect[64];
    for (int back = 1; back <= 4; back++) {
        format(expect, sizeof(expect), "# console scroll line %d", lines - back);
        KEXPECT(row_shows(s, vt->row - back, expect));
    }
    KEXPECT(row_shows(s, vt->row, ""));
}

KTEST(console_wraps_long_lines)
{
    struct screen *s = video_screen();
    const struct vt *vt = video_vt();
    KASSERT(s);
    static char line[400];
    int n = s->cols + 5;
    KASSERT(n < (int)sizeof(line));
    memset(line, 'w', n);
    line[0] = '#';
    line[n] = '\0';
    printk("%s\n", line);
    KASSERT(vt->col == 0 && vt->row >= 2);
    KEXPECT(row_shows(s, vt->row - 1, "wwwww"));
    line[s->cols] = '\0';
    KEXPECT(row_shows(s, vt->row - 2, line));

    /* A line exactly as wide as the screen takes one row, not two. */
    printk("%s\n", line);
    KEXPECT(row_shows(s, vt->row - 1, line));
    KEXPECT(row_shows(s, vt->row - 2, "wwwww"));
}
