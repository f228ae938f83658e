/*
 * test_report_html.c - the HTML report (sc_report_html, report.h).
 *
 * The page is checked by a small independent HTML tag scanner written
 * here (tag and attribute allow-lists, no event handler attributes, no
 * raw '<' in text, one script, one style sheet), by an independent
 * UTF-8 check (RFC 3629 section 4), and by recomputing the SHA-256
 * hashes that its Content-Security-Policy names (CSP Level 3 2.3.1
 * hash-source: base64 of the digest of the element's text).  Hostile
 * server text of every kind must come out inert and visible in the
 * display form escape.h documents; counts, order, the failing step and
 * the RFC links are derived from the fixture, not from the output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include "cunit_main.h"
#include "smtpconf/report.h"
#include "smtpconf/codes.h"

/* ------------------------------------------------------------------ */
/* Hostile server text.                                               */

#define HOSTILE "<script>alert(1)</script> \"'><img src=x " \
		"onerror=alert(1)> </textarea> ]]> \0 \x1b[31m " \
		"\xff\xfe \xe2\x80\xae end"
#define HOSTILE_LEN (sizeof(HOSTILE) - 1)

/* How escape.h's display form shows the hostile bytes, HTML-escaped. */
static const char *const hostile_shown[] = {
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;",
	"&lt;/textarea&gt; ]]&gt;",
	"\\0 \\x1b[31m \\xff\\xfe \\xe2\\x80\\xae end",
};

/* ------------------------------------------------------------------ */
/* The fixture: one run with every verdict, every level, one hostile.  */

static char *tags_verb[] = { "core", "reply-codes" };
static char *tags_evil[] = { "x\"onmouseover=alert(1)", "<b>" };

enum { R_SHOULD, R_MUST, R_SEC, R_PASS1, R_PASS2, R_SKIP, R_ERROR,
       R_WAIVED, R_NOTRUN, NRES };

static struct sc_scenario scen[NRES] = {
	[R_SHOULD] = { .id = "rfc5321/unknown-verb/letters",
	  .path = "scenarios/rfc5321/unknown-verb/letters.smtp",
	  .title = "An unrecognized verb gets 500", .rfc = "5321 4.2.4, "
	  "4.3.2", .level = SC_LEVEL_SHOULD, .tags = tags_verb, .ntags = 2,
	  .quote = "If the command is not recognized, code 500 SHOULD be "
	  "returned.", .why = "502 claims the verb is known." },
	[R_MUST] = { .id = "rfc5321/rset/clears", .title = "RSET clears",
	  .rfc = "5321 4.1.1.5", .level = SC_LEVEL_MUST, .tags = tags_evil,
	  .ntags = 2 },
	[R_SEC] = { .id = "rfc3207/starttls/auth-plain",
	  .title = "No AUTH PLAIN in clear", .rfc = "3207 5",
	  .level = SC_LEVEL_SECURITY },
	[R_PASS1] = { .id = "rfc5321/ehlo/basic", .title = "EHLO gets 250",
	  .rfc = "5321 4.1.1.1", .level = SC_LEVEL_MUST,
	  .tags = tags_verb, .ntags = 1 },
	[R_PASS2] = { .id = "rfc5321/ehlo/no-argument",
	  .title = "EHLO needs a domain", .rfc = "5321",
	  .level = SC_LEVEL_SHOULD },
	[R_SKIP] = { .id = "rfc1870/size/limit", .title = "SIZE limit",
	  .rfc = "1870 D.1", .level = SC_LEVEL_MAY },
	[R_ERROR] = { .id = "rfc5321/quit/basic", .title = "QUIT gets 221",
	  .rfc = "5321 4.1.1.10", .level = SC_LEVEL_MUST },
	[R_WAIVED] = { .id = "rfc5321/vrfy/basic",
	  .title = "VRFY <script>alert(2)</script>",
	  .rfc = "5321 3.5.3\"><script>", .level = SC_LEVEL_MUST },
	[R_NOTRUN] = { .id = "toplevel", .title = "late", .rfc = "5321",
	  .level = SC_LEVEL_MUST },
};

/* What the fixture holds, counted by hand from the table above. */
static const size_t want_verdicts[] = {
	[SC_VERDICT_PASS] = 2, [SC_VERDICT_FAIL] = 3, [SC_VERDICT_SKIP] = 1,
	[SC_VERDICT_ERROR] = 1, [SC_VERDICT_WAIVED] = 1,
	[SC_VERDICT_NOTRUN] = 1,
};
static const char *const verdict_words[] = {
	"passed", "failed", "skipped", "errors", "waived", "not run",
};
/* The page's order: failures MUST, security, SHOULD; errors; waived;
 * then the folded passes, skips and not-runs. */
static const int page_order[] = {
	R_MUST, R_SEC, R_SHOULD, R_ERROR, R_WAIVED, R_PASS1, R_PASS2,
	R_SKIP, R_NOTRUN,
};

