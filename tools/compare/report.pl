#!/usr/bin/perl
# Usage: perl tools/compare/report.pl OUT      (tools/compare/run.sh runs it)
#
# Reads OUT/results/SYSTEM.txt (the "name value unit" lines of each system),
# SYSTEM.kernel (its boot line) and meta.txt, and writes:
#   OUT/report.md          one table per workload: a row per system, a column
#                          per figure, each cell "value (ratio to Linux in QEMU)"
#   OUT/readme-section.md  the summary table for README.md's "prune vs Linux"
#   OUT/seed_vmpte.dat     VmPTE over the seed test's steps, a column per system
#   OUT/fault_time.dat     time per fault, a row per workload, a column per system
# A figure a system did not print shows as "-". Lower is better for every figure.
use strict;
use warnings;

my $out = shift or die "usage: report.pl OUT\n";

my @systems = (
    [ 'prune-rcu',  'prune, ptfree=rcu' ],
    [ 'prune-ipi',  'prune, ptfree=ipi' ],
    [ 'prune-off',  'prune, ptfree=off' ],
    [ 'prune-lazy', 'prune, ptreclaim=lazy' ],
    [ 'linux-qemu', 'Linux in QEMU' ],
    [ 'host',       'host Linux' ],
    [ 'prune-128m', 'prune, 128 MiB' ],
    [ 'linux-qemu-128m', 'Linux in QEMU, 128 MiB' ],
);
# The systems of the 2 GiB runs: every workload's rows but the pressure one's,
# the summary's columns and the plots' lines and bars.
my @main = grep { $_->[0] !~ /-128m$/ } @systems;
my %label_of = map { $_->[0] => $_->[1] } @systems;
my $reference = 'linux-qemu';

