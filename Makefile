# prune: build, run and test. See README.md.
#
# There is no x86_64-elf cross compiler package in Debian 12, so the kernel is
# built with the host gcc and these flags turn it into a kernel compiler:
#   -ffreestanding -nostdinc    no hosted libc; only gcc's own headers
#                               (stdint.h, stddef.h, stdarg.h, stdbool.h)
#   -mno-red-zone               interrupts push onto the stack below %rsp:
#                               the SysV 128-byte red zone would be clobbered
#   -mcmodel=kernel             code and data live in the top 2 GiB
#   -mgeneral-regs-only         no SSE/x87 in the kernel: user FPU state is
#                               left alone, no save/restore on kernel entry
#   -fno-pie -fno-pic           Debian's gcc defaults to PIE
#   -fno-stack-protector        no libc canary support
#   -fcf-protection=none        Debian's gcc defaults to CET (endbr64 everywhere)
#   -fno-omit-frame-pointer     %rbp chains make the panic backtrace possible
#   -Wall -Wextra -Werror       warnings are bugs
# The kernel is linked twice: the second pass embeds the symbol table of the
# first (tools/gensyms.sh) for symbolized backtraces.

CC      := gcc
LD      := ld
NASM    := nasm
BUILD   := build
QEMU_RUN := tools/qemu-run

# DEBUG=1 (default) turns on the debug checks (lock owners, audits, poison).
DEBUG   ?= 1
SMP     ?= 1
MEM     ?= 512M
CMDLINE ?= init=/bin/sh -l
# The ISO's default command line (make run CMDLINE=... patches a copy instead).
ISO_CMDLINE ?=

KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
    -isystem $(shell $(CC) -print-file-name=include) \
    -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
    -fno-pie -fno-pic -fno-stack-protector -fcf-protection=none \
    -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
    -Wall -Wextra -Werror -I. -MMD -MP
ifeq ($(DEBUG),1)
KERNEL_CFLAGS += -DDEBUG
endif
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

