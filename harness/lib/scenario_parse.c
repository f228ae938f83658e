/*
 * scenario_parse.c - the scenario language: reading lines and the
 * helpers every part of the parser shares.
 *
 * A scenario file is read from memory as (text, len) so that the unit
 * tests and a libFuzzer target drive the same code as the command
 * line: any byte sequence, NUL included, yields either a scenario or
 * one error with file:line:col, never a crash or a leak.  The header
 * ("key: value") lives in scenario_header.c, the steps in
 * scenario_steps.c, C:/R: lines in scenario_send.c and S: lines in
 * scenario_expect.c; docs/scenario-format.md is the user's reference
 * and must follow this code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_int.h"
#include "smtpconf/pool.h"

/* sp_error - syntax error at byte off of the current line */
int sp_error(struct sc_parser *p, size_t off, const char *fmt, ...)
{
	char msg[sizeof(p->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sc_error_at(p->err, SC_ERR_SYNTAX, p->path, p->lineno,
			   (unsigned)off + 1, "%s", msg);
}

/* sp_nomem - an allocation failed while on the current line */
int sp_nomem(struct sc_parser *p)
{
	return sc_error_at(p->err, SC_ERR_NOMEM, p->path, p->lineno, 0,
			   "out of memory");
}

/*
 * sp_show - the input bytes s[0..n) made safe for a message: printable
 * ASCII as is, anything else as \xHH, clipped to about 40 characters.
 */
const char *sp_show(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < n && o + 8 < outlen && i < 40; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
					      c);
	}
	if (i < n && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	if (outlen)
		out[o < outlen ? o : outlen - 1] = '\0';
	return out;
}

/* sp_is_space - the blanks that separate words: space and tab */
int sp_is_space(int c)
{
	return c == ' ' || c == '\t';
}

/* sp_skip_space - first non-blank byte at or after off */
size_t sp_skip_space(const struct sc_parser *p, size_t off)
{
	while (off < p->len && sp_is_space((unsigned char)p->line[off]))
		off++;
	return off;
}

/* sp_token_end - end of the word that starts at off */
size_t sp_token_end(const struct sc_parser *p, size_t off)
{
	while (off < p->len && !sp_is_space((unsigned char)p->line[off]))
		off++;
	return off;
}

/* sp_ehlo_keyword_valid - RFC 5321 4.1.1.1 ehlo-keyword, bounded */
int sp_ehlo_keyword_valid(const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	if (n == 0 || n >= SC_EHLO_KEYWORD_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (c != '-' || i == 0)
			return 0;
	}
	return 1;
}

/* duration_unit - milliseconds per unit, 0 for an unknown unit */
static unsigned duration_unit(const char *u, size_t n)
{
	if (n == 2 && memcmp(u, "ms", 2) == 0)
		return 1;
	if (n == 1 && u[0] == 's')
		return 1000;
	if (n == 1 && u[0] == 'm')
		return 60 * 1000;
	return 0;
}

/* What is wrong with a duration, in the order it is checked. */
enum duration_fault {
	DURATION_OK,
	DURATION_NO_NUMBER,	/* "s" */
	DURATION_NO_UNIT,	/* "10" */
	DURATION_BAD_UNIT,	/* "10h"; *at is where the unit starts */
	DURATION_ZERO,		/* "0s" */
	DURATION_TOO_LONG	/* "61m" */
};

/* duration_scan - "500ms", "10s", "2m": 1 ms to one hour, or the fault */
static enum duration_fault duration_scan(const char *t, size_t n,
					 unsigned *ms, size_t *at)
{
	unsigned long long v = 0;
	unsigned unit;
	size_t i = 0;

	while (i < n && t[i] >= '0' && t[i] <= '9') {
		if (v <= SC_DURATION_MAX_MS)
			v = v * 10 + (unsigned)(t[i] - '0');
		i++;
	}
	*at = i;
	if (i == 0)
		return DURATION_NO_NUMBER;
	if (i == n)
		return DURATION_NO_UNIT;
	unit = duration_unit(t + i, n - i);
	if (unit == 0)
		return DURATION_BAD_UNIT;
	if (v == 0)
		return DURATION_ZERO;
	if (v > SC_DURATION_MAX_MS || v * unit > SC_DURATION_MAX_MS)
		return DURATION_TOO_LONG;
	*ms = (unsigned)(v * unit);
	return DURATION_OK;
}

/* sc_duration_parse - "500ms", "10s", "2m" (1 ms to 1 hour) to ms */
int sc_duration_parse(const char *text, size_t len, unsigned *ms)
{
	size_t at;

	return duration_scan(text, len, ms, &at) == DURATION_OK ? SC_OK
	       : SC_ERR_USAGE;
}

/* sp_duration - "500ms", "10s", "2m" in [off, end): 1 ms to one hour */
int sp_duration(struct sc_parser *p, size_t off, size_t end, unsigned *ms)
{
	static const char *const why[] = {
		[DURATION_NO_NUMBER] = "expected a number and a unit (ms, s "
				       "or m), like 10s",
		[DURATION_NO_UNIT] = "missing unit (ms, s or m)",
		[DURATION_BAD_UNIT] = "unknown unit (use ms, s or m)",
		[DURATION_ZERO] = "must be more than 0",
		[DURATION_TOO_LONG] = "the maximum is 1 hour",
	};
	const char *t = p->line + off;
	char show[128];
	size_t at;
	enum duration_fault f = duration_scan(t, end - off, ms, &at);

	if (f == DURATION_OK)
		return SC_OK;
	sp_show(t, end - off, show, sizeof(show));
	return sp_error(p, f == DURATION_BAD_UNIT ? off + at : off,
			"bad duration '%s': %s", show, why[f]);
}

/*
 * parse_line - one line: comment, header key or step.  A word right
 * before ':' is a header key, except one letter, which is the S:, C:
 * and R: family ("Q:" is an unknown directive, "titel:" an unknown key).
 */
static int parse_line(struct sc_parser *p)
{
	size_t off = sp_skip_space(p, 0), end;

	if (off == p->len || p->line[off] == '#')
		return SC_OK;
	end = off;
	while (end < p->len && !sp_is_space((unsigned char)p->line[end]) &&
	       p->line[end] != ':')
		end++;
	if (end < p->len && p->line[end] == ':') {
		if (end - off == 1)
			return sp_step_line(p, off, end + 1);
		if (end > off)
			return sp_header_line(p, off, end);
	}
	return sp_step_line(p, off, end);
}

/* check_line - the bounds and the one byte no scenario may contain */
static int check_line(struct sc_parser *p)
{
	const char *nul;

	if (p->len > SC_SCENARIO_LINE_MAX)
		return sp_error(p, SC_SCENARIO_LINE_MAX, "line is longer "
				"than %d bytes", SC_SCENARIO_LINE_MAX);
	nul = memchr(p->line, '\0', p->len);
	if (nul != NULL)
		return sp_error(p, (size_t)(nul - p->line), "NUL byte in the "
				"file (a scenario is text)");
	return SC_OK;
}

/* parse_lines - split on LF (a CR before it is dropped) and parse each */
static int parse_lines(struct sc_parser *p, const char *text, size_t len)
{
	size_t pos = 0, end;
	const char *nl;
	int rc;

	/* A UTF-8 byte order mark is noise some editors add. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		end = nl ? (size_t)(nl - text) : len;
		p->lineno++;
		p->line = text + pos;
		p->len = end - pos;
		if (p->len > 0 && p->line[p->len - 1] == '\r')
			p->len--;
		rc = check_line(p);
		if (rc == SC_OK)
			rc = parse_line(p);
		if (rc != SC_OK)
			return rc;
		pos = nl ? end + 1 : len;
	}
	return SC_OK;
}

/* parse_finish - checks that need the whole file */
static int parse_finish(struct sc_parser *p)
{
	int rc;

	if (p->in_batch)
		return sc_error_at(p->err, SC_ERR_SYNTAX, p->path,
				   p->batch_line, p->batch_col,
				   "batch opened here is never closed "
				   "(missing 'end')");
	rc = sp_header_finish(p);
	if (rc == SC_OK && p->s->nsteps == 0)
		rc = sc_error_at(p->err, SC_ERR_SYNTAX, p->path, 0, 0,
				 "scenario has no steps");
	return rc;
}

/* parser_init - ready a parser that fills s */
static void parser_init(struct sc_parser *p, const char *path,
			const struct sc_vars *defined, struct sc_scenario *s,
			struct sc_error *err)
{
	memset(p, 0, sizeof(*p));
	p->path = path;
	p->defined = defined;
	p->s = s;
	p->err = err;
	sc_buf_init(&p->quote, 0);
	sc_buf_init(&p->why, 0);
	sc_buf_init(&p->scratch, 0);
	/* The first session needs no "session" line. */
	memcpy(p->sessions[0], "main", 5);
	p->nsessions = 1;
}

/* parser_free - release what the parser holds outside the scenario */
static void parser_free(struct sc_parser *p)
{
	sc_buf_free(&p->quote);
	sc_buf_free(&p->why);
	sc_buf_free(&p->scratch);
	sp_template_free(&p->batch);
	free(p->batch_note);
}

/* sc_scenario_lighten - keep what selection and scheduling read */
void sc_scenario_lighten(struct sc_scenario *s)
{
	struct sc_scenario keep = *s;

	keep.exclusive = sc_scenario_runs_alone(s);
	/* Taken over by keep, so that the free below spares them. */
	s->id = NULL;
	s->path = NULL;
	s->tags = NULL;
	s->ntags = 0;
	sc_scenario_free(s);
	memset(s, 0, sizeof(*s));
	s->id = keep.id;
	s->path = keep.path;
	s->tags = keep.tags;
	s->ntags = keep.ntags;
	s->level = keep.level;
	s->exclusive = keep.exclusive;
	s->slow = keep.slow;
	s->light = 1;
}

/* sc_scenario_parse - parse one scenario from memory */
int sc_scenario_parse(const char *text, size_t len, const char *path,
		      const char *id, const struct sc_vars *defined,
		      struct sc_scenario *out, struct sc_error *err)
{
	struct sc_error local;
	struct sc_parser p;
	int rc;

	if (err == NULL)
		err = &local;
	sc_error_clear(err);
	if (out == NULL || (text == NULL && len > 0))
		return sc_error_set(err, SC_ERR_USAGE,
				    "sc_scenario_parse: no input or output");
	memset(out, 0, sizeof(*out));
	if (len > SC_SCENARIO_FILE_MAX)
		return sc_error_at(err, SC_ERR_SYNTAX, path, 0, 0,
				   "file is larger than %d bytes",
				   SC_SCENARIO_FILE_MAX);
	parser_init(&p, path, defined, out, err);
	out->id = strdup(id ? id : "");
	out->path = strdup(path ? path : "");
	if (out->id == NULL || out->path == NULL)
		rc = sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	else
		rc = parse_lines(&p, text ? text : "", len);
	if (rc == SC_OK)
		rc = parse_finish(&p);
	parser_free(&p);
	if (rc != SC_OK)
		sc_scenario_free(out);
	return rc;
}

/* sc_scenario_free - release everything the parser allocated */
void sc_scenario_free(struct sc_scenario *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nsteps; i++) {
		sp_template_free(&s->steps[i].send);
		free(s->steps[i].expect.text_regex);
		free(s->steps[i].note);
	}
	for (i = 0; i < s->ntags; i++)
		free(s->tags[i]);
	free(s->steps);
	free(s->tags);
	free(s->conds);
	free(s->id);
	free(s->path);
	free(s->title);
	free(s->rfc);
	free(s->quote);
	free(s->why);
	free(s->when);
	memset(s, 0, sizeof(*s));
}
