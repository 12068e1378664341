/* The i8042 controller and its keyboard; see drivers/i8042.h. */
#include "drivers/i8042.h"

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tsc.h"
#include "drivers/keyboard.h"
#include "drivers/tty.h"
#include "kernel/printk.h"
#include "lib/cmdline.h"
#include "lib/string.h"

#define DATA 0x60
#define STATUS 0x64  /* read */
#define COMMAND 0x64 /* write */

#define STATUS_OUTPUT_FULL 0x01 /* a byte waits at DATA */
#define STATUS_INPUT_FULL 0x02  /* the controller has not taken our last byte */
#define STATUS_AUX 0x20         /* the waiting byte is from the second (mouse) port */

#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_AUX 0xa7
#define CMD_SELF_TEST 0xaa
#define CMD_TEST_PORT1 0xab
#define CMD_DISABLE_PORT1 0xad
#define CMD_ENABLE_PORT1 0xae

#define CONFIG_IRQ1 0x01
#define CONFIG_IRQ12 0x02
#define CONFIG_PORT1_CLOCK_OFF 0x10
#define CONFIG_TRANSLATE 0x40 /* the controller turns set 2 into set 1 */

#define SELF_TEST_PASSED 0x55
#define PORT_TEST_PASSED 0x00

#define KBD_SET_TYPEMATIC 0xf3
#define KBD_SCANCODE_SET 0xf0
#define KBD_ENABLE 0xf4
#define KBD_ACK 0xfa
#define TYPEMATIC_500MS_30CPS 0x20 /* repeat after 500 ms, 30 times a second */

#define ISA_IRQ_KEYBOARD 1
#define WAIT_US 50000 /* how long the controller may take to answer */
#define FLUSH_MAX 64  /* stale bytes read away at most */

static enum i8042_state state;
static enum scancode_set set;
static bool translated;
/* Only the keyboard interrupt touches it after i8042_init(). */
static struct keyboard keyboard;

/* Waits until the status has all of 'bits' (want = true) or none of them;
 * false after WAIT_US. */
static bool wait_status(uint8_t bits, bool want)
{
    for (uint64_t waited = 0; waited < WAIT_US; waited += 10) {
        if (((inb(STATUS) & bits) == bits) == want)
            return true;
        udelay(10);
    }
    return false;
}

static bool write_port(uint16_t port, uint8_t value)
{
    if (!wait_status(STATUS_INPUT_FULL, false))
        return false;
    outb(port, value);
    return true;
}

/* Reads the controller's or the keyboard's answer; -1 after WAIT_US. */
static int read_data(void)
{
    return wait_status(STATUS_OUTPUT_FULL, true) ? inb(DATA) : -1;
}

/* Sends controller command 'cmd' and returns its one-byte answer, or -1. */
static int command_reply(uint8_t cmd)
{
    return write_port(COMMAND, cmd) ? read_data() : -1;
}

static bool write_config(uint8_t config)
{
    return write_port(COMMAND, CMD_WRITE_CONFIG) && write_port(DATA, config);
}

/* Sends one byte to the keyboard; true if it acknowledged it. */
static bool keyboard_send(uint8_t byte)
{
    return write_port(DATA, byte) && read_data() == KBD_ACK;
}

static void flush(void)
{
    for (int i = 0; i < FLUSH_MAX && (inb(STATUS) & STATUS_OUTPUT_FULL); i++)
        inb(DATA);
}

/* The scan code set the keyboard sends, as the CPU sees it. */
static enum scancode_set find_set(uint8_t config)
{
    translated = config & CONFIG_TRANSLATE;
    if (translated)
        return SCANCODE_SET1;
    if (keyboard_send(KBD_SCANCODE_SET) && keyboard_send(0) && read_data() == 1)
        return SCANCODE_SET1;
    /* Set 2, or set 3 (which nobody uses): ask for set 2. */
    if (keyboard_send(KBD_SCANCODE_SET))
        keyboard_send(2);
    return SCANCODE_SET2;
}

