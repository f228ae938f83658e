/*
 * buf.h - a growable byte buffer with a hard cap.
 *
 * Every string we build from peer data goes through one of these so
 * that no output can grow without bound: appends past the cap are
 * dropped and the buffer remembers it was truncated.
 */
#ifndef SMTPCONF_BUF_H
#define SMTPCONF_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

struct sc_buf {
	char *data;		/* always NUL-terminated when len > 0 or after init */
	size_t len;
	size_t cap;		/* allocated size */
	size_t limit;		/* hard cap on len; 0 means SC_BUF_DEFAULT_LIMIT */
	int truncated;		/* an append was cut by the limit */
	int failed;		/* an allocation failed; contents are partial */
	/* A streamed buffer (sc_buf_init_sink) hands its bytes to a file
	 * every SC_BUF_SINK_CHUNK, so a report of any size costs one chunk
	 * of memory; the limit then bounds everything written. */
	FILE *sink;
	size_t sunk;		/* bytes already handed to sink */
	int sink_error;		/* a write to sink failed (errno lost) */
};

/* sc_buf_init - empty buffer; limit 0 selects the default cap */
void sc_buf_init(struct sc_buf *b, size_t limit);
/* sc_buf_init_sink - empty buffer that streams to f; limit 0: default */
void sc_buf_init_sink(struct sc_buf *b, size_t limit, FILE *f);
/* sc_buf_flush - hand what is buffered to the sink (no-op without one) */
int sc_buf_flush(struct sc_buf *b);
/* sc_buf_free - release memory and reset to empty */
void sc_buf_free(struct sc_buf *b);
/* sc_buf_reset - keep memory, drop contents */
void sc_buf_reset(struct sc_buf *b);
/* sc_buf_append - append n bytes (may contain NUL) */
int sc_buf_append(struct sc_buf *b, const void *p, size_t n);
/* sc_buf_puts - append a C string */
int sc_buf_puts(struct sc_buf *b, const char *s);
/* sc_buf_putc - append one byte */
int sc_buf_putc(struct sc_buf *b, int c);
/* sc_buf_printf - append formatted text */
int sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sc_buf_vprintf(struct sc_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* sc_buf_steal - hand the heap string to the caller (never NULL) */
char *sc_buf_steal(struct sc_buf *b);
/* sc_buf_cstr - contents as a C string ("" when empty) */
const char *sc_buf_cstr(const struct sc_buf *b);

#endif
