/*
 * What the boot loader told us, copied out of the multiboot2 information at
 * the start of kmain() (bootinfo_parse), so nothing later depends on the
 * loader's memory staying intact.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cmdline.h"

#define BOOT_MAX_MEMORY_RANGES 128
#define BOOT_MAX_MODULES 8

struct boot_memory_range {
    uint64_t base;
    uint64_t length;
    uint32_t type; /* MB2_MMAP_* */
};

struct boot_module {
    uint64_t start; /* physical */
    uint64_t end;   /* physical, exclusive */
    char name[64];
};

struct boot_framebuffer {
    bool present;
    uint8_t type; /* MB2_FB_RGB or MB2_FB_EGA_TEXT */
    uint64_t phys;
    uint32_t pitch, width, height;
    uint8_t bpp;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
    char cmdline[CMDLINE_MAX]; /* the loader's, cut to CMDLINE_MAX - 1 bytes */
    size_t cmdline_length;     /* its length before the cut */
    char loader[64];
    uint64_t mbi_phys, mbi_size; /* the multiboot information itself */
    struct boot_memory_range memory[BOOT_MAX_MEMORY_RANGES];
    int memory_count;
    struct boot_module modules[BOOT_MAX_MODULES];
    int module_count;
    struct boot_framebuffer framebuffer;
    bool efi;            /* booted through UEFI (the loader passed an EFI tag) */
    uint8_t rsdp[36];    /* copy of the ACPI RSDP, if any */
    uint8_t rsdp_revision_tag; /* 0: none, 14: ACPI 1.0 RSDP, 15: ACPI 2.0+ */
};

extern struct boot_info boot_info;

/* Copies the multiboot2 information at 'mbi' (a kernel virtual address). */
void bootinfo_parse(const void *mbi);

#endif
