/* Boot hooks; see kernel/boot_hook.h. */
#include "kernel/boot_hook.h"

#include "lib/cmdline.h"

extern const struct boot_hook __boot_hooks_start[], __boot_hooks_end[];

void boot_hooks_run(void)
{
    for (const struct boot_hook *h = __boot_hooks_start; h < __boot_hooks_end; h++) {
        const char *value = cmdline_get(&kernel_cmdline, h->option);
        if (value)
            h->run(value);
    }
}
