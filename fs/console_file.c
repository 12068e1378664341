/* The console as a file; see fs/console_file.h. */
#include "fs/console_file.h"

#include "drivers/serial.h"
#include "drivers/tty_line.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/wait.h"

/* The chunk a write copies from user memory at a time (on the stack). */
#define WRITE_CHUNK 256

/* Input typed so far: one line discipline for all readers. 'input_lock'
 * protects 'input' and orders the echo of the bytes it cooks. */
static struct spinlock input_lock = SPINLOCK_INIT("console input");
static struct tty_line input;

/* Moves the bytes waiting in the serial ring into the line discipline and
 * echoes them. Caller holds input_lock. */
static void cook_input(void)
{
    assert_held(&input_lock);
    char c, echo[TTY_ECHO_MAX];
    while (serial_read(&c))
        console_write_user(echo, tty_line_input(&input, c, echo));
}

/* read: sleeps until a line is finished (or ^D), then returns up to len
 * bytes of it; -ERESTARTSYS if a signal comes meanwhile. */
static long console_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)f;
    (void)pos;
    if (len == 0)
        return 0;
    char line[TTY_LINE_BUF];
    for (;;) {
        spin_lock(&input_lock);
        cook_input();
        if (tty_line_readable(&input)) {
            size_t n = tty_line_take(&input, line, len < sizeof(line) ? len : sizeof(line));
            spin_unlock(&input_lock);
            return iobuf_put(buf, 0, line, n) < 0 ? -EFAULT : (long)n;
        }
        spin_unlock(&input_lock);
        wait_event(&serial_input_wait, serial_input_pending() || signal_pending());
        if (signal_pending())
            return -ERESTARTSYS;
    }
}

/* write: every byte goes to every console. Returns the count, or -EFAULT
 * if the first bytes cannot be read (else the count done so far). */
static long console_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)f;
    (void)pos;
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

/* Linux's /dev/console: character device 5:1, mode crw--w----. */
static void console_stat(struct file *f, struct linux_stat *st)
{
    (void)f;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, 6),
        .st_ino = 1,
        .st_nlink = 1,
        .st_mode = S_IFCHR | 0620,
        .st_rdev = encode_dev(5, 1),
        .st_blksize = 1024,
    };
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .stat = console_stat,
    .stream = true,
};

struct file *console_file_open(void)
{
    return file_alloc(&console_ops, NULL, O_RDWR | O_LARGEFILE);
}
