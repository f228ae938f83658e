/*
 * mock_modes.c - the misbehaviour table of the mock SMTP server.
 *
 * One row per mode: its name, the value it takes, the rule it breaks
 * (with the RFC section) and what the mock does instead.  Modes in
 * the same group contradict each other and may not be combined.
 * `mock_smtpd --list-modes` prints this table; nothing else in the
 * mock knows mode names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mock.h"

struct mock_mode_def;

/* mode_set_fn - apply one mode; -1 with err set */
typedef int (*mode_set_fn)(struct mock_modes *m,
			   const struct mock_mode_def *d, const char *value,
			   char *err, size_t errlen);

struct mock_mode_def {
	const char *name;
	int flag;		/* enum mock_flag, or -1 for value modes */
	mode_set_fn set;
	const char *value;	/* name of the value ("MS"), NULL for none */
	const char *group;	/* modes of one group exclude each other */
	const char *breaks;	/* the rule broken */
	const char *does;	/* what the mock does instead */
};

static int mode_set_none(struct mock_modes *, const struct mock_mode_def *,
			 const char *, char *, size_t);
static int mode_set_flag(struct mock_modes *, const struct mock_mode_def *,
			 const char *, char *, size_t);
static int mode_set_delay(struct mock_modes *, const struct mock_mode_def *,
			  const char *, char *, size_t);
static int mode_set_count(struct mock_modes *, const struct mock_mode_def *,
			  const char *, char *, size_t);
static int mode_set_idle(struct mock_modes *, const struct mock_mode_def *,
			 const char *, char *, size_t);
static int mode_set_trickle(struct mock_modes *,
			    const struct mock_mode_def *, const char *,
			    char *, size_t);
static int mode_set_verb(struct mock_modes *, const struct mock_mode_def *,
			 const char *, char *, size_t);
static int mode_set_reply(struct mock_modes *, const struct mock_mode_def *,
			  const char *, char *, size_t);
static int mode_set_limit(struct mock_modes *, const struct mock_mode_def *,
			  const char *, char *, size_t);
static int mode_set_text_limit(struct mock_modes *,
			       const struct mock_mode_def *, const char *,
			       char *, size_t);
static int mode_set_advertise(struct mock_modes *,
			      const struct mock_mode_def *, const char *,
			      char *, size_t);
static int mode_set_data_end(struct mock_modes *,
			     const struct mock_mode_def *, const char *,
			     char *, size_t);
static int mode_set_error_limit(struct mock_modes *,
				const struct mock_mode_def *, const char *,
				char *, size_t);
static int mode_set_sessions(struct mock_modes *,
			     const struct mock_mode_def *, const char *,
			     char *, size_t);
static int mode_set_no_ext(struct mock_modes *, const struct mock_mode_def *,
			   const char *, char *, size_t);
static int mode_set_size_limit(struct mock_modes *,
			       const struct mock_mode_def *, const char *,
			       char *, size_t);
static int mode_set_auth_mech(struct mock_modes *,
			      const struct mock_mode_def *, const char *,
			      char *, size_t);

#define FLAG(f)	(f), mode_set_flag, NULL

/*
 * RFC 5321 4.2: "Every command MUST generate exactly one reply."
 * RFC 5321 3.8: "An SMTP server MUST NOT intentionally close the
 * connection under normal operational circumstances" except after
 * QUIT/221, after a 421, or after a timeout.  Most rows below break
 * one of these two sentences or a command's own syntax.
 */
