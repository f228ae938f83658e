/*
 * report_html.c - the run as one self-contained HTML page.
 *
 * docs/html-report.md describes the page.  It is built from the same
 * results as the JSON report (docs/json-format.md) and reads top-down
 * the way people triage a run: the server, the run and the counts
 * first, then the failures (MUST, security, SHOULD, MAY), the errors,
 * the waived failures, and last the passes and skips folded away in a
 * <details>.  Without JavaScript everything is there; the one small
 * script only adds filters.
 *
 * The page is one file that fetches nothing: the style sheet and the
 * script are inline (report_html_assets.h), the chart is inline SVG.
 * It shows text that a hostile server chose and is opened from disk,
 * often straight out of a CI artefact, so:
 *  - server text (banner, capabilities, transcript) is made displayable
 *    by sc_escape_display, the runner's already displayable observed
 *    and reason by sc_escape_redisplay, and then all of it is
 *    HTML-escaped; scenario and command-line text is HTML-escaped;
 *  - a Content-Security-Policy allows nothing but the one style sheet
 *    and the one script, each named by its SHA-256 hash (CSP Level 3
 *    "hash-source"), and data: images for the empty icon, so markup
 *    that slipped through anyway could neither run nor fetch;
 *  - there are no event handler attributes: the script attaches its
 *    own listeners.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "smtpconf/report.h"
#include "smtpconf/codes.h"
#include "smtpconf/escape.h"
#include "smtpconf/limits.h"
#include "report_html_assets.h"
#include "html_int.h"

#define NVERDICTS		(SC_VERDICT_NOTRUN + 1)
#define NLEVELS			(SC_LEVEL_MAY + 1)
/* Server text outside the transcript (banner, observed, reason). */
#define HTML_TEXT_CLIP		SC_TRANSCRIPT_ENTRY_KEEP
/* One line of a transcript or of the banner, as on the terminal. */
#define HTML_LINE_CLIP		SC_DISPLAY_CLIP
/* A skip reason shown on the folded one-line row. */
#define HTML_ROW_CLIP		200
/* A link is not a fetch: the page still loads nothing by itself. */
#define RFC_URL			"https://www.rfc-editor.org/rfc/rfc"
#define RFC_SECTION_MAX		32

/* The area chart, in SVG user units. */
#define CHART_LABEL_W		150	/* area names, right-aligned */
#define CHART_BAR_W		400	/* the longest bar */
#define CHART_NOTE_W		120	/* "2 of 5 failed" */
#define CHART_ROW_H		17
#define CHART_BAR_H		12
#define CHART_LABEL_MAX		22	/* bytes of a name shown */

/* How each verdict is shown, indexed by enum sc_verdict. */
static const struct verdict_style {
	const char *badge;	/* on the row */
	const char *counted;	/* "3 failed" */
	const char *anchor;	/* the section that lists them */
} verdict_styles[] = {
	[SC_VERDICT_PASS] = { "PASS", "passed", "passed" },
	[SC_VERDICT_FAIL] = { "FAIL", "failed", "failures" },
	[SC_VERDICT_SKIP] = { "SKIP", "skipped", "passed" },
	[SC_VERDICT_ERROR] = { "ERROR", "errors", "errors" },
	[SC_VERDICT_WAIVED] = { "WAIVED", "waived", "waived" },
	[SC_VERDICT_NOTRUN] = { "NOT RUN", "not run", "passed" },
};

/* CSS class of each level (l-must ...), indexed by enum sc_level. */
static const char *const level_classes[] = {
	[SC_LEVEL_MUST] = "must",
	[SC_LEVEL_SECURITY] = "security",
	[SC_LEVEL_SHOULD] = "should",
	[SC_LEVEL_MAY] = "may",
};

/* Transcript lines, indexed by enum sc_tx_kind: class and prefix. */
static const struct tx_style {
	const char *cls;
	const char *prefix;	/* two columns, as in the terminal */
} tx_styles[] = {
	[SC_TX_SEND] = { "send", "C:" },
	[SC_TX_REPLY] = { "reply", "S:" },
	[SC_TX_EVENT] = { "event", "* " },
};
#define NTX_KINDS (sizeof(tx_styles) / sizeof(tx_styles[0]))

/* Sections after the failures, in page order, each shown in full. */
static const struct group {
	enum sc_verdict verdict;
	const char *title;
} open_groups[] = {
	{ SC_VERDICT_ERROR, "Errors: the check could not run" },
	{ SC_VERDICT_WAIVED, "Waived failures" },
};

/* What the last section folds away, in this order, and its titles. */
static const enum sc_verdict folded[] = {
	SC_VERDICT_PASS, SC_VERDICT_SKIP, SC_VERDICT_NOTRUN,
};
static const char *const folded_titles[] = {
	"Passed", "Skipped", "Not run",
};

/* Counts the headline gives after the failures (passed always). */
static const enum sc_verdict headline_order[] = {
	SC_VERDICT_ERROR, SC_VERDICT_PASS, SC_VERDICT_WAIVED,
	SC_VERDICT_SKIP, SC_VERDICT_NOTRUN,
};

