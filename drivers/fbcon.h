/*
 * The framebuffer console (drivers/fbcon.c): the terminal's cells drawn
 * with the Terminus font (drivers/font.h) into a linear RGB framebuffer,
 * mapped write-combining (mm/paging.h). 8x16 cells, or 16x32 on a screen
 * at least FBCON_WIDE_PIXELS wide ("font=8x16" or "font=16x32" on the
 * command line chooses). Cell (col, row) is the block whose top left pixel
 * is (col * width, row * height). The cursor is an underline drawn in the
 * cell's foreground colour.
 */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include <stdint.h>

#include "drivers/font.h"
#include "drivers/video.h"
#include "kernel/bootinfo.h"

#define FBCON_WIDE_PIXELS 1920

/* Sets up the framebuffer described by 'fb' (type MB2_FB_RGB), clears it
 * and returns it as a screen. Returns NULL if its depth is not 24 or 32
 * bits per pixel, it is smaller than one cell, or it cannot be mapped.
 * Call once. */
struct screen *fbcon_init(const struct boot_framebuffer *fb);

/* The font in use, and VGA colour 'colour' (0..15) packed as the
 * framebuffer stores it; for tests. */
const struct font *fbcon_font(void);
uint32_t fbcon_colour(int colour);
/* Where the framebuffer is mapped (write-combining). */
uint8_t *fbcon_pixels(void);

#endif
