#!/bin/bash
# Usage: tools/check-layers.sh [LOGDIR]
# The layer rules of the source tree, one KTAP line each (README.md, "Layers";
# the arch rule is written in kernel/arch_hooks.h):
#   1. arch/ includes from kernel/, mm/, fs/ and drivers/ only the basic
#      services, the signal numbers and the hook headers; those include
#      nothing else from there in turn, and the hook headers nothing at all;
#   2. no inline assembly in kernel/ (and kernel/signal/), mm/, fs/,
#      drivers/ or lib/ (it lives in arch/ and boot/);
#   3. every #include "arch/..." in mm/ names arch/x86_64/mmu.h;
#   4. no .c file over 600 lines;
#   5. kernel/ holds at most 60 files (a subsystem that outgrows it gets a
#      directory of its own: kernel/signal/);
#   6. kernel/main.c includes no test header (tests hook in at boot:
#      kernel/boot_hook.h).
# Results: LOGDIR/layers.ktap (default build/test-logs), the offenders as
# "# " lines under each failed rule. Exit status 1 if a rule fails.
set -u
cd "$(dirname "$0")/.." || exit 2
logs=${1:-build/test-logs}
mkdir -p "$logs"
ktap=$logs/layers.ktap

# What arch/ may include from the layers above it (kernel/arch_hooks.h).
arch_may_include=(
    kernel/panic.h kernel/printk.h kernel/errno.h kernel/percpu.h kernel/preempt.h
    kernel/spinlock.h kernel/ksyms.h kernel/bootinfo.h kernel/multiboot2.h mm/layout.h
    kernel/signal.h
    kernel/arch_hooks.h mm/arch_hooks.h
)
hook_headers=(kernel/arch_hooks.h mm/arch_hooks.h)

# includes FILE...: "file:line:header" for each #include "header" of the files.
includes() {
    grep -Hn '^#include "' "$@" 2>/dev/null | sed 's/^\([^:]*:[0-9]*\):#include "\([^"]*\)".*/\1:\2/'
}

# allowed_for_arch HEADER: true if arch/ may include HEADER.
allowed_for_arch() {
    case "$1" in
        arch/* | lib/*) return 0 ;;
    esac
    local h
    for h in "${arch_may_include[@]}"; do
        [ "$1" = "$h" ] && return 0
    done
    return 1
}

rule_arch_includes() {
    local bad=0 line header
    while IFS= read -r line; do
        header=${line##*:}
        allowed_for_arch "$header" || { echo "# $line"; bad=1; }
    done < <(includes arch/x86_64/*.c arch/x86_64/*.h "${arch_may_include[@]}")
    for h in "${hook_headers[@]}"; do
        if grep -q '^#include "' "$h"; then
            grep -Hn '^#include "' "$h" | sed 's/^/# a hook header includes: /'
            bad=1
        fi
    done
    return $bad
}

rule_no_inline_asm() {
    local hits
    hits=$(grep -EHn '\b(__asm__|asm)\b[[:space:]]*(volatile|__volatile__)?[[:space:]]*\(' \
        kernel/*.[ch] kernel/*/*.[ch] mm/*.[ch] fs/*.[ch] drivers/*.[ch] lib/*.[ch] 2>/dev/null)
    [ -z "$hits" ] && return 0
    echo "$hits" | sed 's/^/# /'
    return 1
}

rule_mm_one_arch_header() {
    local bad=0 line
    while IFS= read -r line; do
        case "${line##*:}" in
            arch/x86_64/mmu.h) ;;
            arch/*) echo "# $line"; bad=1 ;;
        esac
    done < <(includes mm/*.c mm/*.h)
    return $bad
}

rule_c_files_short() {
    local bad=0 f n
    while IFS= read -r f; do
        n=$(wc -l < "$f")
        [ "$n" -le 600 ] || { echo "# $f: $n lines"; bad=1; }
    done < <(find . -name build -prune -o -name '*.c' -print | sed 's|^\./||' | sort)
    return $bad
}

rule_kernel_files() {
    local n
    n=$(find kernel -maxdepth 1 -type f | wc -l)
    [ "$n" -le 60 ] && return 0
    echo "# kernel/ holds $n files"
    return 1
}

rule_main_no_test_header() {
    local hits
    hits=$(includes kernel/main.c | grep ':tests/')
    [ -z "$hits" ] && return 0
    echo "$hits" | sed 's/^/# /'
    return 1
}

rules=(
    "arch-includes-only-services-signals-and-hooks|rule_arch_includes"
    "no-inline-assembly-outside-arch-and-boot|rule_no_inline_asm"
    "mm-includes-one-arch-header|rule_mm_one_arch_header"
    "no-c-file-over-600-lines|rule_c_files_short"
    "kernel-holds-at-most-60-files|rule_kernel_files"
    "kmain-includes-no-test-header|rule_main_no_test_header"
)

printf 'KTAP version 1\n1..%d\n' "${#rules[@]}" > "$ktap"
failed=0
n=0
for r in "${rules[@]}"; do
    IFS='|' read -r name fn <<< "$r"
    n=$((n + 1))
    details=$($fn)
    status=$?
    verdict=ok
    [ $status = 0 ] || { verdict="not ok"; failed=1; }
    printf '%s %d %s\n' "$verdict" $n "$name" | tee -a "$ktap"
    [ -n "$details" ] && echo "$details" | tee -a "$ktap"
done
exit $failed
