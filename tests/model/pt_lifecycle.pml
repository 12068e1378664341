/*
 * The life of one page-table page, as a Promela model for SPIN
 * (docs/pt-model.md; tools/check-model.sh runs it).
 * It follows mm/pt_ref.c and mm/pt_gather.c, rules R1..R6 of mm/pt_ref.h.
 *
 * One parent entry ("pmd") holds no table or one PTE table. A table's count
 * is its entries in use + its holders (+ 1 keep reference under ptfree=off).
 * Each process is a CPU:
 *   faulter    pt_child_get (lockless, pt_try_get), else pt_alloc_get (under
 *              the parent lock: install a new table, or take the winner's
 *              and free ours); add an entry; pt_put;
 *   zapper     (MADV_DONTNEED) pt_child_get; remove an entry; pt_put; under
 *              ptfree=off its last zap is a munmap that drops the keep
 *              reference;
 *   walker     GUP-fast: in a pt_walk_begin section (interrupts off) read
 *              the parent entry once, then the table;
 *   mmu        the hardware walker of a CPU that has the address space
 *              loaded: caches the parent entry (paging-structure cache) and
 *              walks the cached table until a TLB shootdown;
 *   grace_period  ptfree=rcu: frees batches of flushed tables once every
 *              reader has left the section it was in;
 *   reclaimer  (RECLAIM) takes a listed table and frees it if it holds
 *              no data (below);
 *   invariant  checks R2 between any two steps: a linked table has a count
 *              above zero.
 * pt_put: drop a unit unless it is the last; else, under the parent lock,
 * drop it and, if the count reached 0 there (a pt_try_get may have come in
 * meanwhile: the refill race), clear the parent entry. Then zap_finish: the
 * TLB shootdown, then the free strategy.
 *
 * Locks are not variables here: each critical section is one atomic step
 * (the parent lock's: install-or-get, last-put-and-unlink; a table lock's:
 * add or remove an entry). What matters is what may happen between those
 * sections, and every such point is a separate step.
 *
 * Build-time switches (spin -DNAME):
 *   STRATEGY=RCU (default) | IPI | OFF | UNSAFE  how an unlinked table is freed
 *   NORECHECK      the last put unlinks without rechecking the count under
 *                  the parent lock: the refill race
 *   NOFLUSH        zap_finish skips the TLB shootdown
 *   LOCKED_LOOKUP  faulters and zappers read the parent entry under its lock,
 *                  so that only walkers and the mmu read tables locklessly
 *   RECLAIM        adds what a PTE table holds and the idle list (R7 to R9
 *                  of mm/pt_ref.h): a fault adds a zero-page entry (a read)
 *                  or a page (a write), a zap removes either; a table that
 *                  is zero-only (and has an entry, or a keep reference, or
 *                  LAZY) is listed, holding a unit; and a reclaimer takes a
 *                  listed table with a reference, drops its zero-page
 *                  entries one table-lock section at a time, drops the
 *                  list's unit (and the keep one) if the table is then
 *                  empty, and puts it: the refault racing the reclaimer,
 *                  the reclaimer racing a zap
 *   LAZY           with RECLAIM: ptreclaim=lazy, an emptied table stays
 *                  linked, listed
 *   RECLAIM_NOREF  with RECLAIM: the reclaimer takes a table from the list
 *                  without a reference (and does not put it)
 *   RECLAIM_NO_EMPTY_CHECK  with RECLAIM: the reclaimer drops the list's
 *                  unit without checking, under the table lock, that no
 *                  fault refilled the table after its zero entries went
 * RCU, IPI and OFF must verify (with or without LOCKED_LOOKUP, with or
 * without RECLAIM and LAZY); UNSAFE, NORECHECK, NOFLUSH, RECLAIM_NOREF and
 * RECLAIM_NO_EMPTY_CHECK must fail. The zap rule of mm/as_internal.h is
 * the model next to this one, zap_tlb.pml.
 */

