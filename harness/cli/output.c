/*
 * output.c - terminal output: a progress line on a TTY, plain lines
 * otherwise, colours unless NO_COLOR is set.  Server text is shown only
 * through sc_escape_display, so a hostile reply cannot move the cursor
 * or change the terminal's colours.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smtpconf/escape.h"
#include "output.h"

/* Verdict labels and their ANSI colours, indexed by enum sc_verdict. */
static const struct verdict_style {
	const char *label;
	const char *color;
} verdict_styles[] = {
	[SC_VERDICT_PASS] = { "PASS", "\033[32m" },
	[SC_VERDICT_FAIL] = { "FAIL", "\033[1;31m" },
	[SC_VERDICT_SKIP] = { "SKIP", "\033[2m" },
	[SC_VERDICT_ERROR] = { "ERROR", "\033[1;35m" },
	[SC_VERDICT_WAIVED] = { "WAIVED", "\033[33m" },
	[SC_VERDICT_NOTRUN] = { "NOTRUN", "\033[2m" },
};

/* term_init - decide colour and progress from the stream and NO_COLOR */
void term_init(struct term *t, FILE *out, int no_color, int verbose,
	       int quiet)
{
	const char *nc = getenv("NO_COLOR");
	int tty = isatty(fileno(out));

	memset(t, 0, sizeof(*t));
	t->out = out;
	t->color = tty && !no_color && !(nc && *nc);
	t->progress = tty && !quiet;
	t->verbose = verbose;
	t->quiet = quiet;
}

/* put_display - print untrusted bytes escaped and clipped */
static void put_display(FILE *out, const char *bytes, size_t n, size_t clip)
{
	struct sc_buf b;

	sc_buf_init(&b, 0);
	sc_escape_display(&b, bytes, n, clip);
	fputs(sc_buf_cstr(&b), out);
	sc_buf_free(&b);
}

/* term_server_tls - "  TLS: TLSv1.3 CIPHER, subject ..., verify: ..." */
static void term_server_tls(const struct term *t,
			    const struct sc_server_info *info)
{
	const struct sc_tls_info *tls = &info->tls;

	if (info->tls_error[0] != '\0') {
		fputs("  TLS: failed: ", t->out);
		put_display(t->out, info->tls_error,
			    strnlen(info->tls_error, sizeof(info->tls_error)),
			    300);
		fputc('\n', t->out);
		return;
	}
	if (!tls->done)
		return;
	fprintf(t->out, "  TLS (%s): %s %s, certificate ",
		info->tls_mode == SC_TLS_NONE ? "STARTTLS"
		: sc_tls_mode_name(info->tls_mode), tls->protocol,
		tls->cipher);
	if (tls->have_cert)
		put_display(t->out, tls->subject, strnlen(tls->subject,
			    sizeof(tls->subject)), 200);
	else
		fputs("none", t->out);
	fprintf(t->out, ", verification: %s\n", tls->verify);
}

/* term_server - one paragraph about the server probed */
void term_server(const struct term *t, const char *target,
		 const struct sc_server_info *info)
{
	size_t i, len = info->banner_len;

	if (t->quiet)
		return;
	fprintf(t->out, "server %s: ", target);
	while (len && (info->banner[len - 1] == '\n' ||
		       info->banner[len - 1] == '\r'))
		len--;
	if (info->banner)
		put_display(t->out, info->banner, len, 200);
	else
		put_display(t->out, info->error, strnlen(info->error,
			    sizeof(info->error)), 600);
	fputc('\n', t->out);
	term_server_tls(t, info);
	/* A greeting and then trouble (EHLO flooded, reset, ...). */
	if (info->banner && info->error[0]) {
		fputs("  probe failed: ", t->out);
		put_display(t->out, info->error, strnlen(info->error,
			    sizeof(info->error)), 600);
		fputc('\n', t->out);
	}
	if (!info->caps.valid)
		return;
	fprintf(t->out, "  EHLO:");
	for (i = 0; i < info->caps.count; i++) {
		fputc(' ', t->out);
		put_display(t->out, info->caps.items[i].keyword,
			    strlen(info->caps.items[i].keyword), 64);
		if (info->caps.items[i].params[0]) {
			fputc('=', t->out);
			put_display(t->out, info->caps.items[i].params,
				    strlen(info->caps.items[i].params), 64);
		}
	}
	if (info->caps.dropped)
		fprintf(t->out, " (and %zu more, not kept)", info->caps.dropped);
	fputc('\n', t->out);
}

/* term_progress - "[3/20] rfc5321/quit" rewritten in place on a TTY */
void term_progress(const struct term *t, size_t i, size_t n,
		   const struct sc_scenario *s)
{
	if (!t->progress)
		return;
	fprintf(t->out, "\r\033[K[%zu/%zu] %s", i + 1, n, s->id);
	fflush(t->out);
}