/* Probes and sets up the controller and the keyboard; returns the state. */
static enum i8042_state probe(void)
{
    if (inb(STATUS) == 0xff)
        return I8042_NO_CONTROLLER; /* no device decodes the port */
    if (!write_port(COMMAND, CMD_DISABLE_PORT1) || !write_port(COMMAND, CMD_DISABLE_AUX))
        return I8042_NO_CONTROLLER;
    flush();
    int config = command_reply(CMD_READ_CONFIG);
    if (config < 0)
        return I8042_NO_CONTROLLER;
    config &= ~(CONFIG_IRQ1 | CONFIG_IRQ12);
    if (!write_config(config) || command_reply(CMD_SELF_TEST) != SELF_TEST_PASSED)
        return I8042_NO_CONTROLLER;
    /* The self-test may reset the controller: set the configuration again. */
    if (!write_config(config) || command_reply(CMD_TEST_PORT1) != PORT_TEST_PASSED)
        return I8042_NO_KEYBOARD;
    if (!write_port(COMMAND, CMD_ENABLE_PORT1))
        return I8042_NO_KEYBOARD;
    flush();
    if (!keyboard_send(KBD_SET_TYPEMATIC) || !keyboard_send(TYPEMATIC_500MS_30CPS))
        return I8042_NO_KEYBOARD;
    set = find_set(config);
    if (!keyboard_send(KBD_ENABLE))
        return I8042_NO_KEYBOARD;
    config = (config & ~CONFIG_PORT1_CLOCK_OFF) | CONFIG_IRQ1;
    if (!write_config(config))
        return I8042_NO_KEYBOARD;
    flush();
    return I8042_KEYBOARD;
}

/* IRQ 1: the bytes, then the acknowledgement. */
static void keyboard_interrupt(struct trap_frame *tf)
{
    (void)tf;
    i8042_interrupt();
    lapic_eoi();
}

void i8042_init(void)
{
    const struct fadt_info *fadt = acpi_fadt();
    bool forced = cmdline_get(&kernel_cmdline, "i8042") &&
                  strcmp(cmdline_get(&kernel_cmdline, "i8042"), "force") == 0;
    if (fadt && fadt->boot_arch_known && !(fadt->boot_arch & FADT_BOOT_8042) && !forced) {
        state = I8042_ACPI_SAYS_NONE;
    } else {
        state = probe();
        keyboard.set = set;
    }
    if (state == I8042_KEYBOARD) {
        trap_register(VECTOR_KEYBOARD, keyboard_interrupt);
        ioapic_route_isa_irq(ISA_IRQ_KEYBOARD, VECTOR_KEYBOARD);
    }
    printk("keyboard: %s\n", i8042_describe());
}

void i8042_interrupt(void)
{
    uint8_t status;
    while ((status = inb(STATUS)) & STATUS_OUTPUT_FULL) {
        uint8_t byte = inb(DATA);
        if (status & STATUS_AUX)
            continue;
        char out[KEYBOARD_OUT_MAX];
        size_t n = keyboard_byte(&keyboard, byte, out);
        for (size_t i = 0; i < n; i++)
            tty_input(out[i]);
    }
}

enum i8042_state i8042_state(void)
{
    return state;
}

const char *i8042_describe(void)
{
    switch (state) {
    case I8042_NOT_PROBED:
        return "not probed";
    case I8042_ACPI_SAYS_NONE:
        return "none: the ACPI FADT says this PC has no 8042 controller "
               "(i8042=force probes it anyway)";
    case I8042_NO_CONTROLLER:
        return "none: no 8042 controller answers (its self-test failed or no device is there)";
    case I8042_NO_KEYBOARD:
        return "8042 controller found, but no keyboard answers on its first port";
    case I8042_KEYBOARD:
        if (translated)
            return "PS/2 keyboard on IRQ 1, scan code set 2 translated to set 1 by the 8042";
        return set == SCANCODE_SET1 ? "PS/2 keyboard on IRQ 1, scan code set 1"
                                    : "PS/2 keyboard on IRQ 1, scan code set 2";
    }
    return "?";
}