#define RCU    1
#define IPI    2
#define OFF    3
#define UNSAFE 4
#ifndef STRATEGY
#define STRATEGY RCU
#endif

#ifdef RECLAIM          /* one faulter, smaller bounds: the reclaimer adds its steps */
#define FAULTS0   2
#define FAULTS1   0
#define ZAPS      1
#define WALKS     1
#define MMU_STEPS 1
#define RECLAIMS  1     /* passes of the reclaimer */
#define NPUTTERS  4     /* faulter 0, the zapper, the walker, the reclaimer */
#else
#define FAULTS0   2     /* faults of faulter 0 */
#define FAULTS1   1     /* faults of faulter 1 */
#define ZAPS      2     /* zaps of the zapper */
#define WALKS     2     /* lockless walks of the walker */
#define MMU_STEPS 2     /* cache fills or walks of the hardware walker */
#define NPUTTERS  4     /* processes the grace period waits for: faulters, zapper, walker */
#endif

#define NREADERS  4     /* faulters 0 and 1, the zapper, the walker */
#define NTABLES   (FAULTS0 + FAULTS1 + 1)   /* at most one table per fault; id 0 is "none" */

/* Life of a table: UNUSED -> PRIVATE -> LINKED -> UNLINKED [-> QUEUED -> BATCHED]
 * -> FREED, or PRIVATE -> FREED for the loser of an allocate-and-get race. */
#define UNUSED   0   /* never allocated */
#define PRIVATE  1   /* allocated, seen only by its allocator */
#define LINKED   2   /* the parent entry points to it */
#define UNLINKED 3   /* unlinked by its last put, in a gather: shootdown pending */
#define QUEUED   4   /* rcu: flushed, waiting for the next grace period */
#define BATCHED  5   /* rcu: in the batch of the grace period under way */
#define FREED    6   /* returned to the page allocator (PG_PTABLE cleared) */

byte pmd;                  /* the parent entry: 0 or a table id; under the parent lock */
byte state[NTABLES];
byte count[NTABLES];       /* entries in use + holders + keep; atomic */
byte entries[NTABLES];     /* entries in use; under the table's lock */
bit  keep[NTABLES];        /* ptfree=off: the keep reference is still held */
byte nalloc;               /* tables allocated so far, ids 1..nalloc */
bit  inside[NREADERS];     /* reader i is in a pt_walk_begin section */
byte tlb;                  /* the mmu's cached parent entry (paging-structure cache) */
byte nqueued;              /* rcu: tables QUEUED */
byte running = NPUTTERS;   /* processes (readers, reclaimer) that have not finished */
#ifdef RECLAIM
byte zero[NTABLES];        /* of the entries in use, those of the zero page; table lock */
bit  idle[NTABLES];        /* on the idle list, holding a unit of count (R8) */
#endif
#ifdef LAZY
#define LAZY_KEEPS 1
#else
#define LAZY_KEEPS 0
#endif

/* Every read or write of a table's memory is checked (pt_check_alive). */
#define touch(t)   assert(state[t] != FREED && state[t] != UNUSED)

/* What must hold when a table returns to the page allocator. */
#ifdef RECLAIM
#define check_idle_free(t) assert(idle[t] == 0)  /* never freed while listed */
#else
#define check_idle_free(t) skip
#endif
#define check_free(t) \
	assert(state[t] != FREED);  /* no double free */ \
	assert(count[t] == 0 && entries[t] == 0); \
	assert(pmd != t && tlb != t); \
	check_idle_free(t)

#ifdef RECLAIM
/* R8: a zero-only table with an entry, a keep reference or LAZY is listed */
#define idle_wanted(t) (entries[t] == zero[t] && (entries[t] > 0 || keep[t] || LAZY_KEEPS))

