#!/bin/sh
# Usage: tools/grubcfg.sh "KERNEL COMMAND LINE" < boot/grub.cfg > grub.cfg
# Fills in the default command line. The "set prune_cmdline=" line is padded
# with spaces to a fixed length so that tools/qemu-run can change the command
# line by patching the ISO in place, without rebuilding it; so are the
# "set prune_gfxpayload=" line (for qemu-run --resolution) and the
# "set prune_extra=" line (an extra initrd module's file name, for qemu-run
# --extra; room for 128 bytes). The room left is for 4,096 bytes: twice
# what the kernel takes (CMDLINE_MAX in lib/cmdline.h), so that a longer
# line reaches the kernel and is refused there, loudly. GRUB 2.06 itself
# reads a word of grub.cfg (the whole prune_cmdline="..." is one) of at most
# 8,191 bytes (docs/boot.md). The line is written as tools/grub-quote
# quotes it.
set -e
room=4096
quoted=$("$(dirname "$0")/grub-quote" "$1")
line=$(printf 'set prune_cmdline="%s"' "$quoted")
width=$((room + ${#line} - ${#quoted}))
[ ${#line} -le $width ] || { echo "grubcfg: command line too long" >&2; exit 1; }
padded=$(printf "%-${width}s" "$line")
gfx_width=64 # room for "set prune_gfxpayload=" and the modes qemu-run writes
extra_room=128
while IFS= read -r l; do
    case "$l" in
        "set prune_cmdline="*) printf '%s\n' "$padded" ;;
        "set prune_gfxpayload="*) printf "%-${gfx_width}s\n" "$l" ;;
        "set prune_extra="*) printf "%-$((extra_room + 18))s\n" 'set prune_extra=""' ;;
        *) printf '%s\n' "$l" ;;
    esac
done
