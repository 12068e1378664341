/* The multiboot2 boot information layout (the spec's section 3.6). */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_BOOTLOADER = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ELF_SECTIONS = 9,
    MB2_TAG_EFI64 = 12,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_EFI_BS_NOT_TERMINATED = 18,
};

struct mb2_info {
    uint32_t total_size;
    uint32_t reserved;
} __attribute__((packed));

struct mb2_tag {
    uint32_t type;
    uint32_t size;
} __attribute__((packed));

struct mb2_tag_string {
    struct mb2_tag tag;
    char string[];
} __attribute__((packed));

struct mb2_tag_module {
    struct mb2_tag tag;
    uint32_t start;
    uint32_t end;
    char cmdline[];
} __attribute__((packed));

#define MB2_MMAP_AVAILABLE 1
#define MB2_MMAP_ACPI_RECLAIMABLE 3

struct mb2_mmap_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
} __attribute__((packed));

struct mb2_tag_mmap {
    struct mb2_tag tag;
    uint32_t entry_size;
    uint32_t entry_version;
    struct mb2_mmap_entry entries[];
} __attribute__((packed));

#define MB2_FB_INDEXED 0
#define MB2_FB_RGB 1
#define MB2_FB_EGA_TEXT 2

struct mb2_tag_framebuffer {
    struct mb2_tag tag;
    uint64_t addr;
    uint32_t pitch;
    uint32_t width;
    uint32_t height;
    uint8_t bpp;
    uint8_t type;
    uint16_t reserved;
    /* for MB2_FB_RGB: */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));

struct mb2_tag_acpi {
    struct mb2_tag tag;
    uint8_t rsdp[];
} __attribute__((packed));

#endif
