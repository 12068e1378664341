/* COM1 (16550 UART) console; see drivers/serial.h. */
#include "drivers/serial.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/trap.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"

#define COM1 0x3f8
#define ISA_IRQ_COM1 4
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_TX_EMPTY 0x20

void serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_TX_EMPTY))
        ;
    outb(COM1 + UART_DATA, c);
}

#define RX_RING_SIZE 256

static struct spinlock rx_lock = SPINLOCK_INIT("serial rx");
static char rx_ring[RX_RING_SIZE]; /* rx_lock */
static unsigned rx_head, rx_tail;  /* rx_lock; head - tail = bytes waiting */

struct wait_queue serial_input_wait = WAIT_QUEUE_INIT("serial input");

void serial_receive(void)
{
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    unsigned head = rx_head;
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        char c = inb(COM1 + UART_DATA);
        if (rx_head - rx_tail < RX_RING_SIZE)
            rx_ring[rx_head++ % RX_RING_SIZE] = c;
    }
    bool received = rx_head != head;
    spin_unlock_irqrestore(&rx_lock, flags);
    if (received)
        wake_up_all(&serial_input_wait);
}

bool serial_input_pending(void)
{
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    bool pending = rx_head != rx_tail;
    spin_unlock_irqrestore(&rx_lock, flags);
    return pending;
}

bool serial_read(char *c)
{
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    bool got = rx_head != rx_tail;
    if (got)
        *c = rx_ring[rx_tail++ % RX_RING_SIZE];
    spin_unlock_irqrestore(&rx_lock, flags);
    return got;
}

/* The COM1 interrupt: takes the bytes, then acknowledges. */
static void serial_interrupt(struct trap_frame *tf)
{
    (void)tf;
    serial_receive();
    lapic_eoi();
}

void serial_enable_receive_interrupt(void)
{
    trap_register(VECTOR_SERIAL, serial_interrupt);
    ioapic_route_isa_irq(ISA_IRQ_COM1, VECTOR_SERIAL);
    outb(COM1 + UART_IER, 0x01); /* "received data available" */
}

static void serial_write(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            serial_putc('\r');
        serial_putc(text[i]);
    }
}

static struct console serial_console = { .name = "serial", .write = serial_write };

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80); /* DLAB on: set the divisor */
    outb(COM1 + UART_DATA, 3);   /* 115200 / 3 = 38400 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 */
    console_register(&serial_console);
}
