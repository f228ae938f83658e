/*
 * command.h - classifying one SMTP command line sent by a client
 * (RFC 5321 4.1.1 commands, 4.1.2 argument syntax, 4.1.3 address
 * literals, 4.5.3.1 size limits; TURN from RFC 821, ETRN RFC 1985,
 * BDAT RFC 3030, AUTH RFC 4954, STARTTLS RFC 3207).
 *
 * The parser takes (buf, len) holding one line, with or without its
 * CRLF, and never fails on content: whatever breaks the grammar becomes
 * a flaw bit, so pcap import, the mock server and the mutator can ask
 * "what did the client send, and was it well-formed?".  It allocates
 * nothing.  Every part of the line it finds is a span (offset, length)
 * into the caller's buffer, so the result stays valid as long as buf
 * does, costs no copy, and a mutator can replace exactly one part.
 *
 * SC_CF_8BIT is set for every octet above 127, even where SMTPUTF8
 * (RFC 6531) lets UTF-8 into a path or a VRFY / EXPN argument: whether
 * SMTPUTF8 was negotiated for the transaction is a question for the
 * session, so such a path parses (path.utf8 says so) and the caller
 * decides whether the 8BIT flaw counts.
 */
#ifndef SMTPCONF_COMMAND_H
#define SMTPCONF_COMMAND_H

#include <stddef.h>
#include "smtpconf/limits.h"

/* ESMTP parameters kept per MAIL / RCPT line; later ones are counted. */
#define SC_COMMAND_MAX_PARAMS	16

/* RFC 5321 4.5.3.1.1-3: local-part, domain and whole path, in octets. */
#define SC_RFC_LOCAL_PART_MAX	64
#define SC_RFC_DOMAIN_MAX	255
#define SC_RFC_PATH_MAX		256

/* The verbs of the command table; SC_VERB_UNKNOWN is anything else. */
enum sc_verb {
	SC_VERB_UNKNOWN = 0,
	SC_VERB_EHLO,
	SC_VERB_HELO,
	SC_VERB_MAIL,
	SC_VERB_RCPT,
	SC_VERB_DATA,
	SC_VERB_RSET,
	SC_VERB_VRFY,
	SC_VERB_EXPN,
	SC_VERB_HELP,
	SC_VERB_NOOP,
	SC_VERB_QUIT,
	SC_VERB_TURN,
	SC_VERB_ETRN,
	SC_VERB_BDAT,
	SC_VERB_AUTH,
	SC_VERB_STARTTLS
};

/* Whether a verb takes an argument clause. */
enum sc_verb_args {
	SC_ARGS_NONE,		/* "QUIT" CRLF */
	SC_ARGS_OPTIONAL,	/* "HELP" [ SP String ] CRLF */
	SC_ARGS_REQUIRED	/* "VRFY" SP String CRLF */
};

/* One row of the command table. */
struct sc_verb_info {
	enum sc_verb verb;
	const char *name;	/* "MAIL", upper case */
	const char *rfc;	/* "5321 4.1.1.2" */
	enum sc_verb_args args;
};

/* Flaw bits of a command line; 0 means well-formed. */
enum sc_command_flaw {
	SC_CF_BAD_VERB		= 1u << 0,  /* first word is no known verb */
	SC_CF_BAD_ARGS		= 1u << 1,  /* arguments break the grammar */
	SC_CF_LINE_TOO_LONG	= 1u << 2,  /* over 512 octets with CRLF */
	SC_CF_BARE_CR		= 1u << 3,  /* CR not in the final CRLF */
	SC_CF_BARE_LF		= 1u << 4,  /* LF not in the final CRLF */
	SC_CF_NUL		= 1u << 5,  /* NUL octet */
	SC_CF_8BIT		= 1u << 6,  /* octet above 127 (see above) */
	SC_CF_PATH_TOO_LONG	= 1u << 7,  /* local-part, domain or path */
	SC_CF_TRAILING_SPACE	= 1u << 8   /* SP/HT at the end (tolerated) */
};

/* Where a part of the line is: buf[off .. off + len). */
struct sc_command_span {
	size_t off;
	size_t len;
};