# Each workload: title, program, what it does, its figures [name, label,
# 'prune' if only prune prints it], the headline figures the summary
# compares, and optionally the systems of its rows and its reference (other
# than the 2 GiB runs and Linux in QEMU), the systems the summary shows in
# the 2 GiB runs' columns, and a figure prefix whose outcome (finished, or
# killed by a signal) gets a column.
my @workloads = (
    { title => 'Seed test, scaled', prog => 'bench_seed_5g',
      what => 'map 5 GiB; 2,560 times touch every page of the next 2 MiB and MADV_DONTNEED it',
      figures => [ [ 'seed_vmpte_before', 'VmPTE before' ], [ 'seed_vmpte_after', 'VmPTE after' ],
                   [ 'seed_pagetables_before', 'PageTables before' ],
                   [ 'seed_pagetables_after', 'PageTables after' ],
                   [ 'seed_fault_time', 'per fault' ], [ 'seed_dontneed_2m_time', 'per 2 MiB DONTNEED' ] ],
      headline => [ 'seed_vmpte_after', 'seed_fault_time' ] },
    { title => 'Sparse reclaim cycle', prog => 'bench_sparse_reclaim',
      what => 'touch one page per 2 MiB across 8 GiB (4,096 PTE tables), MADV_DONTNEED all of it; 20 cycles, munmap',
      figures => [ [ 'sparse_vmpte_before', 'VmPTE before' ], [ 'sparse_vmpte_touched', 'VmPTE touched' ],
                   [ 'sparse_vmpte_after_dontneed', 'VmPTE after 1 DONTNEED' ],
                   [ 'sparse_vmpte_after_20_cycles', 'VmPTE after 20 cycles' ],
                   [ 'sparse_pagetables_start', 'PageTables start' ],
                   [ 'sparse_pagetables_end', 'PageTables end' ],
                   [ 'sparse_touch_4096_tables_time', 'touch pass' ],
                   [ 'sparse_dontneed_8g_time', 'DONTNEED 8 GiB' ] ],
      headline => [ 'sparse_vmpte_after_20_cycles', 'sparse_touch_4096_tables_time' ] },
    { title => 'Dense faults and MADV_DONTNEED, 256 MiB', prog => 'bench_dense_256m',
      what => 'write every page of 256 MiB, then one MADV_DONTNEED of it all; median of 5',
      figures => [ [ 'dense_vmpte_populated', 'VmPTE populated' ], [ 'dense_vmpte_after', 'VmPTE after' ],
                   [ 'dense_fault_time', 'per fault' ], [ 'dense_dontneed_256m_time', 'DONTNEED 256 MiB' ],
                   [ 'user_fault_dense_time', 'per fault, 64 MiB (bench_fault_dense)' ] ],
      headline => [ 'dense_fault_time', 'dense_dontneed_256m_time' ] },
    { title => 'mincore of 1 GiB', prog => 'bench_mincore_1g',
      what => 'populate 1 GiB, then one mincore call over it; median of 11',
      figures => [ [ 'mincore_vmpte_populated', 'VmPTE populated' ],
                   [ 'mincore_populate_fault_time', 'per fault (fresh memory)' ],
                   [ 'mincore_1g_time', 'mincore 1 GiB' ] ],
      headline => [ 'mincore_1g_time' ] },
    { title => 'fork of a sparse 256 MiB process', prog => 'bench_fork_sparse',
      what => 'one page per 2 MiB over 256 MiB; fork, the child exits, the parent waits; median of 41',
      figures => [ [ 'fork_vmpte_touched', 'VmPTE' ], [ 'fork_sparse_256m_time', 'fork' ],
                   [ 'fork_exit_wait_sparse_256m_time', 'fork + exit + wait' ] ],
      headline => [ 'fork_exit_wait_sparse_256m_time' ] },
    { title => '4 threads faulting disjoint ranges', prog => 'bench_threads_fault',
      what => 'each thread writes every page of its own 64 MiB; median of 3',
      figures => [ [ 'threads_fault_vmpte_after', 'VmPTE after DONTNEED' ],
                   [ 'threads_fault_wall_time', 'wall per fault' ],
                   [ 'threads_fault_thread_time', 'per fault, one thread' ] ],
      headline => [ 'threads_fault_wall_time' ] },
    { title => 'Read-only sparse, 1 GiB', prog => 'bench_read_sparse',
      what => 'read one byte per 4 KiB over 1 GiB never written (each fault maps the zero page); median of 3 passes',
      figures => [ [ 'read_sparse_rss_after', 'VmRSS after' ], [ 'read_sparse_vmpte_after', 'VmPTE after' ],
                   [ 'read_sparse_fault_time', 'per fault' ],
                   [ 'read_sparse_fault_time_min', 'per fault, fastest pass' ],
                   [ 'read_sparse_fault_time_max', 'per fault, slowest pass' ] ],
      headline => [ 'read_sparse_rss_after', 'read_sparse_vmpte_after', 'read_sparse_fault_time' ] },
    { title => 'Churn: the same 2 MiB, 2,560 times', prog => 'bench_churn',
      what => '2,560 times write every page of the same 2 MiB and MADV_DONTNEED it',
      figures => [ [ 'churn_cycle_time', 'per cycle' ], [ 'churn_cycle_time_min', 'fastest cycle' ],
                   [ 'churn_cycle_time_max', 'slowest cycle' ],
                   [ 'churn_pte_tables_allocated', 'PTE tables allocated', 'prune' ],
                   [ 'churn_tables_allocated', 'tables allocated, every level', 'prune' ],
                   [ 'churn_vmpte_after', 'VmPTE after' ] ],
      headline => [ 'churn_cycle_time' ] },
    { title => 'Memory pressure: reads over 64 GiB with 128 MiB of RAM', prog => 'bench_pressure',
      what => 'read one word per 2 MiB over 64 GiB never written (32,768 PTE tables: 128 MiB) on a 128 MiB machine',
      systems => [ 'prune-128m', 'linux-qemu-128m' ], reference => 'linux-qemu-128m',
      summary_as => { 'prune-rcu' => 'prune-128m', 'linux-qemu' => 'linux-qemu-128m' },
      outcome => 'pressure',
      figures => [ [ 'pressure_gib_left', 'GiB left unread' ], [ 'pressure_read_time', 'per read' ],
                   [ 'pressure_vmpte_end', 'VmPTE at the end' ] ],
      headline => [ 'pressure_gib_left' ] },
    { title => '4 threads: faults racing MADV_DONTNEED', prog => 'bench_threads_race',
      what => '2 threads write every page of a shared 64 MiB twice while 2 MADV_DONTNEED its 2 MiB chunks 1,024 times each',
      figures => [ [ 'race_vmpte_after', 'VmPTE after' ], [ 'race_write_time', 'per write' ],
                   [ 'race_dontneed_2m_time', 'per 2 MiB DONTNEED' ], [ 'race_wall_time', 'wall' ] ],
      headline => [ 'race_wall_time' ] },
);

