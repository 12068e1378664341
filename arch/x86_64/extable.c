/* The exception fix-up table; see arch/x86_64/extable.h. */
#include "arch/x86_64/extable.h"

extern const struct extable_entry __extable_start[], __extable_end[];

/* The address an entry field points at (the field holds target - &field). */
static uint64_t field_target(const int32_t *field)
{
    return (uint64_t)field + (int64_t)*field;
}

uint64_t extable_search(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (field_target(&e->fault) == rip)
            return field_target(&e->fixup);
    return 0;
}

bool extable_fixup(struct trap_frame *tf)
{
    if (tf->vector == T_NMI || tf->vector == T_DF || tf->vector == T_MC ||
        tf->vector >= T_EXCEPTIONS || tf->error_code == TRAP_NO_ERROR_CODE)
        return false;
    uint64_t rip = tf->vector == T_BP ? tf->rip - 1 : tf->rip; /* int3 is 0xcc */
    uint64_t fixup = extable_search(rip);
    if (!fixup)
        return false;
    tf->rip = fixup;
    tf->rax = tf->vector;
    tf->rdx = tf->error_code;
    return true;
}
