/* Local APIC: enable, timer, IPIs, EOI; see arch/x86_64/apic.h. */
#include "arch/x86_64/apic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/tsc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/layout.h"

#define MSR_APIC_BASE      0x1b
#define APIC_BASE_ENABLE   (1u << 11)
#define APIC_BASE_X2APIC   (1u << 10)
#define X2APIC_MSR_BASE    0x800

/* Register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16). */
#define LAPIC_ID           0x020
#define LAPIC_EOI          0x0b0
#define LAPIC_SVR          0x0f0
#define LAPIC_ICR_LOW      0x300
#define LAPIC_ICR_HIGH     0x310
#define LAPIC_LVT_TIMER    0x320
#define LAPIC_LVT_LINT0    0x350
#define LAPIC_LVT_LINT1    0x360
#define LAPIC_TIMER_INIT   0x380
#define LAPIC_TIMER_COUNT  0x390
#define LAPIC_TIMER_DIV    0x3e0

#define SVR_ENABLE         (1u << 8)
#define LVT_MASKED         (1u << 16)
#define LVT_PERIODIC       (1u << 17)
#define LVT_TSC_DEADLINE   (2u << 17)
#define TIMER_DIV_16       0x3
#define TIMER_DIVISOR      16
#define MSR_TSC_DEADLINE   0x6e0

#define ICR_FIXED          (0u << 8)
#define ICR_NMI            (4u << 8)
#define ICR_INIT           (5u << 8)
#define ICR_STARTUP        (6u << 8)
#define ICR_PENDING        (1u << 12)
#define ICR_ASSERT         (1u << 14)
#define ICR_ALL_BUT_SELF   (3u << 18)

#define CALIBRATE_MS       10

/* Chosen by lapic_init_boot() before other CPUs start; read-only after. */
static bool x2apic;
static volatile uint32_t *xapic_mmio;
static bool deadline_mode;            /* the tick is a TSC deadline, re-armed each time */
static uint32_t timer_count_per_tick; /* periodic mode: initial count, divider 16 */

static uint32_t lapic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
    return xapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t value)
{
    if (x2apic)
        wrmsr(X2APIC_MSR_BASE + (reg >> 4), value);
    else
        xapic_mmio[reg / 4] = value;
}

/* Enables this CPU's LAPIC in the mode chosen at boot, spurious vector set. */
static void lapic_enable(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
    if (x2apic)
        base |= APIC_BASE_X2APIC;
    wrmsr(MSR_APIC_BASE, base);
    lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, ICR_NMI); /* LINT1 is NMI on PCs */
}

/* Remaps the 8259 PICs away from the exception vectors and masks every line. */
static void pic_disable(void)
{
    outb(0x20, 0x11); io_wait();
    outb(0xa0, 0x11); io_wait();
    outb(0x21, 0x20); io_wait();
    outb(0xa1, 0x28); io_wait();
    outb(0x21, 0x04); io_wait();
    outb(0xa1, 0x02); io_wait();
    outb(0x21, 0x01); io_wait();
    outb(0xa1, 0x01); io_wait();
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* APIC timer counts per tick in periodic mode: the timer's clock is CPUID
 * 0x15's crystal when it names one (Intel SDM vol. 3, 11.5.4), else it is
 * measured against the TSC over CALIBRATE_MS. */
static uint32_t periodic_counts_per_tick(void)
{
    uint64_t crystal = tsc_info()->crystal_hz;
    if (crystal)
        return crystal / TIMER_DIVISOR / TIMER_HZ;
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    uint64_t tsc_start = rdtsc();
    uint32_t count_start = lapic_read(LAPIC_TIMER_COUNT);
    uint64_t wait = tsc_hz * CALIBRATE_MS / 1000;
    while (rdtsc() - tsc_start < wait)
        cpu_relax();
    uint32_t count_end = lapic_read(LAPIC_TIMER_COUNT);
    uint64_t tsc_end = rdtsc();
    lapic_write(LAPIC_TIMER_INIT, 0);
    /* At most 2^32 counts times at most 10^8 TSC cycles per tick: no overflow. */
    return (uint64_t)(count_start - count_end) * (tsc_hz / TIMER_HZ) / (tsc_end - tsc_start);
}

/* Arms the next tick in TSC-deadline mode: one tick from now. */
static void arm_deadline(void)
{
    wrmsr(MSR_TSC_DEADLINE, rdtsc() + tsc_hz / TIMER_HZ);
}

/* Starts this CPU's tick: TSC-deadline mode where the CPU has it, else
 * periodic with the boot CPU's count. */
static void timer_start(void)
{
    if (deadline_mode) {
        lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER | LVT_TSC_DEADLINE);
        arm_deadline();
        return;
    }
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER | LVT_PERIODIC);
    lapic_write(LAPIC_TIMER_INIT, timer_count_per_tick);
}

void lapic_timer_rearm(void)
{
    if (deadline_mode)
        arm_deadline();
}

void lapic_init_boot(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(d & (1u << 9)))
        panic("this CPU has no local APIC; prune needs one");
    x2apic = c & (1u << 21);
    if (!x2apic)
        xapic_mmio = phys_to_virt(rdmsr(MSR_APIC_BASE) & ~0xffful);
    pic_disable();
    lapic_enable();
    deadline_mode = tsc_info()->deadline_timer;
    if (deadline_mode) {
        printk("apic: %s mode, timer in TSC-deadline mode, a tick every %lu TSC cycles\n",
               x2apic ? "x2APIC" : "xAPIC", tsc_hz / TIMER_HZ);
    } else {
        timer_count_per_tick = periodic_counts_per_tick();
        if (timer_count_per_tick == 0)
            panic("LAPIC timer calibration failed (the timer did not count)");
        printk("apic: %s mode, timer %u counts per %d ms tick (%s)\n",
               x2apic ? "x2APIC" : "xAPIC", timer_count_per_tick, 1000 / TIMER_HZ,
               tsc_info()->crystal_hz ? "crystal clock from CPUID" : "measured against the TSC");
    }
    timer_start();
}

void lapic_init_ap(void)
{
    lapic_enable();
    timer_start();
}

bool lapic_x2apic_mode(void)
{
    return x2apic;
}

uint32_t lapic_id(void)
{
    uint32_t id = lapic_read(LAPIC_ID);
    return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

/* Sends one interrupt command; waits until the LAPIC has sent it. */
static void lapic_send(uint32_t apic_id, uint32_t command)
{
    uint64_t flags = irq_save();
    if (x2apic) {
        wrmsr(X2APIC_MSR_BASE + (LAPIC_ICR_LOW >> 4), ((uint64_t)apic_id << 32) | command);
    } else {
        lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
        lapic_write(LAPIC_ICR_LOW, command);
        while (lapic_read(LAPIC_ICR_LOW) & ICR_PENDING)
            cpu_relax();
    }
    irq_restore(flags);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    lapic_send(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
    lapic_send(apic_id, ICR_NMI | ICR_ASSERT);
}

void lapic_send_nmi_all_but_self(void)
{
    lapic_send(0, ICR_NMI | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

void lapic_send_init(uint32_t apic_id)
{
    lapic_send(apic_id, ICR_INIT | ICR_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
    lapic_send(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}
