/*
 * hostile_modes.c - what the hostile server does, one row per mode.
 *
 * Each mode attacks one assumption a client might make about its
 * peer: that replies end, that lines are short, that bytes arrive at
 * a useful rate, that the peer speaks at all, that it closes politely,
 * that its text is printable, that it answers only what was asked.
 * Most modes wrap a minimal SMTP responder (verb -> one reply) whose
 * text carries the mode's payload; none tries to be conformant, since
 * the battery judges the client, not this server.  Every mode ends
 * when the client goes away (a write fails or a read sees EOF); the
 * main loop bounds a session's lifetime besides.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "hostile.h"

#define LINE_CAP	1024	/* bytes of a command line kept */
#define HUGE_LINE_BYTES	(1024ULL * 1024 * 1024)	/* huge-line */
#define CHUNK		(64 * 1024)
#define EARLY_REPLIES	10000	/* early-replies: before EHLO */
#define FLOOD_REPLIES	1000	/* reply-flood: after each reply */
#define BLOAT_LINES	400	/* ehlo-bloat: capability lines */

/* put: one byte per send() instead of whole replies (tiny-writes). */
static int one_byte_writes;

/* The greeting of the modes that greet normally. */
static const char greeting[] = "220 hostile.example.org ESMTP\r\n";