static const struct mock_mode_def mode_table[] = {
	{"correct", -1, mode_set_none, NULL, NULL,
	 "nothing",
	 "RFC 5321 behaviour (the default)"},
	{"greet-none", FLAG(MF_GREET_NONE), "greet",
	 "RFC 5321 3.1: the server greets with 220 (or 554) on connect",
	 "never greets or replies; keeps the connection open"},
	{"greet-garbage", FLAG(MF_GREET_GARBAGE), "greet",
	 "RFC 5321 4.2: a reply starts with a three-digit code",
	 "greets with \"hello there\", then behaves"},
	{"greet-554", FLAG(MF_GREET_554), "greet",
	 "nothing (RFC 5321 3.1 allows it)",
	 "554 greeting, then 503 to every command but QUIT"},
	{"ehlo-noarg-ok", FLAG(MF_EHLO_NOARG_OK), NULL,
	 "RFC 5321 4.1.1.1: EHLO takes a domain (501 without)",
	 "EHLO without argument gets the 250 EHLO reply"},
	{"helo-noarg-ok", FLAG(MF_HELO_NOARG_OK), NULL,
	 "RFC 5321 4.1.1.1: HELO takes a domain (501 without)",
	 "HELO without argument gets 250"},
	{"ehlo-no-reset", FLAG(MF_EHLO_NO_RESET), NULL,
	 "RFC 5321 4.1.4: EHLO in a transaction resets it like RSET",
	 "EHLO keeps the open transaction"},
	{"quit-arg-ok", FLAG(MF_QUIT_ARG_OK), NULL,
	 "RFC 5321 4.1.1.10: QUIT takes no argument (501)",
	 "QUIT with an argument gets 221 and the close"},
	{"quit-stay-open", FLAG(MF_QUIT_STAY_OPEN), "quit",
	 "RFC 5321 4.1.1.10: after the 221 the server closes",
	 "sends 221, then keeps the connection open and silent"},
	{"quit-silent-close", FLAG(MF_QUIT_SILENT_CLOSE), "quit",
	 "RFC 5321 4.1.1.10, 4.2: QUIT gets a 221 reply",
	 "closes on QUIT without a reply"},
	{"noop-arg-501", FLAG(MF_NOOP_ARG_501), NULL,
	 "RFC 5321 4.1.1.9: NOOP parameters SHOULD be ignored",
	 "NOOP with an argument gets 501"},
	{"rset-no-reset", FLAG(MF_RSET_NO_RESET), NULL,
	 "RFC 5321 4.1.1.5: RSET discards the transaction",
	 "RSET answers 250 but keeps the transaction"},
	{"rset-arg-ok", FLAG(MF_RSET_ARG_OK), NULL,
	 "RFC 5321 4.1.1.5: RSET takes no argument (501)",
	 "RSET with an argument gets 250 (and resets)"},
	{"unknown-502", FLAG(MF_UNKNOWN_502), "unknown",
	 "RFC 5321 4.2.4: an unrecognised command gets 500",
	 "unknown verbs (and empty lines) get 502"},
	{"unknown-close", FLAG(MF_UNKNOWN_CLOSE), "unknown",
	 "RFC 5321 4.2, 3.8: every command gets a reply",
	 "closes without a reply on an unknown verb"},
	{"verbs-case-sensitive", FLAG(MF_VERBS_CASE_SENSITIVE), NULL,
	 "RFC 5321 2.4: verbs are case-insensitive",
	 "verbs not in upper case get 500"},
	{"mail-syntax-ok", FLAG(MF_MAIL_SYNTAX_OK), NULL,
	 "RFC 5321 4.1.1.2, 4.1.2: a malformed MAIL gets 501",
	 "every MAIL that deserves 501 gets 250 and opens the transaction"},
	{"param-unknown-ok", FLAG(MF_PARAM_UNKNOWN_OK), NULL,
	 "RFC 5321 4.1.1.11: unrecognised MAIL/RCPT parameters get 555",
	 "ignores unknown parameters (250)"},
	{"size-over-ok", FLAG(MF_SIZE_OVER_OK), NULL,
	 "RFC 1870 6: MAIL with SIZE= over the advertised limit gets 552",
	 "accepts any SIZE= value"},
	{"rcpt-before-mail-ok", FLAG(MF_RCPT_BEFORE_MAIL_OK), NULL,
	 "RFC 5321 4.1.4, 3.3: RCPT before MAIL gets 503",
	 "RCPT without MAIL gets 250"},
	{"data-before-rcpt-ok", FLAG(MF_DATA_BEFORE_RCPT_OK), NULL,
	 "RFC 5321 3.3: DATA without MAIL or recipients gets 503 (or 554)",
	 "DATA always gets 354 (and the message 250)"},
	{"mail-nested-ok", FLAG(MF_MAIL_NESTED_OK), NULL,
	 "RFC 5321 4.1.4, 3.3: MAIL in an open transaction gets 503",
	 "a second MAIL gets 250 (recipients are kept)"},
	{"rcpt-reject-kills-tx", FLAG(MF_RCPT_REJECT_KILLS_TX), NULL,
	 "RFC 5321 3.3: a rejected RCPT leaves the transaction open",
	 "after a 550 RCPT the transaction is gone (next RCPT 503)"},
	{"longline-ignore", FLAG(MF_LONGLINE_IGNORE), "longline",
	 "RFC 5321 4.5.3.1.4, 4.2: a command line over 512 octets gets 500",
	 "sends no reply at all to an over-long line"},
	{"longline-close", FLAG(MF_LONGLINE_CLOSE), "longline",
	 "RFC 5321 4.5.3.1.4, 3.8: an over-long line gets 500, no close",
	 "closes without a reply on an over-long line"},
	{"longline-250", FLAG(MF_LONGLINE_250), "longline",
	 "RFC 5321 4.5.3.1.4: a command line over 512 octets gets 500",
	 "answers an over-long line with 250"},
	{"lf-terminator", FLAG(MF_LF_TERMINATOR), NULL,
	 "RFC 5321 2.3.8: only CRLF ends a line",
	 "a bare LF also ends a command line"},
	{"data-end-bare-lf", FLAG(MF_DATA_END_BARE_LF), NULL,
	 "RFC 5321 4.1.1.4: only CRLF.CRLF ends the data (smuggling)",
	 "in DATA a bare LF ends a line too, so LF.LF ends the message"},
	{"cr-terminator", FLAG(MF_CR_TERMINATOR), NULL,
	 "RFC 5321 2.3.8: only CRLF ends a line",
	 "a bare CR also ends a command line (an LF right after is dropped)"},
	{"data-arg-ok", FLAG(MF_DATA_ARG_OK), NULL,
	 "RFC 5321 4.1.1.4: DATA takes no argument (501)",
	 "DATA with an argument gets 354"},
	{"data-dotdot-ends", FLAG(MF_DATA_DOTDOT_ENDS), NULL,
	 "RFC 5321 4.5.2: \"..\" is a stuffed \".\", not the end of data",
	 "a text line \"..\" ends the data too"},
	{"data-dot-prefix-ends", FLAG(MF_DATA_DOT_PREFIX_ENDS), NULL,
	 "RFC 5321 4.1.1.4: only a line holding one period ends the data",
	 "a text line of \".\" then SP or HTAB (\". x\") ends the data too"},
	/* One group: a data end that is ignored cannot be refused too. */
	{"data-empty-continues", FLAG(MF_DATA_EMPTY_CONTINUES), "data-empty",
	 "RFC 5321 4.1.1.4: a \".\" right after the 354 ends the data",
	 "a \".\" as first text line is text; the next \".\" ends the data"},
	{"data-empty-reject", FLAG(MF_DATA_EMPTY_REJECT), "data-empty",
	 "RFC 5321 3.3 (SHOULD): an empty message is accepted (250)",
	 "a message with no text line gets 554 5.6.0 at the final dot"},
	{"data-double-reply", FLAG(MF_DATA_DOUBLE_REPLY), NULL,
	 "RFC 5321 4.2: the final dot gets exactly one reply",
	 "after the final dot's reply, sends another 250 2.0.0"},
	{"data-keeps-tx", FLAG(MF_DATA_KEEPS_TX), NULL,
	 "RFC 5321 4.1.1.4, 3.3: a delivered message ends the transaction",
	 "after the final dot's 250 the transaction stays open"},
	{"vrfy-502", FLAG(MF_VRFY_502), "vrfy",
	 "RFC 5321 4.5.1, 3.5.3: VRFY must be implemented (252 suffices)",
	 "VRFY gets 502"},
	{"vrfy-500", FLAG(MF_VRFY_500), "vrfy",
	 "RFC 5321 4.5.1, 4.2.4: VRFY is a known, required command",
	 "VRFY gets 500 as if unrecognised"},
	/* In the vrfy group: under vrfy-500/502 VRFY never gets this far. */
	{"vrfy-resets", FLAG(MF_VRFY_RESETS), "vrfy",
	 "RFC 5321 4.1.1.6: VRFY leaves the transaction's buffers alone",
	 "VRFY gets 252 but clears the open transaction"},
	{"help-500", FLAG(MF_HELP_500), NULL,
	 "RFC 5321 4.2.4: a known but unimplemented command gets 502",
	 "HELP gets 500 as if unrecognised"},
	{"turn-500", FLAG(MF_TURN_500), NULL,
	 "RFC 5321 4.2.4: a known but unimplemented command gets 502",
	 "TURN gets 500 as if unrecognised"},
	{"reply-bare-lf", FLAG(MF_REPLY_BARE_LF), NULL,
	 "RFC 5321 2.3.8, 4.2: reply lines end with CRLF",
	 "every reply line ends in a bare LF"},
	{"reply-code-mismatch", FLAG(MF_REPLY_CODE_MISMATCH), NULL,
	 "RFC 5321 4.2.1: the lines of a reply carry one code",
	 "lines after the first of a multiline (EHLO) reply use 251"},
	{"reply-no-sep", FLAG(MF_REPLY_NO_SEP), NULL,
	 "RFC 5321 4.2: the code is followed by SP or \"-\" before text",
	 "single-line replies have no separator: \"250Ok\""},
	{"reply-enh-wrong-class", FLAG(MF_REPLY_ENH_WRONG_CLASS), "enh",
	 "RFC 2034 4: the enhanced code's class matches the reply's",
	 "2xx replies carry 5.x.x, 4xx and 5xx replies carry 2.x.x"},
	{"reply-enh-missing", FLAG(MF_REPLY_ENH_MISSING), "enh",
	 "RFC 2034 4: 2xx/4xx/5xx replies carry an enhanced code",
	 "advertises ENHANCEDSTATUSCODES, sends no enhanced codes"},
	{"shutdown-silent", FLAG(MF_SHUTDOWN_SILENT), NULL,
	 "RFC 5321 3.8: a server shutting down sends 421, then closes",
	 "on SIGTERM open sessions close without a 421"},
	/* TLS (mock_tls.c).  starttls and implicit-tls are features, not
	 * faults; every tls-* and starttls-* fault offers STARTTLS too. */
	{"starttls", FLAG(MF_STARTTLS), NULL,
	 "nothing (offers STARTTLS, RFC 3207)",
	 "lists STARTTLS, answers it with 220 and a real handshake "
	 "(certificate made at start-up)"},
	{"implicit-tls", FLAG(MF_IMPLICIT_TLS), NULL,
	 "nothing (implicit TLS, RFC 8314 3.3)",
	 "does the TLS handshake right after connect, then greets"},
	{"tls-inject", FLAG(MF_TLS_INJECT), NULL,
	 "RFC 3207 4.2, 6: plaintext sent with STARTTLS is discarded "
	 "(CVE-2011-0411)",
	 "runs commands pipelined after STARTTLS once TLS is up"},
	{"tls-keep-state", FLAG(MF_TLS_KEEP_STATE), NULL,
	 "RFC 3207 4.2: after the handshake the server MUST discard what "
	 "it knew",
	 "keeps EHLO and the open mail transaction across the handshake"},
	{"tls-keep-ehlo", FLAG(MF_TLS_KEEP_EHLO), NULL,
	 "RFC 3207 4.2: after the handshake the server MUST discard the "
	 "EHLO",
	 "forgets the transaction at the handshake but still counts the "
	 "plaintext EHLO as given"},
	{"tls-readvertise", FLAG(MF_TLS_READVERTISE), NULL,
	 "RFC 3207 4.2: no STARTTLS in an EHLO reply inside TLS",
	 "lists STARTTLS in the EHLO reply after the handshake too"},
	{"starttls-arg-ok", FLAG(MF_STARTTLS_ARG_OK), NULL,
	 "RFC 3207 4: STARTTLS with a parameter gets 501",
	 "answers STARTTLS with a parameter with 220 and a handshake"},
	{"starttls-twice-ok", FLAG(MF_STARTTLS_TWICE_OK), NULL,
	 "RFC 3207 4.2: no second TLS session inside TLS",
	 "answers STARTTLS inside TLS with 220 (and stays as it is)"},
	{"starttls-unadvertised", FLAG(MF_STARTTLS_UNADVERTISED), NULL,
	 "RFC 5321 4.2.4, 3207 3: STARTTLS only when advertised",
	 "does not list STARTTLS, yet answers it with 220 and a handshake"},
	{"tls-garbage", FLAG(MF_TLS_GARBAGE), "tls-fail",
	 "RFC 3207 4: 220 means a TLS handshake follows",
	 "after the 220 answers the ClientHello with plaintext"},
	{"tls-cut", FLAG(MF_TLS_CUT), "tls-fail",
	 "RFC 3207 4: 220 means a TLS handshake follows",
	 "after the 220 sends 8 bytes of a handshake record and closes"},
	{"shutdown-plaintext", FLAG(MF_SHUTDOWN_PLAINTEXT), NULL,
	 "RFC 5321 3.8: the 421 of a shutdown reaches the client (inside "
	 "TLS, through TLS)",
	 "on SIGTERM a session inside TLS writes its 421 in plaintext, past "
	 "the TLS layer (as Exim 4.96 does)"},
	{"idle-silent", FLAG(MF_IDLE_SILENT), NULL,
	 "nothing required (RFC 5321 3.8 allows a close after a timeout; "
	 "the 421 says why)",
	 "when the idle timeout passes, closes without the 421 4.4.2"},
	{"idle-timeout", -1, mode_set_idle, "SEC", NULL,
	 "RFC 5321 4.5.3.2.7 (if SEC < 300): a server waits 5 minutes",
	 "as --idle-timeout SEC (1..3600): the idle bound of a session"},
	{"delay", -1, mode_set_delay, "MS", NULL,
	 "nothing (a slow server; for client timeouts)",
	 "waits MS milliseconds before each reply (at most 120000)"},
	{"close-after", -1, mode_set_count, "N", NULL,
	 "RFC 5321 4.2, 3.8: every command gets a reply, no silent close",
	 "reads the Nth command line, then closes without a reply"},
	{"421-on", -1, mode_set_verb, "VERB", NULL,
	 "nothing (RFC 5321 3.8 allows 421 and close)",
	 "answers VERB (or GREETING) with 421 4.3.2, then closes"},
	{"421-stay-open", -1, mode_set_verb, "VERB", NULL,
	 "RFC 5321 3.8, 4.2.2: after 421 the server closes",
	 "answers VERB (or GREETING) with 421 4.3.2, keeps serving"},
	{"crash-on", -1, mode_set_verb, "VERB", NULL,
	 "nothing in SMTP: a server must not crash (memory safety)",
	 "on VERB (not GREETING) the server process dies by SIGABRT"},
	{"exit-on", -1, mode_set_verb, "VERB", NULL,
	 "nothing in SMTP: a server must not exit while serving",
	 "on VERB (not GREETING) the server exits with status 1"},
	{"asan-report-on", -1, mode_set_verb, "VERB", NULL,
	 "nothing in SMTP: memory errors (a sanitizer would report one)",
	 "on VERB (not GREETING) prints a fake AddressSanitizer report, "
	 "then answers VERB as usual"},
	{"core-on", -1, mode_set_verb, "VERB", NULL,
	 "nothing in SMTP: a server must not crash (memory safety)",
	 "on VERB (not GREETING) the session process dumps core (SIGABRT, "
	 "core limit raised); the server serves on"},
	{"hang-on", -1, mode_set_verb, "VERB", NULL,
	 "RFC 5321 4.2: every command gets a reply (the server hangs)",
	 "on VERB (or GREETING) sends nothing, ever: reads and discards "
	 "input, keeps the connection open"},
	{"partial-on", -1, mode_set_verb, "VERB", NULL,
	 "RFC 5321 4.2: every command gets a (whole) reply",
	 "on VERB (or GREETING) sends the first half of the reply, without "
	 "its line end, then nothing more; keeps the connection open"},
	{"trickle", -1, mode_set_trickle, "MS", NULL,
	 "nothing (a slow server that still answers)",
	 "sends every reply one byte at a time, MS ms apart (1..10000)"},
	{"reply", -1, mode_set_reply, "VERB:CODE", NULL,
	 "RFC 5321 4.3.2: the reply codes each command may get",
	 "answers VERB (or GREETING) with CODE (200..599), state unchanged"},
	{"line-limit", -1, mode_set_limit, "N", NULL,
	 "RFC 5321 4.5.3.1.4 (if N < 512): 512-octet lines are accepted",
	 "a command line over N octets (16..100000, CRLF in) gets 500"},
	{"text-line-limit", -1, mode_set_text_limit, "N", NULL,
	 "RFC 5321 4.5.3.1.6 (if N < 1001): 1000 octets, stuffed dot aside",
	 "a text line over N wire octets (16..100000) fails the message"},
	{"advertise", -1, mode_set_advertise, "KEYWORD", NULL,
	 "RFC 5321 4.2.4: no EHLO keyword for a command answered 500/502",
	 "lists KEYWORD (EXPN, ETRN...) in EHLO, implements nothing"},
	{"data-end", -1, mode_set_data_end, "VARIANT", NULL,
	 "RFC 5321 4.1.1.4, 2.3.8: only CRLF.CRLF ends the data (smuggling)",
	 "VARIANT (lf-lf, lf-crlf, cr-cr, cr-lf, crlf-lf, crlf-cr, nul, "
	 "space) ends the message too"},
	{"error-limit", -1, mode_set_error_limit, "N", NULL,
	 "nothing (RFC 5321 7.8 lets a server defend itself; 3.8: 421 first)",
	 "after the Nth 5xx reply sends 421 4.7.0 at once, then closes"},
	{"error-limit-silent", -1, mode_set_error_limit, "N", NULL,
	 "RFC 5321 3.8: no close without 421 (unknown commands get 500)",
	 "after the Nth 5xx reply closes at once, without a 421"},
	{"max-sessions", -1, mode_set_sessions, "N", NULL,
	 "nothing (a server may refuse sessions over its limit with 421)",
	 "serves N sessions at once (as --max-sessions N); more get 421"},
	/* The extensions (mock_ext.c): configuration first, then faults. */
	{"no-ext", -1, mode_set_no_ext, "KEYWORD", NULL,
	 "nothing (a server without the extension)",
	 "leaves KEYWORD (PIPELINING, SIZE, 8BITMIME, SMTPUTF8, CHUNKING, "
	 "BINARYMIME, DSN, AUTH, ENHANCEDSTATUSCODES) out of EHLO and "
	 "refuses its command (500) and parameters (555)"},
	{"size-limit", -1, mode_set_size_limit, "N", NULL,
	 "nothing (RFC 1870 3: SIZE 0 is no fixed limit)",
	 "advertises SIZE N (0..1000000000000) and enforces it"},
	{"auth-mech", -1, mode_set_auth_mech, "NAME", NULL,
	 "nothing (a server with one more SASL mechanism, RFC 4954 4)",
	 "lists NAME after PLAIN LOGIN; AUTH NAME gets 334 (CRAM-MD5: "
	 "RFC 2195's challenge; others empty), \"*\" 501, any response "
	 "535"},
	{"pipeline-drop", FLAG(MF_PIPELINE_DROP), NULL,
	 "RFC 2920 3.2: the server MUST NOT lose its input buffer",
	 "after the first command of a read, discards the rest of the read"},
	{"size-at-limit-552", FLAG(MF_SIZE_AT_LIMIT_552), NULL,
	 "RFC 1870 4: the advertised SIZE is the largest size accepted",
	 "SIZE= equal to the limit gets 552 (the real limit is lower)"},
	{"size-data-ok", FLAG(MF_SIZE_DATA_OK), NULL,
	 "RFC 1870 4: a message over the SIZE limit gets 552",
	 "accepts a message over the limit at the end of data (250)"},
	{"size-zero-enforced", FLAG(MF_SIZE_ZERO_ENFORCED), NULL,
	 "RFC 1870 3: SIZE 0 means no fixed maximum",
	 "with size-limit=0, any SIZE= over 0 gets 552"},
	{"body-reject", FLAG(MF_BODY_REJECT), NULL,
	 "RFC 6152 3: 8BITMIME advertised, MAIL BODY= is accepted",
	 "BODY=7BIT and BODY=8BITMIME get 555"},
	{"unadvertised-ok", FLAG(MF_UNADVERTISED_OK), NULL,
	 "RFC 5321 4.1.1.11, 2.2.2: what EHLO did not list is refused",
	 "commands and parameters of no-ext= extensions work anyway"},
	{"helo-params-ok", FLAG(MF_HELO_PARAMS_OK), NULL,
	 "RFC 5321 4.1.1.11, 2.2.1: no extension parameters after HELO",
	 "extension parameters of MAIL/RCPT are accepted after HELO"},
	{"utf8-reject", FLAG(MF_UTF8_REJECT), NULL,
	 "RFC 6531 3.2: SMTPUTF8 advertised, UTF-8 mailboxes are accepted",
	 "UTF-8 addresses get 550/553 5.6.7 even with SMTPUTF8"},
	{"bdat-short-read", FLAG(MF_BDAT_SHORT_READ), NULL,
	 "RFC 3030 2: the chunk is exactly chunk-size octets",
	 "reads one octet less than announced; the last is a command"},
	{"bdat-data-mix-ok", FLAG(MF_BDAT_DATA_MIX_OK), NULL,
	 "RFC 3030 2: DATA after BDAT in one transaction gets 503",
	 "DATA after BDAT gets 354"},
	{"bdat-zero-reject", FLAG(MF_BDAT_ZERO_REJECT), NULL,
	 "RFC 3030 2: BDAT 0 LAST ends the message",
	 "BDAT 0 LAST gets 501"},
	{"bdat-refuse-no-consume", FLAG(MF_BDAT_REFUSE_NO_CONSUME), NULL,
	 "RFC 3030 2: a refused BDAT's chunk is read and discarded",
	 "a BDAT refused with 503 leaves its chunk to be read as commands"},
	{"dsn-reject", FLAG(MF_DSN_REJECT), NULL,
	 "RFC 3461 4: DSN advertised, NOTIFY/ORCPT/RET/ENVID accepted",
	 "the DSN parameters get 555"},
	{"auth-no-cancel", FLAG(MF_AUTH_NO_CANCEL), NULL,
	 "RFC 4954 4: \"*\" cancels AUTH with 501",
	 "a \"*\" response gets 535"},
	{"auth-any-mech", FLAG(MF_AUTH_ANY_MECH), NULL,
	 "RFC 4954 4: an unsupported mechanism gets 504",
	 "any mechanism gets the 334 of PLAIN"},
	{"auth-in-tx-ok", FLAG(MF_AUTH_IN_TX_OK), NULL,
	 "RFC 4954 4: AUTH inside a mail transaction gets 503",
	 "AUTH inside a transaction starts an exchange"},
	{"auth-twice-ok", FLAG(MF_AUTH_TWICE_OK), NULL,
	 "RFC 4954 4: AUTH after a successful AUTH gets 503",
	 "a second AUTH starts an exchange"},
	{"auth-before-ehlo-ok", FLAG(MF_AUTH_BEFORE_EHLO_OK), NULL,
	 "RFC 5321 2.2.1, RFC 4954 3: AUTH exists only after EHLO",
	 "AUTH before EHLO (or after HELO) starts an exchange"},
	{"auth-param-reject", FLAG(MF_AUTH_PARAM_REJECT), NULL,
	 "RFC 4954 5: AUTH advertised, MAIL AUTH= is supported",
	 "MAIL with AUTH= gets 555"},
	{"auth-accept-any", FLAG(MF_AUTH_ACCEPT_ANY), "auth-result",
	 "RFC 4954 4: wrong credentials are refused (535)",
	 "any well-formed credentials get 235"},
	{"auth-reject-all", FLAG(MF_AUTH_REJECT_ALL), "auth-result",
	 "RFC 4954 4: the test credentials (smtpconf) succeed with 235",
	 "every credential, the right one too, gets 535"},
	{"auth-plaintext-ok", FLAG(MF_AUTH_PLAINTEXT_OK), NULL,
	 "RFC 4954 4 (security): no plaintext password without TLS",
	 "with STARTTLS advertised, PLAIN/LOGIN work before TLS (334)"},
	{NULL, -1, NULL, NULL, NULL, NULL, NULL}
};

