/* The COM1 serial port: the console that always works, and the terminal's input. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

/* Program COM1 for 38400 baud 8N1 and register it as a console. */
void serial_init(void);
void serial_putc(char c);

/*
 * Input: the COM1 interrupt (routed by arch/x86_64/irq.c) calls
 * serial_receive(), which hands every byte the UART holds to the terminal
 * (tty_input(), drivers/tty.h).
 */
void serial_enable_receive_interrupt(void);
void serial_receive(void);

#endif
