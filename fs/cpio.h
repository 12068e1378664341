/*
 * Reader of "newc" cpio archives (the format of the initrd; docs/initrd.md).
 * Pure: no globals, no allocation; entries point into the archive itself.
 *
 * An entry is a 110-byte header of ASCII text ("070701" then 13 fields of
 * 8 hex digits), the name with its NUL, zero padding to a multiple of 4
 * (counted from the archive's start), the data, and padding to 4 again.
 * The entry named "TRAILER!!!" ends the archive. The reader checks every
 * length against the archive's size before touching a byte, so a truncated
 * or corrupt archive gives an error, never a read past its end.
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110

struct cpio_entry {
    const char *name;  /* NUL-terminated, inside the archive; not empty */
    size_t name_len;   /* without the NUL */
    uint32_t mode;     /* st_mode: file type and permission bits */
    uint32_t mtime;    /* seconds since 1970 */
    const void *data;  /* 'size' bytes inside the archive */
    size_t size;
};

/* A position in an archive; the caller owns it (cpio_iter_init). */
struct cpio_iter {
    const uint8_t *base;
    size_t len;
    size_t pos;    /* offset of the next header; a multiple of 4 */
    int status;    /* 1 while entries remain, 0 after the trailer, or -EINVAL */
};

/* Starts reading the 'len' bytes at 'archive'. */
void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);

/*
 * Reads the next entry into *e. Returns 1, or 0 once the trailer is reached,
 * or -EINVAL if the archive is truncated or corrupt (bad magic, a field that
 * is not 8 hex digits, a name without its NUL, data past the end, no
 * trailer). 0 and -EINVAL are final: later calls return them again.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

#endif
