/*
 * scenario_steps.c - the steps of a scenario: the directive table and
 * one handler per directive.
 *
 * S: lines are parsed in scenario_expect.c and C:/R: lines in
 * scenario_send.c; this file turns them into steps, gathers batches
 * into one write and handles the bare keywords (closed, close,
 * starttls, shutdown, session, sleep, timeout, idle).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_int.h"

/* One step directive: its spelling, its handler and where it may go. */
struct directive {
	const char *name;
	int (*fn)(struct sc_parser *p, const struct directive *d,
		  size_t off);	/* off: first byte after the name */
	enum sc_step_kind kind;	/* step it makes (bare keywords) */
	int in_batch;		/* allowed between batch and end */
};

static int do_expect(struct sc_parser *p, const struct directive *d,
		     size_t off);
static int do_send(struct sc_parser *p, const struct directive *d,
		   size_t off);
static int do_batch(struct sc_parser *p, const struct directive *d,
		    size_t off);
static int do_end(struct sc_parser *p, const struct directive *d,
		  size_t off);
static int do_bare(struct sc_parser *p, const struct directive *d,
		   size_t off);
static int do_session(struct sc_parser *p, const struct directive *d,
		      size_t off);
static int do_duration(struct sc_parser *p, const struct directive *d,
		       size_t off);

/*
 * directives - every step of the language.  Only C: and R: (and the
 * end that closes the batch) may appear inside a batch: a batch is one
 * write, and RFC 2920 3.1 lets a client pipeline commands, not waits.
 */
static const struct directive directives[] = {
	{ "S:", do_expect, SC_STEP_EXPECT, 0 },
	{ "C:", do_send, SC_STEP_SEND, 1 },
	{ "R:", do_send, SC_STEP_SEND, 1 },
	{ "batch", do_batch, SC_STEP_SEND, 1 },	/* says "nested" */
	{ "end", do_end, SC_STEP_SEND, 1 },
	{ "closed", do_bare, SC_STEP_CLOSED, 0 },
	{ "close", do_bare, SC_STEP_CLOSE, 0 },
	{ "starttls", do_bare, SC_STEP_STARTTLS, 0 },
	{ "shutdown", do_bare, SC_STEP_SHUTDOWN, 0 },
	{ "session", do_session, SC_STEP_SESSION, 0 },
	{ "sleep", do_duration, SC_STEP_SLEEP, 0 },
	{ "timeout", do_duration, SC_STEP_TIMEOUT, 0 },
	{ "idle", do_duration, SC_STEP_IDLE, 0 },
};

#define NDIRECTIVES (sizeof(directives) / sizeof(directives[0]))

/* NAME_START - where the directive's name began, for error columns */
#define NAME_START(d, off) ((off) - strlen((d)->name))

/* note_take - the "# comment" at off, stored trimmed (NULL when empty) */
static int note_take(struct sc_parser *p, size_t off, char **note)
{
	size_t end = p->len;

	off = sp_skip_space(p, off + 1);
	while (end > off && sp_is_space((unsigned char)p->line[end - 1]))
		end--;
	free(*note);
	*note = NULL;
	if (end == off)
		return SC_OK;
	*note = strndup(p->line + off, end - off);
	return *note ? SC_OK : sp_nomem(p);
}

/*
 * line_tail - the rest of a line from off must be blank or a comment; a
 * '#' counts as one only after a blank, as on S: and R: lines.
 */
static int line_tail(struct sc_parser *p, size_t off, const char *after,
		   char **note)
{
	char show[128];
	size_t end;

	off = sp_skip_space(p, off);
	if (off == p->len)
		return SC_OK;
	if (p->line[off] == '#' && off > 0 &&
	    sp_is_space((unsigned char)p->line[off - 1]))
		return note_take(p, off, note);
	end = sp_token_end(p, off);
	return sp_error(p, off, "unexpected '%s' after %s",
			sp_show(p->line + off, end - off, show,
				sizeof(show)), after);
}

/* step_add - append a zeroed step of kind for the current line */
static int step_add(struct sc_parser *p, enum sc_step_kind kind,
		    size_t off, struct sc_step **out)
{
	struct sc_scenario *s = p->s;
	struct sc_step *n;
	size_t cap;

	if (s->nsteps >= SC_SCENARIO_MAX_STEPS)
		return sp_error(p, off, "more than %d steps",
				SC_SCENARIO_MAX_STEPS);
	if (s->nsteps == p->steps_cap) {
		cap = p->steps_cap ? p->steps_cap * 2 : 16;
		n = realloc(s->steps, cap * sizeof(*n));
		if (n == NULL)
			return sp_nomem(p);
		s->steps = n;
		p->steps_cap = cap;
	}
	*out = &s->steps[s->nsteps++];
	memset(*out, 0, sizeof(**out));
	(*out)->kind = kind;
	(*out)->line = p->lineno;
	return SC_OK;
}

