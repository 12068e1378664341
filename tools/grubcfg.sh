#!/bin/sh
# Usage: tools/grubcfg.sh "KERNEL COMMAND LINE" < boot/grub.cfg > grub.cfg
# Fills in the default command line. The "set prune_cmdline=" line is padded
# with spaces to a fixed length so that tools/qemu-run can change the command
# line by patching the ISO in place, without rebuilding it.
set -e
line=$(printf 'set prune_cmdline="%s"' "$1")
width=800
[ ${#line} -le $width ] || { echo "grubcfg: command line too long" >&2; exit 1; }
padded=$(printf "%-${width}s" "$line")
while IFS= read -r l; do
    case "$l" in
        "set prune_cmdline="*) printf '%s\n' "$padded" ;;
        *) printf '%s\n' "$l" ;;
    esac
done