struct fixture {
	struct sc_result res[NRES];
	struct sc_server_info server;
	struct sc_run_info info;
	struct sc_buf out;
	int rc;
};

/* add_tx - append a transcript entry; mark it failed when asked */
static void add_tx(struct sc_result *r, enum sc_tx_kind k, const char *ses,
		   const char *bytes, size_t len, int failed)
{
	long long t = (long long)r->ntx * 3;
	long i = sc_result_add_tx(r, k, ses, bytes, len, len, t,
				  (unsigned)r->ntx + 10);

	CU_ASSERT_FATAL(i >= 0);
	r->tx[i].failed = failed;
}

/* fixture_should - a SHOULD failure: 502 for an unknown verb */
static void fixture_should(struct sc_result *r)
{
	static const char ehlo[] = "250-mx.example.org\r\n250 PIPELINING\r\n";

	r->verdict = SC_VERDICT_FAIL;
	r->fail_level = SC_LEVEL_SHOULD;
	r->fail_line = 15;
	r->reason = strdup("the server replied 502. 502 claims the verb is "
			   "known.");
	r->expected = strdup("500 (Syntax error, command unrecognized)");
	r->observed = strdup("502 Command not implemented");
	add_tx(r, SC_TX_EVENT, "main", "connected", 9, 0);
	add_tx(r, SC_TX_SEND, "main", "EHLO x\r\n", 8, 0);
	add_tx(r, SC_TX_REPLY, "main", ehlo, sizeof(ehlo) - 1, 0);
	add_tx(r, SC_TX_SEND, "main", "XYZZY\r\n", 7, 0);
	add_tx(r, SC_TX_REPLY, "main", "502 5.5.1 nope\r\n", 16, 1);
}

/* fixture_must - a MUST failure whose server text is all hostile */
static void fixture_must(struct sc_result *r)
{
	static const char reply[] = "250-" HOSTILE "\r\n250 ok\r\n";
	static const char fail[] = "550-first\r\n550 5.1.1 bare\nlf\r\n";
	static const char obs[] = "550 User unknown, server said \"\x1b[31m"
				  "<img src=x onerror=alert(1)>\xff\xe2\x80"
				  "\xae\"";
	char *big = malloc(SC_TRANSCRIPT_ENTRY_KEEP + 50);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	r->verdict = SC_VERDICT_FAIL;
	r->fail_level = SC_LEVEL_MUST;
	r->fail_line = 21;
	r->reason = malloc(HOSTILE_LEN + 1);
	/* As a C string the reason ends at the NUL inside HOSTILE. */
	memcpy(r->reason, HOSTILE, HOSTILE_LEN + 1);
	r->observed = strdup(obs);
	add_tx(r, SC_TX_SEND, "main", "EHLO x\r\n", 8, 0);
	add_tx(r, SC_TX_REPLY, "s2", reply, sizeof(reply) - 1, 0);
	memset(big, 'A', SC_TRANSCRIPT_ENTRY_KEEP + 50);
	add_tx(r, SC_TX_SEND, "s2", big, SC_TRANSCRIPT_ENTRY_KEEP + 50, 0);
	add_tx(r, SC_TX_REPLY, "s2", fail, sizeof(fail) - 1, 1);
	r->tx_dropped = 4;
	free(big);
}

/* fixture_server - a greeting and capabilities with hostile bytes */
static void fixture_server(struct sc_server_info *s)
{
	static const char banner[] = "220-mx.example.org " HOSTILE "\r\n"
				     "220 ready\r\n";
	struct sc_capabilities *c = &s->caps;

	s->reachable = 1;
	s->greeting_code = 220;
	s->banner = malloc(sizeof(banner));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->banner);
	memcpy(s->banner, banner, sizeof(banner));
	s->banner_len = sizeof(banner) - 1;
	s->ehlo_code = 250;
	c->valid = 1;
	snprintf(c->domain, sizeof(c->domain), "mx.example.org");
	snprintf(c->items[0].keyword, sizeof(c->items[0].keyword), "SIZE");
	snprintf(c->items[0].params, sizeof(c->items[0].params), "10240000");
	snprintf(c->items[1].keyword, sizeof(c->items[1].keyword), "X-EVIL");
	snprintf(c->items[1].params, sizeof(c->items[1].params),
		 "<script>alert(1)</script> \x1b[31m \xe2\x80\xae \xff");
	c->count = 2;
	c->malformed = 1;
}

