#!/bin/bash
# Runs every test layer and prints one summary line "N passed, N failed".
# Called by "make test" after the ISO and the host tests are built.
#   1. host unit tests (tests/host/, with ASan and UBSan), KTAP each;
#   2. kernel tests: the ISO booted with ktest=all in several machines;
#      each boot also counts as a test of its own (it must end cleanly);
#      boots that must panic with a given message; boots at the command
#      line's limits;
#   3. user tests (tests/user/): each program on the host Linux and on prune
#      with 1 and 4 CPUs, compared; then all of them under the default init
#      with the kernel's leak check (tools/user-test.sh);
#   4. the SPIN model of the page-table protocol (tools/check-model.sh).
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
# init=, and lines of 2,047 bytes (the longest taken) and 2,048 bytes.
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
    "bios-3G|0||--mem 3G|ktest=all"
    "bios-8G|0||--mem 8G|ktest=all"
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
    "sh-job-control|0|PID 1 exited with status 0|--smp 2 --serial-script tests/user/sh_job_control.script|init=/bin/sh"
    "cmdline-40-options|0|prune: running /bin/test_init_argv as PID 1|--smp 2|$(printf 'opt%d ' $(seq 1 40))leakcheck $init_argv"
    "cmdline-2047-bytes|0|prune: running /bin/test_init_argv as PID 1|--smp 2|$(line_of_length 2047 "leakcheck $init_argv")"
    "cmdline-2048-bytes|125|command line is 2048 bytes long|--smp 2|$(line_of_length 2048 "leakcheck $init_argv")"
)

echo "== boots"
boot_ktap="$logs/boots.ktap"
printf 'KTAP version 1\n1..%d\n' "${#boots[@]}" > "$boot_ktap"
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

echo "== user tests"
tools/user-test.sh "$logs"

echo "== model"
tools/check-model.sh "$logs"

echo "== summary"
# Kernel test results count only from boots that were meant to run them.
files=("$logs"/host-*.ktap "$boot_ktap" "$logs/user.ktap" "$logs/user-leakcheck.ktap"
       "$logs/model.ktap")
for b in "${boots[@]}"; do
    IFS='|' read -r name expect pattern args cmdline <<< "$b"
    [ "$expect" = 0 ] && files+=("$logs/boot-$name.log")
done
build/ktap "${files[@]}"
