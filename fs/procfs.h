/*
 * /proc: a few files generated from the kernel's state when they are opened
 * (their text then stays the same until close, as with Linux's seq files
 * read in one go). The tree:
 *   /proc              directory: ".", "..", "meminfo", "ptstat", "self", "sys"
 *   /proc/meminfo      MemTotal, MemFree, MemAvailable, PageTables
 *   /proc/ptstat       page-table pages allocated and freed (mm/pt_ref.h)
 *   /proc/self         directory of the calling process: "status", "exe"
 *   /proc/PID          the same, for the caller's own pid only
 *   /proc/self/status  Name, State, Tgid, Pid, PPid, VmRSS, VmPTE, Threads
 *   /proc/sys/vm/drop_page_tables  write "1": free every page table that
 *                      holds no data, in every process (mm/pt_ref.h)
 *   /proc/self/exe     symbolic link to the program execve ran
 * See fs/proc_text.h for the exact text and docs/userspace.md.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include "fs/file.h"

/*
 * Opens 'path', relative to /proc ("" is /proc itself; "." and ".." and
 * repeated slashes allowed), with open(2) 'flags' (as path_open() passes
 * them). Returns 0 and *out, or -ENOENT, -ENOTDIR, -EEXIST (O_CREAT |
 * O_EXCL), -EISDIR (a directory opened for writing), -ENOMEM. Files may be
 * opened for writing (as root can on Linux); writes then fail with Linux's
 * errno for that file (-EIO or -EINVAL). If the path leaves /proc through
 * "..", or ends on the link /proc/self/exe (without O_NOFOLLOW), returns 1
 * and sets *rest to the remaining path (or the link's target), to be
 * looked up from "/" instead.
 */
int procfs_open(const char *path, uint32_t flags, struct file **out, const char **rest);

#endif
