# Pipelines, redirections, here-documents, substitutions, subshells,
# functions and exit statuses in busybox's sh, with its text tools.
echo "== pipelines"
echo hi | wc -c
seq 1 100000 | awk '{ s += $1 } END { print "sum", s }'
seq 1 30000 | sort -rn | head -3
seq 1 5000 | sed -n 's/^\(.*\)7$/seven \1/p' | tail -2
yes prune | head -n 20000 | uniq -c | sed 's/^ *//'
dd if=/dev/zero bs=65536 count=64 2>/dev/null | tr '\0' 'z' | wc -c
head -c 300000 /dev/urandom | od -An -tx1 | wc -l
printf 'b\na\nc\na\n' | sort | uniq -d
echo "one two three" | cut -d' ' -f2,3 | tr a-z A-Z
seq 10 | grep -v 5 | paste -s -d+ | sed 's/$/\n/' | head -1
seq 1 20 | awk 'NR % 5 == 0' | xargs echo five:

echo "== redirections"
echo out 2>/dev/null 1>&2 2>&1 | wc -l
{ echo to-stderr >&2; } 2>&1 | cat
( echo sub; exit 3 ); echo "subshell status $?"
cat <<EOF
here-doc with $((6 * 7)) and $(echo substitution)
EOF
cat <<'EOF'
quoted here-doc keeps $HOME
EOF
read -r first rest <<EOF
alpha beta gamma
EOF
echo "read: $first / $rest"
exec 3>&1
echo "through fd 3" >&3
exec 3>&-

echo "== substitutions and functions"
n=$(seq 1 10 | wc -l); echo "lines: $n"
count_args() { echo "$# args, last ${@: -1}"; }
count_args a "b c" d
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
echo "fact 10 = $(fact 10)"
x=outer; f() { local x=inner; echo "in f: $x"; }; f; echo "after f: $x"
case "prune.iso" in *.iso) echo "case: iso";; *) echo "case: other";; esac
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "while: $i"
for w in a b c; do printf '%s-' "$w"; done; echo

echo "== exit statuses"
true; echo "true $?"
false; echo "false $?"
sh -c 'exit 42'; echo "sh -c exit 42: $?"
! false; echo "negated: $?"
false | true; echo "pipeline status: $?"
nosuchcommand 2>/dev/null; echo "missing command: $?"
sh -c 'kill -TERM $$'; echo "killed by TERM: $?"
test -e /nonexistent || echo "test -e fails"
[ "$(echo abc | wc -c)" -eq 4 ] && echo "arithmetic test ok"