KERNEL_C   := $(wildcard arch/x86_64/*.c mm/*.c kernel/*.c kernel/signal/*.c fs/*.c drivers/*.c lib/*.c tests/kernel/*.c)
KERNEL_ASM := $(wildcard boot/*.asm arch/x86_64/*.asm)
KERNEL_OBJ := $(KERNEL_C:%.c=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.o) $(BUILD)/font/fonts.o

HOST_CFLAGS := -std=gnu11 -g -O1 -I. -Wall -Wextra -Werror \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_TESTS  := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))

.PHONY: all iso kernel user run debug test soak bench compare trace grade lab-start host-tests deps clean disasm \
        usb screenshot FORCE
all: iso

kernel: $(BUILD)/prune.elf
iso: $(BUILD)/prune.iso

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -MD $(@:.o=.d) $< -o $@

# The console font: Terminus (Dimitar Zhekov, SIL Open Font License 1.1) in
# 8x16 and 16x32, from Debian's console-setup-linux package, fetched with
# "apt-get download" into $(BUILD)/font (never installed, never committed)
# and converted to C by tools/psf2c.
FONT_PKG := console-setup-linux
FONT_DIR := $(BUILD)/font
FONT_PSF := /usr/share/consolefonts
$(FONT_DIR)/font.deb:
	@mkdir -p $(FONT_DIR)
	cd $(FONT_DIR) && rm -f $(FONT_PKG)_*.deb && \
	    { apt-get download $(FONT_PKG) || { apt-get update -q && apt-get download $(FONT_PKG); }; }
	mv $(FONT_DIR)/$(FONT_PKG)_*.deb $@
	@echo "font: Terminus from $(FONT_PKG) $$(dpkg-deb -f $@ Version)"

$(BUILD)/psf2c: tools/psf2c.c
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror $< -o $@

$(FONT_DIR)/fonts.c: $(FONT_DIR)/font.deb $(BUILD)/psf2c
	dpkg-deb --fsys-tarfile $< | tar -xO .$(FONT_PSF)/Lat15-Terminus16.psf.gz | gunzip > $(FONT_DIR)/8x16.psf
	dpkg-deb --fsys-tarfile $< | tar -xO .$(FONT_PSF)/Lat15-Terminus32x16.psf.gz | gunzip > $(FONT_DIR)/16x32.psf
	{ echo '#include "drivers/font.h"'; \
	  echo "const char font_origin[] = \"Terminus, from Debian's $(FONT_PKG) $$(dpkg-deb -f $< Version)\";"; \
	  $(BUILD)/psf2c font_8x16 $(FONT_DIR)/8x16.psf; \
	  $(BUILD)/psf2c font_16x32 $(FONT_DIR)/16x32.psf; } > $@.tmp
	mv $@.tmp $@

$(FONT_DIR)/fonts.o: $(FONT_DIR)/fonts.c
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/ksyms.pass1.o: tools/gensyms.sh
	@mkdir -p $(BUILD)
	tools/gensyms.sh > $(BUILD)/ksyms.pass1.S
	$(CC) -c $(BUILD)/ksyms.pass1.S -o $@

$(BUILD)/prune.pass1.elf: $(KERNEL_OBJ) $(BUILD)/ksyms.pass1.o linker.ld
	$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/ksyms.pass1.o

$(BUILD)/prune.elf: $(BUILD)/prune.pass1.elf
	tools/gensyms.sh $< > $(BUILD)/ksyms.S
	$(CC) -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/ksyms.o
	@tools/gensyms.sh $@ | cmp -s - $(BUILD)/ksyms.S || \
	    { echo "error: symbols moved between the two link passes"; rm -f $@; exit 1; }

# User programs: user/*.c (init...), the user tests tests/user/test_*.c and
# the user benchmarks tests/bench/bench_*.c (run by make bench, not by
# /bin/init's test run), static Linux binaries built with musl-gcc,
# installed in the initrd's /bin (the glibc builds of the tests: below).
# "make iso EXTRA_BIN=DIR" adds every file of DIR to /bin as well (a file
# there wins over a program of the same name).
MUSL_CC    := musl-gcc
USER_CFLAGS := -static -std=gnu11 -O2 -Wall -Wextra -Werror
USER_PROGS := $(patsubst user/%.c,$(BUILD)/user/bin/%,$(wildcard user/*.c)) \
              $(patsubst tests/user/%.c,$(BUILD)/user/bin/%,$(wildcard tests/user/test_*.c))
BENCH_PROGS := $(patsubst tests/bench/%.c,$(BUILD)/user/bin/%,$(wildcard tests/bench/bench_*.c))
EXTRA_BIN  ?=

$(BUILD)/user/bin/%: user/%.c
	@mkdir -p $(dir $@) $(BUILD)/user/dep
	$(MUSL_CC) $(USER_CFLAGS) -MMD -MP -MF $(BUILD)/user/dep/$*.d -MT $@ $< -o $@

$(BUILD)/user/bin/%: tests/user/%.c
	@mkdir -p $(dir $@) $(BUILD)/user/dep
	$(MUSL_CC) $(USER_CFLAGS) -MMD -MP -MF $(BUILD)/user/dep/$*.d -MT $@ $< -o $@

$(BUILD)/user/bin/%: tests/bench/%.c
	@mkdir -p $(dir $@) $(BUILD)/user/dep
	$(MUSL_CC) $(USER_CFLAGS) -MMD -MP -MF $(BUILD)/user/dep/$*.d -MT $@ $< -o $@

# test_static_pie is a static PIE. musl-gcc's specs know only -static, so
# musl's start files for it (rcrt1.o) are named here; MUSL_LIB is Debian's path.
MUSL_LIB ?= /usr/lib/x86_64-linux-musl
$(BUILD)/user/bin/test_static_pie: tests/user/test_static_pie.c
	@mkdir -p $(dir $@) $(BUILD)/user/dep
	$(MUSL_CC) $(filter-out -static,$(USER_CFLAGS)) -fPIE -static-pie -nostartfiles \
	    -Wl,--no-dynamic-linker -Wl,-Bstatic -MMD -MP -MF $(BUILD)/user/dep/test_static_pie.d -MT $@ \
	    $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o) \
	    $< $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o -o $@

# Every user test also built with Debian's glibc ("gcc -static"), as
# test_x.glibc, except those marked "prune-test: musl-only". Each goes in an
# archive of its own, /boot/extra/test_x.glibc.cpio on the ISO, which
# tools/qemu-run --extra loads beside the base initrd: a boot carries the
# one glibc program it runs (static glibc programs are big: all of them
# would make every boot slower).
GLIBC_CC    := gcc
GLIBC_SRCS  := $(shell grep -L 'prune-test: musl-only' tests/user/test_*.c)
GLIBC_PROGS := $(patsubst tests/user/%.c,$(BUILD)/user/glibc/%.glibc,$(GLIBC_SRCS))
GLIBC_CPIOS := $(patsubst $(BUILD)/user/glibc/%,$(BUILD)/extra/%.cpio,$(GLIBC_PROGS))

$(BUILD)/user/glibc/%.glibc: tests/user/%.c
	@mkdir -p $(dir $@) $(BUILD)/user/dep
	$(GLIBC_CC) $(USER_CFLAGS) -MMD -MP -MF $(BUILD)/user/dep/$*.glibc.d -MT $@ $< -o $@

$(BUILD)/extra/%.cpio: $(BUILD)/user/glibc/% tools/mkinitrd.sh
	@mkdir -p $(dir $@)
	tools/mkinitrd.sh --extra $@ $<

# Debian's busybox (package busybox-static: one static glibc program with
# some 300 applets), fetched with "apt-get download" into $(BUILD)/busybox
# (never installed, never committed). It is the initrd's /bin/busybox, with
# a link for every applet, and /bin/sh is its ash (tools/mkinitrd.sh).
BUSYBOX_PKG := busybox-static
BUSYBOX_DIR := $(BUILD)/busybox
BUSYBOX     := $(BUSYBOX_DIR)/busybox
$(BUSYBOX_DIR)/busybox.deb:
	@mkdir -p $(BUSYBOX_DIR)
	cd $(BUSYBOX_DIR) && rm -f $(BUSYBOX_PKG)_*.deb && \
	    { apt-get download $(BUSYBOX_PKG) || { apt-get update -q && apt-get download $(BUSYBOX_PKG); }; }
	mv $(BUSYBOX_DIR)/$(BUSYBOX_PKG)_*.deb $@

$(BUSYBOX): $(BUSYBOX_DIR)/busybox.deb
	dpkg-deb --fsys-tarfile $< | tar -xO ./bin/busybox > $@.tmp
	chmod 755 $@.tmp
	mv $@.tmp $@
	@echo "busybox: $$($@ | head -1) from Debian's $(BUSYBOX_PKG) $$(dpkg-deb -f $< Version)"

# The busybox session scripts (tools/busybox-test.sh), in an archive of
# their own: their files join /bin.
$(BUILD)/extra/busybox-tests.cpio: $(wildcard tests/busybox/*.sh) tools/mkinitrd.sh
	@mkdir -p $(dir $@)
	tools/mkinitrd.sh --extra $@ $(wildcard tests/busybox/*.sh)

user: $(USER_PROGS) $(BENCH_PROGS) $(GLIBC_PROGS)

# Changes (and so rebuilds the initrd) only when EXTRA_BIN names another directory.
$(BUILD)/extra-bin.txt: FORCE
	@mkdir -p $(BUILD)
	@echo "$(if $(EXTRA_BIN),$(abspath $(EXTRA_BIN)))" | cmp -s - $@ || \
	    echo "$(if $(EXTRA_BIN),$(abspath $(EXTRA_BIN)))" > $@

$(BUILD)/initrd.cpio: $(USER_PROGS) $(BENCH_PROGS) $(if $(EXTRA_BIN),$(wildcard $(EXTRA_BIN)/*)) \
                      $(BUILD)/extra-bin.txt tools/mkinitrd.sh $(BUSYBOX) $(shell find user/rootfs)
	rm -rf $(BUILD)/initrd-bin
	mkdir -p $(BUILD)/initrd-bin
	cp $(USER_PROGS) $(BENCH_PROGS) $(BUILD)/initrd-bin/
	$(if $(EXTRA_BIN),find $(EXTRA_BIN)/ -maxdepth 1 -type f -exec cp -p {} $(BUILD)/initrd-bin/ \;)
	tools/mkinitrd.sh $@ $(BUILD)/initrd-bin $(BUSYBOX)

$(BUILD)/prune.iso: $(BUILD)/prune.elf $(BUILD)/initrd.cpio $(GLIBC_CPIOS) \
                    $(BUILD)/extra/busybox-tests.cpio boot/grub.cfg tools/grubcfg.sh tools/grub-quote
	rm -rf $(BUILD)/isodir
	mkdir -p $(BUILD)/isodir/boot/grub $(BUILD)/isodir/boot/extra
	cp $(BUILD)/prune.elf $(BUILD)/initrd.cpio $(BUILD)/isodir/boot/
	cp $(GLIBC_CPIOS) $(BUILD)/extra/busybox-tests.cpio $(BUILD)/isodir/boot/extra/
	tools/grubcfg.sh "$(ISO_CMDLINE)" < boot/grub.cfg > $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir

# The kernel's disassembly and symbol table, for reading and debugging.
disasm: $(BUILD)/prune.elf
	objdump -d -M intel -S $< > $(BUILD)/prune.asm
	nm -n $< > $(BUILD)/prune.sym
	@echo "wrote $(BUILD)/prune.asm and $(BUILD)/prune.sym"

deps:
	@tools/install-deps.sh

run: deps iso
	$(QEMU_RUN) $(BUILD)/prune.iso --interactive --smp $(SMP) --mem $(MEM) \
	    $(if $(CMDLINE),--cmdline "$(CMDLINE)") $(if $(UEFI),--uefi)

debug: deps iso
	@echo "QEMU waits for gdb on :1234; in another terminal: gdb -x tools/gdbinit"
	$(QEMU_RUN) $(BUILD)/prune.iso --interactive --gdb --smp $(SMP) --mem $(MEM) \
	    $(if $(CMDLINE),--cmdline "$(CMDLINE)")

$(BUILD)/host/%: tests/host/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP $< -o $@

$(BUILD)/ktap: tools/ktap.c tools/ktap_parse.c tools/ktap_parse.h
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. tools/ktap.c tools/ktap_parse.c -o $@

# Reads the text on a screenshot of the framebuffer console (tools/screen-text.c).
$(BUILD)/screen-text: tools/screen-text.c drivers/font.c $(FONT_DIR)/fonts.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -I. $^ -o $@

host-tests: $(HOST_TESTS) $(BUILD)/ktap $(BUILD)/screen-text

test: deps iso host-tests
	@tools/run-tests.sh

# The long run, outside "make test": boots workload after workload (the
# tests with a "prune-test: soak-args:" marker, and memory pressure at
# 64 MiB) with the leak check, rotating -smp 2/4/16 and ptfree=rcu/ipi/off,
# for MINUTES; one line per boot and a verdict (tools/soak.sh).
MINUTES ?= 30
soak: deps iso
	@tools/soak.sh $(MINUTES)

# Benchmarks: figures as "name value unit" lines, from one boot with 4 CPUs
# (2 GiB: mincore_1g populates 1 GiB): the kernel's (tests/kernel/bench.c), then
# /bin/init runs every /bin/bench_* (tests/bench/); then a boot with 128 MiB
# runs bench_pressure (reads over 64 GiB), which needs a small machine.
bench: deps iso
	@$(QEMU_RUN) $(BUILD)/prune.iso --smp 4 --mem 2G --cmdline "bench=all init=/bin/init bench_" \
	    --timeout 300 \
	    | tr -d '\r' | grep -E '^[a-z_0-9]+ [0-9]+ [a-z]+$$|^# bench'
	@$(QEMU_RUN) $(BUILD)/prune.iso --smp 4 --mem 128M --cmdline "init=/bin/init bench_pressure" \
	    --timeout 300 \
	    | tr -d '\r' | grep -E '^[a-z_0-9]+ [0-9]+ [a-z]+$$|^# bench|^init: bench'

# The page-table events of one workload, recorded (mm/pt_trace.h) and drawn
# into $(BUILD)/trace/ (tools/trace/run.sh): make trace [WORKLOAD=bench_seed_5g]
# [PTFREE=rcu|ipi|off|all]; PTFREE=all also refreshes docs/trace/.
WORKLOAD ?= bench_seed_5g
PTFREE ?= rcu
trace: deps
	$(MAKE) BUILD=$(BUILD)/trace/prune DEBUG=0 iso
	tools/trace/run.sh $(WORKLOAD) $(PTFREE)

# The course labs (docs/labs/): make grade [LAB=watch|break|cascade|measure]
# prints one line per check and "score: N/M"; make lab-start LAB=cascade
# gives the lab's starting tree (never over uncommitted changes).
LAB ?=
grade: deps iso
	tools/labs/grade.sh $(LAB)

lab-start:
	tools/labs/lab-start.sh $(LAB)

# Side by side with Linux (docs/compare.md): the user benchmarks on prune
# built with DEBUG=0 (in $(BUILD)/compare/prune) under ptfree=rcu, ipi and
# off and under ptreclaim=lazy, on Debian's Linux under the same QEMU, and on
# the host, and bench_pressure on prune and Linux with 128 MiB; writes
# $(BUILD)/compare/report.md and updates the README's "prune vs Linux".
compare: deps
	$(MAKE) BUILD=$(BUILD)/compare/prune DEBUG=0 iso
	@tools/compare/run.sh

# Writes the ISO to a USB stick, after showing the device and asking.
usb: iso
	@[ -n "$(DEV)" ] || { echo "usage: make usb DEV=/dev/sdX (lsblk lists the disks)"; exit 1; }
	@[ -b "$(DEV)" ] || { echo "usb: $(DEV) is not a block device"; exit 1; }
	@lsblk -o NAME,SIZE,MODEL,TRAN,MOUNTPOINTS $(DEV)
	@printf 'usb: everything on %s will be lost. Type yes to write prune there: ' "$(DEV)"; \
	    read answer; [ "$$answer" = yes ] || { echo "usb: nothing written"; exit 1; }
	dd if=$(BUILD)/prune.iso of=$(DEV) bs=4M conv=fsync status=progress
	@echo "usb: done; docs/bare-metal.md says how to boot it"

# docs/screenshot-uefi-1920x1080.png: the UEFI framebuffer console at
# 1920x1080 after a boot and a command typed on the PS/2 keyboard.
screenshot: deps iso
	$(QEMU_RUN) $(BUILD)/prune.iso --uefi --resolution 1920x1080 --smp 2 --timeout 180 \
	    --cmdline "init=/bin/minish" --keys 'test_hello a b\n' \
	    --screenshot docs/screenshot-uefi-1920x1080.png --keys 'exit\n' > /dev/null

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJ:.o=.d) $(HOST_TESTS:=.d) $(wildcard $(BUILD)/user/dep/*.d)
