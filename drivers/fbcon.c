/* Framebuffer text console; see drivers/fbcon.h. */
#include "drivers/fbcon.h"

#include <stddef.h>
#include <stdint.h>

#include "drivers/font.h"
#include "lib/string.h"
#include "mm/layout.h"

/*
 * The framebuffer: 'height' pixel rows of 'pitch' bytes each; a pixel is
 * 3 or 4 bytes, little-endian, its colour channels at the bit positions the
 * boot loader gave. Text cell (col, row) is the 8x16 pixel block whose top
 * left pixel is (col * FONT_WIDTH, row * FONT_HEIGHT). The background is
 * black, which is all-zero bytes in any channel layout: clearing is memset.
 * All of it is written under the console lock.
 */
static uint8_t *pixels;
static uint32_t pitch;
static uint32_t bytes_per_pixel;
static uint32_t foreground; /* light grey, packed in the framebuffer's layout */
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
        *(uint32_t *)p = value;
    } else {
        p[0] = value;
        p[1] = value >> 8;
        p[2] = value >> 16;
    }
}

/* Draws c with the font into cell (col, row). Console lock. */
static void fbcon_put(int col, int row, char c)
{
    uint8_t *line = pixels + (size_t)row * FONT_HEIGHT * pitch
                  + (size_t)col * FONT_WIDTH * bytes_per_pixel;
    for (int y = 0; y < FONT_HEIGHT; y++, line += pitch)
        for (int x = 0; x < FONT_WIDTH; x++)
            store_pixel(line + x * bytes_per_pixel, font_pixel(c, x, y) ? foreground : 0);
}

/* Moves every text row up by one (FONT_HEIGHT pixel rows) and clears the
 * last one. Console lock. */
static void fbcon_scroll(void)
{
    size_t text_row = (size_t)FONT_HEIGHT * pitch;
    size_t last = (size_t)(fbcon.rows - 1) * text_row;
    memmove(pixels, pixels + text_row, last);
    memset(pixels + last, 0, text_row);
}

struct screen *fbcon_init(const struct boot_framebuffer *fb)
{
    if (fb->bpp != 24 && fb->bpp != 32)
        return NULL;
    if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
        return NULL;
    pixels = phys_to_virt(fb->phys);
    pitch = fb->pitch;
    bytes_per_pixel = fb->bpp / 8;
    foreground = channel(FBCON_FG_GREY, fb->red_pos, fb->red_size)
               | channel(FBCON_FG_GREY, fb->green_pos, fb->green_size)
               | channel(FBCON_FG_GREY, fb->blue_pos, fb->blue_size);
    fbcon = (struct screen){
        .name = "fb", .cols = fb->width / FONT_WIDTH, .rows = fb->height / FONT_HEIGHT,
        .put = fbcon_put, .scroll = fbcon_scroll,
    };
    memset(pixels, 0, (size_t)pitch * fb->height);
    return &fbcon;
}
