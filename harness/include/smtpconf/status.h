/*
 * status.h - result codes and the error context every library call fills.
 *
 * Library functions never print and never exit: they return an
 * enum sc_status and, on failure, leave a human-readable message (and
 * where it applies the file and line of the input at fault) in a
 * struct sc_error owned by the caller.
 */
#ifndef SMTPCONF_STATUS_H
#define SMTPCONF_STATUS_H

#include <stddef.h>

enum sc_status {
	SC_OK = 0,
	SC_ERR_NOMEM,		/* an allocation failed */
	SC_ERR_SYNTAX,		/* user input (scenario, waiver, flag) is malformed */
	SC_ERR_USAGE,		/* a request that makes no sense (bad option value) */
	SC_ERR_IO,		/* a local file or socket call failed */
	SC_ERR_CONNECT,		/* the server under test could not be reached */
	SC_ERR_TIMEOUT,		/* a deadline passed */
	SC_ERR_EOF,		/* the peer closed the connection */
	SC_ERR_LIMIT,		/* the peer exceeded a bound (bytes, lines) */
	SC_ERR_PROTOCOL,	/* the peer broke the protocol beyond recovery */
	SC_ERR_TLS,		/* a TLS handshake or record failed */
	SC_ERR_UNSUPPORTED,	/* a feature this build or this step lacks */
	SC_ERR_INTERRUPTED	/* the user asked us to stop (SIGINT) */
};

/* Detail for the last failure: message plus the input position, if any. */
struct sc_error {
	enum sc_status status;
	char file[512];		/* empty when not about a file */
	unsigned line;		/* 0 when not about a line */
	unsigned col;		/* 0 when not about a column */
	char msg[1024];
};

/* sc_error_clear - reset an error context to "no error" */
void sc_error_clear(struct sc_error *err);

/* sc_error_set - record a failure; returns status so callers can tail-return */
enum sc_status sc_error_set(struct sc_error *err, enum sc_status status,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* sc_error_at - record a failure at file:line (col may be 0) */
enum sc_status sc_error_at(struct sc_error *err, enum sc_status status,
			   const char *file, unsigned line, unsigned col,
			   const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* sc_error_format - "file:line:col: msg" (parts omitted when unknown) */
void sc_error_format(const struct sc_error *err, char *out, size_t outlen);

/* sc_status_name - short stable name of a status, for logs and JSON */
const char *sc_status_name(enum sc_status status);

#endif
