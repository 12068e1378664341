/*
 * Pipes: pipe(2) and pipe2(2). A pipe is a 64 KiB ring (Linux's default
 * capacity) with a read end and a write end, each an open file.
 *
 * Rules (one pipe):
 *  P1. 'lock' protects head, tail, readers, writers, reading and writing.
 *  P2. One reader and one writer at a time copy ('reading', 'writing'):
 *      the reader owns the bytes [tail, head), the writer the free space
 *      after head, so each copies to or from user memory (which may fault
 *      and sleep) without the lock, then moves its index under it.
 *  P3. Whoever moves an index or closes an end wakes 'wq' (readers and
 *      writers sleep there) and the poll waiters (fs/poll.h).
 * As on Linux: a read returns what is there (at least a byte, or 0 once
 * every write end is closed); a write of at most PIPE_BUF bytes is done in
 * one piece; a write with no read end left gets SIGPIPE and -EPIPE; an
 * interrupted wait returns -ERESTARTSYS (or the bytes done); O_NONBLOCK
 * gives -EAGAIN instead of waiting.
 */
#include "fs/pipe.h"

#include "arch/x86_64/uaccess.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"
#include "lib/format.h"
#include "mm/kmalloc.h"

#define PIPE_SIZE 65536  /* bytes a pipe holds (Linux's default, 16 pages) */
#define PIPE_BUF 4096    /* writes up to this size are never split */
#define PIPEFS_DEV_MINOR 13
#define FIONREAD 0x541b  /* Linux's ioctl: bytes ready to read, an int */

struct pipe {
    struct spinlock lock;
    char *buf;                 /* PIPE_SIZE bytes; byte i of the stream at i % PIPE_SIZE */
    uint64_t head, tail;       /* P1: bytes ever written and read */
    int readers, writers;      /* P1: open files of each end */
    bool reading, writing;     /* P1, P2 */
    struct wait_queue wq;
    uint64_t ino;
};

static uint64_t next_ino = 1; /* atomic */

/* Copies n bytes between the ring at stream offset 'at' and buf at 'off'
 * (into the ring if 'in'): two pieces when it wraps. 0 or -EFAULT. */
static int ring_copy(struct pipe *p, uint64_t at, struct iobuf buf, size_t off, size_t n, bool in)
{
    while (n) {
        size_t start = at % PIPE_SIZE;
        size_t k = PIPE_SIZE - start < n ? PIPE_SIZE - start : n;
        int r = in ? iobuf_get(p->buf + start, buf, off, k) : iobuf_put(buf, off, p->buf + start, k);
        if (r)
            return r;
        at += k;
        off += k;
        n -= k;
    }
    return 0;
}

/* Wakes everyone who waits on p (P3). */
static void pipe_wake(struct pipe *p)
{
    wake_up_all(&p->wq);
    poll_wake();
}

/* What a sleeping pipe call returns when it cannot wait. */
static long cannot_wait(bool nonblock)
{
    return nonblock ? -EAGAIN : -ERESTARTSYS;
}

static long pipe_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)pos;
    struct pipe *p = f->private;
    if (len == 0)
        return 0;
    bool nonblock = file_flags(f) & O_NONBLOCK;
    uint64_t avail = 0, tail = 0;
    for (;;) {
        struct wait_entry we = {0};
        prepare_to_wait(&p->wq, &we);
        spin_lock(&p->lock);
        bool eof = false;
        if (!p->reading) {
            avail = p->head - p->tail;
            tail = p->tail;
            eof = !avail && !p->writers;
            if (avail)
                p->reading = true;
        }
        spin_unlock(&p->lock);
        if (avail || eof) {
            finish_wait(&p->wq, &we);
            if (eof)
                return 0;
            break;
        }
        if (nonblock || signal_pending()) {
            finish_wait(&p->wq, &we);
            return cannot_wait(nonblock);
        }
        schedule();
        finish_wait(&p->wq, &we);
    }
    size_t n = avail < len ? avail : len;
    int r = ring_copy(p, tail, buf, 0, n, false);
    spin_lock(&p->lock);
    if (!r)
        p->tail += n;
    p->reading = false;
    spin_unlock(&p->lock);
    pipe_wake(p);
    return r ? r : (long)n;
}

/* Sends the writer SIGPIPE (a write with no read end). */
static void raise_sigpipe(void)
{
    struct siginfo info;
    siginfo_from(&info, SIGPIPE, SI_USER, current_process()->pid);
    signal_send_thread(current_thread(), SIGPIPE, &info);
}

static long pipe_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)pos;
    struct pipe *p = f->private;
    if (len == 0)
        return 0;
    bool nonblock = file_flags(f) & O_NONBLOCK;
    size_t done = 0;
    long err = 0;
    bool mine = false; /* this call holds 'writing' */
    while (done < len) {
        struct wait_entry we = {0};
        prepare_to_wait(&p->wq, &we);
        spin_lock(&p->lock);
        bool broken = !p->readers;
        size_t room = 0;
        uint64_t head = p->head;
        if (!broken && (mine || !p->writing)) {
            mine = p->writing = true;
            room = PIPE_SIZE - (p->head - p->tail);
            size_t need = len <= PIPE_BUF ? len : 1; /* small writes go in one piece */
            if (room < need)
                room = 0;
        }
        spin_unlock(&p->lock);
        if (broken || room) {
            finish_wait(&p->wq, &we);
            if (broken) {
                raise_sigpipe();
                err = -EPIPE;
                break;
            }
            size_t n = len - done < room ? len - done : room;
            if (ring_copy(p, head, buf, done, n, true)) {
                err = -EFAULT;
                break;
            }
            spin_lock(&p->lock);
            p->head += n;
            spin_unlock(&p->lock);
            done += n;
            pipe_wake(p);
            continue;
        }
        if (nonblock || signal_pending()) {
            finish_wait(&p->wq, &we);
            err = cannot_wait(nonblock);
            break;
        }
        schedule();
        finish_wait(&p->wq, &we);
    }
    if (mine) {
        spin_lock(&p->lock);
        p->writing = false;
        spin_unlock(&p->lock);
        pipe_wake(p);
    }
    return done ? (long)done : err;
}

