/*
 * mremap's move and the TLB (mm/mremap.c, rule MV5), as a Promela model
 * for SPIN (docs/pt-model.md, "mremap's move"; tools/check-model.sh runs
 * it). The zap rule itself is zap_tlb.pml; the tables' life is
 * pt_lifecycle.pml (a move is, for each table, entries removed as a zap
 * removes them and entries added as a fault adds them: nothing new there).
 *
 * What is new is that a page outlives the entry a CPU's TLB still caches:
 * the move takes the page's entry out of the old address A and puts it at
 * the new address B, and until A's shootdown a CPU may still reach the
 * page through A. Another thread may then unmap B and free the page after
 * a shootdown of B only. Three CPUs: a user touching A or B through its
 * TLB, the mover, and an unmapper of B; the map lock is held for writing
 * by the mover and the unmapper (MV1).
 *
 * Build-time switch (spin -DNAME):
 *   LATE_FLUSH  the mover shoots A down after it drops the map lock (in
 *               zap_finish(), as the other zaps do), not before (MV5)
 * The model must verify, and fail with LATE_FLUSH.
 */
#define A      0
#define B      1
#define PAGE   1        /* the frame that moves; 0 is "none" */
#define ROUNDS 3        /* the user's accesses */

byte pte[2];            /* the leaf entries of A and B: 0 or a frame */
byte tlb[2];            /* the user CPU's TLB entries for A and B */
bit  freed;             /* PAGE went back to the allocator */
bit  map_locked;        /* the map lock, write side */
byte flush_pending;     /* zaps that changed an entry and have not flushed (Z2) */

inline lock()
{
	atomic { map_locked == 0 -> map_locked = 1 }
}

inline unlock()
{
	map_locked = 0
}

/* The user touches A or B: through its TLB entry, else through the entry
 * (a walk that fills the TLB); an empty entry is a SIGSEGV, no access. */
proctype user()
{
	byte n, a;
	do
	:: n < ROUNDS ->
		if
		:: a = A
		:: a = B
		fi;
		atomic {
			if
			:: tlb[a] == 0 -> tlb[a] = pte[a]
			:: else
			fi;
			assert(tlb[a] == 0 || !freed)
		};
		n++
	:: else -> break
	od
}

/* mremap: under the map lock, the entry leaves A (a zap's change: Z2),
 * then is stored at B (MV3); A's shootdown comes before the lock is
 * dropped (MV5). No frame is freed: the page only moved. */
proctype mover()
{
	lock();
	atomic { flush_pending++; pte[A] = 0 };
	pte[B] = PAGE;
#ifdef LATE_FLUSH
	unlock();
	atomic { tlb[A] = 0; flush_pending-- }
#else
	atomic { tlb[A] = 0; flush_pending-- };
	unlock()
#endif
}

/* munmap of B: clears the entry under the lock, then after the lock its
 * shootdown of B (also when another zap is in flight: Z3), then the free
 * (Z4). */
proctype unmapper()
{
	byte removed, counted;
	lock();
	atomic {
		if
		:: pte[B] != 0 -> counted = 1; flush_pending++; removed = pte[B]; pte[B] = 0
		:: else
		fi
	};
	unlock();
	atomic {
		if
		:: counted || flush_pending > counted -> tlb[B] = 0
		:: else
		fi;
		flush_pending = flush_pending - counted
	};
	if
	:: removed != 0 -> freed = 1
	:: else
	fi
}

init
{
	pte[A] = PAGE;
	atomic {
		run user();
		run mover();
		run unmapper()
	}
}
