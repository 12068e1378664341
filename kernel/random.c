/* Random bytes; see kernel/random.h. */
#include "kernel/random.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "lib/string.h"

/* Intel recommends 10 retries: failing that many times means a broken unit. */
#define RDRAND_RETRIES 10
#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ull

/* splitmix64 state; atomic: each caller takes its own step with one
 * fetch-add. 0 until seeded. */
static uint64_t fallback_state;

/* A number from the CPU's generator, retried; false if it never gave one. */
static bool rdrand64_retried(uint64_t *out)
{
    for (int i = 0; i < RDRAND_RETRIES; i++)
        if (rdrand64(out))
            return true;
    return false;
}

/* One splitmix64 output; seeds the state from the TSC the first time. */
static uint64_t fallback64(void)
{
    uint64_t unseeded = 0;
    __atomic_compare_exchange_n(&fallback_state, &unseeded, rdtsc() | 1, false, __ATOMIC_RELAXED,
                                __ATOMIC_RELAXED);
    uint64_t z = __atomic_add_fetch(&fallback_state, SPLITMIX_GAMMA, __ATOMIC_RELAXED);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        uint64_t word;
        if (!cpu_has_rdrand || !rdrand64_retried(&word))
            word = fallback64();
        size_t chunk = n < sizeof(word) ? n : sizeof(word);
        memcpy(p, &word, chunk);
        p += chunk;
        n -= chunk;
    }
}
