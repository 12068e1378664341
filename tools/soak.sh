#!/bin/bash
# Usage: tools/soak.sh [MINUTES]    ("make soak MINUTES=30"; default 30)
# The long run that "make test" is not: boots the ISO again and again, each
# boot with one workload as PID 1 and "leakcheck", until MINUTES are up (the
# boot running then is finished), to catch the race, leak or hang that shows
# once in many boots. The workloads, taken in turn:
#   - every tests/user/test_*.c whose source says how to run it long, with
#     "/* prune-test: soak-args: ARGS */" (ARGS may be empty; SEED in ARGS
#     becomes a new number each boot): the fuzzer with signals, the
#     page-table stress, the fork/kill/exit and kill/reap races, the nested
#     zaps, the reproducers of the bugs in docs/reliability.md;
#   - memory pressure: the "pressure" list below, at 64 MiB.
# Each boot takes the next configuration, so that every workload meets each
# in turn: -smp 2, 4 or 16, with ptfree=rcu, ipi or off.
# A boot fails on an exit status other than 0, a panic, a time-out (300 s
# plus 20 s per CPU: TCG runs all the CPUs on the host's few cores), a PID 1
# that did not start, or a failed leak check. One line per boot,
# "ok|FAIL  CONFIG  TEST ARGS  SECONDS", then the verdict line,
# "soak: PASS|FAIL, N boots in M min: N ok, N failed"; exits 1 if any failed.
# The logs of failed boots stay in build/soak/, with these lines in
# build/soak/summary.txt.
set -u
cd "$(dirname "$0")/.." || exit 2
minutes=${1:-30}
[[ "$minutes" =~ ^[0-9]+$ ]] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
iso=build/prune.iso
out=build/soak
rm -rf "$out"
mkdir -p "$out"

# Memory pressure: PROGRAM ARGS run at 64 MiB.
pressure=(
    "test_oom"
    "test_oom_victim"
    "test_oom_populate"
    "test_fuzz -s SEED 4000"
    "test_fork_kill_exit 10 reap"
    "test_pt_stress 10000"
    "test_mm_threads"
)

# The workloads: "MEMORY|PROGRAM ARGS".
workloads=()
for src in tests/user/test_*.c; do
    grep -q '/\* prune-test: soak-args:' "$src" || continue
    args=$(sed -n 's|.*/\* prune-test: soak-args: *\(.*\) \*/.*|\1|p' "$src" | head -1)
    workloads+=("256M|$(basename "$src" .c)${args:+ $args}")
done
for w in "${pressure[@]}"; do
    workloads+=("64M|$w")
done
smps=(2 4 16)
ptfrees=(rcu ipi off)

seed=$(date +%s)
echo "soak: ${#workloads[@]} workloads, $minutes min, seeds from $seed; logs of failures in $out/" |
    tee "$out/summary.txt"
start=$(date +%s)
boots=0
failed=0
while [ $(($(date +%s) - start)) -lt $((minutes * 60)) ]; do
    # Boot b runs workload b % W in configuration (b / W + b % W) % 9: each
    # round of the workloads shifts the configurations by one.
    w=$((boots % ${#workloads[@]}))
    config=$(((boots / ${#workloads[@]} + w) % 9))
    smp=${smps[config % 3]}
    ptfree=${ptfrees[config / 3]}
    mem=${workloads[w]%%|*}
    run=${workloads[w]#*|}
    run=${run//SEED/$((seed + boots))}
    program=${run%% *}
    label="smp$smp/$ptfree/$mem"
    boots=$((boots + 1))
    log=$out/$(printf '%03d' $boots)-$program-smp$smp-$ptfree-$mem.log

    t0=$(date +%s.%N)
    tools/qemu-run "$iso" --smp "$smp" --mem "$mem" --timeout $((300 + 20 * smp)) \
        --cmdline "ptfree=$ptfree leakcheck init=/bin/$run" > "$log" 2>&1
    rc=$?
    secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")

    why=""
    case $rc in
        0) ;;
        124) why="time-out" ;;
        125) why="panic: $(tr -d '\r' < "$log" | sed -n 's/^KERNEL PANIC: //p' | head -1)" ;;
        126) why="triple fault or reset" ;;
        *) why="status $rc" ;;
    esac
    if [ -z "$why" ] && ! tr -d '\r' < "$log" | grep -q "^prune: running /bin/$program as PID 1$"; then
        why="PID 1 did not start"
    elif [ -z "$why" ] && ! tr -d '\r' < "$log" | grep -q '^ok 1 user-leak-check'; then
        why="leak check: $(tr -d '\r' < "$log" | sed -n 's/.*user-leak-check # //p' | head -1)"
    fi
    if [ -z "$why" ]; then
        rm -f "$log"
        line=$(printf 'ok    %-15s %-40s %7ss' "$label" "$run" "$secs")
    else
        failed=$((failed + 1))
        line=$(printf 'FAIL  %-15s %-40s %7ss  %s (%s)' "$label" "$run" "$secs" "$why" "$log")
    fi
    echo "$line" | tee -a "$out/summary.txt"
done

elapsed=$(awk "BEGIN { printf \"%.1f\", ($(date +%s) - $start) / 60 }")
verdict=PASS
[ $failed = 0 ] || verdict=FAIL
echo "soak: $verdict, $boots boots in $elapsed min: $((boots - failed)) ok, $failed failed" |
    tee -a "$out/summary.txt"
[ $failed = 0 ]
