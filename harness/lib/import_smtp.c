/*
 * import_smtp.c - one reassembled TCP connection into a scenario that
 * replays the client's side and expects the codes the server gave.
 *
 * The server is the side on an SMTP port (RFC 5321 4.5.4.2's 25, RFC
 * 6409's 587, RFC 8314's 465, the common 2525, or --port), else the
 * side whose first bytes are a reply (RFC 5321 4.2: three digits, then
 * SP or '-').  Each burst of client bytes becomes one send step (a
 * `batch` when it holds several lines, as a pipelining client wrote
 * it); each complete server reply becomes `S: CODE`.  After STARTTLS
 * and its 220 (RFC 3207 4) the stream is encrypted, so the scenario
 * ends there; a session that is TLS from its first byte (RFC 8314
 * implicit TLS) cannot be imported at all.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "smtpconf/import.h"
#include "smtpconf/limits.h"
#include "smtpconf/reply.h"

/* Ports where the server side of an SMTP session listens. */
static const unsigned smtp_ports[] = { 25, 465, 587, 2525, 0 };

/* TLS record type 22 (handshake), version major 3 (RFC 8446 5.1). */
#define TLS_HANDSHAKE	0x16
#define TLS_MAJOR	0x03

/* Generator state for one connection. */
struct gen {
	const struct sc_tcp_conn *c;
	struct sc_import_session *out;
	int srv;			/* the server's side */
	struct sc_buf *b;
	struct sc_reply_parser parser;
	int starttls_sent;		/* last client line was STARTTLS */
	int in_data;			/* client lines are message content */
	unsigned long long bdat_left;	/* bytes of a BDAT chunk to come */
	int stop;			/* TLS began: nothing more to import */
};

/* endpoint - "ADDR:PORT" or "[ADDR]:PORT" of side d */
static void endpoint(const struct sc_tcp_conn *c, int d, char *out,
		     size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(c->family, c->addr[d], a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(out, n, c->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 c->port[d]);
}

/* is_smtp_port - one of the SMTP ports, or the user's */
static int is_smtp_port(unsigned port, unsigned extra)
{
	size_t i;

	for (i = 0; smtp_ports[i] != 0; i++)
		if (port == smtp_ports[i])
			return 1;
	return extra != 0 && port == extra;
}

/* first_bytes - the first event of side d, or NULL */
static const struct sc_conn_event *first_of(const struct sc_tcp_conn *c,
					    int d)
{
	size_t i;

	for (i = 0; i < c->nev; i++)
		if (c->ev[i].from == d)
			return &c->ev[i];
	return NULL;
}

/* looks_like_reply - RFC 5321 4.2: a code of three digits, SP or '-' */
static int looks_like_reply(const struct sc_tcp_conn *c,
			    const struct sc_conn_event *e)
{
	const char *p;

	if (e == NULL || e->len < 4)
		return 0;
	p = c->data.data + e->off;
	return p[0] >= '2' && p[0] <= '5' && isdigit((unsigned char)p[1]) &&
	       isdigit((unsigned char)p[2]) && (p[3] == ' ' || p[3] == '-');
}

/* looks_like_tls - a TLS handshake record */
static int looks_like_tls(const struct sc_tcp_conn *c,
			  const struct sc_conn_event *e)
{
	const unsigned char *p;

	if (e == NULL || e->len < 2)
		return 0;
	p = (const unsigned char *)c->data.data + e->off;
	return p[0] == TLS_HANDSHAKE && p[1] == TLS_MAJOR;
}

/* server_side - which side is the server, or -1 when none speaks SMTP */
static int server_side(const struct sc_tcp_conn *c, unsigned extra)
{
	int d;

	/* The side that was connected to, when the SYN was seen. */
	if (c->syn_from >= 0 &&
	    is_smtp_port(c->port[!c->syn_from], extra))
		return !c->syn_from;
	for (d = 0; d < 2; d++)
		if (is_smtp_port(c->port[d], extra) &&
		    !is_smtp_port(c->port[!d], extra))
			return d;
	for (d = 0; d < 2; d++)
		if (looks_like_reply(c, first_of(c, d)))
			return d;
	return -1;
}

/* put_escaped - bytes inside an R: string (docs: R: escapes) */
static void put_escaped(struct sc_buf *b, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\r')
			sc_buf_puts(b, "\\r");
		else if (p[i] == '\n')
			sc_buf_puts(b, "\\n");
		else if (p[i] == '\t')
			sc_buf_puts(b, "\\t");
		else if (p[i] == '\\' || p[i] == '"')
			sc_buf_printf(b, "\\%c", p[i]);
		else if (p[i] == '$')
			sc_buf_puts(b, "$$");	/* not a variable */
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			sc_buf_printf(b, "\\x%02x", p[i]);
		else
			sc_buf_putc(b, p[i]);
	}
}