/* send_bounded - refuse a send whose literal bytes alone pass the cap */
static int send_bounded(struct sc_parser *p, const struct sc_template *t,
			size_t off)
{
	if (sp_template_static_size(t) <= SC_SEND_MAX_BYTES)
		return SC_OK;
	return sp_error(p, off, "this send is larger than %d bytes",
			SC_SEND_MAX_BYTES);
}

/* do_expect - "S: 250 2.0.0 /ok/ closed # note" */
static int do_expect(struct sc_parser *p, const struct directive *d,
		     size_t off)
{
	struct sc_step *st = NULL;
	int rc;

	rc = step_add(p, d->kind, NAME_START(d, off), &st);
	if (rc == SC_OK)
		rc = sp_expect(p, off, &st->expect, &st->note);
	return rc;
}

/* do_send - a C: or R: line: its own step, or a part of the open batch */
static int do_send(struct sc_parser *p, const struct directive *d,
		   size_t off)
{
	struct sc_template t = { NULL, 0 };
	char *note = NULL;
	struct sc_step *st = NULL;
	int rc;

	if (d->name[0] == 'C')
		rc = sp_send_c(p, off, &t);
	else
		rc = sp_send_r(p, off, &t, &note);
	if (rc == SC_OK && p->in_batch) {
		free(note);
		note = NULL;
		rc = sp_template_move(&p->batch, &t);
		if (rc != SC_OK)
			rc = sp_nomem(p);
		p->batch_nlines++;
		if (rc == SC_OK)
			rc = send_bounded(p, &p->batch, NAME_START(d, off));
	} else if (rc == SC_OK) {
		rc = send_bounded(p, &t, NAME_START(d, off));
		if (rc == SC_OK)
			rc = step_add(p, d->kind, NAME_START(d, off), &st);
		if (rc == SC_OK) {
			st->send = t;
			st->nlines_sent = 1;
			st->note = note;
			return SC_OK;
		}
	}
	sp_template_free(&t);
	free(note);
	return rc;
}

/* do_batch - "batch": the C:/R: lines up to "end" go out in one write */
static int do_batch(struct sc_parser *p, const struct directive *d,
		    size_t off)
{
	if (p->in_batch)
		return sp_error(p, NAME_START(d, off), "nested 'batch' (the "
				"batch opened on line %u is still open)",
				p->batch_line);
	p->in_batch = 1;
	p->batch_line = p->lineno;
	p->batch_col = (unsigned)(NAME_START(d, off)) + 1;
	p->batch_nlines = 0;
	return line_tail(p, off, "'batch'", &p->batch_note);
}

/* do_end - "end": the open batch becomes one SC_STEP_SEND */
static int do_end(struct sc_parser *p, const struct directive *d,
		  size_t off)
{
	struct sc_step *st = NULL;
	int rc;

	if (!p->in_batch)
		return sp_error(p, NAME_START(d, off),
				"'end' without 'batch'");
	rc = line_tail(p, off, "'end'", &p->batch_note);
	if (rc == SC_OK && p->batch_nlines == 0)
		rc = sp_error(p, NAME_START(d, off), "empty batch (opened on "
			      "line %u): put C: or R: lines between batch "
			      "and end", p->batch_line);
	if (rc == SC_OK)
		rc = step_add(p, d->kind, NAME_START(d, off), &st);
	if (rc != SC_OK)
		return rc;
	st->line = p->batch_line;
	st->send = p->batch;
	st->nlines_sent = p->batch_nlines;
	st->note = p->batch_note;
	p->batch.pieces = NULL;
	p->batch.npieces = 0;
	p->batch_note = NULL;
	p->in_batch = 0;
	return SC_OK;
}

/* do_bare - closed, close, starttls, shutdown: no argument */
static int do_bare(struct sc_parser *p, const struct directive *d,
		   size_t off)
{
	struct sc_step *st = NULL;
	char after[32];
	int rc;

	rc = step_add(p, d->kind, NAME_START(d, off), &st);
	if (rc != SC_OK)
		return rc;
	snprintf(after, sizeof(after), "'%s'", d->name);
	return line_tail(p, off, after, &st->note);
}

/* session_name_valid - [a-z0-9_-]{1,31} */
static int session_name_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= SC_SESSION_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

