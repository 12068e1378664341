/*
 * Working directories. Each process has one (its threads share it, as
 * Linux's CLONE_FS threads do): an open directory file (an O_PATH one, or
 * the fd's file fchdir was given), NULL meaning "/". fork copies it,
 * execve keeps it, the process's end drops it. chdir, fchdir, getcwd and
 * umask are here (the umask is the other per-process part of Linux's
 * fs_struct). See docs/files.md ("Paths and working directories").
 *
 * Rule: p->cwd is read and replaced under p->cwd_lock; a reader takes a
 * file reference under it (cwd_get) and uses the file after unlocking.
 */
#ifndef FS_CWD_H
#define FS_CWD_H

#include <stddef.h>

#include "fs/file.h"

struct process;

/* The calling process's working directory with a reference (file_put
 * it), or NULL for "/" (and in a kernel thread). */
struct file *cwd_get(void);

/* fork: the child starts in the parent's directory with its umask. */
void cwd_fork(struct process *parent, struct process *child);

/* The process has ended: drops its working directory. */
void cwd_release(struct process *p);

/* Writes p's working directory as an absolute path into buf[0, size)
 * (for /proc/<pid>/cwd and getcwd). Returns its length (without the NUL),
 * -ENAMETOOLONG, or -ENOENT if the directory was removed. */
int process_cwd_path(struct process *p, char *buf, size_t size);

#endif
