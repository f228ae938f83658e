/*
 * report_compare.c - pages over several runs: what changed between two
 * runs, and a matrix of verdicts with one column per server.
 *
 * They keep the single-run page's rules (report_html.c,
 * docs/html-report.md): one file that fetches nothing, every string
 * escaped on its way in (trusted text HTML-escaped; server text made
 * displayable first), and a Content-Security-Policy that allows the one
 * style sheet by its SHA-256 hash and no script at all.  The style
 * sheet is the single-run page's, plus a few rules for the tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "smtpconf/report_compare.h"
#include "smtpconf/escape.h"
#include "smtpconf/limits.h"
#include "report_html_assets.h"
#include "html_int.h"

#define NVERDICTS	(SC_VERDICT_NOTRUN + 1)
#define NLEVELS		(SC_LEVEL_MAY + 1)
/* A column header shows this much of the server's greeting. */
#define HEADER_CLIP	80

/* Rules for the tables, appended to the single-run style sheet. */
static const char table_css[] =
	"table.runs { border-collapse: collapse; margin: .5rem 0 1.5rem; }\n"
	"table.runs th, table.runs td {\n"
	"  border-bottom: 1px solid var(--line); padding: .25rem .6rem;\n"
	"  text-align: left; vertical-align: top;\n"
	"}\n"
	"table.runs th small { display: block; color: var(--muted);\n"
	"  font-weight: 400; overflow-wrap: anywhere; }\n"
	"table.runs td.obs {\n"
	"  color: var(--muted); overflow-wrap: anywhere;\n"
	"}\n";

/* change_names - indexed by enum sc_change */
static const char *const change_names[] = {
	[SC_CHANGE_SAME] = "unchanged",
	[SC_CHANGE_REGRESSION] = "regression",
	[SC_CHANGE_FIX] = "fixed",
	[SC_CHANGE_NEW] = "new",
	[SC_CHANGE_REMOVED] = "removed",
	[SC_CHANGE_OTHER] = "changed",
};

/* The sections of the comparison page, most urgent first. */
static const struct {
	enum sc_change change;
	const char *title;
} sections[] = {
	{ SC_CHANGE_REGRESSION, "Regressions" },
	{ SC_CHANGE_FIX, "Fixes" },
	{ SC_CHANGE_NEW, "New scenarios" },
	{ SC_CHANGE_REMOVED, "Removed scenarios" },
	{ SC_CHANGE_OTHER, "Other changes" },
};

/* level_classes - indexed by enum sc_level: the l-LEVEL colour class */
static const char *const level_classes[] = {
	"l-must", "l-security", "l-should", "l-may"
};

/* sc_change_name - the name of a change, for the terminal and the page */
const char *sc_change_name(enum sc_change c)
{
	if ((size_t)c < SC_CHANGE_COUNT)
		return change_names[c];
	return "changed";
}

/* id_of - a result's scenario id, "" when it has none */
static const char *id_of(const struct sc_result *r)
{
	return r && r->scenario && r->scenario->id ? r->scenario->id : "";
}

/* cmp_result - order result pointers by id, then by position */
static int cmp_result(const void *a, const void *b)
{
	const struct sc_result *ra = *(const struct sc_result *const *)a;
	const struct sc_result *rb = *(const struct sc_result *const *)b;
	int c = strcmp(id_of(ra), id_of(rb));

	if (c != 0)
		return c;
	return ra < rb ? -1 : ra > rb;
}

/* sorted - pointers to n results, sorted by id; NULL when out of memory */
static const struct sc_result **sorted(const struct sc_result *r, size_t n)
{
	const struct sc_result **p = calloc(n ? n : 1, sizeof(*p));
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		p[i] = &r[i];
	qsort(p, n, sizeof(*p), cmp_result);
	return p;
}

/* classify - what changed from old to cur (either may be NULL) */
static enum sc_change classify(const struct sc_result *old,
			       const struct sc_result *cur)
{
	if (old == NULL)
		return SC_CHANGE_NEW;
	if (cur == NULL)
		return SC_CHANGE_REMOVED;
	if (old->verdict == cur->verdict)
		return SC_CHANGE_SAME;
	if (old->verdict == SC_VERDICT_PASS &&
	    (cur->verdict == SC_VERDICT_FAIL ||
	     cur->verdict == SC_VERDICT_ERROR))
		return SC_CHANGE_REGRESSION;
	if (old->verdict == SC_VERDICT_FAIL && cur->verdict == SC_VERDICT_PASS)
		return SC_CHANGE_FIX;
	return SC_CHANGE_OTHER;
}

