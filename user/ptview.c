/*
 * ptview: draws a process's PTE tables as a map, one character per 2 MiB
 * (the range one PTE table maps), from /proc/PID/ptdump (mm/pt_dump.h):
 *
 *   ' '  no PTE table          '.'  a table with 1..63 entries in use
 *   'o'  64..511 entries       '#'  all 512 entries in use
 *
 * 64 characters per line, each line starting with its address.
 *
 * usage: ptview PID START END     draw [START, END) of process PID once
 *        ptview [-d]              the demo: a workload that maps 256 MiB
 *                                 at 0x40000000 and changes its tables
 *                                 step by step, drawing them after each
 *                                 (with -d, also printing /proc/self/ptdump)
 *
 * Watch the demo with ptfree=rcu and ptfree=off on the command line: the
 * tables of a range emptied by MADV_DONTNEED disappear under rcu (freed
 * once empty) and stay under off (until munmap).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOT (2ul << 20) /* one PTE table maps 2 MiB */
#define PER_LINE 64
#define TEXT_MAX (1 << 20)
#define DEMO_BASE 0x40000000ul
#define DEMO_SIZE (256ul << 20)

static char text[TEXT_MAX];

/* Reads /proc/PID/ptdump into text; its length, 0 if it cannot. */
static size_t read_dump(int pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ptdump", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t len = 0;
    ssize_t n;
    while (len < TEXT_MAX - 1 && (n = read(fd, text + len, TEXT_MAX - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    text[len] = '\0';
    return len;
}

/* The map character of a PTE table with 'entries' entries in use. */
static char mark(int entries)
{
    return entries >= 512 ? '#' : entries >= 64 ? 'o' : entries > 0 ? '.' : ' ';
}

/* Draws [start, end) of process pid's PTE tables. */
static int draw(int pid, unsigned long start, unsigned long end)
{
    if (!read_dump(pid)) {
        fprintf(stderr, "ptview: cannot read /proc/%d/ptdump\n", pid);
        return 1;
    }
    size_t slots = (end - start + SLOT - 1) / SLOT;
    char *map = malloc(slots);
    if (!map)
        return 1;
    memset(map, ' ', slots);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long va;
        int entries;
        if (sscanf(line, " pte %lx entries=%d", &va, &entries) == 2 && va >= start && va < end)
            map[(va - start) / SLOT] = mark(entries) == ' ' ? '.' : mark(entries);
    }
    for (size_t i = 0; i < slots; i += PER_LINE) {
        size_t n = slots - i < PER_LINE ? slots - i : PER_LINE;
        printf("  0x%012lx |%.*s|\n", start + i * SLOT, (int)n, map + i);
    }
    free(map);
    return 0;
}

static bool print_dumps;

static void step(const char *what)
{
    printf("%s\n", what);
    if (print_dumps && read_dump(getpid()))
        fputs(text, stdout);
    draw(getpid(), DEMO_BASE, DEMO_BASE + DEMO_SIZE);
}

/* The demo workload. */
static int demo(void)
{
    char *a = mmap((void *)DEMO_BASE, DEMO_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (a == MAP_FAILED) {
        perror("ptview: mmap");
        return 1;
    }
    step("mapped 256 MiB at 0x40000000: no table yet");
    for (unsigned long off = 0; off < DEMO_SIZE; off += SLOT)
        a[off] = 1;
    step("one byte written per 2 MiB: a table each, one entry");
    for (unsigned long off = 0; off < 32 * SLOT; off += 4096)
        a[off] = 1;
    step("the first 64 MiB written in full: full tables");
    madvise(a, 16 * SLOT, MADV_DONTNEED);
    step("MADV_DONTNEED of the first 32 MiB: empty tables are freed (kept with ptfree=off)");
    munmap(a + DEMO_SIZE / 2, DEMO_SIZE / 2);
    step("munmap of the upper half: its tables are gone under every strategy");
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 1 || (argc == 2 && strcmp(argv[1], "-d") == 0)) {
        print_dumps = argc == 2;
        return demo();
    }
    if (argc != 4) {
        fprintf(stderr, "usage: ptview [PID START END]\n");
        return 2;
    }
    return draw(atoi(argv[1]), strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
}