/* fixture_init - the run, then its page */
static void fixture_init(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < NRES; i++)
		f->res[i].scenario = &scen[i];
	fixture_should(&f->res[R_SHOULD]);
	fixture_must(&f->res[R_MUST]);
	f->res[R_SEC].verdict = SC_VERDICT_FAIL;
	f->res[R_SEC].fail_level = SC_LEVEL_SECURITY;
	f->res[R_SEC].reason = strdup("AUTH PLAIN offered before STARTTLS");
	f->res[R_PASS1].verdict = SC_VERDICT_PASS;
	f->res[R_PASS2].verdict = SC_VERDICT_PASS;
	f->res[R_SKIP].verdict = SC_VERDICT_SKIP;
	f->res[R_SKIP].reason = strdup("needs SIZE");
	f->res[R_ERROR].verdict = SC_VERDICT_ERROR;
	f->res[R_ERROR].unreachable = 1;
	f->res[R_ERROR].reason = strdup("could not connect: refused");
	f->res[R_WAIVED].verdict = SC_VERDICT_WAIVED;
	f->res[R_WAIVED].fail_level = SC_LEVEL_MUST;
	f->res[R_WAIVED].reason = strdup("VRFY answered 550");
	f->res[R_WAIVED].waiver = strdup("known: ticket <12>");
	f->res[R_NOTRUN].verdict = SC_VERDICT_NOTRUN;
	fixture_server(&f->server);
	f->info.tool_version = "0.1.0";
	f->info.target = "127.0.0.1:2525";
	f->info.command_line = "smtpconf run --var x='<script>x</script>'";
	/* 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC */
	f->info.started_unix_ms = 1700000000123LL;
	f->info.duration_ms = 4321;
	f->info.server = &f->server;
	sc_buf_init(&f->out, 0);
	f->rc = sc_report_html(&f->out, &f->info, f->res, NRES);
}

/* fixture_free - release the results, the server info and the page */
static void fixture_free(struct fixture *f)
{
	size_t i;

	for (i = 0; i < NRES; i++)
		sc_result_free(&f->res[i]);
	free(f->server.banner);
	sc_buf_free(&f->out);
}

/* ------------------------------------------------------------------ */
/* Helpers over the page text.                                        */

/* count - occurrences of needle in [s, s + n) */
static size_t count(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), c = 0, i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			c++;
	return c;
}

/* count_nocase - occurrences, ASCII case-insensitive */
static size_t count_nocase(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), c = 0, i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			c++;
	return c;
}

/* find - position of needle in the page, -1 when absent */
static long find(const struct sc_buf *b, const char *needle)
{
	const char *p = strstr(sc_buf_cstr(b), needle);

	return p ? (long)(p - b->data) : -1;
}

/* article - the text of result idx's <article>; *len its length */
static const char *article(const struct sc_buf *b, int idx, size_t *len)
{
	char key[32];
	const char *p, *end;

	snprintf(key, sizeof(key), "id=\"r%d\"", idx);
	p = strstr(sc_buf_cstr(b), key);
	if (p == NULL)
		return NULL;
	end = strstr(p, "</article>");
	if (end == NULL)
		return NULL;
	*len = (size_t)(end - p);
	return p;
}

/* in_article - does result idx's article contain needle? */
static int in_article(const struct sc_buf *b, int idx, const char *needle)
{
	size_t len = 0;
	const char *a = article(b, idx, &len);

	return a != NULL && count(a, len, needle) > 0;
}

/* utf8_ok - the whole buffer is valid UTF-8 (RFC 3629 section 4) */
static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	uint32_t c, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2, c = s[i] & 0x1f, min = 0x80;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3, c = s[i] & 0x0f, min = 0x800;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4, c = s[i] & 0x07, min = 0x10000;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* An independent tag scanner (HTML 13.1: tags, attributes, raw text). */

struct scan {
	size_t scripts, styles, hidden_attrs, hidden_classes, links;
	char bad[256];		/* first problem found, "" if none */
};

static const char *const ok_tags[] = {
	"html", "head", "meta", "title", "link", "style", "body", "h1",
	"h2", "h3", "small", "p", "div", "section", "dl", "dt", "dd", "code",
	"ul", "li", "span", "a", "b", "svg", "text", "rect", "form",
	"fieldset", "legend", "label", "input", "button", "details",
	"summary", "article", "blockquote", "footer", "script", NULL
};

static const char *const ok_attrs[] = {
	"lang", "charset", "http-equiv", "content", "name", "class", "id",
	"href", "rel", "hidden", "type", "value", "checked", "placeholder",
	"title", "open", "data-verdict", "data-level", "data-tags", "xmlns",
	"viewbox", "width", "height", "role", "aria-label", "x", "y",
	"text-anchor", NULL
};

/* in_list - is the n-byte word s (any case) in the NULL-ended list? */
static int in_list(const char *const *list, const char *s, size_t n)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], s, n) == 0)
			return 1;
	return 0;
}

/* scan_fail - remember the first problem */
static void scan_fail(struct scan *sc, const char *what, const char *at)
{
	if (sc->bad[0] == '\0')
		snprintf(sc->bad, sizeof(sc->bad), "%s at \"%.40s\"", what,
			 at);
}

