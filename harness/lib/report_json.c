/*
 * report_json.c - the whole run as one JSON document (RFC 8259).
 *
 * docs/json-format.md is the reference for every field; this file and
 * that page change together, and a change that breaks a reader bumps
 * "version".  Keys always appear, in a fixed order, with null for "not
 * applicable", so readers need no existence checks and two reports
 * diff cleanly.
 *
 * Server text (banner, capabilities, transcript, observed, reason) is
 * made displayable by sc_escape_display before it is JSON-escaped, so
 * the document is valid UTF-8 and inert whatever the server sent.
 * Scenario text (title, quote, ...) is only JSON-escaped.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "smtpconf/report.h"
#include "smtpconf/escape.h"
#include "smtpconf/limits.h"

#define JSON_FORMAT_NAME	"smtpconf-results"
#define JSON_FORMAT_VERSION	1
/* Server text outside the transcript is shown up to this many bytes. */
#define JSON_TEXT_CLIP		SC_TRANSCRIPT_ENTRY_KEEP
#define NVERDICTS		(SC_VERDICT_NOTRUN + 1)
#define NLEVELS			(SC_LEVEL_MAY + 1)

/* An indenting JSON writer: two spaces a level, one member a line. */
struct jw {
	struct sc_buf *out;
	unsigned depth;
	int need_comma;		/* the current container has a member */
};

/* tx_kind_names - indexed by enum sc_tx_kind; the "kind" values */
static const char *const tx_kind_names[] = {
	[SC_TX_SEND] = "send",
	[SC_TX_REPLY] = "reply",
	[SC_TX_EVENT] = "event",
};
#define NTX_KINDS (sizeof(tx_kind_names) / sizeof(tx_kind_names[0]))

/* jw_key - start a member (key != NULL) or an array element */
static void jw_key(struct jw *w, const char *key)
{
	unsigned i;

	if (w->need_comma)
		sc_buf_putc(w->out, ',');
	sc_buf_putc(w->out, '\n');
	for (i = 0; i < w->depth; i++)
		sc_buf_puts(w->out, "  ");
	if (key != NULL)
		sc_buf_printf(w->out, "\"%s\": ", key);
	w->need_comma = 1;
}

/* jw_open - open an object '{' or array '[' */
static void jw_open(struct jw *w, const char *key, char bracket)
{
	jw_key(w, key);
	sc_buf_putc(w->out, bracket);
	w->depth++;
	w->need_comma = 0;
}

/* jw_close - close it; an empty container stays on one line: {} [] */
static void jw_close(struct jw *w, char bracket)
{
	unsigned i;

	w->depth--;
	if (w->need_comma) {
		sc_buf_putc(w->out, '\n');
		for (i = 0; i < w->depth; i++)
			sc_buf_puts(w->out, "  ");
	}
	sc_buf_putc(w->out, bracket);
	w->need_comma = 1;
}

/* jw_null - a null member */
static void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	sc_buf_puts(w->out, "null");
}

/* jw_int - an integer member */
static void jw_int(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	sc_buf_printf(w->out, "%lld", v);
}

/* jw_int_or_null - an integer member, null when v <= 0 ("none") */
static void jw_int_or_null(struct jw *w, const char *key, long long v)
{
	if (v > 0)
		jw_int(w, key, v);
	else
		jw_null(w, key);
}

/* jw_bool - a boolean member */
static void jw_bool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	sc_buf_puts(w->out, v ? "true" : "false");
}

/* jw_rawstr - a string member from n bytes, JSON-escaped only */
static void jw_rawstr(struct jw *w, const char *key, const char *s, size_t n)
{
	jw_key(w, key);
	sc_buf_putc(w->out, '"');
	sc_escape_json(w->out, s, n);
	sc_buf_putc(w->out, '"');
}

/* jw_str - trusted (scenario, user) text; NULL is null */
static void jw_str(struct jw *w, const char *key, const char *s)
{
	if (s == NULL)
		jw_null(w, key);
	else
		jw_rawstr(w, key, s, strlen(s));
}