/* hostile_send_all - write every byte, at most chunk per send() */
int hostile_send_all(int fd, const void *bytes, size_t len, size_t chunk)
{
	const char *p = bytes;
	ssize_t w;

	while (len > 0) {
		w = send(fd, p, len < chunk ? len : chunk, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* put - write every byte (one per send() in tiny-writes); -1 once the
 * client is gone */
static int put(int fd, const void *bytes, size_t len)
{
	return hostile_send_all(fd, bytes, len, one_byte_writes ? 1 : len);
}

/* put_str - write a C string */
static int put_str(int fd, const char *s)
{
	return put(fd, s, strlen(s));
}

/* sleep_ms - pause, restarting after signals */
static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Read-ahead for get_line: one connection per process. */
static char inbuf[4096];
static size_t inlen, inpos;

/*
 * get_line - the next command line without its LF (and CR); its length,
 * or -1 at EOF.  Bytes past LINE_CAP - 1 are dropped.
 */
static long get_line(int fd, char *line)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		if (inpos == inlen) {
			r = read(fd, inbuf, sizeof(inbuf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			inlen = (size_t)r;
			inpos = 0;
		}
		c = inbuf[inpos++];
		if (c == '\n')
			break;
		if (n < LINE_CAP - 1)
			line[n++] = c;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return (long)n;
}

/* drain - read and discard until the client closes */
static void drain(int fd)
{
	char buf[CHUNK];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0)
		if (r < 0 && errno != EINTR)
			return;
}

/* What the responder does after a reply. */
enum after { AFTER_NONE, AFTER_DATA, AFTER_QUIT, AFTER_TLS };

/* Which responders a row is for: the starttls-* modes offer STARTTLS. */
enum rule_for { FOR_ALL, FOR_PLAIN, FOR_STARTTLS };

/*
 * The responder's replies by verb; '@' in a reply stands for the
 * mode's payload.  The last row (verb NULL) answers everything else.
 */
static const struct rule {
	const char *verb;
	const char *reply;
	enum after after;
	enum rule_for only;
} rules[] = {
	{ "EHLO", "250-hostile.example.org @\r\n250-PIPELINING\r\n"
	  "250-8BITMIME\r\n250 SIZE 1000000\r\n", AFTER_NONE, FOR_PLAIN },
	{ "EHLO", "250-hostile.example.org @\r\n250-PIPELINING\r\n"
	  "250-8BITMIME\r\n250-STARTTLS\r\n250 SIZE 1000000\r\n",
	  AFTER_NONE, FOR_STARTTLS },
	{ "STARTTLS", "220 2.0.0 Ready to start TLS\r\n", AFTER_TLS,
	  FOR_STARTTLS },
	{ "HELO", "250 hostile.example.org @\r\n", AFTER_NONE, FOR_ALL },
	{ "MAIL", "250 2.1.0 Ok @\r\n", AFTER_NONE, FOR_ALL },
	{ "RCPT", "250 2.1.5 Ok @\r\n", AFTER_NONE, FOR_ALL },
	{ "DATA", "354 End data with <CR><LF>.<CR><LF> @\r\n", AFTER_DATA,
	  FOR_ALL },
	{ "RSET", "250 2.0.0 Ok @\r\n", AFTER_NONE, FOR_ALL },
	{ "NOOP", "250 2.0.0 Ok @\r\n", AFTER_NONE, FOR_ALL },
	{ "VRFY", "252 2.0.0 Cannot VRFY @\r\n", AFTER_NONE, FOR_ALL },
	{ "QUIT", "221 2.0.0 Bye @\r\n", AFTER_QUIT, FOR_ALL },
	{ NULL, "500 5.5.2 Error: command not recognized @\r\n",
	  AFTER_NONE, FOR_ALL },
};

/* A responder's payload and its extra misbehaviour. */
struct responder {
	const char *payload;
	size_t plen;
	unsigned extra;		/* unsolicited replies after each */
	enum tls_trick trick;	/* offers STARTTLS and then does this */
};

/* put_reply - a reply template with '@' replaced by the payload */
static int put_reply(int fd, const char *tmpl, const struct responder *r)
{
	char out[2 * LINE_CAP];
	size_t n = 0;
	const char *p;

	for (p = tmpl; *p; p++) {
		if (*p != '@') {
			out[n++] = *p;
			continue;
		}
		memcpy(out + n, r->payload, r->plen);
		n += r->plen;
	}
	return put(fd, out, n);
}

/* cork - hold (1) or release (0) small writes, so they leave together */
static void cork(int fd, int on)
{
	setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
}

/* put_extra - the unsolicited replies of reply-flood, sent with the
 * reply before them when the caller corked the socket */
static int put_extra(int fd, unsigned count)
{
	char line[64];
	unsigned i;
	int n;

	for (i = 0; i < count; i++) {
		n = snprintf(line, sizeof(line), "250 2.0.0 unsolicited "
			     "reply %u\r\n", i + 1);
		if (put(fd, line, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

/* rule_for - the row for resp whose verb opens the line (any case) */
static const struct rule *rule_for(const char *line,
				   const struct responder *resp)
{
	const struct rule *r;
	size_t n;

	for (r = rules; r->verb != NULL; r++) {
		if (r->only != FOR_ALL && (r->only == FOR_STARTTLS) !=
		    (resp->trick != TLS_TRICK_NONE))
			continue;
		n = strlen(r->verb);
		if (strncasecmp(line, r->verb, n) == 0 &&
		    (line[n] == '\0' || line[n] == ' '))
			break;
	}
	return r;
}

/* skip_data - consume message text up to the lone dot */
static int skip_data(int fd)
{
	char line[LINE_CAP];
	long n;

	while ((n = get_line(fd, line)) >= 0)
		if (n == 1 && line[0] == '.')
			return 0;
	return -1;
}

/* answer - answer every command by the rule table until the end */
static void answer(int fd, const struct responder *r)
{
	static const char queued[] = "250 2.0.0 Ok: queued @\r\n";
	const struct rule *rule;
	char line[LINE_CAP];

	while (get_line(fd, line) >= 0) {
		rule = rule_for(line, r);
		if (r->extra)
			cork(fd, 1);
		if (put_reply(fd, rule->reply, r) < 0)
			return;
		if (rule->after == AFTER_QUIT)
			return;
		if (rule->after == AFTER_TLS) {
			/* Commands pipelined after STARTTLS are dropped, as
			 * RFC 3207 asks; the handshake starts clean. */
			inpos = inlen;
			hostile_tls_trick(fd, r->trick);
			return;
		}
		if (rule->after == AFTER_DATA &&
		    (skip_data(fd) < 0 || put_reply(fd, queued, r) < 0))
			return;
		if (r->extra && put_extra(fd, r->extra) < 0)
			return;
		if (r->extra)
			cork(fd, 0);
	}
}

/* respond - greet, then answer */
static void respond(int fd, const struct responder *r)
{
	if (put_reply(fd, "220 hostile.example.org ESMTP @\r\n", r) == 0)
		answer(fd, r);
}

/* answer_plain - answer with clean text, after a greeting sent */
static void answer_plain(int fd)
{
	struct responder r = { "", 0, 0, TLS_TRICK_NONE };

	answer(fd, &r);
}

/* Payloads: each breaks one assumption about reply text. */
static const char nul_payload[] = "nul\0in\0the\0text";
static const char utf8_payload[] =
	"bad-utf8 \xff\xfe \xc0\xaf \xed\xa0\x80 \xf8\x88\x80\x80\x80 "
	"\xe2\x82 \x80";
static const char escape_payload[] =
	"escapes \x1b[2J\x1b[H \x1b]52;c;aG9zdGlsZQ==\x07 "
	"\x1b]0;hostile-title\x07 \x1b[31mred \xc2\x9b""31m \x1bP+q\x1b\\ "
	"\x08\x08\x7f \xe2\x80\xae""txt.exe";
static const char html_payload[] =
	"<script>hostile_marker()</script> </textarea><b>hostile-b</b> "
	"]]><hostile-cdata/> \"'><img src=x onerror=hostile()> "
	"</style></title><!-- &amp; &#x3c;";

/* serve_text - the responder with a payload in every reply */
static void serve_text(int fd, const char *payload, size_t plen)
{
	struct responder r = { payload, plen, 0, TLS_TRICK_NONE };

	respond(fd, &r);
}

/* mode_plain - the responder with clean text */
static void mode_plain(int fd, const struct hostile_opts *o)
{
	(void)o;
	serve_text(fd, "", 0);
}

/* mode_nul - NUL octets inside every reply */
static void mode_nul(int fd, const struct hostile_opts *o)
{
	(void)o;
	serve_text(fd, nul_payload, sizeof(nul_payload) - 1);
}

/* mode_bad_utf8 - invalid UTF-8 inside every reply */
static void mode_bad_utf8(int fd, const struct hostile_opts *o)
{
	(void)o;
	serve_text(fd, utf8_payload, sizeof(utf8_payload) - 1);
}

/* mode_escapes - terminal control sequences inside every reply */
static void mode_escapes(int fd, const struct hostile_opts *o)
{
	(void)o;
	serve_text(fd, escape_payload, sizeof(escape_payload) - 1);
}

/* mode_html - markup that would run or break out of an HTML/XML page */
static void mode_html(int fd, const struct hostile_opts *o)
{
	(void)o;
	serve_text(fd, html_payload, sizeof(html_payload) - 1);
}

/* mode_tiny_writes - the clean responder, one byte per send() */
static void mode_tiny_writes(int fd, const struct hostile_opts *o)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	one_byte_writes = 1;
	mode_plain(fd, o);
}

/* mode_reply_flood - 1000 extra replies after every reply */
static void mode_reply_flood(int fd, const struct hostile_opts *o)
{
	struct responder r = { "", 0, FLOOD_REPLIES, TLS_TRICK_NONE };

	(void)o;
	respond(fd, &r);
}

/*
 * mode_ehlo_bloat - an EHLO reply inside the reply bounds but far past
 * the capability table's: 400 long keywords, then a SIZE no integer
 * holds; every other command as in plain
 */
static void mode_ehlo_bloat(int fd, const struct hostile_opts *o)
{
	static char buf[BLOAT_LINES * 512];
	char line[LINE_CAP], params[460];
	size_t n;
	unsigned i;

	memset(params, 'p', sizeof(params) - 1);
	params[sizeof(params) - 1] = '\0';
	if (put_str(fd, greeting) < 0 || get_line(fd, line) < 0)
		return;
	n = (size_t)snprintf(buf, sizeof(buf), "250-hostile.example.org\r\n");
	for (i = 0; i < BLOAT_LINES; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "250-X-BLOAT-%u"
				      " %s=\"'<b>\r\n", i, params);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "250 SIZE "
			      "99999999999999999999999999999999\r\n");
	(void)o;
	if (put(fd, buf, n) == 0)
		answer_plain(fd);
}

/* mode_early_replies - replies pour out before any command */
static void mode_early_replies(int fd, const struct hostile_opts *o)
{
	char buf[CHUNK];
	size_t n = sizeof(greeting) - 1;

	(void)o;
	/* The greeting and the first replies in one write, so the client
	 * holds them together. */
	memcpy(buf, greeting, n);
	while (n + 40 < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "250 2.0.0 unsolicited\r\n");
	if (put(fd, buf, n) < 0 || put_extra(fd, EARLY_REPLIES) < 0)
		return;
	mode_plain(fd, o);
}

/* mode_silent - accept and never send a byte */
static void mode_silent(int fd, const struct hostile_opts *o)
{
	(void)o;
	drain(fd);
}

/* mode_greet_then_silent - a greeting, then nothing ever again */
static void mode_greet_then_silent(int fd, const struct hostile_opts *o)
{
	(void)o;
	if (put_str(fd, greeting) == 0)
		drain(fd);
}

/* mode_slowloris - a greeting that never ends, one byte at a time */
static void mode_slowloris(int fd, const struct hostile_opts *o)
{
	static const char start[] = "220 hostile.example.org slow";
	size_t i;

	for (i = 0; i < sizeof(start) - 1; i++) {
		if (put(fd, start + i, 1) < 0)
			return;
		sleep_ms(o->interval_ms);
	}
	while (put(fd, ".", 1) == 0)
		sleep_ms(o->interval_ms);
}

/* mode_endless_multiline - the first command gets 250- lines forever */
static void mode_endless_multiline(int fd, const struct hostile_opts *o)
{
	char line[LINE_CAP];
	unsigned long i = 0;
	int n;

	(void)o;
	if (put_str(fd, greeting) < 0 || get_line(fd, line) < 0)
		return;
	do {
		n = snprintf(line, sizeof(line), "250-endless line %lu\r\n",
			     ++i);
	} while (put(fd, line, (size_t)n) == 0);
}

/* mode_huge_line - a greeting line of 1 GiB, streamed */
static void mode_huge_line(int fd, const struct hostile_opts *o)
{
	static char chunk[CHUNK];
	unsigned long long sent = 0;

	memset(chunk, 'a', sizeof(chunk));
	if (put_str(fd, "220 ") < 0)
		return;
	for (; sent < HUGE_LINE_BYTES; sent += sizeof(chunk))
		if (put(fd, chunk, sizeof(chunk)) < 0)
			return;
	(void)o;
	if (put_str(fd, "\r\n") == 0)
		answer_plain(fd);
}

/* mode_reset_mid_reply - half an EHLO reply, then a TCP reset */
static void mode_reset_mid_reply(int fd, const struct hostile_opts *o)
{
	struct linger lg = { 1, 0 };
	char line[LINE_CAP];

	(void)o;
	if (put_str(fd, greeting) < 0 || get_line(fd, line) < 0)
		return;
	if (put_str(fd, "250-hostile.example.org\r\n250-PIPELI") < 0)
		return;
	/* SO_LINGER with a zero timeout: close() sends RST, not FIN. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	_exit(0);
}

/* mode_tls - implicit TLS (RFC 8314) whose handshake goes wrong */
static void mode_tls(int fd, const struct hostile_opts *o)
{
	hostile_tls_trick(fd, o->trick);
}

/* mode_starttls - the responder offering STARTTLS; after its 220 the
 * handshake goes wrong */
static void mode_starttls(int fd, const struct hostile_opts *o)
{
	struct responder r = { "", 0, 0, o->trick };

	respond(fd, &r);
}

/* mode_tls_late - implicit TLS that works for the first connection
 * (smtpconf's probe) and goes wrong for every later one */
static void mode_tls_late(int fd, const struct hostile_opts *o)
{
	if (o->session == 0)
		hostile_tls_serve(fd, mode_plain, o);
	else
		hostile_tls_trick(fd, o->trick);
}

static const struct hostile_mode modes[] = {
	{ "plain", mode_plain, "a minimal responder with clean text "
	  "(the baseline of tiny-writes)", "fail: a sloppy server", TLS_TRICK_NONE },
	{ "silent", mode_silent, "accepts, never sends a byte",
	  "fail: no reply on connect", TLS_TRICK_NONE },
	{ "greet-then-silent", mode_greet_then_silent, "a 220 greeting, "
	  "then nothing", "fail: no reply after the first command", TLS_TRICK_NONE },
	{ "slowloris", mode_slowloris, "a greeting line that never ends, "
	  "one byte per --interval-ms", "fail: no complete reply on "
	  "connect within the step timeout", TLS_TRICK_NONE },
	{ "endless-multiline", mode_endless_multiline, "the first command "
	  "gets 250- continuation lines forever", "fail: the reply "
	  "exceeded the line bound", TLS_TRICK_NONE },
	{ "huge-line", mode_huge_line, "a 1 GiB greeting line, streamed",
	  "fail: the reply exceeded the byte bound", TLS_TRICK_NONE },
	{ "reset-mid-reply", mode_reset_mid_reply, "half an EHLO reply, "
	  "then RST (SO_LINGER 0)", "fail: reset during a reply", TLS_TRICK_NONE },
	{ "nul", mode_nul, "NUL octets in every reply",
	  "fail: NUL in a reply", TLS_TRICK_NONE },
	{ "bad-utf8", mode_bad_utf8, "invalid UTF-8 in every reply",
	  "fail: octets outside textstring", TLS_TRICK_NONE },
	{ "escapes", mode_escapes, "terminal escape sequences (ESC [ 2 J, "
	  "OSC 52, CSI, bidi override) in every reply",
	  "fail: octets outside textstring", TLS_TRICK_NONE },
	{ "html", mode_html, "<script>, </textarea>, ]]>, quotes in every "
	  "reply", "any verdict; reports stay inert", TLS_TRICK_NONE },
	{ "ehlo-bloat", mode_ehlo_bloat, "the first command gets a 400-line "
	  "EHLO reply (long keywords, a SIZE that overflows), then plain",
	  "the first command's reply is judged; then as plain", TLS_TRICK_NONE },
	{ "early-replies", mode_early_replies, "the greeting, then "
	  "thousands of replies before any command",
	  "fail: data before the first command", TLS_TRICK_NONE },
	{ "reply-flood", mode_reply_flood, "1000 extra replies after every "
	  "reply", "fail: replies to commands never sent", TLS_TRICK_NONE },
	{ "tiny-writes", mode_tiny_writes, "the plain responder, one byte "
	  "per send()", "the same verdicts as plain", TLS_TRICK_NONE },
	/* Implicit TLS: the handshake is the first thing on the wire. */
	{ "tls-garbage", mode_tls, "implicit TLS: plaintext and binary "
	  "junk instead of a handshake", "error: no TLS session",
	  TLS_TRICK_GARBAGE },
	{ "tls-header-close", mode_tls, "implicit TLS: a record header, "
	  "then a close", "error: closed during the handshake",
	  TLS_TRICK_HEADER_CLOSE },
	{ "tls-cut-hello", mode_tls, "implicit TLS: a real ServerHello, "
	  "then a close", "error: closed during the handshake",
	  TLS_TRICK_CUT_HELLO },
	{ "tls-half-record", mode_tls, "implicit TLS: a ServerHello and "
	  "half a record, then silence", "error: handshake timed out",
	  TLS_TRICK_HALF_RECORD },
	{ "tls-endless-records", mode_tls, "implicit TLS: 16 KiB junk "
	  "handshake records without end", "error: handshake failed",
	  TLS_TRICK_ENDLESS },
	/* The probe's session works; the scenarios' sessions do not. */
	{ "tls-late-cut-hello", mode_tls_late, "implicit TLS: the first "
	  "session works, later ones get a ServerHello and a close",
	  "error per scenario: closed during the handshake",
	  TLS_TRICK_CUT_HELLO },
	{ "tls-late-half-record", mode_tls_late, "implicit TLS: the first "
	  "session works, later ones get half a record and silence",
	  "error per scenario: handshake timed out",
	  TLS_TRICK_HALF_RECORD },
	/* STARTTLS: the same, after "220 Ready to start TLS". */
	{ "starttls-garbage", mode_starttls, "STARTTLS, 220, then junk "
	  "instead of a handshake", "fail: 220 promised a handshake",
	  TLS_TRICK_GARBAGE },
	{ "starttls-header-close", mode_starttls, "STARTTLS, 220, a record "
	  "header, then a close", "fail: closed during the handshake",
	  TLS_TRICK_HEADER_CLOSE },
	{ "starttls-cut-hello", mode_starttls, "STARTTLS, 220, a real "
	  "ServerHello, then a close", "fail: closed during the handshake",
	  TLS_TRICK_CUT_HELLO },
	{ "starttls-half-record", mode_starttls, "STARTTLS, 220, a "
	  "ServerHello and half a record, then silence",
	  "fail: handshake timed out", TLS_TRICK_HALF_RECORD },
	{ "starttls-endless-records", mode_starttls, "STARTTLS, 220, 16 KiB "
	  "junk handshake records without end", "fail: handshake failed",
	  TLS_TRICK_ENDLESS },
};

/* hostile_mode_find - the mode called name, or NULL */
const struct hostile_mode *hostile_mode_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].name, name) == 0)
			return &modes[i];
	return NULL;
}

/* hostile_modes_list - print the table for --list-modes */
void hostile_modes_list(void)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		printf("%-18s %s\n%-18s -> %s\n", modes[i].name,
		       modes[i].what, "", modes[i].verdict);
}
