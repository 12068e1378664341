/*
 * Boot hooks: code outside the kernel proper that runs once the machine is
 * up (every CPU online, interrupts on) and before PID 1, when the command
 * line names it: the in-kernel tests (ktest=), the kernel benchmarks
 * (bench=). A file registers its hook with BOOT_HOOK("option", fn); kmain
 * calls boot_hooks_run(), which calls fn(value) for each hook whose option
 * is on the command line, in link order, and knows nothing else of them
 * (Linux's late_initcall and KUnit work the same way). A hook may end the
 * boot (machine_exit) or return, and PID 1 then starts.
 */
#ifndef KERNEL_BOOT_HOOK_H
#define KERNEL_BOOT_HOOK_H

struct boot_hook {
    const char *option;             /* runs when this option is given */
    void (*run)(const char *value); /* with its value ("" for a bare word) */
};

#define BOOT_HOOK(option_, fn_)                                                   \
    static const struct boot_hook boot_hook_##fn_                                 \
        __attribute__((used, section(".boot_hooks"), aligned(8))) = {option_, fn_}

/* Runs the hooks the command line asks for (see above). */
void boot_hooks_run(void);

#endif
