/*
 * The kernel's own symbol table, for backtraces. tools/gensyms.sh builds it
 * from the first link pass (nm) and the second link pass embeds it in the
 * .ksyms section (see the Makefile and linker.ld).
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

struct ksym {
    uint64_t addr;
    uint64_t name_offset; /* into ksyms_strings */
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[]; /* sorted by address */
extern const char ksyms_strings[];

/* The name of the function containing 'addr', and addr's offset in it;
 * NULL if no symbol covers it. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

#endif
