#!/bin/bash
# Usage: tools/user-test.sh LOGDIR [TEST...]
# The user-test layer of "make test" (docs/userspace.md, "User tests"). Each
# tests/user/test_*.c program runs twice over: built with musl (make puts it
# in build/user/bin/ and in the initrd) and built with glibc as test_x.glibc
# (build/user/glibc/, loaded with qemu-run --extra; not for a source that
# says "prune-test: musl-only"). Each of the two runs
#   1. natively on the host, the Linux oracle (skipped when not on Linux, or
#      when its source says "prune-test: prune-only");
#   2. on prune as PID 1 (init=/bin/test_x), with -smp 1 and with -smp 4;
#      the glibc build with -smp 4 only (its -smp 1 boot would check the
#      same kernel paths as the musl build's again, for 3 minutes of the
#      20 that make test may take).
# A prune run passes when its exit status is the host's (0 when the host run
# was skipped), the kernel printed no "prune: unknown syscall" line (unless
# the source says "prune-test: unknown-syscalls": the fuzzer, test_enosys)
# and, if the source says "prune-test: deterministic-output", its output is
# the host's. prune's output is what the serial log holds
# between "prune: running /bin/test_x as PID 1" and "prune: PID 1 ...",
# without the kernel's own "prune: " lines; lines starting with "# " are
# notes (figures, timings) and are not compared, on either side.
# "prune-test: args: A B" in a source passes A B as argv[1..] on both sides.
# "prune-test: cmdlines: A | B" replaces the -smp 4 boot by one boot per
# kernel command line A, B (e.g. ptfree=rcu), each with "leakcheck": it also
# needs the kernel's user-leak-check line to say ok.
# "prune-test: smp: N" boots with N CPUs instead of 4 (those boots only).
# "prune-test: mem: SIZE" gives every prune boot of the test SIZE of RAM
# (QEMU's -m) instead of 256M.
# ("prune-test: soak-args: ARGS" is for tools/soak.sh, not read here.)
# "prune-test: serial-script: FILE" types FILE's keys on the terminal
# (tools/serial-script): on prune through the serial port (qemu-run
# --serial-script), on the host on a pseudo-terminal; an expected text that
# does not come fails the run.
# "prune-test: must-panic: CMDLINE | PATTERN | ARGS" adds a -smp 4 boot with
# CMDLINE (and ARGS, if given, instead of the args above) that passes when
# prune panics (status 125) with PATTERN in its log (the negative test of
# docs/pt-lifecycle.md); up to 3 boots.
# Then one boot at -smp 4 with the default init (/bin/init runs every test)
# and "leakcheck": init must report every test passed and the kernel's KTAP
# leak-check block is kept in LOGDIR/user-leakcheck.ktap.
# Results: LOGDIR/user.ktap (one per test per machine, plus the init boot);
# logs and outputs in LOGDIR/user/. TEST... (names like test_mmap) runs only
# those (both builds) and skips the init boot.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
[ $# -ge 1 ] || { sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
logs=$1
shift
iso=${ISO:-build/prune.iso}
qemu_run=${QEMU_RUN:-tools/qemu-run}
bindir=build/user/bin
glibcdir=build/user/glibc
outdir=$logs/user
mkdir -p "$outdir"

if [ $# -gt 0 ]; then
    tests=("$@")
else
    tests=()
    for src in tests/user/test_*.c; do
        tests+=("$(basename "$src" .c)")
    done
fi

# marker NAME SRC: the text of "/* prune-test: NAME: text */" in SRC.
marker() {
    sed -n "s|.*/\* prune-test: $1: \(.*\) \*/.*|\1|p" "$2" | head -1
}

# trim: stdin without leading and trailing spaces.
trim() {
    sed 's/^ *//; s/ *$//'
}

# split_bars TEXT: the parts of "A | B | C", one per line.
split_bars() {
    [ -n "$1" ] && printf '%s\n' "$1" | sed 's/ *| */\n/g'
}

# The runs: "NAME|SOURCE|BINARY|EXTRA": each test with musl, then with glibc.
runs=()
for t in "${tests[@]}"; do
    src=tests/user/$t.c
    runs+=("$t|$src|$bindir/$t|")
    [ -f "$src" ] && grep -q 'prune-test: musl-only' "$src" && continue
    runs+=("$t.glibc|$src|$glibcdir/$t.glibc|$t.glibc.cpio")
done

ktap=$logs/user.ktap
planned=0
for r in "${runs[@]}"; do
    IFS='|' read -r t src bin extra_module <<< "$r"
    planned=$((planned + 3))
    [ -n "$extra_module" ] && planned=$((planned - 1)) # no -smp 1 boot
    [ -f "$src" ] || continue
    extra=$(split_bars "$(marker cmdlines "$src")" | wc -l)
    [ "$extra" -gt 1 ] && planned=$((planned + extra - 1))
    [ -n "$(marker must-panic "$src")" ] && planned=$((planned + 1))
done
[ $# -gt 0 ] || planned=$((planned + 1))
printf 'KTAP version 1\n1..%d\n' "$planned" > "$ktap"
n=0
# result VERDICT NAME DIRECTIVE: one KTAP line, shown and recorded.
result() {
    n=$((n + 1))
    printf '%s %d %s%s\n' "$1" "$n" "$2" "${3:+ # $3}" | tee -a "$ktap"
}

# The text user programs wrote: kernel "prune: " lines, notes and carriage
# returns removed.
user_lines() {
    tr -d '\r' | grep -v -e '^prune: ' -e '^# '
}

# prune's output for one boot: between the PID 1 start and end lines.
prune_output() {
    tr -d '\r' < "$1" |
        awk '/^prune: running .* as PID 1$/ { on = 1; next } /^prune: PID 1 / { on = 0 } on' |
        user_lines
}

# Set once a boot shows that prune cannot start a PID 1 at all: the
# remaining boots would only wait for their time-outs.
prune_cannot_run=""

on_linux=0
[ "$(uname -s)" = Linux ] && on_linux=1

for r in "${runs[@]}"; do
    IFS='|' read -r t src bin extra_module <<< "$r"
    if [ ! -f "$src" ] || [ ! -x "$bin" ]; then
        for m in host smp4; do result "not ok" "user-$m-$t" "no $src or $bin"; done
        continue
    fi
    deterministic=0
    grep -q 'prune-test: deterministic-output' "$src" && deterministic=1
    prune_only=0
    grep -q 'prune-test: prune-only' "$src" && prune_only=1
    unknown_ok=0
    grep -q 'prune-test: unknown-syscalls' "$src" && unknown_ok=1
    args=$(marker args "$src")
    script=$(marker serial-script "$src")
    smp_many=$(marker smp "$src")
    smp_many=${smp_many:-4}
    mem=$(marker mem "$src")
    mem=${mem:-256M}
    # The prune boots: "SMP|kernel options" (options before init=).
    boots=()
    [ -z "$extra_module" ] && boots=("1|") # the musl build (the glibc one comes as a module)
    mapfile -t cmdlines < <(split_bars "$(marker cmdlines "$src")")
    if [ ${#cmdlines[@]} -eq 0 ]; then
        boots+=("$smp_many|")
    else
        for c in "${cmdlines[@]}"; do boots+=("$smp_many|leakcheck $c"); done
    fi

    # 1. The host: the same binary, argv[0] as on prune, no stdin.
    expect=0
    have_oracle=0
    if [ $prune_only = 1 ]; then
        result ok "user-host-$t" "SKIP prune-only"
    elif [ $on_linux = 0 ]; then
        result ok "user-host-$t" "SKIP not on Linux: no oracle"
    else
        if [ -n "$script" ]; then
            # shellcheck disable=SC2086,SC2016
            (cd / && timeout 60 "$top/tools/serial-script" --pty "$top/$script" -- \
                bash -c 'exec -a "$0" "$@"' "/bin/$t" "$top/$bin" $args) \
                < /dev/null > "$outdir/$t.host.log" 2>&1
        else
            # shellcheck disable=SC2086,SC2016
            (cd / && timeout 60 bash -c 'exec -a "$0" "$@"' "/bin/$t" "$top/$bin" $args) \
                < /dev/null > "$outdir/$t.host.log" 2>&1
        fi
        expect=$?
        have_oracle=1
        user_lines < "$outdir/$t.host.log" > "$outdir/$t.host.out"
        if [ "$expect" = 0 ]; then
            result ok "user-host-$t"
        else
            result "not ok" "user-host-$t" "status $expect on Linux"
            sed 's/^/    | /' "$outdir/$t.host.log" | tail -n 20
        fi
    fi

    # 2. prune, with 1 and 4 (or "smp") CPUs, the latter once per "cmdlines" entry.
    for b in "${boots[@]}"; do
        smp=${b%%|*}
        opts=${b#*|}
        variant=${opts#leakcheck }
        variant=${variant// /_}
        tag=smp$smp${variant:+-$variant}
        name=user-smp$smp-$t${variant:+-$variant}
        log=$outdir/$t.$tag.log
        if [ -n "$prune_cannot_run" ]; then
            result "not ok" "$name" "not booted: $prune_cannot_run"
            continue
        fi
        start=$(date +%s.%N)
        "$qemu_run" "$iso" --smp "$smp" --mem "$mem" ${extra_module:+--extra "$extra_module"} \
            ${script:+--serial-script "$script"} \
            --cmdline "${opts:+$opts }init=/bin/$t${args:+ $args}" --timeout 60 > "$log" 2>&1
        rc=$?
        secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
        prune_output "$log" > "$outdir/$t.$tag.out"
        why=""
        if ! tr -d '\r' < "$log" | grep -q "^prune: running /bin/$t as PID 1$"; then
            why="prune did not start /bin/$t"
            prune_cannot_run="an earlier boot did not start its PID 1"
        elif [ "$rc" != "$expect" ]; then
            why="status $rc, expected $expect"
        elif [ $unknown_ok = 0 ] && tr -d '\r' < "$log" | grep -q '^prune: unknown syscall'; then
            why="the kernel printed \"$(tr -d '\r' < "$log" | grep -m1 '^prune: unknown syscall')\""
        elif [ $deterministic = 1 ] && [ $have_oracle = 1 ] &&
             ! cmp -s "$outdir/$t.host.out" "$outdir/$t.$tag.out"; then
            why="output differs from Linux"
        elif [ -n "$opts" ] && ! tr -d '\r' < "$log" | grep -q '^ok 1 user-leak-check'; then
            why="leak check failed: $(tr -d '\r' < "$log" | sed -n 's/.*user-leak-check # //p' |
                head -1)"
        fi
        if [ -z "$why" ]; then
            result ok "$name" "status $rc, ${secs}s"
        else
            result "not ok" "$name" "$why, ${secs}s"
            if [ "$why" = "output differs from Linux" ]; then
                diff -u --label linux "$outdir/$t.host.out" --label prune "$outdir/$t.$tag.out" |
                    head -n 30 | sed 's/^/    | /'
            else
                tail -n 20 "$log" | sed 's/^/    | /'
            fi
        fi
    done

    # 3. The negative test: a boot that must panic.
    must_panic=$(marker must-panic "$src")
    [ -n "$must_panic" ] || continue
    IFS='|' read -r opts pattern panic_args <<< "$must_panic"
    opts=$(trim <<< "$opts")
    pattern=$(trim <<< "$pattern")
    panic_args=$(trim <<< "${panic_args:-$args}")
    name=user-smp4-$t-${opts// /_}-must-panic
    if [ -n "$prune_cannot_run" ]; then
        result "not ok" "$name" "not booted: $prune_cannot_run"
        continue
    fi
    why="no panic with \"$pattern\" in 3 boots"
    for try in 1 2 3; do
        log=$outdir/$t.must-panic.$try.log
        start=$(date +%s.%N)
        "$qemu_run" "$iso" --smp 4 --mem "$mem" ${extra_module:+--extra "$extra_module"} \
            --cmdline "$opts init=/bin/$t${panic_args:+ $panic_args}" --timeout 60 > "$log" 2>&1
        rc=$?
        secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
        if [ "$rc" = 125 ] && tr -d '\r' < "$log" | grep -q "$pattern"; then
            why=""
            break
        fi
    done
    if [ -z "$why" ]; then
        result ok "$name" "caught in boot $try, ${secs}s: $(tr -d '\r' < "$log" |
            grep -m1 -o "$pattern.*" | cut -c1-100)"
    else
        result "not ok" "$name" "$why"
        tail -n 20 "$log" | sed 's/^/    | /'
    fi
done

[ $# -gt 0 ] && exit 0

# 3. The default init runs every test, then the kernel checks for leaks.
log=$outdir/init-leakcheck.smp4.log
if [ -n "$prune_cannot_run" ]; then
    result "not ok" user-init-smp4 "not booted: $prune_cannot_run"
    : > "$logs/user-leakcheck.ktap"
    exit 0
fi
start=$(date +%s.%N)
"$qemu_run" "$iso" --smp 4 --mem 256M --cmdline leakcheck --timeout 180 > "$log" 2>&1
rc=$?
secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
tr -d '\r' < "$log" | grep '^init: ' | sed 's/^/    /'
summary=$(tr -d '\r' < "$log" | sed -n 's/^init: \([0-9]*\) of \([0-9]*\) tests passed$/\1 \2/p')
if [ "$rc" = 0 ] && [ -n "$summary" ] && [ "${summary% *}" = "${summary#* }" ]; then
    result ok user-init-smp4 "${summary% *} tests passed, ${secs}s"
else
    result "not ok" user-init-smp4 "status $rc, ${summary:+${summary% *} of ${summary#* } tests passed, }${secs}s"
    tail -n 20 "$log" | sed 's/^/    | /'
fi
# The kernel's leak-check KTAP block comes after PID 1 ended; an empty file
# (no plan) counts as a failure in the summary.
tr -d '\r' < "$log" |
    awk '/^prune: PID 1 / { on = 1; next } on && /^(KTAP version|1\.\.|ok |not ok |#)/' \
    > "$logs/user-leakcheck.ktap"
exit 0
