/*
 * mremap(2): shrink, grow in place, grow by a move (contents kept, the old
 * address unmapped), MREMAP_FIXED (also over several regions with a gap),
 * MREMAP_DONTUNMAP, the errno values, shared memory that stays shared with
 * a child after the parent moves it, private memory that stays private on
 * both sides of a fork after a move, ranges with unpopulated pages, read
 * only (zero page) and PROT_NONE pages, a move of several MiB to an
 * address unaligned to the old one, and a loop of moves (leak checked
 * under each free strategy).
 */
/* prune-test: deterministic-output */
/* prune-test: cmdlines: ptfree=rcu | ptfree=ipi | ptfree=off */
#include "ut.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096ul

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* The raw system call (no libc wrapper's own checks): the address or
 * -errno. */
static long mr(void *old, unsigned long old_len, unsigned long new_len, long flags, void *new)
{
    long r = syscall(SYS_mremap, old, old_len, new_len, flags, new);
    return r == -1 ? -errno : r;
}

/* What mremap returned, for the output: "ok" or the errno's name. */
static const char *res(long r)
{
    return r < 0 ? ut_errname((int)-r) : "ok";
}

static char *map(unsigned long pages, int prot, int flags)
{
    char *p = mmap(NULL, pages * PG, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap: %s\n", ut_errname(errno));
        exit(1);
    }
    return p;
}

static char *map_private(unsigned long pages)
{
    return map(pages, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* Writes a word naming (seed, page) at the start of each page. */
static void fill(char *p, unsigned long pages, long seed)
{
    for (unsigned long i = 0; i < pages; i++)
        *(long *)(p + i * PG) = seed * 100000 + (long)i;
}

/* True if each page holds what fill(seed) wrote. */
static int holds(const char *p, unsigned long pages, long seed)
{
    for (unsigned long i = 0; i < pages; i++)
        if (*(const long *)(p + i * PG) != seed * 100000 + (long)i)
            return 0;
    return 1;
}

/* True if the pages read as zeros (their first words). */
static int zeros(const char *p, unsigned long pages)
{
    for (unsigned long i = 0; i < pages; i++)
        if (*(const long *)(p + i * PG) != 0)
            return 0;
    return 1;
}

/* True if no page of [p, p + pages) is mapped (mincore: ENOMEM for each). */
static int unmapped(char *p, unsigned long pages)
{
    unsigned char v;
    for (unsigned long i = 0; i < pages; i++)
        if (mincore(p + i * PG, PG, &v) == 0 || errno != ENOMEM)
            return 0;
    return 1;
}

/* True if a child reading *p dies of SIGSEGV. */
static int segfaults(volatile char *p)
{
    pid_t pid = fork();
    if (pid == 0) {
        (void)*p;
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

/* Maps 'pages' private pages followed by a read-only page that a region
 * cannot merge with, so that the first region cannot grow in place. */
static char *map_blocked(unsigned long pages)
{
    char *p = map_private(pages + 1);
    mprotect(p + pages * PG, PG, PROT_READ);
    return p;
}

static void test_shrink(void)
{
    char *p = map_private(8);
    fill(p, 8, 1);
    long r = mr(p, 8 * PG, 4 * PG, 0, NULL);
    printf("shrink: %s\n", res(r));
    CHECK((char *)r == p);
    CHECK(holds(p, 4, 1));
    CHECK(unmapped(p + 4 * PG, 4));
    munmap(p, 4 * PG);
}

static void test_grow_in_place(void)
{
    char *p = map_private(16);
    munmap(p + 8 * PG, 8 * PG);
    fill(p, 8, 2);
    long r = mr(p, 8 * PG, 12 * PG, 0, NULL);
    printf("grow in place: %s\n", res(r));
    CHECK((char *)r == p);
    CHECK(holds(p, 8, 2));
    CHECK(zeros(p + 8 * PG, 4));
    fill(p + 8 * PG, 4, 3);
    CHECK(holds(p + 8 * PG, 4, 3));
    munmap(p, 12 * PG);
}

static void test_grow_move(void)
{
    char *p = map_blocked(4);
    fill(p, 4, 4);
    long r = mr(p, 4 * PG, 8 * PG, 0, NULL);
    printf("grow without MAYMOVE: %s\n", res(r));
    CHECK(r == -ENOMEM);
    CHECK(holds(p, 4, 4));
    r = mr(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE, NULL);
    printf("grow with MAYMOVE: %s, moved %d\n", res(r), r > 0 && (char *)r != p);
    char *q = (char *)r;
    CHECK(r > 0 && q != p);
    CHECK(holds(q, 4, 4));
    CHECK(zeros(q + 4 * PG, 4));
    CHECK(unmapped(p, 4));
    CHECK(segfaults(p));
    fill(q, 8, 5);
    CHECK(holds(q, 8, 5));
    munmap(q, 8 * PG);
    munmap(p + 4 * PG, PG);
}

static void test_fixed(void)
{
    char *src = map_private(4);
    char *dst = map_private(8);
    fill(src, 4, 6);
    fill(dst, 8, 7);
    long r = mr(src, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 2 * PG);
    printf("fixed: %s, at the address asked %d\n", res(r), (char *)r == dst + 2 * PG);
    CHECK(holds(dst + 2 * PG, 4, 6));
    CHECK(*(long *)dst == 700000 && *(long *)(dst + PG) == 700001);
    CHECK(*(long *)(dst + 6 * PG) == 700006 && *(long *)(dst + 7 * PG) == 700007);
    CHECK(unmapped(src, 4));
    /* grow while moving to a fixed address */
    char *src2 = map_private(2);
    fill(src2, 2, 8);
    r = mr(src2, 2 * PG, 6 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + PG);
    printf("fixed and grow: %s\n", res(r));
    CHECK((char *)r == dst + PG);
    CHECK(holds(dst + PG, 2, 8) && zeros(dst + 3 * PG, 4));
    CHECK(*(long *)dst == 700000 && *(long *)(dst + 7 * PG) == 700007);
    /* shrink while moving to a fixed address */
    r = mr(dst + PG, 6 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, src);
    printf("fixed and shrink: %s\n", res(r));
    CHECK((char *)r == src && holds(src, 2, 8));
    CHECK(unmapped(dst + PG, 6));
    munmap(dst, 8 * PG);
    munmap(src, 4 * PG);
}

static void test_dontunmap(void)
{
    char *p = map_private(4);
    fill(p, 4, 9);
    long r = mr(p, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    printf("dontunmap: %s\n", res(r));
    char *q = (char *)r;
    CHECK(r > 0 && q != p);
    CHECK(holds(q, 4, 9));
    unsigned char vec[4] = {1, 1, 1, 1};
    CHECK(mincore(p, 4 * PG, vec) == 0);
    CHECK(!vec[0] && !vec[1] && !vec[2] && !vec[3]);
    CHECK(zeros(p, 4));
    munmap(p, 4 * PG);
    munmap(q, 4 * PG);
    /* shared memory: the old range still shows the object's pages */
    char *s = map(2, PROT_READ | PROT_WRITE, MAP_SHARED);
    fill(s, 2, 10);
    r = mr(s, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    printf("dontunmap shared: %s\n", res(r));
    if (r > 0) {
        CHECK(holds((char *)r, 2, 10) && holds(s, 2, 10));
        munmap((char *)r, 2 * PG);
    }
    munmap(s, 2 * PG);
}

static void test_errors(void)
{
    char *p = map_blocked(4);
    char *far = map_private(8);
    printf("unaligned old: %s\n", res(mr(p + 1, PG, PG, 0, NULL)));
    printf("bad flags: %s\n", res(mr(p, PG, PG, 8, NULL)));
    printf("new_len 0: %s\n", res(mr(p, PG, 0, MREMAP_MAYMOVE, NULL)));
    printf("fixed without maymove: %s\n", res(mr(p, PG, PG, MREMAP_FIXED, far)));
    printf("dontunmap without maymove: %s\n", res(mr(p, PG, PG, MREMAP_DONTUNMAP, far)));
    printf("dontunmap resizing: %s\n",
           res(mr(p, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL)));
    printf("fixed overlapping: %s\n",
           res(mr(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, p + PG)));
    printf("fixed unaligned new: %s\n",
           res(mr(p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, far + 1)));
    char *hole = map_private(1);
    munmap(hole, PG);
    printf("old not mapped: %s\n", res(mr(hole, PG, 2 * PG, MREMAP_MAYMOVE, NULL)));
    printf("old crosses regions: %s\n", res(mr(p, 5 * PG, 6 * PG, MREMAP_MAYMOVE, NULL)));
    printf("old_len 0, private: %s\n", res(mr(p, 0, PG, MREMAP_MAYMOVE, NULL)));
    printf("new_len too big: %s\n", res(mr(p, PG, 1ul << 47, MREMAP_MAYMOVE, NULL)));
    printf("same size across regions: %s\n", res(mr(p, 5 * PG, 5 * PG, 0, NULL)));
    printf("shrink across regions: %s\n", res(mr(p, 5 * PG, 2 * PG, 0, NULL)));
    CHECK(unmapped(p + 2 * PG, 3));
    munmap(p, 5 * PG);
    munmap(far, 8 * PG);
}

/* Waits for one byte on fd. */
static void await(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1)
        _exit(3);
}

static void signal_fd(int fd)
{
    if (write(fd, "x", 1) != 1)
        _exit(3);
}

static void test_shared_fork(void)
{
    char *s = map(4, PROT_READ | PROT_WRITE, MAP_SHARED);
    char *dst = map_private(4);
    fill(s, 4, 11);
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent))
        exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        await(to_child[0]);
        int ok = holds(s, 1, 12) && *(long *)(s + PG) == 1100001 &&
                 *(long *)(s + 2 * PG) == 1100002;
        *(long *)(s + 3 * PG) = 42;
        signal_fd(to_parent[1]);
        _exit(ok ? 0 : 1);
    }
    long r = mr(s, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    printf("shared moved: %s\n", res(r));
    fill(dst, 1, 12);
    signal_fd(to_child[1]);
    await(to_parent[0]);
    int status;
    waitpid(pid, &status, 0);
    printf("shared: child saw the parent's write %d, parent sees the child's %d\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0, *(long *)(dst + 3 * PG) == 42);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(*(long *)(dst + 3 * PG) == 42);
    munmap(dst, 4 * PG);
    close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
}

static void test_cow_fork(void)
{
    char *p = map_blocked(4);
    fill(p, 4, 13);
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent))
        exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        await(to_child[0]);
        int ok = holds(p, 4, 13);
        fill(p, 2, 14);
        signal_fd(to_parent[1]);
        _exit(ok ? 0 : 1);
    }
    long r = mr(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE, NULL);
    char *q = (char *)r;
    printf("private moved after fork: %s\n", res(r));
    fill(q + 2 * PG, 2, 15); /* pages 2, 3 get the parent's own copies */
    signal_fd(to_child[1]);
    await(to_parent[0]);
    int status;
    waitpid(pid, &status, 0);
    int child_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int parent_ok = holds(q, 2, 13) && *(long *)(q + 2 * PG) == 1500000 &&
                    *(long *)(q + 3 * PG) == 1500001;
    printf("private: child kept its pages %d, parent kept its own %d\n", child_ok, parent_ok);
    CHECK(child_ok && parent_ok);
    munmap(q, 8 * PG);
    munmap(p + 4 * PG, PG);
    close(to_child[0]), close(to_child[1]), close(to_parent[0]), close(to_parent[1]);
}

static void test_holes(void)
{
    /* unpopulated pages and zero-page pages move too */
    char *p = map_blocked(8);
    *(long *)p = 1;
    *(long *)(p + 3 * PG) = 3;
    volatile long sink = *(long *)(p + 5 * PG); /* the zero page */
    (void)sink;
    long r = mr(p, 8 * PG, 9 * PG, MREMAP_MAYMOVE, NULL);
    printf("holes moved: %s\n", res(r));
    char *q = (char *)r;
    unsigned char vec[9];
    CHECK(mincore(q, 9 * PG, vec) == 0);
    printf("holes residency: ");
    for (int i = 0; i < 9; i++)
        printf("%d", vec[i] & 1);
    printf("\n");
    CHECK(*(long *)q == 1 && *(long *)(q + 3 * PG) == 3 && *(long *)(q + 5 * PG) == 0);
    *(long *)(q + 5 * PG) = 5;
    CHECK(*(long *)(q + 5 * PG) == 5 && zeros(q + 6 * PG, 3));
    munmap(q, 9 * PG);
    munmap(p + 8 * PG, PG);

    /* PROT_NONE pages keep their contents */
    char *n = map_private(2);
    char *to = map_private(2);
    fill(n, 2, 20);
    mprotect(n, 2 * PG, PROT_NONE);
    r = mr(n, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to);
    printf("PROT_NONE moved: %s\n", res(r));
    CHECK(segfaults(to));
    mprotect(to, 2 * PG, PROT_READ);
    CHECK(holds(to, 2, 20));
    munmap(to, 2 * PG);

    /* a gap between two regions: a FIXED move keeps it */
    char *g = map_private(8);
    char *dst = map_private(8);
    fill(g, 8, 16);
    munmap(g + 4 * PG, PG);
    r = mr(g, 8 * PG, 16 * PG, MREMAP_MAYMOVE, NULL);
    printf("grow over a gap: %s\n", res(r));
    fill(dst, 8, 17);
    r = mr(g, 8 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    printf("fixed over a gap: %s\n", res(r));
    if (r > 0) {
        CHECK(holds(dst, 4, 16) && *(long *)(dst + 5 * PG) == 1600005);
        printf("the gap's page at the destination: %s\n",
               *(long *)(dst + 4 * PG) == 1700004 ? "kept" : "changed");
        CHECK(unmapped(g, 8));
    }
    munmap(dst, 8 * PG);
    munmap(g, 8 * PG);
}

/* Several MiB, to an address whose offset in a 2 MiB table differs. */
static void test_big_move(void)
{
    const unsigned long pages = 1100;
    char *p = map_private(pages);
    char *dst = map_private(pages + 1024 + 3);
    munmap(dst, (pages + 1024 + 3) * PG);
    char *to = (char *)(((uintptr_t)dst + (2ul << 20) - 1) & ~((2ul << 20) - 1)) + 3 * PG;
    fill(p, pages, 18);
    long r = mr(p, pages * PG, pages * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to);
    printf("big move: %s\n", res(r));
    CHECK((char *)r == to && holds(to, pages, 18) && unmapped(p, 4));
    munmap(to, pages * PG);
}

/* Moves and resizes a mapping back and forth, its contents checked each
 * time: what the leak check runs over. */
static void test_loop(void)
{
    unsigned long pages = 4;
    char *p = map_blocked(pages);
    char *blocker = p + pages * PG;
    fill(p, pages, 19);
    int ok = 1;
    for (int i = 0; i < 300 && ok; i++) {
        unsigned long next = 1 + (i * 7) % 37;
        long r = mr(p, pages * PG, next * PG, MREMAP_MAYMOVE, NULL);
        if (r < 0) {
            printf("loop %d: %s\n", i, res(r));
            ok = 0;
            break;
        }
        p = (char *)r;
        unsigned long kept = next < pages ? next : pages;
        ok = holds(p, kept, 19);
        pages = next;
        fill(p, pages, 19);
        if (i % 3 == 0) {
            char *q = map_private(pages);
            r = mr(p, pages * PG, pages * PG, MREMAP_MAYMOVE | MREMAP_FIXED, q);
            ok = ok && (char *)r == q && holds(q, pages, 19);
            p = q;
        }
    }
    printf("loop: %s\n", ok ? "ok" : "FAILED");
    CHECK(ok);
    munmap(p, pages * PG);
    munmap(blocker, PG);
}

int main(void)
{
    ut_start();
    test_shrink();
    test_grow_in_place();
    test_grow_move();
    test_fixed();
    test_dontunmap();
    test_errors();
    test_shared_fork();
    test_cow_fork();
    test_holes();
    test_big_move();
    test_loop();
    printf("%s\n", ut_failures ? "FAILED" : "passed");
    return ut_failures != 0;
}
