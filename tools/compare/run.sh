#!/bin/bash
# Usage: tools/compare/run.sh [SYSTEM...]      (make compare runs it with none)
#
# Runs the user benchmarks (every bench_* of build/compare/prune/user/bin,
# the very binaries of the prune ISO that make compare built with DEBUG=0)
# on each system, one after another, and writes build/compare/report.md and
# its plots (docs/compare.md tells the method):
#   host        natively on this machine's Linux (skipped elsewhere)
#   linux-qemu  Debian's Linux (package linux-image-amd64, downloaded once
#               into build/compare/deb/ and unpacked there, never installed)
#               under QEMU TCG -smp 4 -m 2G, with an initramfs holding the
#               benchmarks, prune's /bin/init and tools/compare/linux_init.c
#   prune-rcu, prune-ipi, prune-off
#               prune under the same QEMU, once per ptfree= strategy
#   prune-lazy  prune under the same QEMU, ptreclaim=lazy (ptfree=rcu)
#   prune-128m, linux-qemu-128m
#               bench_pressure alone, on prune and on Linux in QEMU with
#               128 MiB of RAM
# With SYSTEM arguments only those run; the others' figures from an earlier
# run (build/compare/results/) go into the report. Then the README's
# "prune vs Linux" section and docs/compare/ get the new table and plots,
# unless COMPARE_README=0. Prints a progress line per benchmark.
set -eu
cd "$(dirname "$0")/../.."

out=build/compare
bin=$out/prune/user/bin
iso=$out/prune/prune.iso
timeout=${COMPARE_TIMEOUT:-600}
all_systems="host linux-qemu linux-qemu-128m prune-rcu prune-ipi prune-off prune-lazy prune-128m"
systems=${*:-$all_systems}

start=$SECONDS
progress() { printf 'compare [%3ds] %s\n' $((SECONDS - start)) "$*"; }
die() { echo "compare: error: $*" >&2; exit 1; }

[ -f "$iso" ] && ls $bin/bench_* > /dev/null 2>&1 ||
    die "no $iso or no benchmarks in $bin: run make compare"
mkdir -p $out/logs $out/results

# Prints the path of Debian's kernel image (vmlinuz) after downloading its
# package into $out/deb/ (once) and unpacking its /boot into $out/linux/.
fetch_linux() {
    local deb
    deb=$(ls $out/deb/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | tail -1)
    if [ -z "$deb" ]; then
        local pkg
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
              sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
        if [ -z "$pkg" ]; then
            progress "apt-cache knows no linux-image-amd64: running apt-get update" >&2
            $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get update -q > /dev/null
            pkg=$(apt-cache depends linux-image-amd64 |
                  sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
        fi
        [ -n "$pkg" ] || die "cannot tell which package linux-image-amd64 depends on"
        progress "downloading $pkg (apt-get download, about 70 MB, kept in $out/deb/)" >&2
        mkdir -p $out/deb
        (cd $out/deb && apt-get download "$pkg" 2>&1 | grep -v unsandboxed >&2) || true
        deb=$(ls $out/deb/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | tail -1)
        [ -n "$deb" ] || die "apt-get download $pkg failed"
    fi
    local version
    version=$(basename "$deb" | sed 's/^linux-image-\([^_]*\)_.*/\1/')
    if [ ! -f $out/linux/boot/vmlinuz-$version ]; then
        mkdir -p $out/linux
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C $out/linux ./boot
    fi
    echo $out/linux/boot/vmlinuz-$version
}

# Packs the Linux guest's initramfs: /init (linux_init), /bin/init, /bin/bench_*.
make_linux_initramfs() {
    local dir=$out/linux-initramfs
    rm -rf $dir
    mkdir -p $dir/bin
    musl-gcc -static -std=gnu11 -O2 -Wall -Wextra -Werror tools/compare/linux_init.c -o $dir/init
    cp $bin/init $bin/bench_* $dir/bin/
    (cd $dir && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 > ../linux-initramfs.cpio)
    echo $out/linux-initramfs.cpio
}

# Reads a system's console output on stdin, saves it in logs/NAME.log and
# prints a progress line when a benchmark ends ("init: bench_X: ...").
watch() {
    local name=$1 t0=$SECONDS line
    while IFS= read -r line; do
        line=${line%$'\r'}
        printf '%s\n' "$line" >> $out/logs/$name.log
        case "$line" in
            "init: running "*) progress "$name: started (${line#init: running })" ;;
            "init: bench_"*) line=${line#init: }
                             progress "$name: ${line%%:*} ${line#*: } (+$((SECONDS - t0))s)" ;;
            "qemu-run: "*|*"KERNEL PANIC"*|*"Kernel panic"*) progress "$name: $line" ;;
        esac
    done
}

