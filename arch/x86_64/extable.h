/*
 * The exception fix-up table: "if the instruction at A faults, go on at B".
 *
 * Code that may fault on purpose (copy_from_user, the trap tests) emits an
 * entry next to the instruction with EXTABLE_ENTRY from inline asm:
 *
 *     __asm__ volatile("1: movq (%[p]), %[v]\n"
 *                      "2:\n"
 *                      EXTABLE_ENTRY(1b, 2b)
 *                      : [v] "+r"(v), "+a"(vector), "+d"(error) : [p] "r"(p));
 *
 * On an exception in kernel mode, trap_dispatch() looks the faulting RIP up
 * here before panicking. With an entry, it resumes at the fix-up with
 *   %rax = the vector (e.g. T_PF) and %rdx = the error code (0 if none);
 * every other register is as it was at the fault. So the asm must list rax
 * and rdx as outputs (or clobbers). For #BP, which the CPU reports at the
 * next instruction, the entry names the one-byte int3 itself.
 *
 * Entries live in the .extable section (linker.ld: __extable_start ..
 * __extable_end), unsorted; each field is the distance from the field itself
 * to its label, so an entry is 8 bytes and needs no relocation at run time.
 * NMI, #DF and #MC are never fixed up: they do not belong to an instruction;
 * nor is a vector raised by an interrupt (TRAP_NO_ERROR_CODE, trap.h).
 */
#ifndef ARCH_X86_64_EXTABLE_H
#define ARCH_X86_64_EXTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"

struct extable_entry {
    int32_t fault; /* &fault + fault = the instruction that may fault */
    int32_t fixup; /* &fixup + fixup = where to resume */
};
_Static_assert(sizeof(struct extable_entry) == 8, "EXTABLE_ENTRY emits 8 bytes");

/* For inline asm: an entry from label 'fault' to label 'fixup' (e.g. 1b, 2f). */
#define EXTABLE_ENTRY(fault, fixup)          \
    ".pushsection .extable, \"a\"\n\t"       \
    ".balign 8\n\t"                          \
    ".long (" #fault ") - .\n\t"             \
    ".long (" #fixup ") - .\n\t"             \
    ".popsection\n"

/* The fix-up address for a fault at 'rip', or 0 if there is none. */
uint64_t extable_search(uint64_t rip);

/* If tf's exception (kernel mode) has an entry, points tf at the fix-up,
 * sets tf->rax and tf->rdx as above and returns true; else false. */
bool extable_fixup(struct trap_frame *tf);

#endif