/* mock_modes_init - all modes off: the correct server */
void mock_modes_init(struct mock_modes *m)
{
	memset(m, 0, sizeof(*m));
	m->line_limit = MOCK_COMMAND_MAX;
	m->size_limit = MOCK_SIZE_LIMIT;
}

/* mode_set_none - "correct": nothing to switch on */
static int mode_set_none(struct mock_modes *m, const struct mock_mode_def *d,
			 const char *value, char *err, size_t errlen)
{
	return 0;
}

/* mode_conflict - the mode of d's group already on, or NULL */
static const struct mock_mode_def *
mode_conflict(const struct mock_modes *m, const struct mock_mode_def *d)
{
	const struct mock_mode_def *o;

	if (d->group == NULL)
		return NULL;
	for (o = mode_table; o->name; o++)
		if (o != d && o->group && strcmp(o->group, d->group) == 0 &&
		    o->flag >= 0 && m->on[o->flag])
			return o;
	return NULL;
}

/* mode_set_flag - switch an on/off mode on, refusing contradictions */
static int mode_set_flag(struct mock_modes *m, const struct mock_mode_def *d,
			 const char *value, char *err, size_t errlen)
{
	const struct mock_mode_def *o = mode_conflict(m, d);

	if (o != NULL) {
		snprintf(err, errlen, "modes %s and %s contradict each other",
			 o->name, d->name);
		return -1;
	}
	m->on[d->flag] = 1;
	return 0;
}

