/*
 * fuzz_finding.c - what the live fuzzer keeps of a finding: the input
 * minimized, and a scenario file (docs/scenario-format.md) that makes
 * `smtpconf run` replay it and reach the same verdict.
 *
 * Each oracle is stated with the RFC 5321 clause the runner judges it
 * by: no reply (4.2), a close without 421/221 (3.8), a broken reply
 * (4.2, 2.3.8); a crash is an error whatever the clause.
 */
#include <stdlib.h>
#include <string.h>
#include "smtpconf/command.h"
#include "smtpconf/escape.h"
#include "smtpconf/fuzz.h"

/* An escaped R: line is split before it grows past this (the scenario
 * line limit is 64 KiB; a byte may take four characters). */
#define RAW_LINE_SPLIT	(16 * 1024)
/* A run of one byte this long is written as "x" * N. */
#define RUN_MIN		16

/* Per oracle: the header that states the rule a replay checks. */
static const struct finding_rule {
	enum sc_fuzz_oracle oracle;
	const char *rfc;
	const char *level;
	const char *quote;
} finding_rules[] = {
	{ SC_FUZZ_CRASH, "5321 3.8", "security",
	  "An SMTP server MUST NOT intentionally close the connection under "
	  "normal operational circumstances (see Section 7.8) except: After "
	  "receiving a QUIT command and responding with a 221 reply. After "
	  "detecting the need to shut down the SMTP service and returning "
	  "a 421 response code." },
	{ SC_FUZZ_HANG, "5321 4.2", "MUST",
	  "Every command MUST generate exactly one reply." },
	{ SC_FUZZ_CLOSE, "5321 3.8", "MUST",
	  "An SMTP server MUST NOT intentionally close the connection under "
	  "normal operational circumstances (see Section 7.8) except: After "
	  "receiving a QUIT command and responding with a 221 reply. After "
	  "detecting the need to shut down the SMTP service and returning "
	  "a 421 response code." },
	{ SC_FUZZ_GRAMMAR, "5321 4.2, 5321 2.3.8", "MUST",
	  "SMTP servers MUST NOT send reply codes whose first digits are "
	  "other than 2, 3, 4, or 5. Conforming implementations MUST NOT "
	  "recognize or generate any other character or character sequence "
	  "as a line terminator." },
};

/* rule_for - the header of an oracle (the close rule by default) */
static const struct finding_rule *rule_for(enum sc_fuzz_oracle k)
{
	size_t i;

	for (i = 0; i < sizeof(finding_rules) / sizeof(finding_rules[0]);
	     i++)
		if (finding_rules[i].oracle == k)
			return &finding_rules[i];
	return &finding_rules[2];
}

/* put_byte - one byte inside an R: string (escapes of the format) */
static void put_byte(struct sc_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '\r': sc_buf_puts(b, "\\r"); return;
	case '\n': sc_buf_puts(b, "\\n"); return;
	case '\t': sc_buf_puts(b, "\\t"); return;
	case '\0': sc_buf_puts(b, "\\0"); return;
	case '"': sc_buf_puts(b, "\\\""); return;
	case '\\': sc_buf_puts(b, "\\\\"); return;
	case '$': sc_buf_puts(b, "$$"); return;	/* no variable */
	default: break;
	}
	if (c >= 0x20 && c < 0x7f) {
		sc_buf_putc(b, c);
		return;
	}
	sc_buf_puts(b, "\\x");
	sc_buf_putc(b, hex[c >> 4]);
	sc_buf_putc(b, hex[c & 15]);
}

/* put_raw - one line as R: steps: strings, long runs as "x" * N */
static void put_raw(struct sc_buf *b, const char *p, size_t n)
{
	size_t i = 0, run, start = b->len;

	sc_buf_puts(b, "R: \"");
	while (i < n) {
		for (run = 1; i + run < n && p[i + run] == p[i]; run++)
			;
		if (run >= RUN_MIN) {
			sc_buf_puts(b, "\" \"");
			put_byte(b, (unsigned char)p[i]);
			sc_buf_printf(b, "\" * %zu \"", run);
			i += run;
		} else {
			put_byte(b, (unsigned char)p[i++]);
		}
		if (b->len - start > RAW_LINE_SPLIT && i < n) {
			sc_buf_puts(b, "\"\nR: \"");
			start = b->len;
		}
	}
	sc_buf_puts(b, "\"\n");
}

/* put_replies - S: lines for the replies that came after `after` lines */
static size_t put_replies(struct sc_buf *b, const struct sc_fuzz_outcome *o,
			  size_t k, size_t upto, size_t after)
{
	for (; k < upto && o->replies[k].after <= after; k++) {
		if (o->replies[k].code >= 200 && o->replies[k].code < 600)
			sc_buf_printf(b, "S: %d\n", o->replies[k].code);
		else
			sc_buf_puts(b, "S: xxx\n");
	}
	return k;
}

/* put_header - title, RFC clause, level, quote and timeouts */
static void put_header(struct sc_buf *b, const struct sc_fuzz_outcome *o,
		       unsigned hang_ms, const char *note)
{
	const struct finding_rule *r = rule_for(o->oracle);

	sc_buf_printf(b, "# Found by smtpconf fuzz and minimized; replay "
		      "with: smtpconf run FILE --target HOST:PORT (or "
		      "--spawn).\n");
	sc_buf_printf(b, "title: Fuzz finding (%s): ",
		      sc_fuzz_oracle_name(o->oracle));
	sc_escape_redisplay(b, o->what, strlen(o->what), 200);
	sc_buf_printf(b, "\nrfc:   %s\nlevel: %s\ntags:  fuzz, %s\n"
		      "quote: %s\n", r->rfc, r->level,
		      sc_fuzz_oracle_name(o->oracle), r->quote);
	if (note != NULL && *note) {
		sc_buf_puts(b, "why:   ");
		sc_escape_display(b, note, strlen(note), 300);
		sc_buf_putc(b, '\n');
	}
	sc_buf_printf(b, "step-timeout: %ums\n\n", hang_ms ? hang_ms : 1);
}

