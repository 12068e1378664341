/*
 * Asks the host Linux what mmap/munmap/mprotect/madvise/mincore/brk return
 * for the argument cases of tests/host/test_mmap_rules.c. Not part of
 * "make test": run it by hand, unprivileged (the mmap_min_addr check is
 * skipped for root):
 *   musl-gcc -static -O1 tests/user_oracle/mm_oracle.c -o /tmp/mm_oracle
 *   setpriv --reuid=65534 --regid=65534 --clear-groups /tmp/mm_oracle
 * Each line: case name, then "0", a value, or the errno's name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096ul
#define TOP 0x7ffffffff000ul /* TASK_SIZE with 4-level paging */

#define R 1
#define W 2
#define X 4
#define SHARED 0x01
#define PRIVATE 0x02
#define SHARED_VALIDATE 0x03
#define DROPPABLE 0x08
#define FIXED 0x10
#define ANON 0x20
#define GROWSDOWN 0x100
#define HUGETLB 0x40000
#define NOREPLACE 0x100000
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

static const char *err_name(long e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EOVERFLOW: return "EOVERFLOW";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "other";
    }
}

/* Prints a raw syscall result: errors by name, success as 0 or hex. */
static void show(const char *name, long r)
{
    if (r < 0 && r > -4096)
        printf("%-34s %s\n", name, err_name(-r));
    else if (r == 0)
        printf("%-34s 0\n", name);
    else
        printf("%-34s 0x%lx\n", name, (unsigned long)r);
}

static long sc(long n, long a, long b, long c, long d, long e, long f)
{
    long r = syscall(n, a, b, c, d, e, f);
    return r == -1 ? -errno : r;
}

static long mm(unsigned long addr, unsigned long len, long prot, long flags, long fd,
               unsigned long off)
{
    return sc(SYS_mmap, addr, len, prot, flags, fd, off);
}

static long unmap(unsigned long a, unsigned long l) { return sc(SYS_munmap, a, l, 0, 0, 0, 0); }
static long prot(unsigned long a, unsigned long l, long p) { return sc(SYS_mprotect, a, l, p, 0, 0, 0); }
static long adv(unsigned long a, unsigned long l, long v) { return sc(SYS_madvise, a, l, v, 0, 0, 0); }

static unsigned char vec[64];
static long core(unsigned long a, unsigned long l) { return sc(SYS_mincore, a, l, (long)vec, 0, 0, 0); }

/* The "rwxp" of the /proc/self/maps line containing addr, or "none". Four
 * rotating buffers: one printf may show several results. */
static const char *perms_at(unsigned long addr)
{
    static char bufs[4][8];
    static int next;
    char *out = bufs[next++ % 4];
    char line[256];
    FILE *f = fopen("/proc/self/maps", "r");
    strcpy(out, "none");
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long s, e;
        char p[8];
        if (sscanf(line, "%lx-%lx %4s", &s, &e, p) == 3 && s <= addr && addr < e)
            strcpy(out, p);
    }
    if (f)
        fclose(f);
    return out;
}

