#!/bin/bash
# Runs every test layer and prints one summary line "N passed, N failed".
# Called by "make test" after the ISO and the host tests are built.
#   1. host unit tests (tests/host/, with ASan and UBSan), KTAP each;
#   2. kernel tests: the ISO booted with ktest=all in several machines;
#      each boot also counts as a test of its own (it must end cleanly);
#      boots that must panic with a given message; boots at the command
#      line's limits; the machine matrix (PCs without a PIT, HPET, serial
#      port, x2APIC, PCID, SMEP/SMAP or 1 GiB pages; UEFI screens; RAM
#      above the PCI hole), each running the kernel tests its machine
#      bears on; the PS/2 keyboard typing into the shell with no serial
#      port; a 1920x1080 UEFI screenshot read back with the font;
#   3. user tests (tests/user/): each program on the host Linux and on prune
#      with 1 and 4 CPUs, compared; then all of them under the default init
#      with the kernel's leak check (tools/user-test.sh);
#   3b. busybox sessions (tests/busybox/*.sh): shell scripts run by Debian's
#      busybox sh on the host Linux and on prune, compared
#      (tools/busybox-test.sh);
#   4. the SPIN model of the page-table protocol (tools/check-model.sh);
#   5. the layer rules of the source tree (tools/check-layers.sh);
#   6. the gdb commands of tools/gdb/prune.py against a stopped prune
#      (tools/gdb/test.sh).
# Logs are kept in build/test-logs/.
set -u
cd "$(dirname "$0")/.."
logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
iso=build/prune.iso

echo "== host tests"
for t in build/host/test_*; do
    case "$t" in *.d) continue ;; esac
    name=$(basename "$t")
    "$t" > "$logs/host-$name.ktap" 2>&1
    echo "$name: exit $?"
done

# Command lines at prune's limits (lib/cmdline.h): 40 options before
# init=, and lines of 2,047 bytes (the longest taken) and 2,048 bytes; and
# double quotes, which group words as on Linux (through GRUB: tools/grub-quote).
init_argv="init=/bin/test_init_argv $(seq -s ' ' 1 40)"
# line_of_length N TAIL: "pad=xx...x TAIL", N bytes long.
line_of_length() {
    printf 'pad=%s %s' "$(head -c $(($1 - ${#2} - 5)) /dev/zero | tr '\0' x)" "$2"
}