static uint32_t pipe_poll(struct file *f)
{
    struct pipe *p = f->private;
    bool reader = (f->flags & O_ACCMODE) == O_RDONLY;
    spin_lock(&p->lock);
    uint64_t used = p->head - p->tail;
    uint32_t mask = 0;
    if (reader) {
        if (used)
            mask |= POLLIN | POLLRDNORM;
        if (!p->writers)
            mask |= POLLHUP;
    } else {
        if (PIPE_SIZE - used >= PIPE_BUF)
            mask |= POLLOUT | POLLWRNORM;
        if (!p->readers)
            mask |= POLLERR;
    }
    spin_unlock(&p->lock);
    return mask;
}

/* ioctl(FIONREAD): the bytes in the pipe, on either end, as on Linux. */
static long pipe_ioctl(struct file *f, uint32_t cmd, uint64_t arg)
{
    struct pipe *p = f->private;
    if (cmd != FIONREAD)
        return -ENOTTY;
    spin_lock(&p->lock);
    int used = (int)(p->head - p->tail);
    spin_unlock(&p->lock);
    return copy_to_user(arg, &used, sizeof(used)) ? -EFAULT : 0;
}

/* Closes one end; the last one frees the pipe. */
static void pipe_release(struct file *f)
{
    struct pipe *p = f->private;
    spin_lock(&p->lock);
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        p->readers--;
    else
        p->writers--;
    bool last = !p->readers && !p->writers;
    spin_unlock(&p->lock);
    if (last) {
        kfree(p->buf);
        kfree(p);
        return;
    }
    pipe_wake(p);
}

/* Linux's pipefs: a FIFO, mode 0600, on an anonymous device. */
static void pipe_stat(struct file *f, struct linux_stat *st)
{
    struct pipe *p = f->private;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, PIPEFS_DEV_MINOR),
        .st_ino = p->ino,
        .st_nlink = 1,
        .st_mode = S_IFIFO | 0600,
        .st_blksize = PIPE_BUF,
    };
}

/* Linux's name of a pipe in /proc/PID/fd: "pipe:[ino]". */
static int pipe_describe(struct file *f, char *buf, size_t size)
{
    struct pipe *p = f->private;
    int n = format(buf, size, "pipe:[%lu]", p->ino);
    return n < (int)size ? n : -ENAMETOOLONG;
}

static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .describe = pipe_describe,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
    .stream = true,
};

long pipe_capacity(struct file *f)
{
    return f->ops == &pipe_ops ? PIPE_SIZE : -EBADF;
}

/* A new pipe's two ends (flags: O_NONBLOCK or 0); 0 or -ENOMEM. */
static int pipe_create(uint32_t flags, struct file **read_end, struct file **write_end)
{
    struct pipe *p = kzalloc(sizeof(*p));
    char *buf = kmalloc(PIPE_SIZE);
    struct file *r = p ? file_alloc(&pipe_ops, p, O_RDONLY | flags) : NULL;
    struct file *w = p ? file_alloc(&pipe_ops, p, O_WRONLY | flags) : NULL;
    if (!p || !buf || !r || !w) {
        kfree(r);
        kfree(w);
        kfree(buf);
        kfree(p);
        return -ENOMEM;
    }
    spin_init(&p->lock, "pipe");
    wait_queue_init(&p->wq, "pipe");
    p->buf = buf;
    p->readers = p->writers = 1;
    p->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
    *read_end = r;
    *write_end = w;
    return 0;
}

/* pipe2(fds, flags): O_CLOEXEC and O_NONBLOCK (O_DIRECT, packet mode, is
 * accepted and gives a byte stream); -EINVAL for other flags, -EMFILE,
 * -EFAULT (then no fd stays open). */
static long sys_pipe2(uint64_t ufds, uint64_t flags_arg)
{
    uint32_t flags = (uint32_t)flags_arg;
    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    struct file *r, *w;
    int err = pipe_create(flags & O_NONBLOCK, &r, &w);
    if (err)
        return err;
    struct fd_table *table = current_process()->files;
    bool cloexec = flags & O_CLOEXEC;
    int fds[2];
    fds[0] = fd_install(table, r, 0, cloexec);
    if (fds[0] < 0) {
        file_put(r);
        file_put(w);
        return fds[0];
    }
    fds[1] = fd_install(table, w, 0, cloexec);
    if (fds[1] < 0) {
        fd_close(table, fds[0]);
        file_put(w);
        return fds[1];
    }
    if (copy_to_user(ufds, fds, sizeof(fds))) {
        fd_close(table, fds[0]);
        fd_close(table, fds[1]);
        return -EFAULT;
    }
    return 0;
}
SYSCALL(SYS_pipe2, sys_pipe2);

static long sys_pipe(uint64_t ufds)
{
    return sys_pipe2(ufds, 0);
}
SYSCALL(SYS_pipe, sys_pipe);
