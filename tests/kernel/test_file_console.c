/*
 * Tests of the console file (fs/console_file.c). Input is typed by the
 * UART itself: in loopback mode (MCR bit 4) the 16550 receives what it
 * sends, so the test "types" a line, takes the bytes back from the UART,
 * leaves loopback and hands them to the terminal as the COM1 interrupt
 * would (tty_input; a machine without a UART gets them there directly),
 * then reads the line back through the line discipline.
 * Nothing else may print while in loopback (it would be typed too): the
 * terminal's echo comes after. The typed text starts with '#', so its echo
 * is a KTAP comment.
 * A line discipline that never finishes the line makes the read sleep for
 * good: the failure is then the boot's time-out.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "drivers/serial.h"
#include "drivers/tty.h"
#include "fs/console_file.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "tests/kernel/ktest.h"

#define COM1_MCR 0x3fc
#define MCR_NORMAL 0x0b   /* DTR, RTS, OUT2: what serial_init() sets */
#define MCR_LOOPBACK 0x1b /* the same with LOOP */

#define COM1_DATA 0x3f8
#define COM1_IER 0x3f9
#define COM1_LSR 0x3fd
#define IER_RECEIVE 0x01
#define LSR_DATA_READY 0x01

/* Sends 'keys' to ourselves through the UART's loopback, with the UART's
 * interrupt off so that no CPU takes them meanwhile, then hands them to
 * the terminal; straight to the terminal when the machine has no UART. */
static void type_keys(const char *keys)
{
    char got[64];
    size_t n = 0;
    if (!serial_present()) {
        for (; *keys && n < sizeof(got); keys++)
            got[n++] = *keys;
    } else {
        uint64_t flags = irq_save();
        outb(COM1_IER, 0);
        outb(COM1_MCR, MCR_LOOPBACK);
        for (; *keys; keys++)
            serial_putc(*keys);
        while ((inb(COM1_LSR) & LSR_DATA_READY) && n < sizeof(got))
            got[n++] = (char)inb(COM1_DATA);
        outb(COM1_MCR, MCR_NORMAL);
        outb(COM1_IER, IER_RECEIVE);
        irq_restore(flags);
    }
    for (size_t i = 0; i < n; i++)
        tty_input(got[i]);
}

KTEST(file_console_reads_an_edited_line)
{
    uint64_t objects = kmalloc_in_use();
    struct file *con = console_file_open(O_RDWR | O_LARGEFILE);
    KASSERT(con != NULL);
    type_keys("# ab\x7f" "c\r#x");
    char buf[16];
    memset(buf, 0, sizeof(buf));
    KEXPECT(file_read(con, iobuf_kernel(buf), 3) == 3 && memcmp(buf, "# a", 3) == 0);
    KEXPECT(file_read(con, iobuf_kernel(buf), sizeof(buf)) == 2 && memcmp(buf, "c\n", 2) == 0);
    type_keys("\n");
    KEXPECT(file_read(con, iobuf_kernel(buf), sizeof(buf)) == 3 && memcmp(buf, "#x\n", 3) == 0);
    KEXPECT(file_read(con, iobuf_kernel(buf), 0) == 0);
    file_put(con);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_console_writes_to_the_consoles)
{
    struct file *con = console_file_open(O_RDWR | O_LARGEFILE);
    KASSERT(con != NULL);
    static const char line[] = "# console file: written";
    KEXPECT(file_write(con, iobuf_kernel((void *)line), sizeof(line) - 1) == sizeof(line) - 1);
    /* mid-line: the next kernel message starts a line of its own */
    KEXPECT(file_write(con, iobuf_kernel((void *)"\n"), 1) == 1);
    struct linux_stat st;
    con->ops->stat(con, &st);
    KEXPECT((st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == encode_dev(5, 1));
    file_put(con);
}
