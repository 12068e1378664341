/*
 * prune's bitmap font: ASCII 32..126, each glyph drawn as 5x7 dots (plus a
 * descender row) in an 8x8 grid, shown 8 pixels wide and 16 high by drawing
 * every grid row twice. Used by the framebuffer console (drivers/fbcon.c).
 */
#ifndef DRIVERS_FONT_H
#define DRIVERS_FONT_H

#include <stdbool.h>

#define FONT_WIDTH 8
#define FONT_HEIGHT 16

/* Whether pixel (x, y) of character c's 8x16 cell is foreground.
 * 0 <= x < FONT_WIDTH, 0 <= y < FONT_HEIGHT; characters outside 32..126
 * are drawn as '?'. */
bool font_pixel(char c, int x, int y);

#endif
