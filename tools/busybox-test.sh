#!/bin/bash
# Usage: tools/busybox-test.sh LOGDIR [NAME...]
# The busybox session layer of "make test" (docs/files.md, "Testing with
# busybox"). Each shell script tests/busybox/NAME.sh runs in Debian's
# busybox sh, the same binary (build/busybox/busybox) on both sides:
#   1. on the host Linux, the oracle, with nothing on PATH but a link for
#      each of busybox's applets, in an empty environment;
#   2. on prune, where PID 1 is busybox's sh (the scripts come in the extra
#      initrd module busybox-tests.cpio), at -smp 1 and -smp 4, each boot
#      with "leakcheck".
# On both sides the script runs as "sh NAME.sh < /dev/null 2>&1 | cat", so
# that it sees no terminal (ls writes one name a line, the shell reports no
# jobs) and its exit status is the pipeline's (pipefail).
# A prune run passes when its output and exit status are the host's, the
# kernel printed no "prune: unknown syscall" line and its leak check is ok
# (the scripts remove what they made in /tmp). The output is what the serial
# log holds between "prune: running /bin/sh as PID 1" and "prune: PID 1 ...",
# without the kernel's "prune: " lines. Results: LOGDIR/busybox.ktap; logs
# and the two outputs of each run in LOGDIR/busybox/.
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -ge 1 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
logs=$1
shift
iso=${ISO:-build/prune.iso}
busybox=$(realpath build/busybox/busybox)
outdir=$logs/busybox
ktap=$logs/busybox.ktap
mkdir -p "$outdir"
names=("$@")
if [ ${#names[@]} = 0 ]; then
    for s in tests/busybox/*.sh; do names+=("$(basename "$s" .sh)"); done
fi
printf 'KTAP version 1\n1..%d\n' $((3 * ${#names[@]})) > "$ktap"
n=0
result() {
    n=$((n + 1))
    printf '%s %d %s%s\n' "$1" "$n" "$2" "${3:+ # $3}" | tee -a "$ktap"
}

applets=$(mktemp -d)
trap 'rm -rf "$applets"' EXIT
for a in $("$busybox" --list); do ln -s "$busybox" "$applets/$a"; done

for name in "${names[@]}"; do
    script=tests/busybox/$name.sh
    env -i PATH="$applets" HOME=/ TERM=linux "$applets/sh" -c \
        "set -o pipefail; sh $script < /dev/null 2>&1 | cat" > "$outdir/$name.host.out" 2>&1
    host_rc=$?
    result ok "busybox-host-$name" "status $host_rc, $(wc -l < "$outdir/$name.host.out") lines"
    for smp in 1 4; do
        log=$outdir/$name.smp$smp.log
        start=$(date +%s.%N)
        tools/qemu-run "$iso" --smp $smp --mem 256M --extra busybox-tests.cpio --timeout 300 \
            --cmdline "leakcheck init=/bin/sh -c \"set -o pipefail; sh /bin/$name.sh < /dev/null 2>&1 | cat\"" \
            > "$log" 2>&1
        rc=$?
        secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
        tr -d '\r' < "$log" |
            awk '/^prune: running .* as PID 1$/ { on = 1; next } /^prune: PID 1 / { on = 0 } on' |
            grep -v '^prune: ' > "$outdir/$name.smp$smp.out"
        why=""
        if [ "$rc" != "$host_rc" ]; then
            why="status $rc, the host's $host_rc"
        elif tr -d '\r' < "$log" | grep -q '^prune: unknown syscall'; then
            why="the kernel printed \"$(tr -d '\r' < "$log" | grep -m1 '^prune: unknown syscall')\""
        elif ! cmp -s "$outdir/$name.host.out" "$outdir/$name.smp$smp.out"; then
            why="output differs from the host's"
        elif ! tr -d '\r' < "$log" | grep -q '^ok 1 user-leak-check'; then
            why="leak check: $(tr -d '\r' < "$log" | sed -n 's/.*user-leak-check # //p')"
        fi
        if [ -z "$why" ]; then
            result ok "busybox-smp$smp-$name" "$(wc -l < "$outdir/$name.host.out") lines as on Linux, ${secs}s"
        else
            result "not ok" "busybox-smp$smp-$name" "$why, ${secs}s"
            diff "$outdir/$name.host.out" "$outdir/$name.smp$smp.out" | head -20 | sed 's/^/    | /'
        fi
    done
done
