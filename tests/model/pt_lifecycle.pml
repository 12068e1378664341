/*
 * The life of one page-table page, as a Promela model for SPIN
 * (docs/pt-lifecycle.md, "The model"; tools/check-model.sh runs it).
 *
 * One parent entry ("pmd") points to no table or to one PTE table. A table
 * has count = entries in use + holders. Processes, each a CPU:
 *   faulters   get the table (lockless try_get, or allocate-and-get under the
 *              parent lock), add an entry, put;
 *   zappers    (MADV_DONTNEED) get the table, remove an entry, put;
 *   walkers    (GUP-fast, mincore) read the parent entry once, then the table,
 *              inside an interrupts-off / read-side section;
 *   mmu        the hardware walker of one CPU, which caches the parent entry
 *              in its paging-structure cache until a TLB shootdown;
 *   grace_period  (ptfree=rcu) frees unlinked tables in batches once every
 *              reader that may have seen them has left its section.
 * Whoever's put brings the count to 0 tears the table down: under the parent
 * lock it rechecks that the parent still points to the table and that the
 * count is still 0 (a faulter may have revived it: the refill race), unlinks
 * it, shoots down the TLBs and hands it to the free strategy.
 *
 * Build-time switches (spin -DNAME):
 *   STRATEGY=RCU (default) | IPI | UNSAFE   how an unlinked table is freed
 *   NORECHECK   the teardown does not recheck the count: the refill race
 *   NOFLUSH     the teardown skips the TLB shootdown
 *   LOCKED_LOOKUP  faulters and zappers look the table up under the parent
 *               lock, so that only walkers and the mmu read tables locklessly
 * Only RCU and IPI without NORECHECK / NOFLUSH must verify.
 */

#define RCU    1
#define IPI    2
#define UNSAFE 3
#ifndef STRATEGY
#define STRATEGY RCU
#endif

#define NFAULTERS 2
#define FAULTS0   2     /* faults of faulter 0 */
#define FAULTS1   1     /* faults of faulter 1 */
#define NZAPPERS  1
#define ZAPS      2     /* zaps per zapper */
#define NWALKERS  1
#define WALKS     2     /* lockless walks per walker */
#define MMU_STEPS 2     /* cache fills or walks of the hardware walker */

#define NREADERS  (NFAULTERS + NZAPPERS + NWALKERS)
#define NTABLES   (FAULTS0 + FAULTS1 + 1)   /* at most one table per fault; id 0 is "none" */

/* Life of a table: UNUSED -> PRIVATE -> LINKED -> UNLINKED [-> QUEUED -> BATCHED]
 * -> FREED, or PRIVATE -> FREED for the loser of an allocate-and-get race. */
#define UNUSED   0   /* never allocated */
#define PRIVATE  1   /* allocated, seen only by its allocator */
#define LINKED   2   /* the parent entry points to it */
#define UNLINKED 3   /* unlinked by its teardown, TLB shootdown pending */
#define QUEUED   4   /* rcu: flushed, waiting for the next grace period */
#define BATCHED  5   /* rcu: in the batch of the grace period under way */
#define FREED    6   /* returned to the page allocator */


/*
 * Locks are not variables here: each critical section of the design is one
 * atomic step (the parent lock's: install-or-get, recheck-and-unlink; the
 * table lock's: add or remove an entry). What matters is what may happen
 * between those sections, and every such point is a separate step.
 */
byte pmd;                  /* the parent entry: 0 or a table id; under the parent lock */
byte state[NTABLES];
byte count[NTABLES];       /* entries in use + holders; atomic */
byte entries[NTABLES];     /* entries in use; under the table's lock */
byte nalloc;               /* tables allocated so far, ids 1..nalloc */
bit  inside[NREADERS];     /* reader i is in its interrupts-off / read-side section */
byte tlb;                  /* the mmu's cached parent entry (paging-structure cache) */
byte nqueued;              /* rcu: tables QUEUED */
byte running = NREADERS;   /* readers that have not finished */

/* Every read or write of a table's memory is checked: it must not be freed. */
#define touch(t)   assert(state[t] != FREED && state[t] != UNUSED)

/* What must hold when a table returns to the page allocator. */
#define check_free(t) \
	assert(state[t] != FREED);  /* no double free */ \
	assert(count[t] == 0 && entries[t] == 0); \
	assert(pmd != t && tlb != t)

/* Wait until every reader has been outside its section at least once since
 * the call: a grace period (rcu) or an IPI acknowledged by every CPU (ipi). */
inline wait_for_readers(i)
{
	i = 0;
	do
	:: i < NREADERS -> (inside[i] == 0); i++
	:: else -> break
	od;
	i = 0
}

/* Hand an unlinked, flushed table to the free strategy. */
inline retire(t, i)
{
#if STRATEGY == RCU
	d_step { state[t] = QUEUED; nqueued++; printf("%d: table %d waits for a grace period\n", _pid, t) }
#elif STRATEGY == IPI
	wait_for_readers(i);
	d_step { printf("%d: IPIs done, frees table %d\n", _pid, t); check_free(t); state[t] = FREED }
#else
	d_step { printf("%d: frees table %d at once\n", _pid, t); check_free(t); state[t] = FREED }
#endif
}

