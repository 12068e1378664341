/*
 * The console font: Terminus, in two sizes, ASCII 32..126. Not kept in the
 * repository: the Makefile fetches Debian's console-setup-linux package,
 * and tools/psf2c turns its PSF fonts into C ($(BUILD)/font/fonts.c).
 * A glyph is 'height' rows of 'row_bytes' bytes, top row first; bit 7 of a
 * row's first byte is its leftmost pixel.
 */
#ifndef DRIVERS_FONT_H
#define DRIVERS_FONT_H

#include <stdbool.h>

#define FONT_FIRST 32
#define FONT_LAST 126

struct font {
    const char *name;
    int width, height;
    int row_bytes;
    const unsigned char *glyphs; /* FONT_LAST - FONT_FIRST + 1 glyphs */
};

extern const struct font font_8x16;
extern const struct font font_16x32;
/* Which font and package version, for the boot message. */
extern const char font_origin[];

/* Character c's glyph; characters outside 32..126 get '?'s. */
const unsigned char *font_glyph(const struct font *f, char c);

/* Whether pixel (x, y) of character c's cell is foreground.
 * 0 <= x < f->width, 0 <= y < f->height. */
bool font_pixel(const struct font *f, char c, int x, int y);

#endif
