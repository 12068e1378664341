/* Framebuffer text console; see drivers/fbcon.h. */
#include "drivers/fbcon.h"

#include <stddef.h>
#include <stdint.h>

#include "lib/cmdline.h"
#include "lib/string.h"
#include "mm/paging.h"

#define CURSOR_ROWS_PER_16 2 /* the underline: 2 pixel rows per 16 of height */

/* The VGA palette, as red, green, blue. */
static const uint8_t vga_palette[16][3] = {
    {0x00, 0x00, 0x00}, {0x00, 0x00, 0xaa}, {0x00, 0xaa, 0x00}, {0x00, 0xaa, 0xaa},
    {0xaa, 0x00, 0x00}, {0xaa, 0x00, 0xaa}, {0xaa, 0x55, 0x00}, {0xaa, 0xaa, 0xaa},
    {0x55, 0x55, 0x55}, {0x55, 0x55, 0xff}, {0x55, 0xff, 0x55}, {0x55, 0xff, 0xff},
    {0xff, 0x55, 0x55}, {0xff, 0x55, 0xff}, {0xff, 0xff, 0x55}, {0xff, 0xff, 0xff},
};

/*
 * The framebuffer: 'height' pixel rows of 'pitch' bytes each; a pixel is
 * 3 or 4 bytes, little-endian, its colour channels at the bit positions the
 * boot loader gave. Set by fbcon_init(); written under the console lock.
 */
static uint8_t *pixels;
static uint32_t pitch;
static uint32_t bytes_per_pixel;
static uint32_t palette[16]; /* vga_palette packed in the framebuffer's layout */
static const struct font *font;
static struct screen fbcon;

/* Scales the 8-bit channel value v to 'size' bits placed at bit 'pos'. */
static uint32_t channel(uint8_t v, uint8_t pos, uint8_t size)
{
    if (size == 0)
        return 0;
    uint32_t scaled = size <= 8 ? (uint32_t)v >> (8 - size) : (uint32_t)v << (size - 8);
    return scaled << pos;
}

static void store_pixel(uint8_t *p, uint32_t value)
{
    if (bytes_per_pixel == 4) {
        *(volatile uint32_t *)p = value;
    } else {
        p[0] = value;
        p[1] = value >> 8;
        p[2] = value >> 16;
    }
}

/* Draws 'cell' into (col, row): glyph pixels in its foreground colour, the
 * rest in its background; the cursor as an underline. Console lock. */
static void fbcon_draw(int col, int row, uint16_t cell, bool cursor)
{
    uint32_t fg = palette[(cell >> 8) & 0xf], bg = palette[(cell >> 12) & 0x7];
    const unsigned char *glyph = font_glyph(font, (char)(cell & 0xff));
    int cursor_from = font->height - font->height * CURSOR_ROWS_PER_16 / 16;
    uint8_t *line = pixels + (size_t)row * font->height * pitch
                  + (size_t)col * font->width * bytes_per_pixel;
    for (int y = 0; y < font->height; y++, line += pitch, glyph += font->row_bytes) {
        bool underline = cursor && y >= cursor_from;
        for (int x = 0; x < font->width; x++) {
            bool on = underline || (glyph[x / 8] & (0x80 >> (x % 8)));
            store_pixel(line + x * bytes_per_pixel, on ? fg : bg);
        }
    }
}

/* The font to use on a screen 'width' pixels wide. */
static const struct font *choose_font(uint32_t width)
{
    const char *asked = cmdline_get(&kernel_cmdline, "font");
    if (asked && strcmp(asked, "8x16") == 0)
        return &font_8x16;
    if (asked && strcmp(asked, "16x32") == 0)
        return &font_16x32;
    return width >= FBCON_WIDE_PIXELS ? &font_16x32 : &font_8x16;
}

struct screen *fbcon_init(const struct boot_framebuffer *fb)
{
    if (fb->bpp != 24 && fb->bpp != 32)
        return NULL;
    font = choose_font(fb->width);
    if (fb->width < (uint32_t)font->width || fb->height < (uint32_t)font->height)
        font = &font_8x16;
    if (fb->width < (uint32_t)font->width || fb->height < (uint32_t)font->height)
        return NULL;
    pixels = paging_map_write_combining(fb->phys, (uint64_t)fb->pitch * fb->height);
    if (!pixels)
        return NULL;
    pitch = fb->pitch;
    bytes_per_pixel = fb->bpp / 8;
    for (int i = 0; i < 16; i++)
        palette[i] = channel(vga_palette[i][0], fb->red_pos, fb->red_size)
                   | channel(vga_palette[i][1], fb->green_pos, fb->green_size)
                   | channel(vga_palette[i][2], fb->blue_pos, fb->blue_size);
    fbcon = (struct screen){
        .name = "fb", .cols = fb->width / font->width, .rows = fb->height / font->height,
        .draw = fbcon_draw,
    };
    memset(pixels, 0, (size_t)pitch * fb->height);
    return &fbcon;
}

const struct font *fbcon_font(void)
{
    return font;
}

uint32_t fbcon_colour(int colour)
{
    return palette[colour & 0xf];
}

uint8_t *fbcon_pixels(void)
{
    return pixels;
}
