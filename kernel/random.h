/*
 * Random bytes for getrandom(2) and the kernel (e.g. AT_RANDOM).
 * RDRAND where the CPU has it (QEMU's -cpu max does); otherwise, or when
 * RDRAND keeps failing, a splitmix64 generator seeded from the TSC at first
 * use. That fallback is NOT cryptographic: its output is predictable by
 * anyone who can guess the boot timing. See docs/userspace.md.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>

/* Fills buf with n random bytes. Any context, no lock. */
void random_bytes(void *buf, size_t n);

#endif
