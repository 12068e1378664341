#!/bin/sh
# Usage: tools/mkinitrd.sh OUT.cpio [BINDIR]
# Packs the initial RAM disk: a newc cpio archive, loaded by GRUB as the
# multiboot2 module "initrd" and mounted by the kernel as its ramfs
# (docs/initrd.md). It holds /README and /bin, where every regular file of
# BINDIR (if given; not its subdirectories) is copied with its mode.
# Owners are set to root and inode numbers renumbered, so the archive does
# not depend on who built it where.
set -e
out=$(realpath -m "$1")
dir=$(dirname "$out")/initrd
rm -rf "$dir"
mkdir -p "$dir/bin"
echo "prune initrd" > "$dir/README"
if [ -n "$2" ]; then
    [ -d "$2" ] || { echo "mkinitrd: $2 is not a directory" >&2; exit 1; }
    find "$2" -maxdepth 1 -type f -exec cp -p {} "$dir/bin/" \;
fi
(cd "$dir" && find . | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible > "$out")
