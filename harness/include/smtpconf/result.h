/*
 * result.h - what running one scenario produced.
 *
 * FAIL (the server broke a rule) and ERROR (we could not run the check)
 * stay apart everywhere: results, JUnit, JSON and the exit code.
 */
#ifndef SMTPCONF_RESULT_H
#define SMTPCONF_RESULT_H

#include <stddef.h>
#include "smtpconf/scenario.h"
#include "smtpconf/transport.h"

enum sc_verdict {
	SC_VERDICT_PASS,
	SC_VERDICT_FAIL,	/* the server broke the rule */
	SC_VERDICT_SKIP,	/* a when: condition did not hold, or not selected */
	SC_VERDICT_ERROR,	/* the check could not run (unreachable, local failure) */
	SC_VERDICT_WAIVED,	/* failed, but a waiver accepts it */
	SC_VERDICT_NOTRUN	/* interrupted before it ran */
};

enum sc_tx_kind {
	SC_TX_SEND,		/* bytes we wrote */
	SC_TX_REPLY,		/* one reply the server sent */
	SC_TX_EVENT		/* connect, close, timeout, TLS, notes */
};

/* One transcript entry; bytes are raw (escape before showing). */
struct sc_tx_entry {
	enum sc_tx_kind kind;
	char session[SC_SESSION_NAME_MAX];
	char *bytes;		/* kept bytes (clipped to SC_TRANSCRIPT_ENTRY_KEEP) */
	size_t len;
	size_t wire_len;	/* real size on the wire */
	long long t_ms;		/* since the scenario started */
	unsigned line;		/* scenario line that caused it, 0 if none */
	int failed;		/* this entry is where the scenario failed */
};

/* One TLS handshake a scenario made, for the reports. */
struct sc_tls_record {
	char session[SC_SESSION_NAME_MAX];
	unsigned line;		/* scenario line of `starttls`, 0: at connect (--tls) */
	struct sc_tls_info info;
};

struct sc_result {
	const struct sc_scenario *scenario;
	enum sc_verdict verdict;
	enum sc_level fail_level;	/* level of the rule broken (may be MUST for reply syntax in a SHOULD scenario) */
	unsigned fail_line;		/* scenario line of the failing step */
	char *reason;			/* one paragraph: what went wrong and why it matters */
	char *expected;			/* "500 (Syntax error, command unrecognized)" */
	char *observed;			/* "502 Command not implemented", escaped-safe */
	char *waiver;			/* waiver reason when waived */
	int unreachable;		/* could not connect: exit code 3 */
	int crashed;			/* the server crashed in it: exit 3 */
	int hung;			/* it sent no reply: restart a spawned one */
	/* With --spawn: what the server wrote to stdout and stderr while
	 * the scenario ran (with crashed: the tail of all it wrote), raw
	 * bytes (escape before showing), at most SC_SERVER_OUTPUT_TAIL;
	 * NULL when it wrote nothing or smtpconf did not start it. */
	char *server_output;
	size_t server_output_len;
	long long duration_ms;
	struct sc_tx_entry *tx;
	size_t ntx;
	size_t tx_cap;
	size_t tx_dropped;		/* entries not kept past the bounds */
	size_t tx_bytes;
	struct sc_tls_record *tls;	/* at most SC_TLS_MAX_RECORDS */
	size_t ntls;
};

/* sc_verdict_name - "pass", "fail", "skip", "error", "waived", "notrun" */
const char *sc_verdict_name(enum sc_verdict v);
/* sc_result_free - release a result's strings and transcript */
void sc_result_free(struct sc_result *r);
/*
 * sc_result_release - free the strings and transcript but keep what
 * scheduling and the exit code read (verdict, levels, flags): for a
 * result already written to a spool (spool.h).
 */
void sc_result_release(struct sc_result *r);
/* sc_result_add_tx - append a transcript entry within the bounds; returns its index or -1 */
long sc_result_add_tx(struct sc_result *r, enum sc_tx_kind kind,
		      const char *session, const char *bytes, size_t len,
		      size_t wire_len, long long t_ms, unsigned line);

/* sc_result_add_tls - record a handshake (dropped past the bound); SC_OK or SC_ERR_NOMEM */
int sc_result_add_tls(struct sc_result *r, const char *session, unsigned line,
		      const struct sc_tls_info *info);

#endif
