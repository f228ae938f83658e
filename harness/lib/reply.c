/*
 * reply.c - incremental parser for SMTP replies.
 *
 * Implements RFC 5321 4.2 (Reply-line, multiline replies, "the reply
 * code on each of the lines MUST be the same"), 2.3.8 (CRLF is the only
 * line terminator), 4.5.3.1.5 (512-octet reply lines) and the enhanced
 * status code prefix of RFC 2034 section 4 / RFC 3463 section 2.
 *
 * The parser is a byte-at-a-time state machine, so the result does not
 * depend on how the peer's bytes were split into reads: one byte per
 * call and the whole buffer at once give the same reply.  Every
 * departure from the grammar becomes a violation bit; only a flood
 * (too many lines or bytes for one reply) stops parsing.  Memory is
 * bounded: at most SC_REPLY_LINE_KEEP bytes of a line are stored and a
 * reply never grows past SC_REPLY_MAX_LINES lines or SC_REPLY_MAX_BYTES
 * bytes on the wire.
 */
#include <stdlib.h>
#include <string.h>
#include "smtpconf/codes.h"
#include "smtpconf/reply.h"

/* What one byte did to the reply being built. */
enum step {
	STEP_MORE,		/* reply not complete yet */
	STEP_DONE,		/* the byte ended the reply's last line */
	STEP_FLOOD,		/* the reply exceeded a bound */
	STEP_NOMEM		/* the line table could not grow */
};

/* First allocation of the raw buffer; it doubles from here. */
#define RAW_FIRST_CAP	256
/* First allocation of the line table. */
#define LINES_FIRST_CAP	8

/*
 * violation_texts - the RFC basis of each violation bit, shown in
 * failure messages.  One sentence each, naming the clause it enforces.
 */
static const struct {
	unsigned bit;
	const char *text;
} violation_texts[] = {
	{ SC_RV_BAD_CODE, "RFC 5321 4.2: every reply line must start with "
	  "a Reply-code of three digits (Reply-code = %x32-35 %x30-35 "
	  "%x30-39), and this line does not." },
	{ SC_RV_BAD_SEPARATOR, "RFC 5321 4.2: the reply code must be "
	  "followed by SP (last line), \"-\" (more lines follow) or CRLF, "
	  "and this line has another octet there." },
	{ SC_RV_CODE_MISMATCH, "RFC 5321 4.2.1: \"In a multiline reply, "
	  "the reply code on each of the lines MUST be the same.\"" },
	{ SC_RV_BARE_LF, "RFC 5321 2.3.8: lines end with CRLF and "
	  "\"Conforming implementations MUST NOT recognize or generate any "
	  "other character or character sequence as a line terminator\", "
	  "but a line ended with a bare LF." },
	{ SC_RV_BARE_CR, "RFC 5321 2.3.8: a CR not followed by LF is a "
	  "\"bare\" CR, which the RFC warns \"has a long history of causing "
	  "problems\"; it is not a line terminator and not allowed in "
	  "reply text." },
	{ SC_RV_LINE_TOO_LONG, "RFC 5321 4.5.3.1.5: \"The maximum total "
	  "length of a reply line including the reply code and the <CRLF> "
	  "is 512 octets.\"" },
	{ SC_RV_NUL, "RFC 5321 4.2: reply text is textstring = "
	  "1*(%d09 / %d32-126), so a NUL octet may not appear in a "
	  "reply." },
	{ SC_RV_NON_ASCII, "RFC 5321 4.2: reply text is textstring = "
	  "1*(%d09 / %d32-126) (HT, SP and printable US-ASCII), and the "
	  "reply has an octet outside that set." },
	{ SC_RV_CONTROL, "RFC 5321 4.2: reply text is textstring = "
	  "1*(%d09 / %d32-126), which admits no control character but HT; "
	  "the reply has one (ESC, BEL, BS, DEL or another C0 control), "
	  "and SMTPUTF8 (RFC 6531), which brings UTF-8, does not change "
	  "that." },
	{ SC_RV_FLOOD, "RFC 5321 4.2 says \"Every command MUST generate "
	  "exactly one reply\"; this one went past smtpconf's bound on "
	  "lines or bytes per reply (limits.h), so reading stopped." },
	{ SC_RV_ENHANCED_CLASS, "RFC 2034 section 4: \"All status codes "
	  "returned by the server must agree with the primary response "
	  "code\" (class per RFC 3463 section 2), but the enhanced code's "
	  "class differs from the reply code's first digit." },
	{ SC_RV_ENHANCED_MISSING, "RFC 2034 section 4: the server "
	  "advertised ENHANCEDSTATUSCODES, and \"These codes must appear "
	  "in all 2xx, 4xx, and 5xx response lines other than initial "
	  "greeting and any response to HELO or EHLO\" (\"the same status "
	  "code must appear at the beginning of the text in each line\" "
	  "of a multiline reply), but a line of this reply has none." },
};

