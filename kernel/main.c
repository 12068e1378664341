/* kmain: the first C code, called by boot/entry.asm on the boot CPU. */
#include <stdint.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tsc.h"
#include "drivers/poweroff.h"
#include "drivers/i8042.h"
#include "drivers/serial.h"
#include "drivers/tty.h"
#include "drivers/video.h"
#include "fs/tmpfs.h"
#include "kernel/boot_hook.h"
#include "kernel/bootinfo.h"
#include "kernel/hwinfo.h"
#include "kernel/init.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/selftest.h"
#include "kernel/smp_call.h"
#include "kernel/syscall.h"
#include "lib/cmdline.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "mm/pt_ref.h"

/* Prints the machine and the whole command line (in pieces: it may be
 * longer than one printk() message). */
static void print_banner(void)
{
    printk("prune: %d CPU(s), %lu MiB of memory (%lu MiB free)\n", cpu_count,
           mm_total_bytes() >> 20, mm_free_bytes() >> 20);
    printk("prune: booted by %s (%s), command line: \"",
           boot_info.loader[0] ? boot_info.loader : "unknown loader",
           boot_info.efi ? "UEFI" : "BIOS");
    const int piece = PRINTK_MAX / 2;
    for (size_t done = 0; done < boot_info.cmdline_length; done += piece)
        printk("%.*s", piece, boot_info.cmdline + done);
    printk("\"\n");
}

void kmain(uint32_t magic, uint64_t mbi_phys)
{
    percpu_init_cpu(0);
    serial_init();
    printk("\nprune: kernel entered\n");
    if (magic != MB2_BOOTLOADER_MAGIC)
        panic("not started by a multiboot2 loader (magic 0x%x)", magic);
    boot_info.mbi_phys = mbi_phys;
    bootinfo_parse(phys_to_virt(mbi_phys));
    if (!cmdline_parse(&kernel_cmdline, boot_info.cmdline, boot_info.cmdline_length))
        panic("the command line is %lu bytes long; prune takes at most %d (Linux's limit "
              "on x86), and runs nothing rather than part of it",
              boot_info.cmdline_length, CMDLINE_MAX - 1);

    trap_init();
    arch_pat_init();
    cpu_features_init();
    fpu_init_cpu();
    syscall_init_cpu();
    syscall_init();
    mm_init();
    video_console_init();
    initrd_init();
    sched_init();
    tty_init();
    rcu_init();
    pt_reclaim_init();
    acpi_init();
    tsc_calibrate();
    lapic_init_boot();
    irq_init();
    serial_enable_receive_interrupt();
    i8042_init();
    smp_boot_aps();
    irq_enable();
    print_banner();
    hwinfo_print();

    const char *selftest = cmdline_get(&kernel_cmdline, "selftest");
    if (selftest)
        selftest_run_late(selftest);

    boot_hooks_run();
    init_run();
}

