/* Symbol lookup; see kernel/ksyms.h. */
#include "kernel/ksyms.h"

#include <stddef.h>

#include "mm/layout.h"

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    if (ksyms_count == 0 || addr < ksyms_table[0].addr || addr >= (uint64_t)__text_end)
        return NULL;
    uint64_t lo = 0, hi = ksyms_count; /* find the last entry with .addr <= addr */
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_table[lo].addr;
    return ksyms_strings + ksyms_table[lo].name_offset;
}
