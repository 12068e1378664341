/*
 * test_hello's checks again, in a static PIE: the Makefile links this program
 * with musl's rcrt1.o (-static-pie), so the kernel chooses where it goes and
 * musl relocates itself at start-up; AT_PHDR and AT_ENTRY include that bias.
 */
/* prune-test: deterministic-output */
/* prune-test: musl-only (the link with musl's rcrt1.o is the point) */
#include "test_hello.c"
