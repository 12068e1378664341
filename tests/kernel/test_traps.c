/* Exceptions caught through the fix-up table, interrupt registration,
 * symbol lookup and the backtrace walker (arch/x86_64/trap.c, extable.c,
 * backtrace.c, kernel/ksyms.c). */
#include <stdint.h>

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/trap.h"
#include "kernel/ksyms.h"
#include "lib/string.h"
#include "tests/kernel/ktest.h"

/* Unmapped kernel address (PML4 slot 510 has nothing under it). */
#define UNMAPPED 0xffffff0000000000ul
/* The "no exception" value of the vector register: not a vector. */
#define NO_TRAP 0xdeadul

KTEST(trap_ud2_is_fixed_up)
{
    uint64_t vector = NO_TRAP, error = NO_TRAP, resumed = 0;
    __asm__ volatile("1: ud2\n\t"
                     "jmp 3f\n"
                     "2: movq $1, %[resumed]\n"
                     "3:\n"
                     EXTABLE_ENTRY(1b, 2b)
                     : "+a"(vector), "+d"(error), [resumed] "+r"(resumed) : : "memory");
    KEXPECT(resumed == 1);
    KEXPECT(vector == T_UD);
    KEXPECT(error == 0);
}

KTEST(trap_page_fault_read_reports_cr2_and_error_code)
{
    uint64_t vector = NO_TRAP, error = NO_TRAP, value = 0;
    __asm__ volatile("1: movq (%[addr]), %[value]\n"
                     "2:\n"
                     EXTABLE_ENTRY(1b, 2b)
                     : "+a"(vector), "+d"(error), [value] "+r"(value)
                     : [addr] "r"(UNMAPPED) : "memory");
    uint64_t cr2 = read_cr2();
    KEXPECT(vector == T_PF);
    KEXPECT(cr2 == UNMAPPED);
    KEXPECT((error & (PF_P | PF_W | PF_U | PF_RSVD | PF_I)) == 0); /* not present, kernel read */
}

KTEST(trap_page_fault_write_sets_w_bit)
{
    uint64_t vector = NO_TRAP, error = NO_TRAP;
    __asm__ volatile("1: movq $0, 8(%[addr])\n"
                     "2:\n"
                     EXTABLE_ENTRY(1b, 2b)
                     : "+a"(vector), "+d"(error) : [addr] "r"(UNMAPPED) : "memory");
    uint64_t cr2 = read_cr2();
    KEXPECT(vector == T_PF);
    KEXPECT(cr2 == UNMAPPED + 8);
    KEXPECT((error & (PF_P | PF_W | PF_U | PF_I)) == PF_W);
}

KTEST(trap_int3_is_fixed_up)
{
    uint64_t vector = NO_TRAP, error = NO_TRAP, resumed = 0;
    __asm__ volatile("1: int3\n\t"
                     "jmp 3f\n"
                     "2: movq $1, %[resumed]\n"
                     "3:\n"
                     EXTABLE_ENTRY(1b, 2b)
                     : "+a"(vector), "+d"(error), [resumed] "+r"(resumed) : : "memory");
    KEXPECT(resumed == 1);
    KEXPECT(vector == T_BP);
}

static uint64_t seen_vector;
static uint64_t seen_rbx;

static void record_interrupt(struct trap_frame *tf)
{
    seen_vector = tf->vector;
    seen_rbx = tf->rbx;
}

KTEST(trap_registered_interrupt_handler_runs)
{
    seen_vector = 0;
    trap_register(0x41, record_interrupt);
    __asm__ volatile("int $0x41" : : "b"(0x1234567890ul) : "memory");
    trap_register(0x41, NULL);
    KEXPECT(seen_vector == 0x41);
    KEXPECT(seen_rbx == 0x1234567890ul); /* the frame holds the interrupted registers */
}

KTEST(ksyms_lookup_finds_function_start_and_inside)
{
    uint64_t offset = 99;
    const char *name = ksyms_lookup((uint64_t)trap_register, &offset);
    KASSERT(name != NULL);
    KEXPECT(strcmp(name, "trap_register") == 0);
    KEXPECT(offset == 0);
    name = ksyms_lookup((uint64_t)trap_register + 3, &offset);
    KASSERT(name != NULL);
    KEXPECT(strcmp(name, "trap_register") == 0);
    KEXPECT(offset == 3);
    KEXPECT(ksyms_lookup(UNMAPPED, &offset) == NULL);
}

KTEST(backtrace_starts_in_the_calling_function)
{
    uint64_t pcs[BACKTRACE_MAX_FRAMES], offset;
    int n = backtrace_here(pcs, BACKTRACE_MAX_FRAMES);
    KASSERT(n >= 3); /* this test, ktest_run, kmain */
    KEXPECT(n < BACKTRACE_MAX_FRAMES); /* the chain ends at entry.asm's rbp = 0 */
    const char *name = ksyms_lookup(pcs[0], &offset);
    KASSERT(name != NULL);
    KEXPECT(strcmp(name, "ktest_body_backtrace_starts_in_the_calling_function") == 0);
    KEXPECT(pcs[0] - offset == (uint64_t)ktest_body_backtrace_starts_in_the_calling_function);
    name = ksyms_lookup(pcs[1], &offset);
    KASSERT(name != NULL);
    KEXPECT(strcmp(name, "ktest_run") == 0);
}