/* Bar segments of the area chart, left to right: problems first. */
static const enum sc_verdict chart_order[] = {
	SC_VERDICT_FAIL, SC_VERDICT_ERROR, SC_VERDICT_WAIVED,
	SC_VERDICT_PASS, SC_VERDICT_SKIP, SC_VERDICT_NOTRUN,
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One area: the directory under the RFC (ehlo, quit, unknown-verb). */
struct area {
	char *name;		/* a copy: results are read one by one */
	size_t len;
	size_t verdicts[NVERDICTS];
};

/* Everything the writers share. */
struct html {
	struct sc_buf *out;
	const struct sc_run_info *info;
	struct sc_result_list *list;
	size_t n;
	size_t at;			/* index of the result being written */
	struct area *areas;		/* in order of first appearance */
	size_t nareas;
	char **tags;			/* every distinct tag, sorted, copied */
	size_t ntags;
	size_t verdicts[NVERDICTS];
	size_t levels[NLEVELS];		/* failures by fail level */
	size_t unreachable;
	char style_hash[64];		/* 'sha256-...' of html_css */
	char script_hash[64];		/* 'sha256-...' of html_js */
};

/* ------------------------------------------------------------------ */
/* Escaping: the only ways text gets into the page.                   */

/* ------------------------------------------------------------------ */
/* Small facts about a result.                                        */

/* verdict_of - the verdict, an unknown value counted as an error */
static enum sc_verdict verdict_of(const struct sc_result *r)
{
	return (size_t)r->verdict < NVERDICTS ? r->verdict :
	       SC_VERDICT_ERROR;
}

/* result_level - the level a row is filed under: the broken rule's */
static enum sc_level result_level(const struct sc_result *r)
{
	enum sc_level l = SC_LEVEL_MUST;

	if (r->verdict == SC_VERDICT_FAIL || r->verdict == SC_VERDICT_WAIVED)
		l = r->fail_level;
	else if (r->scenario != NULL)
		l = r->scenario->level;
	/* An unknown level is treated as the strictest. */
	return (size_t)l < NLEVELS ? l : SC_LEVEL_MUST;
}

/* result_id - the scenario id, or a stand-in */
static const char *result_id(const struct sc_result *r)
{
	return r->scenario && r->scenario->id ? r->scenario->id :
	       "(unknown)";
}

/* area_of - the id's second component: rfc5321/ehlo/basic is "ehlo" */
static void area_of(const char *id, const char **name, size_t *len)
{
	const char *slash = strchr(id, '/');

	if (slash != NULL && slash[1] != '\0')
		id = slash + 1;
	*name = id;
	*len = strcspn(id, "/");
}

/* brief_level - result_level from what the list keeps in memory */
static enum sc_level brief_level(const struct sc_result_brief *b)
{
	enum sc_level l = SC_LEVEL_MUST;

	if (b->verdict == SC_VERDICT_FAIL || b->verdict == SC_VERDICT_WAIVED)
		l = b->fail_level;
	else if (b->has_scenario)
		l = b->level;
	return (size_t)l < NLEVELS ? l : SC_LEVEL_MUST;
}

/* brief_verdict - verdict_of from what the list keeps in memory */
static enum sc_verdict brief_verdict(const struct sc_result_brief *b)
{
	return (size_t)b->verdict < NVERDICTS ? b->verdict :
	       SC_VERDICT_ERROR;
}

/* add_area - count result id's verdict under its area */
static void add_area(struct html *h, const char *id, enum sc_verdict v)
{
	const char *name;
	struct area *a;
	size_t j, len;

	area_of(id, &name, &len);
	for (j = 0; j < h->nareas; j++)
		if (h->areas[j].len == len &&
		    memcmp(h->areas[j].name, name, len) == 0)
			break;
	if (j == h->nareas) {
		if ((j & (j - 1)) == 0) {
			a = realloc(h->areas, (j ? j * 2 : 1) * sizeof(*a));
			if (a == NULL) {
				h->out->failed = 1;
				return;
			}
			h->areas = a;
		}
		a = &h->areas[j];
		memset(a, 0, sizeof(*a));
		if ((a->name = strndup(name, len)) == NULL) {
			h->out->failed = 1;
			return;
		}
		a->len = len;
		h->nareas++;
	}
	h->areas[j].verdicts[v]++;
}

/* add_tag - insert a copy of tag into the sorted set, once */
static void add_tag(struct html *h, const char *tag)
{
	size_t lo = 0, hi = h->ntags, mid;
	char **t;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(h->tags[mid], tag);
		if (c == 0)
			return;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((h->ntags & (h->ntags - 1)) == 0) {
		t = realloc(h->tags, (h->ntags ? h->ntags * 2 : 1) *
			    sizeof(*t));
		if (t == NULL) {
			h->out->failed = 1;
			return;
		}
		h->tags = t;
	}
	memmove(&h->tags[lo + 1], &h->tags[lo],
		(h->ntags - lo) * sizeof(*h->tags));
	if ((h->tags[lo] = strdup(tag)) == NULL) {
		memmove(&h->tags[lo], &h->tags[lo + 1],
			(h->ntags - lo) * sizeof(*h->tags));
		h->out->failed = 1;
		return;
	}
	h->ntags++;
}

/*
 * scan - one pass over the results before anything is written: counts
 * by verdict and failures by level (as in the JSON), the areas of the
 * chart and the tags of the filters, which all come first on the page.
 */
static void scan(struct html *h)
{
	const struct sc_scenario *s;
	const struct sc_result *r;
	size_t i, j;

	for (i = 0; i < h->n; i++) {
		r = sc_result_list_get(h->list, i);
		h->verdicts[verdict_of(r)]++;
		if (r->verdict == SC_VERDICT_FAIL)
			h->levels[result_level(r)]++;
		h->unreachable += r->unreachable != 0;
		add_area(h, result_id(r), verdict_of(r));
		for (s = r->scenario, j = 0; s && s->tags && j < s->ntags; j++)
			add_tag(h, s->tags[j]);
	}
}

/* html_free - the copies scan made */
static void html_free(struct html *h)
{
	size_t i;

	for (i = 0; i < h->nareas; i++)
		free(h->areas[i].name);
	free(h->areas);
	for (i = 0; i < h->ntags; i++)
		free(h->tags[i]);
	free(h->tags);
}

/* ------------------------------------------------------------------ */
/* The head and the top of the page.                                  */

/* html_head - doctype, policy, title and the style sheet */
static void html_head(struct html *h)
{
	struct sc_buf *out = h->out;

	sc_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n");
	sc_buf_printf(out, "<meta http-equiv=\"Content-Security-Policy\" "
		      "content=\"default-src 'none'; style-src %s; "
		      "script-src %s; img-src data:; base-uri 'none'; "
		      "form-action 'none'\">\n", h->style_hash,
		      h->script_hash);
	sc_buf_puts(out, "<meta name=\"viewport\" content=\"width=device-"
		    "width, initial-scale=1\">\n<meta name=\"color-scheme\" "
		    "content=\"light dark\">\n<meta name=\"referrer\" "
		    "content=\"no-referrer\">\n<title>smtpconf: ");
	html_put_text(out, h->info->target ? h->info->target : "report");
	if (h->verdicts[SC_VERDICT_FAIL])
		sc_buf_printf(out, ": %zu failed",
			      h->verdicts[SC_VERDICT_FAIL]);
	sc_buf_puts(out, "</title>\n<link rel=\"icon\" href=\"data:,\">\n"
		    "<style>");
	sc_buf_puts(out, html_css);
	sc_buf_puts(out, "</style>\n</head>\n<body>\n");
}

/* put_sep - the " · " between two parts of a line */
static void put_sep(struct sc_buf *out, int *first)
{
	if (!*first)
		sc_buf_puts(out, " &middot; ");
	*first = 0;
}

/* put_level_counts - "(1 MUST, 2 SHOULD)": the failing levels */
static void put_level_counts(struct html *h)
{
	size_t l;
	int first = 1;

	sc_buf_puts(h->out, " (");
	for (l = 0; l < NLEVELS; l++) {
		if (h->levels[l] == 0)
			continue;
		sc_buf_printf(h->out, "%s%zu %s", first ? "" : ", ",
			      h->levels[l], sc_level_name((enum sc_level)l));
		first = 0;
	}
	sc_buf_puts(h->out, ")");
}

/* html_headline - the verdict in one coloured line */
static void html_headline(struct html *h)
{
	const size_t *v = h->verdicts;
	int bad = h->levels[SC_LEVEL_MUST] || h->levels[SC_LEVEL_SECURITY] ||
		  v[SC_VERDICT_ERROR] || h->unreachable;
	int warn = v[SC_VERDICT_FAIL] || h->info->interrupted;
	int first = 1;
	enum sc_verdict k;
	size_t i;

	sc_buf_puts(h->out, "<h1>smtpconf report <small>");
	html_put_text(h->out, h->info->target);
	sc_buf_printf(h->out, "</small></h1>\n<p class=\"headline %s\">",
		      bad ? "bad" : warn ? "warn" : "good");
	if (h->n == 0) {
		put_sep(h->out, &first);
		sc_buf_puts(h->out, "No scenario ran");
	}
	if (h->unreachable) {
		put_sep(h->out, &first);
		sc_buf_puts(h->out, "server unreachable");
	}
	if (v[SC_VERDICT_FAIL]) {
		put_sep(h->out, &first);
		sc_buf_printf(h->out, "%zu failed", v[SC_VERDICT_FAIL]);
		put_level_counts(h);
	}
	for (i = 0; i < NELEM(headline_order); i++) {
		k = headline_order[i];
		if (v[k] == 0 && (k != SC_VERDICT_PASS || h->n == 0))
			continue;
		put_sep(h->out, &first);
		sc_buf_printf(h->out, "%zu %s", v[k],
			      verdict_styles[k].counted);
	}
	if (h->info->interrupted) {
		put_sep(h->out, &first);
		sc_buf_puts(h->out, "run interrupted");
	}
	sc_buf_puts(h->out, "</p>\n");
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

/* put_banner - the greeting, one displayed line per CRLF line */
static void put_banner(struct sc_buf *out, const char *b, size_t len)
{
	size_t left = len > HTML_TEXT_CLIP ? HTML_TEXT_CLIP : len, n;
	const char *p = b;

	sc_buf_puts(out, "<code class=\"lines\">");
	while (left > 0) {
		n = crlf_line_len(p, left);
		html_put_display(out, p, n, HTML_LINE_CLIP);
		n = n + 2 <= left ? n + 2 : left;
		p += n;
		left -= n;
		if (left > 0)
			sc_buf_putc(out, '\n');
	}
	if (len > HTML_TEXT_CLIP)
		sc_buf_printf(out, "...[%zu more bytes]",
			      len - HTML_TEXT_CLIP);
	sc_buf_puts(out, "</code>");
}

/* put_caps - the EHLO capabilities as a list */
static void put_caps(struct sc_buf *out, const struct sc_capabilities *c)
{
	size_t i, n = c->count < SC_EHLO_MAX_CAPS ? c->count :
		      SC_EHLO_MAX_CAPS;
	const struct sc_capability *cap;

	sc_buf_puts(out, "<dt>Extensions</dt><dd>");
	if (n == 0)
		sc_buf_puts(out, "<span class=\"muted\">none</span>");
	else
		sc_buf_puts(out, "<ul class=\"caps\">");
	for (i = 0; i < n; i++) {
		cap = &c->items[i];
		sc_buf_puts(out, "<li><code>");
		html_put_display(out, cap->keyword,
			    strnlen(cap->keyword, sizeof(cap->keyword)), 0);
		if (cap->params[0] != '\0') {
			sc_buf_putc(out, ' ');
			html_put_display(out, cap->params, strnlen(cap->params,
				    sizeof(cap->params)), 0);
		}
		sc_buf_puts(out, "</code></li>");
	}
	sc_buf_puts(out, n ? "</ul></dd>\n" : "</dd>\n");
}

/* put_ehlo - the EHLO reply: domain, capabilities, malformed lines */
static void put_ehlo(struct sc_buf *out, const struct sc_server_info *s)
{
	const struct sc_capabilities *c = &s->caps;

	if (!c->valid) {
		if (s->ehlo_code > 0)
			sc_buf_printf(out, "<dt>EHLO</dt><dd>%d, not a valid "
				      "250 reply</dd>\n", s->ehlo_code);
		return;
	}
	sc_buf_puts(out, "<dt>EHLO</dt><dd>250 <code>");
	html_put_display(out, c->domain, strnlen(c->domain, sizeof(c->domain)),
		    0);
	sc_buf_puts(out, "</code></dd>\n");
	put_caps(out, c);
	if (c->malformed)
		sc_buf_printf(out, "<dt>Malformed</dt><dd>%u EHLO line%s "
			      "not an ehlo-line (RFC 5321 4.1.1.1)</dd>\n",
			      c->malformed, c->malformed == 1 ? " is" :
			      "s are");
}

/* put_server_tls - the TLS the probe saw: protocol, cipher, certificate */
static void put_server_tls(struct sc_buf *out, const struct sc_server_info *s)
{
	const struct sc_tls_info *t = &s->tls;

	if (!t->done && s->tls_error[0] == '\0')
		return;
	sc_buf_printf(out, "<dt>TLS</dt><dd>%s", s->tls_mode == SC_TLS_NONE
		      ? "STARTTLS" : s->tls_mode == SC_TLS_IMPLICIT
		      ? "implicit TLS" : "--tls starttls");
	if (s->tls_error[0] != '\0') {
		sc_buf_puts(out, ": <b>failed</b> <code>");
		html_put_display(out, s->tls_error, strnlen(s->tls_error,
				 sizeof(s->tls_error)), 0);
		sc_buf_puts(out, "</code>");
	}
	if (t->done) {
		sc_buf_puts(out, ": <code>");
		html_put_display(out, t->protocol, strnlen(t->protocol,
				 sizeof(t->protocol)), 0);
		sc_buf_puts(out, "</code> <code>");
		html_put_display(out, t->cipher, strnlen(t->cipher,
				 sizeof(t->cipher)), 0);
		sc_buf_puts(out, "</code></dd>\n<dt>Certificate</dt><dd>");
		if (t->have_cert) {
			sc_buf_puts(out, "subject <code>");
			html_put_display(out, t->subject, strnlen(t->subject,
					 sizeof(t->subject)), 0);
			sc_buf_puts(out, "</code>, issuer <code>");
			html_put_display(out, t->issuer, strnlen(t->issuer,
					 sizeof(t->issuer)), 0);
			sc_buf_puts(out, "</code>; ");
		} else {
			sc_buf_puts(out, "none; ");
		}
		sc_buf_puts(out, t->verify_ok ? "verified" : "not verified: ");
		if (!t->verify_ok)
			html_put_display(out, t->verify, strnlen(t->verify,
					 sizeof(t->verify)), 0);
	}
	sc_buf_puts(out, "</dd>\n");
}

/* html_server - what the probe learned */
static void html_server(struct html *h)
{
	const struct sc_server_info *s = h->info->server;
	struct sc_buf *out = h->out;

	sc_buf_puts(out, "<section class=\"card\" id=\"server\">"
		    "<h2>Server</h2>\n");
	if (s == NULL) {
		sc_buf_puts(out, "<p class=\"none\">No probe was made."
			    "</p>\n</section>\n");
		return;
	}
	sc_buf_printf(out, "<dl class=\"kv\">\n<dt>Reachable</dt><dd>%s"
		      "</dd>\n", s->reachable ? "yes" : "<b>no</b>");
	if (s->error[0] != '\0') {
		sc_buf_puts(out, "<dt>Error</dt><dd><code>");
		html_put_display(out, s->error, strnlen(s->error,
			    sizeof(s->error)), 0);
		sc_buf_puts(out, "</code></dd>\n");
	}
	if (s->banner != NULL) {
		sc_buf_puts(out, "<dt>Greeting</dt><dd>");
		put_banner(out, s->banner, s->banner_len);
		sc_buf_puts(out, "</dd>\n");
	}
	put_ehlo(out, s);
	put_server_tls(out, s);
	sc_buf_puts(out, "</dl>\n</section>\n");
}

/* html_run - when, what, how long */
static void html_run(struct html *h)
{
	const struct sc_run_info *info = h->info;
	long long ms = info->duration_ms > 0 ? info->duration_ms : 0;
	struct sc_buf *out = h->out;

	sc_buf_puts(out, "<section class=\"card\" id=\"run\"><h2>Run</h2>\n"
		    "<dl class=\"kv\">\n<dt>Started</dt><dd>");
	html_put_utc(out, info->started_unix_ms);
	sc_buf_printf(out, "</dd>\n<dt>Duration</dt><dd>%lld.%03lld s</dd>\n"
		      "<dt>Target</dt><dd><code>", ms / 1000, ms % 1000);
	html_put_text(out, info->target);
	sc_buf_puts(out, "</code></dd>\n<dt>Command</dt><dd><code>");
	html_put_text(out, info->command_line);
	sc_buf_puts(out, "</code></dd>\n<dt>smtpconf</dt><dd>");
	html_put_text(out, info->tool_version ? info->tool_version : "unknown");
	if (info->interrupted)
		sc_buf_printf(out, "</dd>\n<dt>Interrupted</dt><dd><b>yes"
			      "</b>, stopped early: %zu not run</dd>\n",
			      h->verdicts[SC_VERDICT_NOTRUN]);
	else
		sc_buf_puts(out, "</dd>\n<dt>Interrupted</dt><dd>no</dd>\n");
	sc_buf_puts(out, "</dl>\n</section>\n");
}

/* put_count - one count chip, linked to its section when not zero */
static void put_count(struct sc_buf *out, const char *cls, size_t v,
		      const char *label, const char *anchor)
{
	sc_buf_printf(out, "<li class=\"%s%s\">", cls, v ? "" : " zero");
	if (v && anchor)
		sc_buf_printf(out, "<a href=\"#%s\">", anchor);
	sc_buf_printf(out, "<span class=\"n\">%zu</span> %s", v, label);
	sc_buf_puts(out, v && anchor ? "</a></li>" : "</li>");
}

/* html_verdict - counts by verdict and failures by level */
static void html_verdict(struct html *h)
{
	struct sc_buf *out = h->out;
	char cls[32];
	size_t i;

	sc_buf_printf(out, "<section class=\"card\" id=\"verdict\">"
		      "<h2>Verdict: %zu scenario%s</h2>\n"
		      "<ul class=\"counts\">", h->n, h->n == 1 ? "" : "s");
	for (i = 0; i < NVERDICTS; i++) {
		snprintf(cls, sizeof(cls), "v-%s",
			 sc_verdict_name((enum sc_verdict)i));
		put_count(out, cls, h->verdicts[i],
			  verdict_styles[i].counted, verdict_styles[i].anchor);
	}
	sc_buf_puts(out, "</ul>\n<h3>Failures by level</h3>\n"
		    "<ul class=\"counts\">");
	for (i = 0; i < NLEVELS; i++) {
		snprintf(cls, sizeof(cls), "l-%s", level_classes[i]);
		put_count(out, cls, h->levels[i],
			  sc_level_name((enum sc_level)i), NULL);
	}
	sc_buf_puts(out, "</ul>\n");
	if (h->unreachable)
		sc_buf_printf(out, "<p>%zu could not run: the server was "
			      "unreachable.</p>\n", h->unreachable);
	sc_buf_puts(out, "</section>\n");
}

/* ------------------------------------------------------------------ */
/* The chart by area.                                                 */

/* area_total - scenarios in an area */
static size_t area_total(const struct area *a)
{
	size_t i, t = 0;

	for (i = 0; i < NVERDICTS; i++)
		t += a->verdicts[i];
	return t;
}

/* chart_x - where cumulative count c ends on a bar scaled to max */
static size_t chart_x(size_t c, size_t max)
{
	return CHART_LABEL_W + (c * CHART_BAR_W + max / 2) / max;
}

/* put_area_label - the name, shortened on a UTF-8 boundary */
static void put_area_label(struct sc_buf *out, const struct area *a,
			   size_t y)
{
	size_t len = a->len;

	sc_buf_printf(out, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
		      CHART_LABEL_W - 8, y + CHART_BAR_H - 1);
	if (len > CHART_LABEL_MAX) {
		len = CHART_LABEL_MAX;
		while (len > 0 && ((unsigned char)a->name[len] & 0xc0) == 0x80)
			len--;
	}
	sc_escape_html(out, a->name, len);
	if (len < a->len)
		sc_buf_puts(out, "&#8230;");
	sc_buf_puts(out, "<title>");
	sc_escape_html(out, a->name, a->len);
	sc_buf_puts(out, "</title></text>");
}

/* put_area_bar - one area: label, stacked bar, note */
static void put_area_bar(struct sc_buf *out, const struct area *a,
			 size_t row, size_t max)
{
	size_t y = row * CHART_ROW_H + 3, cum = 0, total = area_total(a);
	size_t i, x0, x1;
	enum sc_verdict v;

	put_area_label(out, a, y);
	for (i = 0; i < NELEM(chart_order); i++) {
		v = chart_order[i];
		if (a->verdicts[v] == 0)
			continue;
		x0 = chart_x(cum, max);
		cum += a->verdicts[v];
		x1 = chart_x(cum, max);
		sc_buf_printf(out, "<rect class=\"v-%s\" x=\"%zu\" y=\"%zu\" "
			      "width=\"%zu\" height=\"%d\"><title>",
			      sc_verdict_name(v), x0, y,
			      x1 > x0 ? x1 - x0 : 1, CHART_BAR_H);
		sc_escape_html(out, a->name, a->len);
		sc_buf_printf(out, ": %zu %s</title></rect>", a->verdicts[v],
			      verdict_styles[v].counted);
	}
	sc_buf_printf(out, "<text class=\"n\" x=\"%zu\" y=\"%zu\">",
		      chart_x(total, max) + 6, y + CHART_BAR_H - 1);
	if (a->verdicts[SC_VERDICT_FAIL])
		sc_buf_printf(out, "%zu of %zu failed",
			      a->verdicts[SC_VERDICT_FAIL], total);
	else
		sc_buf_printf(out, "%zu", total);
	sc_buf_puts(out, "</text>\n");
}

/* put_legend - colour keys for the verdicts that occur */
static void put_legend(struct html *h)
{
	enum sc_verdict v;
	size_t i;

	sc_buf_puts(h->out, "<p class=\"legend\">");
	for (i = 0; i < NELEM(chart_order); i++) {
		v = chart_order[i];
		if (h->verdicts[v])
			sc_buf_printf(h->out, "<span class=\"sw v-%s\"></span>"
				      "%s", sc_verdict_name(v),
				      verdict_styles[v].counted);
	}
	sc_buf_puts(h->out, "</p>\n");
}

/* html_areas - a stacked bar per area, as inline SVG */
static void html_areas(struct html *h)
{
	const struct area *a = h->areas;
	size_t na = h->nareas, i, max = 1;

	if (h->n == 0)
		return;
	for (i = 0; i < na; i++)
		if (area_total(&a[i]) > max)
			max = area_total(&a[i]);
	sc_buf_printf(h->out, "<section class=\"card wide\" id=\"areas\">"
		      "<h2>By area</h2>\n<svg class=\"chart\" xmlns=\""
		      "http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %zu\" "
		      "width=\"%d\" height=\"%zu\" role=\"img\" aria-label=\""
		      "Results by area\">\n",
		      CHART_LABEL_W + CHART_BAR_W + CHART_NOTE_W,
		      na * CHART_ROW_H + 6,
		      CHART_LABEL_W + CHART_BAR_W + CHART_NOTE_W,
		      na * CHART_ROW_H + 6);
	for (i = 0; i < na; i++)
		put_area_bar(h->out, &a[i], i, max);
	sc_buf_puts(h->out, "</svg>\n");
	put_legend(h);
	sc_buf_puts(h->out, "</section>\n");
}

/* ------------------------------------------------------------------ */
/* The filters: shown only once the script runs.                      */

/* put_tag_boxes - one box per distinct tag, sorted; none ticked */
static void put_tag_boxes(struct html *h)
{
	size_t i;

	if (h->ntags == 0)
		return;
	/* Suites have many tags: fold them so the bar stays one line. */
	sc_buf_puts(h->out, "<details class=\"tags\"><summary>Tags"
		    "</summary><fieldset>");
	for (i = 0; i < h->ntags; i++) {
		sc_buf_puts(h->out, "<label><input type=\"checkbox\" "
			    "name=\"tag\" value=\"");
		html_put_text(h->out, h->tags[i]);
		sc_buf_puts(h->out, "\"> ");
		html_put_text(h->out, h->tags[i]);
		sc_buf_puts(h->out, "</label>");
	}
	sc_buf_puts(h->out, "</fieldset></details>\n");
}

/* html_filters - verdict, level and tag boxes and a search box */
static void html_filters(struct html *h)
{
	struct sc_buf *out = h->out;
	size_t i;

	sc_buf_puts(out, "<form id=\"filters\" hidden>\n<fieldset><legend>"
		    "Verdict</legend>");
	for (i = 0; i < NVERDICTS; i++)
		if (h->verdicts[i])
			sc_buf_printf(out, "<label><input type=\"checkbox\" "
				      "name=\"verdict\" value=\"%s\" checked> "
				      "%s (%zu)</label>",
				      sc_verdict_name((enum sc_verdict)i),
				      sc_verdict_name((enum sc_verdict)i),
				      h->verdicts[i]);
	sc_buf_puts(out, "</fieldset>\n<fieldset><legend>Level</legend>");
	for (i = 0; i < NLEVELS; i++)
		sc_buf_printf(out, "<label><input type=\"checkbox\" name=\""
			      "level\" value=\"%s\" checked> %s</label>",
			      sc_level_name((enum sc_level)i),
			      sc_level_name((enum sc_level)i));
	sc_buf_puts(out, "</fieldset>\n<label>Search <input type=\"search\" "
		    "name=\"q\" placeholder=\"id, title, text\"></label>\n");
	put_tag_boxes(h);
	sc_buf_puts(out, "<button type=\"reset\">Show all</button>\n"
		    "</form>\n");
}

/* ------------------------------------------------------------------ */
/* One scenario.                                                      */

/* section_ok - "4.2.4" or "D.1": safe to put in a URL fragment */
static int section_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > RFC_SECTION_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "abcdefghijklmnopqrstuvwxyz", s[i]) == NULL)
			return 0;
	return 1;
}