/* sc_reply_free - release a reply's memory */
void sc_reply_free(struct sc_reply *r)
{
	if (r == NULL)
		return;
	free(r->raw);
	free(r->lines);
	memset(r, 0, sizeof(*r));
	r->code = -1;
}

/* sc_reply_parser_init - ready a parser for a new reply */
void sc_reply_parser_init(struct sc_reply_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->cur.code = -1;
}

/* sc_reply_parser_free - release a parser's partial reply */
void sc_reply_parser_free(struct sc_reply_parser *p)
{
	if (p == NULL)
		return;
	sc_reply_free(&p->cur);
	sc_reply_parser_init(p);
}

/* sc_reply_parse_code - parse "ddd" at s; returns code or -1 */
int sc_reply_parse_code(const char *s, size_t len)
{
	/* Reply-code = %x32-35 %x30-35 %x30-39 (RFC 5321 4.2) */
	if (s == NULL || len < 3)
		return -1;
	if (s[0] < '2' || s[0] > '5')
		return -1;
	if (s[1] < '0' || s[1] > '5')
		return -1;
	if (s[2] < '0' || s[2] > '9')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* raw_reserve - room for n more stored bytes plus a terminator */
static int raw_reserve(struct sc_reply_parser *p, size_t n)
{
	size_t want = p->cur.raw_len + n + 1;
	size_t cap = p->raw_cap ? p->raw_cap : RAW_FIRST_CAP;
	char *raw;

	if (want <= p->raw_cap)
		return 0;
	while (cap < want)
		cap *= 2;
	raw = realloc(p->cur.raw, cap);
	if (raw == NULL)
		return -1;
	p->cur.raw = raw;
	p->raw_cap = cap;
	return 0;
}

/*
 * store_byte - keep one octet of the current line.  Past
 * SC_REPLY_LINE_KEEP bytes the octet is only counted (line_wire), and
 * if memory runs out the octet is dropped the same way: the reply stays
 * usable, just clipped.
 */
static void store_byte(struct sc_reply_parser *p, unsigned char c)
{
	if (p->cur.raw_len - p->line_start >= SC_REPLY_LINE_KEEP)
		return;
	if (raw_reserve(p, 1) < 0)
		return;
	p->cur.raw[p->cur.raw_len++] = (char)c;
	p->cur.raw[p->cur.raw_len] = '\0';
}

/*
 * classify_byte - flag octets that textstring (HT, SP..~) does not
 * allow.  Controls (ESC, BEL, BS, DEL...) are kept apart from octets
 * over 0x7e: SMTPUTF8 (RFC 6531) brings UTF-8 into the text, never
 * controls, and controls are how a reply attacks a terminal.
 */
static void classify_byte(struct sc_reply_parser *p, unsigned char c)
{
	if (c == 0)
		p->cur.violations |= SC_RV_NUL;
	else if ((c < 0x20 && c != '\t') || c == 0x7f)
		p->cur.violations |= SC_RV_CONTROL;
	else if (c > 0x7e)
		p->cur.violations |= SC_RV_NON_ASCII;
}

/* lines_push - append a line record, growing the table */
static int lines_push(struct sc_reply_parser *p,
		      const struct sc_reply_line *line)
{
	struct sc_reply_line *lines;
	size_t cap;

	/* Keep raw non-NULL once a line exists, so text is never NULL. */
	if (p->cur.raw == NULL && raw_reserve(p, 0) < 0)
		return -1;
	if (p->cur.nlines == p->lines_cap) {
		cap = p->lines_cap ? p->lines_cap * 2 : LINES_FIRST_CAP;
		lines = realloc(p->cur.lines, cap * sizeof(*lines));
		if (lines == NULL)
			return -1;
		p->cur.lines = lines;
		p->lines_cap = cap;
	}
	p->cur.lines[p->cur.nlines++] = *line;
	return 0;
}

/* line_describe - fill a record for the current line from its stored bytes */
static void line_describe(const struct sc_reply_parser *p,
			  struct sc_reply_line *line)
{
	const char *s = p->cur.raw ? p->cur.raw + p->line_start : "";

	line->off = p->line_start;
	line->len = p->cur.raw_len - p->line_start;
	line->full_len = p->line_wire;
	line->code = sc_reply_parse_code(s, line->len);
	line->sep = line->len > 3 ? s[3] : 0;
}

/*
 * take_enhanced - copy an enhanced status code that opens the first
 * line's text (RFC 2034 section 4: it prefaces the text and "is always
 * followed by one or more spaces"; we also accept the end of the line).
 */
static void take_enhanced(struct sc_reply *r, const struct sc_reply_line *l)
{
	const char *text;
	size_t tlen, n;

	if (l->code < 0 || (l->sep != ' ' && l->sep != '-') || l->len < 4)
		return;
	text = r->raw + l->off + 4;
	tlen = l->len - 4;
	for (n = 0; n < tlen && text[n] != ' '; n++)
		;
	if (n >= sizeof(r->enhanced) || !sc_enhanced_valid(text, n))
		return;
	memcpy(r->enhanced, text, n);
	r->enhanced[n] = '\0';
}

/* line_is_last - does this line end the reply? (RFC 5321 4.2) */
static int line_is_last(struct sc_reply *r, const struct sc_reply_line *l)
{
	if (l->code < 0) {
		/* Garbage: nothing says more lines follow, so stop here. */
		r->violations |= SC_RV_BAD_CODE;
		return 1;
	}
	if (l->sep == '-')
		return 0;
	if (l->len > 3 && l->sep != ' ')
		r->violations |= SC_RV_BAD_SEPARATOR;
	return 1;
}

/* line_end - the current line's terminator arrived: record and judge it */
static enum step line_end(struct sc_reply_parser *p)
{
	struct sc_reply *r = &p->cur;
	struct sc_reply_line line;
	int last;

	line_describe(p, &line);
	if (line.full_len > SC_RFC_REPLY_LINE_MAX)
		r->violations |= SC_RV_LINE_TOO_LONG;
	if (lines_push(p, &line) < 0)
		return STEP_NOMEM;
	if (r->nlines == 1)
		take_enhanced(r, &line);
	else if (line.code >= 0 && line.code != r->lines[0].code)
		r->violations |= SC_RV_CODE_MISMATCH;
	r->code = line.code;
	last = line_is_last(r, &line);
	p->line_start = r->raw_len;
	p->line_wire = 0;
	if (last)
		return STEP_DONE;
	/* A continuation as line MAX_LINES means the reply needs more. */
	if (r->nlines >= SC_REPLY_MAX_LINES)
		return STEP_FLOOD;
	return STEP_MORE;
}

/* feed_byte - advance the state machine by one octet */
static enum step feed_byte(struct sc_reply_parser *p, unsigned char c)
{
	p->cur.wire_len++;
	p->line_wire++;
	if (p->in_cr) {
		p->in_cr = 0;
		if (c == '\n')
			return line_end(p);
		/* RFC 5321 2.3.8: a bare CR is data, not a terminator. */
		p->cur.violations |= SC_RV_BARE_CR;
		store_byte(p, '\r');
	}
	if (c == '\r') {
		p->in_cr = 1;
		return STEP_MORE;
	}
	if (c == '\n') {
		p->cur.violations |= SC_RV_BARE_LF;
		return line_end(p);
	}
	classify_byte(p, c);
	store_byte(p, c);
	return STEP_MORE;
}

/*
 * keep_partial_line - on a flood, keep the unfinished line too, so the
 * caller can show what the server was sending when we stopped.
 */
static void keep_partial_line(struct sc_reply_parser *p)
{
	struct sc_reply_line line;

	if (p->in_cr) {
		store_byte(p, '\r');
		p->in_cr = 0;
	}
	if (p->line_wire == 0)
		return;
	line_describe(p, &line);
	if (line.full_len > SC_RFC_REPLY_LINE_MAX)
		p->cur.violations |= SC_RV_LINE_TOO_LONG;
	if (lines_push(p, &line) < 0)
		return;
	if (p->cur.nlines == 1)
		take_enhanced(&p->cur, &line);
	p->cur.code = line.code;
}

/* reply_emit - hand the finished reply to the caller and start afresh */
static void reply_emit(struct sc_reply_parser *p, struct sc_reply *out)
{
	if (out != NULL)
		*out = p->cur;
	else
		sc_reply_free(&p->cur);
	sc_reply_parser_init(p);
}

/*
 * sc_reply_feed - feed bytes; on SC_FEED_DONE or SC_FEED_ERROR the
 * finished reply moves into *out (overwritten, not freed: pass a reply
 * that holds nothing) and the parser is reset.  SC_FEED_ERROR with
 * SC_RV_FLOOD is a flood; without it, memory ran out.
 */
enum sc_feed_result sc_reply_feed(struct sc_reply_parser *p, const char *buf,
				  size_t len, size_t *consumed,
				  struct sc_reply *out)
{
	enum step st = STEP_MORE;
	size_t i;

	if (buf == NULL)
		len = 0;
	for (i = 0; i < len && st == STEP_MORE; i++) {
		st = feed_byte(p, (unsigned char)buf[i]);
		if (st == STEP_MORE && p->cur.wire_len >= SC_REPLY_MAX_BYTES)
			st = STEP_FLOOD;
	}
	if (consumed != NULL)
		*consumed = i;
	switch (st) {
	case STEP_MORE:
		return SC_FEED_NEED_MORE;
	case STEP_DONE:
		reply_emit(p, out);
		return SC_FEED_DONE;
	case STEP_FLOOD:
		keep_partial_line(p);
		p->cur.violations |= SC_RV_FLOOD;
		break;
	case STEP_NOMEM:
		break;
	}
	reply_emit(p, out);
	return SC_FEED_ERROR;
}

/* sc_reply_parser_take_partial - the unfinished reply at EOF, for display */
int sc_reply_parser_take_partial(struct sc_reply_parser *p,
				 struct sc_reply *out)
{
	int any = p->cur.wire_len > 0;

	keep_partial_line(p);
	reply_emit(p, out);
	return any;
}

/* sc_reply_text - text of line i (after "ddd-" / "ddd "), length in *len */
const char *sc_reply_text(const struct sc_reply *r, size_t i, size_t *len)
{
	const struct sc_reply_line *l;
	size_t skip;

	if (len != NULL)
		*len = 0;
	if (r == NULL || i >= r->nlines)
		return NULL;
	if (r->raw == NULL)
		return "";
	l = &r->lines[i];
	/* Unparseable lines are all text; a bad separator stays visible. */
	if (l->code < 0)
		skip = 0;
	else if (l->sep == ' ' || l->sep == '-')
		skip = 4;
	else
		skip = 3;
	if (skip > l->len)
		skip = l->len;
	if (len != NULL)
		*len = l->len - skip;
	return r->raw + l->off + skip;
}

/* sc_reply_check_enhanced - flag an enhanced code whose class disagrees */
int sc_reply_check_enhanced(struct sc_reply *r)
{
	if (r == NULL || r->enhanced[0] == '\0')
		return 0;
	/* A 3yz reply has no matching class (RFC 3463 has 2, 4, 5 only). */
	if (r->code < 0 || r->enhanced[0] - '0' != r->code / 100)
		r->violations |= SC_RV_ENHANCED_CLASS;
	return 1;
}

/* sc_reply_violation_text - one violation bit explained, with its clause */
const char *sc_reply_violation_text(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(violation_texts) / sizeof(violation_texts[0]);
	     i++)
		if (violation_texts[i].bit == bit)
			return violation_texts[i].text;
	return "Unknown reply violation (not one of enum sc_reply_violation).";
}
