/*
 * ptdemo: gives a process page tables you can predict, then waits, so that
 * you can look at them (with gdb's pt-walk and pt-tree, tools/gdb/prune.py).
 *
 * It maps and touches:
 *   0x40000000      4 pages     one PTE table, 4 entries in use
 *   0x40200000      1 page      the next PTE table, same PMD table
 *   0x8000000000    1 page      another PML4 slot (512 GiB up): a second
 *                               PUD, PMD and PTE table
 * then prints "ptdemo: pid N ready" and sleeps for SECONDS (default 60).
 *
 * usage: ptdemo [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul

/* Maps 'pages' pages at exactly 'addr' and writes one byte to each. */
static int touch(unsigned long addr, unsigned long pages)
{
    char *p = mmap((void *)addr, pages * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        perror("ptdemo: mmap");
        return -1;
    }
    for (unsigned long i = 0; i < pages; i++)
        p[i * PAGE] = (char)(i + 1);
    return 0;
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 60;
    if (touch(0x40000000ul, 4) || touch(0x40200000ul, 1) || touch(0x8000000000ul, 1))
        return 1;
    printf("ptdemo: pid %d ready\n", getpid());
    fflush(stdout);
    struct timespec t = {seconds, 0};
    nanosleep(&t, NULL);
    return 0;
}