/* put_label - a verdict label, coloured when allowed */
static void put_label(const struct term *t, enum sc_verdict v)
{
	const struct verdict_style *vs = &verdict_styles[v];

	if (t->color)
		fprintf(t->out, "%s%-6s\033[0m", vs->color, vs->label);
	else
		fprintf(t->out, "%-6s", vs->label);
}

/* crlf_line_len - bytes up to (not including) the next CRLF, or to the end */
static size_t crlf_line_len(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (p[i] == '\r' && p[i + 1] == '\n')
			return i;
	return n;
}

/* put_entry - one transcript entry, a line per CRLF-terminated line */
static void put_entry(const struct term *t, const struct sc_tx_entry *e)
{
	static const char *const prefix[] = {
		[SC_TX_SEND] = "C: ", [SC_TX_REPLY] = "S: ",
		[SC_TX_EVENT] = "*  "
	};
	const char *p = e->bytes;
	size_t left = e->len, n;

	do {
		n = crlf_line_len(p, left);
		fprintf(t->out, "      %s%s", e->failed ? ">" : " ",
			prefix[e->kind]);
		put_display(t->out, p, n, SC_DISPLAY_CLIP);
		fputc('\n', t->out);
		n = n + 2 <= left ? n + 2 : left;
		p += n;
		left -= n;
	} while (left > 0);
	if (e->wire_len > e->len)
		fprintf(t->out, "        ...[%zu more bytes on the wire]\n",
			e->wire_len - e->len);
}

/* put_transcript - the dialogue of a failed scenario, escaped */
static void put_transcript(const struct term *t, const struct sc_result *r)
{
	size_t i;

	for (i = 0; i < r->ntx; i++)
		put_entry(t, &r->tx[i]);
	if (r->tx_dropped)
		fprintf(t->out, "      (%zu more transcript entries not kept)\n",
			r->tx_dropped);
}

/* put_result - one line per scenario; details under failures and errors */
static void put_result(const struct term *t, const struct sc_result *r)
{
	const struct sc_scenario *s = r->scenario;
	int detail = r->verdict == SC_VERDICT_FAIL ||
		     r->verdict == SC_VERDICT_ERROR;

	if (t->progress)
		fputs("\r\033[K", t->out);
	if (t->quiet && !detail)
		return;
	put_label(t, r->verdict);
	fprintf(t->out, " %-8s %s: %s", r->verdict == SC_VERDICT_FAIL ?
		sc_level_name(r->fail_level) : sc_level_name(s->level),
		s->id, s->title);
	/* The EHLO promise the scenario tested (its when: conditions). */
	if (s->when != NULL)
		fprintf(t->out, " [when %s]", s->when);
	fputc('\n', t->out);
	if (r->verdict == SC_VERDICT_WAIVED && r->waiver)
		fprintf(t->out, "       waived: %s\n", r->waiver);
	if (!detail && r->verdict != SC_VERDICT_SKIP)
		return;
	if (r->reason && (detail || t->verbose))
		fprintf(t->out, "       %s\n", r->reason);
	if (!detail)
		return;
	if (r->expected)
		fprintf(t->out, "       expected: %s\n", r->expected);
	if (r->observed)
		fprintf(t->out, "       observed: %s\n", r->observed);
	fprintf(t->out, "       at %s:%u (RFC %s)\n", s->path, r->fail_line,
		s->rfc);
	if (t->verbose)
		put_transcript(t, r);
}

/*
 * term_result - a result as soon as it is known: flushed, because in CI
 * stdout is a pipe or a file and a live log (or a run killed by a job
 * timeout) should show what already ran.
 */
void term_result(const struct term *t, const struct sc_result *r)
{
	put_result(t, r);
	fflush(t->out);
}

/* tally_add - count a result */
void tally_add(struct tally *tl, const struct sc_result *r)
{
	tl->by_verdict[r->verdict]++;
	if (r->verdict == SC_VERDICT_FAIL)
		tl->fail_by_level[r->fail_level]++;
}

/* term_summary - the closing counts */
void term_summary(const struct term *t, const struct tally *tl,
		  long long ms, int interrupted)
{
	const size_t *v = tl->by_verdict;
	const size_t *f = tl->fail_by_level;

	if (t->progress)
		fputs("\r\033[K", t->out);
	fprintf(t->out, "\n%zu passed, %zu failed (%zu MUST, %zu security, "
		"%zu SHOULD, %zu MAY), %zu skipped, %zu errors, %zu waived",
		v[SC_VERDICT_PASS], v[SC_VERDICT_FAIL], f[SC_LEVEL_MUST],
		f[SC_LEVEL_SECURITY], f[SC_LEVEL_SHOULD], f[SC_LEVEL_MAY],
		v[SC_VERDICT_SKIP], v[SC_VERDICT_ERROR],
		v[SC_VERDICT_WAIVED]);
	if (v[SC_VERDICT_NOTRUN])
		fprintf(t->out, ", %zu not run", v[SC_VERDICT_NOTRUN]);
	fprintf(t->out, " in %lld.%03llds%s\n", ms / 1000, ms % 1000,
		interrupted ? " (interrupted)" : "");
}