/* level_at_stake - a new failure's fail level, else the scenario's level */
static enum sc_level level_at_stake(const struct sc_result *old,
				    const struct sc_result *cur)
{
	const struct sc_result *r = cur ? cur : old;
	enum sc_level l;

	if (r->verdict == SC_VERDICT_FAIL || r->verdict == SC_VERDICT_WAIVED)
		l = r->fail_level;
	else
		l = r->scenario ? r->scenario->level : SC_LEVEL_MUST;
	return (size_t)l < NLEVELS ? l : SC_LEVEL_MUST;
}

/* add_row - one paired row */
static void add_row(struct sc_compare *c, const struct sc_result *old,
		    const struct sc_result *cur)
{
	struct sc_compare_row *row = &c->rows[c->n++];

	row->id = id_of(cur ? cur : old);
	row->old = old;
	row->cur = cur;
	row->change = classify(old, cur);
	row->level = level_at_stake(old, cur);
	c->counts[row->change]++;
	if (row->change == SC_CHANGE_REGRESSION)
		c->regressions_by_level[row->level]++;
}

/* sc_compare_build - pair two runs' results by id (a merge of sorted lists) */
int sc_compare_build(const struct sc_result *old, size_t nold,
		     const struct sc_result *cur, size_t ncur,
		     struct sc_compare *out)
{
	const struct sc_result **a, **b;
	size_t i = 0, j = 0;
	int c;

	memset(out, 0, sizeof(*out));
	a = sorted(old, nold);
	b = sorted(cur, ncur);
	out->rows = calloc(nold + ncur + 1, sizeof(*out->rows));
	if (a == NULL || b == NULL || out->rows == NULL) {
		free(a);
		free(b);
		sc_compare_free(out);
		return SC_ERR_NOMEM;
	}
	while (i < nold || j < ncur) {
		c = i >= nold ? 1 : j >= ncur ? -1 :
		    strcmp(id_of(a[i]), id_of(b[j]));
		if (c == 0)
			add_row(out, a[i++], b[j++]);
		else if (c < 0)
			add_row(out, a[i++], NULL);
		else
			add_row(out, NULL, b[j++]);
	}
	free(a);
	free(b);
	return SC_OK;
}

/* sc_compare_free - release the rows */
void sc_compare_free(struct sc_compare *c)
{
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------ */
/* Pieces of the pages.                                               */

/* put_verdict - a verdict badge; "none" when the run had no such result */
static void put_verdict(struct sc_buf *out, const struct sc_result *r)
{
	const char *name;

	if (r == NULL) {
		sc_buf_puts(out, "&mdash;");
		return;
	}
	name = sc_verdict_name((size_t)r->verdict < NVERDICTS ?
			       r->verdict : SC_VERDICT_ERROR);
	sc_buf_printf(out, "<span class=\"badge v-%s\">%s</span>", name,
		      name);
}

/* put_level - a level tag */
static void put_level(struct sc_buf *out, enum sc_level l)
{
	if ((size_t)l >= NLEVELS)
		l = SC_LEVEL_MUST;
	sc_buf_printf(out, "<span class=\"lvl %s\">%s</span>",
		      level_classes[l], sc_level_name(l));
}

/*
 * page_head - doctype, policy, title and the style sheet.  The policy
 * names the sheet by its hash and allows no script: these pages have
 * no filters, so html_js (the single-run page's script) stays out.
 */
static int page_head(struct sc_buf *out, const char *title)
{
	struct sc_buf css;
	char hash[64];
	int rc;

	(void)html_js;
	sc_buf_init(&css, 0);
	sc_buf_puts(&css, html_css);
	sc_buf_puts(&css, table_css);
	rc = html_hash_source(sc_buf_cstr(&css), css.len, hash, sizeof(hash));
	if (rc == 0 && !css.failed) {
		sc_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n"
			    "<head>\n<meta charset=\"utf-8\">\n");
		sc_buf_printf(out, "<meta http-equiv=\"Content-Security-"
			      "Policy\" content=\"default-src 'none'; "
			      "style-src %s; script-src 'none'; img-src "
			      "data:; base-uri 'none'; form-action 'none'\">"
			      "\n", hash);
		sc_buf_puts(out, "<meta name=\"viewport\" content=\"width="
			    "device-width, initial-scale=1\">\n<meta name="
			    "\"referrer\" content=\"no-referrer\">\n<title>");
		html_put_text(out, title);
		sc_buf_puts(out, "</title>\n<link rel=\"icon\" href=\"data:,"
			    "\">\n<style>");
		sc_buf_append(out, css.data, css.len);
		sc_buf_puts(out, "</style>\n</head>\n<body>\n");
	}
	sc_buf_free(&css);
	return rc == 0 ? SC_OK : SC_ERR_UNSUPPORTED;
}

