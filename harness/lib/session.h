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
	/* --tls starttls: the greeting read before STARTTLS, handed to the
	 * scenario as the session's first reply (session_tls.c). */
	struct sc_reply greeting;
	int greeting_pending;
	long long last_rx_ms;	/* when the last byte came, 0: none yet */
	int idled;		/* an idle step passed, nothing sent since */
	/* RFC 2034 4: which reply answers HELO/EHLO, and whether EHLO
	 * succeeded (then every 2xx/4xx/5xx reply needs x.y.z). */
	int helo_pending;	/* replies before the HELO/EHLO one; -1 none */
	int helo_is_ehlo;	/* that command was EHLO, not HELO */
	int ehlo_done;		/* a 250 answered EHLO in this session */
	/* session_note_*: a send scanned block by block, so a line may
	 * start in one block and go on in the next. */
	struct {
		int lines;	/* complete lines so far */
		int done;	/* a HELO/EHLO line was found */
		int at_start;	/* gathering the current line's first bytes */
		size_t n;
		char start[5];	/* "EHLO" and the byte after it */
	} scan;
	unsigned long nsent;	/* sends on this session */
	unsigned long nreplies;	/* complete replies read */
	int owed;		/* a send since the last reply was read */
	size_t early_bytes;	/* server bytes unread when the last command
				   went out though no reply was owed */
	struct sc_reply held;	/* a reply read ahead, handed out next */
	int has_held;
	char lost[160];		/* how the connection broke (a reset), or "" */
};

/*
 * Remember where the first HELO/EHLO line sits in what is sent: begin
 * before a send, each block of it in order, end after its last byte.
 */
void session_note_begin(struct session *s);
void session_note_block(struct session *s, const char *data, size_t len);
void session_note_end(struct session *s);

/* Optional transcript hook for exchanges the runner did not script. */
struct session_log {
	void (*fn)(void *ctx, int is_send, const char *bytes, size_t len,
		   size_t wire_len);
	void *ctx;
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
/*
 * session_read_reply - next complete reply; *out valid for
 * WAIT_REPLY/EOF/FLOOD, and for WAIT_TIMEOUT holds the part of a reply
 * that came (wire_len 0 when not one byte did)
 */
enum wait_outcome session_read_reply(struct session *s, long long deadline_ms,
				     struct sc_reply *out, struct sc_error *err);
/* session_wait_close - wait for EOF; WAIT_REPLY when data came instead (in *out) */
enum wait_outcome session_wait_close(struct session *s, long long deadline_ms,
				     struct sc_reply *out, struct sc_error *err);
/* session_pending - bytes from the server waiting unread right now */
size_t session_pending(struct session *s);
/* session_hold - keep a reply read ahead for the next session_read_reply */
void session_hold(struct session *s, struct sc_reply *r);
/* session_close - close our side (idempotent) */
void session_close(struct session *s);

/* session_tls.c: TLS on a session */
/* session_tls_start - handshake on the open session (after a 220 to STARTTLS, or at connect) */
int session_tls_start(struct session *s, struct sc_tls_ctx *ctx,
		      const char *host, long long deadline_ms,
		      struct sc_tls_info *info, struct sc_error *err);
/* session_starttls_preamble - greeting, EHLO, STARTTLS, handshake (--tls starttls) */
int session_starttls_preamble(struct session *s,
			      const struct sc_run_options *o,
			      struct sc_tls_ctx *ctx, long long deadline_ms,
			      const struct session_log *log,
			      struct sc_tls_info *info, struct sc_error *err);
/* session_tls_open - what --tls asks right after connect: nothing, the handshake, or the preamble */
int session_tls_open(struct session *s, const struct sc_run_options *o,
		     struct sc_tls_ctx *ctx, long long deadline_ms,
		     const struct session_log *log, struct sc_tls_info *info,
		     struct sc_error *err);

#endif
