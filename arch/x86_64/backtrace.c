/* Register dump and frame-pointer backtrace; see arch/x86_64/backtrace.h. */
#include "arch/x86_64/backtrace.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "mm/layout.h"

/* Reads the word at 'addr' into *value; false (and no panic) if it faults. */
static bool read_word(uint64_t addr, uint64_t *value)
{
    uint64_t vector = T_VECTORS, error = 0, v = 0;
    __asm__ volatile("1: movq (%[addr]), %[v]\n"
                     "2:\n"
                     EXTABLE_ENTRY(1b, 2b)
                     : [v] "+r"(v), "+a"(vector), "+d"(error)
                     : [addr] "r"(addr)
                     : "memory");
    *value = v;
    return vector == T_VECTORS;
}

/* Whether 'rbp' may be a kernel frame pointer worth reading. */
static bool frame_pointer_ok(uint64_t rbp)
{
    return rbp != 0 && rbp % 8 == 0 && rbp >= DIRECT_MAP_BASE;
}

int backtrace_walk(uint64_t rbp, uint64_t *pcs, int max)
{
    int n = 0;
    while (n < max && frame_pointer_ok(rbp)) {
        uint64_t next, ret;
        if (!read_word(rbp, &next) || !read_word(rbp + 8, &ret) || ret == 0)
            break;
        pcs[n++] = ret;
        rbp = next;
    }
    return n;
}

__attribute__((noinline)) int backtrace_here(uint64_t *pcs, int max)
{
    int n = backtrace_walk((uint64_t)__builtin_frame_address(0), pcs, max);
    __asm__ volatile("" ::: "memory"); /* no tail call: our frame must stay */
    return n;
}

/* Prints "0x... name+0xoff". A return address is looked up one byte back:
 * a call to a noreturn function may be the last instruction of its caller,
 * and its return address the first byte of the next function. */
static void print_address(uint64_t addr, bool is_return_address)
{
    uint64_t back = is_return_address ? 1 : 0, offset;
    const char *name = ksyms_lookup(addr - back, &offset);
    if (name)
        printk("0x%016lx %s+0x%lx\n", addr, name, offset + back);
    else
        printk("0x%016lx ?\n", addr);
}

void backtrace_print(const struct trap_frame *tf)
{
    uint64_t pcs[BACKTRACE_MAX_FRAMES - 1];
    int n = backtrace_walk(tf->rbp, pcs, BACKTRACE_MAX_FRAMES - 1);
    printk("Backtrace:\n  #0  ");
    print_address(tf->rip, tf->vector == T_NONE);
    for (int i = 0; i < n; i++) {
        printk("  #%-2d ", i + 1);
        print_address(pcs[i], true);
    }
}

void trap_frame_print(const struct trap_frame *tf)
{
    printk("RIP: ");
    print_address(tf->rip, tf->vector == T_NONE);
    printk("RSP: 0x%016lx  RFLAGS: 0x%016lx  CS: 0x%lx  SS: 0x%lx\n",
           tf->rsp, tf->rflags, tf->cs, tf->ss);
    printk("RAX: 0x%016lx  RBX: 0x%016lx  RCX: 0x%016lx\n", tf->rax, tf->rbx, tf->rcx);
    printk("RDX: 0x%016lx  RSI: 0x%016lx  RDI: 0x%016lx\n", tf->rdx, tf->rsi, tf->rdi);
    printk("RBP: 0x%016lx  R8:  0x%016lx  R9:  0x%016lx\n", tf->rbp, tf->r8, tf->r9);
    printk("R10: 0x%016lx  R11: 0x%016lx  R12: 0x%016lx\n", tf->r10, tf->r11, tf->r12);
    printk("R13: 0x%016lx  R14: 0x%016lx  R15: 0x%016lx\n", tf->r13, tf->r14, tf->r15);
    printk("CR0: 0x%016lx  CR2: 0x%016lx  CR3: 0x%016lx  CR4: 0x%016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
}
