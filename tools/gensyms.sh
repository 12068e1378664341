#!/bin/sh
# Usage: tools/gensyms.sh KERNEL.elf > ksyms.S
# Writes the text symbols of KERNEL.elf, sorted by address, as the .ksyms
# section that kernel/ksyms.c reads. With no argument: an empty table (the
# first link pass).
set -e
{
    if [ -n "$1" ]; then
        nm -n --defined-only "$1" | awk '$2 ~ /^[tT]$/ { print $1, $3 }'
    fi
} | awk '
    { addr[NR] = $1; name[NR] = $2 }
    END {
        print "\t.section .ksyms, \"a\""
        print "\t.balign 8"
        print "\t.global ksyms_count, ksyms_table, ksyms_strings"
        print "ksyms_count:\n\t.quad " NR
        print "ksyms_table:"
        offset = 0
        for (i = 1; i <= NR; i++) {
            print "\t.quad 0x" addr[i] ", " offset
            offset += length(name[i]) + 1
        }
        print "ksyms_strings:"
        for (i = 1; i <= NR; i++)
            print "\t.asciz \"" name[i] "\""
        if (NR == 0)
            print "\t.byte 0"
    }'
