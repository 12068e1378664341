/* newc cpio reader; see fs/cpio.h. */
#include "fs/cpio.h"

#include "kernel/errno.h"
#include "lib/string.h"

/* The 13 hex fields after the 6-byte magic, in header order. */
enum {
    F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
    F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
    F_COUNT
};
_Static_assert(6 + 8 * F_COUNT == CPIO_HEADER_SIZE, "newc header layout");

#define TRAILER "TRAILER!!!"

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

/* Parses exactly 8 hex digits at 'p' into *out. Returns 0 or -EINVAL. */
static int parse_hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return -EINVAL;
        v = v << 4 | digit;
    }
    *out = v;
    return 0;
}

/*
 * Reads the entry at it->pos into *e and moves it->pos past it. Returns 1,
 * 0 for the trailer, or -EINVAL. Every offset below is checked against
 * 'left' (the bytes from the header to the archive's end) before use.
 */
static int read_entry(struct cpio_iter *it, struct cpio_entry *e)
{
    const uint8_t *h = it->base + it->pos;
    size_t left = it->len - it->pos;
    uint32_t f[F_COUNT];

    if (left < CPIO_HEADER_SIZE || memcmp(h, "070701", 6) != 0)
        return -EINVAL;
    for (int i = 0; i < F_COUNT; i++)
        if (parse_hex8(h + 6 + 8 * i, &f[i]) < 0)
            return -EINVAL;

    size_t namesize = f[F_NAMESIZE]; /* with the NUL */
    if (namesize < 2 || namesize > left - CPIO_HEADER_SIZE)
        return -EINVAL;
    const char *name = (const char *)h + CPIO_HEADER_SIZE;
    if (strnlen(name, namesize) != namesize - 1)
        return -EINVAL; /* no NUL, or one before the end */

    size_t data_off = align4(CPIO_HEADER_SIZE + namesize);
    size_t size = f[F_FILESIZE];
    if (data_off > left || size > left - data_off || align4(data_off + size) > left)
        return -EINVAL;

    it->pos += align4(data_off + size);
    if (namesize == sizeof(TRAILER) && memcmp(name, TRAILER, namesize) == 0)
        return 0;
    e->name = name;
    e->name_len = namesize - 1;
    e->mode = f[F_MODE];
    e->mtime = f[F_MTIME];
    e->data = h + data_off;
    e->size = size;
    return 1;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
    it->base = archive;
    it->len = len;
    it->pos = 0;
    it->status = 1;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
    if (it->status == 1)
        it->status = read_entry(it, e);
    return it->status;
}
