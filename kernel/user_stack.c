/*
 * user_stack_build(): the initial stack image (layout in user_stack.h).
 * The size of every part is known before anything is written: first the
 * strings' total, then the pointer block below them; then one pass writes
 * each string upwards from the lowest one and its pointer beside it.
 */
#include "kernel/user_stack.h"
#include "lib/string.h"
#include "mm/layout.h"

#define AUX_PAIRS 16 /* the pairs user_stack_build() writes, AT_NULL included */
#define RANDOM_BYTES 16

/* The buffer and the user addresses it stands for: buf[0] is 'base'. */
struct stack_image {
    uint8_t *buf;
    uint64_t base;
};

/* Copies n bytes to user address 'ua' of the image (inside it). */
static void put(const struct stack_image *im, uint64_t ua, const void *src, size_t n)
{
    memcpy(im->buf + (ua - im->base), src, n);
}

static void put64(const struct stack_image *im, uint64_t ua, uint64_t v)
{
    put(im, ua, &v, sizeof(v));
}

/* Counts the entries of the NULL-terminated vector v into *count and adds
 * their string sizes (with NULs) to *bytes; false once *bytes passes 'limit'.
 * Every string takes a byte at least, so *count stays below 'limit' too. */
static bool measure(const char *const *v, size_t limit, size_t *count, size_t *bytes)
{
    for (*count = 0; v[*count]; (*count)++) {
        *bytes += strlen(v[*count]) + 1;
        if (*bytes > limit)
            return false;
    }
    return true;
}

/* Writes the strings of v upwards from user address *str and their
 * addresses upwards from *ptr, then the NULL; advances both. */
static void put_vector(const struct stack_image *im, const char *const *v, uint64_t *str,
                       uint64_t *ptr)
{
    for (; *v; v++) {
        size_t n = strlen(*v) + 1;
        put(im, *str, *v, n);
        put64(im, *ptr, *str);
        *str += n;
        *ptr += sizeof(uint64_t);
    }
    put64(im, *ptr, 0);
    *ptr += sizeof(uint64_t);
}

int user_stack_build(void *buf, size_t size, uint64_t stack_top,
                     const struct user_stack_args *a, uint64_t *rsp)
{
    struct stack_image im = { .buf = buf, .base = stack_top - size };
    size_t argc, envc, strings = strlen(a->execfn) + 1;

    if (strings > size || !measure(a->argv, size, &argc, &strings) ||
        !measure(a->envp, size, &envc, &strings))
        return -E2BIG;
    size_t words = 1 + (argc + 1) + (envc + 1) + 2 * AUX_PAIRS;
    size_t below_strings = ALIGN_UP(RANDOM_BYTES + words * sizeof(uint64_t), 16);
    size_t total = ALIGN_UP(strings, 16) + below_strings;
    if (total > size)
        return -E2BIG;

    uint64_t sp = stack_top - total;
    uint64_t str = stack_top - strings;
    uint64_t random = str - RANDOM_BYTES;
    uint64_t execfn = stack_top - (strlen(a->execfn) + 1);
    uint64_t ptr = sp;
    const struct elf_info *elf = a->elf;
    const uint64_t aux[AUX_PAIRS][2] = {
        { AT_PHDR, elf->phdr },    { AT_PHENT, elf->phentsize }, { AT_PHNUM, elf->phnum },
        { AT_PAGESZ, PAGE_SIZE },  { AT_BASE, 0 },               { AT_ENTRY, elf->entry },
        { AT_UID, a->uid },        { AT_EUID, a->euid },         { AT_GID, a->gid },
        { AT_EGID, a->egid },      { AT_HWCAP, a->hwcap },       { AT_CLKTCK, USER_CLK_TCK },
        { AT_SECURE, 0 },          { AT_RANDOM, random },        { AT_EXECFN, execfn },
        { AT_NULL, 0 },
    };

    struct user_stack_strings where = {.arg_start = str};
    put64(&im, ptr, argc);
    ptr += sizeof(uint64_t);
    put_vector(&im, a->argv, &str, &ptr);
    where.arg_end = where.env_start = str;
    put_vector(&im, a->envp, &str, &ptr);
    where.env_end = str;
    if (a->strings)
        *a->strings = where;
    put(&im, ptr, aux, sizeof(aux));
    ptr += sizeof(aux);
    memset(im.buf + (ptr - im.base), 0, random - ptr);
    put(&im, random, a->random, RANDOM_BYTES);
    put(&im, execfn, a->execfn, strlen(a->execfn) + 1);
    *rsp = sp;
    return 0;
}
