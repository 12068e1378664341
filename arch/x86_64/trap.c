/* Placeholder until the trap code lands. */
#include "arch/x86_64/trap.h"

void trap_init(void)
{
}
