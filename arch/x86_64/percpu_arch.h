/*
 * The x86 side of per-CPU data (kernel/percpu.h): each CPU's GS base points
 * at its struct cpu, so a field of this CPU's struct is one %gs-relative
 * instruction away. One instruction cannot be split by an interrupt or a
 * migration, which is what preemption counting relies on. 'offset' is a
 * compile-time constant (offsetof(struct cpu, field)).
 */
#ifndef ARCH_X86_64_PERCPU_ARCH_H
#define ARCH_X86_64_PERCPU_ARCH_H

/* The pointer-sized field at 'offset' of this CPU's struct cpu. */
#define arch_percpu_read_ptr(offset)                                            \
    ({                                                                          \
        void *value_;                                                           \
        __asm__ volatile("mov %%gs:%c1, %0" : "=r"(value_) : "i"(offset));      \
        value_;                                                                 \
    })

/* The int field at 'offset' of this CPU's struct cpu, read in one
 * instruction: a migration cannot come between finding this CPU and
 * reading its field. */
#define arch_percpu_read_int(offset)                                            \
    ({                                                                          \
        int value_;                                                             \
        __asm__ volatile("movl %%gs:%c1, %0" : "=r"(value_) : "i"(offset));     \
        value_;                                                                 \
    })

/* Adds 1 to, or subtracts 1 from, the int field at 'offset' of this CPU's
 * struct cpu, in one instruction. */
#define arch_percpu_inc_int(offset) \
    __asm__ volatile("incl %%gs:%c0" : : "i"(offset) : "memory")
#define arch_percpu_dec_int(offset) \
    __asm__ volatile("decl %%gs:%c0" : : "i"(offset) : "memory")

#endif
