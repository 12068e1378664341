/* The terminal; see drivers/tty.h. */
#include "drivers/tty.h"

#include "arch/x86_64/uaccess.h"
#include "drivers/tty_line.h"
#include "drivers/video.h"
#include "fs/poll.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/signal/pgrp.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/wait.h"

#define INPUT_RING 1024    /* bytes input devices may get ahead of the thread */
#define READ_CHUNK 512     /* bytes one read takes at most */
#define WRITE_CHUNK 256    /* bytes a write copies from user memory at a time */
#define ECHO_MAX 512       /* bytes of echo one input byte may produce */

/* Linux's struct winsize and struct termios2 (TCGETS2: termios + speeds). */
struct winsize {
    uint16_t rows, cols, xpixel, ypixel;
};
struct termios2 {
    struct termios t;
    uint32_t ispeed, ospeed;
};

/* The ioctls (asm-generic/ioctls.h). */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGETD 0x5424
#define TIOCSETD 0x5423
#define TCSBRKP 0x5425
#define TIOCGSID 0x5429
#define TCGETS2 0x802c542a
#define TCSETS2 0x402c542b
#define TCSETSW2 0x402c542c
#define TCSETSF2 0x402c542d
#define TCIFLUSH 0
#define TCIOFLUSH 2
#define BAUD_38400 38400

struct tty {
    /* 'lock': the settings and the line discipline's buffer. */
    struct spinlock lock;
    struct termios termios;
    struct winsize winsize;
    struct tty_line line;
    struct wait_queue readers;  /* woken when input becomes readable */

    /* proc_lock (kernel/process.h): the job-control state. */
    int session;                /* the session it controls, 0 if none */
    int foreground;             /* the foreground process group */

    /* 'ring_lock' (taken with interrupts off): bytes from tty_input(). */
    struct spinlock ring_lock;
    char ring[INPUT_RING];
    unsigned head, tail;        /* head - tail bytes wait */
    struct wait_queue input;    /* the input thread sleeps here */
};

static struct tty console_tty = {
    .lock = SPINLOCK_INIT("tty"),
    .readers = WAIT_QUEUE_INIT("tty readers"),
    .ring_lock = SPINLOCK_INIT("tty input ring"),
    .input = WAIT_QUEUE_INIT("tty input"),
};

struct tty *tty_console(void)
{
    return &console_tty;
}

void tty_input(char c)
{
    struct tty *tty = &console_tty;
    uint64_t flags = spin_lock_irqsave(&tty->ring_lock);
    if (tty->head - tty->tail < INPUT_RING)
        tty->ring[tty->head++ % INPUT_RING] = c;
    spin_unlock_irqrestore(&tty->ring_lock, flags);
    wake_up(&tty->input);
}

/* Takes the oldest byte of the ring; false if it is empty. */
static bool ring_take(struct tty *tty, char *c)
{
    uint64_t flags = spin_lock_irqsave(&tty->ring_lock);
    bool got = tty->head != tty->tail;
    if (got)
        *c = tty->ring[tty->tail++ % INPUT_RING];
    spin_unlock_irqrestore(&tty->ring_lock, flags);
    return got;
}

static bool ring_empty(struct tty *tty)
{
    return __atomic_load_n(&tty->head, __ATOMIC_ACQUIRE) ==
           __atomic_load_n(&tty->tail, __ATOMIC_ACQUIRE);
}

/* Sends sig to the foreground group (the signal keys, SIGWINCH). */
static void signal_foreground(struct tty *tty, int sig)
{
    spin_lock(&proc_lock);
    int pgid = tty->foreground;
    spin_unlock(&proc_lock);
    struct siginfo info;
    siginfo_from(&info, sig, SI_KERNEL, 0);
    if (pgid)
        pgrp_signal(pgid, sig, &info);
}

/* The input thread: runs each byte through the line discipline, echoes,
 * sends the signal keys' signals and wakes the readers and pollers. */
static void input_thread(void *arg)
{
    struct tty *tty = arg;
    char echo_buf[ECHO_MAX];
    for (;;) {
        wait_event(&tty->input, !ring_empty(tty));
        char c;
        while (ring_take(tty, &c)) {
            struct tty_echo echo = {echo_buf, 0, sizeof(echo_buf)};
            spin_lock(&tty->lock);
            int sig = tty_line_input(&tty->line, &tty->termios, c, &echo);
            spin_unlock(&tty->lock);
            console_write_user(echo_buf, echo.len);
            if (sig)
                signal_foreground(tty, sig);
            wake_up_all(&tty->readers);
            poll_wake();
        }
    }
}

