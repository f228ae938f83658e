/*
 * fuzz.h - fuzzing a live server's command parser over the wire.
 *
 * One fuzz input is an SMTP session (mutate.h): the lines a client
 * sends, one write each.  sc_fuzz_run_session() plays it against the
 * server and watches four oracles:
 *
 *   crash    the server started with --spawn exited, died by a signal
 *            or printed a sanitizer report (server.h);
 *   hang     a line that must be answered (it ends in CRLF, RFC 5321
 *            2.3.8; 4.2: "Every command MUST generate exactly one
 *            reply") got no reply within the hang bound;
 *   close    the server closed the connection without 421 or 221
 *            (RFC 5321 3.8);
 *   grammar  a reply broke a MUST of the reply grammar (RFC 5321 4.2,
 *            2.3.8; the runner's always-on check, reply.h).
 *
 * The client keeps a model of the server's state (command, DATA text,
 * BDAT chunk; STARTTLS accepted) from the replies it gets, so it knows
 * which lines owe a reply.  A finding is minimized by dropping lines
 * and bytes while the same oracle still fires, and written as a
 * scenario file (docs/scenario-format.md) that `smtpconf run` replays.
 */
#ifndef SMTPCONF_FUZZ_H
#define SMTPCONF_FUZZ_H

#include <stddef.h>
#include "smtpconf/buf.h"
#include "smtpconf/runner.h"

enum sc_fuzz_oracle {
	SC_FUZZ_NONE,
	SC_FUZZ_CRASH,
	SC_FUZZ_HANG,
	SC_FUZZ_CLOSE,
	SC_FUZZ_GRAMMAR
};

/* States a session reached: the server accepted the command there. */
enum sc_fuzz_state {
	SC_FST_EHLO = 1u << 0,		/* 250 to EHLO or HELO */
	SC_FST_MAIL = 1u << 1,		/* 250 to MAIL */
	SC_FST_RCPT = 1u << 2,		/* 250/251 to RCPT */
	SC_FST_DATA = 1u << 3,		/* 354 to DATA */
	SC_FST_BDAT = 1u << 4,		/* 250 to BDAT */
	SC_FST_AUTH = 1u << 5,		/* 334 or 235 to AUTH */
	SC_FST_STARTTLS = 1u << 6,	/* 220 to STARTTLS */
	SC_FST_QUEUED = 1u << 7		/* 250 at the end of a message */
};
#define SC_FUZZ_NSTATES	8

/* (verb, reply code) pairs seen: the novelty signal of the loop. */
#define SC_FUZZ_COVER_BITS	(17 * 400)

struct sc_fuzz_options {
	struct sc_run_options run;	/* host, port, connect timeout,
					   interrupted, server */
	unsigned hang_timeout_ms;	/* a reply owed: the hang bound */
	unsigned unsure_wait_ms;	/* a reply that may be owed */
};

/* One reply: which line it followed, and its code (-1: unparseable). */
struct sc_fuzz_reply {
	size_t after;		/* lines sent when it arrived (0: greeting) */
	int code;
};

struct sc_fuzz_outcome {
	enum sc_fuzz_oracle oracle;
	char what[600];		/* the oracle's message, escaped */
	size_t lines_sent;
	size_t fired_after;	/* lines sent when the oracle fired */
	struct sc_fuzz_reply replies[SC_FUZZ_MAX_REPLIES];
	size_t nreplies;
	unsigned states;	/* enum sc_fuzz_state bits */
	unsigned unsure_lines;	/* lines ended by a bare LF ... */
	unsigned unsure_answered;	/* ... and how many got a reply */
	unsigned char cover[SC_FUZZ_COVER_BITS / 8];
};

/* sc_fuzz_options_init - defaults from limits.h */
void sc_fuzz_options_init(struct sc_fuzz_options *o);
/*
 * sc_fuzz_run_session - play data[0..len) against the server.  SC_OK
 * with out filled (out->oracle says whether one fired); SC_ERR_CONNECT
 * when the server could not be reached (and did not crash);
 * SC_ERR_INTERRUPTED on Ctrl-C.
 */
int sc_fuzz_run_session(const struct sc_fuzz_options *o, const char *data,
			size_t len, struct sc_fuzz_outcome *out,
			struct sc_error *err);
/* sc_fuzz_oracle_name - "crash", "hang", "close", "grammar", "none" */
const char *sc_fuzz_oracle_name(enum sc_fuzz_oracle k);
/* sc_fuzz_state_name - "MAIL" for SC_FST_MAIL, ... */
const char *sc_fuzz_state_name(unsigned bit);

/* Runs one candidate while minimizing; its outcome in *out. */
typedef int (*sc_fuzz_try_fn)(void *ctx, const char *data, size_t len,
			      struct sc_fuzz_outcome *out);
/*
 * sc_fuzz_minimize - shrink data[0..*len) (in place) while try() still
 * gives the oracle want: lines after the firing one, then each line,
 * then halves of long lines, within max_attempts tries and max_ms.
 * *best receives the outcome of the smallest input that fired.
 * Returns the number of tries.
 */
unsigned sc_fuzz_minimize(sc_fuzz_try_fn try_fn, void *ctx, char *data,
			  size_t *len, enum sc_fuzz_oracle want,
			  unsigned max_attempts, unsigned max_ms,
			  struct sc_fuzz_outcome *best);

/*
 * sc_fuzz_finding_format - the scenario file that replays a finding:
 * each line as an R: step, each reply as the S: line of its code, and
 * where the oracle fired an `S: xxx` that the runner judges the same
 * way (no reply, a close, a broken reply, or the crash).  note is put
 * in the header (seed, session number); hang_ms is its step timeout.
 */
int sc_fuzz_finding_format(const char *data, size_t len,
			   const struct sc_fuzz_outcome *out,
			   unsigned hang_ms, const char *note,
			   struct sc_buf *text);

#endif
