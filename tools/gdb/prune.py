# gdb commands for looking at a stopped prune (loaded by tools/gdbinit).
#
#   procs              every process: pid, state, threads, VmRSS, VmPTE, name
#   pt-walk VA [PID]   the path PML4 -> PTE for VA, each entry decoded, each
#                      table's reference count (without PID: the address
#                      space the selected CPU runs, from CR3). An entry's
#                      flags are letters: p present, w writable, u user,
#                      a accessed, d dirty, h huge, g global, n PROT_NONE,
#                      then x (executable) or - (NX)
#   pt-tree PID        the process's page-table pages, as /proc/PID/ptdump
#                      prints them: one line per table, parents first,
#                      children in address order, two spaces per level
#   ptstat             tables allocated and freed per level (/proc/ptstat)
#   rcu                the grace-period state and each CPU's quiescent states
#
# Everything is read from memory: page tables through the kernel's direct
# map (every PML4 has it), the rest through the kernel's symbols. The
# machine must be stopped (it is while gdb has control), so nothing moves
# under the reader. The layout (DIRECT_MAP_BASE, entry bits) is read from
# mm/layout.h and arch/x86_64/mmu.h, so it follows the source.

import os
import re
import struct

import gdb

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def header_constant(path, name):
    """The value of '#define NAME <expression>' in the source file 'path',
    where the expression is a number or a shift of numbers ("(1ul << 5)")."""
    with open(os.path.join(SOURCE, path)) as f:
        for line in f:
            m = re.match(r"#define\s+%s\s+([(]?[0-9a-fA-Fx]+(?:ul|u|l)?(?:\s*<<\s*\d+)?[)]?)"
                         % name, line)
            if m:
                expr = re.sub(r"(0x[0-9a-fA-F]+|\d+)(?:ul|u|l)", r"\1", m.group(1))
                return eval(expr, {"__builtins__": {}})
    raise gdb.GdbError("%s: no #define %s" % (path, name))


DIRECT_MAP_BASE = header_constant("mm/layout.h", "DIRECT_MAP_BASE")
PTE_ADDR_MASK = header_constant("arch/x86_64/mmu.h", "PTE_ADDR_MASK")
PTE_POISON = header_constant("arch/x86_64/mmu.h", "PTE_POISON")
PAGE_SHIFT = 12
ENTRIES = 512
USER_PML4_ENTRIES = 256  # the lower half: the upper one is the kernel's
LEVEL_NAMES = {4: "pml4", 3: "pud", 2: "pmd", 1: "pte"}
LEVEL_SHIFT = {4: 39, 3: 30, 2: 21, 1: 12}

# Entry bits (arch/x86_64/mmu.h): name -> (bit, letter shown when set).
BITS = [("PTE_PRESENT", "p"), ("PTE_WRITE", "w"), ("PTE_USER", "u"),
        ("PTE_ACCESSED", "a"), ("PTE_DIRTY", "d"), ("PTE_HUGE", "h"),
        ("PTE_GLOBAL", "g"), ("PTE_PROTNONE", "n")]
BIT = {name: header_constant("arch/x86_64/mmu.h", name) for name, _ in BITS}
PTE_NX = 1 << 63


def read_table(phys):
    """The 512 entries of the table at physical address 'phys'."""
    mem = gdb.selected_inferior().read_memory(DIRECT_MAP_BASE + phys, ENTRIES * 8)
    return struct.unpack("<%dQ" % ENTRIES, bytes(mem))


def page(phys):
    """The struct page (a gdb.Value) of the frame holding 'phys'."""
    return gdb.parse_and_eval("mem_map")[phys >> PAGE_SHIFT]


def decode(entry, level):
    """An entry as text: its flags, and where it points."""
    if entry == 0:
        return "empty"
    if entry == PTE_POISON:
        return "POISON (a freed table was read)"
    flags = "".join(letter for name, letter in BITS if entry & BIT[name])
    flags += "x" if not entry & PTE_NX else "-"
    phys = entry & PTE_ADDR_MASK
    leaf = level == 1 or (level < 4 and entry & BIT["PTE_HUGE"])
    kind = "page" if leaf else "table"
    return "%s %s 0x%x" % (flags, kind, phys)


def processes():
    """Every process on the kernel's list (gdb.Values of struct process *)."""
    p = gdb.parse_and_eval("all_processes")
    while p != 0:
        yield p
        p = p["all_next"]


def find_process(pid):
    for p in processes():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError("no process %d (see 'procs')" % pid)


def root_of(pid):
    """The physical address of the PML4 of process 'pid', or of the address
    space the selected CPU runs (CR3) when pid is None."""
    if pid is None:
        return int(gdb.parse_and_eval("$cr3")) & PTE_ADDR_MASK
    as_ = find_process(pid)["as"]
    if as_ == 0:
        raise gdb.GdbError("process %d has no address space" % pid)
    return int(as_["root"])


def table_line(level, va, phys, entries):
    """'<level> <va> entries=<n> count=<n>', as /proc/PID/ptdump prints it."""
    used = sum(1 for e in entries if e != 0)
    count = int(page(phys)["pt_count"])
    return "%s 0x%016x entries=%d count=%d" % (LEVEL_NAMES[level], va, used, count)