/* rfc_number_len - digits of the RFC number that start "5321 4.2.4" */
static size_t rfc_number_len(const char *s, size_t n)
{
	size_t nd = 0;

	while (nd < n && s[nd] >= '0' && s[nd] <= '9')
		nd++;
	if (nd == 0 || nd > 5 || (nd < n && s[nd] != ' '))
		return 0;
	return nd;
}

/*
 * put_rfc_link - one clause linked to its section at the RFC Editor:
 * "5321 4.2.4", or a bare "4.2.4" that continues the previous RFC
 * (*num, *numlen).  Anything else is shown as plain text.
 */
static void put_rfc_link(struct sc_buf *out, const char *s, size_t n,
			 const char **num, size_t *numlen)
{
	size_t nd = rfc_number_len(s, n), sec = nd;

	if (nd > 0) {
		*num = s;
		*numlen = nd;
	} else if (*numlen == 0 || !section_ok(s, n)) {
		sc_escape_html(out, s, n);
		return;
	}
	while (sec < n && s[sec] == ' ')
		sec++;
	sc_buf_puts(out, "<a href=\"" RFC_URL);
	sc_buf_append(out, *num, *numlen);
	/* Appendices are "appendix-D.1" there, sections "section-4.2". */
	if (section_ok(s + sec, n - sec)) {
		sc_buf_puts(out, s[sec] >= '0' && s[sec] <= '9' ?
			    "#section-" : "#appendix-");
		sc_buf_append(out, s + sec, n - sec);
	}
	sc_buf_puts(out, nd ? "\">RFC " : "\">");
	sc_escape_html(out, s, n);
	sc_buf_puts(out, "</a>");
}

