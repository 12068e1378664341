/* printk and the console list; see kernel/printk.h. */
#include "kernel/printk.h"

#include <stdbool.h>

#include "kernel/spinlock.h"
#include "lib/format.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");
static struct console *consoles; /* console_lock */
static bool user_mid_line;       /* console_lock: the last bytes written were a
                                    program's, without a final newline */
static bool panic_mode;

void console_register(struct console *console)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);
    struct console **tail = &consoles;
    while (*tail)
        tail = &(*tail)->next;
    console->next = NULL;
    *tail = console;
    spin_unlock_irqrestore(&console_lock, flags);
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[PRINTK_MAX];
    int len = format_v(buf, sizeof(buf), fmt, ap);
    if (len >= (int)sizeof(buf))
        len = sizeof(buf) - 1;

    uint64_t flags = irq_save();
    if (!panic_mode)
        spin_lock(&console_lock);
    for (struct console *c = consoles; c; c = c->next) {
        if (user_mid_line)
            c->write("\n", 1);
        c->write(buf, len);
    }
    user_mid_line = false;
    if (!panic_mode)
        spin_unlock(&console_lock);
    irq_restore(flags);
}

void console_write_user(const char *text, size_t len)
{
    if (len == 0)
        return;
    uint64_t flags = irq_save();
    if (!panic_mode)
        spin_lock(&console_lock);
    for (struct console *c = consoles; c; c = c->next)
        c->write(text, len);
    user_mid_line = text[len - 1] != '\n';
    if (!panic_mode)
        spin_unlock(&console_lock);
    irq_restore(flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void printk_panic_mode(void)
{
    panic_mode = true;
}