# name | expected qemu-run status | what the log must contain |
# qemu-run arguments | kernel command line
boots=(
    "bios-smp1-128M|0||--smp 1 --mem 128M|ktest=all"
    "bios-64M|0||--mem 64M|ktest=all"
    "bios-3G|0||--mem 3G --timeout 180|ktest=all"
    "bios-8G|0||--mem 8G --timeout 180|ktest=all"
    "uefi-512M|0||--uefi --mem 512M --timeout 120|ktest=all"
    "bios-smp2-256M|0|smp: 2 CPU(s) online|--smp 2 --mem 256M|ktest=all"
    "bios-smp4-512M|0|smp: 4 CPU(s) online|--smp 4 --mem 512M --timeout 180|ktest=all"
    "uefi-smp4-512M|0|smp: 4 CPU(s) online|--uefi --smp 4 --mem 512M --timeout 120|ktest=smp"
    "bios-smp64|0|smp: 64 CPU(s) online|--smp 64 --mem 512M --timeout 300|ktest=smp"
    "bios-16M-too-small|125|prune needs at least|--mem 16M|ktest=all"
    "panic-selftest|125|RIP: .*selftest_page_fault+0x|--mem 128M|selftest=panic"
    "double-fault-selftest|125|on IST stack 1 (#DF)|--mem 128M|selftest=double-fault"
    "panic-smp4-stops-cpus|125|stopped 3 of 3 other CPU|--smp 4|selftest=panic-smp"
    "lock-recursion-selftest|125|recursive acquire of spinlock 'selftest' at kernel/selftest.c:[0-9]*, already taken at kernel/selftest.c||selftest=lock-recursion"
    "lock-foreign-unlock-selftest|125|released at kernel/selftest.c:[0-9]* by CPU 0, but held by CPU 1|--smp 2|selftest=lock-foreign-unlock"
    "minish-job-control|0|PID 1 exited with status 0|--smp 2 --serial-script tests/user/minish_job_control.script|leakcheck init=/bin/minish"
    "busybox-sh|3|PID 1 exited with status 3|--smp 2 --serial-script tests/user/busybox_sh.script|init=/bin/sh"
    "busybox-make-run|5|PID 1 exited with status 5|--smp 2 --mem 512M --serial-script tests/user/busybox_run.script|leakcheck init=/bin/sh -l"
    "cmdline-40-options|0|prune: running /bin/test_init_argv as PID 1|--smp 2|$(printf 'opt%d ' $(seq 1 40))leakcheck $init_argv"
    "cmdline-2047-bytes|0|prune: running /bin/test_init_argv as PID 1|--smp 2|$(line_of_length 2047 "leakcheck $init_argv")"
    "cmdline-2048-bytes|125|command line is 2048 bytes long|--smp 2|$(line_of_length 2048 "leakcheck $init_argv")"
    "cmdline-quotes|3|^quoted: 42 two|--smp 2|msg=\"a b\" init=/bin/sh -c \"echo quoted: \$((6 * 7)) two; exit 3\""
    # The machine matrix: machines that stand in for PCs we cannot reach.
    "matrix-pc|0|from the HPET; the ACPI PM timer gives|--machine pc|ktest=time,console,acpi"
    "matrix-q35|0|from the HPET; the ACPI PM timer gives|--machine q35|ktest=time,console,acpi"
    "matrix-q35-no-pit-no-hpet|0|TSC [0-9.]* MHz from the ACPI PM timer; no second|--machine q35,pit=off --no-hpet|ktest=time,console"
    "matrix-no-hpet|0|from the ACPI PM timer; the PIT gives|--no-hpet --smp 2|ktest=time,smp"
    "matrix-cpu-qemu64|0|SMEP absent, SMAP absent|--cpu qemu64 --smp 2|ktest=mm_paging,pt,time,traps"
    "matrix-cpu-nehalem|0|direct map [0-9]* MiB in 2 MiB pages|--cpu Nehalem --mem 1G|ktest=mm_paging,pt,time,traps"
    "matrix-cpu-epyc|0|direct map [0-9]* MiB in 1 GiB pages|--cpu EPYC --smp 2|ktest=mm_paging,pt,time,smp"
    "matrix-cpu-no-pcid|0|APIC timer periodic|--cpu max,-pcid,-invpcid --smp 2|ktest=mm_paging,pt,smp,time"
    "matrix-cpu-no-tsc-deadline|0|APIC timer periodic|--cpu max,-tsc-deadline|ktest=time"
    "matrix-uefi-800x600|0|fb console, 100x37 characters|--uefi --resolution 800x600 --timeout 120|ktest=console,time"
    "matrix-uefi-1920x1080|0|fb console, 120x33 characters|--uefi --resolution 1920x1080 --timeout 120|ktest=console,time"
    "matrix-q35-6G-pci-hole|0|prune: 1 CPU(s), 6[0-9][0-9][0-9] MiB|--machine q35 --mem 6G --timeout 180|ktest=mm_paging,mm_frame,time"
    "matrix-no-serial|0||--no-serial|ktest=time,console,file_console"
)