/* put_rfc_links - every clause of "5321 4.2.4, 5321 4.3.2", linked */
static void put_rfc_links(struct sc_buf *out, const char *rfc)
{
	const char *p = rfc, *num = NULL;
	size_t len, numlen = 0;
	int first = 1;

	while (p != NULL && *p != '\0') {
		p += strspn(p, ", ");
		len = strcspn(p, ",");
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0) {
			sc_buf_puts(out, first ? "" : ", ");
			put_rfc_link(out, p, len, &num, &numlen);
			first = 0;
		}
		p += strcspn(p, ",");
	}
}

/* open_article - the row element, carrying what the filters read */
static void open_article(struct html *h, const struct sc_result *r,
			 const char *extra)
{
	const struct sc_scenario *s = r->scenario;
	const char *v = sc_verdict_name(verdict_of(r));
	size_t i;

	sc_buf_printf(h->out, "<article class=\"sc%s v-%s\" id=\"r%zu\" "
		      "data-verdict=\"%s\" data-level=\"%s\" data-tags=\"",
		      extra, v, h->at, v,
		      sc_level_name(result_level(r)));
	for (i = 0; s != NULL && s->tags != NULL && i < s->ntags; i++) {
		sc_buf_puts(h->out, i ? " " : "");
		html_put_text(h->out, s->tags[i]);
	}
	sc_buf_puts(h->out, "\">\n");
}

