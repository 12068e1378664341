/* Small wrappers for single x86_64 instructions and control registers. */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define RFLAGS_IF (1ul << 9)

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b,
                         uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define MSR_EFER 0xc0000080u /* extended features: long mode, NX, syscall */

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

#define DEFINE_CR_ACCESSORS(n)                                            \
    static inline uint64_t read_cr##n(void)                               \
    {                                                                     \
        uint64_t value;                                                   \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(value));             \
        return value;                                                     \
    }                                                                     \
    static inline void write_cr##n(uint64_t value)                        \
    {                                                                     \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(value) : "memory");    \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags;
}

static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline bool irqs_enabled(void) { return read_rflags() & RFLAGS_IF; }

/* Disable interrupts and return the previous RFLAGS, for irq_restore(). */
static inline uint64_t irq_save(void)
{
    uint64_t flags = read_rflags();
    irq_disable();
    return flags;
}

static inline void irq_restore(uint64_t flags)
{
    if (flags & RFLAGS_IF)
        irq_enable();
}

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }

/* Enables interrupts and halts until the next one, with no window between
 * the two in which a wake-up interrupt could be taken and then missed by
 * the halt: sti takes effect only after the instruction that follows it.
 * The idle loop's way to sleep. */
static inline void irq_enable_and_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

/* One 64-bit random number from the CPU's generator (RDRAND) into *out;
 * false if the generator had none ready this time (retry). Only where
 * CPUID says RDRAND exists. */
static inline bool rdrand64(uint64_t *out)
{
    bool ok;
    __asm__ volatile("rdrand %0" : "=r"(*out), "=@ccc"(ok));
    return ok;
}

static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Stop this CPU for good. */
__attribute__((noreturn)) static inline void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
