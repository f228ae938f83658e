/*
 * report_junit.c - JUnit XML for Jenkins and GitLab.
 *
 * The shape is the one both read (the Ant JUnit schema): one
 * <testsuite> inside <testsuites>, one <testcase> per scenario.
 * FAIL and ERROR stay apart as in every other output:
 *
 *	fail            <failure type="MUST|security|SHOULD|MAY">
 *	error           <error type="error|unreachable">
 *	skip, notrun    <skipped>
 *	waived          passes, with <system-out>waived: reason</system-out>
 *	pass            an empty <testcase/>
 *
 * A SHOULD or MAY failure is a <failure> too: its type carries the
 * level, and smtpconf's exit code, not the CI's reading of JUnit,
 * decides what blocks.  Server text is display-escaped (no control
 * bytes, no invalid UTF-8) and then XML-escaped, so the document is
 * well-formed and inert whatever the server sent.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "smtpconf/report.h"
#include "smtpconf/escape.h"
#include "smtpconf/limits.h"

/* Bytes of the reason shown in a message="" attribute. */
#define JUNIT_MESSAGE_CLIP	200

/* Counts for the <testsuite> attributes. */
struct junit_counts {
	size_t tests;
	size_t failures;
	size_t errors;
	size_t skipped;
};

/* tx_prefixes - transcript line prefixes, indexed by enum sc_tx_kind */
static const char *const tx_prefixes[] = {
	[SC_TX_SEND] = "C: ",
	[SC_TX_REPLY] = "S: ",
	[SC_TX_EVENT] = "*  ",
};
#define NTX_KINDS (sizeof(tx_prefixes) / sizeof(tx_prefixes[0]))

/* put_xml_str - XML-escape a trusted C string (NULL is "") */
static void put_xml_str(struct sc_buf *out, const char *s)
{
	if (s != NULL)
		sc_escape_xml(out, s, strlen(s));
}

/* put_attr - name="escaped value" with a leading space */
static void put_attr(struct sc_buf *out, const char *name, const char *value)
{
	sc_buf_printf(out, " %s=\"", name);
	put_xml_str(out, value);
	sc_buf_putc(out, '"');
}

/* put_attr_safe - an attribute from server text: display, then XML */
static void put_attr_safe(struct sc_buf *out, const char *name,
			  const char *s, size_t n, size_t clip)
{
	struct sc_buf d;

	sc_buf_init(&d, 0);
	sc_escape_redisplay(&d, s ? s : "", s ? n : 0, clip);
	sc_buf_printf(out, " %s=\"", name);
	sc_escape_xml(out, d.data ? d.data : "", d.len);
	sc_buf_putc(out, '"');
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/* put_seconds - milliseconds as "s.sss" */
static void put_seconds(struct sc_buf *out, const char *name, long long ms)
{
	if (ms < 0)
		ms = 0;
	sc_buf_printf(out, " %s=\"%lld.%03lld\"", name, ms / 1000, ms % 1000);
}

/* put_timestamp - Ant schema dateTime, UTC, no zone: 2024-05-01T12:00:00 */
static void put_timestamp(struct sc_buf *out, long long ms)
{
	long long secs = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)secs;
	struct tm tm;
	char when[64];

	if ((long long)t != secs || gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return;
	put_attr(out, "timestamp", when);
}

/* count_results - the <testsuite> totals */
static void count_results(const struct sc_result_list *l,
			  struct junit_counts *c)
{
	struct sc_result_brief b;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->tests = l->n;
	for (i = 0; i < l->n; i++) {
		sc_result_list_brief(l, i, &b);
		switch (b.verdict) {
		case SC_VERDICT_FAIL:
			c->failures++;
			break;
		case SC_VERDICT_ERROR:
			c->errors++;
			break;
		case SC_VERDICT_SKIP:
		case SC_VERDICT_NOTRUN:
			c->skipped++;
			break;
		default:
			break;
		}
	}
}

/* put_counts - tests= failures= errors= skipped= time= */
static void put_counts(struct sc_buf *out, const struct junit_counts *c,
		       long long ms)
{
	sc_buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\""
		      " skipped=\"%zu\"", c->tests, c->failures, c->errors,
		      c->skipped);
	put_seconds(out, "time", ms);
}

/* put_property - <property name= value=/> with a trusted value */
static void put_property(struct sc_buf *out, const char *indent,
			 const char *name, const char *value)
{
	sc_buf_puts(out, indent);
	sc_buf_puts(out, "<property");
	put_attr(out, "name", name);
	put_attr(out, "value", value ? value : "");
	sc_buf_puts(out, "/>\n");
}