/* run_of - how many times p[0] repeats from p on */
static size_t run_of(const unsigned char *p, size_t len)
{
	size_t n = 1;

	while (n < len && p[n] == p[0])
		n++;
	return n;
}

/*
 * put_raw - bytes as R: lines: runs of one byte as "c" * N, the rest
 * in strings of at most SC_IMPORT_RSTRING_MAX bytes, so a 10 MB body
 * of one letter stays a one-line step.
 */
static void put_raw(struct sc_buf *b, const char *indent,
		    const unsigned char *p, size_t len)
{
	size_t run, take;

	while (len > 0) {
		sc_buf_printf(b, "%sR: \"", indent);
		run = run_of(p, len);
		if (run >= SC_IMPORT_RUN_MIN) {
			put_escaped(b, p, 1);
			sc_buf_printf(b, "\" * %zu\n", run);
			p += run;
			len -= run;
			continue;
		}
		for (take = 0; take < len && take < SC_IMPORT_RSTRING_MAX;
		     take += run) {
			run = run_of(p + take, len - take);
			if (run >= SC_IMPORT_RUN_MIN)
				break;
		}
		put_escaped(b, p, take);
		sc_buf_puts(b, "\"\n");
		p += take;
		len -= take;
	}
}

/* plain_line - a line C: can carry: printable ASCII, then CRLF */
static int plain_line(const unsigned char *p, size_t len)
{
	size_t i;

	if (len < 2 || p[len - 2] != '\r' || p[len - 1] != '\n')
		return 0;
	for (i = 0; i + 2 < len; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

/* put_line - one client line as a C: line, or R: lines when it is not
 * plain (bare LF, control bytes, no line end, very long) */
static void put_line(struct sc_buf *b, const char *indent,
		     const unsigned char *p, size_t len)
{
	size_t i;

	if (plain_line(p, len) && len <= SC_RFC_TEXT_LINE_MAX) {
		sc_buf_printf(b, "%sC: ", indent);
		for (i = 0; i + 2 < len; i++) {
			if (p[i] == '$')
				sc_buf_putc(b, '$');	/* $$ is one $ */
			sc_buf_putc(b, p[i]);
		}
		sc_buf_putc(b, '\n');
		return;
	}
	put_raw(b, indent, p, len);
}

/* is_verb - the line is VERB (any case) alone, CRLF or LF ended */
static int is_verb(const unsigned char *p, size_t len, const char *verb)
{
	size_t n = strlen(verb);

	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	return len == n && strncasecmp((const char *)p, verb, n) == 0;
}

/* bdat_size - the chunk size of "BDAT n [LAST]" (RFC 3030 2), else 0 */
static unsigned long long bdat_size(const unsigned char *p, size_t len)
{
	unsigned long long n = 0;
	size_t i = 5;

	if (len < 7 || strncasecmp((const char *)p, "BDAT ", 5) != 0)
		return 0;
	for (; i < len && isdigit(p[i]) && n < SC_IMPORT_STREAM_BYTES; i++)
		n = n * 10 + (unsigned)(p[i] - '0');
	return n;
}

/* seed - a command line for the fuzz corpus (not message content) */
static void seed(struct gen *g, const unsigned char *p, size_t len)
{
	if (g->bdat_left > 0) {
		g->bdat_left -= len < g->bdat_left ? len : g->bdat_left;
		return;
	}
	if (g->in_data) {
		if (is_verb(p, len, "."))
			g->in_data = 0;
		return;
	}
	sc_buf_append(&g->out->seeds, p, len);
	if (len == 0 || p[len - 1] != '\n')
		sc_buf_putc(&g->out->seeds, '\n');
	if (is_verb(p, len, "DATA"))
		g->in_data = 1;
	g->bdat_left = bdat_size(p, len);
}

/* repeats - how many copies of the n-byte line p start at p (len left) */
static size_t repeats(const unsigned char *p, size_t n, size_t len)
{
	size_t k = 1;

	if (n > SC_IMPORT_REPEAT_LINE_MAX)
		return 1;
	while ((k + 1) * n <= len && memcmp(p, p + k * n, n) == 0)
		k++;
	return k;
}

/* client_burst - the client's bytes of one event as one send step */
static void client_burst(struct gen *g, const unsigned char *p, size_t len)
{
	const unsigned char *nl;
	size_t lines = 0, i, n, reps;
	int batch;

	for (i = 0; i < len; i++)
		lines += p[i] == '\n';
	batch = lines > 1 || (lines == 1 && p[len - 1] != '\n');
	sc_buf_puts(g->b, batch ? "batch\n" : "");
	g->starttls_sent = 0;
	while (len > 0) {
		nl = memchr(p, '\n', len);
		n = nl ? (size_t)(nl - p) + 1 : len;
		reps = repeats(p, n, len);
		if (reps >= SC_IMPORT_RUN_MIN) {
			/* The same line many times: one repeated string. */
			sc_buf_printf(g->b, "%sR: \"", batch ? "  " : "");
			put_escaped(g->b, p, n);
			sc_buf_printf(g->b, "\" * %zu\n", reps);
			n *= reps;
		} else {
			put_line(g->b, batch ? "  " : "", p, n);
			seed(g, p, n);
		}
		g->starttls_sent = is_verb(p, n, "STARTTLS");
		g->out->commands++;
		p += n;
		len -= n;
	}
	sc_buf_puts(g->b, batch ? "end\n" : "");
}

/* server_reply - one complete reply as S: CODE */
static void server_reply(struct gen *g, const struct sc_reply *r)
{
	if (r->code < 0) {
		sc_buf_puts(g->b, "# the server sent a line that is not a "
			    "reply here; the import stops\n");
		g->stop = 1;
		return;
	}
	sc_buf_printf(g->b, "S: %d\n", r->code);
	g->out->replies++;
	if (g->starttls_sent && r->code == 220) {
		sc_buf_puts(g->b, "# STARTTLS: what follows was encrypted "
			    "and is not imported\n");
		snprintf(g->out->note, sizeof(g->out->note), "%s%s",
			 g->out->note[0] ? "; " : "", "ends at STARTTLS "
			 "(the rest is encrypted)");
		g->stop = 1;
	}
}

/* server_bytes - feed the parser; every complete reply becomes S: */
static void server_bytes(struct gen *g, const char *p, size_t len)
{
	struct sc_reply r;
	enum sc_feed_result fr;
	size_t used;

	while (len > 0 && !g->stop) {
		used = 0;
		fr = sc_reply_feed(&g->parser, p, len, &used, &r);
		if (fr == SC_FEED_NEED_MORE)
			return;
		if (fr == SC_FEED_ERROR)
			r.code = -1;
		server_reply(g, &r);
		sc_reply_free(&r);
		p += used;
		len -= used;
		if (used == 0)
			return;
	}
}

/* put_header - where the scenario came from, then the header lines */
static void put_header(struct gen *g, const struct sc_import_options *o)
{
	char when[32] = "?";
	time_t t = (time_t)(g->c->first_us / 1000000);
	struct tm tm;
	const char *src = o->source ? o->source : "a capture";
	size_t i;

	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sc_buf_puts(g->b, "# Imported by `smtpconf import` from ");
	for (i = 0; src[i] != '\0' && i < 512; i++)
		sc_buf_putc(g->b, isprint((unsigned char)src[i]) ? src[i]
			    : '?');
	sc_buf_printf(g->b, ",\n# TCP connection %u, %s -> %s, opened "
		      "%s.\n", g->c->index, g->out->client, g->out->server,
		      when);
	sc_buf_puts(g->b, "# It replays the client's side and expects the "
		    "reply codes the server gave\n# then: a different "
		    "code now is a change in the server's behaviour.\n");
	if (g->c->note[0] != '\0')
		sc_buf_printf(g->b, "# Capture: %s.\n", g->c->note);
	sc_buf_printf(g->b, "title: Imported session %u (%s -> %s)\n",
		      g->c->index, g->out->client, g->out->server);
	sc_buf_puts(g->b, "rfc: 5321 4.2\nlevel: MUST\ntags: imported\n");
	sc_buf_puts(g->b, "quote: Every command MUST generate exactly one "
		    "reply.\n");
	sc_buf_puts(g->b, "why: The expected codes are those the server "
		    "gave when the capture was taken.\n\n");
}

/* walk - every event in time order, until TLS or a gap */
static void walk(struct gen *g)
{
	const struct sc_tcp_conn *c = g->c;
	const struct sc_conn_event *e;
	size_t i;

	for (i = 0; i < c->nev && !g->stop; i++) {
		e = &c->ev[i];
		if (c->gap_us != 0 && e->ts_us >= c->gap_us) {
			sc_buf_puts(g->b, "# data is missing from the "
				    "capture here; the import stops\n");
			break;
		}
		if (e->from == g->srv)
			server_bytes(g, c->data.data + e->off, e->len);
		else
			client_burst(g, (const unsigned char *)c->data.data +
				     e->off, e->len);
	}
	/* The server closed first: the replay expects that too. */
	if (!g->stop && i == c->nev && c->fin_us[g->srv] != 0 &&
	    (c->fin_us[!g->srv] == 0 ||
	     c->fin_us[g->srv] <= c->fin_us[!g->srv]))
		sc_buf_puts(g->b, "closed\n");
}

/* sc_import_smtp - the session of one reassembled connection */
int sc_import_smtp(const struct sc_tcp_conn *c,
		   const struct sc_import_options *o,
		   struct sc_import_session *out, struct sc_error *err)
{
	struct gen g;

	memset(out, 0, sizeof(*out));
	/* One byte over the file limit tells "too large" apart. */
	sc_buf_init(&out->scenario, SC_SCENARIO_FILE_MAX + 1);
	sc_buf_init(&out->seeds, SC_IMPORT_SEEDS_MAX);
	out->conn = c->index;
	out->kind = SC_IMPORT_NOT_SMTP;
	memset(&g, 0, sizeof(g));
	g.srv = server_side(c, o->port);
	if (g.srv < 0) {
		endpoint(c, 0, out->client, sizeof(out->client));
		endpoint(c, 1, out->server, sizeof(out->server));
		return SC_OK;
	}
	endpoint(c, !g.srv, out->client, sizeof(out->client));
	endpoint(c, g.srv, out->server, sizeof(out->server));
	if (looks_like_tls(c, first_of(c, !g.srv)) ||
	    looks_like_tls(c, first_of(c, g.srv))) {
		out->kind = SC_IMPORT_TLS;
		snprintf(out->note, sizeof(out->note), "TLS from the first "
			 "byte (implicit TLS): encrypted, not importable");
		return SC_OK;
	}
	if (!looks_like_reply(c, first_of(c, g.srv)))
		return SC_OK;
	out->kind = SC_IMPORT_SCENARIO;
	g.c = c;
	g.out = out;
	g.b = &out->scenario;
	sc_reply_parser_init(&g.parser);
	put_header(&g, o);
	walk(&g);
	sc_reply_parser_free(&g.parser);
	if (c->note[0] != '\0')
		snprintf(out->note + strlen(out->note),
			 sizeof(out->note) - strlen(out->note), "%s%s",
			 out->note[0] ? "; " : "", c->note);
	if (out->scenario.failed || out->seeds.failed)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	return SC_OK;
}
