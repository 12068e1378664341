# Processes: background jobs, wait, kill, trap, and what ps, free, top and
# /proc tell about them (as properties: the figures differ from a host).
echo "== jobs"
sleep 10 &
job=$!
kill -0 $job && echo "job alive"
kill $job
wait $job; echo "wait after kill: $?"
( sleep 0.2; exit 7 ) &
wait $!; echo "wait for exit 7: $?"
for i in 1 2 3; do ( echo "job $i" > /dev/null; exit $i ) & done
wait; echo "wait for all: $?"
trap 'echo caught USR1' USR1
kill -USR1 $$
trap 'echo caught TERM in subshell; exit 9' TERM
sh -c 'trap "echo child caught INT; exit 4" INT; kill -INT $$; sleep 5'; echo "child status $?"
trap - TERM USR1
echo "== ps"
sleep 5 &
job=$!
# the job is "sh" until it has run busybox's sleep (which names itself)
i=0
while [ "$(cat /proc/$job/comm)" != sleep ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
ps -o pid,ppid,comm | awk -v me=$$ -v job=$job '$1 == job && $2 == me { print "job:", $3 }'
kill $job
ps | head -1
echo "== free and top"
free | head -1 | tr -s ' '
free | awk 'NR == 2 { print $1, ($2 > 0), ($3 > 0), ($4 > 0) }'
top -b -n 1 | head -4 | cut -d' ' -f1 | cut -c1-4
echo "== /proc"
cut -d: -f1 /proc/self/status | grep -E '^(Name|State|Tgid|Pid|PPid|VmRSS|Threads)$'
grep -c '^processor' /proc/cpuinfo | awk '{ print ($1 > 0) }'
awk '{ print NF }' /proc/uptime
awk '{ print NF }' /proc/loadavg
grep -E '^(MemTotal|MemFree|MemAvailable):' /proc/meminfo | cut -d: -f1
readlink /proc/self/exe | sed "s|.*/||"
ls /proc | grep -c '^[0-9]' | awk '{ print ($1 > 0) }'
cat /proc/$$/cmdline | tr '\0' ' ' | sed 's/ *$//' | sed 's|.*/||'; echo
echo "== end"
