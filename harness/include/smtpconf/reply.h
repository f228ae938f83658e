/*
 * reply.h - incremental parser for SMTP replies (RFC 5321 4.2).
 *
 *   Reply-line     = *( Reply-code "-" [ textstring ] CRLF )
 *                    Reply-code [ SP textstring ] CRLF
 *   Reply-code     = %x32-35 %x30-35 %x30-39
 *
 * The parser takes bytes as they arrive ((buf, len) in, bytes consumed
 * out), so tests and fuzzers can drive it one byte at a time or all at
 * once.  Anything that breaks the grammar is recorded as a violation
 * bit on the reply, never a crash: the runner turns the bits into
 * verdicts.  Only a flood (too many lines or bytes) stops the parser.
 */
#ifndef SMTPCONF_REPLY_H
#define SMTPCONF_REPLY_H

#include <stddef.h>
#include "smtpconf/limits.h"
#include "smtpconf/status.h"

/* Violation bits; see sc_reply_violation_text() for the RFC basis. */
enum sc_reply_violation {
	SC_RV_BAD_CODE		= 1u << 0,  /* not Reply-code (3 digits, 2-5 / 0-5 / 0-9) */
	SC_RV_BAD_SEPARATOR	= 1u << 1,  /* 4th octet neither SP, "-" nor end of line */
	SC_RV_CODE_MISMATCH	= 1u << 2,  /* lines of one reply carry different codes */
	SC_RV_BARE_LF		= 1u << 3,  /* line ended by LF without CR */
	SC_RV_BARE_CR		= 1u << 4,  /* CR not followed by LF inside a line */
	SC_RV_LINE_TOO_LONG	= 1u << 5,  /* line over 512 octets including CRLF */
	SC_RV_NUL		= 1u << 6,  /* NUL octet in a line */
	SC_RV_NON_ASCII		= 1u << 7,  /* octet over 0x7e in a line */
	SC_RV_FLOOD		= 1u << 8,  /* over SC_REPLY_MAX_LINES / _BYTES: parsing stopped */
	SC_RV_ENHANCED_CLASS	= 1u << 9,  /* enhanced code class differs from reply class */
	SC_RV_ENHANCED_MISSING	= 1u << 10, /* ENHANCEDSTATUSCODES, but a line has none */
	SC_RV_CONTROL		= 1u << 11  /* C0 control (not HT) or DEL in text */
};

/* One line of a reply, as offsets into sc_reply.raw. */
struct sc_reply_line {
	size_t off;		/* start of the line in raw */
	size_t len;		/* bytes stored, without the line terminator */
	size_t full_len;	/* real length on the wire, with terminator */
	int code;		/* this line's code, -1 when unparseable */
	char sep;		/* ' ', '-', or 0 when the line ended after the code */
};

/* A complete reply. */
struct sc_reply {
	int code;		/* code of the last line; -1 when unparseable */
	unsigned violations;	/* enum sc_reply_violation bits */
	char enhanced[16];	/* "5.5.1" when the first line's text starts with one, else "" */
	char *raw;		/* stored bytes of the whole reply (lines clipped to SC_REPLY_LINE_KEEP) */
	size_t raw_len;
	size_t wire_len;	/* bytes the reply really took on the wire */
	struct sc_reply_line *lines;
	size_t nlines;
};

enum sc_feed_result {
	SC_FEED_NEED_MORE,	/* consumed everything, reply not complete */
	SC_FEED_DONE,		/* a reply is complete in *out; *consumed tells how far */
	SC_FEED_ERROR		/* flood: out holds what was read, SC_RV_FLOOD set */
};

struct sc_reply_parser {
	struct sc_reply cur;	/* reply being built */
	size_t line_start;	/* offset in cur.raw of the current line */
	size_t line_wire;	/* bytes of the current line seen on the wire */
	int in_cr;		/* last octet was CR */
	size_t lines_cap;
	size_t raw_cap;
};

/* sc_reply_parser_init - ready a parser for a new reply */
void sc_reply_parser_init(struct sc_reply_parser *p);
/* sc_reply_parser_free - release a parser's partial reply */
void sc_reply_parser_free(struct sc_reply_parser *p);

/*
 * sc_reply_feed - feed bytes; on SC_FEED_DONE or SC_FEED_ERROR the
 * finished reply moves into *out (caller frees with sc_reply_free) and
 * the parser is reset for the next reply.  *consumed is the number of
 * bytes of buf used; bytes after a complete reply belong to the next.
 */
enum sc_feed_result sc_reply_feed(struct sc_reply_parser *p, const char *buf,
				  size_t len, size_t *consumed,
				  struct sc_reply *out);

/*
 * sc_reply_parser_take_partial - at EOF, move the unfinished reply
 * (with its unfinished last line) into *out so it can be shown; the
 * parser is reset.  Returns 1 when any byte had arrived, else 0.
 */
int sc_reply_parser_take_partial(struct sc_reply_parser *p,
				 struct sc_reply *out);

/* sc_reply_free - release a reply's memory */
void sc_reply_free(struct sc_reply *r);

/* sc_reply_text - text of line i (after "ddd-" / "ddd "), length in *len */
const char *sc_reply_text(const struct sc_reply *r, size_t i, size_t *len);

/*
 * sc_reply_check_enhanced - set SC_RV_ENHANCED_CLASS when the enhanced
 * code's class (first digit) differs from the reply code's first digit
 * (RFC 3463 section 2 / RFC 2034 section 4).  Used when the server
 * advertised ENHANCEDSTATUSCODES.  Returns 1 if the reply had one.
 */
int sc_reply_check_enhanced(struct sc_reply *r);

/* sc_reply_violation_text - explanation of one violation bit, with its RFC clause */
const char *sc_reply_violation_text(unsigned bit);

/* sc_reply_parse_code - parse "ddd" at s; returns code or -1 */
int sc_reply_parse_code(const char *s, size_t len);

#endif