/* href_ok - links go to a section, the RFC Editor or the empty icon */
static int href_ok(const char *v, size_t n)
{
	static const char rfc[] = "https://www.rfc-editor.org/rfc/rfc";

	if (n > 0 && v[0] == '#')
		return 1;
	if (n == 5 && memcmp(v, "data:", 5) == 0)
		return 0;
	if (n == 6 && memcmp(v, "data:,", 6) == 0)
		return 1;
	return n > sizeof(rfc) - 1 && memcmp(v, rfc, sizeof(rfc) - 1) == 0;
}

/* has_token - is word one of the space-separated tokens of v? */
static int has_token(const char *v, size_t vn, const char *word)
{
	size_t i = 0, len, k = strlen(word);

	while (i < vn) {
		len = 0;
		while (i + len < vn && v[i + len] != ' ')
			len++;
		if (len == k && memcmp(v + i, word, k) == 0)
			return 1;
		i += len + 1;
	}
	return 0;
}

/* scan_attr_value - one attribute's checks */
static void scan_attr_value(struct scan *sc, const char *name, size_t nn,
			    const char *v, size_t vn)
{
	if (nn == 4 && strncasecmp(name, "href", 4) == 0) {
		sc->links++;
		if (!href_ok(v, vn))
			scan_fail(sc, "href to elsewhere", v);
	}
	if (nn == 5 && strncasecmp(name, "class", 5) == 0 &&
	    has_token(v, vn, "hidden"))
		sc->hidden_classes++;
	if (nn == 6 && strncasecmp(name, "hidden", 6) == 0)
		sc->hidden_attrs++;
	if (memchr(v, '<', vn) != NULL)
		scan_fail(sc, "raw < in an attribute", v);
}

/* scan_attrs - the attributes of one tag; returns the position of '>' */
static size_t scan_attrs(struct scan *sc, const char *s, size_t n,
			 size_t i)
{
	size_t name, nn, v, vn;
	char q;

	for (;;) {
		while (i < n && strchr(" \t\n/", s[i]) != NULL)
			i++;
		if (i >= n || s[i] == '>')
			return i;
		name = i;
		while (i < n && strchr(" \t\n/>=\"'", s[i]) == NULL)
			i++;
		nn = i - name;
		if (nn == 0 || !in_list(ok_attrs, s + name, nn) ||
		    strncasecmp(s + name, "on", 2) == 0)
			scan_fail(sc, "attribute not allowed", s + name);
		if (nn == 0)
			return n;
		v = vn = 0;
		if (i < n && s[i] == '=') {
			q = s[++i];
			if (q != '"' && q != '\'') {
				scan_fail(sc, "unquoted value", s + i);
				return n;
			}
			v = ++i;
			while (i < n && s[i] != q)
				i++;
			vn = i - v;
			i++;
		}
		scan_attr_value(sc, s + name, nn, s + v, vn);
	}
}

/* skip_raw - past the raw text of <script> or <style>, to its end tag */
static size_t skip_raw(struct scan *sc, const char *s, size_t n, size_t i,
		       const char *end_tag)
{
	size_t k = strlen(end_tag);

	for (; i + k <= n; i++)
		if (strncasecmp(s + i, end_tag, k) == 0)
			return i;
	scan_fail(sc, "raw text element not closed", end_tag);
	return n;
}

/* scan_html - walk every tag of the page */
static void scan_html(struct scan *sc, const char *s, size_t n)
{
	size_t i = 0, name, nn;
	int end;

	memset(sc, 0, sizeof(*sc));
	while (i < n) {
		if (s[i] != '<') {
			i++;
			continue;
		}
		if (strncmp(s + i, "<!DOCTYPE html>", 15) == 0 && i == 0) {
			i += 15;
			continue;
		}
		end = s[i + 1] == '/';
		name = i + 1 + end;
		nn = 0;
		while (name + nn < n && ((s[name + nn] >= 'a' &&
			s[name + nn] <= 'z') || (s[name + nn] >= '0' &&
			s[name + nn] <= '9')))
			nn++;
		if (nn == 0 || !in_list(ok_tags, s + name, nn)) {
			scan_fail(sc, "raw < or unknown tag", s + i);
			i++;
			continue;
		}
		i = scan_attrs(sc, s, n, name + nn) + 1;
		if (end)
			continue;
		if (nn == 6 && strncmp(s + name, "script", 6) == 0) {
			sc->scripts++;
			i = skip_raw(sc, s, n, i, "</script");
		} else if (nn == 5 && strncmp(s + name, "style", 5) == 0) {
			sc->styles++;
			i = skip_raw(sc, s, n, i, "</style");
		}
	}
}

/* ------------------------------------------------------------------ */
/* The Content-Security-Policy against what the page really holds.    */

/* hash_of - 'sha256-BASE64' of n bytes, computed here */
static void hash_of(const char *s, size_t n, char *out, size_t outlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int mdlen = 0;

	CU_ASSERT_FATAL(EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL)
			== 1);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	snprintf(out, outlen, "'sha256-%s'", (const char *)b64);
}