/* jw_display - raw server bytes: display-escaped, then JSON-escaped */
static void jw_display(struct jw *w, const char *key, const char *bytes,
		       size_t n, size_t clip)
{
	struct sc_buf d;

	sc_buf_init(&d, 0);
	sc_escape_display(&d, bytes ? bytes : "", bytes ? n : 0, clip);
	jw_rawstr(w, key, sc_buf_cstr(&d), d.len);
	w->out->failed |= d.failed;
	sc_buf_free(&d);
}

/* jw_safe - escaped-safe server text (observed, reason); NULL is null */
static void jw_safe(struct jw *w, const char *key, const char *s)
{
	struct sc_buf d;

	if (s == NULL) {
		jw_null(w, key);
		return;
	}
	sc_buf_init(&d, 0);
	sc_escape_redisplay(&d, s, strlen(s), JSON_TEXT_CLIP);
	jw_rawstr(w, key, sc_buf_cstr(&d), d.len);
	w->out->failed |= d.failed;
	sc_buf_free(&d);
}

/* format_utc - ISO 8601 UTC with milliseconds: 2024-05-01T12:00:00.000Z */
static int format_utc(long long ms, char *out, size_t n)
{
	long long secs = ms / 1000, frac = ms % 1000;
	time_t t;
	struct tm tm;
	size_t len;

	if (frac < 0) {
		frac += 1000;
		secs--;
	}
	t = (time_t)secs;
	if ((long long)t != secs || gmtime_r(&t, &tm) == NULL)
		return -1;
	len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	if (len == 0)
		return -1;
	snprintf(out + len, n - len, ".%03lldZ", frac);
	return 0;
}

/* json_header - format, version and the run's own facts */
static void json_header(struct jw *w, const struct sc_run_info *info)
{
	char when[64];

	jw_str(w, "format", JSON_FORMAT_NAME);
	jw_int(w, "version", JSON_FORMAT_VERSION);
	jw_str(w, "tool_version", info->tool_version);
	jw_str(w, "target", info->target);
	jw_str(w, "command_line", info->command_line);
	if (format_utc(info->started_unix_ms, when, sizeof(when)) == 0)
		jw_str(w, "started", when);
	else
		jw_null(w, "started");
	jw_int(w, "started_unix_ms", info->started_unix_ms);
	jw_int(w, "duration_ms", info->duration_ms);
	jw_bool(w, "interrupted", info->interrupted);
	/* --shard K/N: `smtpconf report --merge` checks it has all N. */
	jw_int_or_null(w, "shard_index", info->shard_index);
	jw_int_or_null(w, "shard_count", info->shard_count);
}

