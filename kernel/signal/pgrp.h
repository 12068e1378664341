/*
 * Process groups and sessions (POSIX job control; docs/signals.md, "Jobs
 * and the terminal"). Every process has a process group id (pgid) and a
 * session id (sid), inherited at fork; a group is named by its leader's
 * pid and lives while a process has its id, a session likewise. PID 1 is
 * the leader of session 1 and group 1, with the console as its
 * controlling terminal (drivers/tty.h).
 *
 * The fields (struct process: pgid, sid, ctty) are under proc_lock; the
 * functions here take it unless their name ends in _locked.
 */
#ifndef KERNEL_SIGNAL_PGRP_H
#define KERNEL_SIGNAL_PGRP_H

#include <stdbool.h>

#include "kernel/signal.h"

struct process;

/* The calling process's group. */
int pgrp_of_current(void);

/* Sends sig to every process of group pgid (zombies count as found and
 * are left alone); 0 if one was found, else -ESRCH. sig 0 checks only. */
int pgrp_signal(int pgid, int sig, const struct siginfo *info);

/* kill(-1, sig): every process but PID 1 and the caller; -ESRCH if none. */
int pgrp_signal_all(int sig, const struct siginfo *info);

/* True if p's group is orphaned: no member has a parent in another group
 * of the same session, so no shell can continue it. (Linux does not count
 * a parent that is PID 1, which never does job control there; prune's
 * PID 1 is often its shell, user/minish.c, which does.) */
bool pgrp_orphaned(struct process *p);

/* True if group pgid has a member in session sid: a live process or a
 * zombie (one belongs to its group until it is reaped, as on Linux, where
 * its pid stays attached until release_task()). proc_lock held. */
bool pgrp_in_session_locked(int pgid, int sid);

/* The groups a process's exit leaves orphaned with stopped members
 * (Linux's kill_orphaned_pgrp()), which get SIGHUP then SIGCONT. */
#define PGRP_HUP_MAX 8
struct pgrp_hup {
    int count;
    int pgid[PGRP_HUP_MAX];  /* orphaned with stopped members: SIGHUP, SIGCONT */
    int foreground;          /* the terminal's foreground group when its
                                controlling process exits: SIGHUP (POSIX) */
};

/* p is about to become a zombie, its children not yet given away
 * (proc_lock held): fills *hup with the groups its exit orphans; if p
 * leads a session with a controlling terminal, the session loses it and
 * its foreground group is to get SIGHUP. */
void pgrp_exit_locked(struct process *p, struct pgrp_hup *hup);

/* Sends what pgrp_exit_locked() collected. No lock held. */
void pgrp_exit_finish(const struct pgrp_hup *hup);

#endif
