/*
 * hostile.h - the hostile SMTP server of the test battery.
 *
 * hostile_smtpd plays a server that is broken or malicious on
 * purpose: it floods, stalls, resets, or sends bytes that would break
 * a terminal, a JSON or XML parser or an HTML page.  Each mode is one
 * row of the table in hostile_modes.c; hostile_main.c owns the
 * socket, the processes and the signals.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>

/* The broken TLS handshakes of the tls-* and starttls-* modes. */
enum tls_trick {
	TLS_TRICK_NONE,		/* not a TLS mode */
	TLS_TRICK_GARBAGE,	/* bytes that are no TLS record */
	TLS_TRICK_HEADER_CLOSE,	/* a record header, then a close */
	TLS_TRICK_CUT_HELLO,	/* a real ServerHello, then a close */
	TLS_TRICK_HALF_RECORD,	/* ServerHello, half a record, silence */
	TLS_TRICK_ENDLESS	/* junk handshake records without end */
};

/* The options a mode may read. */
struct hostile_opts {
	unsigned interval_ms;	/* slowloris: pause between bytes */
	enum tls_trick trick;	/* the mode's row sets it */
	unsigned long session;	/* 0 for the first connection, 1, ... */
};

/* mode_fn - serve one accepted connection, then return */
typedef void (*hostile_mode_fn)(int fd, const struct hostile_opts *o);

struct hostile_mode {
	const char *name;
	hostile_mode_fn serve;
	const char *what;	/* what the server does */
	const char *verdict;	/* what smtpconf must say */
	enum tls_trick trick;	/* tls-* and starttls-* modes */
};

/* hostile_mode_find - the mode called name, or NULL */
const struct hostile_mode *hostile_mode_find(const char *name);
/* hostile_tls_trick - play one broken handshake on fd, then return */
void hostile_tls_trick(int fd, enum tls_trick t);
/* hostile_tls_serve - a working TLS session on fd whose plaintext
 * side is served by mode, until either side closes */
void hostile_tls_serve(int fd, hostile_mode_fn mode,
		       const struct hostile_opts *o);
/* hostile_modes_list - print the table for --list-modes */
void hostile_modes_list(void);
/* hostile_send_all - write every byte, at most chunk per send(); -1 once
 * the client is gone */
int hostile_send_all(int fd, const void *bytes, size_t len, size_t chunk);

#endif
