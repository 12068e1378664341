/* Reading the console font's glyphs; see drivers/font.h. */
#include "drivers/font.h"

const unsigned char *font_glyph(const struct font *f, char c)
{
    unsigned char u = (unsigned char)c;
    if (u < FONT_FIRST || u > FONT_LAST)
        u = '?';
    return f->glyphs + (u - FONT_FIRST) * f->height * f->row_bytes;
}

bool font_pixel(const struct font *f, char c, int x, int y)
{
    return font_glyph(f, c)[y * f->row_bytes + x / 8] & (0x80 >> (x % 8));
}
