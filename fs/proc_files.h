/*
 * Between /proc's tree (fs/procfs.c) and the files it serves: the open
 * state and the functions that make each file's text. Rules in
 * fs/procfs.h (P1..P5).
 */
#ifndef FS_PROC_FILES_H
#define FS_PROC_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/proc_text.h"

struct process;
struct address_space;
struct proc_entry;

/* An open /proc file, directory or link. Constant after open, except
 * 'name' (the last name a directory listing gave out). */
struct proc_open {
    const struct proc_entry *entry;
    struct process *proc;      /* under <pid>/: a reference (P2); else NULL */
    int fd;                    /* fd/<n>: n */
    struct address_space *as;  /* ptdump, ptdump_full: a reference (P3) */
    char name[16];             /* a directory's listing: the name it gave out last */
    size_t len;                /* text made at open (P1): its bytes */
    char *text;                /* kmalloc, or NULL */
};

/* System files (fs/proc_sys.c): the text of each into b. */
void proc_meminfo_text(struct proc_buf *b);
void proc_uptime_text(struct proc_buf *b);
void proc_loadavg_text(struct proc_buf *b);
void proc_stat_text(struct proc_buf *b);
void proc_cpuinfo_text(struct proc_buf *b);
void proc_mounts_text(struct proc_buf *b);
void proc_version_text(struct proc_buf *b);

/* prune's page-table files (fs/proc_sys.c): ptstat's text, pttrace read
 * as it records and switched by a write of "on" or "off", and
 * sys/vm/drop_page_tables's write of "1". Writes return 0 or -errno. */
void proc_ptstat_text(struct proc_buf *b);
size_t proc_pttrace_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len);
long proc_pttrace_write(const char *text, size_t len);
long proc_drop_page_tables(const char *text, size_t len);

/* Files of process p (fs/proc_pid.c; the caller holds a reference). */
void proc_pid_stat_text(struct process *p, struct proc_buf *b);
void proc_pid_status_text(struct process *p, struct proc_buf *b);
void proc_pid_statm_text(struct process *p, struct proc_buf *b);
void proc_pid_cmdline_text(struct process *p, struct proc_buf *b);
void proc_pid_environ_text(struct process *p, struct proc_buf *b);
void proc_pid_comm_text(struct process *p, struct proc_buf *b);
void proc_pid_maps_text(struct process *p, struct proc_buf *b);

/* ptdump and ptdump_full of the address space o holds: the window
 * [pos, pos + len) of the text (mm/pt_dump.h). */
size_t proc_pid_ptdump_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len);
size_t proc_pid_ptdump_full_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len);

/* Link targets, written into buf[0, size) (no NUL): the length, or
 * -ENOENT (a zombie, a closed fd), -ENAMETOOLONG. */
int proc_pid_exe_target(struct process *p, int fd, char *buf, size_t size);
int proc_pid_cwd_target(struct process *p, int fd, char *buf, size_t size);
int proc_pid_fd_target(struct process *p, int fd, char *buf, size_t size);

/* The lowest open fd of p above 'after' (-1 starts), or -1. */
int proc_pid_next_fd(struct process *p, int after);

#endif
