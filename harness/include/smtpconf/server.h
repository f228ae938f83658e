/*
 * server.h - the server under test as a process smtpconf manages.
 *
 * With --spawn the harness starts the server itself: `/bin/sh -c CMD`
 * with ${port} replaced by the target's port, in a process group of
 * its own, stdout and stderr captured (the last SC_SERVER_OUTPUT_RING
 * bytes are kept).  It is ready when the port greets with a 2xx or 5xx
 * line (RFC 5321 3.1).  While scenarios run the harness watches it:
 * an exit, a death by a signal, a sanitizer or valgrind report in
 * its output, or a new core file of any of its processes (core.h) is
 * a crash, charged to the scenario that was running.
 * Stopping it is a signal to the process group (or a --stop command),
 * a bounded wait, then SIGKILL.
 *
 * With -j N, scenarios running side by side watch the same server:
 * poll, settle, crashed, describe, output and stop_begin take the
 * server's lock.  Start, stop, restart and free are for the thread
 * that owns it, while no scenario runs.
 *
 * Library code: every call returns an sc_status and never prints.  On
 * Linux the first start makes this process a child subreaper, so that
 * the server's own children are reaped here when it dies (a process
 * group full of zombies would never look empty).
 */
#ifndef SMTPCONF_SERVER_H
#define SMTPCONF_SERVER_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include "smtpconf/core.h"
#include "smtpconf/limits.h"
#include "smtpconf/status.h"

/* What became of the server, as far as we have seen. */
enum sc_server_fate {
	SC_SERVER_NONE,		/* not started by us (or not yet) */
	SC_SERVER_RUNNING,	/* alive, nothing wrong seen */
	SC_SERVER_EXITED,	/* exited on its own: status in exit_status */
	SC_SERVER_SIGNALED,	/* killed by a signal: term_signal */
	SC_SERVER_SANITIZER,	/* printed a sanitizer or valgrind report */
	SC_SERVER_CORE,		/* one of its processes left a core file */
	SC_SERVER_STOPPED	/* ended after we asked it to stop */
};

struct sc_server_options {
	const char *spawn_cmd;	/* NULL: we do not start it (stop only) */
	const char *stop_cmd;	/* NULL: stop with stop_signal */
	const char *core_dir;	/* NULL: from core_pattern and its cwd */
	int stop_signal;	/* default SIGTERM */
	char host[256];		/* where it greets */
	char port[16];		/* also the value of ${port} */
	unsigned spawn_timeout_ms;	/* until the greeting */
	unsigned stop_timeout_ms;	/* then SIGKILL */
	volatile sig_atomic_t *interrupted;	/* Ctrl-C: stop waiting */
};

struct sc_server {
	struct sc_server_options o;
	char spawn[SC_SERVER_CMD_MAX];	/* commands with ${port} replaced */
	char stop[SC_SERVER_CMD_MAX];
	pid_t pid;		/* the shell running spawn; its pgid too */
	pid_t stop_pid;		/* the shell running the stop command */
	int out_rd, out_wr;	/* the capture pipe */
	int stopping;		/* we asked it to stop */
	int reaped;		/* pid was waited for */
	int gone;		/* the group was seen empty: no more signals */
	enum sc_server_fate fate;
	int exit_status;	/* SC_SERVER_EXITED */
	int term_signal;	/* SC_SERVER_SIGNALED */
	const char *report;	/* SC_SERVER_SANITIZER: "AddressSanitizer" */
	char *ring;		/* the last SC_SERVER_OUTPUT_RING bytes */
	unsigned long long total;	/* bytes captured since start */
	char carry[128];	/* end of the previous read, for the scan */
	size_t carry_len;
	int core_dumped;	/* the wait status said "core dumped" */
	int cores_ready;	/* cores is set up (after the first start) */
	struct sc_core_watch cores;
	int has_core;		/* core holds a core file found */
	struct sc_core_found core;
	pthread_mutex_t lock;	/* scenarios running side by side (-j) */
	int lock_ready;
};

/* sc_server_options_init - defaults from limits.h, SIGTERM to stop */
void sc_server_options_init(struct sc_server_options *o);
/* sc_server_init - an idle server with these options (nothing runs) */
int sc_server_init(struct sc_server *s, const struct sc_server_options *o,
		   struct sc_error *err);
/*
 * sc_server_start - run spawn_cmd and wait until the port greets.  On
 * failure the reason is in err and the output stays readable through
 * sc_server_output(); the process is gone.
 */
int sc_server_start(struct sc_server *s, struct sc_error *err);
/* sc_server_poll - drain the output, reap, scan: the fate now */
enum sc_server_fate sc_server_poll(struct sc_server *s);
/* sc_server_settle - poll until the fate changes or ms pass */
enum sc_server_fate sc_server_settle(struct sc_server *s, unsigned ms);
/*
 * sc_server_check_cores - look for a new core file of the server's
 * processes; 1 when one was found (a running server's fate becomes
 * SC_SERVER_CORE, a dead one's description names the file)
 */
int sc_server_check_cores(struct sc_server *s);
/* sc_server_crashed - 1 when the fate is an exit, a signal, a report or a core */
int sc_server_crashed(const struct sc_server *s);
/* sc_server_stop_begin - stop signal or stop command, without waiting */
int sc_server_stop_begin(struct sc_server *s, struct sc_error *err);
/* sc_server_stop - stop, wait up to stop_timeout_ms, then SIGKILL the group */
int sc_server_stop(struct sc_server *s, struct sc_error *err);
/* sc_server_restart - stop (if running) and start afresh */
int sc_server_restart(struct sc_server *s, struct sc_error *err);
/* sc_server_describe - "killed by signal 11 (SIGSEGV)", "exited with ..." */
void sc_server_describe(const struct sc_server *s, char *out, size_t n);
/* sc_server_output - malloc'd copy of the last max output bytes, NUL added */
char *sc_server_output(const struct sc_server *s, size_t max, size_t *len);
/* sc_server_output_total - bytes captured since start (a mark for _since) */
unsigned long long sc_server_output_total(const struct sc_server *s);
/*
 * sc_server_output_since - malloc'd copy of what the server wrote
 * after the output count was mark (s->total then), clipped to the
 * last max bytes and to the ring; NUL added.  Under -j it holds what
 * scenarios running beside this one made the server print, too.
 */
char *sc_server_output_since(const struct sc_server *s,
			     unsigned long long mark, size_t max, size_t *len);
/* sc_server_free - kill what still runs, reap, release */
void sc_server_free(struct sc_server *s);

/* sc_server_scan - name of the sanitizer/valgrind report in text, or NULL */
const char *sc_server_scan(const char *text, size_t len);
/* sc_signal_name - "SIGSEGV" for 11; "signal" for unknown numbers */
const char *sc_signal_name(int sig);
/* sc_signal_parse - "TERM"/"SIGTERM" (INT, QUIT, KILL) to a signal, or -1 */
int sc_signal_parse(const char *name);

#endif