/* session_count - remember a session name; at most the distinct limit */
static int session_count(struct sc_parser *p, const char *name, size_t off)
{
	size_t i;

	for (i = 0; i < p->nsessions; i++)
		if (strcmp(p->sessions[i], name) == 0)
			return SC_OK;
	if (p->nsessions >= SC_SCENARIO_MAX_SESSIONS)
		return sp_error(p, off, "more than %d sessions (counting "
				"'main')", SC_SCENARIO_MAX_SESSIONS);
	memcpy(p->sessions[p->nsessions++], name, strlen(name) + 1);
	return SC_OK;
}

/* do_session - "session NAME": switch to (and open) a named session */
static int do_session(struct sc_parser *p, const struct directive *d,
		      size_t off)
{
	struct sc_step *st = NULL;
	char show[128];
	size_t a = sp_skip_space(p, off), b = sp_token_end(p, a);
	int rc;

	if (a == b || (p->line[a] == '#' && a > off))
		return sp_error(p, a, "'session' needs a name, like "
				"'session second'");
	if (!session_name_valid(p->line + a, b - a))
		return sp_error(p, a, "bad session name '%s': use 1 to %d of "
				"a-z, 0-9, '_' and '-'",
				sp_show(p->line + a, b - a, show,
					sizeof(show)),
				SC_SESSION_NAME_MAX - 1);
	rc = step_add(p, d->kind, NAME_START(d, off), &st);
	if (rc != SC_OK)
		return rc;
	memcpy(st->session, p->line + a, b - a);
	st->session[b - a] = '\0';
	rc = session_count(p, st->session, a);
	if (rc == SC_OK)
		rc = line_tail(p, b, "the session name", &st->note);
	return rc;
}

/*
 * do_duration - "sleep DURATION", "timeout DURATION", "idle DURATION".
 * A duration with a variable in it (`${server_timeout}s`) is kept as
 * a template, checked when the scenario is parsed and read when the
 * step runs.
 */
/* duration_end - end of a duration token; blanks inside ${...} count */
static size_t duration_end(const struct sc_parser *p, size_t a)
{
	const char *close;

	while (a < p->len && !sp_is_space((unsigned char)p->line[a])) {
		if (p->line[a] == '$' && a + 1 < p->len &&
		    p->line[a + 1] == '{' &&
		    (close = memchr(p->line + a, '}', p->len - a)) != NULL)
			a = (size_t)(close - p->line);
		a++;
	}
	return a;
}

static int do_duration(struct sc_parser *p, const struct directive *d,
		       size_t off)
{
	struct sc_step *st = NULL;
	struct sc_template t;
	size_t a = sp_skip_space(p, off), b = duration_end(p, a);
	unsigned ms = 0;
	int rc;

	if (a == b || (p->line[a] == '#' && a > off))
		return sp_error(p, a, "'%s' needs a duration, like 500ms",
				d->name);
	memset(&t, 0, sizeof(t));
	if (memchr(p->line + a, '$', b - a) != NULL)
		rc = sp_text_template(p, a, b, &t);
	else
		rc = sp_duration(p, a, b, &ms);
	if (rc == SC_OK)
		rc = step_add(p, d->kind, NAME_START(d, off), &st);
	if (rc == SC_OK)
		rc = sp_template_move(&st->send, &t);
	sp_template_free(&t);
	if (rc != SC_OK)
		return rc;
	st->ms = ms;
	return line_tail(p, b, "the duration", &st->note);
}

/* directive_find - the table row spelt line[off..end), or NULL */
static const struct directive *directive_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NDIRECTIVES; i++)
		if (strlen(directives[i].name) == n &&
		    memcmp(directives[i].name, s, n) == 0)
			return &directives[i];
	return NULL;
}

/* sp_step_line - dispatch a step line whose name is line[off..end) */
int sp_step_line(struct sc_parser *p, size_t off, size_t end)
{
	const struct directive *d = directive_find(p->line + off, end - off);
	char show[128];

	if (d == NULL) {
		if (end == off || p->line[end - 1] != ':')
			end = sp_token_end(p, off);
		return sp_error(p, off, "unknown directive '%s'",
				sp_show(p->line + off, end - off, show,
					sizeof(show)));
	}
	if (p->in_batch && !d->in_batch)
		return sp_error(p, off, "'%s' is not allowed inside a batch "
				"(only C: and R: lines, up to 'end')",
				d->name);
	if (!p->in_steps) {
		p->in_steps = 1;
		p->first_step_line = p->lineno;
	}
	return d->fn(p, d, end);
}

