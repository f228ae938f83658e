/*
 * waivers.c - the waiver file: known deviations a CI accepts.
 *
 * One waiver a line:
 *
 *	SCENARIO-ID-OR-GLOB <spaces or tabs> reason text
 *
 * Blank lines and lines whose first non-blank character is '#' are
 * ignored; a CR before the LF is tolerated.  The reason is required:
 * a waiver nobody can explain is a hidden failure, and the report
 * prints the reason beside every result it waives.  The first waiver
 * whose pattern matches (sc_glob_match) wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/waivers.h"
#include "smtpconf/escape.h"
#include "smtpconf/scenario.h"

#include "smtpconf/limits.h"

/* Bytes of a pattern quoted in an error message. */
#define WAIVER_QUOTE_CLIP	80

/* One line being parsed: [p, p + len) without its terminator. */
struct waiver_line {
	const char *p;
	size_t len;
	unsigned no;
	const char *path;
};

/* is_blank - the separators of the format */
static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* skip_blanks - advance past spaces and tabs */
static size_t skip_blanks(const char *p, size_t i, size_t len)
{
	while (i < len && is_blank(p[i]))
		i++;
	return i;
}

/* dup_range - a NUL-terminated heap copy of n bytes */
static char *dup_range(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* waiver_add - append one waiver; takes ownership of pattern and reason */
static int waiver_add(struct sc_waivers *w, char *pattern, char *reason,
		      unsigned line)
{
	struct sc_waiver *items;

	items = realloc(w->items, (w->count + 1) * sizeof(*items));
	if (items == NULL) {
		free(pattern);
		free(reason);
		return -1;
	}
	w->items = items;
	items[w->count].pattern = pattern;
	items[w->count].reason = reason;
	items[w->count].line = line;
	items[w->count].used = 0;
	w->count++;
	return 0;
}

/* no_reason_error - "waiver for 'x' has no reason", pattern escaped */
static int no_reason_error(const struct waiver_line *l, size_t start,
			   size_t pend, struct sc_error *err)
{
	struct sc_buf q;
	int rc;

	sc_buf_init(&q, 0);
	sc_escape_display(&q, l->p + start, pend - start, WAIVER_QUOTE_CLIP);
	rc = sc_error_at(err, SC_ERR_SYNTAX, l->path, l->no,
			 (unsigned)pend + 1, "waiver for '%s' has no reason",
			 sc_buf_cstr(&q));
	sc_buf_free(&q);
	return rc;
}

/* parse_line - one line: ignore it, add a waiver, or fail */
static int parse_line(const struct waiver_line *l, struct sc_waivers *w,
		      struct sc_error *err)
{
	size_t start, pend, rstart, rend;
	char *pattern, *reason;

	if (l->len > SC_WAIVER_LINE_MAX)
		return sc_error_at(err, SC_ERR_LIMIT, l->path, l->no, 0,
				   "line longer than %d bytes",
				   SC_WAIVER_LINE_MAX);
	if (memchr(l->p, '\0', l->len) != NULL)
		return sc_error_at(err, SC_ERR_SYNTAX, l->path, l->no, 0,
				   "NUL byte in line");
	start = skip_blanks(l->p, 0, l->len);
	if (start == l->len || l->p[start] == '#')
		return SC_OK;
	for (pend = start; pend < l->len && !is_blank(l->p[pend]); pend++)
		;
	rstart = skip_blanks(l->p, pend, l->len);
	for (rend = l->len; rend > rstart && is_blank(l->p[rend - 1]); rend--)
		;
	if (rstart == rend)
		return no_reason_error(l, start, pend, err);
	pattern = dup_range(l->p + start, pend - start);
	reason = dup_range(l->p + rstart, rend - rstart);
	if (pattern == NULL || reason == NULL) {
		free(pattern);
		free(reason);
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	}
	if (waiver_add(w, pattern, reason, l->no) < 0)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	return SC_OK;
}

/* sc_waivers_parse - same from memory */
int sc_waivers_parse(const char *text, size_t len, const char *path,
		     struct sc_waivers *w, struct sc_error *err)
{
	struct waiver_line l;
	const char *nl;
	size_t off = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	if (path == NULL)
		path = "(waivers)";
	if (len > SC_WAIVER_FILE_MAX)
		return sc_error_at(err, SC_ERR_LIMIT, path, 0, 0,
				   "waiver file larger than %d bytes",
				   SC_WAIVER_FILE_MAX);
	w->path = dup_range(path, strlen(path));
	if (w->path == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	l.path = path;
	l.no = 0;
	while (off < len) {
		l.p = text + off;
		nl = memchr(l.p, '\n', len - off);
		l.len = nl ? (size_t)(nl - l.p) : len - off;
		off += l.len + (nl != NULL);
		if (l.len > 0 && l.p[l.len - 1] == '\r')
			l.len--;
		l.no++;
		rc = parse_line(&l, w, err);
		if (rc != SC_OK) {
			sc_waivers_free(w);
			return rc;
		}
	}
	return SC_OK;
}

/* read_bounded - read at most max + 1 bytes of a file into *out */
static int read_bounded(const char *path, char **out, size_t *outlen,
			struct sc_error *err)
{
	FILE *f;
	char *data;
	size_t n;
	int saved;

	f = fopen(path, "rb");
	if (f == NULL)
		return sc_error_at(err, SC_ERR_IO, path, 0, 0, "%s",
				   strerror(errno));
	/* One byte more than allowed tells "too big" from "just fits". */
	data = malloc((size_t)SC_WAIVER_FILE_MAX + 1);
	if (data == NULL) {
		fclose(f);
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	}
	n = fread(data, 1, (size_t)SC_WAIVER_FILE_MAX + 1, f);
	if (ferror(f)) {
		saved = errno;
		fclose(f);
		free(data);
		return sc_error_at(err, SC_ERR_IO, path, 0, 0, "%s",
				   strerror(saved));
	}
	fclose(f);
	*out = data;
	*outlen = n;
	return SC_OK;
}

/* sc_waivers_load - read and parse a waiver file (file:line errors) */
int sc_waivers_load(const char *path, struct sc_waivers *w,
		    struct sc_error *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	rc = read_bounded(path, &data, &len, err);
	if (rc != SC_OK)
		return rc;
	rc = sc_waivers_parse(data, len, path, w, err);
	free(data);
	return rc;
}

/* sc_waivers_match - the waiver for a scenario id, or NULL */
struct sc_waiver *sc_waivers_match(struct sc_waivers *w, const char *id)
{
	size_t i;

	if (w == NULL || id == NULL)
		return NULL;
	for (i = 0; i < w->count; i++) {
		if (sc_glob_match(w->items[i].pattern, id)) {
			w->items[i].used++;
			return &w->items[i];
		}
	}
	return NULL;
}

/* sc_waivers_free - release every waiver and the path */
void sc_waivers_free(struct sc_waivers *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->count; i++) {
		free(w->items[i].pattern);
		free(w->items[i].reason);
	}
	free(w->items);
	free(w->path);
	memset(w, 0, sizeof(*w));
}
