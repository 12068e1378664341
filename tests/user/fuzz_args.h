/*
 * The fuzzer's random arguments (tests/user/test_fuzz.c): its generator,
 * the numbers it likes, and the memory its pointers point to: two
 * read-write pages then a PROT_NONE page, a read-only page, and each
 * child's arena, where the memory calls of one thread meet the user copies
 * of the others.
 */
#ifndef TESTS_USER_FUZZ_ARGS_H
#define TESTS_USER_FUZZ_ARGS_H

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#define PG 4096ul

/* One fuzzing thread: its random sequence and its slot in progress. */
struct fuzzer {
    uint64_t rng;
    int slot;
};

/* The memory the pointers point to (see above). */
#define ARENA ((char *)0x10000000)
#define ARENA_PAGES 32
static char *rw_pages, *none_page, *ro_page;
static char rw_template[2 * PG];

/* splitmix64 */
static uint64_t rng_next(struct fuzzer *f)
{
    uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_below(struct fuzzer *f, uint64_t n)
{
    return rng_next(f) % n;
}

/* A short timespec (1 ms) and a bad one (tv_nsec too large), for sleeps;
 * a short timeval (1 ms), for select. */
static const struct timespec short_sleep = { 0, 1000 * 1000 };
static const struct timespec bad_nsec = { 0, 1000 * 1000 * 1000 };
static const struct timeval short_tv = { 0, 1000 };

/* An address somewhere interesting. */
static long random_pointer(struct fuzzer *f)
{
    static const unsigned long fixed[] = {
        0, 1, 0x1000, 0x10000,
        0xffff800000000000ul, 0xffff800000001000ul, 0xffff888000000000ul,
        0xffffffff80000000ul, 0xffffffff80100000ul, 0xfffffffffffff000ul,
        0x0000800000000000ul, 0x0000800000001000ul, 0x8000000000000000ul,
        0xdead000000000000ul, 0x00007ffffffff000ul, 0x00007fffffffeffful,
        0x00007fffffffffff,
    };
    switch (rng_below(f, 10)) {
    case 0:
    case 1:
        return (long)fixed[rng_below(f, sizeof(fixed) / sizeof(fixed[0]))];
    case 8:
    case 9: /* a page of the arena, or a little inside one */
        return (long)(ARENA + rng_below(f, ARENA_PAGES) * PG + (rng_below(f, 4) ? 0 : rng_below(f, PG)));
    case 2: /* page-aligned, or inside, of the read-write pages */
        return (long)(rw_pages + rng_below(f, 8) * 256);
    case 3: /* unaligned */
        return (long)(rw_pages + 1 + rng_below(f, 2 * PG - 1));
    case 4: /* running off the end into the PROT_NONE page */
        return (long)(none_page - 1 - rng_below(f, 16));
    case 5:
        return (long)(rng_below(f, 2) ? none_page : ro_page + rng_below(f, PG));
    case 6: /* code, stack */
        return rng_below(f, 2) ? (long)&random_pointer : (long)__builtin_frame_address(0);
    default:
        return (long)rng_next(f);
    }
}

/* An argument: a number or an address. */
static long random_argument(struct fuzzer *f)
{
    static const long fixed[] = {
        0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 4095, 4096, 4097, 65536,
        0x7fffffff, 0x80000000l, 0xffffffffl, 0x100000000l,
        -1, -2, -4095, -4096, INT64_MIN, INT64_MAX, 1l << 40, 1l << 47,
    };
    switch (rng_below(f, 7)) {
    case 0:
    case 1:
        return fixed[rng_below(f, sizeof(fixed) / sizeof(fixed[0]))];
    case 6: /* a length in pages */
        return (long)((1 + rng_below(f, ARENA_PAGES / 2)) * PG);
    case 2:
        return (long)rng_below(f, 1024);
    case 3:
        return (long)rng_next(f);
    default:
        return random_pointer(f);
    }
}

/* A time-out pointer that cannot mean "for ever" or "for long". */
static long short_timeout(struct fuzzer *f)
{
    switch (rng_below(f, 6)) {
    case 0:
        return (long)&bad_nsec;
    case 1:
        return (long)0xffff800000000000ul;
    case 2:
        return (long)none_page;
    default:
        return (long)&short_sleep;
    }
}

/* Fills the template of the read-write pages: paths (/proc files, a
 * directory of links, /bin), a short timespec, an iovec array, small
 * numbers. */
static void make_template(void)
{
    for (size_t i = 0; i < sizeof(rw_template); i++)
        rw_template[i] = (char)(i * 7);
    strcpy(rw_template, "/proc/self/status");
    strcpy(rw_template + 256, "/bin");
    strcpy(rw_template + 1280, "/proc/self/fd");
    strcpy(rw_template + 1792, "/proc/1/stat");
    memcpy(rw_template + 512, &short_sleep, sizeof(short_sleep));
    struct { void *base; size_t len; } iov[3] = {
        { rw_pages + 1024, 64 },
        { (void *)0xffff800000000000ul, 64 },
        { none_page - 8, 64 },
    };
    memcpy(rw_template + 768, iov, sizeof(iov));
    memset(rw_template + 1536, 0, 512);
}

/* Names in a child's sandbox directory (tests/user/test_fuzz.c), for the
 * calls that make, change or remove names. */
static const char *const sandbox_names[] = {"a", "b", "d", "d/c", "a/", "l", ".", "..", ""};
static const char *const link_targets[] = {"a", "d", "d/c", "nowhere", "l"};
static const char *const chdir_names[] = {"d", ".", "l"};

#define PICK(f, names) ((long)(names)[rng_below((f), sizeof(names) / sizeof((names)[0]))])

/* The sandbox's rules for the file calls: a[] gets safe names and dirfds. */
static void sandbox_file_call(struct fuzzer *f, long nr, long *a)
{
    switch (nr) {
    case SYS_open:
        if (a[1] & (O_CREAT | O_TRUNC | O_TMPFILE))
            a[0] = PICK(f, sandbox_names);
        break;
    case SYS_openat:
        if (a[2] & (O_CREAT | O_TRUNC | O_TMPFILE)) {
            a[0] = AT_FDCWD;
            a[1] = PICK(f, sandbox_names);
        }
        break;
    case SYS_creat: case SYS_mkdir: case SYS_unlink: case SYS_rmdir: case SYS_truncate:
    case SYS_chmod: case SYS_chown: case SYS_lchown: case SYS_utime: case SYS_utimes:
        a[0] = PICK(f, sandbox_names);
        break;
    case SYS_rename: case SYS_link:
        a[0] = PICK(f, sandbox_names);
        a[1] = PICK(f, sandbox_names);
        break;
    case SYS_symlink:
        a[0] = PICK(f, link_targets);
        a[1] = PICK(f, sandbox_names);
        break;
    case SYS_symlinkat:
        a[0] = PICK(f, link_targets);
        a[1] = AT_FDCWD;
        a[2] = PICK(f, sandbox_names);
        break;
    case SYS_mkdirat: case SYS_unlinkat: case SYS_fchmodat: case SYS_fchownat:
    case SYS_futimesat: case SYS_utimensat: case SYS_mknodat: case 452 /* fchmodat2 */:
        a[0] = AT_FDCWD;
        a[1] = PICK(f, sandbox_names);
        break;
    case SYS_renameat: case SYS_renameat2: case SYS_linkat:
        a[0] = AT_FDCWD;
        a[1] = PICK(f, sandbox_names);
        a[2] = AT_FDCWD;
        a[3] = PICK(f, sandbox_names);
        break;
    case SYS_mknod:
        a[0] = PICK(f, sandbox_names);
        break;
    case SYS_chdir:
        a[0] = PICK(f, chdir_names);
        break;
    case SYS_fchdir:
        a[0] = -1;
        break;
    }
}

#endif
