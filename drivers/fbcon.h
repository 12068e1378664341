/*
 * The framebuffer console (drivers/fbcon.c): text drawn with prune's font
 * (drivers/font.h) into a linear RGB framebuffer, light grey on black.
 */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include "drivers/video.h"
#include "kernel/bootinfo.h"

#define FBCON_FG_GREY 0xaa /* foreground: red = green = blue = 0xaa of 0xff */

/* Clears the framebuffer described by 'fb' (type MB2_FB_RGB) and returns it
 * as a screen of 8x16-pixel cells. Returns NULL if its depth is not 24 or
 * 32 bits per pixel or it is smaller than one cell. Call once. */
struct screen *fbcon_init(const struct boot_framebuffer *fb);

#endif