/* put_server_text - <property> whose value is server text, escaped */
static void put_server_text(struct sc_buf *out, const char *name,
			    const char *value, size_t cap)
{
	sc_buf_puts(out, "      <property");
	put_attr(out, "name", name);
	put_attr_safe(out, "value", value, strnlen(value, cap),
		      SC_DISPLAY_CLIP);
	sc_buf_puts(out, "/>\n");
}

/* put_tls_properties - the TLS the probe saw: tls_protocol, tls_cipher, ... */
static void put_tls_properties(struct sc_buf *out,
			       const struct sc_server_info *s)
{
	const struct sc_tls_info *t = &s->tls;

	if (!t->done && s->tls_error[0] == '\0')
		return;
	put_property(out, "      ", "tls_mode", sc_tls_mode_name(s->tls_mode));
	if (s->tls_error[0] != '\0')
		put_server_text(out, "tls_error", s->tls_error,
				sizeof(s->tls_error));
	if (!t->done)
		return;
	put_property(out, "      ", "tls_protocol", t->protocol);
	put_property(out, "      ", "tls_cipher", t->cipher);
	if (t->have_cert) {
		put_server_text(out, "tls_subject", t->subject,
				sizeof(t->subject));
		put_server_text(out, "tls_issuer", t->issuer,
				sizeof(t->issuer));
	}
	put_property(out, "      ", "tls_verified",
		     t->verify_ok ? "true" : "false");
	put_property(out, "      ", "tls_verify_result", t->verify);
}

/* put_properties - target, tool version, server banner, ... */
static void put_properties(struct sc_buf *out, const struct sc_run_info *info)
{
	const struct sc_server_info *s = info->server;

	sc_buf_puts(out, "    <properties>\n");
	put_property(out, "      ", "target", info->target);
	put_property(out, "      ", "tool_version", info->tool_version);
	put_property(out, "      ", "command_line", info->command_line);
	put_property(out, "      ", "interrupted",
		     info->interrupted ? "true" : "false");
	if (s != NULL && s->banner != NULL) {
		sc_buf_puts(out, "      <property name=\"server_banner\"");
		put_attr_safe(out, "value", s->banner, s->banner_len,
			      SC_DISPLAY_CLIP);
		sc_buf_puts(out, "/>\n");
	}
	if (s != NULL)
		put_tls_properties(out, s);
	if (s != NULL && s->error[0] != '\0') {
		sc_buf_puts(out, "      <property name=\"server_error\"");
		put_attr_safe(out, "value", s->error,
			      strnlen(s->error, sizeof(s->error)),
			      SC_DISPLAY_CLIP);
		sc_buf_puts(out, "/>\n");
	}
	sc_buf_puts(out, "    </properties>\n");
}

/* put_text_line - "label" + server text, display- then XML-escaped, LF */
static void put_text_line(struct sc_buf *out, const char *label,
			  const char *s, size_t n, size_t clip)
{
	struct sc_buf d;

	sc_buf_init(&d, 0);
	sc_buf_puts(&d, label);
	sc_escape_redisplay(&d, s, n, clip);
	sc_escape_xml(out, d.data ? d.data : "", d.len);
	sc_buf_putc(out, '\n');
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/* put_trusted_line - "label" + trusted text, XML-escaped, LF */
static void put_trusted_line(struct sc_buf *out, const char *label,
			     const char *s)
{
	put_xml_str(out, label);
	put_xml_str(out, s);
	sc_buf_putc(out, '\n');
}

/* many_sessions - does the transcript switch between sessions? */
static int many_sessions(const struct sc_result *r)
{
	size_t i;

	for (i = 1; r->tx != NULL && i < r->ntx; i++)
		if (strncmp(r->tx[i].session, r->tx[0].session,
			    sizeof(r->tx[0].session)) != 0)
			return 1;
	return 0;
}

/* line_end - end of the line starting at p: after its LF, or the end */
static size_t line_end(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);

	return nl ? (size_t)(nl - p) + 1 : n;
}

/*
 * put_clipped - display up to clip bytes of a line (0: all), never
 * splitting a character, then one summary of what was left out: the
 * rest of the line plus `unkept` bytes the result did not keep.
 */
static void put_clipped(struct sc_buf *d, const char *p, size_t len,
			size_t clip, size_t unkept)
{
	size_t cut = 0, step;

	while (cut < len) {
		step = sc_utf8_seq_len((const unsigned char *)p + cut,
				       len - cut);
		if (step == 0)
			step = 1;
		if (clip && cut + step > clip)
			break;
		cut += step;
	}
	sc_escape_display(d, p, cut, 0);
	if (len - cut + unkept > 0)
		sc_buf_printf(d, "...[%zu more bytes]", len - cut + unkept);
}

