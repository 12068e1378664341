/* The boot summary; see kernel/hwinfo.h. */
#include "kernel/hwinfo.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "drivers/fbcon.h"
#include "drivers/i8042.h"
#include "drivers/serial.h"
#include "drivers/video.h"
#include "kernel/bootinfo.h"
#include "kernel/multiboot2.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "mm/mm.h"

void hwinfo_cpu_brand(char brand[49])
{
    uint32_t max, regs[12], b, c, d;
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    if (max < 0x80000004) {
        memcpy(brand, "unknown", sizeof("unknown"));
        return;
    }
    for (int i = 0; i < 3; i++)
        cpuid(0x80000002 + i, 0, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2],
              &regs[4 * i + 3]);
    memcpy(brand, regs, 48);
    brand[48] = '\0';
    char *start = brand;
    while (*start == ' ')
        start++;
    memmove(brand, start, strlen(start) + 1);
}

static const char *memory_type(uint32_t type)
{
    switch (type) {
    case MB2_MMAP_AVAILABLE: return "usable";
    case MB2_MMAP_ACPI_RECLAIMABLE: return "ACPI data";
    case 4: return "ACPI NVS";
    case 5: return "bad";
    default: return "reserved";
    }
}

void hwinfo_print(void)
{
    char brand[49];
    hwinfo_cpu_brand(brand);
    const struct tsc_info *t = tsc_info();
    printk("hwinfo: cpu %s, %d online, %s\n", brand, cpu_count,
           lapic_x2apic_mode() ? "x2APIC" : "xAPIC");
    printk("hwinfo: time TSC %lu.%03lu MHz from the %s%s%s, %s, tick %s\n", t->hz / 1000000,
           t->hz / 1000 % 1000, t->source, t->check_source ? ", checked by the " : "",
           t->check_source ? t->check_source : "", t->invariant ? "invariant" : "not invariant",
           t->deadline_timer ? "TSC-deadline" : "periodic");
    printk("hwinfo: memory %lu MiB, %d firmware ranges, booted by %s\n", mm_total_bytes() >> 20,
           boot_info.memory_count, boot_info.efi ? "UEFI" : "BIOS");
    const struct boot_framebuffer *fb = &boot_info.framebuffer;
    struct screen *s = video_screen();
    if (s && strcmp(s->name, "fb") == 0)
        printk("hwinfo: screen %ux%u %u bpp at 0x%lx, font %dx%d (%s)\n", fb->width, fb->height,
               fb->bpp, fb->phys, fbcon_font()->width, fbcon_font()->height, font_origin);
    else if (s)
        printk("hwinfo: screen VGA text %dx%d\n", s->cols, s->rows);
    else
        printk("hwinfo: screen none\n");
    printk("hwinfo: keyboard %s; serial %s\n", i8042_describe(),
           serial_present() ? "COM1" : "none");
    if (!cmdline_get(&kernel_cmdline, "hwinfo"))
        return;
    for (int i = 0; i < boot_info.memory_count; i++) {
        const struct boot_memory_range *r = &boot_info.memory[i];
        printk("hwinfo: memory 0x%012lx-0x%012lx %s\n", r->base, r->base + r->length - 1,
               memory_type(r->type));
    }
}
