/*
 * The text of the /proc files, in Linux's exact layout so that programs
 * (busybox's ps, top and free; tests run on Linux as the oracle) parse
 * both alike. Pure formatting: fs/proc_pid.c and fs/proc_sys.c gather the
 * numbers; tests/host/test_proc_text.c checks the text.
 */
#ifndef FS_PROC_TEXT_H
#define FS_PROC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Text appended to buf[0, size), kept NUL-terminated; 'len' counts the
 * full length, even past size (so a caller can retry with a bigger one). */
struct proc_buf {
    char *buf;
    size_t size, len;
};

/* Appends printf-style text (lib/format.h's conversions). */
void proc_printf(struct proc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends 'n' raw bytes (NULs included: cmdline, environ). */
void proc_put(struct proc_buf *b, const void *bytes, size_t n);

/* A process's memory, in bytes, as its regions sum it up (Linux's
 * task_mem() and task_statm()). */
struct proc_vm {
    uint64_t size;     /* every region: VmSize */
    uint64_t rss;      /* resident pages: VmRSS */
    uint64_t data;     /* private writable, not the stack: VmData */
    uint64_t stack;    /* the stack regions: VmStk */
    uint64_t exec;     /* executable, not writable, not the stack: VmExe */
    uint64_t pte;      /* page-table pages below the top level: VmPTE */
};

/* What /proc/PID/status and stat show. */
struct proc_status {
    const char *name;      /* the command name (at most 15 bytes shown) */
    char state;            /* 'R', 'S', 'T' or 'Z' */
    int tgid, pid, ppid, pgid, sid;
    int threads;
    bool has_mm;           /* false for a zombie: no Vm lines */
    struct proc_vm vm;
    uint64_t utime_ticks;  /* CPU time, in USER_CLK_TCK ticks */
    uint64_t start_ticks;  /* start, in ticks since boot */
    uint64_t start_brk, brk, arg_start, arg_end, env_start, env_end;
    int exit_code;         /* a zombie's wait status */
    int cpu;               /* where it last ran */
};

/* What /proc/meminfo shows, in bytes. */
struct proc_meminfo {
    uint64_t total, free, available;
    uint64_t shmem;        /* file data of tmpfs and shared memory */
    uint64_t page_tables;
    uint64_t kernel_stacks;
};

/*
 * Write the file into b (see proc_buf). Lines:
 *   status:  "Name:\tinit\n", "State:\tR (running)\n", ... (Linux's order:
 *            fs/proc/array.c), the Vm lines with "%8lu kB", prune's VmPTE
 *   stat:    the one line of do_task_stat(), 52 fields
 *   statm:   "size resident shared text lib data dt" in pages
 *   meminfo: "MemTotal:       16314404 kB\n" ... (meminfo_proc_show())
 */
void proc_text_status(struct proc_buf *b, const struct proc_status *s);
void proc_text_stat(struct proc_buf *b, const struct proc_status *s);
void proc_text_statm(struct proc_buf *b, const struct proc_vm *vm);
void proc_text_meminfo(struct proc_buf *b, const struct proc_meminfo *m);

/* One line of /proc/PID/maps (show_map_vma()): the region [start, end)
 * with prot bits (PROT_READ 1, WRITE 2, EXEC 4), shared or private, its
 * offset, and 'name' (NULL: none) at column 74. */
void proc_text_maps_line(struct proc_buf *b, uint64_t start, uint64_t end, uint32_t prot,
                         bool shared, uint64_t offset, const char *name);

#endif
