#!/bin/bash
# Usage: tools/labs/lab-start.sh LAB          (make lab-start LAB=name)
#
# Prepares the tree for a lab that has the student write code: for
# "cascade" (docs/labs/cascade.md), replaces the body of pt_put() in
# mm/pt_ref.c, the function that drops a table's count and frees emptied
# tables up the levels, with a stub that only drops the count. Refuses to
# touch a tree with uncommitted changes (git stash or commit them first);
# "git checkout mm/pt_ref.c" gives the original back.
set -eu
cd "$(dirname "$0")/../.."
lab=${1:-}
case $lab in
cascade) ;;
*) echo "lab-start: labs with a starting tree: cascade (LAB=cascade)" >&2; exit 2 ;;
esac
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "lab-start: the tree has uncommitted changes; commit or stash them first" >&2
    exit 1
fi
python3 - mm/pt_ref.c <<'PY'
import sys
path = sys.argv[1]
src = open(path).read()
head = "void pt_put(struct address_space *as, struct pt_gather *g, struct page *pt)\n{"
start = src.index(head) + len(head)
depth, i = 1, start
while depth:
    depth += {"{": 1, "}": -1}.get(src[i], 0)
    i += 1
stub = """
    /*
     * Lab cascade (docs/labs/cascade.md): write this function. It drops
     * one unit of pt's count; the last unit (count 0) must be dropped under
     * the parent's pt_lock together with clearing the parent's entry (R2),
     * then pt goes to the gather (pt_gather_add) and the parent, which
     * lost an entry, is put in turn, up to the PML4, which is never
     * unlinked (R5). This stub only drops the count: emptied tables stay
     * linked with a count of 0, which the audit reports.
     */
    assert_locked(&as->map_lock); /* R1 */
    (void)g;
    if (put_unless_last(pt))
        return;
#ifdef DEBUG
    check_no_lock_of(as, "the last pt_put of a table");
#endif
    pt_count_sub(pt, 1);
}"""
open(path, "w").write(src[:start] + stub + src[i:])
PY
echo "lab-start: pt_put() in mm/pt_ref.c is now a stub; write it, then: make grade LAB=cascade"
