# Files in /tmp (a writable tmpfs): create, append, copy, move, link,
# remove, directories, the working directory, dd, modes, a "#!" script.
base=$(mktemp -d /tmp/session.XXXXXX) || exit 1
cd "$base" || exit 1
show() { sed "s|$base|BASE|g"; }
echo "== files"
pwd | show
echo first > f
echo second >> f
cat f
wc -c < f
cp f g && echo copy >> g && cat g | wc -l
mv g h && ls
ln f hard && stat -c '%h %s' f hard
ln -s f soft && readlink soft && cat soft | head -1
rm f && cat hard | tail -1 && ls
cat soft 2>/dev/null || echo "dangling link"
: > empty && stat -c '%s %F' empty
printf 'x%.0s' $(seq 1 5000) > big && wc -c big
truncate -s 100 big 2>/dev/null || dd if=/dev/null of=big bs=1 seek=100 2>/dev/null
stat -c '%s' big
dd if=/dev/zero of=zeros bs=4096 count=300 2>/dev/null && stat -c '%s' zeros
dd if=zeros of=part bs=1000 skip=3 count=2 2>/dev/null && wc -c < part
chmod 640 hard && stat -c '%a' hard
sed -i 's/first/FIRST/' hard && cat hard
echo "== directories"
mkdir -p a/b/c && echo deep > a/b/c/file
find a | sort
cd a/b && pwd | show && cd .. && pwd | show && cd "$base"
rmdir a 2>/dev/null || echo "rmdir of a full directory fails"
mv a z && ls -d z/b/c
rm -r z && ls
mkdir d && (cd d && echo "in subshell: $(pwd | show)"); pwd | show
cd /tmp && cd - >/dev/null && pwd | show
echo "== scripts"
printf '#!/bin/sh\necho "script $# args: $*"\nexit 5\n' > s.sh
chmod +x s.sh
./s.sh one "two three"; echo "status $?"
sh s.sh x; echo "status $?"
echo 'echo no interpreter line' > plain.sh && chmod +x plain.sh && ./plain.sh
echo "== cleanup"
cd /
rm -r "$base"
ls -d "$base" 2>/dev/null || echo "removed"