/* page_tail - footer and the end of the document */
static int page_tail(struct sc_buf *out)
{
	sc_buf_puts(out, "<footer>smtpconf &middot; this page: "
		    "docs/html-report.md</footer>\n</body>\n</html>\n");
	if (out->failed)
		return SC_ERR_NOMEM;
	return out->truncated ? SC_ERR_LIMIT : SC_OK;
}

/* put_banner_line - the first line of the server's greeting, displayed */
static void put_banner_line(struct sc_buf *out, const struct sc_run_info *i)
{
	const struct sc_server_info *s = i->server;
	size_t n;

	if (s == NULL || s->banner == NULL)
		return;
	for (n = 0; n < s->banner_len && s->banner[n] != '\r' &&
	     s->banner[n] != '\n'; n++)
		;
	html_put_display(out, s->banner, n, HEADER_CLIP);
}

/* put_run_card - one run: target, greeting, start, command line */
static void put_run_card(struct sc_buf *out, const char *label,
			 const struct sc_run_info *i)
{
	sc_buf_printf(out, "<section class=\"card\"><h2>%s</h2>\n"
		      "<dl class=\"kv\"><dt>target</dt><dd>", label);
	html_put_text(out, i->target ? i->target : "unknown");
	sc_buf_puts(out, "</dd><dt>greeting</dt><dd><code>");
	put_banner_line(out, i);
	sc_buf_puts(out, "</code></dd><dt>started</dt><dd>");
	html_put_utc(out, i->started_unix_ms);
	sc_buf_puts(out, "</dd><dt>command</dt><dd><code>");
	html_put_text(out, i->command_line);
	sc_buf_puts(out, "</code></dd></dl></section>\n");
}

/* ------------------------------------------------------------------ */
/* The comparison page.                                               */

/* put_change_row - one scenario that changed */
static void put_change_row(struct sc_buf *out, const struct sc_compare_row *r)
{
	const struct sc_result *shown = r->cur ? r->cur : r->old;

	sc_buf_puts(out, "<tr><td><code>");
	html_put_text(out, r->id);
	sc_buf_puts(out, "</code></td><td>");
	put_level(out, r->level);
	sc_buf_puts(out, "</td><td>");
	put_verdict(out, r->old);
	sc_buf_puts(out, " &rarr; ");
	put_verdict(out, r->cur);
	sc_buf_puts(out, "</td><td class=\"obs\">");
	html_put_safe(out, shown->observed ? shown->observed : shown->reason,
		 SC_DISPLAY_CLIP);
	sc_buf_puts(out, "</td></tr>\n");
}

/* put_section - one kind of change as a table (nothing when none) */
static void put_section(struct sc_buf *out, const struct sc_compare *c,
			enum sc_change kind, const char *title)
{
	size_t i;

	if (c->counts[kind] == 0)
		return;
	sc_buf_printf(out, "<h2 id=\"%s\">%s (%zu)</h2>\n<table class=\"runs"
		      "\"><tr><th>scenario</th><th>level</th><th>old &rarr; "
		      "new</th><th>observed now</th></tr>\n",
		      sc_change_name(kind), title, c->counts[kind]);
	for (i = 0; i < c->n; i++)
		if (c->rows[i].change == kind)
			put_change_row(out, &c->rows[i]);
	sc_buf_puts(out, "</table>\n");
}

/* put_compare_headline - the counts of each kind of change */
static void put_compare_headline(struct sc_buf *out,
				 const struct sc_compare *c)
{
	size_t i;

	sc_buf_puts(out, "<h1>smtpconf comparison</h1>\n"
		    "<ul class=\"counts\">");
	for (i = 0; i < SC_CHANGE_COUNT; i++)
		sc_buf_printf(out, "<li><span class=\"n\">%zu</span> %s</li>",
			      c->counts[i], change_names[i]);
	sc_buf_printf(out, "</ul>\n<p>MUST-level regressions: %zu</p>\n",
		      c->regressions_by_level[SC_LEVEL_MUST]);
}

/* sc_report_compare_html - the changes between two runs as one page */
int sc_report_compare_html(struct sc_buf *out, const struct sc_run_info *old,
			   const struct sc_run_info *cur,
			   const struct sc_compare *c)
{
	size_t i;
	int rc;

	if (out == NULL || old == NULL || cur == NULL || c == NULL)
		return SC_ERR_USAGE;
	if ((rc = page_head(out, "smtpconf: comparison")) != SC_OK)
		return rc;
	put_compare_headline(out, c);
	sc_buf_puts(out, "<div class=\"cards\">\n");
	put_run_card(out, "Old run", old);
	put_run_card(out, "New run", cur);
	sc_buf_puts(out, "</div>\n");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		put_section(out, c, sections[i].change, sections[i].title);
	return page_tail(out);
}