void tty_init(void)
{
    struct tty *tty = &console_tty;
    tty_termios_default(&tty->termios);
    struct screen *s = video_screen();
    if (s)
        tty->winsize = (struct winsize){.rows = (uint16_t)s->rows, .cols = (uint16_t)s->cols};
    if (!thread_create("tty", input_thread, tty))
        panic("no memory for the terminal's input thread");
}

void tty_set_controlling_locked(struct tty *tty, struct process *p)
{
    assert_held(&proc_lock);
    tty->session = p->sid;
    tty->foreground = p->pgid;
    p->ctty = tty;
}

int tty_drop_session_locked(struct tty *tty)
{
    assert_held(&proc_lock);
    int foreground = tty->foreground;
    tty->session = 0;
    tty->foreground = 0;
    return foreground;
}

/*
 * Job control (Linux's job_control() and tty_check_change()): may the
 * calling process read (sig SIGTTIN) or write or change the settings
 * (SIGTTOU) tty? Yes (0) unless tty is its controlling terminal and its
 * group is not the foreground one: then -EIO if it ignores or blocks sig
 * (for SIGTTIN; a SIGTTOU ignored or blocked lets it go on) or its group
 * is orphaned, else sig goes to its group and -ERESTARTSYS (the call runs
 * again once the group is continued).
 */
