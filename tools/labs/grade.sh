#!/bin/bash
# Usage: tools/labs/grade.sh [LAB]          (make grade [LAB=name])
#
# Grades the labs of docs/labs/ (all four, or LAB: watch, break, cascade,
# measure) on the tree as it is in this directory: one line per check,
# "ok" or "FAIL" with where its log is, then "score: N/M". Logs go to
# build/labs/. Needs build/prune.iso (make grade builds it). On the tree as
# committed every lab scores full marks; a student's work changes that.
#
# The checks:
#   watch    the ptdump kernel tests; test_ptdump; a traced run under rcu in
#            which every table is freed only after a whole grace period
#            that started after it was queued; the same run under ipi,
#            whose tables wait less (median) than under rcu
#   break    the catching tests (the race, count and grace-period kernel
#            tests, the stress test under rcu) pass on this tree; each
#            broken variant in tools/labs/break/*.patch and in
#            labs/mine/*.patch (the student's) is caught: applied to a copy
#            of HEAD, some test fails or panics; the SPIN model without the
#            recheck fails
#   cascade  the count, cascade and audit kernel tests; test_vmpte
#   measure  tools/labs/measure.sh made its table (3 strategies x 1, 2, 4
#            CPUs), with no reclaim IPI at 1 CPU or under rcu, and some
#            under ipi at 4 CPUs
set -u
cd "$(dirname "$0")/../.." || exit 2
logs=build/labs
mkdir -p "$logs"
iso=build/prune.iso
labs=(watch break cascade measure)
[ $# -ge 1 ] && [ -n "$1" ] && labs=("$1")

passed=0
total=0
# check LAB NAME COMMAND...: runs one check, its output in its log.
check() {
    local lab=$1 name=$2
    shift 2
    local log=$logs/$lab-$name.log
    total=$((total + 1))
    if "$@" > "$log" 2>&1; then
        passed=$((passed + 1))
        printf '%-8s %-36s ok\n' "$lab" "$name"
    else
        printf '%-8s %-36s FAIL (%s)\n' "$lab" "$name" "$log"
    fi
}

# ktests ISO NAMES: boots ISO with 4 CPUs running the kernel tests NAMES
# (ktest=NAMES); true if they all ran and passed.
ktests() {
    tools/qemu-run "$1" --smp 4 --mem 256M --cmdline "ktest=$2" --timeout 300 |
        tee /dev/stderr | grep -Eq '^# ktest: [1-9][0-9]* passed, 0 failed'
}

# user_test NAME: the user test on the host and on prune (tools/user-test.sh).
user_test() {
    tools/user-test.sh "$logs/user" "$1" | tee /dev/stderr | grep -q '^not ok' && return 1
    grep -q "^ok .*smp4-$1" "$logs/user/user.ktap"
}

# traced ISO PTFREE: the events of bench_seed_5g under PTFREE, in
# build/labs/PTFREE.trace (tools/labs/check_trace.py reads them).
traced() {
    tools/qemu-run "$1" --smp 4 --mem 2G --timeout 600 \
        --cmdline "ptfree=$2 init=/bin/tracerun /bin/bench_seed_5g" > "$logs/$2.run" 2>&1
    grep -q "^tracerun: .* exited with status 0" "$logs/$2.run" || return 1
    sed -n 's/^T //p' "$logs/$2.run" > "$logs/$2.trace"
}

rcu_frees_after_grace_period() {
    traced "$iso" rcu && python3 tools/labs/check_trace.py rcu-after-grace-period "$logs/rcu.trace"
}

ipi_waits_less() {
    traced "$iso" ipi &&
        python3 tools/labs/check_trace.py ipi-waits-less "$logs/ipi.trace" "$logs/rcu.trace"
}

# The catching tests of the break lab, run in directory DIR.
catching_tests_pass() {
    local dir=$1
    ktests "$dir/build/prune.iso" pt_alloc_get_race,pt_refill_race,pt_counts_exact,pt_rcu_waits || return 1
    tools/qemu-run "$dir/build/prune.iso" --smp 4 --mem 256M --timeout 300 \
        --cmdline "ptfree=rcu init=/bin/test_pt_stress 20000"
}

# caught PATCH: applies PATCH to a copy of HEAD, builds it; true if the
# catching tests fail there.
caught() {
    local patch=$1 dir
    dir=$(mktemp -d /tmp/prune-lab.XXXXXX)
    git worktree add --detach -q "$dir" HEAD || return 1
    local result=1
    if (cd "$dir" && git apply "$OLDPWD/$patch" && make -j2 iso > build.log 2>&1); then
        catching_tests_pass "$dir" || result=0
    else
        echo "grade: $patch does not apply or build"
    fi
    git worktree remove --force "$dir"
    return $result
}

# model_catches VARIANT: SPIN finds the violation in that variant.
model_catches() {
    local dir
    dir=$(mktemp -d /tmp/prune-lab-model.XXXXXX)
    (cd "$dir" && spin -a -D"$1" "$OLDPWD/tests/model/pt_lifecycle.pml" &&
        gcc -O2 -DSAFETY -o pan pan.c && ./pan -m100000 > pan.out; cat pan.out)
    local found=1
    grep -q "errors: [1-9]" "$dir/pan.out" && found=0
    rm -rf "$dir"
    return $found
}

for lab in "${labs[@]}"; do
    case $lab in
    watch)
        check watch ptdump-kernel-tests ktests "$iso" pt_dump
        check watch ptdump-user-test user_test test_ptdump
        check watch trace-rcu-frees-after-grace-period rcu_frees_after_grace_period
        check watch trace-ipi-waits-less-than-rcu ipi_waits_less
        ;;
    break)
        check break catching-tests-pass-on-this-tree catching_tests_pass .
        for p in tools/labs/break/*.patch labs/mine/*.patch; do
            [ -f "$p" ] || continue
            check break "caught:$(basename "$p" .patch)" caught "$p"
        done
        check break model-without-recheck-fails model_catches NORECHECK
        ;;
    cascade)
        check cascade counts-and-cascade-kernel-tests ktests "$iso" pt_cascade,pt_counts_exact,pt_fork_of_a_sparse
        check cascade vmpte-user-test user_test test_vmpte
        ;;
    measure)
        check measure table-of-9-runs tools/labs/measure.sh --check
        ;;
    *)
        echo "grade: unknown lab $lab (watch, break, cascade, measure)" >&2
        exit 2
        ;;
    esac
done
echo "score: $passed/$total"
[ $passed = $total ]