/* put_badges - verdict badge, level badge and the title */
static void put_badges(struct sc_buf *out, const struct sc_result *r)
{
	enum sc_verdict v = verdict_of(r);
	enum sc_level l = result_level(r);

	sc_buf_printf(out, "<span class=\"badge v-%s\">%s</span> "
		      "<span class=\"lvl l-%s\">%s</span> ",
		      sc_verdict_name(v), verdict_styles[v].badge,
		      level_classes[l], sc_level_name(l));
	html_put_text(out, r->scenario && r->scenario->title ?
		 r->scenario->title : result_id(r));
}

/* put_meta - id, RFC clauses, tags, file and line, duration */
static void put_meta(struct sc_buf *out, const struct sc_result *r)
{
	const struct sc_scenario *s = r->scenario;
	size_t i;

	sc_buf_puts(out, "<p class=\"meta\"><code>");
	html_put_text(out, result_id(r));
	sc_buf_puts(out, "</code>");
	if (s != NULL && s->rfc != NULL) {
		sc_buf_puts(out, " &middot; ");
		put_rfc_links(out, s->rfc);
	}
	if (s != NULL && result_level(r) != s->level)
		sc_buf_printf(out, " &middot; scenario level %s",
			      sc_level_name(s->level));
	for (i = 0; s != NULL && s->tags != NULL && i < s->ntags; i++) {
		sc_buf_puts(out, i ? ", " : " &middot; tags: ");
		html_put_text(out, s->tags[i]);
	}
	if (s != NULL && s->path != NULL) {
		sc_buf_puts(out, " &middot; ");
		html_put_text(out, s->path);
		if (r->fail_line)
			sc_buf_printf(out, ":%u", r->fail_line);
	}
	sc_buf_printf(out, " &middot; %lld ms</p>\n", r->duration_ms);
}

