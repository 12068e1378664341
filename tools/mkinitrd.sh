#!/bin/sh
# Usage: tools/mkinitrd.sh OUT.cpio [BINDIR [BUSYBOX]]
#        tools/mkinitrd.sh --extra OUT.cpio FILE...
# Packs the initial RAM disk: a newc cpio archive, loaded by GRUB as the
# multiboot2 module "initrd" and unpacked by the kernel into its root file
# system (docs/initrd.md). It holds /README, the files of user/rootfs
# (/etc/profile, passwd, group), the empty directories /dev, /proc, /root and /tmp, and
# /bin, where every regular file of BINDIR (if given; not its
# subdirectories) is copied with its mode. With BUSYBOX, that program is
# /bin/busybox and each of its applets a symbolic link to it where
# "busybox --list-full" puts it (/bin/sh, /bin/ls, /usr/bin/awk...), unless
# BINDIR has a program of that name in /bin.
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
    cp -R "$(dirname "$0")/../user/rootfs/." "$dir/"
    mkdir -p "$dir/dev" "$dir/proc" "$dir/root" "$dir/tmp"
    chmod 700 "$dir/root"
    chmod 1777 "$dir/tmp"
    if [ -n "${1:-}" ]; then
        [ -d "$1" ] || { echo "mkinitrd: $1 is not a directory" >&2; exit 1; }
        find "$1" -maxdepth 1 -type f -exec cp -p {} "$dir/bin/" \;
    fi
    if [ -n "${2:-}" ]; then
        cp -p "$2" "$dir/bin/busybox"
        "$2" --list-full | while read -r applet; do
            [ "$applet" = linuxrc ] && continue # an initrd's old PID 1; prune's is init=
            [ -e "$dir/$applet" ] || [ -L "$dir/$applet" ] && continue
            [ -e "$dir/bin/${applet##*/}" ] && continue
            mkdir -p "$dir/$(dirname "$applet")"
            ln -s /bin/busybox "$dir/$applet"
        done
    fi
fi
(cd "$dir" && find . | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible > "$out")
