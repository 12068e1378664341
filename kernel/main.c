/* kmain: the first C code, called by boot/entry.asm on the boot CPU. */
#include <stdint.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/trap.h"
#include "kernel/bench.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/poweroff.h"
#include "kernel/printk.h"
#include "kernel/ramfs.h"
#include "kernel/rcu.h"
#include "kernel/sched.h"
#include "kernel/selftest.h"
#include "kernel/serial.h"
#include "kernel/smp.h"
#include "kernel/syscall.h"
#include "kernel/video.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "tests/kernel/ktest.h"

static void print_banner(void)
{
    printk("prune: %d CPU(s), %lu MiB of memory (%lu MiB free)\n", cpu_count,
           mm_total_bytes() >> 20, mm_free_bytes() >> 20);
    printk("prune: booted by %s (%s), command line: \"%s\"\n",
           boot_info.loader[0] ? boot_info.loader : "unknown loader",
           boot_info.efi ? "UEFI" : "BIOS", boot_info.cmdline);
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
    cmdline_parse(&kernel_cmdline, boot_info.cmdline);

    trap_init();
    cpu_features_init();
    fpu_init_cpu();
    syscall_init_cpu();
    syscall_init();
    mm_init();
    video_console_init();
    initrd_init();
    sched_init();
    rcu_init();
    acpi_init();
    lapic_init_boot();
    irq_init();
    smp_boot_aps();
    irq_enable();
    print_banner();

    const char *selftest = cmdline_get(&kernel_cmdline, "selftest");
    if (selftest)
        selftest_run_late(selftest);

    const char *filter = cmdline_get(&kernel_cmdline, "ktest");
    if (filter) {
        int failed = ktest_run(*filter ? filter : "all");
        machine_exit(failed ? EXIT_TESTS_FAILED : 0);
    }

    if (cmdline_get(&kernel_cmdline, "bench")) {
        bench_run_all();
        if (!cmdline_get(&kernel_cmdline, "init"))
            machine_exit(0);
    }

    init_run();
}
