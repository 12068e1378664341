/*
 * The zap rule of mm/as_internal.h (Z1..Z4), as a Promela model for SPIN
 * (docs/pt-model.md, "The zap rule"; tools/check-model.sh runs it). The
 * life of the tables themselves is the model next to this one,
 * pt_lifecycle.pml.
 *
 * Build-time switch (spin -DNAME):
 *   NO_NESTED_FLUSH  a zap flushes only if it changed the entry itself (no
 *                    flush_pending check)
 * The model must verify, and fail with NO_NESTED_FLUSH.
 */
/*
 * The zap rule (mm/as_internal.h): when a zap returns, no CPU can reach a
 * frame removed from its range, nor use a right taken away there, even if
 * another zap, still in flight, made that change first. One leaf entry
 * ("pte"); each CPU runs a thread that accesses the page through its TLB
 * or zaps the entry (clears it, as MADV_DONTNEED, or weakens it, as
 * mprotect). Every value the entry takes is a new translation id (a
 * fault's new page, or the weaker entry), so ids below the entry's, or all
 * of them once it is empty, are translations that were removed or
 * weakened; the rule is then: when a zap returns, no TLB holds an id that
 * was removed before the zap passed the entry.
 */
#define CPUS      2
#define ROUNDS    3     /* accesses or zaps per CPU */
#define NIDS      (2 * CPUS * ROUNDS + 1)   /* at most one new id per step; 0 is "none" */

byte pte;               /* the entry: 0 or a translation id; under the table lock */
byte nids;              /* ids handed out: 1..nids */
byte nframes;
byte frame_of[NIDS];    /* the frame a translation maps */
bit  frame_freed[NIDS];
byte ztlb[CPUS];        /* each CPU's TLB entry for the address: 0 or an id */
byte flush_pending;     /* zaps that changed the entry and have not flushed (Z2) */

/* A new translation of frame f in the entry. */
inline new_id(f)
{
	nids++; frame_of[nids] = f; pte = nids
}

/* An access of CPU c: through its TLB entry, filled from the entry, or a
 * fault that installs a new page (x86 drops the CPU's entry for the address
 * on the fault; the retried access fills it). */
inline access(c)
{
	atomic {
		if
		:: ztlb[c] == 0 && pte == 0 ->
			nframes++; new_id(nframes);
			printf("%d: fault: new frame %d, id %d\n", _pid, nframes, pte)
		:: else
		fi;
		if
		:: ztlb[c] == 0 -> ztlb[c] = pte
		:: else
		fi;
		printf("%d: CPU %d accesses id %d (frame %d)\n", _pid, c, ztlb[c], frame_of[ztlb[c]]);
		assert(!frame_freed[frame_of[ztlb[c]]])
	}
}

/* A zap of the entry by CPU c: under the table lock, clear or weaken it if
 * it maps something (raising flush_pending first, Z2); then zap_flush (Z3)
 * and zap_finish (Z4); then it returns. */
inline zap(c, counted, removed_frame, passed, i)
{
	atomic {   /* under the table lock */
		if
		:: pte != 0 ->
			counted = 1; flush_pending++;
			if
			:: removed_frame = frame_of[pte]; pte = 0;
				printf("%d: CPU %d clears the entry (frame %d)\n", _pid, c, removed_frame)
			:: new_id(frame_of[pte]);
				printf("%d: CPU %d weakens the entry: id %d\n", _pid, c, pte)
			fi
		:: else ->
			printf("%d: CPU %d finds the entry empty\n", _pid, c)
		fi;
		/* every id up to 'passed' was removed before the zap passed */
		if
		:: pte == 0 -> passed = nids
		:: else -> passed = pte - 1
		fi
	}
	atomic {   /* zap_flush: the shootdown, acknowledged by every CPU */
		if
#ifdef NO_NESTED_FLUSH
		:: counted ->
#else
		:: counted || flush_pending > counted ->
#endif
			i = 0;
			do
			:: i < CPUS -> ztlb[i] = 0; i++
			:: else -> break
			od;
			printf("%d: CPU %d shoots the address down\n", _pid, c)
		:: else
		fi;
		flush_pending = flush_pending - counted;
		counted = 0
	}
	atomic {   /* zap_finish: free the page it removed */
		if
		:: removed_frame != 0 ->
			i = 0;
			do
			:: i < CPUS -> assert(frame_of[ztlb[i]] != removed_frame); i++
			:: else -> break
			od;
			frame_freed[removed_frame] = 1;
			removed_frame = 0
		:: else
		fi
	}
	d_step {   /* the zap returns */
		i = 0;
		do
		:: i < CPUS -> assert(ztlb[i] == 0 || ztlb[i] > passed); i++
		:: else -> break
		od;
		passed = 0
	}
}

proctype cpu(byte c)
{
	byte n, counted, removed_frame, passed, i;
	do
	:: n < ROUNDS ->
		if
		:: true -> access(c)
		:: true -> zap(c, counted, removed_frame, passed, i)
		fi;
		n++
	:: else -> break
	od
}

init
{
	atomic {
		run cpu(0);
		run cpu(1)
	}
}