/* mode_number - parse a decimal value in [lo, hi]; -1 when it is not */
static int mode_number(const char *value, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char *end;
	unsigned long v;

	if (value == NULL || !isdigit((unsigned char)value[0]))
		return -1;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* mode_set_delay - delay=MS */
static int mode_set_delay(struct mock_modes *m, const struct mock_mode_def *d,
			  const char *value, char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, 0, MOCK_DELAY_MAX_MS, &v) < 0) {
		snprintf(err, errlen, "%s wants milliseconds 0..%d",
			 d->name, MOCK_DELAY_MAX_MS);
		return -1;
	}
	m->delay_ms = (unsigned)v;
	return 0;
}

/* mode_set_idle - idle-timeout=SEC, for cases that cannot pass options */
static int mode_set_idle(struct mock_modes *m, const struct mock_mode_def *d,
			 const char *value, char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, 1, MOCK_IDLE_TIMEOUT_MAX_S, &v) < 0) {
		snprintf(err, errlen, "%s wants seconds 1..%d", d->name,
			 MOCK_IDLE_TIMEOUT_MAX_S);
		return -1;
	}
	m->idle_timeout_s = (unsigned)v;
	return 0;
}

/* mode_set_trickle - trickle=MS */
static int mode_set_trickle(struct mock_modes *m,
			    const struct mock_mode_def *d, const char *value,
			    char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, 1, MOCK_TRICKLE_MAX_MS, &v) < 0) {
		snprintf(err, errlen, "%s wants milliseconds 1..%d",
			 d->name, MOCK_TRICKLE_MAX_MS);
		return -1;
	}
	m->trickle_ms = (unsigned)v;
	return 0;
}

