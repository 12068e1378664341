/*
 * The text of the /proc files, in Linux's exact layout so that programs
 * (and tests run on Linux as the oracle) parse both alike. Pure formatting:
 * fs/procfs.c gathers the numbers; tests/host/test_proc_text.c checks
 * the text.
 */
#ifndef FS_PROC_TEXT_H
#define FS_PROC_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* What /proc/PID/status shows. */
struct proc_status {
    const char *name;      /* the command name (at most 15 bytes shown) */
    char state;            /* 'R', 'S' or 'Z' */
    int tgid, pid, ppid;
    int threads;
    uint64_t rss_bytes;    /* VmRSS */
    uint64_t pte_bytes;    /* VmPTE: page-table pages below the top level */
};

/* What /proc/meminfo shows, in bytes. */
struct proc_meminfo {
    uint64_t total, free, shmem, page_tables; /* shmem: tmpfs file data */
};

/*
 * Write the file into buf[0, size) (NUL-terminated, cut if it does not fit)
 * and return the text's full length, as format() does. Lines:
 *   status:  "Name:\tinit\n", "State:\tR (running)\n", "Tgid:\t1\n", "Pid:\t1\n",
 *            "PPid:\t0\n", "VmRSS:\t    1234 kB\n", "VmPTE:\t      12 kB\n",
 *            "Threads:\t1\n"
 *   meminfo: "MemTotal:       16314404 kB\n", MemFree, MemAvailable, Shmem,
 *            PageTables
 */
size_t proc_text_status(char *buf, size_t size, const struct proc_status *s);
size_t proc_text_meminfo(char *buf, size_t size, const struct proc_meminfo *m);

#endif
