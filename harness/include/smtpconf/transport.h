/*
 * transport.h - the byte pipe a session talks through.
 *
 * The runner never touches sockets: it reads and writes through this
 * interface, with TCP and in-memory implementations (TLS joins later),
 * so unit tests and fuzzers can run whole scenarios without a network.
 * Every call takes an absolute deadline (sc_now_ms() based).
 */
#ifndef SMTPCONF_TRANSPORT_H
#define SMTPCONF_TRANSPORT_H

#include <stddef.h>
#include <signal.h>
#include <sys/types.h>
#include "smtpconf/status.h"

struct sc_transport;

struct sc_transport_ops {
	/* read up to len bytes; > 0 bytes read, 0 EOF, -1 error (err set; SC_ERR_TIMEOUT on deadline) */
	ssize_t (*read)(struct sc_transport *t, void *buf, size_t len,
			long long deadline_ms, struct sc_error *err);
	/* write all len bytes before the deadline; SC_OK or an error */
	int (*write)(struct sc_transport *t, const void *buf, size_t len,
		     long long deadline_ms, struct sc_error *err);
	/* close and free the implementation's state (t itself is the caller's) */
	void (*close)(struct sc_transport *t);
};

struct sc_transport {
	const struct sc_transport_ops *ops;
	void *impl;
	char peer[128];		/* "127.0.0.1:25" for messages */
	/* when set and non-zero, waits give up with SC_ERR_INTERRUPTED */
	volatile sig_atomic_t *interrupted;
};

/* sc_now_ms - monotonic clock in milliseconds */
long long sc_now_ms(void);

/* sc_target_parse - "HOST:PORT", "[v6]:PORT" or "HOST" (port 25) into host and port */
int sc_target_parse(const char *spec, char *host, size_t hostlen,
		    char *port, size_t portlen, struct sc_error *err);

/* sc_tcp_connect - connect with a deadline; SC_ERR_CONNECT when unreachable */
int sc_tcp_connect(const char *host, const char *port, long long deadline_ms,
		   volatile sig_atomic_t *interrupted,
		   struct sc_transport *out, struct sc_error *err);

/*
 * In-memory transport: the server side is a callback that sees each
 * write and may queue reply bytes.  Used by unit tests and fuzzers.
 */
struct sc_mem_server {
	/* called once on open and after each client write (data NULL on open) */
	void (*on_write)(void *ctx, const char *data, size_t len,
			 struct sc_transport *t);
	void *ctx;
};
/* sc_mem_open - an in-memory transport driven by server */
int sc_mem_open(const struct sc_mem_server *server, struct sc_transport *out,
		struct sc_error *err);
/* sc_mem_queue - server side: queue bytes for the client to read */
void sc_mem_queue(struct sc_transport *t, const char *data, size_t len);
/* sc_mem_hangup - server side: EOF after the queued bytes */
void sc_mem_hangup(struct sc_transport *t);

#endif