/* json_caps - the EHLO capabilities, keyword and parameters */
static void json_caps(struct jw *w, const struct sc_capabilities *caps)
{
	size_t i, n = caps->valid ? caps->count : 0;
	const struct sc_capability *c;

	if (n > SC_EHLO_MAX_CAPS)
		n = SC_EHLO_MAX_CAPS;
	jw_open(w, "capabilities", '[');
	for (i = 0; i < n; i++) {
		c = &caps->items[i];
		jw_open(w, NULL, '{');
		jw_display(w, "keyword", c->keyword,
			   strnlen(c->keyword, sizeof(c->keyword)), 0);
		jw_display(w, "params", c->params,
			   strnlen(c->params, sizeof(c->params)), 0);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_int(w, "capabilities_malformed", caps->malformed);
}

/* json_tls_info - what one handshake established (server text escaped) */
static void json_tls_info(struct jw *w, const struct sc_tls_info *t)
{
	jw_str(w, "protocol", t->protocol[0] ? t->protocol : NULL);
	jw_str(w, "cipher", t->cipher[0] ? t->cipher : NULL);
	if (t->have_cert) {
		jw_display(w, "subject", t->subject,
			   strnlen(t->subject, sizeof(t->subject)), 0);
		jw_display(w, "issuer", t->issuer,
			   strnlen(t->issuer, sizeof(t->issuer)), 0);
	} else {
		jw_null(w, "subject");
		jw_null(w, "issuer");
	}
	jw_bool(w, "verified", t->verify_ok);
	jw_str(w, "verify_result", t->verify);
}

/* json_server_tls - the probe's TLS: null when it saw none */
static void json_server_tls(struct jw *w, const struct sc_server_info *s)
{
	if (!s->tls.done && s->tls_error[0] == '\0') {
		jw_null(w, "tls");
		return;
	}
	jw_open(w, "tls", '{');
	jw_str(w, "mode", sc_tls_mode_name(s->tls_mode));
	jw_bool(w, "established", s->tls.done);
	if (s->tls.done)
		json_tls_info(w, &s->tls);
	if (s->tls_error[0])
		jw_display(w, "error", s->tls_error,
			   strnlen(s->tls_error, sizeof(s->tls_error)), 0);
	else
		jw_null(w, "error");
	jw_close(w, '}');
}

/* json_result_tls - the handshakes a scenario made, one per session */
static void json_result_tls(struct jw *w, const struct sc_result *r)
{
	size_t i;

	jw_open(w, "tls", '[');
	for (i = 0; r->tls != NULL && i < r->ntls; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "session", r->tls[i].session);
		jw_int_or_null(w, "line", r->tls[i].line);
		json_tls_info(w, &r->tls[i].info);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* json_server - what the probe learned, or null when there was none */
static void json_server(struct jw *w, const struct sc_server_info *s)
{
	const struct sc_capabilities *caps = &s->caps;

	jw_open(w, "server", '{');
	jw_bool(w, "reachable", s->reachable);
	if (s->error[0])
		jw_display(w, "error", s->error,
			   strnlen(s->error, sizeof(s->error)), 0);
	else
		jw_null(w, "error");
	jw_int_or_null(w, "greeting_code", s->greeting_code);
	if (s->banner != NULL)
		jw_display(w, "banner", s->banner, s->banner_len,
			   JSON_TEXT_CLIP);
	else
		jw_null(w, "banner");
	jw_int_or_null(w, "ehlo_code", s->ehlo_code);
	if (caps->valid)
		jw_display(w, "ehlo_domain", caps->domain,
			   strnlen(caps->domain, sizeof(caps->domain)), 0);
	else
		jw_null(w, "ehlo_domain");
	json_caps(w, caps);
	json_server_tls(w, s);
	jw_close(w, '}');
}

/* json_summary - counts by verdict and failures by level */
static void json_summary(struct jw *w, struct sc_result_list *l)
{
	size_t verdicts[NVERDICTS] = { 0 }, levels[NLEVELS] = { 0 };
	size_t i, unreachable = 0, n = l->n;
	const struct sc_result *r;

	for (i = 0; i < n; i++) {
		r = sc_result_list_get(l, i);
		if ((size_t)r->verdict < NVERDICTS)
			verdicts[r->verdict]++;
		if (r->verdict == SC_VERDICT_FAIL &&
		    (size_t)r->fail_level < NLEVELS)
			levels[r->fail_level]++;
		unreachable += r->unreachable != 0;
	}
	jw_open(w, "summary", '{');
	jw_int(w, "total", (long long)n);
	jw_open(w, "verdicts", '{');
	for (i = 0; i < NVERDICTS; i++)
		jw_int(w, sc_verdict_name((enum sc_verdict)i),
		       (long long)verdicts[i]);
	jw_close(w, '}');
	jw_open(w, "failures_by_level", '{');
	for (i = 0; i < NLEVELS; i++)
		jw_int(w, sc_level_name((enum sc_level)i),
		       (long long)levels[i]);
	jw_close(w, '}');
	jw_int(w, "unreachable", (long long)unreachable);
	jw_close(w, '}');
}

/* json_tx_entry - one transcript entry */
static void json_tx_entry(struct jw *w, const struct sc_tx_entry *e)
{
	struct sc_buf d;
	size_t kept = e->len;

	jw_open(w, NULL, '{');
	jw_str(w, "kind", (size_t)e->kind < NTX_KINDS ?
	       tx_kind_names[e->kind] : "event");
	jw_str(w, "session", e->session);
	jw_int(w, "t_ms", e->t_ms);
	jw_int_or_null(w, "line", e->line);
	jw_bool(w, "failed", e->failed);
	sc_buf_init(&d, 0);
	sc_escape_display(&d, e->bytes ? e->bytes : "", e->bytes ? kept : 0,
			  0);
	/* The result kept a prefix; say how much the wire really had. */
	if (e->wire_len > kept)
		sc_buf_printf(&d, "...[%zu more bytes]", e->wire_len - kept);
	jw_rawstr(w, "text", sc_buf_cstr(&d), d.len);
	w->out->failed |= d.failed;
	sc_buf_free(&d);
	jw_int(w, "bytes", (long long)e->wire_len);
	jw_close(w, '}');
}

/* json_scenario - the scenario's own fields (trusted text) */
static void json_scenario(struct jw *w, const struct sc_scenario *s)
{
	size_t i;

	jw_str(w, "id", s ? s->id : NULL);
	jw_str(w, "title", s ? s->title : NULL);
	jw_str(w, "rfc", s ? s->rfc : NULL);
	jw_str(w, "level", s ? sc_level_name(s->level) : NULL);
	jw_open(w, "tags", '[');
	for (i = 0; s != NULL && s->tags != NULL && i < s->ntags; i++)
		jw_str(w, NULL, s->tags[i]);
	jw_close(w, ']');
	jw_str(w, "quote", s ? s->quote : NULL);
	jw_str(w, "why", s ? s->why : NULL);
	jw_str(w, "when", s ? s->when : NULL);
	jw_str(w, "path", s ? s->path : NULL);
}

/* json_result - one scenario's result */
static void json_result(struct jw *w, const struct sc_result *r)
{
	int failed = r->verdict == SC_VERDICT_FAIL ||
		     r->verdict == SC_VERDICT_WAIVED;
	size_t i;

	jw_open(w, NULL, '{');
	json_scenario(w, r->scenario);
	jw_str(w, "verdict", sc_verdict_name(r->verdict));
	if (failed)
		jw_str(w, "fail_level", sc_level_name(r->fail_level));
	else
		jw_null(w, "fail_level");
	jw_int_or_null(w, "fail_line", r->fail_line);
	jw_safe(w, "reason", r->reason);
	jw_str(w, "expected", r->expected);
	jw_safe(w, "observed", r->observed);
	jw_str(w, "waiver", r->waiver);
	jw_bool(w, "unreachable", r->unreachable);
	jw_bool(w, "crashed", r->crashed);
	if (r->server_output != NULL)
		jw_display(w, "server_output", r->server_output,
			   r->server_output_len, SC_SERVER_OUTPUT_TAIL);
	else
		jw_null(w, "server_output");
	jw_int(w, "duration_ms", r->duration_ms);
	json_result_tls(w, r);
	jw_open(w, "transcript", '[');
	for (i = 0; r->tx != NULL && i < r->ntx; i++)
		json_tx_entry(w, &r->tx[i]);
	jw_close(w, ']');
	jw_int(w, "tx_dropped", (long long)r->tx_dropped);
	jw_close(w, '}');
}

/* sc_report_json - the whole run as JSON into out */
int sc_report_json(struct sc_buf *out, const struct sc_run_info *info,
		   const struct sc_result *results, size_t n)
{
	struct sc_result_list l;

	if (results == NULL && n > 0)
		return SC_ERR_USAGE;
	sc_result_list_array(&l, results, n);
	return sc_report_json_list(out, info, &l);
}

/* sc_report_json_list - the same, one result at a time from a list */
int sc_report_json_list(struct sc_buf *out, const struct sc_run_info *info,
			struct sc_result_list *l)
{
	struct jw w = { out, 0, 0 };
	size_t i;

	if (out == NULL || info == NULL || l == NULL)
		return SC_ERR_USAGE;
	sc_buf_putc(out, '{');
	w.depth = 1;
	json_header(&w, info);
	if (info->server != NULL)
		json_server(&w, info->server);
	else
		jw_null(&w, "server");
	json_summary(&w, l);
	jw_open(&w, "results", '[');
	for (i = 0; i < l->n; i++)
		json_result(&w, sc_result_list_get(l, i));
	jw_close(&w, ']');
	sc_buf_puts(out, "\n}\n");
	sc_buf_flush(out);
	if (l->failed || out->sink_error)
		return SC_ERR_IO;
	if (out->failed)
		return SC_ERR_NOMEM;
	return out->truncated ? SC_ERR_LIMIT : SC_OK;
}
