/*
 * transport.h - the byte pipe a session talks through.
 *
 * The runner never touches sockets: it reads and writes through this
 * interface, with TCP and in-memory implementations and a TLS layer
 * that runs over either, so unit tests and fuzzers can run whole
 * scenarios without a network.
 * Every call takes an absolute deadline (sc_now_ms() based).
 */
#ifndef SMTPCONF_TRANSPORT_H
#define SMTPCONF_TRANSPORT_H

#include <stddef.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>
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

/*
 * TLS client layer (RFC 3207 STARTTLS, RFC 8314 implicit TLS).  It runs
 * OVER an existing transport: the handshake and every record go through
 * the inner transport's read and write, with the same deadlines and
 * interrupt flag, so a tap on the inner transport sees the encrypted
 * bytes actually sent, and a TLS session works over the in-memory
 * transport as well as over TCP.
 */
enum sc_tls_mode {
	SC_TLS_NONE,		/* plain SMTP */
	SC_TLS_STARTTLS,	/* greeting, EHLO, STARTTLS, handshake first */
	SC_TLS_IMPLICIT		/* handshake right after connect (RFC 8314) */
};

/* What the user asked of TLS; every string may be NULL. */
struct sc_tls_options {
	const char *ca_file;	/* trust these CAs (PEM); NULL: system store */
	int verify;		/* 1: a certificate that does not verify fails the handshake */
	const char *sni;	/* server name sent; NULL: the host if it is a name */
	const char *cert_file;	/* client certificate chain (PEM) */
	const char *key_file;	/* its key (PEM); NULL: in cert_file */
	const char *keylog_file; /* append SSLKEYLOGFILE lines here */
};

/* What a handshake established, for the reports. */
struct sc_tls_info {
	int done;		/* 1 when the handshake completed */
	char protocol[16];	/* "TLSv1.3" */
	char cipher[64];	/* "TLS_AES_256_GCM_SHA384" */
	int have_cert;		/* the server sent a certificate */
	char subject[256];	/* RFC 2253 form, raw (escape before showing) */
	char issuer[256];
	int verify_ok;		/* chain and name verified against the CAs */
	char verify[128];	/* "ok" or OpenSSL's reason */
};

struct sc_tls_ctx;

/* sc_tls_ctx_new - load CAs, client certificate and key log; SC_ERR_USAGE names the bad file */
int sc_tls_ctx_new(const struct sc_tls_options *o, struct sc_tls_ctx **out,
		   struct sc_error *err);
/* sc_tls_ctx_free - release the context (NULL is fine) */
void sc_tls_ctx_free(struct sc_tls_ctx *ctx);
/*
 * sc_tls_start - TLS handshake over t, as a client for host (used for
 * SNI and name checks).  On SC_OK, t reads and writes through TLS and
 * owns the former transport; on failure t is unchanged (still open)
 * and err says why: SC_ERR_TLS with OpenSSL's reason, SC_ERR_EOF when
 * the server closed or reset mid-handshake, SC_ERR_TIMEOUT,
 * SC_ERR_INTERRUPTED.  info (may be NULL) is filled in either case.
 */
int sc_tls_start(struct sc_tls_ctx *ctx, struct sc_transport *t,
		 const char *host, long long deadline_ms,
		 struct sc_tls_info *info, struct sc_error *err);
/* sc_tls_active - 1 when t is a TLS transport */
int sc_tls_active(const struct sc_transport *t);

/*
 * An observer of one TCP connection (the pcap capture): it sees the
 * bytes that really crossed the socket, with the wall-clock time of
 * each read and write, so a TLS layer above shows up encrypted.
 * Callbacks cannot fail the session; an observer keeps its own error.
 */
struct sc_tcp_tap {
	/* the connection is up: both addresses, the time of the connect */
	void (*connect)(void *ctx, const struct sockaddr *local,
			const struct sockaddr *peer, const struct timespec *ts);
	/* bytes accepted by send(2) */
	void (*send)(void *ctx, const void *data, size_t len,
		     const struct timespec *ts);
	/* bytes returned by recv(2); len 0 is the peer's FIN */
	void (*recv)(void *ctx, const void *data, size_t len,
		     const struct timespec *ts);
	/* the peer reset the connection */
	void (*reset)(void *ctx, const struct timespec *ts);
	/* we closed; the observer frees ctx here */
	void (*close)(void *ctx, const struct timespec *ts);
	void *ctx;
};

/* sc_tcp_tap_attach - observe a TCP transport (SC_ERR_USAGE if not TCP) */
int sc_tcp_tap_attach(struct sc_transport *t, const struct sc_tcp_tap *tap,
		      struct sc_error *err);

#endif