/* One esmtp-param: esmtp-keyword ["=" esmtp-value]. */
struct sc_command_param {
	struct sc_command_span keyword;
	struct sc_command_span value;	/* len 0 when there is no "=" */
	int has_value;			/* "=" was present (even "SIZE=") */
};

/* The Reverse-path / Forward-path of MAIL or RCPT. */
struct sc_command_path {
	int present;		/* an argument starting with "<" was found */
	int null;		/* "<>" */
	int postmaster;		/* RCPT TO:<Postmaster>, no domain (4.1.1.3) */
	int quoted;		/* the local-part is a Quoted-string */
	int literal;		/* the domain is an address-literal */
	int utf8;		/* 8-bit octets: only SMTPUTF8 allows them */
	struct sc_command_span whole;	/* "<" ... ">" inclusive */
	struct sc_command_span route;	/* A-d-l without ":"; len 0: none */
	struct sc_command_span local;	/* Local-part as sent (quotes kept) */
	struct sc_command_span domain;	/* Domain or "[...]" literal */
};

/* A parsed command line; spans point into buf. */
struct sc_command {
	const char *buf;	/* the line parsed (borrowed, not copied) */
	size_t len;		/* bytes of the line without its terminator */
	int crlf;		/* the line ended with CRLF */
	enum sc_verb verb;
	struct sc_command_span verb_text;	/* the first word, as sent */
	struct sc_command_span args;	/* after verb and SP; len 0: none */
	struct sc_command_span word;	/* first argument: HELO/EHLO domain,
					   VRFY/EXPN/HELP/NOOP string, AUTH
					   mechanism, ETRN node, BDAT size */
	struct sc_command_path path;	/* MAIL, RCPT */
	struct sc_command_param params[SC_COMMAND_MAX_PARAMS];
	size_t nparams;		/* params kept */
	size_t params_seen;	/* params on the line (may exceed nparams) */
	unsigned long long chunk_size;	/* BDAT; ULLONG_MAX on overflow */
	int last;		/* BDAT ... LAST */
	struct sc_command_span initial;	/* AUTH initial-response, or len 0 */
	unsigned flaws;		/* enum sc_command_flaw bits */
};

/*
 * sc_command_parse - classify one command line.  buf holds the line,
 * optionally ending in CRLF (a lone LF is taken as the end too, and
 * flagged).  Any other CR or LF is part of the line and flagged, so a
 * caller that hands over two lines learns it.  Fills *cmd; returns
 * cmd->flaws (0 for a well-formed line).
 */
unsigned sc_command_parse(const char *buf, size_t len, struct sc_command *cmd);

/*
 * sc_command_line_len - bytes of the first line in buf, terminator
 * included: up to and with the first LF, or all of len when there is
 * none.  For callers that split a stream into lines for the parser.
 */
size_t sc_command_line_len(const char *buf, size_t len);

/* sc_command_param_find - a parameter by keyword (any case), or NULL */
const struct sc_command_param *sc_command_param_find(
	const struct sc_command *cmd, const char *keyword);

/* sc_command_span_eq - 1 when the span equals word, ignoring ASCII case */
int sc_command_span_eq(const struct sc_command *cmd,
		       const struct sc_command_span *span, const char *word);

/* sc_command_flaw_name - short stable name of one flaw bit ("bad-args") */
const char *sc_command_flaw_name(unsigned bit);
/* sc_command_flaw_text - explanation of one flaw bit, with its RFC clause */
const char *sc_command_flaw_text(unsigned bit);

/* sc_verb_name - "MAIL"; "UNKNOWN" for SC_VERB_UNKNOWN or out of range */
const char *sc_verb_name(enum sc_verb verb);
/* sc_verb_get - the table row of a verb, NULL for SC_VERB_UNKNOWN */
const struct sc_verb_info *sc_verb_get(enum sc_verb verb);
/* sc_verb_find - the row whose name is s[0..len) (any case), or NULL */
const struct sc_verb_info *sc_verb_find(const char *s, size_t len);
/* sc_verb_table - the whole table; *n receives its size */
const struct sc_verb_info *sc_verb_table(size_t *n);

#endif