class Procs(gdb.Command):
    """procs: every process: pid, state, threads, VmRSS, VmPTE, name."""

    def __init__(self):
        super().__init__("procs", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print("%5s %-12s %7s %10s %10s  %s" % ("PID", "STATE", "THREADS", "RSS_KB",
                                               "PTE_KB", "NAME"))
        for p in processes():
            state = str(p["state"]).replace("PROC_", "").lower()
            as_ = p["as"]
            rss = int(as_["rss_pages"]) * 4 if as_ != 0 else 0
            pte = int(as_["pt_pages"]) * 4 if as_ != 0 else 0
            print("%5d %-12s %7d %10d %10d  %s" % (int(p["pid"]), state,
                                                   int(p["live_threads"]), rss, pte,
                                                   p["name"].string()))


class PtWalk(gdb.Command):
    """pt-walk VA [PID]: the path from the PML4 to VA's page, entry by entry."""

    def __init__(self):
        super().__init__("pt-walk", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not 1 <= len(args) <= 2:
            raise gdb.GdbError("usage: pt-walk VA [PID]")
        va = int(gdb.parse_and_eval(args[0])) & 0xffffffffffffffff
        pid = int(args[1]) if len(args) == 2 else None
        phys = root_of(pid)
        print("pt-walk 0x%016x in %s" % (va, "pid %d" % pid if pid else "CR3"))
        for level in (4, 3, 2, 1):
            index = (va >> LEVEL_SHIFT[level]) & (ENTRIES - 1)
            desc = page(phys)
            entry = read_table(phys)[index]
            print("  %-4s table 0x%x count=%d [%3d] = 0x%016x  %s" % (
                LEVEL_NAMES[level], phys, int(desc["pt_count"]), index, entry,
                decode(entry, level)))
            if not entry & BIT["PTE_PRESENT"] or entry == PTE_POISON:
                print("  not mapped")
                return
            target = entry & PTE_ADDR_MASK
            if level == 1 or entry & BIT["PTE_HUGE"]:
                offset = va & ((1 << LEVEL_SHIFT[level]) - 1)
                print("  -> physical 0x%x (frame refcount %d)" % (
                    target + offset, int(page(target)["refcount"])))
                return
            phys = target


class PtTree(gdb.Command):
    """pt-tree PID: the process's page-table pages, as /proc/PID/ptdump."""

    def __init__(self):
        super().__init__("pt-tree", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 1:
            raise gdb.GdbError("usage: pt-tree PID")
        self.walk(4, 0, root_of(int(args[0])), 0)

    def walk(self, level, va, phys, depth):
        entries = read_table(phys)
        if level == 4:
            entries = entries[:USER_PML4_ENTRIES]
        print("  " * depth + table_line(level, va, phys, entries))
        if level == 1:
            return
        for index, entry in enumerate(entries):
            if not entry & BIT["PTE_PRESENT"] or entry & BIT["PTE_HUGE"]:
                continue
            self.walk(level - 1, va + (index << LEVEL_SHIFT[level]),
                      entry & PTE_ADDR_MASK, depth + 1)


class PtStat(gdb.Command):
    """ptstat: page-table pages allocated, freed and alive per level."""

    def __init__(self):
        super().__init__("ptstat", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        stats = static_variable("stats", "pt_ref.c")
        for level in (4, 3, 2, 1):
            alloc = int(stats["allocated"][level - 1])
            freed = int(stats["freed"][level - 1])
            print("%-4s allocated %d freed %d alive %d" % (LEVEL_NAMES[level], alloc, freed,
                                                          alloc - freed))
        print("waiting for a grace period %d, reclaim IPIs %d, batches %d" % (
            int(stats["waiting"]), int(stats["reclaim_ipis"]), int(stats["batches"])))


class Rcu(gdb.Command):
    """rcu: the grace period in progress and each CPU's quiescent states."""

    def __init__(self):
        super().__init__("rcu", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        started = int(static_variable("gp_started", "rcu.c"))
        completed = int(static_variable("gp_completed", "rcu.c"))
        needed = int(static_variable("gp_needed", "rcu.c"))
        owed = int(static_variable("qs_owed", "rcu.c"))
        queued = int(static_variable("callbacks_queued", "rcu.c"))
        run = int(static_variable("callbacks_run", "rcu.c"))
        state = "in progress" if started != completed else "idle"
        print("grace periods: started %d completed %d needed %d (%s)" % (
            started, completed, needed, state))
        print("callbacks: queued %d run %d waiting %d" % (queued, run, queued - run))
        cpus = gdb.parse_and_eval("cpus")
        for i in range(int(gdb.parse_and_eval("cpu_count"))):
            cpu = cpus[i]
            print("cpu %d: quiescent states %d, ticks %d%s" % (
                i, int(cpu["quiescent_states"]), int(cpu["ticks"]),
                ", owes a quiescent state" if owed >> i & 1 else ""))


def static_variable(name, file_suffix):
    """The value of the file-scope variable 'name' of the source file ending
    in 'file_suffix' (several files may have a static of that name)."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab.filename.endswith(file_suffix):
            return sym.value()
    raise gdb.GdbError("no static %s in %s" % (name, file_suffix))


Procs()
PtWalk()
PtTree()
PtStat()
Rcu()
