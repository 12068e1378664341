/*
 * The machine in a few lines, printed at the end of every boot so that a
 * user of a real PC can photograph the screen and send it: CPU model, APIC
 * mode, where time comes from, memory, screen, keyboard, serial port.
 * "hwinfo" on the command line adds the firmware's whole memory map.
 * See docs/bare-metal.md.
 */
#ifndef KERNEL_HWINFO_H
#define KERNEL_HWINFO_H

/* Boot CPU, after the devices are set up (end of kmain). */
void hwinfo_print(void);

/* The CPU's brand string (CPUID 0x80000002..4, leading spaces dropped;
 * "unknown" without it) into 'brand': /proc/cpuinfo's model name. */
void hwinfo_cpu_brand(char brand[49]);

#endif