/* pt_idle_update: list or unlist table t, under its lock, with the list's unit */
inline idle_update(t)
{
	if
	:: idle[t] == 0 && idle_wanted(t) -> idle[t] = 1; count[t]++
	:: idle[t] == 1 && !idle_wanted(t) -> idle[t] = 0; count[t]--
	:: else
	fi
}
#endif

/* Wait until every reader has been outside its section at least once since
 * the call: a grace period (rcu) or an IPI acknowledged by every CPU (ipi,
 * off). */
inline wait_for_readers(i)
{
	i = 0;
	do
	:: i < NREADERS -> (inside[i] == 0); i++
	:: else -> break
	od;
	i = 0
}

/* pt_gather_finish for a gather of one unlinked, flushed table. */
inline gather_finish(t, i)
{
#if STRATEGY == RCU
	d_step { state[t] = QUEUED; nqueued++; printf("%d: table %d waits for a grace period\n", _pid, t) }
#elif STRATEGY == UNSAFE
	d_step { printf("%d: frees table %d at once\n", _pid, t); check_free(t); state[t] = FREED }
#else
	wait_for_readers(i);
	d_step { printf("%d: IPIs done, frees table %d\n", _pid, t); check_free(t); state[t] = FREED }
#endif
}

/* pt_put, then zap_finish if it unlinked the table. */
inline put(t, last, i)
{
	atomic {   /* put_unless_last */
		printf("%d: put table %d\n", _pid, t);
		touch(t);
		if
		:: count[t] > 1 -> count[t]--; last = 0
		:: else -> last = 1; printf("%d: that was the last unit of table %d\n", _pid, t)
		fi
	}
	if
	:: last ->
		atomic {   /* under the parent lock */
			touch(t);
			assert(pmd == t);   /* R2: we hold a unit, so it is linked */
			count[t]--;
			if
#ifdef NORECHECK
			:: true ->
#else
			:: count[t] == 0 ->
#endif
				pmd = 0; state[t] = UNLINKED;
				printf("%d: count %d under the parent lock: unlinks table %d\n", _pid, count[t], t)
			:: else ->
				last = 0;
				printf("%d: count %d under the parent lock: someone came in, table %d stays\n", _pid, count[t], t)
			fi
		}
		if
		:: last ->   /* zap_finish */
#ifndef NOFLUSH
			tlb = 0;     /* the TLB shootdown, acknowledged by every CPU */
#endif
			last = 0;
			gather_finish(t, i)
		:: else
		fi
	:: else
	fi
}

/* pt_try_get: a reference on table t if its count is not 0; else t = 0. */
inline try_get(t)
{
	printf("%d: pt_try_get table %d\n", _pid, t);
	touch(t);
	if
	:: count[t] > 0 -> count[t]++
	:: else -> printf("%d: table %d is dying (count 0)\n", _pid, t); t = 0
	fi
}

/* pt_child_get: the table with a reference, or t = 0 if there is none or
 * it is dying. The parent entry is read inside a pt_walk_begin section, or
 * with LOCKED_LOOKUP under the parent lock. */
inline child_get(me, t)
{
#ifdef LOCKED_LOOKUP
	atomic {
		t = pmd;
		printf("%d: reads the parent entry under its lock: table %d\n", _pid, t);
		if
		:: t != 0 -> try_get(t)
		:: else
		fi
	}
#else
	atomic {
		inside[me] = 1; t = pmd;
		printf("%d: reads the parent entry: table %d\n", _pid, t)
	}
	atomic {
		if
		:: t != 0 -> try_get(t)
		:: else
		fi;
		inside[me] = 0
	}
#endif
}

