/*
 * Host tests of the newc reader (fs/cpio.c): an archive made by GNU cpio
 * at test time, archives cut at every length, and corrupt headers. Each
 * archive under test sits in a malloc'd buffer of exactly its length, so
 * ASan reports any read past its end.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/host/host_test.h"
#include "tests/host/newc.h"
#include "fs/cpio.c"

#define FIELD_OFFSET(i) (6 + 8 * (i))

/* Copies [p, p+len) to a buffer of exactly 'len' bytes (free it). */
static uint8_t *exact_copy(const void *p, size_t len)
{
    uint8_t *b = malloc(len ? len : 1);
    memcpy(b, p, len);
    return b;
}

/* Reads every entry of the first 'len' bytes of 'archive' from an exact
 * copy. Returns the final status (0 or -EINVAL); *count gets the entries
 * and *end (if not NULL) the offset just past the trailer. */
static int walk_prefix(const void *archive, size_t len, int *count, size_t *end)
{
    uint8_t *b = exact_copy(archive, len);
    struct cpio_iter it;
    struct cpio_entry e;
    int r;
    *count = 0;
    cpio_iter_init(&it, b, len);
    while ((r = cpio_next(&it, &e)) > 0)
        (*count)++;
    if (end)
        *end = it.pos;
    free(b);
    return r;
}

/* Makes a directory tree in a fresh temporary directory, packs it with
 * "cpio -o -H newc" and returns the archive (malloc'd), its size in *len. */
static uint8_t *gnu_cpio_archive(size_t *len)
{
    char dir[] = "/tmp/prune-cpio-XXXXXX";
    if (!mkdtemp(dir))
        return NULL;
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir tree && cd tree && printf hello > a && : > empty && "
             "mkdir dir && printf abcd > dir/x123 && chmod 751 dir/x123 && "
             "ln -s a link && find . | LC_ALL=C sort | "
             "cpio --quiet -o -H newc > ../out.cpio",
             dir);
    if (system(cmd) != 0)
        return NULL;
    snprintf(cmd, sizeof(cmd), "%s/out.cpio", dir);
    FILE *f = fopen(cmd, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        return NULL;
    return buf;
}

struct expected {
    const char *name;
    uint32_t mode;
    const char *data;
};

HOST_TEST(gnu_cpio_archive_entries)
{
    static const struct expected want[] = {
        {".", 0040000, ""},          {"a", 0100000, "hello"},
        {"dir", 0040000, ""},        {"dir/x123", 0100751, "abcd"},
        {"empty", 0100000, ""},      {"link", 0120000, "a"},
    };
    size_t len;
    uint8_t *raw = gnu_cpio_archive(&len);
    CHECK(raw != NULL);
    if (!raw)
        return;
    uint8_t *b = exact_copy(raw, len);
    struct cpio_iter it;
    struct cpio_entry e;
    cpio_iter_init(&it, b, len);
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK(cpio_next(&it, &e) == 1);
        CHECK(strcmp(e.name, want[i].name) == 0);
        CHECK(e.name_len == strlen(want[i].name));
        CHECK((e.mode & 0170000) == (want[i].mode & 0170000));
        if (want[i].mode & 0777)
            CHECK((e.mode & 0777) == (want[i].mode & 0777));
        if ((want[i].mode & 0170000) != 0040000) {
            CHECK(e.size == strlen(want[i].data));
            CHECK(memcmp(e.data, want[i].data, e.size) == 0);
        }
        CHECK((uint8_t *)e.data >= b && (uint8_t *)e.data + e.size <= b + len);
        CHECK(e.mtime > 1600000000u);
    }
    CHECK(cpio_next(&it, &e) == 0);
    CHECK(cpio_next(&it, &e) == 0);
    free(b);
    free(raw);
}

/* Every prefix shorter than the end of the trailer entry is an error; every
 * longer one (GNU cpio pads to 512 bytes) reads the same entries. */
static void check_every_length(const uint8_t *archive, size_t len)
{
    int full_count;
    size_t end;
    CHECK(walk_prefix(archive, len, &full_count, &end) == 0);
    CHECK(end <= len && end % 4 == 0);
    size_t wrong = 0;
    for (size_t n = 0; n < len; n++) {
        int count;
        int r = walk_prefix(archive, n, &count, NULL);
        if (n < end)
            wrong += r != -EINVAL || count > full_count;
        else
            wrong += r != 0 || count != full_count;
    }
    CHECK(wrong == 0);
}

HOST_TEST(truncated_at_every_length)
{
    size_t len;
    uint8_t *raw = gnu_cpio_archive(&len);
    CHECK(raw != NULL && len % 512 == 0);
    if (raw)
        check_every_length(raw, len);
    free(raw);

    struct newc a = {0};
    newc_add(&a, "f", 0100644, "123456789", 9);
    newc_add(&a, "longer/name/x", 0100644, "", 0);
    newc_trailer(&a);
    check_every_length(a.buf, a.len);
    newc_free(&a);
}

