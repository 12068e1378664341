/*
 * Writes newc cpio archives in memory, for the host tests of fs/cpio.c
 * and fs/ramfs.c: entries with any name, mode and data, so that tests
 * can make archives GNU cpio would not (corrupt ones, duplicates, links).
 */
#ifndef TESTS_HOST_NEWC_H
#define TESTS_HOST_NEWC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct newc {
    uint8_t *buf;
    size_t len, cap;
};

/* Appends n bytes (zeros if p is NULL). */
static void newc_bytes(struct newc *a, const void *p, size_t n)
{
    if (a->len + n > a->cap) {
        a->cap = (a->len + n) * 2 + 64;
        a->buf = realloc(a->buf, a->cap);
    }
    if (p)
        memcpy(a->buf + a->len, p, n);
    else
        memset(a->buf + a->len, 0, n);
    a->len += n;
}

/* Appends one entry, padded as the format requires; returns its offset. */
static size_t newc_add(struct newc *a, const char *name, uint32_t mode, const void *data,
                       size_t size)
{
    size_t at = a->len;
    char h[128];
    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             (unsigned)at, mode, 0u, 0u, 1u, 1700000000u, (unsigned)size, 0u, 0u, 0u, 0u,
             (unsigned)strlen(name) + 1, 0u);
    newc_bytes(a, h, 110);
    newc_bytes(a, name, strlen(name) + 1);
    newc_bytes(a, NULL, (4 - a->len % 4) % 4);
    newc_bytes(a, data, size);
    newc_bytes(a, NULL, (4 - a->len % 4) % 4);
    return at;
}

/* Appends the "TRAILER!!!" entry; returns its offset. */
static size_t newc_trailer(struct newc *a)
{
    return newc_add(a, "TRAILER!!!", 0, NULL, 0);
}

static void newc_free(struct newc *a)
{
    free(a->buf);
    *a = (struct newc){0};
}

#endif
