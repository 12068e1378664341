/* The IDT: one table shared by every CPU; see arch/x86_64/trap.h. */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/trap.h"

/* A 64-bit interrupt gate (Intel SDM vol. 3, figure 6-8). */
struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;        /* bits 0..2: IST slot, 0 = stay on the current stack */
    uint8_t type_attr;  /* present, DPL, type */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

#define GATE_P 0x80
#define GATE_DPL(n) ((n) << 5)
#define GATE_INTERRUPT 0xe /* clears IF on entry (a trap gate, 0xf, would not) */

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Written once by idt_init() on the boot CPU, read-only afterwards. */
static struct idt_gate idt[T_VECTORS] __attribute__((aligned(16)));

/* isr.asm: the entry stub of each vector. */
extern const uint64_t isr_stub_table[T_VECTORS];

/* Points idt[vector] at its isr.asm stub, on IST slot 'ist' (0: none),
 * callable with "int" from privilege level 'dpl' and below. */
static void set_gate(int vector, int ist, int dpl)
{
    uint64_t addr = isr_stub_table[vector];
    idt[vector] = (struct idt_gate){
        .offset_low = addr & 0xffff,
        .selector = KERNEL_CS,
        .ist = ist,
        .type_attr = GATE_P | GATE_DPL(dpl) | GATE_INTERRUPT,
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_high = addr >> 32,
    };
}

void idt_init(void)
{
    for (int v = 0; v < T_VECTORS; v++)
        set_gate(v, 0, 0);
    set_gate(T_DF, IST_DF, 0);   /* the current stack may be what failed */
    set_gate(T_NMI, IST_NMI, 0); /* can arrive anywhere, even on a bad stack */
    set_gate(T_MC, IST_MC, 0);
    set_gate(T_BP, 0, 3);        /* user int3 becomes a #BP, not a #GP */
}

void idt_load(void)
{
    struct idt_ptr ptr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}