/* Each name and data length lands on its own padding. */
HOST_TEST(padding_of_names_and_data)
{
    static const char name[] = "abcdefgh";
    static const char data[] = "0123456";
    struct newc a = {0};
    for (int n = 1; n <= 8; n++)
        for (int s = 0; s <= 7; s++) {
            char nm[9];
            memcpy(nm, name, n);
            nm[n] = '\0';
            newc_add(&a, nm, 0100644, data, s);
        }
    newc_trailer(&a);
    uint8_t *b = exact_copy(a.buf, a.len);
    struct cpio_iter it;
    struct cpio_entry e;
    cpio_iter_init(&it, b, a.len);
    for (int n = 1; n <= 8; n++)
        for (int s = 0; s <= 7; s++) {
            CHECK(cpio_next(&it, &e) == 1);
            CHECK(e.name_len == (size_t)n && memcmp(e.name, name, n) == 0);
            CHECK(e.size == (size_t)s && memcmp(e.data, data, s) == 0);
            CHECK(((const uint8_t *)e.data - b) % 4 == 0);
        }
    CHECK(cpio_next(&it, &e) == 0);
    CHECK(it.pos == a.len);
    free(b);
    newc_free(&a);
}

/* Returns the status of the first entry of archive 'a' (read from an
 * exact copy). */
static int first_status(const struct newc *a)
{
    uint8_t *b = exact_copy(a->buf, a->len);
    struct cpio_iter it;
    struct cpio_entry e;
    cpio_iter_init(&it, b, a->len);
    int r = cpio_next(&it, &e);
    free(b);
    return r;
}

/* A fresh archive: one file "name" of 5 bytes, then the trailer. */
static struct newc one_file(void)
{
    struct newc a = {0};
    newc_add(&a, "name", 0100644, "12345", 5);
    newc_trailer(&a);
    return a;
}

static void set_field(struct newc *a, int field, const char *hex8)
{
    memcpy(a->buf + FIELD_OFFSET(field), hex8, 8);
}

HOST_TEST(bad_magic)
{
    static const char *bad[] = {"070702", "070707", "070700", "170701", "\0\0\0\0\0\0"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct newc a = one_file();
        memcpy(a.buf, bad[i], 6);
        CHECK(first_status(&a) == -EINVAL);
        newc_free(&a);
    }
    struct newc a = one_file();
    CHECK(first_status(&a) == 1);
    newc_free(&a);
}

HOST_TEST(bad_hex_fields)
{
    static const char *bad[] = {"0000000g", "-0000001", " 0000001", "0000001 ", "0x000001"};
    for (int field = 0; field < F_COUNT; field++)
        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            struct newc a = one_file();
            set_field(&a, field, bad[i]);
            CHECK(first_status(&a) == -EINVAL);
            newc_free(&a);
        }
    struct newc a = one_file();
    set_field(&a, F_MODE, "000081a4"); /* lower case is hex too */
    CHECK(first_status(&a) == 1);
    newc_free(&a);
}

HOST_TEST(names_must_end_with_their_nul)
{
    struct newc a = one_file();
    a.buf[CPIO_HEADER_SIZE + 4] = 'x'; /* the NUL of "name" */
    CHECK(first_status(&a) == -EINVAL);
    newc_free(&a);

    /* The name's last byte is the archive's last: no NUL to stop a strlen(). */
    a = one_file();
    a.buf[CPIO_HEADER_SIZE + 4] = 'x';
    a.len = CPIO_HEADER_SIZE + 5;
    CHECK(first_status(&a) == -EINVAL);
    newc_free(&a);

    a = one_file();
    a.buf[CPIO_HEADER_SIZE + 1] = '\0'; /* "n\0me\0" */
    CHECK(first_status(&a) == -EINVAL);
    newc_free(&a);

    static const char *sizes[] = {"00000000", "00000001", "00000004", "00000006",
                                  "FFFFFFFF", "00001000"};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        a = one_file();
        set_field(&a, F_NAMESIZE, sizes[i]);
        CHECK(first_status(&a) == -EINVAL);
        newc_free(&a);
    }
}

HOST_TEST(data_past_the_end)
{
    static const char *sizes[] = {"FFFFFFFF", "80000000", "00001000"};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct newc a = one_file();
        set_field(&a, F_FILESIZE, sizes[i]);
        CHECK(first_status(&a) == -EINVAL);
        newc_free(&a);
    }
}

HOST_TEST(missing_trailer)
{
    struct newc a = {0};
    newc_add(&a, "a", 0100644, "x", 1);
    newc_add(&a, "b", 0100644, "yy", 2);
    int count;
    CHECK(walk_prefix(a.buf, a.len, &count, NULL) == -EINVAL);
    CHECK(count == 2);
    CHECK(walk_prefix(a.buf, 0, &count, NULL) == -EINVAL);
    newc_free(&a);
}

HOST_TEST(errors_and_end_are_final)
{
    struct newc a = {0};
    newc_add(&a, "a", 0100644, "x", 1);
    newc_bytes(&a, "garbage!", 8);
    newc_add(&a, "b", 0100644, "x", 1);
    newc_trailer(&a);
    struct cpio_iter it;
    struct cpio_entry e;
    cpio_iter_init(&it, a.buf, a.len);
    CHECK(cpio_next(&it, &e) == 1);
    CHECK(cpio_next(&it, &e) == -EINVAL);
    CHECK(cpio_next(&it, &e) == -EINVAL);
    newc_free(&a);

    a = (struct newc){0};
    newc_trailer(&a);
    newc_add(&a, "after", 0100644, "x", 1);
    cpio_iter_init(&it, a.buf, a.len);
    CHECK(cpio_next(&it, &e) == 0);
    CHECK(cpio_next(&it, &e) == 0);
    newc_free(&a);
}

HOST_TEST_MAIN()
