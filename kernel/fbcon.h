/*
 * The framebuffer console (kernel/fbcon.c): text drawn with prune's font
 * (kernel/font.h) into a linear RGB framebuffer, light grey on black.
 */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "kernel/bootinfo.h"
#include "kernel/video.h"

#define FBCON_FG_GREY 0xaa /* foreground: red = green = blue = 0xaa of 0xff */

/* Clears the framebuffer described by 'fb' (type MB2_FB_RGB) and returns it
 * as a screen of 8x16-pixel cells. Returns NULL if its depth is not 24 or
 * 32 bits per pixel or it is smaller than one cell. Call once. */
struct screen *fbcon_init(const struct boot_framebuffer *fb);

#endif
