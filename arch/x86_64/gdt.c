/* Per-CPU GDT, TSS and IST stacks; see arch/x86_64/gdt.h. */
#include "arch/x86_64/gdt.h"

#include "kernel/panic.h"
#include "kernel/percpu.h"

/* Segment descriptor bits (Intel SDM vol. 3, 3.4.5). In 64-bit mode the
 * base and limit of code and data segments are ignored; they are set flat. */
#define SEG_RW (1ull << 41)      /* code: readable; data: writable */
#define SEG_CODE (1ull << 43)    /* executable */
#define SEG_S (1ull << 44)       /* code or data (not a system segment) */
#define SEG_DPL(n) ((uint64_t)(n) << 45)
#define SEG_P (1ull << 47)       /* present */
#define SEG_L (1ull << 53)       /* 64-bit code */
#define SEG_DB (1ull << 54)      /* 32-bit data (must be 0 for 64-bit code) */
#define SEG_G (1ull << 55)       /* limit in 4 KiB units */
#define SEG_FLAT (0xffffull | (0xfull << 48)) /* limit 0xfffff */

#define SEG_CODE64(dpl) (SEG_P | SEG_S | SEG_CODE | SEG_RW | SEG_L | SEG_G | SEG_FLAT | SEG_DPL(dpl))
#define SEG_DATA(dpl) (SEG_P | SEG_S | SEG_RW | SEG_DB | SEG_G | SEG_FLAT | SEG_DPL(dpl))
#define SYS_TSS64 (0x9ull << 40) /* system segment type: available 64-bit TSS */

#define GDT_ENTRIES 7

/* The 64-bit TSS (Intel SDM vol. 3, figure 8-11). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];  /* stacks for interrupts from CPL 3 (rsp[0]) .. 1 */
    uint64_t reserved1;
    uint64_t ist[7];  /* ist[n - 1] is IST slot n */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base; /* = sizeof(struct tss): no I/O permission bitmap */
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Each CPU's tables; written by that CPU only (gdt_init_cpu, tss_set_rsp0). */
static struct cpu_tables {
    uint64_t gdt[GDT_ENTRIES];
    struct tss tss;
} cpu_tables[MAX_CPUS] __attribute__((aligned(64)));

static uint8_t ist_stacks[MAX_CPUS][IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));

/* Loads CS with 'cs' by a far return to the next instruction. */
static void load_cs(uint16_t cs)
{
    __asm__ volatile("pushq %q0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:"
                     : : "r"((uint64_t)cs) : "rax", "memory");
}

/* Loads DS, ES and SS with 'ds' (FS and GS keep their bases). */
static void load_data_segments(uint16_t ds)
{
    __asm__ volatile("mov %0, %%ds\n\t"
                     "mov %0, %%es\n\t"
                     "mov %0, %%ss" : : "r"(ds) : "memory");
}

/* Writes the 16-byte TSS descriptor for 'tss' into gdt[slot], gdt[slot + 1]. */
static void set_tss_descriptor(uint64_t *gdt, int slot, const struct tss *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
    gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) | SYS_TSS64 | SEG_P |
                (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[slot + 1] = base >> 32;
}

void gdt_init_cpu(int cpu)
{
    ASSERT(cpu >= 0 && cpu < MAX_CPUS);
    struct cpu_tables *t = &cpu_tables[cpu];

    t->gdt[0] = 0;
    t->gdt[KERNEL_CS >> 3] = SEG_CODE64(0);
    t->gdt[KERNEL_DS >> 3] = SEG_DATA(0);
    t->gdt[USER_DS >> 3] = SEG_DATA(3);
    t->gdt[USER_CS >> 3] = SEG_CODE64(3);
    set_tss_descriptor(t->gdt, TSS_SEL >> 3, &t->tss);

    t->tss = (struct tss){.iomap_base = sizeof(struct tss)};
    for (int slot = 1; slot <= IST_COUNT; slot++)
        t->tss.ist[slot - 1] = (uint64_t)&ist_stacks[cpu][slot - 1][IST_STACK_SIZE];

    struct gdt_ptr ptr = {sizeof(t->gdt) - 1, (uint64_t)t->gdt};
    __asm__ volatile("lgdt %0" : : "m"(ptr) : "memory");
    load_cs(KERNEL_CS);
    load_data_segments(KERNEL_DS);
    __asm__ volatile("ltr %0" : : "r"((uint16_t)TSS_SEL) : "memory");
}

void tss_set_rsp0(int cpu, uint64_t rsp0)
{
    ASSERT(cpu >= 0 && cpu < MAX_CPUS);
    cpu_tables[cpu].tss.rsp[0] = rsp0;
}

int ist_slot_of(uint64_t addr)
{
    uint64_t start = (uint64_t)ist_stacks, end = start + sizeof(ist_stacks);
    if (addr < start || addr >= end)
        return 0;
    return (addr - start) / IST_STACK_SIZE % IST_COUNT + 1;
}