/* failed_reply - the reply at which the scenario failed, NULL if none */
static const struct sc_tx_entry *failed_reply(const struct sc_result *r)
{
	size_t i;

	for (i = 0; r->tx != NULL && i < r->ntx; i++)
		if (r->tx[i].failed && r->tx[i].kind == SC_TX_REPLY &&
		    r->tx[i].bytes != NULL)
			return &r->tx[i];
	return NULL;
}

/* code_at - the three-digit reply code that starts p, 0 when none */
static int code_at(const char *p, size_t n)
{
	size_t i;
	int code = 0;

	if (n < 3 || (n > 3 && p[3] >= '0' && p[3] <= '9'))
		return 0;
	for (i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		code = code * 10 + (p[i] - '0');
	}
	return code;
}

/* put_enhanced - what the enhanced code after "550 " means (RFC 3463) */
static void put_enhanced(struct sc_buf *out, const char *p, size_t n)
{
	const struct sc_enhanced_info *ei;
	char key[16];
	size_t len;

	if (n < 5 || (p[3] != ' ' && p[3] != '-'))
		return;
	p += 4;
	n -= 4;
	len = strspn(p, "0123456789.");
	if (len > n)
		len = n;
	if (len >= sizeof(key) || !sc_enhanced_valid(p, len))
		return;
	memcpy(key, p, len);
	key[len] = '\0';
	ei = sc_enhanced_lookup(key);
	if (ei == NULL)
		return;
	sc_buf_printf(out, "<dt>Enhanced %s</dt><dd><b>", key);
	html_put_text(out, ei->text);
	sc_buf_puts(out, "</b>: ");
	html_put_text(out, ei->meaning);
	sc_buf_puts(out, " <span class=\"muted\">(");
	put_rfc_links(out, ei->rfc);
	sc_buf_puts(out, ")</span></dd>\n");
}

/* put_code_meaning - what the observed reply code means (codes.h) */
static void put_code_meaning(struct sc_buf *out, const struct sc_result *r)
{
	const struct sc_tx_entry *e = failed_reply(r);
	const char *p = e ? e->bytes : r->observed;
	size_t n = e ? e->len : p ? strlen(p) : 0;
	const struct sc_code_info *ci;
	int code = p ? code_at(p, n) : 0;

	if (code == 0)
		return;
	ci = sc_code_lookup(code);
	sc_buf_printf(out, "<dt>Reply %d</dt><dd>", code);
	if (ci != NULL) {
		sc_buf_puts(out, "<b>");
		html_put_text(out, ci->text);
		sc_buf_puts(out, "</b>: ");
		html_put_text(out, ci->meaning);
		sc_buf_puts(out, " <span class=\"muted\">(");
		put_rfc_links(out, ci->rfc);
		sc_buf_puts(out, ")</span>");
	} else {
		sc_buf_puts(out, "not a code the RFCs define; its class: ");
		html_put_text(out, sc_code_class_meaning(code / 100));
	}
	sc_buf_puts(out, "</dd>\n");
	if (e != NULL)
		put_enhanced(out, e->bytes, e->len);
}

