/*
 * buf.c - growable byte buffer with a hard cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/buf.h"
#include "smtpconf/limits.h"

/* sc_buf_init - empty buffer; limit 0 selects the default cap */
void sc_buf_init(struct sc_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit ? limit : SC_BUF_DEFAULT_LIMIT;
}

/* sc_buf_init_sink - empty buffer that streams to f; limit 0: default */
void sc_buf_init_sink(struct sc_buf *b, size_t limit, FILE *f)
{
	sc_buf_init(b, limit);
	b->sink = f;
}

/* sc_buf_flush - hand what is buffered to the sink (no-op without one) */
int sc_buf_flush(struct sc_buf *b)
{
	if (b->sink == NULL || b->len == 0)
		return b->sink_error ? -1 : 0;
	if (fwrite(b->data, 1, b->len, b->sink) != b->len) {
		b->sink_error = 1;
		b->failed = 1;
	}
	b->sunk += b->len;
	b->len = 0;
	b->data[0] = '\0';
	return b->sink_error ? -1 : 0;
}

/* sc_buf_free - release memory and reset to empty */
void sc_buf_free(struct sc_buf *b)
{
	size_t limit = b->limit;

	free(b->data);
	sc_buf_init(b, limit);
}

/* sc_buf_reset - keep memory, drop contents */
void sc_buf_reset(struct sc_buf *b)
{
	b->len = 0;
	b->truncated = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* buf_reserve - make room for n more bytes plus the terminator */
static int buf_reserve(struct sc_buf *b, size_t n)
{
	size_t want = b->len + n + 1;
	size_t cap;
	char *p;

	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

/* sc_buf_append - append n bytes (may contain NUL) */
int sc_buf_append(struct sc_buf *b, const void *p, size_t n)
{
	size_t used;

	if (b->limit == 0)
		b->limit = SC_BUF_DEFAULT_LIMIT;
	used = b->sunk + b->len;
	if (used > b->limit)
		used = b->limit;
	if (n > b->limit - used) {
		n = b->limit - used;
		b->truncated = 1;
	}
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	if (b->sink != NULL && b->len >= SC_BUF_SINK_CHUNK)
		sc_buf_flush(b);
	return b->truncated ? -1 : 0;
}

/* sc_buf_puts - append a C string */
int sc_buf_puts(struct sc_buf *b, const char *s)
{
	return sc_buf_append(b, s, strlen(s));
}

/* sc_buf_putc - append one byte */
int sc_buf_putc(struct sc_buf *b, int c)
{
	char ch = (char)c;

	return sc_buf_append(b, &ch, 1);
}

/* sc_buf_vprintf - append formatted text */
int sc_buf_vprintf(struct sc_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;
	char *big;
	int rc;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return -1;
	}
	if ((size_t)n < sizeof(small)) {
		va_end(ap2);
		return sc_buf_append(b, small, (size_t)n);
	}
	big = malloc((size_t)n + 1);
	if (big == NULL) {
		va_end(ap2);
		b->failed = 1;
		return -1;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	rc = sc_buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

/* sc_buf_printf - append formatted text */
int sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = sc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/* sc_buf_steal - hand the heap string to the caller (never NULL) */
char *sc_buf_steal(struct sc_buf *b)
{
	char *s = b->data;
	size_t limit = b->limit;

	if (s == NULL)
		s = calloc(1, 1);
	sc_buf_init(b, limit);
	return s;
}

/* sc_buf_cstr - contents as a C string ("" when empty) */
const char *sc_buf_cstr(const struct sc_buf *b)
{
	return b->data ? b->data : "";
}
