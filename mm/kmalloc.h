/*
 * Kernel heap. Sizes up to KMALLOC_MAX_SMALL come from slabs: 4 KiB pages
 * cut into objects of one power-of-two size class (16, 32, .. 2048 bytes).
 * Larger sizes take whole frames (frame_alloc, order recorded in the head
 * page's descriptor). Every object is aligned to its class size, larger
 * ones to 4 KiB. Callable with interrupts on or off; never sleeps.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>
#include <stdint.h>

#define KMALLOC_MIN_SIZE 16
#define KMALLOC_MAX_SMALL 2048

/* Returns 'size' bytes, or NULL if memory is exhausted or size is 0. */
void *kmalloc(size_t size);

/* Like kmalloc(), with the bytes zeroed. */
void *kzalloc(size_t size);

/* Frees what kmalloc()/kzalloc() returned; kfree(NULL) does nothing. */
void kfree(void *ptr);

/* Objects handed out and not yet freed (for leak checks). */
uint64_t kmalloc_in_use(void);

#endif
