/*
 * screen-text < SCREEN.ppm: prints the text on a screenshot of prune's
 * framebuffer console (a binary PPM, as QEMU's screendump writes, or the
 * PGM netpbm's pngtopnm makes of a grey picture), one line
 * per row of character cells, by comparing each cell with the glyphs of
 * the console font (linked in from the same generated source as the
 * kernel's, $(BUILD)/font/fonts.c). A cell is read as the character whose
 * glyph has foreground pixels exactly where the cell's pixels differ from
 * its top left pixel (the background); a cell that matches none reads '?'.
 * Both font sizes are tried; the one that reads more characters wins.
 * Exits 1 if the picture cannot be read or holds no character at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/font.h"

static unsigned char *data;
static int width, height, channels; /* 3 (PPM, P6) or 1 (PGM, P5) */

static unsigned long pixel(int x, int y)
{
    const unsigned char *p = data + ((size_t)y * width + x) * channels;
    return channels == 1 ? p[0] : (unsigned long)p[0] << 16 | p[1] << 8 | p[2];
}

/* The character cell (col, row) shows in font f, '?' if none, ' ' if blank. */
static char read_cell(const struct font *f, int col, int row)
{
    int x0 = col * f->width, y0 = row * f->height;
    unsigned long bg = pixel(x0, y0);
    for (int c = FONT_FIRST; c <= FONT_LAST; c++) {
        int ok = 1;
        for (int y = 0; y < f->height && ok; y++)
            for (int x = 0; x < f->width && ok; x++)
                ok = (pixel(x0 + x, y0 + y) != bg) == font_pixel(f, (char)c, x, y);
        if (ok)
            return (char)c;
    }
    return '?';
}

/* Reads the whole screen in font f into out (rows of text); returns how
 * many cells read as printable characters other than blanks. */
static int read_screen(const struct font *f, char *out)
{
    int cols = width / f->width, rows = height / f->height, known = 0;
    char *o = out;
    for (int row = 0; row < rows; row++) {
        char *line = o;
        for (int col = 0; col < cols; col++) {
            char c = read_cell(f, col, row);
            known += c != ' ' && c != '?';
            *o++ = c;
        }
        while (o > line && o[-1] == ' ')
            o--;
        *o++ = '\n';
    }
    *o = '\0';
    return known;
}

int main(void)
{
    int maxval;
    char kind;
    if (scanf("P%c %d %d %d", &kind, &width, &height, &maxval) != 4 || maxval != 255 ||
        (kind != '5' && kind != '6') || getchar() < 0) {
        fprintf(stderr, "screen-text: not a binary PPM or PGM\n");
        return 1;
    }
    channels = kind == '6' ? 3 : 1;
    data = malloc((size_t)width * height * channels);
    if (fread(data, channels, (size_t)width * height, stdin) != (size_t)width * height) {
        fprintf(stderr, "screen-text: short picture\n");
        return 1;
    }
    const struct font *fonts[] = {&font_8x16, &font_16x32};
    char *best = NULL;
    int best_known = 0;
    for (int i = 0; i < 2; i++) {
        char *text = malloc((size_t)width * height + 1);
        int known = read_screen(fonts[i], text);
        if (known > best_known) {
            free(best);
            best = text;
            best_known = known;
        } else {
            free(text);
        }
    }
    if (!best) {
        fprintf(stderr, "screen-text: no character on the screen\n");
        return 1;
    }
    fputs(best, stdout);
    return 0;
}