proctype faulter(byte me; byte faults)
{
	byte n, t, spare, last, i;
	bit kind;
	do
	:: n < faults ->
		child_get(me, t);
		if
		:: t == 0 ->
			/* pt_alloc_get: a new table (private until installed), then
			 * under the parent lock install it, or take the winner's and
			 * free ours (never published) */
			atomic {
				nalloc++; spare = nalloc; state[spare] = PRIVATE;
				if
				:: pmd == 0 ->
					pmd = spare; state[spare] = LINKED; t = spare;
					count[spare] = 1;   /* our reference */
#if STRATEGY == OFF
					count[spare]++; keep[spare] = 1;
#endif
					printf("%d: installs table %d\n", _pid, t)
				:: else ->
					t = pmd; touch(t);
					assert(count[t] > 0);   /* R2 */
					count[t]++;
					printf("%d: takes the winner's table %d, frees table %d\n", _pid, t, spare);
					check_free(spare); state[spare] = FREED
				fi;
				spare = 0
			}
		:: else
		fi;
#ifdef RECLAIM
		if   /* a read maps the zero page, a write a page of its own */
		:: kind = 1
		:: kind = 0
		fi;
#endif
		d_step {   /* add an entry, under the table lock */
			printf("%d: adds an entry (zero page: %d) to table %d\n", _pid, kind, t);
			touch(t); entries[t]++; count[t]++;
#ifdef RECLAIM
			zero[t] = zero[t] + kind;
			idle_update(t)
#endif
		}
		put(t, last, i);
		t = 0;
		n++
	:: else -> break
	od;
	running--
}

proctype zapper(byte me)
{
	byte n, t, last, i;
	bit kind;
	do
	:: n < ZAPS ->
		child_get(me, t);
		if
		:: t != 0 ->
#ifdef RECLAIM
			if   /* which kind of entry it finds first */
			:: kind = 1
			:: kind = 0
			fi;
#endif
			d_step {   /* remove an entry, under the table lock */
				printf("%d: removes an entry from table %d\n", _pid, t);
				touch(t);
				if
				:: entries[t] > 0 ->
#ifdef RECLAIM
					if
					:: (kind && zero[t] > 0) || entries[t] == zero[t] -> zero[t]--
					:: else
					fi;
#endif
					entries[t]--; count[t]--
				:: else
				fi;
#if STRATEGY == OFF
				if   /* the last zap is a munmap: pt_drop_keep */
				:: n == ZAPS - 1 && keep[t] ->
					keep[t] = 0; count[t]--;
					printf("%d: munmap drops the keep reference of table %d\n", _pid, t)
				:: else
				fi;
#endif
#ifdef RECLAIM
				idle_update(t);
#endif
				skip
			}
			put(t, last, i);
			t = 0
		:: else
		fi;
		n++
	:: else -> break
	od;
	running--
}

proctype walker(byte me)
{
	byte n, table;
	do
	:: n < WALKS ->
		atomic {   /* pt_walk_begin, then read the parent entry once */
			inside[me] = 1; table = pmd;
			printf("%d: walker reads the parent entry: table %d\n", _pid, table)
		}
		atomic {   /* then the table, and pt_walk_end */
			if
			:: table != 0 ->
				printf("%d: walker reads table %d\n", _pid, table);
				touch(table)
			:: else
			fi;
			inside[me] = 0;
			table = 0
		}
		n++
	:: else -> break
	od;
	running--
}

/* Fills its cache from a present parent entry or walks the cached table, in
 * any order; with nothing to do it lets a step go by. */
proctype mmu()
{
	byte n;
	do
	:: n < MMU_STEPS ->
		atomic {
			if
			:: pmd != 0 -> tlb = pmd; printf("%d: mmu caches table %d\n", _pid, tlb)
			:: tlb != 0 -> printf("%d: mmu walks table %d\n", _pid, tlb); touch(tlb)
			:: else
			fi;
			n++
		}
	:: else -> break
	od
}

#ifdef RECLAIM
/* The reclaim of mm/pt_reclaim.c (R9): a table taken from the idle list
 * (the linked one, if listed) with a reference; its zero-page entries
 * dropped, one table-lock section each, while it stays zero-only and
 * listed; then, under the table lock, if empty, the list's unit and the
 * keep one dropped; then its put decides. */
