/* Memory management bring-up (mm/). */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdint.h>

/* Frame allocator, direct map of all RAM, W^X kernel mapping, kmalloc. */
void mm_init(void);
/* Usable RAM found in the memory map, and what is free now, in bytes. */
uint64_t mm_total_bytes(void);
uint64_t mm_free_bytes(void);

#endif