/* element_text - the text between <tag> and </tag>; NULL if absent */
static const char *element_text(const char *page, const char *open,
				const char *close, size_t *len)
{
	const char *p = strstr(page, open), *e;

	if (p == NULL)
		return NULL;
	p += strlen(open);
	e = strstr(p, close);
	if (e == NULL)
		return NULL;
	*len = (size_t)(e - p);
	return p;
}

/* csp_directive - the value of one directive of the page's policy */
static int csp_directive(const char *page, const char *dir, char *out,
			 size_t outlen)
{
	static const char meta[] = "<meta http-equiv=\"Content-Security-"
				   "Policy\" content=\"";
	const char *m = strstr(page, meta), *end, *d;
	size_t len, k = strlen(dir);

	if (m == NULL)
		return -1;
	m += sizeof(meta) - 1;
	end = strchr(m, '"');
	for (d = m; d != NULL && d < end; d = strchr(d, ';')) {
		d += strspn(d, "; ");
		if (strncmp(d, dir, k) == 0 && d[k] == ' ') {
			len = strcspn(d + k + 1, ";\"");
			snprintf(out, outlen, "%.*s", (int)len, d + k + 1);
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */

/* test_html_document - a complete page, well formed by the scanner */
static void test_html_document(void)
{
	struct fixture f;
	struct scan sc;
	const char *page;

	fixture_init(&f);
	CU_ASSERT_EQUAL(f.rc, SC_OK);
	page = sc_buf_cstr(&f.out);
	CU_ASSERT_EQUAL(strncmp(page, "<!DOCTYPE html>\n", 16), 0);
	CU_ASSERT(f.out.len > 20 && strcmp(page + f.out.len - 8,
					   "</html>\n") == 0);
	scan_html(&sc, page, f.out.len);
	if (sc.bad[0])
		fprintf(stderr, "\nscanner: %s\n", sc.bad);
	CU_ASSERT_STRING_EQUAL(sc.bad, "");
	CU_ASSERT_EQUAL(sc.scripts, 1);
	CU_ASSERT_EQUAL(sc.styles, 1);
	/* Readable with JS off: only the filter form starts hidden. */
	CU_ASSERT_EQUAL(sc.hidden_attrs, 1);
	CU_ASSERT_EQUAL(sc.hidden_classes, 0);
	CU_ASSERT(find(&f.out, "<form id=\"filters\" hidden>") > 0);
	CU_ASSERT(sc.links > 0);
	fixture_free(&f);
}

/* test_html_inert - hostile text: no markup, no raw controls, UTF-8 */
static void test_html_inert(void)
{
	struct fixture f;
	const char *p;
	size_t i, n;

	fixture_init(&f);
	p = f.out.data;
	n = f.out.len;
	CU_ASSERT_EQUAL(count_nocase(p, n, "<script"), 1);
	CU_ASSERT_EQUAL(count_nocase(p, n, "</script"), 1);
	CU_ASSERT_EQUAL(count_nocase(p, n, "<img"), 0);
	CU_ASSERT_EQUAL(count_nocase(p, n, "</textarea"), 0);
	CU_ASSERT_EQUAL(count(p, n, "]]>"), 0);
	/* onerror= appears only as escaped text after "&lt;img". */
	CU_ASSERT_EQUAL(count(p, n, "onerror="),
			count(p, n, "&lt;img src=x onerror="));
	CU_ASSERT_EQUAL(count_nocase(p, n, " onmouseover="), 0);
	CU_ASSERT_PTR_NULL(memchr(p, '\0', n));
	for (i = 0; i < n; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\n' &&
		     p[i] != '\t') || p[i] == 0x7f)
			break;
	CU_ASSERT_EQUAL(i, n);
	CU_ASSERT(utf8_ok((const unsigned char *)p, n));
	/* U+202E and the C1 CSI never reach the page as characters. */
	CU_ASSERT_EQUAL(count(p, n, "\xe2\x80\xae"), 0);
	CU_ASSERT_EQUAL(count(p, n, "\xc2\x9b"), 0);
	fixture_free(&f);
}

/* test_html_hostile_visible - hostile bytes shown in display form */
static void test_html_hostile_visible(void)
{
	struct fixture f;
	size_t i, alen = 0;
	const char *a;

	fixture_init(&f);
	a = article(&f.out, R_MUST, &alen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	/* The transcript reply, each piece as escape.h documents it. */
	for (i = 0; i < sizeof(hostile_shown) / sizeof(*hostile_shown); i++)
		CU_ASSERT(count(a, alen, hostile_shown[i]) >= 1);
	/* The reason is cut at the NUL (a C string) and redisplayed. */
	CU_ASSERT(count(a, alen, "<p class=\"reason\">&lt;script&gt;") == 1);
	/* observed: ESC, 0xff and U+202E become \xHH, quotes escaped. */
	CU_ASSERT(count(a, alen, "server said &quot;\\x1b[31m&lt;img "
			"src=x onerror=alert(1)&gt;\\xff\\xe2\\x80\\xae&quot;")
		  == 1);
	/* The banner and the capability in the server card. */
	CU_ASSERT(find(&f.out, "220-mx.example.org &lt;script&gt;") > 0);
	CU_ASSERT(find(&f.out, "<code>X-EVIL &lt;script&gt;alert(1)&lt;/"
		       "script&gt; \\x1b[31m \\xe2\\x80\\xae \\xff</code>")
		  > 0);
	/* Scenario text and the command line are escaped too. */
	CU_ASSERT(find(&f.out, "VRFY &lt;script&gt;alert(2)&lt;/script&gt;")
		  > 0);
	CU_ASSERT(find(&f.out, "x=&#39;&lt;script&gt;x&lt;/script&gt;&#39;")
		  > 0);
	CU_ASSERT(find(&f.out, "data-tags=\"x&quot;onmouseover=alert(1) "
		       "&lt;b&gt;\"") > 0);
	fixture_free(&f);
}

/* test_html_csp - the policy names exactly the style and script shown */
static void test_html_csp(void)
{
	struct fixture f;
	char dir[256], want[160];
	const char *page, *body;
	size_t len = 0;

	fixture_init(&f);
	page = sc_buf_cstr(&f.out);
	CU_ASSERT_FATAL(csp_directive(page, "default-src", dir,
				      sizeof(dir)) == 0);
	CU_ASSERT_STRING_EQUAL(dir, "'none'");
	CU_ASSERT(csp_directive(page, "img-src", dir, sizeof(dir)) == 0);
	CU_ASSERT_STRING_EQUAL(dir, "data:");
	body = element_text(page, "<script>", "</script>", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	hash_of(body, len, want, sizeof(want));
	CU_ASSERT(csp_directive(page, "script-src", dir, sizeof(dir)) == 0);
	CU_ASSERT_STRING_EQUAL(dir, want);
	body = element_text(page, "<style>", "</style>", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	hash_of(body, len, want, sizeof(want));
	CU_ASSERT(csp_directive(page, "style-src", dir, sizeof(dir)) == 0);
	CU_ASSERT_STRING_EQUAL(dir, want);
	CU_ASSERT_EQUAL(count(page, f.out.len, "unsafe-"), 0);
	/* The policy comes before anything it governs. */
	CU_ASSERT(find(&f.out, "Content-Security-Policy") <
		  find(&f.out, "<style>"));
	fixture_free(&f);
}

/* test_html_counts - the verdict and level counts of the fixture */
static void test_html_counts(void)
{
	static const char *const levels[] = { "MUST", "security", "SHOULD",
					      "MAY" };
	static const size_t want_levels[] = { 1, 1, 1, 0 };
	struct fixture f;
	char needle[128];
	size_t i;

	fixture_init(&f);
	for (i = 0; i < 6; i++) {
		snprintf(needle, sizeof(needle), "<span class=\"n\">%zu"
			 "</span> %s", want_verdicts[i], verdict_words[i]);
		CU_ASSERT(find(&f.out, needle) > 0);
		snprintf(needle, sizeof(needle),
			 "<article class=\"sc%s v-%s\"",
			 i == SC_VERDICT_FAIL || i == SC_VERDICT_ERROR ||
			 i == SC_VERDICT_WAIVED ? "" : " row",
			 sc_verdict_name((enum sc_verdict)i));
		CU_ASSERT_EQUAL(count(f.out.data, f.out.len, needle),
				want_verdicts[i]);
		/* Each verdict has its badge. */
		snprintf(needle, sizeof(needle), "class=\"badge v-%s\"",
			 sc_verdict_name((enum sc_verdict)i));
		CU_ASSERT_EQUAL(count(f.out.data, f.out.len, needle),
				want_verdicts[i]);
	}
	for (i = 0; i < 4; i++) {
		snprintf(needle, sizeof(needle), "<span class=\"n\">%zu"
			 "</span> %s</li>", want_levels[i], levels[i]);
		CU_ASSERT(find(&f.out, needle) > 0);
	}
	CU_ASSERT(find(&f.out, "Verdict: 9 scenarios") > 0);
	CU_ASSERT(find(&f.out, "3 failed (1 MUST, 1 security, 1 SHOULD)")
		  > 0);
	fixture_free(&f);
}

/* test_html_order - MUST, security, SHOULD failures, errors, waived, folded */
static void test_html_order(void)
{
	struct fixture f;
	char key[32];
	long pos, prev = -1, fold;
	size_t i;

	fixture_init(&f);
	for (i = 0; i < NRES; i++) {
		snprintf(key, sizeof(key), "id=\"r%d\"", page_order[i]);
		pos = find(&f.out, key);
		CU_ASSERT(pos > prev);
		prev = pos;
	}
	/* Passes and skips are folded: a closed <details> holds them. */
	fold = find(&f.out, "<details class=\"fold group\" id=\"passed\">");
	CU_ASSERT(fold > find(&f.out, "id=\"r7\""));
	CU_ASSERT(fold < find(&f.out, "id=\"r3\""));
	/* Summary first: server, run, verdict, chart, all before rows. */
	CU_ASSERT(find(&f.out, "id=\"server\"") < find(&f.out, "id=\"run\""));
	CU_ASSERT(find(&f.out, "id=\"run\"") < find(&f.out,
						   "id=\"verdict\""));
	CU_ASSERT(find(&f.out, "id=\"areas\"") < find(&f.out, "id=\"r1\""));
	fixture_free(&f);
}

/* test_html_failing_step - the failing reply is marked, split per CRLF */
static void test_html_failing_step(void)
{
	struct fixture f;
	size_t alen = 0;
	const char *a;

	fixture_init(&f);
	a = article(&f.out, R_SHOULD, &alen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(count(a, alen, "failed here"), 1);
	CU_ASSERT_EQUAL(count(a, alen, "<div class=\"reply failed\""), 1);
	CU_ASSERT(count(a, alen, "502 5.5.1 nope <span class=\"mark\">") == 1);
	/* The EHLO reply: one line each, CRLF not shown. */
	CU_ASSERT(count(a, alen, "S:</span> 250-mx.example.org</div>") == 1);
	CU_ASSERT(count(a, alen, "S:</span> 250 PIPELINING</div>") == 1);
	CU_ASSERT_EQUAL(count(a, alen, "\\r\\n"), 0);
	/* The failing transcript is open, the verdict's evidence shown. */
	CU_ASSERT(count(a, alen, "<details class=\"txd\" open>") == 1);
	/* A multi-line failing reply: both lines marked, one mark, and a
	 * bare LF stays visible; sessions are named when there are two. */
	a = article(&f.out, R_MUST, &alen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(count(a, alen, "<div class=\"reply failed\""), 2);
	CU_ASSERT_EQUAL(count(a, alen, "failed here"), 1);
	CU_ASSERT(count(a, alen, "550 5.1.1 bare\\nlf <span") == 1);
	CU_ASSERT(count(a, alen, "<span class=\"s\">[s2]</span>") >= 1);
	CU_ASSERT(count(a, alen, "...[50 more bytes on the wire]") == 1);
	CU_ASSERT(count(a, alen, "(4 more transcript entries not kept)")
		  == 1);
	/* Passes show no failure marks. */
	CU_ASSERT_FALSE(in_article(&f.out, R_PASS1, "failed"));
	fixture_free(&f);
}

/* test_html_rfc_links - clauses linked per the RFC Editor's anchors */
static void test_html_rfc_links(void)
{
	struct fixture f;

	fixture_init(&f);
	CU_ASSERT(in_article(&f.out, R_SHOULD, "<a href=\"https://www.rfc-"
			     "editor.org/rfc/rfc5321#section-4.2.4\">RFC "
			     "5321 4.2.4</a>"));
	/* "4.3.2" after "5321 4.2.4" is another section of RFC 5321. */
	CU_ASSERT(in_article(&f.out, R_SHOULD, "<a href=\"https://www.rfc-"
			     "editor.org/rfc/rfc5321#section-4.3.2\">"
			     "4.3.2</a>"));
	CU_ASSERT(in_article(&f.out, R_SKIP, "rfc1870#appendix-D.1\""));
	CU_ASSERT(in_article(&f.out, R_PASS2, "<a href=\"https://www."
			     "rfc-editor.org/rfc/rfc5321\">RFC 5321</a>"));
	/* A section that is not one stays out of the URL. */
	CU_ASSERT(in_article(&f.out, R_WAIVED, "rfc5321\">RFC 5321 3.5.3"
			     "&quot;&gt;&lt;script&gt;</a>"));
	fixture_free(&f);
}

/* test_html_details - code meaning, quote, why, waiver, server, run */
static void test_html_details(void)
{
	const struct sc_code_info *c502 = sc_code_lookup(502);
	const struct sc_enhanced_info *e551 = sc_enhanced_lookup("5.5.1");
	struct fixture f;
	char needle[512];

	fixture_init(&f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c502);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e551);
	snprintf(needle, sizeof(needle), "<dt>Reply 502</dt><dd><b>%s</b>",
		 c502->text);
	CU_ASSERT(in_article(&f.out, R_SHOULD, needle));
	snprintf(needle, sizeof(needle), "<dt>Enhanced 5.5.1</dt><dd><b>%s"
		 "</b>", e551->text);
	CU_ASSERT(in_article(&f.out, R_SHOULD, needle));
	CU_ASSERT(in_article(&f.out, R_SHOULD, "<dt>Expected</dt><dd><code>"
			     "500 (Syntax error, command unrecognized)"));
	CU_ASSERT(in_article(&f.out, R_SHOULD, "<blockquote><p>If the "
			     "command is not recognized"));
	/* The why is already in the reason: said once. */
	CU_ASSERT_FALSE(in_article(&f.out, R_SHOULD, "Why it matters"));
	CU_ASSERT(in_article(&f.out, R_WAIVED, "<b>Waived:</b> known: "
			     "ticket &lt;12&gt;"));
	CU_ASSERT(in_article(&f.out, R_SKIP, "needs SIZE"));
	CU_ASSERT(find(&f.out, "2023-11-14 22:13:20 UTC") > 0);
	CU_ASSERT(find(&f.out, "4.321 s") > 0);
	CU_ASSERT(find(&f.out, "<dt>Interrupted</dt><dd>no</dd>") > 0);
	CU_ASSERT(find(&f.out, "<li><code>SIZE 10240000</code></li>") > 0);
	CU_ASSERT(find(&f.out, "1 EHLO line is not an ehlo-line") > 0);
	fixture_free(&f);
}

/* test_html_areas - one bar per area, a segment per verdict present */
static void test_html_areas(void)
{
	struct fixture f;
	const char *svg;
	size_t len = 0;

	fixture_init(&f);
	svg = element_text(sc_buf_cstr(&f.out), "<svg", "</svg>", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
	/* unknown-verb, rset, starttls, ehlo, size, quit, vrfy, toplevel */
	CU_ASSERT_EQUAL(count(svg, len, "text-anchor=\"end\""), 8);
	CU_ASSERT_EQUAL(count(svg, len, "<rect "), 8);
	CU_ASSERT(count(svg, len, "<title>ehlo: 2 passed</title>") == 1);
	CU_ASSERT(count(svg, len, "<title>rset: 1 failed</title>") == 1);
	fixture_free(&f);
}

/* test_html_unreachable - no probe, no results, hostile probe error */
static void test_html_unreachable(void)
{
	struct sc_server_info server;
	struct sc_run_info info;
	struct sc_buf out;
	struct scan sc;

	memset(&info, 0, sizeof(info));
	memset(&server, 0, sizeof(server));
	sc_buf_init(&out, 0);
	CU_ASSERT_EQUAL(sc_report_html(&out, &info, NULL, 0), SC_OK);
	CU_ASSERT(find(&out, "No probe was made.") > 0);
	CU_ASSERT(find(&out, "No scenario ran") > 0);
	CU_ASSERT(find(&out, "None: the server broke") > 0);
	scan_html(&sc, out.data, out.len);
	CU_ASSERT_STRING_EQUAL(sc.bad, "");
	sc_buf_reset(&out);
	snprintf(server.error, sizeof(server.error),
		 "refused <script>\x1b[2J\xff");
	info.server = &server;
	info.interrupted = 1;
	CU_ASSERT_EQUAL(sc_report_html(&out, &info, NULL, 0), SC_OK);
	CU_ASSERT(find(&out, "refused &lt;script&gt;\\x1b[2J\\xff") > 0);
	CU_ASSERT(find(&out, "<dt>Reachable</dt><dd><b>no</b>") > 0);
	CU_ASSERT(find(&out, "run interrupted") > 0);
	sc_buf_free(&out);
}

/* test_html_limits - bad arguments and a page past the buffer's cap */
static void test_html_limits(void)
{
	struct sc_run_info info;
	struct fixture f;
	struct sc_buf small;

	memset(&info, 0, sizeof(info));
	CU_ASSERT_EQUAL(sc_report_html(NULL, &info, NULL, 0), SC_ERR_USAGE);
	sc_buf_init(&small, 4096);
	CU_ASSERT_EQUAL(sc_report_html(&small, NULL, NULL, 0), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(sc_report_html(&small, &info, NULL, 3),
			SC_ERR_USAGE);
	fixture_init(&f);
	CU_ASSERT_EQUAL(sc_report_html(&small, &f.info, f.res, NRES),
			SC_ERR_LIMIT);
	CU_ASSERT(small.len <= 4096);
	sc_buf_free(&small);
	fixture_free(&f);
}

static const struct test_case cases[] = {
	{ "document", test_html_document },
	{ "inert", test_html_inert },
	{ "hostile_visible", test_html_hostile_visible },
	{ "csp", test_html_csp },
	{ "counts", test_html_counts },
	{ "order", test_html_order },
	{ "failing_step", test_html_failing_step },
	{ "rfc_links", test_html_rfc_links },
	{ "details", test_html_details },
	{ "areas", test_html_areas },
	{ "unreachable", test_html_unreachable },
	{ "limits", test_html_limits },
	{ NULL, NULL }
};

/* test_register - add the HTML report suite */
int test_register(void)
{
	return test_add_suite("report_html", cases);
}
