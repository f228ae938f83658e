/*
 * status.c - error contexts and status names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "smtpconf/status.h"

/* status_names - indexed by enum sc_status */
static const char *const status_names[] = {
	[SC_OK] = "ok",
	[SC_ERR_NOMEM] = "out-of-memory",
	[SC_ERR_SYNTAX] = "syntax",
	[SC_ERR_USAGE] = "usage",
	[SC_ERR_IO] = "io",
	[SC_ERR_CONNECT] = "connect",
	[SC_ERR_TIMEOUT] = "timeout",
	[SC_ERR_EOF] = "eof",
	[SC_ERR_LIMIT] = "limit",
	[SC_ERR_PROTOCOL] = "protocol",
	[SC_ERR_TLS] = "tls",
	[SC_ERR_UNSUPPORTED] = "unsupported",
	[SC_ERR_INTERRUPTED] = "interrupted",
};

/* sc_error_clear - reset an error context to "no error" */
void sc_error_clear(struct sc_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

/* error_vset - shared body of the two setters */
__attribute__((format(printf, 3, 0)))
static enum sc_status error_vset(struct sc_error *err, enum sc_status status,
				 const char *fmt, va_list ap)
{
	char msg[sizeof(err->msg)];

	if (err == NULL)
		return status;
	/* Through a copy: callers wrap a message in itself ("...: %s",
	 * err->msg), and vsnprintf into its own argument is undefined. */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	err->status = status;
	memcpy(err->msg, msg, sizeof(err->msg));
	return status;
}

/* sc_error_set - record a failure; returns status so callers can tail-return */
enum sc_status sc_error_set(struct sc_error *err, enum sc_status status,
			    const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->file[0] = '\0';
		err->line = 0;
		err->col = 0;
	}
	va_start(ap, fmt);
	error_vset(err, status, fmt, ap);
	va_end(ap);
	return status;
}

/* sc_error_at - record a failure at file:line (col may be 0) */
enum sc_status sc_error_at(struct sc_error *err, enum sc_status status,
			   const char *file, unsigned line, unsigned col,
			   const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
		err->line = line;
		err->col = col;
	}
	va_start(ap, fmt);
	error_vset(err, status, fmt, ap);
	va_end(ap);
	return status;
}

/* sc_error_format - "file:line:col: msg" (parts omitted when unknown) */
void sc_error_format(const struct sc_error *err, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (err->file[0] && err->line && err->col)
		snprintf(out, outlen, "%s:%u:%u: %s", err->file, err->line,
			 err->col, err->msg);
	else if (err->file[0] && err->line)
		snprintf(out, outlen, "%s:%u: %s", err->file, err->line,
			 err->msg);
	else if (err->file[0])
		snprintf(out, outlen, "%s: %s", err->file, err->msg);
	else
		snprintf(out, outlen, "%s", err->msg);
}

/* sc_status_name - short stable name of a status, for logs and JSON */
const char *sc_status_name(enum sc_status status)
{
	if ((size_t)status >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown";
	return status_names[status];
}
