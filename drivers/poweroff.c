/* machine_exit(); see drivers/poweroff.h. */
#include "drivers/poweroff.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4

void machine_exit(uint8_t code)
{
    outl(QEMU_DEBUG_EXIT_PORT, code);
    cpu_halt_forever();
}