/* put_outcome - expected against observed, and what the reply means */
static void put_outcome(struct sc_buf *out, const struct sc_result *r)
{
	if (r->expected == NULL && r->observed == NULL)
		return;
	sc_buf_puts(out, "<dl class=\"kv eo\">\n");
	if (r->expected != NULL) {
		sc_buf_puts(out, "<dt>Expected</dt><dd><code>");
		html_put_text(out, r->expected);
		sc_buf_puts(out, "</code></dd>\n");
	}
	if (r->observed != NULL) {
		sc_buf_puts(out, "<dt>Observed</dt><dd><code>");
		html_put_safe(out, r->observed, HTML_TEXT_CLIP);
		sc_buf_puts(out, "</code></dd>\n");
	}
	put_code_meaning(out, r);
	sc_buf_puts(out, "</dl>\n");
}

/* several_sessions - does the transcript use more than one connection? */
static int several_sessions(const struct sc_result *r)
{
	size_t i;

	for (i = 1; r->tx != NULL && i < r->ntx; i++)
		if (strcmp(r->tx[i].session, r->tx[0].session) != 0)
			return 1;
	return 0;
}

/* put_tx_line - one displayed line of an entry, opening its element */
static void put_tx_line(struct sc_buf *out, const struct sc_tx_entry *e,
			int sessions, const char *p, size_t n)
{
	const struct tx_style *ts = &tx_styles[(size_t)e->kind < NTX_KINDS ?
					       e->kind : SC_TX_EVENT];

	sc_buf_printf(out, "<div class=\"%s%s\" title=\"+%lld ms", ts->cls,
		      e->failed ? " failed" : "", e->t_ms);
	if (e->line)
		sc_buf_printf(out, ", line %u", e->line);
	sc_buf_printf(out, "\"><span class=\"d\">%s</span> ", ts->prefix);
	if (sessions) {
		sc_buf_puts(out, "<span class=\"s\">[");
		html_put_display(out, e->session, strnlen(e->session,
			    sizeof(e->session)), 0);
		sc_buf_puts(out, "]</span> ");
	}
	html_put_display(out, p, n, HTML_LINE_CLIP);
}

/* put_tx_entry - one entry, a line per CRLF line; the failure marked */
static void put_tx_entry(struct sc_buf *out, const struct sc_tx_entry *e,
			 int sessions)
{
	const char *p = e->bytes ? e->bytes : "";
	size_t left = e->bytes ? e->len : 0, n;

	do {
		n = crlf_line_len(p, left);
		put_tx_line(out, e, sessions, p, n);
		n = n + 2 <= left ? n + 2 : left;
		p += n;
		left -= n;
		if (left == 0 && e->wire_len > e->len)
			sc_buf_printf(out, " <span class=\"muted\">...[%zu "
				      "more bytes on the wire]</span>",
				      e->wire_len - e->len);
		if (left == 0 && e->failed)
			sc_buf_puts(out, " <span class=\"mark\">&#9664; "
				    "failed here</span>");
		sc_buf_puts(out, "</div>\n");
	} while (left > 0);
}

/* put_transcript - the dialogue, folded unless it shows a problem */
static void put_transcript(struct sc_buf *out, const struct sc_result *r,
			   int open)
{
	int sessions = several_sessions(r);
	size_t i;

	if (r->ntx == 0 && r->tx_dropped == 0)
		return;
	sc_buf_printf(out, "<details class=\"txd\"%s><summary>Transcript "
		      "(%zu entr%s)</summary>\n<div class=\"tx\">\n",
		      open ? " open" : "", r->ntx, r->ntx == 1 ? "y" : "ies");
	for (i = 0; r->tx != NULL && i < r->ntx; i++)
		put_tx_entry(out, &r->tx[i], sessions);
	if (r->tx_dropped)
		sc_buf_printf(out, "<div class=\"event\">(%zu more transcript "
			      "entries not kept)</div>\n", r->tx_dropped);
	sc_buf_puts(out, "</div>\n</details>\n");
}

/* put_rule - the RFC's words, and why a breach matters */
static void put_rule(struct sc_buf *out, const struct sc_result *r)
{
	const struct sc_scenario *s = r->scenario;

	if (s == NULL)
		return;
	if (s->when != NULL) {
		sc_buf_puts(out, "<p class=\"when\"><b>Promise tested:</b> "
			    "the EHLO reply had <code>");
		html_put_text(out, s->when);
		sc_buf_puts(out, "</code></p>\n");
	}
	if (s->quote != NULL) {
		sc_buf_puts(out, "<blockquote><p>");
		html_put_text(out, s->quote);
		sc_buf_puts(out, "</p></blockquote>\n");
	}
	/* The runner often ends the reason with the why; once is enough. */
	if (s->why != NULL && (r->reason == NULL ||
			       strstr(r->reason, s->why) == NULL)) {
		sc_buf_puts(out, "<p class=\"why\"><b>Why it matters:</b> ");
		html_put_text(out, s->why);
		sc_buf_puts(out, "</p>\n");
	}
}

/*
 * put_server_output - the managed server's output during the scenario
 * (a crash: its last output, shown unfolded), each line display-
 * escaped, then HTML-escaped.
 */
