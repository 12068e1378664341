/* The console as a file; see fs/console_file.h. */
#include "fs/console_file.h"

#include "drivers/tty.h"
#include "kernel/errno.h"
#include "lib/string.h"

static long console_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)pos;
    return tty_read(f->private, buf, len, file_flags(f) & O_NONBLOCK);
}

static long console_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)pos;
    return tty_write(f->private, buf, len);
}

static long console_ioctl(struct file *f, uint32_t cmd, uint64_t arg)
{
    return tty_ioctl(f->private, cmd, arg);
}

static uint32_t console_poll(struct file *f)
{
    return tty_poll(f->private);
}

/* A terminal's struct stat: character device major:minor, crw--w----. */
static void terminal_stat(struct linux_stat *st, uint32_t minor)
{
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, 6),
        .st_ino = 1 + minor,
        .st_nlink = 1,
        .st_mode = S_IFCHR | 0620,
        .st_rdev = encode_dev(5, minor),
        .st_blksize = 1024,
    };
}

static void console_stat(struct file *f, struct linux_stat *st)
{
    (void)f;
    terminal_stat(st, 1); /* Linux's /dev/console: 5:1 */
}

static void dev_tty_stat(struct file *f, struct linux_stat *st)
{
    (void)f;
    terminal_stat(st, 0); /* /dev/tty: 5:0 */
}

/* /proc/PID/fd names the device the file was opened as. */
static int describe_path(const char *path, char *buf, size_t size)
{
    size_t n = strlen(path);
    if (n > size)
        return -ENAMETOOLONG;
    memcpy(buf, path, n);
    return (int)n;
}

static int console_describe(struct file *f, char *buf, size_t size)
{
    (void)f;
    return describe_path("/dev/console", buf, size);
}

static int dev_tty_describe(struct file *f, char *buf, size_t size)
{
    (void)f;
    return describe_path("/dev/tty", buf, size);
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
    .poll = console_poll,
    .stat = console_stat,
    .describe = console_describe,
    .stream = true,
};

static const struct file_ops dev_tty_ops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
    .poll = console_poll,
    .stat = dev_tty_stat,
    .describe = dev_tty_describe,
    .stream = true,
};

struct file *console_file_open(uint32_t flags)
{
    return file_alloc(&console_ops, tty_console(), flags);
}

int dev_tty_open(struct tty *ctty, uint32_t flags, struct file **out)
{
    if (!ctty)
        return -ENXIO;
    *out = file_alloc(&dev_tty_ops, ctty, flags);
    return *out ? 0 : -ENOMEM;
}
