#!/bin/sh
# Checks for every Debian package prune needs and installs the missing ones
# with apt-get (as root, or through sudo). Prints what it does.
set -e
packages="gcc make binutils nasm grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
qemu-system-x86 ovmf musl-tools cpio spin gnuplot-nox netpbm gdb python3"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    exit 0
fi
echo "install-deps: missing Debian packages:$missing"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "install-deps: running apt-get update and apt-get install -y$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
echo "install-deps: done"
