/*
 * The machine's memory as /proc/meminfo shows it, shared with sysinfo(2)
 * (kernel/sys_misc.c) so that both report the same figures.
 */
#ifndef FS_PROC_SYS_H
#define FS_PROC_SYS_H

#include "fs/proc_text.h"

/* Fills *m with the figures of now (bytes). */
void proc_memory(struct proc_meminfo *m);

#endif
