/* Copy the multiboot2 information into boot_info; see kernel/bootinfo.h. */
#include "kernel/bootinfo.h"

#include "kernel/multiboot2.h"
#include "lib/string.h"

struct boot_info boot_info;

static void copy_string(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void parse_mmap(const struct mb2_tag_mmap *mmap)
{
    const uint8_t *p = (const uint8_t *)mmap->entries;
    const uint8_t *end = (const uint8_t *)mmap + mmap->tag.size;
    for (; p + sizeof(struct mb2_mmap_entry) <= end; p += mmap->entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        if (boot_info.memory_count == BOOT_MAX_MEMORY_RANGES)
            break;
        struct boot_memory_range *r = &boot_info.memory[boot_info.memory_count++];
        r->base = e->base;
        r->length = e->length;
        r->type = e->type;
    }
}

static void parse_framebuffer(const struct mb2_tag_framebuffer *fb)
{
    struct boot_framebuffer *out = &boot_info.framebuffer;
    out->present = true;
    out->type = fb->type;
    out->phys = fb->addr;
    out->pitch = fb->pitch;
    out->width = fb->width;
    out->height = fb->height;
    out->bpp = fb->bpp;
    if (fb->type == MB2_FB_RGB) {
        out->red_pos = fb->red_pos;
        out->red_size = fb->red_size;
        out->green_pos = fb->green_pos;
        out->green_size = fb->green_size;
        out->blue_pos = fb->blue_pos;
        out->blue_size = fb->blue_size;
    }
}

void bootinfo_parse(const void *mbi)
{
    const struct mb2_info *info = mbi;
    const uint8_t *p = (const uint8_t *)mbi + sizeof(*info);
    const uint8_t *end = (const uint8_t *)mbi + info->total_size;
    boot_info.mbi_size = info->total_size;

    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *tag = (const void *)p;
        if (tag->type == MB2_TAG_END)
            break;
        switch (tag->type) {
        case MB2_TAG_CMDLINE: {
            const char *line = ((const struct mb2_tag_string *)tag)->string;
            boot_info.cmdline_length = strnlen(line, tag->size - sizeof(*tag));
            copy_string(boot_info.cmdline, sizeof(boot_info.cmdline), line);
            break;
        }
        case MB2_TAG_BOOTLOADER:
            copy_string(boot_info.loader, sizeof(boot_info.loader),
                        ((const struct mb2_tag_string *)tag)->string);
            break;
        case MB2_TAG_MODULE:
            if (boot_info.module_count < BOOT_MAX_MODULES) {
                const struct mb2_tag_module *m = (const void *)tag;
                struct boot_module *out = &boot_info.modules[boot_info.module_count++];
                out->start = m->start;
                out->end = m->end;
                copy_string(out->name, sizeof(out->name), m->cmdline);
            }
            break;
        case MB2_TAG_MMAP:
            parse_mmap((const void *)tag);
            break;
        case MB2_TAG_FRAMEBUFFER:
            parse_framebuffer((const void *)tag);
            break;
        case MB2_TAG_EFI64:
            boot_info.efi = true;
            break;
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW: {
            /* Prefer the ACPI 2.0 RSDP (tag 15) when both are present. */
            if (boot_info.rsdp_revision_tag == MB2_TAG_ACPI_NEW)
                break;
            size_t n = tag->size - sizeof(*tag);
            if (n > sizeof(boot_info.rsdp))
                n = sizeof(boot_info.rsdp);
            memcpy(boot_info.rsdp, ((const struct mb2_tag_acpi *)tag)->rsdp, n);
            boot_info.rsdp_revision_tag = tag->type;
            break;
        }
        }
        p += (tag->size + 7) & ~7u;
    }
}
