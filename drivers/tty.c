/* The console's input ring; see drivers/tty.h. */
#include "drivers/tty.h"

#include "kernel/spinlock.h"

static struct spinlock ring_lock = SPINLOCK_INIT("tty input");
static char ring[TTY_INPUT_RING]; /* ring_lock */
static unsigned head, tail;       /* ring_lock; head - tail = bytes waiting */

struct wait_queue tty_input_wait = WAIT_QUEUE_INIT("tty input");

void tty_input(char c)
{
    uint64_t flags = spin_lock_irqsave(&ring_lock);
    bool queued = head - tail < TTY_INPUT_RING;
    if (queued)
        ring[head++ % TTY_INPUT_RING] = c;
    spin_unlock_irqrestore(&ring_lock, flags);
    if (queued)
        wake_up_all(&tty_input_wait);
}

bool tty_input_pending(void)
{
    uint64_t flags = spin_lock_irqsave(&ring_lock);
    bool pending = head != tail;
    spin_unlock_irqrestore(&ring_lock, flags);
    return pending;
}

bool tty_input_read(char *c)
{
    uint64_t flags = spin_lock_irqsave(&ring_lock);
    bool got = head != tail;
    if (got)
        *c = ring[tail++ % TTY_INPUT_RING];
    spin_unlock_irqrestore(&ring_lock, flags);
    return got;
}