/* mode_set_count - close-after=N */
static int mode_set_count(struct mock_modes *m, const struct mock_mode_def *d,
			  const char *value, char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, 1, 1000000000UL, &v) < 0) {
		snprintf(err, errlen, "%s wants a count 1..1000000000",
			 d->name);
		return -1;
	}
	m->close_after = v;
	return 0;
}

/*
 * mode_set_error_limit - error-limit=N and error-limit-silent=N: one
 * limit, so the two exclude each other
 */
static int mode_set_error_limit(struct mock_modes *m,
				const struct mock_mode_def *d,
				const char *value, char *err, size_t errlen)
{
	int silent = strcmp(d->name, "error-limit-silent") == 0;
	unsigned long v;

	if (m->error_limit) {
		snprintf(err, errlen, "%s: error-limit and error-limit-silent "
			 "set one limit, once", d->name);
		return -1;
	}
	if (mode_number(value, 1, 1000000000UL, &v) < 0) {
		snprintf(err, errlen, "%s wants a count 1..1000000000",
			 d->name);
		return -1;
	}
	m->error_limit = v;
	m->error_limit_silent = silent;
	return 0;
}

/* mode_set_sessions - max-sessions=N, for cases that cannot pass options */
static int mode_set_sessions(struct mock_modes *m,
			     const struct mock_mode_def *d, const char *value,
			     char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, 1, MOCK_SESSIONS_MAX, &v) < 0) {
		snprintf(err, errlen, "%s wants a count 1..%d", d->name,
			 MOCK_SESSIONS_MAX);
		return -1;
	}
	m->max_sessions = (unsigned)v;
	return 0;
}

