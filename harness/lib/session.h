/*
 * session.h - one SMTP connection of a running scenario (internal).
 *
 * A session owns its transport, the bytes read but not yet parsed
 * (pipelined replies arrive together) and the reply parser.  Protocol
 * logic above it never touches sockets.
 */
#ifndef SMTPCONF_SESSION_H
#define SMTPCONF_SESSION_H

#include "smtpconf/buf.h"
#include "smtpconf/reply.h"
#include "smtpconf/runner.h"

enum session_state {
	SESSION_NEW,		/* not connected yet */
	SESSION_OPEN,		/* connected */
	SESSION_PEER_CLOSED,	/* the server closed (EOF seen) */
	SESSION_CLOSED		/* we closed it */
};

struct session {
	char name[SC_SESSION_NAME_MAX];
	enum session_state state;
	struct sc_transport t;
	char inbuf[16384];	/* read but not yet parsed */
	size_t inlen, inpos;
	struct sc_reply_parser parser;
	unsigned closed_line;	/* scenario line of our close */
	int ended_by_421;	/* on-421: end-session: its remaining steps are skipped */
};

/* Outcome of waiting for a reply or for the close. */
enum wait_outcome {
	WAIT_REPLY,		/* a complete reply */
	WAIT_EOF,		/* the server closed; partial bytes may be in the reply */
	WAIT_TIMEOUT,		/* nothing complete before the deadline */
	WAIT_FLOOD,		/* the reply broke our bounds */
	WAIT_ERROR		/* local or transport error (err says) */
};

/* session_init - a new, unconnected session */
void session_init(struct session *s, const char *name);
/* session_connect - open the transport through the run options */
int session_connect(struct session *s, const struct sc_run_options *o,
		    long long deadline_ms, struct sc_error *err);
/* session_send - write all bytes before the deadline */
int session_send(struct session *s, const char *data, size_t len,
		 long long deadline_ms, struct sc_error *err);
/* session_read_reply - next complete reply; *out valid for WAIT_REPLY/EOF/FLOOD */
enum wait_outcome session_read_reply(struct session *s, long long deadline_ms,
				     struct sc_reply *out, struct sc_error *err);
/* session_wait_close - wait for EOF; WAIT_REPLY when data came instead (in *out) */
enum wait_outcome session_wait_close(struct session *s, long long deadline_ms,
				     struct sc_reply *out, struct sc_error *err);
/* session_close - close our side (idempotent) */
void session_close(struct session *s);

#endif
