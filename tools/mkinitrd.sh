#!/bin/sh
# Usage: tools/mkinitrd.sh OUT.cpio [BINDIR]
#        tools/mkinitrd.sh --extra OUT.cpio FILE...
# Packs the initial RAM disk: a newc cpio archive, loaded by GRUB as the
# multiboot2 module "initrd" and unpacked by the kernel into its tmpfs
# (docs/initrd.md). It holds /README and /bin, where every regular file of
# BINDIR (if given; not its subdirectories) is copied with its mode.
# With --extra, the archive holds only /bin and the FILEs: an extra module
# merged into the same tree (boot/grub.cfg's prune_extra, tools/qemu-run
# --extra), such as one glibc test.
# Owners are set to root and inode numbers renumbered, so the archive does
# not depend on who built it where.
set -e
extra=0
if [ "$1" = --extra ]; then
    extra=1
    shift
fi
out=$(realpath -m "$1")
shift
if [ $extra = 1 ]; then
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
else
    dir=$(dirname "$out")/initrd
    rm -rf "$dir"
fi
mkdir -p "$dir/bin"
if [ $extra = 1 ]; then
    for f in "$@"; do
        cp -p "$f" "$dir/bin/"
    done
else
    echo "prune initrd" > "$dir/README"
    if [ -n "${1:-}" ]; then
        [ -d "$1" ] || { echo "mkinitrd: $1 is not a directory" >&2; exit 1; }
        find "$1" -maxdepth 1 -type f -exec cp -p {} "$dir/bin/" \;
    fi
fi
(cd "$dir" && find . | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible > "$out")
