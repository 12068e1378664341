/* COM1 (16550 UART) console; see drivers/serial.h. */
#include "drivers/serial.h"

#include "arch/x86_64/io.h"
#include "drivers/tty.h"
#include "kernel/printk.h"

#define COM1 0x3f8
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

void serial_receive(void)
{
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY)
        tty_input((char)inb(COM1 + UART_DATA));
}

void serial_enable_receive_interrupt(void)
{
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