/* ------------------------------------------------------------------ */
/* The matrix page.                                                   */

/* cmp_id - order id strings */
static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* all_ids - every id of every column, sorted, once each; *n set */
static const char **all_ids(const struct sc_matrix_column *cols,
			    size_t ncols, size_t *n)
{
	const char **ids;
	size_t i, j, total = 0, k = 0;

	for (i = 0; i < ncols; i++)
		total += cols[i].n;
	if ((ids = calloc(total ? total : 1, sizeof(*ids))) == NULL)
		return NULL;
	for (i = 0; i < ncols; i++)
		for (j = 0; j < cols[i].n; j++)
			ids[k++] = id_of(&cols[i].results[j]);
	qsort(ids, total, sizeof(*ids), cmp_id);
	for (i = 0, k = 0; i < total; i++)
		if (k == 0 || strcmp(ids[k - 1], ids[i]) != 0)
			ids[k++] = ids[i];
	*n = k;
	return ids;
}

/* find - the result with this id in a sorted list, NULL when absent */
static const struct sc_result *find(const struct sc_result **list, size_t n,
				    const char *id)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(id_of(list[mid]), id);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(id_of(list[lo]), id) == 0 ? list[lo] : NULL;
}

/* put_matrix_header - one column per server: target, then its greeting */
static void put_matrix_header(struct sc_buf *out,
			      const struct sc_matrix_column *cols,
			      size_t ncols)
{
	size_t i;

	sc_buf_puts(out, "<table class=\"runs\"><tr><th>scenario</th>"
		    "<th>level</th>");
	for (i = 0; i < ncols; i++) {
		sc_buf_puts(out, "<th>");
		html_put_text(out, cols[i].info->target ? cols[i].info->target :
			 "unknown");
		sc_buf_puts(out, "<small>");
		put_banner_line(out, cols[i].info);
		sc_buf_puts(out, "</small></th>");
	}
	sc_buf_puts(out, "</tr>\n");
}

/* put_matrix_row - one scenario across the servers */
static void put_matrix_row(struct sc_buf *out, const char *id,
			   const struct sc_result ***lists,
			   const struct sc_matrix_column *cols, size_t ncols)
{
	const struct sc_result *r, *any = NULL;
	size_t i;

	for (i = 0; i < ncols && any == NULL; i++)
		any = find(lists[i], cols[i].n, id);
	sc_buf_puts(out, "<tr><td><code>");
	html_put_text(out, id);
	sc_buf_puts(out, "</code></td><td>");
	if (any != NULL && any->scenario != NULL)
		put_level(out, any->scenario->level);
	sc_buf_puts(out, "</td>");
	for (i = 0; i < ncols; i++) {
		r = find(lists[i], cols[i].n, id);
		sc_buf_puts(out, "<td>");
		put_verdict(out, r);
		sc_buf_puts(out, "</td>");
	}
	sc_buf_puts(out, "</tr>\n");
}

/* free_lists - release the per-column sorted lists */
static void free_lists(const struct sc_result ***lists, size_t ncols)
{
	size_t i;

	for (i = 0; lists != NULL && i < ncols; i++)
		free(lists[i]);
	free(lists);
}

/* sc_report_matrix_html - one row per scenario id, one column per server */
int sc_report_matrix_html(struct sc_buf *out,
			  const struct sc_matrix_column *cols, size_t ncols)
{
	const struct sc_result ***lists;
	const char **ids = NULL;
	size_t i, nids = 0;
	int rc = SC_ERR_NOMEM;

	if (out == NULL || cols == NULL || ncols == 0)
		return SC_ERR_USAGE;
	lists = calloc(ncols, sizeof(*lists));
	for (i = 0; lists != NULL && i < ncols; i++)
		if ((lists[i] = sorted(cols[i].results, cols[i].n)) == NULL)
			break;
	if (lists != NULL && i == ncols)
		ids = all_ids(cols, ncols, &nids);
	if (ids != NULL)
		rc = page_head(out, "smtpconf: matrix");
	if (ids != NULL && rc == SC_OK) {
		sc_buf_printf(out, "<h1>smtpconf matrix</h1>\n<p>%zu scenarios"
			      " &times; %zu servers</p>\n", nids, ncols);
		put_matrix_header(out, cols, ncols);
		for (i = 0; i < nids; i++)
			put_matrix_row(out, ids[i], lists, cols, ncols);
		sc_buf_puts(out, "</table>\n");
		rc = page_tail(out);
	}
	free(ids);
	free_lists(lists, ncols);
	return rc;
}