/*
 * put_tx_entry - one entry, one output line per line it holds.  A CRLF
 * ending is the norm and is not shown; a bare LF or CR stays visible
 * as \n or \r because it is often the very thing being tested.
 */
static void put_tx_entry(struct sc_buf *out, const struct sc_tx_entry *e,
			 int sessions)
{
	const char *p = e->bytes ? e->bytes : "";
	size_t n = e->bytes ? e->len : 0, i = 0, len, show;
	struct sc_buf d;

	sc_buf_init(&d, 0);
	do {
		len = line_end(p + i, n - i);
		show = len;
		if (show >= 2 && p[i + show - 2] == '\r' &&
		    p[i + show - 1] == '\n')
			show -= 2;
		sc_buf_puts(&d, (size_t)e->kind < NTX_KINDS ?
			    tx_prefixes[e->kind] : "*  ");
		if (sessions)
			sc_buf_printf(&d, "[%.*s] ", (int)sizeof(e->session),
				      e->session);
		i += len;
		put_clipped(&d, p + i - len, show, SC_DISPLAY_CLIP,
			    i >= n && e->wire_len > n ? e->wire_len - n : 0);
		if (i >= n && e->failed)
			sc_buf_puts(&d, "    <== failed here");
		sc_escape_xml(out, d.data ? d.data : "", d.len);
		sc_buf_putc(out, '\n');
		sc_buf_reset(&d);
	} while (i < n);
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/*
 * put_server_output - the managed server's output during the scenario
 * (with a crash: its last output), one display-escaped line per line
 * it printed: a crash or sanitizer report is the first thing a
 * developer reads.
 */
static void put_server_output(struct sc_buf *out, const struct sc_result *r)
{
	struct sc_buf d;

	if (r->server_output == NULL || r->server_output_len == 0)
		return;
	sc_buf_init(&d, 0);
	sc_buf_puts(&d, "\nserver output (last bytes):\n");
	sc_escape_display_lines(&d, r->server_output, r->server_output_len,
				"|  ");
	sc_escape_xml(out, sc_buf_cstr(&d), d.len);
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/* put_details - the body of failure/error/system-out: facts, transcript */
static void put_details(struct sc_buf *out, const struct sc_result *r)
{
	const struct sc_scenario *s = r->scenario;
	int sessions = many_sessions(r);
	size_t i;

	sc_buf_putc(out, '\n');
	if (s != NULL && s->rfc != NULL)
		put_trusted_line(out, "rfc: ", s->rfc);
	if (r->verdict == SC_VERDICT_FAIL || r->verdict == SC_VERDICT_WAIVED)
		put_trusted_line(out, "level: ", sc_level_name(r->fail_level));
	if (r->fail_line > 0) {
		put_xml_str(out, "at: ");
		put_xml_str(out, s && s->path ? s->path : "scenario line");
		sc_buf_printf(out, ":%u\n", r->fail_line);
	}
	if (s != NULL && s->quote != NULL)
		put_trusted_line(out, "quote: ", s->quote);
	if (r->expected != NULL)
		put_trusted_line(out, "expected: ", r->expected);
	if (r->observed != NULL)
		put_text_line(out, "observed: ", r->observed,
			      strlen(r->observed), 0);
	if (r->reason != NULL)
		put_text_line(out, "reason: ", r->reason, strlen(r->reason),
			      0);
	if (r->ntx > 0 || r->tx_dropped > 0)
		sc_buf_puts(out, "\ntranscript:\n");
	for (i = 0; r->tx != NULL && i < r->ntx; i++)
		put_tx_entry(out, &r->tx[i], sessions);
	if (r->tx_dropped > 0)
		sc_buf_printf(out, "*  [%zu more transcript entries not "
			      "kept]\n", r->tx_dropped);
}

/* put_outcome_element - <failure>, <error> with message, type and body */
static void put_outcome_element(struct sc_buf *out, const char *element,
				const char *type, const struct sc_result *r,
				const char *fallback)
{
	const char *m = r->reason ? r->reason : fallback;

	sc_buf_printf(out, "      <%s", element);
	put_attr_safe(out, "message", m, strcspn(m, "\r\n"),
		      JUNIT_MESSAGE_CLIP);
	put_attr(out, "type", type);
	sc_buf_putc(out, '>');
	put_details(out, r);
	sc_buf_printf(out, "</%s>\n", element);
}

/* put_skipped - <skipped message=.../> */
static void put_skipped(struct sc_buf *out, const struct sc_result *r,
			const char *fallback)
{
	const char *m = r->reason ? r->reason : fallback;

	sc_buf_puts(out, "      <skipped");
	put_attr_safe(out, "message", m, strcspn(m, "\r\n"),
		      JUNIT_MESSAGE_CLIP);
	sc_buf_puts(out, "/>\n");
}

/* put_waived - a pass that says it was waived, and why */
static void put_waived(struct sc_buf *out, const struct sc_result *r)
{
	const char *why = r->waiver ? r->waiver : "";

	sc_buf_puts(out, "      <properties>\n");
	put_property(out, "        ", "waived", why);
	sc_buf_puts(out, "      </properties>\n      <system-out>");
	put_trusted_line(out, "waived: ", why);
	put_details(out, r);
	put_server_output(out, r);
	sc_buf_puts(out, "</system-out>\n");
}

/* put_system_out - <system-out> with the server's output, if it had any */
static void put_system_out(struct sc_buf *out, const struct sc_result *r)
{
	/* A waived result's system-out already holds it: only one. */
	if (r->server_output == NULL || r->server_output_len == 0 ||
	    r->verdict == SC_VERDICT_WAIVED)
		return;
	sc_buf_puts(out, "      <system-out>");
	put_server_output(out, r);
	sc_buf_puts(out, "</system-out>\n");
}

/* put_outcome - the child elements a verdict calls for */
static void put_outcome(struct sc_buf *out, const struct sc_result *r)
{
	switch (r->verdict) {
	case SC_VERDICT_FAIL:
		put_outcome_element(out, "failure",
				    sc_level_name(r->fail_level), r,
				    "scenario failed");
		break;
	case SC_VERDICT_ERROR:
		put_outcome_element(out, "error", r->unreachable ?
				    "unreachable" : "error", r,
				    "scenario could not run");
		break;
	case SC_VERDICT_SKIP:
		put_skipped(out, r, "skipped");
		break;
	case SC_VERDICT_NOTRUN:
		put_skipped(out, r, "not run: the run was interrupted");
		break;
	case SC_VERDICT_WAIVED:
		put_waived(out, r);
		break;
	default:
		break;
	}
}

/* put_classname - "smtpconf.<area>", area being the id's first component */
static void put_classname(struct sc_buf *out, const char *id)
{
	size_t area = id ? strcspn(id, "/") : 0;

	sc_buf_puts(out, " classname=\"smtpconf");
	if (id != NULL && id[area] == '/' && area > 0) {
		sc_buf_putc(out, '.');
		sc_escape_xml(out, id, area);
	}
	sc_buf_putc(out, '"');
}

/* put_testcase - one <testcase> */
static void put_testcase(struct sc_buf *out, const struct sc_result *r)
{
	const char *id = r->scenario ? r->scenario->id : NULL;

	sc_buf_puts(out, "    <testcase");
	put_classname(out, id);
	put_attr(out, "name", id ? id : "(unnamed)");
	put_seconds(out, "time", r->duration_ms);
	if ((r->verdict == SC_VERDICT_PASS ||
	     (size_t)r->verdict > SC_VERDICT_NOTRUN) &&
	    (r->server_output == NULL || r->server_output_len == 0)) {
		sc_buf_puts(out, "/>\n");
		return;
	}
	sc_buf_puts(out, ">\n");
	put_outcome(out, r);
	put_system_out(out, r);
	sc_buf_puts(out, "    </testcase>\n");
}

/* sc_report_junit - JUnit XML, one testcase per scenario */
int sc_report_junit(struct sc_buf *out, const struct sc_run_info *info,
		    const struct sc_result *results, size_t n)
{
	struct sc_result_list l;

	if (results == NULL && n > 0)
		return SC_ERR_USAGE;
	sc_result_list_array(&l, results, n);
	return sc_report_junit_list(out, info, &l);
}

/* sc_report_junit_list - the same, one result at a time from a list */
int sc_report_junit_list(struct sc_buf *out, const struct sc_run_info *info,
			 struct sc_result_list *l)
{
	struct junit_counts c;
	size_t i;

	if (out == NULL || info == NULL || l == NULL)
		return SC_ERR_USAGE;
	count_results(l, &c);
	sc_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<testsuites name=\"smtpconf\"");
	put_counts(out, &c, info->duration_ms);
	sc_buf_puts(out, ">\n  <testsuite name=\"smtpconf\"");
	put_counts(out, &c, info->duration_ms);
	put_timestamp(out, info->started_unix_ms);
	sc_buf_puts(out, ">\n");
	put_properties(out, info);
	for (i = 0; i < l->n; i++)
		put_testcase(out, sc_result_list_get(l, i));
	sc_buf_puts(out, "  </testsuite>\n</testsuites>\n");
	sc_buf_flush(out);
	if (l->failed || out->sink_error)
		return SC_ERR_IO;
	if (out->failed)
		return SC_ERR_NOMEM;
	return out->truncated ? SC_ERR_LIMIT : SC_OK;
}