static int job_control(struct tty *tty, int sig)
{
    struct process *p = current_process();
    if (!p)
        return 0; /* a kernel thread (the kernel's tests) */
    spin_lock(&proc_lock);
    bool background = p->ctty == tty && tty->foreground && p->pgid != tty->foreground;
    int pgid = p->pgid;
    spin_unlock(&proc_lock);
    if (!background)
        return 0;
    if (signal_ignored_or_blocked(sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (pgrp_orphaned(p))
        return -EIO;
    struct siginfo info;
    siginfo_from(&info, sig, SI_KERNEL, 0);
    pgrp_signal(pgid, sig, &info);
    return -ERESTARTSYS;
}

/*
 * What a read may take now (tty->lock held): canonical, a finished line
 * (or an end-of-file mark); raw, VMIN bytes (at most len; any byte if VMIN
 * is 0), or whatever there is once 'timed_out' (VTIME). Returns nonzero
 * to take now, 0 to wait.
 */
static size_t readable_now(struct tty *tty, size_t len, bool timed_out)
{
    bool canonical = tty->termios.c_lflag & ICANON;
    size_t avail = tty_line_readable(&tty->line, canonical);
    if (canonical)
        return avail;
    size_t vmin = tty->termios.c_cc[VMIN];
    size_t want = vmin < len ? vmin : len;
    return avail && (avail >= want || timed_out) ? avail : 0;
}

/*
 * read(2) with Linux's rules for VMIN and VTIME in raw mode: VMIN 0 and
 * VTIME 0 return what is there; VMIN 0 waits up to VTIME tenths of a
 * second for a byte; VTIME 0 waits for VMIN bytes; both: after the first
 * byte, until VMIN bytes or VTIME without a new one. A timed read also
 * waits on the tick queue, to see its deadline pass.
 */
long tty_read(struct tty *tty, struct iobuf buf, size_t len, bool nonblock)
{
    int r = job_control(tty, SIGTTIN);
    if (r)
        return r;
    if (len == 0)
        return 0;
    char chunk[READ_CHUNK];
    uint64_t deadline = UINT64_MAX; /* VTIME's, once it runs */
    size_t seen = 0;                /* bytes there when VTIME last started */
    struct wait_entry we = {0}, tick = {0};
    bool ticking = false;
    long ret;
    for (;;) {
        prepare_to_wait(&tty->readers, &we);
        spin_lock(&tty->lock);
        bool canonical = tty->termios.c_lflag & ICANON;
        size_t vmin = tty->termios.c_cc[VMIN], vtime = tty->termios.c_cc[VTIME];
        size_t avail = tty_line_readable(&tty->line, canonical);
        bool restart = vmin ? avail != seen : deadline == UINT64_MAX;
        if (!canonical && vtime && restart) {
            deadline = time_deadline_after((int64_t)vtime * 100000000);
            seen = avail;
        }
        bool timed_out = deadline != UINT64_MAX && time_monotonic_ns() >= deadline;
        if (readable_now(tty, len, timed_out)) {
            size_t n = tty_line_take(&tty->line, canonical, chunk,
                                     len < sizeof(chunk) ? len : sizeof(chunk));
            spin_unlock(&tty->lock);
            ret = iobuf_put(buf, 0, chunk, n) ? -EFAULT : (long)n;
            break;
        }
        spin_unlock(&tty->lock);
        if (!canonical && ((vmin == 0 && vtime == 0) || timed_out)) {
            ret = 0;
            break;
        }
        if (nonblock || signal_pending()) {
            ret = nonblock ? -EAGAIN : -ERESTARTSYS;
            break;
        }
        if (deadline != UINT64_MAX) {
            prepare_to_wait(&tick_wait_queue, &tick);
            ticking = true;
        }
        schedule();
    }
    if (ticking)
        finish_wait(&tick_wait_queue, &tick);
    finish_wait(&tty->readers, &we);
    return ret;
}

long tty_write(struct tty *tty, struct iobuf buf, size_t len)
{
    spin_lock(&tty->lock);
    bool tostop = tty->termios.c_lflag & TOSTOP;
    spin_unlock(&tty->lock);
    if (tostop) {
        int r = job_control(tty, SIGTTOU);
        if (r)
            return r;
    }
    char chunk[WRITE_CHUNK];
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (iobuf_get(chunk, buf, done, n) < 0)
            return done ? (long)done : -EFAULT;
        console_write_user(chunk, n);
        done += n;
    }
    return done;
}

uint32_t tty_poll(struct tty *tty)
{
    spin_lock(&tty->lock);
    bool canonical = tty->termios.c_lflag & ICANON;
    size_t avail = tty_line_readable(&tty->line, canonical);
    spin_unlock(&tty->lock);
    return POLLOUT | POLLWRNORM | (avail ? POLLIN | POLLRDNORM : 0);
}

/* TCSETS and its variants: new settings, after job control; 'flush'
 * drops the input first (TCSETSF). */
static long set_termios(struct tty *tty, const struct termios *t, bool flush)
{
    int r = job_control(tty, SIGTTOU);
    if (r)
        return r;
    spin_lock(&tty->lock);
    if (flush)
        tty_line_flush(&tty->line);
    bool was_canonical = tty->termios.c_lflag & ICANON;
    tty->termios = *t;
    if (was_canonical != !!(t->c_lflag & ICANON))
        tty_line_mode_changed(&tty->line);
    spin_unlock(&tty->lock);
    wake_up_all(&tty->readers);
    poll_wake();
    return 0;
}

/* True if tty is the calling process's controlling terminal. */
static bool is_ctty(struct tty *tty)
{
    spin_lock(&proc_lock);
    bool mine = current_process()->ctty == tty;
    spin_unlock(&proc_lock);
    return mine;
}

/* TIOCSPGRP: the foreground group becomes pgid, one of the caller's
 * session (-EPERM), existing (-ESRCH: a group with only zombies exists, as
 * pgrp_in_session_locked() says), after job control. */
static long set_foreground(struct tty *tty, uint64_t upgid)
{
    if (!is_ctty(tty))
        return -ENOTTY;
    int r = job_control(tty, SIGTTOU);
    if (r)
        return r;
    uint32_t pgid;
    if (get_user_u32(&pgid, upgid))
        return -EFAULT;
    if ((int)pgid < 0)
        return -EINVAL;
    struct process *self = current_process();
    long ret = -ESRCH;
    spin_lock(&proc_lock);
    for (struct process *p = process_list_locked(); p; p = p->all_next) {
        if (p->pgid != (int)pgid || (p->state != PROC_ALIVE && p->state != PROC_ZOMBIE))
            continue;
        ret = p->sid == self->sid && tty->session == self->sid ? 0 : -EPERM;
        break;
    }
    if (ret == 0)
        tty->foreground = (int)pgid;
    spin_unlock(&proc_lock);
    return ret;
}

/* TIOCSCTTY: a session leader without a controlling terminal takes tty,
 * unless another session has it (steal = 1 takes it anyway: we are root). */
static long take_controlling(struct tty *tty, uint64_t steal)
{
    struct process *self = current_process();
    long ret = 0;
    spin_lock(&proc_lock);
    if (self->ctty == tty && self->pid == self->sid) {
        ret = 0;
    } else if (self->pid != self->sid || self->ctty) {
        ret = -EPERM;
    } else if (tty->session && steal != 1) {
        ret = -EPERM;
    } else {
        if (tty->session)
            for (struct process *p = process_list_locked(); p; p = p->all_next)
                if (p->sid == tty->session && p->ctty == tty)
                    p->ctty = NULL;
        tty_set_controlling_locked(tty, self);
    }
    spin_unlock(&proc_lock);
    return ret;
}

/* TIOCNOTTY: the caller gives up its controlling terminal; a session
 * leader ends its session's hold on it (the foreground group gets SIGHUP
 * and SIGCONT, as Linux's disassociate_ctty()). */
static long give_up_controlling(struct tty *tty)
{
    struct process *self = current_process();
    int hup = 0;
    spin_lock(&proc_lock);
    if (self->ctty != tty) {
        spin_unlock(&proc_lock);
        return -ENOTTY;
    }
    if (self->pid == self->sid) {
        hup = tty_drop_session_locked(tty);
        for (struct process *p = process_list_locked(); p; p = p->all_next)
            if (p->sid == self->sid)
                p->ctty = NULL;
    }
    self->ctty = NULL;
    spin_unlock(&proc_lock);
    if (hup) {
        struct siginfo info;
        siginfo_from(&info, SIGHUP, SI_KERNEL, 0);
        pgrp_signal(hup, SIGHUP, &info);
        siginfo_from(&info, SIGCONT, SI_KERNEL, 0);
        pgrp_signal(hup, SIGCONT, &info);
    }
    return 0;
}

/* The job-control ioctls that report (TIOCGPGRP, TIOCGSID): only on the
 * caller's controlling terminal. */
static long report_id(struct tty *tty, uint64_t uid, bool session)
{
    spin_lock(&proc_lock);
    bool mine = current_process()->ctty == tty;
    uint32_t id = (uint32_t)(session ? tty->session : tty->foreground);
    spin_unlock(&proc_lock);
    if (!mine)
        return -ENOTTY;
    return put_user_u32(uid, id) ? -EFAULT : 0;
}

long tty_ioctl(struct tty *tty, uint32_t cmd, uint64_t arg)
{
    struct termios2 t2;
    switch (cmd) {
    case TCGETS:
    case TCGETS2:
        spin_lock(&tty->lock);
        t2 = (struct termios2){tty->termios, BAUD_38400, BAUD_38400};
        spin_unlock(&tty->lock);
        return copy_to_user(arg, &t2, cmd == TCGETS ? sizeof(t2.t) : sizeof(t2)) ? -EFAULT : 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2: {
        bool two = cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2;
        if (copy_from_user(&t2, arg, two ? sizeof(t2) : sizeof(t2.t)))
            return -EFAULT;
        return set_termios(tty, &t2.t, cmd == TCSETSF || cmd == TCSETSF2);
    }
    case TIOCGWINSZ:
        return copy_to_user(arg, &tty->winsize, sizeof(tty->winsize)) ? -EFAULT : 0;
    case TIOCSWINSZ: {
        struct winsize ws;
        if (copy_from_user(&ws, arg, sizeof(ws)))
            return -EFAULT;
        spin_lock(&tty->lock);
        bool changed = ws.rows != tty->winsize.rows || ws.cols != tty->winsize.cols ||
                       ws.xpixel != tty->winsize.xpixel || ws.ypixel != tty->winsize.ypixel;
        tty->winsize = ws;
        spin_unlock(&tty->lock);
        if (changed)
            signal_foreground(tty, SIGWINCH);
        return 0;
    }
    case TIOCGPGRP:
        return report_id(tty, arg, false);
    case TIOCGSID:
        return report_id(tty, arg, true);
    case TIOCSPGRP:
        return set_foreground(tty, arg);
    case TIOCSCTTY:
        return take_controlling(tty, arg);
    case TIOCNOTTY:
        return give_up_controlling(tty);
    case FIONREAD: {
        spin_lock(&tty->lock);
        uint32_t n = (uint32_t)tty_line_readable(&tty->line, tty->termios.c_lflag & ICANON);
        spin_unlock(&tty->lock);
        return put_user_u32(arg, n) ? -EFAULT : 0;
    }
    case TCFLSH:
        if (arg != TCIFLUSH && arg != TCIOFLUSH && arg != 1)
            return -EINVAL;
        if (arg != 1) { /* TCOFLUSH: output is never queued */
            spin_lock(&tty->lock);
            tty_line_flush(&tty->line);
            spin_unlock(&tty->lock);
        }
        return 0;
    case TIOCOUTQ:
    case TIOCGETD:
        return put_user_u32(arg, 0) ? -EFAULT : 0;
    case TIOCSETD: {
        uint32_t disc;
        if (get_user_u32(&disc, arg))
            return -EFAULT;
        return disc == 0 ? 0 : -EINVAL; /* N_TTY only */
    }
    case TCSBRK:
    case TCSBRKP:
    case TCXONC:
        return 0; /* output is written at once; there is no flow control */
    default:
        return -ENOTTY;
    }
}