static void put_server_output(struct sc_buf *out, const struct sc_result *r)
{
	struct sc_buf d;

	if (r->server_output == NULL || r->server_output_len == 0)
		return;
	sc_buf_init(&d, 0);
	sc_escape_display_lines(&d, r->server_output, r->server_output_len,
				"");
	sc_buf_printf(out, "<details%s class=\"server-output\"><summary>"
		      "Server output (last bytes)</summary><pre>",
		      r->crashed ? " open" : "");
	sc_escape_html(out, sc_buf_cstr(&d), d.len);
	sc_buf_puts(out, "</pre></details>\n");
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/* html_result_full - a failure, error or waiver with all its evidence */
static void html_result_full(struct html *h, const struct sc_result *r)
{
	struct sc_buf *out = h->out;

	open_article(h, r, "");
	sc_buf_puts(out, "<h3>");
	put_badges(out, r);
	sc_buf_puts(out, "</h3>\n");
	put_meta(out, r);
	if (r->reason != NULL) {
		sc_buf_puts(out, "<p class=\"reason\">");
		html_put_safe(out, r->reason, HTML_TEXT_CLIP);
		sc_buf_puts(out, "</p>\n");
	}
	put_outcome(out, r);
	put_rule(out, r);
	if (r->verdict == SC_VERDICT_WAIVED && r->waiver != NULL) {
		sc_buf_puts(out, "<p class=\"waiver\"><b>Waived:</b> ");
		html_put_text(out, r->waiver);
		sc_buf_puts(out, "</p>\n");
	}
	put_transcript(out, r, r->verdict != SC_VERDICT_WAIVED);
	put_server_output(out, r);
	sc_buf_puts(out, "</article>\n");
}

/* html_result_row - a pass, skip or not-run: one line that unfolds */
static void html_result_row(struct html *h, const struct sc_result *r)
{
	struct sc_buf *out = h->out;

	open_article(h, r, " row");
	sc_buf_puts(out, "<details><summary>");
	put_badges(out, r);
	sc_buf_puts(out, "<code class=\"id\">");
	html_put_text(out, result_id(r));
	sc_buf_puts(out, "</code>");
	if (r->verdict != SC_VERDICT_PASS && r->reason != NULL) {
		sc_buf_puts(out, " <span class=\"muted\">&mdash; ");
		html_put_safe(out, r->reason, HTML_ROW_CLIP);
		sc_buf_puts(out, "</span>");
	}
	sc_buf_puts(out, "</summary>\n<div class=\"body\">\n");
	put_meta(out, r);
	put_rule(out, r);
	put_transcript(out, r, 1);
	put_server_output(out, r);
	sc_buf_puts(out, "</div>\n</details>\n</article>\n");
}

/* ------------------------------------------------------------------ */
/* The sections.                                                      */

/* html_failures - every failure: MUST first, then security, SHOULD, MAY */
static void html_failures(struct html *h)
{
	size_t nfail = h->verdicts[SC_VERDICT_FAIL], i, l;
	struct sc_result_brief b;

	sc_buf_printf(h->out, "<section id=\"failures\"%s>\n<h2>Failures "
		      "(%zu)</h2>\n", nfail ? " class=\"group\"" : "", nfail);
	if (nfail == 0)
		sc_buf_puts(h->out, "<p class=\"none\">None: the server broke "
			    "none of the rules checked.</p>\n");
	for (l = 0; l < NLEVELS; l++)
		for (i = 0; i < h->n; i++) {
			sc_result_list_brief(h->list, i, &b);
			if (brief_verdict(&b) != SC_VERDICT_FAIL ||
			    (size_t)brief_level(&b) != l)
				continue;
			h->at = i;
			html_result_full(h, sc_result_list_get(h->list, i));
		}
	sc_buf_puts(h->out, "</section>\n");
}

/* html_group - every result of one verdict, in full; none, no section */
static void html_group(struct html *h, const struct group *g)
{
	struct sc_result_brief b;
	size_t i;

	if (h->verdicts[g->verdict] == 0)
		return;
	sc_buf_printf(h->out, "<section id=\"%s\" class=\"group\">\n<h2>",
		      verdict_styles[g->verdict].anchor);
	html_put_text(h->out, g->title);
	sc_buf_printf(h->out, " (%zu)</h2>\n", h->verdicts[g->verdict]);
	for (i = 0; i < h->n; i++) {
		sc_result_list_brief(h->list, i, &b);
		if (brief_verdict(&b) != g->verdict)
			continue;
		h->at = i;
		html_result_full(h, sc_result_list_get(h->list, i));
	}
	sc_buf_puts(h->out, "</section>\n");
}

/* html_folded - passes, skips and not-runs, folded away */
static void html_folded(struct html *h)
{
	size_t i, k, total = 0;
	struct sc_result_brief b;
	enum sc_verdict v;
	int first = 1;

	for (k = 0; k < NELEM(folded); k++)
		total += h->verdicts[folded[k]];
	if (total == 0)
		return;
	sc_buf_puts(h->out, "<details class=\"fold group\" id=\"passed\">"
		    "<summary>");
	for (k = 0; k < NELEM(folded); k++) {
		v = folded[k];
		if (h->verdicts[v] == 0)
			continue;
		put_sep(h->out, &first);
		sc_buf_printf(h->out, "%s (%zu)", folded_titles[k],
			      h->verdicts[v]);
	}
	sc_buf_puts(h->out, "</summary>\n");
	for (k = 0; k < NELEM(folded); k++)
		for (i = 0; i < h->n; i++) {
			sc_result_list_brief(h->list, i, &b);
			if (brief_verdict(&b) != folded[k])
				continue;
			h->at = i;
			html_result_row(h, sc_result_list_get(h->list, i));
		}
	sc_buf_puts(h->out, "</details>\n");
}

/* html_tail - footer, the one script, end of document */
static void html_tail(struct html *h)
{
	sc_buf_puts(h->out, "<footer>smtpconf ");
	html_put_text(h->out, h->info->tool_version);
	sc_buf_puts(h->out, " &middot; the same results as JSON: "
		    "docs/json-format.md &middot; this page: "
		    "docs/html-report.md</footer>\n<script>");
	sc_buf_puts(h->out, html_js);
	sc_buf_puts(h->out, "</script>\n</body>\n</html>\n");
}

/* sc_report_html - the whole run as one self-contained HTML page */
int sc_report_html(struct sc_buf *out, const struct sc_run_info *info,
		   const struct sc_result *results, size_t n)
{
	struct sc_result_list l;

	if (results == NULL && n > 0)
		return SC_ERR_USAGE;
	sc_result_list_array(&l, results, n);
	return sc_report_html_list(out, info, &l);
}

/* sc_report_html_list - the same page, one result at a time from a list */
int sc_report_html_list(struct sc_buf *out, const struct sc_run_info *info,
			struct sc_result_list *l)
{
	struct html h;
	size_t i;

	if (out == NULL || info == NULL || l == NULL)
		return SC_ERR_USAGE;
	memset(&h, 0, sizeof(h));
	h.out = out;
	h.info = info;
	h.list = l;
	h.n = l->n;
	if (html_hash_source(html_css, strlen(html_css), h.style_hash,
			     sizeof(h.style_hash)) < 0 ||
	    html_hash_source(html_js, strlen(html_js), h.script_hash,
			     sizeof(h.script_hash)) < 0)
		return SC_ERR_UNSUPPORTED;	/* no SHA-256 in libcrypto */
	scan(&h);
	html_head(&h);
	html_headline(&h);
	sc_buf_puts(out, "<div class=\"cards\">\n");
	html_server(&h);
	html_run(&h);
	html_verdict(&h);
	sc_buf_puts(out, "</div>\n");
	html_areas(&h);
	html_filters(&h);
	html_failures(&h);
	for (i = 0; i < NELEM(open_groups); i++)
		html_group(&h, &open_groups[i]);
	html_folded(&h);
	html_tail(&h);
	html_free(&h);
	sc_buf_flush(out);
	if (l->failed || out->sink_error)
		return SC_ERR_IO;
	if (out->failed)
		return SC_ERR_NOMEM;
	return out->truncated ? SC_ERR_LIMIT : SC_OK;
}
