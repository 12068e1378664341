/* COM1 (16550 UART) console and input; see drivers/serial.h. */
#include "drivers/serial.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/trap.h"
#include "drivers/tty.h"
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
#define MCR_NORMAL 0x0b   /* DTR, RTS, OUT2 (the interrupt line) */
#define MCR_LOOPBACK 0x1e /* RTS, OUT1, OUT2 and LOOP: what is sent comes back */
#define LOOPBACK_PROBE 0xae
/* Polls of the line status before a byte is sent anyway: a UART that never
 * says its transmitter is empty must not stop the kernel. */
#define TX_WAIT_POLLS 100000

static bool present; /* set once by serial_init(), before interrupts */
/* Held (interrupts off) from reading a byte out of the UART to queueing it,
 * so that the interrupt and a direct caller cannot swap two bytes. Taken
 * before the input ring's lock. */
static struct spinlock rx_lock = SPINLOCK_INIT("serial rx");

bool serial_present(void)
{
    return present;
}

void serial_putc(char c)
{
    if (!present)
        return;
    for (int i = 0; i < TX_WAIT_POLLS && !(inb(COM1 + UART_LSR) & LSR_TX_EMPTY); i++)
        ;
    outb(COM1 + UART_DATA, c);
}

void serial_receive(void)
{
    if (!present)
        return;
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY)
        tty_input(inb(COM1 + UART_DATA));
    spin_unlock_irqrestore(&rx_lock, flags);
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
    if (!present) {
        printk("serial: no UART at COM1; the screen is the only console\n");
        return;
    }
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

/* True if a 16550 answers at COM1: in loopback mode it receives what it
 * sends. Where there is no UART the port reads 0xff and nothing comes back. */
static bool uart_answers(void)
{
    outb(COM1 + UART_MCR, MCR_LOOPBACK);
    outb(COM1 + UART_DATA, LOOPBACK_PROBE);
    for (int i = 0; i < TX_WAIT_POLLS; i++)
        if (inb(COM1 + UART_LSR) & LSR_DATA_READY)
            return inb(COM1 + UART_DATA) == LOOPBACK_PROBE;
    return false;
}

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80); /* DLAB on: set the divisor */
    outb(COM1 + UART_DATA, 3);   /* 115200 / 3 = 38400 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
    present = uart_answers();
    if (!present)
        return;
    outb(COM1 + UART_MCR, MCR_NORMAL);
    console_register(&serial_console);
}
