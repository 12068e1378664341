/* Placeholder until the memory manager lands. */
#include "mm/mm.h"

void mm_init(void)
{
}

uint64_t mm_total_bytes(void)
{
    return 0;
}

uint64_t mm_free_bytes(void)
{
    return 0;
}
