#!/bin/bash
# Usage: tools/gdb/test.sh [LOGDIR]
# Tests the gdb commands of tools/gdb/prune.py against a stopped prune:
# boots build/prune.iso with /bin/ptdemo as PID 1 (page tables at known
# addresses, see user/ptdemo.c) and QEMU's gdb stub on a free port, waits for
# "ready", runs gdb in batch mode (which stops the machine), and checks each
# command's output, one KTAP line per command:
#   1. procs lists PID 1, alive, named ptdemo;
#   2. pt-walk 0x40001000 1 goes pml4, pud, pmd, pte and reaches a user,
#      writable page with one reference;
#   3. pt-tree 1 shows ptdemo's tables with the indent, entries and counts
#      user/ptdemo.c predicts, every count equal to its entries (nothing
#      else holds a table of a sleeping process), and as many tables below
#      the PML4 as procs' VmPTE says;
#   4. ptstat prints the four levels, each with allocated >= alive > 0;
#   5. rcu prints the grace periods and one line per CPU.
# Results: LOGDIR/gdb.ktap (default build/test-logs), gdb's output in
# LOGDIR/gdb.log. Exit status 1 if a check fails.
set -u
cd "$(dirname "$0")/../.." || exit 2
logs=${1:-build/test-logs}
mkdir -p "$logs"
ktap=$logs/gdb.ktap
out=$logs/gdb.log
boot=$logs/gdb-boot.log
smp=2

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tools/qemu-run build/prune.iso --smp $smp --mem 128M --cmdline "init=/bin/ptdemo 300" \
    --timeout 320 --qemu -gdb --qemu "tcp:127.0.0.1:$port" > "$boot" 2>&1 &
qemu_pid=$!
trap 'kill $qemu_pid 2> /dev/null; pkill -f "tcp:127.0.0.1:$port" 2> /dev/null' EXIT
for _ in $(seq 240); do
    grep -q "ptdemo: pid 1 ready" "$boot" && break
    kill -0 $qemu_pid 2> /dev/null || break
    sleep 0.5
done

timeout 120 gdb -batch -nx -ex "file build/prune.elf" -ex "source tools/gdb/prune.py" \
    -ex "target remote 127.0.0.1:$port" \
    -ex "echo === procs\n" -ex procs \
    -ex "echo === pt-walk\n" -ex "pt-walk 0x40001000 1" \
    -ex "echo === pt-tree\n" -ex "pt-tree 1" \
    -ex "echo === ptstat\n" -ex ptstat \
    -ex "echo === rcu\n" -ex rcu \
    -ex "echo === end\n" > "$out" 2>&1

# section NAME: the output of one command.
section() { sed -n "/^=== $1\$/,/^=== /p" "$out" | sed '1d;$d'; }

check_procs() {
    section procs | grep -Eq '^ +1 alive +1 +[0-9]+ +[0-9]+  ptdemo$'
}

check_pt_walk() {
    local s
    s=$(section pt-walk)
    [ "$(echo "$s" | grep -Ec '^  (pml4|pud|pmd|pte) +table 0x[0-9a-f]+ count=[0-9]+ \[')" = 4 ] &&
        echo "$s" | grep -Eq '^  pte .* = 0x[0-9a-f]{16}  pwu[a-z]*[x-] page 0x[0-9a-f]+$' &&
        echo "$s" | grep -Eq '^  -> physical 0x[0-9a-f]*000 \(frame refcount 1\)$'
}

check_pt_tree() {
    local s want line tables pte_kb
    s=$(section pt-tree)
    for want in \
        "pml4 0x0000000000000000 entries=[0-9]+ count=[0-9]+" \
        "      pte 0x0000000040000000 entries=4 count=4" \
        "      pte 0x0000000040200000 entries=1 count=1" \
        "  pud 0x0000008000000000 entries=1 count=1" \
        "    pmd 0x0000008000000000 entries=1 count=1" \
        "      pte 0x0000008000000000 entries=1 count=1"; do
        echo "$s" | grep -Eqx "$want" || { echo "# missing: $want"; return 1; }
    done
    while read -r line; do
        [[ "$line" =~ entries=([0-9]+)\ count=([0-9]+) ]] || { echo "# bad line: $line"; return 1; }
        [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || { echo "# count differs: $line"; return 1; }
    done <<< "$s"
    tables=$(echo "$s" | grep -Ec '^ +(pud|pmd|pte) ')
    pte_kb=$(section procs | awk '$1 == 1 { print $5 }')
    [ "$((tables * 4))" = "$pte_kb" ] || { echo "# $tables tables below the PML4, VmPTE $pte_kb kB"; return 1; }
}

check_ptstat() {
    local s level
    s=$(section ptstat)
    for level in pml4 pud pmd pte; do
        echo "$s" | awk -v l=$level '$1 == l && $3 >= $7 && $7 > 0 { ok = 1 } END { exit !ok }' ||
            { echo "# no sound line for $level"; return 1; }
    done
}

check_rcu() {
    local s
    s=$(section rcu)
    echo "$s" | grep -Eq '^grace periods: started [0-9]+ completed [0-9]+ needed [0-9]+ \((idle|in progress)\)$' &&
        [ "$(echo "$s" | grep -Ec '^cpu [0-9]+: quiescent states [0-9]+, ticks [0-9]+')" = $smp ]
}

checks=(procs pt_walk pt_tree ptstat rcu)
printf 'KTAP version 1\n1..%d\n' ${#checks[@]} > "$ktap"
failed=0
n=0
for c in "${checks[@]}"; do
    n=$((n + 1))
    details=$(check_$c)
    if [ $? = 0 ]; then verdict=ok; else verdict="not ok"; failed=1; fi
    printf '%s %d gdb-%s\n' "$verdict" $n "${c//_/-}" | tee -a "$ktap"
    [ -n "$details" ] && echo "$details" | tee -a "$ktap"
done
[ $failed = 0 ] || echo "# gdb output: $out; boot log: $boot" | tee -a "$ktap"
exit $failed
