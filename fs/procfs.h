/*
 * /proc: files generated from the kernel's state, as Linux's (busybox's
 * ps, top, free, uptime and pidof read them). See docs/files.md ("/proc").
 *
 * The tree (fs/procfs.c holds it as one table, parents first):
 *   /proc                    ".", "..", the names below, then one directory
 *                            per linked process (alive or zombie), by pid
 *   meminfo uptime loadavg stat cpuinfo mounts version    (fs/proc_sys.c)
 *   ptstat pttrace sys/vm/drop_page_tables   prune's page-table files
 *   self                     a link to "<pid>" of the caller
 *   <pid>/                   stat status statm cmdline comm maps environ
 *                            exe cwd fd/ ptdump ptdump_full (fs/proc_pid.c)
 *   <pid>/fd/<n>             a link per open fd: a path, or "pipe:[ino]"
 *
 * Rules:
 *  P1. A file's text is made once, when it is opened, and stays the same
 *      until close (Linux's seq files read in one go); ptdump, ptdump_full
 *      and pttrace are made again at each read (they may be long).
 *  P2. An open file, directory or link under <pid>/ holds a reference on
 *      its process (kernel/process.h, L3: process_find() at lookup,
 *      process_put() at release), so the struct stays while it is open,
 *      even once the process is reaped. What it shows is read through that
 *      reference: a zombie shows state Z and no memory; a reaped process
 *      also Z (its files stay readable, its links give -ENOENT).
 *  P3. ptdump and ptdump_full also hold a reference on the address space
 *      they show (as_get() at open, as_put() at release); an execve in
 *      that process does not change what an open ptdump shows.
 *  P4. Another process's memory (environ, ptdump, ptdump_full) may be
 *      opened only by the process itself or an ancestor (Linux with Yama's
 *      ptrace_scope 1, for one user: process_may_access()); else -EACCES.
 *      cmdline, stat, status, statm and maps are open to all, as on Linux.
 *  P5. A link followed (self, exe, cwd, fd/<n>) is looked up again from
 *      "/" with the rest of the path (path_open()); self goes on inside
 *      /proc. fd/<n> of a file without a path (a pipe) opens that same
 *      open file. A lookup may follow links one inside the other up to
 *      PROC_LINK_DEPTH_MAX deep (counted per thread), then fails with
 *      -ELOOP, so a link naming itself cannot recurse for ever.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include "fs/file.h"

/*
 * Opens 'path', relative to /proc ("" is /proc itself; "." and ".." and
 * repeated slashes allowed), with open(2) 'flags' (as path_open() passes
 * them). Returns 0 and *out, or -ENOENT, -ENOTDIR, -EEXIST (O_CREAT |
 * O_EXCL), -EISDIR (a directory opened for writing), -EACCES (P4),
 * -ELOOP (O_NOFOLLOW on a link, without O_PATH), -ENOMEM, or what the
 * lookup of a followed link gives (P5). Files may be opened for writing
 * (as root can on Linux); writes then fail with Linux's errno for that
 * file (-EIO or -EINVAL). If the path leaves /proc through "..", returns 1
 * and sets *rest to the remaining path, to be looked up from "/" instead.
 */
int procfs_open(const char *path, uint32_t flags, struct file **out, const char **rest);

#endif
