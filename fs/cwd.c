/* Working directories and the umask; see fs/cwd.h. */
#include "fs/cwd.h"

#include "arch/x86_64/uaccess.h"
#include "fs/path.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* p's working directory with a reference, or NULL for "/". */
static struct file *process_cwd(struct process *p)
{
    spin_lock(&p->cwd_lock);
    struct file *f = p->cwd;
    if (f)
        file_get(f);
    spin_unlock(&p->cwd_lock);
    return f;
}

struct file *cwd_get(void)
{
    struct process *p = current_process();
    return p ? process_cwd(p) : NULL;
}

/* Makes 'dir' (its reference passes to p) p's working directory. */
static void set_cwd(struct process *p, struct file *dir)
{
    spin_lock(&p->cwd_lock);
    struct file *old = p->cwd;
    p->cwd = dir;
    spin_unlock(&p->cwd_lock);
    if (old)
        file_put(old);
}

void cwd_fork(struct process *parent, struct process *child)
{
    child->cwd = process_cwd(parent);
    child->umask = __atomic_load_n(&parent->umask, __ATOMIC_RELAXED);
}

void cwd_release(struct process *p)
{
    set_cwd(p, NULL);
}

int process_cwd_path(struct process *p, char *buf, size_t size)
{
    struct file *f = process_cwd(p);
    if (!f) {
        if (size < 2)
            return -ENAMETOOLONG;
        memcpy(buf, "/", 2);
        return 1;
    }
    int r = f->ops->dir_path(f, buf, size);
    file_put(f);
    return r;
}

/* Makes directory file f (a reference of the caller's, kept or dropped)
 * the caller's working directory: -ENOTDIR if it is no directory. */
static long change_to(struct file *f)
{
    if (!f->ops->dir_path) {
        file_put(f);
        return -ENOTDIR;
    }
    set_cwd(current_process(), f);
    return 0;
}

static long sys_chdir(uint64_t upath)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    long r = strncpy_from_user(path, upath, PATH_MAX);
    struct file *f;
    if (r >= 0)
        r = path_open(NULL, path, O_PATH | O_DIRECTORY, 0, &f);
    kfree(path);
    return r < 0 ? r : change_to(f);
}
SYSCALL(SYS_chdir, sys_chdir);

static long sys_fchdir(uint64_t fd)
{
    struct file *f = fd_get(current_process()->files, (int)fd);
    return f ? change_to(f) : -EBADF;
}
SYSCALL(SYS_fchdir, sys_fchdir);

/* getcwd: the bytes stored, NUL included, as Linux's system call returns;
 * -ERANGE if they do not fit in 'size', -ENOENT if the directory was
 * removed. */
static long sys_getcwd(uint64_t ubuf, uint64_t size)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long r = process_cwd_path(current_process(), buf, PATH_MAX);
    if (r >= 0 && (uint64_t)r + 1 > size)
        r = -ERANGE;
    else if (r >= 0)
        r = copy_to_user(ubuf, buf, r + 1) < 0 ? -EFAULT : r + 1;
    kfree(buf);
    return r;
}
SYSCALL(SYS_getcwd, sys_getcwd);

static long sys_umask(uint64_t mask)
{
    return __atomic_exchange_n(&current_process()->umask, (uint32_t)mask & 0777, __ATOMIC_RELAXED);
}
SYSCALL(SYS_umask, sys_umask);
