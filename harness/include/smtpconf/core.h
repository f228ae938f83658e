/*
 * core.h - finding the core files a crashed server under test left.
 *
 * Where a core goes is the kernel's choice (Linux core(5)):
 * /proc/sys/kernel/core_pattern is a file name template (%p the PID,
 * %e the executable's name, ...), relative to the crashing process's
 * working directory unless it starts with "/", or "|program" when
 * cores are piped to a helper (systemd-coredump, apport) and no file
 * is written where we could find it.  A process whose parent serves
 * on (a session process of a forking MTA) shows its crash only there,
 * so the harness looks for new ELF core files after each scenario.
 *
 * Library code: returns values, never prints.
 */
#ifndef SMTPCONF_CORE_H
#define SMTPCONF_CORE_H

#include <stddef.h>
#include <sys/types.h>
#include "smtpconf/limits.h"

/* Where to look, from the core pattern and the server's directory. */
struct sc_core_watch {
	char dir[SC_CORE_PATH_MAX];	/* directory the cores land in */
	char prefix[SC_CORE_NAME_MAX];	/* literal start of their name */
	int piped;			/* "|program": no file to find */
	long long since_ns;		/* only cores written after this */
	size_t nseen;			/* cores already reported */
	struct {
		dev_t dev;
		ino_t ino;
		long long mtime_ns;
	} seen[SC_CORE_SEEN_MAX];
};

/* A core file found. */
struct sc_core_found {
	char path[SC_CORE_PATH_MAX];
	long pid;			/* from the core's notes, 0: unknown */
	char comm[17];			/* process name from the notes */
};

/*
 * sc_core_watch_init - read core_pattern (pattern: NULL to read
 * /proc/sys/kernel/core_pattern) and decide where cores of a process
 * working in cwd go; dir (NULL or "") overrides the directory.  Cores
 * older than now are ignored.
 */
void sc_core_watch_init(struct sc_core_watch *w, const char *pattern,
			const char *cwd, const char *dir);
/* sc_core_find - 1 and *out for the newest core not reported yet, else 0 */
int sc_core_find(struct sc_core_watch *w, struct sc_core_found *out);
/* sc_core_read - 1 when path is an ELF core; pid and comm from its notes */
int sc_core_read(const char *path, long *pid, char *comm, size_t n);

#endif
