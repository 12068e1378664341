/*
 * The VGA text screen (drivers/vga.c): a cols x rows array of 16-bit cells
 * in memory, character in the low byte, colour attribute in the high byte:
 * the same layout as the terminal's cells (drivers/vt.h).
 */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

#include <stdint.h>

#include "drivers/video.h"

#define VGA_TEXT_PHYS 0xb8000 /* where PCs keep the colour text screen */
#define VGA_TEXT_COLS 80
#define VGA_TEXT_ROWS 25

/* Clears the text screen at physical address 'phys' and returns it as a
 * screen of cols x rows cells. Call once, before registering it. */
struct screen *vga_init(uint64_t phys, int cols, int rows);

#endif
