/* The terminal; see drivers/tty.h. */
#include "drivers/tty.h"

#include "kernel/process.h"

struct tty {
    int session;     /* proc_lock: the session it controls, 0 if none */
    int foreground;  /* proc_lock: the foreground process group */
};

static struct tty console_tty;

struct tty *tty_console(void)
{
    return &console_tty;
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