/* mode_set_no_ext - no-ext=KEYWORD: one extension out of EHLO */
static int mode_set_no_ext(struct mock_modes *m,
			   const struct mock_mode_def *d, const char *value,
			   char *err, size_t errlen)
{
	int x = value ? mock_ext_find(value, strlen(value)) : -1;

	if (x < 0) {
		snprintf(err, errlen, "%s wants an extension the mock "
			 "implements (see --list-modes)", d->name);
		return -1;
	}
	m->ext_off |= 1U << x;
	return 0;
}

/* mode_set_size_limit - size-limit=N, 0 for no fixed limit */
static int mode_set_size_limit(struct mock_modes *m,
			       const struct mock_mode_def *d,
			       const char *value, char *err, size_t errlen)
{
	char *end;
	long long v;

	if (value == NULL || !isdigit((unsigned char)value[0]))
		goto bad;
	errno = 0;
	v = strtoll(value, &end, 10);
	if (errno != 0 || *end != '\0' || v > MOCK_SIZE_LIMIT_MAX)
		goto bad;
	m->size_limit = v;
	return 0;
bad:
	snprintf(err, errlen, "%s wants octets 0..%lld", d->name,
		 MOCK_SIZE_LIMIT_MAX);
	return -1;
}

/* mode_set_limit - line-limit=N */
static int mode_set_limit(struct mock_modes *m, const struct mock_mode_def *d,
			  const char *value, char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, MOCK_LINE_LIMIT_MIN, MOCK_LINE_LIMIT_MAX,
			&v) < 0) {
		snprintf(err, errlen, "%s wants octets %d..%d", d->name,
			 MOCK_LINE_LIMIT_MIN, MOCK_LINE_LIMIT_MAX);
		return -1;
	}
	m->line_limit = (unsigned)v;
	return 0;
}

/* mode_set_text_limit - text-line-limit=N */
static int mode_set_text_limit(struct mock_modes *m,
			       const struct mock_mode_def *d,
			       const char *value, char *err, size_t errlen)
{
	unsigned long v;

	if (mode_number(value, MOCK_TEXT_LIMIT_MIN, MOCK_TEXT_LIMIT_MAX,
			&v) < 0) {
		snprintf(err, errlen, "%s wants octets %d..%d", d->name,
			 MOCK_TEXT_LIMIT_MIN, MOCK_TEXT_LIMIT_MAX);
		return -1;
	}
	m->text_limit = (unsigned)v;
	return 0;
}

