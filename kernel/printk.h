/*
 * Kernel messages. printk() formats (lib/format.h) and writes the text to
 * every registered console: COM1 always, then VGA text or the framebuffer.
 * A console's write() is called with the console lock held and interrupts
 * off; it must not call printk().
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

struct console {
    const char *name;
    void (*write)(const char *text, size_t len);
    struct console *next;
};

/* The longest message printk() writes, NUL included: the rest is cut. */
#define PRINTK_MAX 512

void console_register(struct console *console);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);

/*
 * Writes a program's bytes (write(2) on the console) to every console, as
 * they are. If they end mid-line, the next printk() starts with a newline
 * so that every kernel message begins a line of its own.
 */
void console_write_user(const char *text, size_t len);

/* For panic(): stop taking the console lock (another CPU may hold it forever). */
void printk_panic_mode(void);

#endif
