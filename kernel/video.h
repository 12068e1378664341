/* Screen consoles: VGA text (BIOS boot) or the linear framebuffer (UEFI). */
#ifndef KERNEL_VIDEO_H
#define KERNEL_VIDEO_H

/* Registers the screen console the boot loader set up, if any. Needs mm_init(). */
void video_console_init(void);

#endif