# Boots with actions on the keyboard and the screen (their text holds the
# '|' that separates the fields above).
kbd_line='Hello, World! `1234567890-= ~!@#$%^&*()_+ qwertyuiop[]\ QWERTYUIOP{}| '
kbd_line+="asdfghjkl;' ASDFGHJKL:\" zxcvbnm,./ ZXCVBNM<>?"
# The PS/2 keyboard, no serial port: /bin/kbdtest exits 42 if every key
# typed arrived as its character (a typo corrected with Backspace first);
# "exit" hands its status to QEMU.
keyboard_boot() {
    tools/qemu-run "$iso" --no-serial --cmdline "init=/bin/minish" \
        --keys "kbdtest Hellp{backspace}o${kbd_line#Hello}\n" --keys 'exit\n' --timeout 180
}
# The 1920x1080 UEFI screen: the shell's prompt and a typed line, read back
# from a screenshot by matching every cell against the font.
screenshot_boot() {
    tools/qemu-run "$iso" --uefi --resolution 1920x1080 --cmdline "init=/bin/minish" \
        --keys 'kbdtest screenshot {shift-4}HOME\n' --screenshot "$logs/uefi-1920x1080.png" \
        --keys 'exit 7\n' --timeout 180
    local rc=$?
    [ $rc = 7 ] || return $rc
    pngtopnm "$logs/uefi-1920x1080.png" | build/screen-text > "$logs/uefi-1920x1080.txt" &&
        grep -q '^\$ kbdtest screenshot \$HOME$' "$logs/uefi-1920x1080.txt" &&
        grep -q '^kbdtest: got      "screenshot \$HOME"$' "$logs/uefi-1920x1080.txt" &&
        echo "screen-text read the typed line back from the screenshot" && return 7
}
special=("keyboard-no-serial|42|keyboard_boot" "uefi-screenshot-font|7|screenshot_boot")

echo "== boots"
boot_ktap="$logs/boots.ktap"
printf 'KTAP version 1\n1..%d\n' $((${#boots[@]} + ${#special[@]})) > "$boot_ktap"
n=0
for b in "${boots[@]}"; do
    IFS='|' read -r name expect pattern args cmdline <<< "$b"
    n=$((n + 1))
    log="$logs/boot-$name.log"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    tools/qemu-run "$iso" $args --cmdline "$cmdline" > "$log" 2>&1
    rc=$?
    secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
    verdict=ok
    [ "$rc" = "$expect" ] || verdict="not ok"
    if [ -n "$pattern" ] && ! grep -q "$pattern" "$log"; then verdict="not ok"; fi
    printf '%s %d boot-%s # status %s (expected %s), %ss\n' "$verdict" $n "$name" "$rc" "$expect" "$secs" \
        | tee -a "$boot_ktap"
    [ "$verdict" = ok ] || tail -n 30 "$log" | sed 's/^/    | /'
done

for b in "${special[@]}"; do
    IFS='|' read -r name expect fn <<< "$b"
    n=$((n + 1))
    log="$logs/boot-$name.log"
    start=$(date +%s.%N)
    $fn > "$log" 2>&1
    rc=$?
    secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
    verdict=ok
    [ "$rc" = "$expect" ] || verdict="not ok"
    printf '%s %d boot-%s # status %s (expected %s), %ss\n' "$verdict" $n "$name" "$rc" "$expect" "$secs" \
        | tee -a "$boot_ktap"
    [ "$verdict" = ok ] || tail -n 30 "$log" | sed 's/^/    | /'
done

echo "== user tests"
tools/user-test.sh "$logs"

echo "== busybox sessions"
tools/busybox-test.sh "$logs"

echo "== model"
tools/check-model.sh "$logs"

echo "== layers"
tools/check-layers.sh "$logs"

echo "== gdb"
tools/gdb/test.sh "$logs"

echo "== summary"
# Kernel test results count only from boots that were meant to run them.
files=("$logs"/host-*.ktap "$boot_ktap" "$logs/user.ktap" "$logs/user-leakcheck.ktap"
       "$logs/busybox.ktap"
       "$logs/model.ktap" "$logs/layers.ktap" "$logs/gdb.ktap")
for b in "${boots[@]}"; do
    IFS='|' read -r name expect pattern args cmdline <<< "$b"
    # a boot without a serial port has no KTAP to read: its status is its test
    [ "$expect" = 0 ] && [[ "$args" != *--no-serial* ]] && files+=("$logs/boot-$name.log")
done
build/ktap "${files[@]}"