my (%value, %unit, %kernel);
for my $s (@systems) {
    my $name = $s->[0];
    if (open my $f, '<', "$out/results/$name.txt") {
        while (<$f>) {
            my ($k, $v, $u) = split;
            $value{$name}{$k} = $v;
            $unit{$k} = $u;
        }
    }
    if (open my $f, '<', "$out/results/$name.kernel") {
        chomp(my $line = <$f> // '');
        $line =~ s/^compare: kernel //;
        $line =~ s/^prune: booted by (.*?), command line: "(.*)"$/prune ($1), "$2"/;
        $kernel{$name} = $line;
    }
}
my %meta;
if (open my $f, '<', "$out/results/meta.txt") {
    while (<$f>) { chomp; my ($k, $v) = split / /, $_, 2; $meta{$k} = $v // ''; }
}
$meta{$_} //= "unknown" for qw(date cpu host qemu prune linux_package);

# A figure for humans: kB as is, ns as us or ms.
sub show {
    my ($k, $v) = @_;
    return '-' unless defined $v;
    my $u = $unit{$k} // '';
    return "$v kB" if $u eq 'kb';
    if ($u eq 'ns') {
        return sprintf('%.2f s', $v / 1e9) if $v >= 1e9;
        return sprintf('%.2f ms', $v / 1e6) if $v >= 1e6;
        return sprintf('%.1f us', $v / 1e3);
    }
    return "$v $u";
}

# The ratio of system 'name''s figure 'k' to the reference system's.
sub ratio {
    my ($k, $name, $ref) = @_;
    $ref //= $reference;
    my ($v, $r) = ($value{$name}{$k}, $value{$ref}{$k});
    return undef unless defined $v && defined $r && $r > 0;
    return $v / $r;
}

sub cell {
    my ($k, $name, $ref) = @_;
    $ref //= $reference;
    my $text = show($k, $value{$name}{$k});
    my $r = ratio($k, $name, $ref);
    $text .= sprintf(' (%.2f)', $r) if defined $r && $name ne $ref;
    return $text;
}

# How a benchmark ended on a system: it printed 'survived', or init saw it
# killed (tools/compare/run.sh adds PROG_killed_by_signal).
sub outcome {
    my ($prefix, $name) = @_;
    my $signal = $value{$name}{"${prefix}_killed_by_signal"};
    return "killed by signal $signal" if defined $signal;
    return 'finished' if $value{$name}{"${prefix}_survived"};
    return '-';
}

sub verdict {
    my $r = shift;
    return 'no figure' unless defined $r;
    return 'even' if $r > 0.95 && $r < 1.05;
    return $r < 1 ? '**ahead**' : 'behind';
}

sub system_line {
    my $s = shift;
    return "- $s->[1]: " . ($kernel{$s->[0]} // 'did not run') . "\n";
}

my $measured = "Measured $meta{date} by `make compare` on $meta{cpu}; host $meta{host}; "
    . "QEMU $meta{qemu} (TCG, `-smp 4 -m 2G`); prune $meta{prune} built with `DEBUG=0`; "
    . "Linux in QEMU from Debian's `$meta{linux_package}`.";

# The summary: a row per headline figure, prune-rcu against Linux in QEMU
# (for the pressure workload, their 128 MiB runs, in the same columns).
my $summary = '| workload | figure | ' . join(' | ', map { $_->[0] } @main)
    . " | prune-rcu vs Linux in QEMU |\n" . '|---' x (3 + @main) . "|\n";
for my $w (@workloads) {
    my %label = map { $_->[0] => $_->[1] } @{ $w->{figures} };
    my %as = %{ $w->{summary_as} // {} };
    my $ref = $as{'linux-qemu'} // $reference;
    for my $k (@{ $w->{headline} }) {
        my $r = ratio($k, $as{'prune-rcu'} // 'prune-rcu', $ref);
        my @cells = map {
            my $name = $w->{summary_as} ? $as{ $_->[0] } : $_->[0];
            defined $name ? show($k, $value{$name}{$k}) : 'n/a'
        } @main;
        $summary .= "| $w->{title} | $label{$k} | " . join(' | ', @cells)
            . ' | ' . (defined $r ? sprintf('%.2f: ', $r) : '') . verdict($r) . " |\n";
    }
}

open my $report, '>', "$out/report.md" or die "$out/report.md: $!\n";
print $report "# prune vs Linux\n\n$measured\n\nSystems:\n";
print $report system_line($_) for @systems;
print $report "\nEach cell: the figure, and in parentheses its ratio to Linux in QEMU "
    . "(below 1: less memory or less time than Linux in QEMU). Lower is better everywhere. "
    . "Times are wall-clock (`clock_gettime`), in a guest under TCG for every system but the host.\n\n"
    . "## Summary\n\n$summary\n"
    . "![VmPTE during the seed test](seed_vmpte.png)\n\n![Time per fault](fault_time.png)\n";
for my $w (@workloads) {
    my @rows = $w->{systems} ? @{ $w->{systems} } : map { $_->[0] } @main;
    my $ref = $w->{reference} // $reference;
    my @columns = map { $_->[1] } @{ $w->{figures} };
    unshift @columns, 'outcome' if $w->{outcome};
    print $report "\n## $w->{title}\n\n`$w->{prog}`: $w->{what}.\n\n";
    print $report '| system | ' . join(' | ', @columns) . " |\n";
    print $report '|---' x (1 + @columns) . "|\n";
    for my $name (@rows) {
        # a figure only prune can print (its third field: 'prune')
        my @cells = map { ($_->[2] // '') eq 'prune' && $name !~ /^prune/ ? 'n/a'
                          : cell($_->[0], $name, $ref) } @{ $w->{figures} };
        unshift @cells, outcome($w->{outcome}, $name) if $w->{outcome};
        print $report "| $label_of{$name} | " . join(' | ', @cells) . " |\n";
    }
}
close $report;

open my $readme, '>', "$out/readme-section.md" or die;
print $readme "$measured\n\n$summary\n"
    . "![VmPTE during the seed test](docs/compare/seed_vmpte.png)\n"
    . "![Time per fault](docs/compare/fault_time.png)\n\n"
    . "Every figure, per workload: [docs/compare/report.md](docs/compare/report.md).\n";
close $readme;

# Plot data: missing figures as "?" (gnuplot skips them).
my @steps = sort map { /^seed_vmpte_step_(\d+)$/ ? $1 : () }
    keys %{ { map { %{ $value{$_} } } keys %value } };
open my $dat, '>', "$out/seed_vmpte.dat" or die;
print $dat join("\t", 'step', map { "\"$_->[1]\"" } @main) . "\n";
print $dat join("\t", 0, map { $value{ $_->[0] }{seed_vmpte_before} // '?' } @main) . "\n";
for my $step (@steps) {
    print $dat join("\t", $step + 0, map { $value{ $_->[0] }{"seed_vmpte_step_$step"} // '?' } @main) . "\n";
}
close $dat;

# Time per fault in us: [label, figure, faults the figure covers].
my @faults = (
    [ 'dense 256 MiB', 'dense_fault_time', 1 ],
    [ 'seed (2 MiB)', 'seed_fault_time', 1 ],
    [ 'sparse 8 GiB', 'sparse_touch_4096_tables_time', 4096 ],
    [ 'fresh 1 GiB', 'mincore_populate_fault_time', 1 ],
    [ '4 threads, wall', 'threads_fault_wall_time', 1 ],
    [ 'read, zero page', 'read_sparse_fault_time', 1 ],
    [ 'churn (2 MiB)', 'churn_cycle_time', 512 ],
);
open $dat, '>', "$out/fault_time.dat" or die;
print $dat join("\t", 'workload', map { "\"$_->[1]\"" } @main) . "\n";
for my $f (@faults) {
    print $dat join("\t", "\"$f->[0]\"", map {
        my $v = $value{ $_->[0] }{ $f->[1] };
        defined $v ? sprintf('%.2f', $v / $f->[2] / 1000) : '?'
    } @main) . "\n";
}
close $dat;