/* mode_keyword - upper-case value into out if it is an ehlo-keyword */
static int mode_keyword(const struct mock_mode_def *d, const char *value,
			char out[MOCK_KEYWORD_MAX], char *err, size_t errlen)
{
	size_t len = value ? strlen(value) : 0;
	size_t i;

	/* RFC 5321 4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(... / "-") */
	if (len == 0 || len >= MOCK_KEYWORD_MAX ||
	    !isalnum((unsigned char)value[0])) {
		snprintf(err, errlen, "%s wants a keyword of 1..%d letters, "
			 "digits and \"-\", not starting with \"-\"",
			 d->name, MOCK_KEYWORD_MAX - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)value[i]) && value[i] != '-') {
			snprintf(err, errlen, "%s: a keyword is letters, "
				 "digits and \"-\" only", d->name);
			return -1;
		}
		out[i] = (char)toupper((unsigned char)value[i]);
	}
	out[len] = '\0';
	return 0;
}

/* mode_set_advertise - advertise=KEYWORD, each keyword once */
static int mode_set_advertise(struct mock_modes *m,
			      const struct mock_mode_def *d,
			      const char *value, char *err, size_t errlen)
{
	char kw[MOCK_KEYWORD_MAX];
	size_t i;

	if (mode_keyword(d, value, kw, err, errlen) < 0)
		return -1;
	if (m->nadvertise >= MOCK_ADVERTISE_MAX) {
		snprintf(err, errlen, "%s: at most %d keywords", d->name,
			 MOCK_ADVERTISE_MAX);
		return -1;
	}
	/* A keyword listed twice would be a second fault, not this one. */
	for (i = 0; i < m->nadvertise; i++)
		if (strcmp(m->advertise[i], kw) == 0)
			break;
	if (i < m->nadvertise || mock_ehlo_builtin(kw, strlen(kw))) {
		snprintf(err, errlen, "%s: %s is already in the EHLO reply",
			 d->name, kw);
		return -1;
	}
	memcpy(m->advertise[m->nadvertise++], kw, sizeof(kw));
	return 0;
}

/* mode_set_auth_mech - auth-mech=NAME: one more SASL mechanism */
static int mode_set_auth_mech(struct mock_modes *m,
			      const struct mock_mode_def *d,
			      const char *value, char *err, size_t errlen)
{
	char name[MOCK_KEYWORD_MAX];
	size_t i;

	/* SASL names (RFC 4422 3.1) used in SMTP are ehlo-keywords too. */
	if (mode_keyword(d, value, name, err, errlen) < 0)
		return -1;
	if (m->nauth_mechs >= MOCK_AUTH_MECHS_MAX) {
		snprintf(err, errlen, "%s: at most %d mechanisms", d->name,
			 MOCK_AUTH_MECHS_MAX);
		return -1;
	}
	for (i = 0; i < m->nauth_mechs; i++)
		if (strcmp(m->auth_mechs[i], name) == 0)
			break;
	if (i < m->nauth_mechs || strcmp(name, "PLAIN") == 0 ||
	    strcmp(name, "LOGIN") == 0) {
		snprintf(err, errlen, "%s: %s is already offered", d->name,
			 name);
		return -1;
	}
	memcpy(m->auth_mechs[m->nauth_mechs++], name, sizeof(name));
	return 0;
}

/* mode_verb - copy the first len bytes of value, upper-cased, to out */
static int mode_verb(const struct mock_mode_def *d, const char *value,
		     size_t len, char out[MOCK_VERB_MAX], char *err,
		     size_t errlen)
{
	size_t i;

	if (len == 0 || len >= MOCK_VERB_MAX) {
		snprintf(err, errlen, "%s wants a verb of 1..%d letters",
			 d->name, MOCK_VERB_MAX - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!isalpha((unsigned char)value[i])) {
			snprintf(err, errlen, "%s: a verb is letters only",
				 d->name);
			return -1;
		}
		out[i] = (char)toupper((unsigned char)value[i]);
	}
	out[len] = '\0';
	return 0;
}

/* mode_verb_list - the verb list of a VERB mode, by the mode's name */
static struct mock_verbs *mode_verb_list(struct mock_modes *m,
					 const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} lists[] = {
		{"421-on", offsetof(struct mock_modes, close_421)},
		{"421-stay-open", offsetof(struct mock_modes, stay_421)},
		{"crash-on", offsetof(struct mock_modes, crash_on)},
		{"exit-on", offsetof(struct mock_modes, exit_on)},
		{"asan-report-on", offsetof(struct mock_modes, asan_on)},
		{"core-on", offsetof(struct mock_modes, core_on)},
		{"hang-on", offsetof(struct mock_modes, hang_on)},
		{"partial-on", offsetof(struct mock_modes, partial_on)},
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strcmp(lists[i].name, name) == 0)
			return (struct mock_verbs *)((char *)m + lists[i].off);
	return NULL;
}

/* mode_set_verb - 421-on, 421-stay-open and the fault modes: VERB */
static int mode_set_verb(struct mock_modes *m, const struct mock_mode_def *d,
			 const char *value, char *err, size_t errlen)
{
	struct mock_verbs *v = mode_verb_list(m, d->name);

	if (v->n >= MOCK_VERBS_MAX) {
		snprintf(err, errlen, "%s: at most %d verbs", d->name,
			 MOCK_VERBS_MAX);
		return -1;
	}
	if (mode_verb(d, value, value ? strlen(value) : 0, v->verb[v->n],
		      err, errlen) < 0)
		return -1;
	v->n++;
	return 0;
}