int main(void)
{
    /* brk first: musl's malloc (fopen below) moves the break. */
    unsigned long cur = sc(SYS_brk, 0, 0, 0, 0, 0, 0);
    show("brk(0) page aligned", (cur & (PG - 1)) == 0);
    show("brk(cur+1) returns cur+1", sc(SYS_brk, cur + 1, 0, 0, 0, 0, 0) == (long)cur + 1);
    show("brk(1) returns current", sc(SYS_brk, 1, 0, 0, 0, 0, 0) == (long)cur + 1);
    show("brk(cur-PG) below start", sc(SYS_brk, cur - PG, 0, 0, 0, 0, 0) == (long)cur + 1);
    show("brk(cur+3PG)", sc(SYS_brk, cur + 3 * PG, 0, 0, 0, 0, 0) == (long)(cur + 3 * PG));
    show("brk(cur+PG+5) shrink", sc(SYS_brk, cur + PG + 5, 0, 0, 0, 0, 0) == (long)(cur + PG + 5));
    show("  then mincore cur+2PG", core(cur + 2 * PG, PG));
    show("mmap noreplace cur+8PG", mm(cur + 8 * PG, PG, R, PRIVATE | ANON | NOREPLACE, -1, 0) ==
         (long)(cur + 8 * PG));
    show("brk up to next start fails", sc(SYS_brk, cur + 8 * PG, 0, 0, 0, 0, 0) == (long)(cur + PG + 5));
    show("brk one page below next ok", sc(SYS_brk, cur + 7 * PG, 0, 0, 0, 0, 0) == (long)(cur + 7 * PG));
    show("brk into next fails", sc(SYS_brk, cur + 9 * PG, 0, 0, 0, 0, 0) == (long)(cur + 7 * PG));
    unmap(cur, 7 * PG);
    show("brk shrink after munmap fails", sc(SYS_brk, cur + 2 * PG, 0, 0, 0, 0, 0) == (long)(cur + 7 * PG));
    show("brk same page after munmap ok", sc(SYS_brk, cur + 6 * PG + 1, 0, 0, 0, 0, 0) == (long)(cur + 6 * PG + 1));
    show("brk grow after munmap ok", sc(SYS_brk, cur + 7 * PG, 0, 0, 0, 0, 0) == (long)(cur + 7 * PG));
    show("  then mincore cur+6PG", core(cur + 6 * PG, PG));

    /* 16 pages of a private anonymous region; pages 4 and 6 become holes;
     * the 16 pages above it stay free (a trailing hole). */
    unsigned long b = mm(0, 32 * PG, R | W, PRIVATE | ANON, -1, 0);
    unmap(b + 16 * PG, 16 * PG);
    unmap(b + 4 * PG, PG);
    unmap(b + 6 * PG, PG);

    show("mmap len0", mm(0, 0, R, PRIVATE | ANON, -1, 0));
    show("mmap fixed unaligned", mm(b + 1, PG, R, PRIVATE | ANON | FIXED, -1, 0));
    show("mmap no type", mm(0, PG, R, ANON, -1, 0));
    show("mmap anon shared_validate", mm(0, PG, R, SHARED_VALIDATE | ANON, -1, 0));
    show("mmap len -1", mm(0, -1ul, R, PRIVATE | ANON, -1, 0));
    show("mmap len -1 no type", mm(0, -1ul, R, ANON, -1, 0));
    show("mmap len -4096", mm(0, -PG, R, PRIVATE | ANON, -1, 0));
    show("mmap len TOP", mm(0, TOP, R, PRIVATE | ANON, -1, 0));
    show("mmap len TOP+1", mm(0, TOP + 1, R, PRIVATE | ANON, -1, 0));
    show("mmap fixed at TOP", mm(TOP, PG, R, PRIVATE | ANON | FIXED, -1, 0));
    show("mmap fixed TOP-PG len 2PG", mm(TOP - PG, 2 * PG, R, PRIVATE | ANON | FIXED, -1, 0));
    show("mmap fixed unaligned beyond TOP", mm(TOP + 1, PG, R, PRIVATE | ANON | FIXED, -1, 0));
    show("mmap fixed wrap", mm(-PG, 2 * PG, R, PRIVATE | ANON | FIXED, -1, 0));
    show("mmap noreplace TOP-PG", mm(TOP - PG, PG, R, PRIVATE | ANON | NOREPLACE, -1, 0));
    show("mmap noreplace existing", mm(b, PG, R, PRIVATE | ANON | NOREPLACE, -1, 0));
    show("mmap noreplace partial", mm(b + 3 * PG, 2 * PG, R, PRIVATE | ANON | NOREPLACE, -1, 0));
    show("mmap noreplace hole", mm(b + 4 * PG, PG, R, PRIVATE | ANON | NOREPLACE, -1, 0) ==
         (long)(b + 4 * PG));
    unmap(b + 4 * PG, PG);
    show("mmap noreplace existing no type", mm(b, PG, R, ANON | NOREPLACE, -1, 0));
    show("mmap noreplace unaligned", mm(b + 1, PG, R, PRIVATE | ANON | NOREPLACE, -1, 0));
    show("mmap file fd -1", mm(0, PG, R, PRIVATE, -1, 0));
    show("mmap file fd -1 len0", mm(0, 0, R, PRIVATE, -1, 0));
    show("mmap file fd 1000", mm(0, PG, R, PRIVATE, 1000, 0));
    show("mmap off unaligned anon", mm(0, PG, R, PRIVATE | ANON, -1, 1));
    show("mmap off unaligned fd -1", mm(0, PG, R, PRIVATE, -1, 1));
    show("mmap off huge anon", mm(0, PG, R, PRIVATE | ANON, -1, -PG) > 0 ? 1 : -1);
    show("mmap shared growsdown", mm(0, PG, R, SHARED | ANON | GROWSDOWN, -1, 0));
    show("mmap private growsdown", mm(0, PG, R, PRIVATE | ANON | GROWSDOWN, -1, 0) > 0);
    show("mmap prot 0x8", mm(0, PG, 0x8, PRIVATE | ANON, -1, 0) > 0);
    show("mmap prot 0xff", mm(0, PG, 0xff, PRIVATE | ANON, -1, 0) > 0);
    show("mmap prot growsdown", mm(0, PG, R | PROT_GROWSDOWN, PRIVATE | ANON, -1, 0) > 0);
    show("mmap unknown flag", mm(0, PG, R, PRIVATE | ANON | 0x40000000, -1, 0) > 0);
    show("mmap shared_validate unknown", mm(0, PG, R, SHARED_VALIDATE | ANON | 0x40000000, -1, 0));
    show("mmap fixed 0", mm(0, PG, R, PRIVATE | ANON | FIXED, -1, 0));
    show("mmap fixed 0x1000", mm(0x1000, PG, R, PRIVATE | ANON | FIXED, -1, 0));
    unmap(0x1000, PG);
    show("mmap hint 0x2000", mm(0x2000, PG, R, PRIVATE | ANON, -1, 0));
    unmap(0x10000, PG);
    show("mmap hint 0x800 goes top-down", mm(0x800, PG, R, PRIVATE | ANON, -1, 0) > 0x10000);
    show("mmap hint 0x10000", mm(0x10000, PG, R, PRIVATE | ANON, -1, 0));
    unmap(0x10000, PG);
    show("mmap hint b+4PG (hole)", mm(b + 4 * PG, PG, R, PRIVATE | ANON, -1, 0) == (long)(b + 4 * PG));
    unmap(b + 4 * PG, PG);
    show("mmap hint b (taken)", mm(b, PG, R, PRIVATE | ANON, -1, 0) != (long)b);
    show("mmap hint TOP-PG len 2PG", mm(TOP - PG, 2 * PG, R, PRIVATE | ANON, -1, 0) > 0);
    show("mmap hugetlb", mm(0, 2 << 20, R, PRIVATE | ANON | HUGETLB, -1, 0));
    show("mmap droppable", mm(0, PG, R, DROPPABLE | ANON, -1, 0) > 0);
    show("mmap droppable growsdown", mm(0, PG, R, DROPPABLE | ANON | GROWSDOWN, -1, 0));
    show("mmap shared len TOP+1", mm(0, TOP + 1, R, SHARED | ANON, -1, 0));

    show("munmap unaligned", unmap(b + 1, PG));
    show("munmap len0", unmap(b, 0));
    show("munmap at TOP", unmap(TOP, PG));
    show("munmap TOP-PG len 2PG", unmap(TOP - PG, 2 * PG));
    show("munmap TOP-PG len PG", unmap(TOP - PG, PG));
    show("munmap 0", unmap(0, PG));
    show("munmap len -1", unmap(0, -1ul));
    show("munmap kernel addr", unmap(0xffff800000000000ul, PG));
    show("munmap hole", unmap(b + 4 * PG, PG));
    show("munmap len 1", unmap(b + 15 * PG, 1));
    show("  then mincore page 15", core(b + 15 * PG, PG));

    show("mprotect unaligned", prot(b + 1, PG, R));
    show("mprotect unaligned len0", prot(b + 1, 0, R));
    show("mprotect len0 unmapped", prot(b + 4 * PG, 0, R));
    show("mprotect len0 bad prot", prot(b, 0, 0x10));
    show("mprotect prot 0x8 (PROT_SEM)", prot(b, PG, R | 0x8));
    show("mprotect prot 0x10", prot(b, PG, 0x10));
    show("mprotect growsdown|growsup", prot(b, PG, R | PROT_GROWSDOWN | PROT_GROWSUP));
    show("mprotect growsdown not stack", prot(b, PG, R | PROT_GROWSDOWN));
    show("mprotect len -1", prot(b, -1ul, R));
    show("mprotect len -4096", prot(b, -PG, R));
    show("mprotect at TOP", prot(TOP, PG, R));
    show("mprotect over hole", prot(b + 2 * PG, 4 * PG, R));
    printf("%-34s %s %s %s\n", "  then perms pages 2,3,5", perms_at(b + 2 * PG),
           perms_at(b + 3 * PG), perms_at(b + 5 * PG));
    show("mprotect starting in hole", prot(b + 4 * PG, 2 * PG, R));
    printf("%-34s %s\n", "  then perms page 5", perms_at(b + 5 * PG));
    show("mprotect len unaligned", prot(b, 1, R | W | X));
    printf("%-34s %s %s\n", "  then perms pages 0,1", perms_at(b), perms_at(b + PG));
    unsigned long s = mm(0, 4 * PG, R | W, PRIVATE | ANON | GROWSDOWN, -1, 0);
    show("mprotect growsdown stack", prot(s + 2 * PG, PG, R | PROT_GROWSDOWN));
    printf("%-34s %s %s %s\n", "  then perms pages 0,2,3", perms_at(s), perms_at(s + 2 * PG),
           perms_at(s + 3 * PG));

    prot(b, 16 * PG, R | W);
    show("madvise unaligned", adv(b + 1, PG, 4));
    show("madvise unknown 5", adv(b, PG, 5));
    show("madvise unknown 7", adv(b, PG, 7));
    show("madvise unknown 26", adv(b, PG, 26));
    show("madvise unknown 99", adv(b, PG, 99));
    show("madvise hwpoison", adv(b, PG, 100));
    show("madvise guard_install 102", adv(b + 8 * PG, PG, 102));
    show("madvise unknown len0", adv(b, 0, 5));
    show("madvise unaligned len0", adv(b + 1, 0, 4));
    show("madvise len0 unmapped", adv(b + 4 * PG, 0, 4));
    show("madvise len -1", adv(b, -1ul, 4));
    show("madvise len -4096", adv(b, -PG, 4));
    show("madvise dontneed unmapped", adv(b + 4 * PG, PG, 4));
    show("madvise normal over hole", adv(b + 3 * PG, 2 * PG, 0));
    ((char *)b)[3 * PG] = 7;
    ((char *)b)[5 * PG] = 7;
    show("madvise dontneed over hole", adv(b + 3 * PG, 3 * PG, 4));
    printf("%-34s %d %d\n", "  then bytes pages 3,5", ((char *)b)[3 * PG], ((char *)b)[5 * PG]);
    ((char *)b)[7 * PG] = 7;
    show("madvise dontneed at TOP-PG", adv(TOP - PG, PG, 4));
    show("madvise dontneed trailing hole", adv(b + 14 * PG, 4 * PG, 4));
    show("madvise dontneed all of it", adv(b, 16 * PG, 4));

    show("mincore unaligned", core(b + 1, PG));
    show("mincore unmapped", core(b + 4 * PG, PG));
    show("mincore len0 unmapped", core(b + 4 * PG, 0));
    show("mincore len0 unaligned", core(b + 1, 0));
    show("mincore hole inside", core(b + 3 * PG, 2 * PG));
    show("mincore len unaligned", core(b, 1));
    show("mincore at TOP", core(TOP, PG));
    show("mincore at TOP len0", core(TOP, 0));
    show("mincore TOP-PG", core(TOP - PG, PG));
    show("mincore bad vec", sc(SYS_mincore, b, PG, 0xffff800000000000l, 0, 0, 0));
    show("mincore len -1", core(b, -1ul));

    return 0;
}
