#!/bin/bash
# Usage: tools/check-model.sh [LOGDIR]
# The model layer of "make test" (docs/pt-model.md): checks the models of
# tests/model/ (pt_lifecycle.pml, zap_tlb.pml, mremap_tlb.pml) with SPIN, exhaustively,
# once per variant below. Each variant is generated (spin -a), compiled (pan, safety
# properties only) and searched. A variant of the design must complete the
# search with no error; a broken variant passes when SPIN finds the
# violation it is meant to show (the counterexample, replayed by spin -t, is
# kept in its log).
# Results: LOGDIR/model.ktap (one line per variant), logs in
# LOGDIR/model-NAME.log, work files in build/model/NAME/. LOGDIR defaults to
# build/test-logs.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
logs=${1:-build/test-logs}
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)

# name | model (tests/model/) | spin options | "holds", or the text of the
# assertion SPIN must find violated
variants=(
    "rcu|pt_lifecycle.pml|-DSTRATEGY=RCU|holds"
    "ipi|pt_lifecycle.pml|-DSTRATEGY=IPI|holds"
    "off|pt_lifecycle.pml|-DSTRATEGY=OFF|holds"
    "unsafe|pt_lifecycle.pml|-DSTRATEGY=UNSAFE|((state[t]!=6)&&(state[t]!=0))"
    "unsafe-walker|pt_lifecycle.pml|-DSTRATEGY=UNSAFE -DLOCKED_LOOKUP|((state[table]!=6)&&(state[table]!=0))"
    "refill-race-no-recheck|pt_lifecycle.pml|-DSTRATEGY=RCU -DNORECHECK|((count[t]==0)&&(entries[t]==0))"
    "no-tlb-flush|pt_lifecycle.pml|-DSTRATEGY=RCU -DNOFLUSH|((pmd!=t)&&(tlb!=t))"
    "reclaim-eager|pt_lifecycle.pml|-DSTRATEGY=RCU -DRECLAIM|holds"
    "reclaim-lazy|pt_lifecycle.pml|-DSTRATEGY=RCU -DRECLAIM -DLAZY|holds"
    "reclaim-lazy-off|pt_lifecycle.pml|-DSTRATEGY=OFF -DRECLAIM -DLAZY|holds"
    "reclaim-no-ref|pt_lifecycle.pml|-DSTRATEGY=RCU -DRECLAIM -DRECLAIM_NOREF|((state[t]!=6)&&(state[t]!=0))"
    "reclaim-no-empty-check|pt_lifecycle.pml|-DSTRATEGY=RCU -DRECLAIM -DRECLAIM_NO_EMPTY_CHECK|((state[t]!=2)||(idle[t]==((entries[t]==zero[t])&&(((entries[t]>0)||keep[t])||0))))"
    "zap-tlb|zap_tlb.pml||holds"
    "zap-tlb-no-nested-flush|zap_tlb.pml|-DNO_NESTED_FLUSH|((ztlb[i]==0)||(ztlb[i]>passed))"
    "mremap-tlb|mremap_tlb.pml||holds"
    "mremap-tlb-late-flush|mremap_tlb.pml|-DLATE_FLUSH|((tlb[a]==0)|| !(freed))"
)

ktap=$logs/model.ktap
printf 'KTAP version 1\n1..%d\n' "${#variants[@]}" > "$ktap"
n=0
for v in "${variants[@]}"; do
    IFS='|' read -r name model opts expect <<< "$v"
    n=$((n + 1))
    log=$logs/model-$name.log
    work=$top/build/model/$name
    rm -rf "$work"
    mkdir -p "$work"
    cp -p "tests/model/$model" "$work/"
    start=$(date +%s.%N)
    verdict="not ok"
    note=""
    opt=-O2 # millions of states to search; a counterexample is found in few
    [ "$expect" = holds ] || opt=-O0
    if ! command -v spin > /dev/null; then
        note="spin is not installed (tools/install-deps.sh)"
        echo "$note" > "$log"
    else
        # shellcheck disable=SC2086
        (
            cd "$work" &&
            echo "\$ spin $opts -a $model" && spin $opts -a "$model" &&
            echo "\$ gcc $opt -DSAFETY -DCOLLAPSE -DMEMLIM=2048 -o pan pan.c" &&
            gcc $opt -w -DSAFETY -DCOLLAPSE -DMEMLIM=2048 -o pan pan.c &&
            echo "\$ ./pan -m100000" && timeout 300 ./pan -m100000
        ) > "$log" 2>&1
        states=$(awk '/states, stored/ { print $1; exit }' "$log")
        if grep -q -e 'search depth too small' -e 'Search not completed' -e 'reached -DMEMLIM' \
                -e 'out of memory' "$log" && [ "$expect" = holds ]; then
            note="search incomplete"
        elif [ "$expect" = holds ]; then
            if grep -q 'errors: 0$' "$log"; then
                verdict=ok
                note="$states states, no error"
            else
                note=$(grep -m1 -e '^pan:1:' -e 'rror' "$log")
                note=${note:-"no result"}
            fi
        elif grep -qF "assertion violated $expect" "$log"; then
            verdict=ok
            note="violation found after ${states:-?} states: $expect"
            echo "\$ spin $opts -t $model  # the counterexample" >> "$log"
            # shellcheck disable=SC2086
            (cd "$work" && spin $opts -t "$model") >> "$log" 2>&1
        else
            note="expected a violation of $expect"
        fi
    fi
    secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
    printf '%s %d model-%s # %s, %ss\n' "$verdict" $n "$name" "$note" "$secs" | tee -a "$ktap"
    [ "$verdict" = ok ] || tail -n 20 "$log" | sed 's/^/    | /'
done
grep -q '^not ok' "$ktap" && exit 1
exit 0