/* sc_fuzz_finding_format - the scenario file that replays a finding */
int sc_fuzz_finding_format(const char *data, size_t len,
			   const struct sc_fuzz_outcome *out,
			   unsigned hang_ms, const char *note,
			   struct sc_buf *text)
{
	size_t off = 0, n, line = 0, k = 0, upto = out->nreplies;

	/* The reply that broke the grammar is the oracle's own S: line. */
	if (out->oracle == SC_FUZZ_GRAMMAR && upto > 0)
		upto--;
	put_header(text, out, hang_ms, note);
	k = put_replies(text, out, k, upto, 0);
	while (off < len && line < out->fired_after) {
		n = sc_command_line_len(data + off, len - off);
		put_raw(text, data + off, n);
		off += n;
		k = put_replies(text, out, k, upto, ++line);
	}
	sc_buf_printf(text, "S: xxx      # the %s oracle fired here\n",
		      sc_fuzz_oracle_name(out->oracle));
	return text->failed ? SC_ERR_NOMEM : SC_OK;
}

/* Minimizer state: the try budget and the best input so far. */
struct mini {
	sc_fuzz_try_fn try_fn;
	void *ctx;
	char *data;
	size_t *len;
	enum sc_fuzz_oracle want;
	unsigned tries, max_tries;
	long long deadline;
	struct sc_fuzz_outcome *best;
	struct sc_fuzz_outcome scratch;
};

/* budget_left - may another candidate be tried? */
static int budget_left(const struct mini *m)
{
	return m->tries < m->max_tries && sc_now_ms() < m->deadline;
}

/* attempt - run a candidate; keep it when the oracle still fires */
static int attempt(struct mini *m, const char *cand, size_t clen)
{
	if (!budget_left(m) || clen >= *m->len)
		return 0;
	m->tries++;
	if (m->try_fn(m->ctx, cand, clen, &m->scratch) != 0 ||
	    m->scratch.oracle != m->want)
		return 0;
	memmove(m->data, cand, clen);
	*m->len = clen;
	*m->best = m->scratch;
	return 1;
}

/* line_start - offset of line i (from 0) in data, or len */
static size_t line_start(const char *data, size_t len, size_t i)
{
	size_t off = 0;

	while (i-- > 0 && off < len)
		off += sc_command_line_len(data + off, len - off);
	return off;
}

/* without - try data with bytes [a, b) removed */
static int without(struct mini *m, char *scratch, size_t a, size_t b)
{
	size_t len = *m->len;

	memcpy(scratch, m->data, a);
	memcpy(scratch + a, m->data + b, len - b);
	return attempt(m, scratch, len - (b - a));
}

/* drop_lines - each line, last first, removed if the oracle still fires */
static void drop_lines(struct mini *m, char *scratch)
{
	size_t nlines = 0, off, i, a, b;

	for (off = 0; off < *m->len; nlines++)
		off += sc_command_line_len(m->data + off, *m->len - off);
	for (i = nlines; i-- > 0 && budget_left(m);) {
		a = line_start(m->data, *m->len, i);
		b = line_start(m->data, *m->len, i + 1);
		if (a < b)
			without(m, scratch, a, b);
	}
}

/* shrink_bytes - halves, quarters... of each line's text removed */
static void shrink_bytes(struct mini *m, char *scratch)
{
	size_t i = 0, a, b, end, k, pos;

	for (;; i++) {
		a = line_start(m->data, *m->len, i);
		if (a >= *m->len || !budget_left(m))
			return;
		b = line_start(m->data, *m->len, i + 1);
		end = b;
		while (end > a && (m->data[end - 1] == '\n' ||
				   m->data[end - 1] == '\r'))
			end--;
		for (k = (end - a) / 2; k >= 1 && budget_left(m); k /= 2)
			for (pos = a; pos + k <= end && budget_left(m);) {
				if (without(m, scratch, pos, pos + k))
					end -= k;	/* same pos, less text */
				else
					pos += k;
			}
	}
}

/* sc_fuzz_minimize - shrink data while the same oracle fires */
unsigned sc_fuzz_minimize(sc_fuzz_try_fn try_fn, void *ctx, char *data,
			  size_t *len, enum sc_fuzz_oracle want,
			  unsigned max_attempts, unsigned max_ms,
			  struct sc_fuzz_outcome *best)
{
	struct mini *m = calloc(1, sizeof(*m));
	char *scratch = malloc(*len ? *len : 1);
	unsigned tries;
	size_t cut;

	if (m == NULL || scratch == NULL) {
		free(m);
		free(scratch);
		return 0;
	}
	m->try_fn = try_fn;
	m->ctx = ctx;
	m->data = data;
	m->len = len;
	m->want = want;
	m->max_tries = max_attempts;
	m->deadline = sc_now_ms() + max_ms;
	m->best = best;
	/* What came after the firing line never mattered. */
	cut = line_start(data, *len, best->fired_after);
	if (cut > 0 && cut < *len)
		attempt(m, data, cut);
	drop_lines(m, scratch);
	shrink_bytes(m, scratch);
	tries = m->tries;
	free(scratch);
	free(m);
	return tries;
}