# Runs the benchmarks on system NAME; its figures go to results/NAME.txt.
run_system() {
    local name=$1
    rm -f $out/logs/$name.log $out/results/$name.txt
    : > $out/logs/$name.log
    progress "$name: starting"
    case $name in
        host)
            {
                echo "compare: kernel $(uname -s) $(uname -r) $(uname -v)"
                local b progs=($bin/bench_*)
                echo "init: running ${#progs[@]} test programs from $bin"
                local passed=0
                for b in "${progs[@]}"; do
                    if timeout "$timeout" "$b"; then
                        echo "init: $(basename $b): exit status 0"
                        passed=$((passed + 1))
                    else
                        echo "init: $(basename $b): exit status $?"
                    fi
                done
                echo "init: $passed of ${#progs[@]} tests passed"
            } 2>&1 | watch $name ;;
        linux-qemu|linux-qemu-128m)
            local kernel initramfs mem=2G extra=""
            [ $name = linux-qemu-128m ] && mem=128M extra=" compare_prefix=bench_pressure"
            kernel=$(fetch_linux)
            initramfs=$(make_linux_initramfs)
            timeout "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
                -smp 4 -m $mem -no-reboot -display none -serial stdio -monitor none \
                -kernel "$kernel" -initrd "$initramfs" \
                -append "console=ttyS0 transparent_hugepage=never quiet panic=-1$extra" \
                < /dev/null 2>&1 | watch $name || true ;;
        prune-*)
            local mem=2G options
            case $name in
                prune-lazy) options="ptreclaim=lazy ptfree=rcu init=/bin/init bench_" ;;
                prune-128m) mem=128M options="ptfree=rcu init=/bin/init bench_pressure" ;;
                *) options="ptfree=${name#prune-} init=/bin/init bench_" ;;
            esac
            tools/qemu-run $iso --smp 4 --mem $mem --timeout "$timeout" \
                --cmdline "$options" 2>&1 | watch $name || true ;;
        *) die "unknown system $name (one of: $all_systems)" ;;
    esac
    grep -E '^[a-z_0-9]+ [0-9]+ [a-z]+$' $out/logs/$name.log > $out/results/$name.txt || true
    # a benchmark killed by a signal (the out-of-memory killer) gets a figure for it
    sed -n 's/^init: bench_\([a-z_0-9]*\): killed by signal \([0-9]*\)$/\1_killed_by_signal \2 signal/p' \
        $out/logs/$name.log >> $out/results/$name.txt
    grep -q '^compare: kernel\|^prune: booted' $out/logs/$name.log &&
        grep -h '^compare: kernel\|^prune: booted' $out/logs/$name.log | head -1 \
            > $out/results/$name.kernel || true
    if grep -q '^init: \([0-9]*\) of \1 tests passed' $out/logs/$name.log ||
       { [ $name = linux-qemu-128m ] && grep -q '^init: bench_pressure: killed by signal' $out/logs/$name.log; }; then
        progress "$name: done, $(wc -l < $out/results/$name.txt) figures"
    else
        progress "$name: FAILED (see $out/logs/$name.log); its figures are missing or partial"
    fi
}

for s in $systems; do
    if [ $s = host ] && [ "$(uname -s)" != Linux ]; then
        progress "host: not Linux, skipped"
        continue
    fi
    run_system $s
done

# What it ran on, for the report.
{
    echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
    echo "host $(uname -s) $(uname -r), $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
    echo "qemu $(qemu-system-x86_64 --version | head -1 | sed 's/^QEMU emulator version //')"
    echo "prune $(git describe --always --dirty 2>/dev/null || echo unknown)"
    echo "linux_package $(ls $out/deb/ 2>/dev/null | tail -1)"
} > $out/results/meta.txt

progress "writing $out/report.md and its plots"
perl tools/compare/report.pl $out
gnuplot -e "dir='$out'" tools/compare/plots.gp
if [ "${COMPARE_README:-1}" = 1 ]; then
    mkdir -p docs/compare
    cp $out/report.md $out/*.png docs/compare/
    perl -0777 -i -pe '
        BEGIN { local $/; open my $f, "<", "'$out'/readme-section.md" or die; $new = <$f>; }
        s{(<!-- compare:begin -->\n).*?(<!-- compare:end -->)}{$1$new$2}s or
            die "compare: no <!-- compare:begin/end --> markers in README.md\n";
    ' README.md
    progress "updated README.md (section \"prune vs Linux\") and docs/compare/"
fi
progress "done: $out/report.md"
