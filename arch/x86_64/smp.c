/*
 * Starting the application processors (APs); see docs/smp.md.
 *
 * For each CPU the MADT lists, the boot CPU: copies boot/ap_trampoline.asm
 * to TRAMPOLINE_BASE, fills its data block (page tables, EFER, stack,
 * entry, CPU id), sends INIT, waits 10 ms, sends STARTUP (SIPI) with the
 * trampoline's page number, waits 200 us, sends a second SIPI if the AP has
 * not said hello yet (the Intel MP protocol), and then waits up to
 * AP_TIMEOUT_MS for the AP to mark itself online. APs are started one at a
 * time because they share the trampoline's data block.
 */
#include <stddef.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/madt.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/tsc.h"
#include "kernel/arch_hooks.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/arch_hooks.h"
#include "mm/layout.h"

#define TRAMPOLINE_BASE 0x8000ul
#define TRAMPOLINE_PML4 0x9000ul   /* then its PDPT and PD: the first 2 MiB identity */
#define TRAMPOLINE_PDPT 0xa000ul
#define TRAMPOLINE_PD   0xb000ul
#define AP_STACK_ORDER  2          /* 16 KiB boot stack, kept as its first thread's */
#define AP_TIMEOUT_MS   2000

extern const char ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_data[];

/* Mirrors the data block at the end of boot/ap_trampoline.asm. */
struct ap_trampoline_data {
    uint64_t tramp_cr3;
    uint64_t efer;
    uint64_t stack_top;
    uint64_t entry;
    uint64_t cpu_id;
};

static uint64_t kernel_cr3;
static uint64_t kernel_cr4;

/* First C code of an AP, still on the trampoline's page tables. */
__attribute__((noreturn)) static void ap_entry(int id)
{
    write_cr3(kernel_cr3);
    write_cr4(kernel_cr4);
    arch_pat_init();
    percpu_init_cpu(id);
    gdt_init_cpu(id);
    idt_load();
    fpu_init_cpu();
    syscall_init_cpu();
    lapic_init_ap();
    this_cpu()->apic_id = lapic_id();
    sched_init_ap();
    __atomic_store_n(&this_cpu()->online, true, __ATOMIC_RELEASE);
    __atomic_fetch_or(&cpus_online, 1ull << id, __ATOMIC_ACQ_REL);
    sched_run_idle();
}

/* Page tables for the trampoline: identity map of the first 2 MiB (where the
 * trampoline runs when paging turns on) plus the kernel half of the kernel's
 * own PML4, all below 1 MiB so a 32-bit CR3 load can reach them. */
static void build_trampoline_tables(void)
{
    uint64_t *pml4 = phys_to_virt(TRAMPOLINE_PML4);
    uint64_t *pdpt = phys_to_virt(TRAMPOLINE_PDPT);
    uint64_t *pd = phys_to_virt(TRAMPOLINE_PD);
    const uint64_t *kernel_pml4 = phys_to_virt(kernel_cr3 & ~0xffful);
    memset(pml4, 0, PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE;
    pdpt[0] = TRAMPOLINE_PD | PTE_PRESENT | PTE_WRITE;
    pml4[0] = TRAMPOLINE_PDPT | PTE_PRESENT | PTE_WRITE;
    for (int i = 256; i < 512; i++)
        pml4[i] = kernel_pml4[i];
}

/* Starts one AP; returns true once it is online. */
static bool start_ap(int id, uint32_t apic_id)
{
    void *stack = frame_alloc_mapped(AP_STACK_ORDER);
    if (!stack) {
        printk("smp: no memory for CPU %d's stack\n", id);
        return false;
    }
    struct ap_trampoline_data *data =
        phys_to_virt(TRAMPOLINE_BASE + (ap_trampoline_data - ap_trampoline_start));
    data->tramp_cr3 = TRAMPOLINE_PML4;
    data->efer = rdmsr(MSR_EFER);
    data->stack_top = (uint64_t)stack + (PAGE_SIZE << AP_STACK_ORDER);
    data->entry = (uint64_t)ap_entry;
    data->cpu_id = id;
    cpus[id].apic_id = apic_id;
    __asm__ volatile("mfence" ::: "memory");

    lapic_send_init(apic_id);
    udelay(10000);
    lapic_send_startup(apic_id, TRAMPOLINE_BASE >> 12);
    udelay(200);
    if (!__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE))
        lapic_send_startup(apic_id, TRAMPOLINE_BASE >> 12);
    for (int ms = 0; ms < AP_TIMEOUT_MS; ms++) {
        if (__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE))
            return true;
        udelay(1000);
    }
    printk("smp: CPU with APIC id %u did not answer; skipped\n", apic_id);
    /* Its stack is not freed: a late AP could still be running on it. */
    return false;
}

int smp_boot_aps(void)
{
    cpus[0].apic_id = lapic_id();
    cpus[0].online = true;
    const struct madt_info *madt = acpi_madt();
    if (!madt) {
        printk("smp: no usable MADT; running on the boot CPU only\n");
        return cpu_count;
    }
    kernel_cr3 = read_cr3();
    kernel_cr4 = read_cr4();
    memcpy(phys_to_virt(TRAMPOLINE_BASE), ap_trampoline_start,
           ap_trampoline_end - ap_trampoline_start);
    build_trampoline_tables();

    for (int i = 0; i < madt->cpu_count && cpu_count < MAX_CPUS; i++) {
        if (madt->apic_ids[i] == cpus[0].apic_id)
            continue;
        if (start_ap(cpu_count, madt->apic_ids[i]))
            cpu_count++;
    }
    printk("smp: %d CPU(s) online\n", cpu_count);
    return cpu_count;
}

static int cpus_stopped; /* atomic: CPUs halted by a panic's NMI */

void panic_note_cpu_stopped(void)
{
    __atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE);
}

/* Overrides kernel/panic.c's weak default: an NMI (which interrupts even a
 * CPU spinning with interrupts off) makes every other CPU halt, so nothing
 * interleaves with the panic report. Waits up to 100 ms for them. */
void panic_stop_other_cpus(void)
{
    if (cpu_count < 2)
        return;
    lapic_send_nmi_all_but_self();
    for (int us = 0; us < 100000; us++) {
        if (__atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE) == cpu_count - 1)
            break;
        udelay(1);
    }
    printk("panic: stopped %d of %d other CPU(s)\n",
           __atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE), cpu_count - 1);
}