/* Drop one from t's count; if that was the last, tear the table down. */
inline put(t, unlinked, i)
{
	atomic {
		touch(t);
		count[t]--;
		unlinked = (count[t] == 0);
		printf("%d: put table %d, count %d\n", _pid, t, count[t])
	}
	if
	:: unlinked ->
		/* under the parent lock: recheck, then unlink */
		atomic {
			if
			:: pmd == t ->
				touch(t);
#ifndef NORECHECK
				unlinked = (count[t] == 0)
#endif
			:: else -> unlinked = 0
			fi;
			if
			:: unlinked -> pmd = 0; state[t] = UNLINKED; printf("%d: unlinks table %d\n", _pid, t)
			:: else -> printf("%d: recheck: table %d is no longer ours to free\n", _pid, t)
			fi
		}
		if
		:: unlinked ->
#ifndef NOFLUSH
			tlb = 0;     /* TLB shootdown, completed on every CPU */
#endif
			unlinked = 0;
			retire(t, i)
		:: else
		fi
	:: else
	fi
}

/* Take a hold on table t if its count is not 0; else t = 0. */
inline try_get(t)
{
	touch(t);
	if
	:: count[t] > 0 -> count[t]++; printf("%d: try_get table %d: ok\n", _pid, t)
	:: else -> printf("%d: try_get table %d: count 0\n", _pid, t); t = 0
	fi
}

/* Find the table and take a hold on it; t = 0 if there is none or it is
 * being torn down. The parent entry is read locklessly in a read-side
 * section, or with LOCKED_LOOKUP under the parent lock (then only walkers
 * and the mmu read tables without a lock). */
inline lookup_get(me, t)
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
	byte n, t, spare, unlinked, i;
	do
	:: n < faults ->
		lookup_get(me, t);
		if
		:: t == 0 ->
			/* Allocate-and-get: a new table (private until installed),
			 * then under the parent lock install it, or get the one
			 * installed first and free ours. A linked table stays
			 * linked while the parent lock is held, so it may be got
			 * here even with a count of 0 (revived). */
			atomic {
				nalloc++; spare = nalloc; state[spare] = PRIVATE; count[spare] = 1;
				if
				:: pmd == 0 ->
					pmd = spare; state[spare] = LINKED; t = spare;
					printf("%d: installs table %d\n", _pid, t)
				:: else ->
					t = pmd; touch(t); count[t]++;
					printf("%d: gets table %d under the parent lock, count %d\n", _pid, t, count[t]);
					count[spare] = 0; check_free(spare); state[spare] = FREED
				fi;
				spare = 0
			}
		:: else
		fi;
		d_step {   /* add an entry */
			touch(t); entries[t]++; count[t]++;
			printf("%d: adds an entry to table %d\n", _pid, t)
		}
		put(t, unlinked, i);
		t = 0;
		n++
	:: else -> break
	od;
	running--
}

proctype zapper(byte me)
{
	byte n, t, unlinked, i;
	do
	:: n < ZAPS ->
		lookup_get(me, t);
		if
		:: t != 0 ->
			d_step {   /* remove an entry */
				touch(t);
				if
				:: entries[t] > 0 ->
					entries[t]--; count[t]--;
					printf("%d: removes an entry from table %d\n", _pid, t)
				:: else
				fi
			}
			put(t, unlinked, i);
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
		atomic {   /* enter the section, read the parent entry once */
			inside[me] = 1; table = pmd;
			printf("%d: walker reads the parent entry: table %d\n", _pid, table)
		}
		atomic {   /* then the table, and leave */
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

/* The hardware walker of a CPU that has the address space loaded: fills its
 * paging-structure cache from a present parent entry, or walks the cached
 * table, in any order. */
proctype mmu()
{
	byte n;
end:	/* idle: nothing cached and no table linked */
	do
	:: n < MMU_STEPS ->
		atomic {
			if
			:: pmd != 0 -> tlb = pmd
			:: tlb != 0 -> touch(tlb)
			fi;
			n++
		}
	:: else -> break
	od
}

#if STRATEGY == RCU
/* Grace periods: each batch is the tables unlinked before it began. */
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
				:: state[t] == BATCHED -> check_free(t); state[t] = FREED
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

init
{
	byte t;
	atomic {
		run faulter(0, FAULTS0);
		run faulter(1, FAULTS1);
		run zapper(2);
		run walker(3);
		run mmu();
#if STRATEGY == RCU
		run grace_period();
#endif
	}
	_nr_pr == 1;
	/* No leak: every table ever allocated is freed, or is the linked one
	 * with count == entries > 0 (nobody holds it any more). */
	d_step {
		t = 1;
		do
		:: t <= nalloc ->
			assert(state[t] == FREED || (state[t] == LINKED && pmd == t));
			assert(state[t] != LINKED || (count[t] == entries[t] && count[t] > 0));
			t++
		:: else -> break
		od
	}
}