proctype reclaimer()
{
	byte n, t, last, i;
	do
	:: n < RECLAIMS ->
		atomic {   /* idle_oldest, under the list's lock */
			if
			:: pmd != 0 && idle[pmd] ->
				t = pmd; touch(t);
#ifndef RECLAIM_NOREF
				count[t]++;
#endif
				printf("%d: reclaimer takes table %d from the idle list\n", _pid, t)
			:: else -> t = 0
			fi
		}
		if
		:: t != 0 ->
			do   /* drop_zero_entry, one per table-lock section (the chunks) */
			:: atomic {
				idle[t] && zero[t] > 0 && entries[t] == zero[t] ->
				touch(t); zero[t]--; entries[t]--; count[t]--;
				printf("%d: reclaimer drops a zero-page entry of table %d\n", _pid, t);
				idle_update(t)
			   }
			:: else -> break
			od;
			atomic {   /* under the table lock: empty? the list's and keep units go */
				touch(t);
				if
#ifdef RECLAIM_NO_EMPTY_CHECK
				:: true ->
#else
				:: entries[t] == 0 ->
#endif
					if
					:: idle[t] -> idle[t] = 0; count[t]--
					:: else
					fi;
					if
					:: keep[t] -> keep[t] = 0; count[t]--
					:: else
					fi;
					printf("%d: reclaimer empties table %d: count %d\n", _pid, t, count[t])
				:: else
				fi
			}
#ifndef RECLAIM_NOREF
			put(t, last, i);
#endif
			t = 0
		:: else
		fi;
		n++
	:: else -> break
	od;
	running--
}
#endif

#if STRATEGY == RCU
/* Grace periods: each batch is the tables queued before it began. */
proctype grace_period()
{
	byte t, i;
	do
	:: nqueued > 0 ->
		d_step {
			t = 1;
			do
			:: t <= nalloc ->
				if
				:: state[t] == QUEUED -> state[t] = BATCHED; nqueued--
				:: else
				fi;
				t++
			:: else -> break
			od;
			t = 0
		}
		wait_for_readers(i);
		d_step {
			t = 1;
			do
			:: t <= nalloc ->
				if
				:: state[t] == BATCHED ->
					printf("%d: grace period over, frees table %d\n", _pid, t);
					check_free(t); state[t] = FREED
				:: else
				fi;
				t++
			:: else -> break
			od;
			t = 0
		}
	:: nqueued == 0 && running == 0 -> break
	od
}
#endif

/* R2 between any two steps. */
proctype invariant()
{
end:	atomic { !(pmd == 0 || count[pmd] > 0) -> assert(pmd == 0 || count[pmd] > 0) }
}

init
{
	byte t;
	atomic {
		run invariant();
		run faulter(0, FAULTS0);
#if FAULTS1 > 0
		run faulter(1, FAULTS1);
#endif
		run zapper(2);
		run walker(3);
		run mmu();
#ifdef RECLAIM
		run reclaimer();
#endif
#if STRATEGY == RCU
		run grace_period();
#endif
	}
	_nr_pr == 2;   /* all but init and the invariant have finished */
	/* No leak: every table ever allocated is freed, or is the linked one,
	 * with count == entries (+ keep): nobody holds it any more. */
	d_step {
		t = 1;
		do
		:: t <= nalloc ->
			assert(state[t] == FREED || (state[t] == LINKED && pmd == t));
#ifdef RECLAIM
			assert(state[t] != LINKED || count[t] == entries[t] + keep[t] + idle[t]);
			assert(state[t] != LINKED || idle[t] == idle_wanted(t));   /* R8 */
#else
			assert(state[t] != LINKED || count[t] == entries[t] + keep[t]);
#endif
			t++
		:: else -> break
		od
	}
}