/* mode_set_reply - reply=VERB:CODE, one override per verb */
static int mode_set_reply(struct mock_modes *m, const struct mock_mode_def *d,
			  const char *value, char *err, size_t errlen)
{
	const char *colon = value ? strchr(value, ':') : NULL;
	struct mock_override *o;
	unsigned long code;

	if (colon == NULL || strlen(colon + 1) != 3 ||
	    mode_number(colon + 1, 200, 599, &code) < 0) {
		snprintf(err, errlen, "%s wants VERB:CODE, CODE 200..599",
			 d->name);
		return -1;
	}
	if (m->noverride >= MOCK_OVERRIDES_MAX) {
		snprintf(err, errlen, "%s: at most %d overrides", d->name,
			 MOCK_OVERRIDES_MAX);
		return -1;
	}
	o = &m->override[m->noverride];
	if (mode_verb(d, value, (size_t)(colon - value), o->verb,
		      err, errlen) < 0)
		return -1;
	if (mock_modes_override(m, o->verb, strlen(o->verb)) != 0) {
		snprintf(err, errlen, "%s: two codes for %s", d->name,
			 o->verb);
		return -1;
	}
	o->code = (int)code;
	m->noverride++;
	return 0;
}

/*
 * The fake ends of data that data-end=VARIANT accepts, each one that
 * a real server was found to accept (SMTP smuggling, CVE-2023-51764,
 * -51765, -51766).  The bytes before the dot include the line end of
 * the last text line (or of the DATA command).  RFC 5321 4.1.1.4:
 * "the mail data is terminated by a line containing only a period",
 * that is, by <CRLF>.<CRLF>, and 2.3.8 allows no other line end.
 */
static const struct {
	const char *name;
	const char *bytes;
	size_t len;
} data_end_table[] = {
	{"lf-lf", "\n.\n", 3},
	{"lf-crlf", "\n.\r\n", 4},
	{"cr-cr", "\r.\r", 3},
	{"cr-lf", "\r.\n", 3},
	{"crlf-lf", "\r\n.\n", 4},
	{"crlf-cr", "\r\n.\r", 4},
	{"nul", "\r\n\0.\r\n", 6},
	{"space", "\r\n .\r\n", 6},
};

#define DATA_END_COUNT	(sizeof(data_end_table) / sizeof(data_end_table[0]))

/* mode_set_data_end - data-end=VARIANT; repeatable, one bit each */
static int mode_set_data_end(struct mock_modes *m,
			     const struct mock_mode_def *d,
			     const char *value, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; value && i < DATA_END_COUNT; i++)
		if (strcmp(data_end_table[i].name, value) == 0) {
			m->data_end |= 1U << i;
			return 0;
		}
	snprintf(err, errlen, "%s wants lf-lf, lf-crlf, cr-cr, cr-lf, "
		 "crlf-lf, crlf-cr, nul or space", d->name);
	return -1;
}

/* mock_data_end_match - 1 when tail ends in a data-end=VARIANT sequence */
int mock_data_end_match(const struct mock_modes *m, const char *tail,
			size_t n)
{
	size_t i, len;

	for (i = 0; i < DATA_END_COUNT; i++) {
		len = data_end_table[i].len;
		if ((m->data_end & (1U << i)) && n >= len &&
		    memcmp(tail + n - len, data_end_table[i].bytes, len) == 0)
			return 1;
	}
	return 0;
}

/* mode_find - the table row named by the first len bytes of name */
static const struct mock_mode_def *mode_find(const char *name, size_t len)
{
	const struct mock_mode_def *d;

	for (d = mode_table; d->name; d++)
		if (strlen(d->name) == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

/* mode_apply - apply one "name[=value]" item */
static int mode_apply(struct mock_modes *m, const char *item,
		      char *err, size_t errlen)
{
	const char *eq = strchr(item, '=');
	size_t nlen = eq ? (size_t)(eq - item) : strlen(item);
	const struct mock_mode_def *d = mode_find(item, nlen);

	if (d == NULL) {
		snprintf(err, errlen, "unknown mode \"%.*s\" "
			 "(see --list-modes)", (int)(nlen > 64 ? 64 : nlen),
			 item);
		return -1;
	}
	if ((d->value != NULL) != (eq != NULL)) {
		if (d->value)
			snprintf(err, errlen, "mode %s needs =%s", d->name,
				 d->value);
		else
			snprintf(err, errlen, "mode %s takes no value",
				 d->name);
		return -1;
	}
	return d->set(m, d, eq ? eq + 1 : NULL, err, errlen);
}

/* mock_modes_parse - apply "name[=value][,name...]"; -1 with err set */
int mock_modes_parse(struct mock_modes *m, const char *spec,
		     char *err, size_t errlen)
{
	char item[128];
	const char *p = spec;
	const char *comma;
	size_t len;

	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= sizeof(item)) {
			snprintf(err, errlen, "empty or over-long mode in "
				 "\"%.64s\"", spec);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (mode_apply(m, item, err, errlen) < 0)
			return -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* mock_modes_list - the table as text, one mode a line, into out */
void mock_modes_list(char *out, size_t outlen)
{
	const struct mock_mode_def *d;
	char name[40];
	size_t used = 0;
	int n;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (d = mode_table; d->name && used < outlen; d++) {
		snprintf(name, sizeof(name), "%s%s%s", d->name,
			 d->value ? "=" : "", d->value ? d->value : "");
		n = snprintf(out + used, outlen - used,
			     "%-22s %s\n%-22s breaks: %s\n", name, d->does,
			     "", d->breaks);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* mock_verbs_has - 1 when verb (any case) is in the list */
int mock_verbs_has(const struct mock_verbs *v, const char *verb, size_t len)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strlen(v->verb[i]) == len &&
		    strncasecmp(v->verb[i], verb, len) == 0)
			return 1;
	return 0;
}

/* mock_modes_override - reply=VERB:CODE's code for verb (any case), or 0 */
int mock_modes_override(const struct mock_modes *m, const char *verb,
			size_t len)
{
	size_t i;

	for (i = 0; i < m->noverride; i++)
		if (strlen(m->override[i].verb) == len &&
		    strncasecmp(m->override[i].verb, verb, len) == 0)
			return m->override[i].code;
	return 0;
}
