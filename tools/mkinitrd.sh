#!/bin/sh
# Usage: tools/mkinitrd.sh OUT.cpio
# Packs the initial RAM disk (a newc cpio archive, loaded by GRUB as a
# multiboot2 module). For now it holds only a README.
set -e
out=$(realpath -m "$1")
dir=$(dirname "$out")/initrd
rm -rf "$dir"
mkdir -p "$dir/bin"
echo "prune initrd" > "$dir/README"
(cd "$dir" && find . | LC_ALL=C sort | cpio --quiet -o -H newc > "$out")
