/*
 * test_results_load.c - reading JSON results back (results_load.h).
 *
 * The round trip is the contract: results written by sc_report_json and
 * read back must give the same fields, the same JSON again and the same
 * HTML page, whatever bytes the server sent (control bytes, ESC,
 * backslashes, invalid UTF-8, text cut short).  Files that are not
 * version 1 results, or hold a field of the wrong type, are refused
 * with file:line:col.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cunit_main.h"
#include "smtpconf/results_load.h"
#include "smtpconf/escape.h"
#include "smtpconf/report_compare.h"

#define NRES 4

static struct sc_scenario scen[NRES];
static struct sc_result res[NRES];
static struct sc_server_info server;
static struct sc_run_info info;
static char *tags0[] = { "rset", "transaction" };

/* Hostile server text: ESC, CR LF, NUL, a backslash, invalid UTF-8. */
static const char banner[] = "220 mx\x1b[31m.example \\x1b \xff\xfe ok\r\n"
			     "220 second\0line\r\n";

/* add_tx - a transcript entry, with its place in the scenario */
static void add_tx(struct sc_result *r, enum sc_tx_kind k, const char *s,
		   size_t n, size_t wire, unsigned line, int failed)
{
	long i = sc_result_add_tx(r, k, "main", s, n, wire, 7, line);

	CU_ASSERT_FATAL(i >= 0);
	r->tx[i].failed = failed;
}

/* build_run - a run with every verdict and every kind of server text */
static void build_run(void)
{
	static char big[SC_TRANSCRIPT_ENTRY_KEEP + 100];
	size_t i;

	memset(scen, 0, sizeof(scen));
	memset(res, 0, sizeof(res));
	memset(&server, 0, sizeof(server));
	memset(&info, 0, sizeof(info));
	for (i = 0; i < NRES; i++) {
		res[i].scenario = &scen[i];
		res[i].duration_ms = (long long)i * 10;
	}
	scen[0].id = "rfc5321/rset/clears-transaction";
	scen[0].title = "RSET <clears> & \"resets\"";
	scen[0].rfc = "5321 4.1.1.5";
	scen[0].level = SC_LEVEL_MUST;
	scen[0].tags = tags0;
	scen[0].ntags = 2;
	scen[0].quote = "discards the transaction";
	scen[0].why = "caf\xc3\xa9";
	scen[0].when = "STARTTLS and AUTH has PLAIN";
	scen[0].path = "scenarios/rfc5321/rset/clears.smtp";
	res[0].verdict = SC_VERDICT_FAIL;
	res[0].fail_level = SC_LEVEL_MUST;
	res[0].fail_line = 12;
	res[0].reason = "server said \\x1b[31m and kept it";
	res[0].expected = "503";
	res[0].observed = "250 (ok), server said \"\\x1bx\\r\\n\"";
	add_tx(&res[0], SC_TX_EVENT, "connected", 9, 9, 0, 0);
	add_tx(&res[0], SC_TX_SEND, "RSET\r\n", 6, 6, 11, 0);
	add_tx(&res[0], SC_TX_REPLY, "250 \x1b[2J\xc3\x28\\ ok\r\n", 15, 15,
	       12, 1);
	memset(big, 'A', sizeof(big));
	big[10] = '\x1b';
	add_tx(&res[0], SC_TX_REPLY, big, sizeof(big), sizeof(big) + 5000, 13,
	       0);
	scen[1].id = "rfc5321/noop/plain";
	scen[1].level = SC_LEVEL_SHOULD;
	res[1].verdict = SC_VERDICT_PASS;
	scen[2].id = "rfc5321/crash";
	scen[2].level = SC_LEVEL_SECURITY;
	res[2].verdict = SC_VERDICT_ERROR;
	res[2].crashed = 1;
	res[2].unreachable = 1;
	res[2].server_output = "==1==ERROR: AddressSanitizer\n\x1b[0m\\\n";
	res[2].server_output_len = strlen(res[2].server_output);
	res[2].tx_dropped = 3;
	scen[3].id = "rfc1870/size";
	scen[3].level = SC_LEVEL_MAY;
	res[3].verdict = SC_VERDICT_WAIVED;
	res[3].fail_level = SC_LEVEL_SHOULD;
	res[3].waiver = "known";
	server.reachable = 1;
	server.greeting_code = 220;
	server.banner = (char *)banner;
	server.banner_len = sizeof(banner) - 1;
	server.ehlo_code = 250;
	server.caps.valid = 1;
	snprintf(server.caps.domain, sizeof(server.caps.domain), "mx\\x01");
	server.caps.count = 2;
	snprintf(server.caps.items[0].keyword, SC_EHLO_KEYWORD_MAX, "SIZE");
	snprintf(server.caps.items[0].params, SC_EHLO_PARAMS_MAX, "1000");
	snprintf(server.caps.items[1].keyword, SC_EHLO_KEYWORD_MAX, "X\x1b");
	server.caps.malformed = 2;
	info.tool_version = "0.1.0";
	info.target = "127.0.0.1:2525";
	info.command_line = "smtpconf run --html <x>";
	info.started_unix_ms = 1700000000123LL;
	info.duration_ms = 4321;
	info.server = &server;
}

/* free_run - the transcripts build_run made */
static void free_run(void)
{
	size_t i, j;

	for (i = 0; i < NRES; i++) {
		for (j = 0; j < res[i].ntx; j++)
			free(res[i].tx[j].bytes);
		free(res[i].tx);
	}
}

/* load_text - sc_results_parse of a C string */
static int load_text(const char *s, struct sc_loaded *l, struct sc_error *e)
{
	sc_error_clear(e);
	return sc_results_parse(s, strlen(s), "r.json", l, e);
}

/* test_fields - written, read back: every field the same */
static void test_fields(void)
{
	struct sc_loaded l;
	struct sc_error e;
	struct sc_buf j;
	size_t i, k;

	build_run();
	sc_buf_init(&j, 0);
	CU_ASSERT_EQUAL_FATAL(sc_report_json(&j, &info, res, NRES), SC_OK);
	CU_ASSERT_EQUAL_FATAL(sc_results_parse(j.data, j.len, "r.json", &l,
					       &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(l.info.target, info.target);
	CU_ASSERT_STRING_EQUAL(l.info.tool_version, info.tool_version);
	CU_ASSERT_STRING_EQUAL(l.info.command_line, info.command_line);
	CU_ASSERT_EQUAL(l.info.started_unix_ms, info.started_unix_ms);
	CU_ASSERT_EQUAL(l.info.duration_ms, info.duration_ms);
	CU_ASSERT_PTR_EQUAL(l.info.server, &l.server);
	CU_ASSERT_EQUAL(l.server.banner_len, server.banner_len);
	CU_ASSERT_EQUAL(memcmp(l.server.banner, banner, server.banner_len), 0);
	CU_ASSERT_EQUAL(l.server.greeting_code, 220);
	CU_ASSERT_EQUAL(l.server.caps.valid, 1);
	CU_ASSERT_STRING_EQUAL(l.server.caps.domain, "mx\\x01");
	CU_ASSERT_EQUAL(l.server.caps.count, 2);
	CU_ASSERT_STRING_EQUAL(l.server.caps.items[1].keyword, "X\x1b");
	CU_ASSERT_EQUAL(l.server.caps.malformed, 2);
	CU_ASSERT_EQUAL_FATAL(l.n, NRES);
	for (i = 0; i < NRES; i++) {
		CU_ASSERT_STRING_EQUAL(l.results[i].scenario->id, scen[i].id);
		CU_ASSERT_EQUAL(l.results[i].verdict, res[i].verdict);
		CU_ASSERT_EQUAL(l.results[i].scenario->level, scen[i].level);
		CU_ASSERT_EQUAL(l.results[i].ntx, res[i].ntx);
		for (k = 0; k < res[i].ntx && k < l.results[i].ntx; k++) {
			CU_ASSERT_EQUAL(l.results[i].tx[k].len,
					res[i].tx[k].len);
			CU_ASSERT_EQUAL(l.results[i].tx[k].wire_len,
					res[i].tx[k].wire_len);
			CU_ASSERT_EQUAL(memcmp(l.results[i].tx[k].bytes,
					       res[i].tx[k].bytes,
					       res[i].tx[k].len), 0);
			CU_ASSERT_EQUAL(l.results[i].tx[k].failed,
					res[i].tx[k].failed);
			CU_ASSERT_EQUAL(l.results[i].tx[k].line,
					res[i].tx[k].line);
		}
	}
	/* observed and reason keep their escapes: nothing doubled. */
	CU_ASSERT_STRING_EQUAL(l.results[0].observed, res[0].observed);
	CU_ASSERT_STRING_EQUAL(l.results[0].reason, res[0].reason);
	CU_ASSERT_STRING_EQUAL(l.results[0].scenario->title, scen[0].title);
	CU_ASSERT_EQUAL(l.results[0].scenario->ntags, 2);
	CU_ASSERT_STRING_EQUAL(l.results[0].scenario->tags[1], "transaction");
	CU_ASSERT_EQUAL(l.results[0].fail_line, 12);
	CU_ASSERT_EQUAL(l.results[0].fail_level, SC_LEVEL_MUST);
	CU_ASSERT_EQUAL(l.results[2].crashed, 1);
	CU_ASSERT_EQUAL(l.results[2].unreachable, 1);
	CU_ASSERT_EQUAL(l.results[2].tx_dropped, 3);
	CU_ASSERT_EQUAL(l.results[2].server_output_len,
			res[2].server_output_len);
	CU_ASSERT_EQUAL(memcmp(l.results[2].server_output,
			       res[2].server_output,
			       res[2].server_output_len), 0);
	CU_ASSERT_EQUAL(l.results[3].fail_level, SC_LEVEL_SHOULD);
	CU_ASSERT_STRING_EQUAL(l.results[3].waiver, "known");
	CU_ASSERT_PTR_NULL(l.results[1].reason);
	sc_loaded_free(&l);
	sc_buf_free(&j);
	free_run();
}

/* same_report - a writer's output for the original and the loaded run */
static void same_report(int (*w)(struct sc_buf *, const struct sc_run_info *,
				 const struct sc_result *, size_t))
{
	struct sc_buf j, a, b;
	struct sc_loaded l;
	struct sc_error e;

	build_run();
	sc_buf_init(&j, 0);
	sc_buf_init(&a, 0);
	sc_buf_init(&b, 0);
	CU_ASSERT_EQUAL_FATAL(sc_report_json(&j, &info, res, NRES), SC_OK);
	CU_ASSERT_EQUAL_FATAL(sc_results_parse(j.data, j.len, NULL, &l, &e),
			      SC_OK);
	CU_ASSERT_EQUAL(w(&a, &info, res, NRES), SC_OK);
	CU_ASSERT_EQUAL(w(&b, &l.info, l.results, l.n), SC_OK);
	CU_ASSERT_EQUAL(a.len, b.len);
	CU_ASSERT(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	/* The HTML shows the server's ESC once escaped, never doubled. */
	if (w == sc_report_html) {
		CU_ASSERT_PTR_NOT_NULL(strstr(sc_buf_cstr(&b),
					      "mx\\x1b[31m"));
		CU_ASSERT_PTR_NULL(strstr(sc_buf_cstr(&b), "mx\\\\x1b"));
	}
	sc_loaded_free(&l);
	sc_buf_free(&j);
	sc_buf_free(&a);
	sc_buf_free(&b);
	free_run();
}

/* test_same_json - JSON -> load -> JSON gives the same document */
static void test_same_json(void)
{
	same_report(sc_report_json);
}

/* test_same_html - the HTML page from loaded results is the same page */
static void test_same_html(void)
{
	same_report(sc_report_html);
}

/* test_same_junit - and the JUnit XML too */
static void test_same_junit(void)
{
	same_report(sc_report_junit);
}

/* test_long_banner - a banner the JSON clipped loads as what it kept */
static void test_long_banner(void)
{
	static char big[SC_TRANSCRIPT_ENTRY_KEEP + 700];
	struct sc_loaded l;
	struct sc_error e;
	struct sc_buf j;

	build_run();
	memset(big, 'b', sizeof(big));
	server.banner = big;
	server.banner_len = sizeof(big);
	sc_buf_init(&j, 0);
	CU_ASSERT_EQUAL_FATAL(sc_report_json(&j, &info, res, NRES), SC_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(j.data, "...[700 more bytes]"));
	CU_ASSERT_EQUAL_FATAL(sc_results_parse(j.data, j.len, NULL, &l, &e),
			      SC_OK);
	CU_ASSERT_EQUAL(l.server.banner_len, SC_TRANSCRIPT_ENTRY_KEEP);
	CU_ASSERT_EQUAL(memcmp(l.server.banner, big, l.server.banner_len), 0);
	sc_loaded_free(&l);
	sc_buf_free(&j);
	free_run();
}

/* expect_refused - a document that must be refused at line:col */
static void expect_refused(const char *s, unsigned line, unsigned col,
			   const char *words)
{
	struct sc_loaded l;
	struct sc_error e;

	CU_ASSERT_NOT_EQUAL(load_text(s, &l, &e), SC_OK);
	CU_ASSERT_EQUAL(e.line, line);
	CU_ASSERT_EQUAL(e.col, col);
	CU_ASSERT_STRING_EQUAL(e.file, "r.json");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, words));
	if (e.line != line || e.col != col || !strstr(e.msg, words))
		fprintf(stderr, "%s -> %u:%u %s\n", s, e.line, e.col, e.msg);
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_PTR_NULL(l.results);
}

#define HEAD "{\"format\": \"smtpconf-results\", \"version\": 1, "

/* test_refused - other formats, other versions, wrong types */
static void test_refused(void)
{
	expect_refused("[]", 1, 1, "not a results file");
	expect_refused("{\"format\": \"other\", \"version\": 1}", 1, 12,
		       "not a results file");
	expect_refused("{\"version\": 1}", 1, 1, "not a results file");
	expect_refused("{\"format\": \"smtpconf-results\", \"version\": 2}",
		       1, 43, "version 2 is not supported");
	expect_refused("{\"format\": \"smtpconf-results\", \"version\": "
		       "\"1\"}", 1, 43, "version");
	expect_refused(HEAD "\"target\": 5, \"results\": []}", 1, 56,
		       "target: expected string, found integer");
	expect_refused(HEAD "\"results\": {}}", 1, 57, "results");
	expect_refused(HEAD "\"results\": [7]}", 1, 58, "results[0]");
	expect_refused(HEAD "\"results\": [{\"id\": \"a\", \"verdict\": "
		       "\"great\"}]}", 1, 81, "unknown verdict");
	expect_refused(HEAD "\"results\": [{\"id\": \"a\", \"verdict\": "
		       "\"pass\", \"level\": \"OUGHT\"}]}", 1, 98,
		       "unknown level");
	expect_refused(HEAD "\"results\": [{\"verdict\": \"pass\"}]}", 1, 58,
		       "id");
	expect_refused(HEAD "\"results\": [{\"id\": \"a\", \"verdict\": "
		       "\"pass\", \"transcript\": [{\"bytes\": -1}]}]}", 1,
		       114, "transcript[0].bytes: -1 is out of range");
	expect_refused(HEAD "\"server\": {\"capabilities\": [1]}, \"results\":"
		       " []}", 1, 74, "capabilities");
	expect_refused(HEAD "\n\"results\": [\n  {\"id\": \"a\",\n   "
		       "\"tags\": [1]}]}", 4, 13, "tags");
	/* Not JSON at all: the reader's own position. */
	expect_refused(HEAD "\n  \"results\": [,]}", 2, 15, "expected");
}

/* test_minimal - keys may be missing or null; unknown keys are ignored */
static void test_minimal(void)
{
	struct sc_loaded l;
	struct sc_error e;

	CU_ASSERT_EQUAL_FATAL(load_text(HEAD "\"future\": {\"x\": [1]}, "
					"\"server\": null, \"results\": "
					"[{\"id\": \"a/b\", \"verdict\": "
					"\"notrun\", \"fail_line\": null, "
					"\"extra\": 1}]}",
					&l, &e), SC_OK);
	CU_ASSERT_PTR_NULL(l.info.server);
	CU_ASSERT_PTR_NULL(l.info.target);
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_EQUAL(l.results[0].verdict, SC_VERDICT_NOTRUN);
	CU_ASSERT_EQUAL(l.results[0].fail_line, 0);
	CU_ASSERT_EQUAL(l.results[0].scenario->level, SC_LEVEL_MUST);
	sc_loaded_free(&l);
	CU_ASSERT_EQUAL_FATAL(load_text(HEAD "\"results\": []}", &l, &e),
			      SC_OK);
	CU_ASSERT_EQUAL(l.n, 0);
	sc_loaded_free(&l);
}

/* test_undo - display form back to bytes (escape.h's table reversed) */
static void test_undo(void)
{
	static const char raw[] = "a\r\n\t\0\\\x1b\x7f\xff\xc3\xa9 z";
	struct sc_buf d, u;

	sc_buf_init(&d, 0);
	sc_buf_init(&u, 0);
	sc_escape_display(&d, raw, sizeof(raw) - 1, 0);
	sc_display_undo(&u, d.data, d.len);
	CU_ASSERT_EQUAL(u.len, sizeof(raw) - 1);
	CU_ASSERT_EQUAL(memcmp(u.data, raw, u.len), 0);
	/* Not an escape: kept as it is. */
	sc_buf_reset(&u);
	sc_display_undo(&u, "\\q \\x4 \\xZZ \\", 13);
	CU_ASSERT_EQUAL(u.len, 13);
	CU_ASSERT_EQUAL(memcmp(u.data, "\\q \\x4 \\xZZ \\", 13), 0);
	sc_buf_free(&d);
	sc_buf_free(&u);
}

/* test_file - sc_results_load from a file, and a missing file */
static void test_file(void)
{
	char path[] = "/tmp/test_results_load.XXXXXX";
	static const char text[] = HEAD "\"results\": []}";
	struct sc_loaded l;
	struct sc_error e;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1),
			(ssize_t)(sizeof(text) - 1));
	close(fd);
	CU_ASSERT_EQUAL(sc_results_load(path, &l, &e), SC_OK);
	sc_loaded_free(&l);
	unlink(path);
	CU_ASSERT_EQUAL(sc_results_load(path, &l, &e), SC_ERR_IO);
	CU_ASSERT_STRING_EQUAL(e.file, path);
}

/* set_result - a result for scenario sc with a verdict */
static void set_result(struct sc_result *r, struct sc_scenario *sc,
		       const char *id, enum sc_level level,
		       enum sc_verdict v, enum sc_level fail_level)
{
	memset(sc, 0, sizeof(*sc));
	memset(r, 0, sizeof(*r));
	sc->id = (char *)id;
	sc->level = level;
	r->scenario = sc;
	r->verdict = v;
	r->fail_level = fail_level;
}

/* find_row - the comparison row of an id */
static const struct sc_compare_row *find_row(const struct sc_compare *c,
					     const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].id, id) == 0)
			return &c->rows[i];
	return NULL;
}

/* test_compare - pass->fail/error regress, fail->pass fixes, new, removed */
static void test_compare(void)
{
	struct sc_scenario so[5], sn[5];
	struct sc_result o[5], n[5];
	struct sc_compare c;
	const struct sc_compare_row *r;

	/* Old and new in different orders: pairing is by id. */
	set_result(&o[0], &so[0], "a/must", SC_LEVEL_MUST, SC_VERDICT_PASS, 0);
	set_result(&o[1], &so[1], "b/should", SC_LEVEL_SHOULD,
		   SC_VERDICT_PASS, 0);
	set_result(&o[2], &so[2], "c/fixed", SC_LEVEL_MUST, SC_VERDICT_FAIL,
		   SC_LEVEL_MUST);
	set_result(&o[3], &so[3], "d/gone", SC_LEVEL_MAY, SC_VERDICT_PASS, 0);
	set_result(&o[4], &so[4], "e/same", SC_LEVEL_MUST, SC_VERDICT_SKIP, 0);
	set_result(&n[0], &sn[0], "e/same", SC_LEVEL_MUST, SC_VERDICT_SKIP, 0);
	set_result(&n[1], &sn[1], "f/new", SC_LEVEL_SECURITY,
		   SC_VERDICT_FAIL, SC_LEVEL_SECURITY);
	set_result(&n[2], &sn[2], "c/fixed", SC_LEVEL_MUST, SC_VERDICT_PASS,
		   0);
	/* A SHOULD scenario that broke a MUST (reply syntax): MUST. */
	set_result(&n[3], &sn[3], "b/should", SC_LEVEL_SHOULD,
		   SC_VERDICT_FAIL, SC_LEVEL_MUST);
	set_result(&n[4], &sn[4], "a/must", SC_LEVEL_MUST, SC_VERDICT_ERROR,
		   0);
	CU_ASSERT_EQUAL_FATAL(sc_compare_build(o, 5, n, 5, &c), SC_OK);
	CU_ASSERT_EQUAL(c.n, 6);
	CU_ASSERT_STRING_EQUAL(c.rows[0].id, "a/must");
	CU_ASSERT_STRING_EQUAL(c.rows[5].id, "f/new");
	r = find_row(&c, "a/must");
	CU_ASSERT_EQUAL(r->change, SC_CHANGE_REGRESSION);
	CU_ASSERT_EQUAL(r->level, SC_LEVEL_MUST);
	r = find_row(&c, "b/should");
	CU_ASSERT_EQUAL(r->change, SC_CHANGE_REGRESSION);
	CU_ASSERT_EQUAL(r->level, SC_LEVEL_MUST);
	CU_ASSERT_EQUAL(find_row(&c, "c/fixed")->change, SC_CHANGE_FIX);
	r = find_row(&c, "d/gone");
	CU_ASSERT_EQUAL(r->change, SC_CHANGE_REMOVED);
	CU_ASSERT_PTR_NULL(r->cur);
	CU_ASSERT_EQUAL(r->level, SC_LEVEL_MAY);
	CU_ASSERT_EQUAL(find_row(&c, "e/same")->change, SC_CHANGE_SAME);
	r = find_row(&c, "f/new");
	CU_ASSERT_EQUAL(r->change, SC_CHANGE_NEW);
	CU_ASSERT_PTR_NULL(r->old);
	CU_ASSERT_EQUAL(c.counts[SC_CHANGE_REGRESSION], 2);
	CU_ASSERT_EQUAL(c.regressions_by_level[SC_LEVEL_MUST], 2);
	CU_ASSERT_EQUAL(c.counts[SC_CHANGE_FIX], 1);
	CU_ASSERT_STRING_EQUAL(sc_change_name(SC_CHANGE_FIX), "fixed");
	sc_compare_free(&c);
	/* Skip to pass is a change, not a fix; nothing against nothing. */
	set_result(&o[0], &so[0], "x", SC_LEVEL_MUST, SC_VERDICT_SKIP, 0);
	set_result(&n[0], &sn[0], "x", SC_LEVEL_MUST, SC_VERDICT_PASS, 0);
	CU_ASSERT_EQUAL_FATAL(sc_compare_build(o, 1, n, 1, &c), SC_OK);
	CU_ASSERT_EQUAL(c.rows[0].change, SC_CHANGE_OTHER);
	sc_compare_free(&c);
	CU_ASSERT_EQUAL_FATAL(sc_compare_build(NULL, 0, NULL, 0, &c), SC_OK);
	CU_ASSERT_EQUAL(c.n, 0);
	sc_compare_free(&c);
}

/* test_pages - comparison and matrix pages: escaped, policy, no script */
static void test_pages(void)
{
	struct sc_scenario so, sn;
	struct sc_result o, n;
	struct sc_run_info a, b;
	struct sc_server_info srv;
	struct sc_matrix_column cols[2];
	struct sc_compare c;
	struct sc_buf p;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&srv, 0, sizeof(srv));
	srv.banner = "220 <b>evil</b>\x1b \\x1b\r\n";
	srv.banner_len = strlen(srv.banner);
	a.target = "old<host>";
	b.target = "new&host";
	b.server = &srv;
	set_result(&o, &so, "id/<script>", SC_LEVEL_MUST, SC_VERDICT_PASS, 0);
	set_result(&n, &sn, "id/<script>", SC_LEVEL_MUST, SC_VERDICT_FAIL,
		   SC_LEVEL_MUST);
	/* Escaped-safe text with one display escape and a raw ESC. */
	n.observed = "250 <i>\\x1b</i>\x1b";
	CU_ASSERT_EQUAL_FATAL(sc_compare_build(&o, 1, &n, 1, &c), SC_OK);
	sc_buf_init(&p, 0);
	CU_ASSERT_EQUAL(sc_report_compare_html(&p, &a, &b, &c), SC_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "script-src 'none'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "style-src 'sha256-"));
	CU_ASSERT_PTR_NULL(strstr(p.data, "<script"));
	CU_ASSERT_PTR_NULL(strstr(p.data, "<i>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "id/&lt;script&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "old&lt;host&gt;"));
	/* observed keeps its one escape; the page has no doubled one. */
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data,
				      "&lt;i&gt;\\x1b&lt;/i&gt;\\x1b</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "Regressions (1)"));
	sc_compare_free(&c);
	sc_buf_reset(&p);
	cols[0].info = &a;
	cols[0].results = &o;
	cols[0].n = 1;
	cols[1].info = &b;
	cols[1].results = &n;
	cols[1].n = 1;
	CU_ASSERT_EQUAL(sc_report_matrix_html(&p, cols, 2), SC_OK);
	CU_ASSERT_PTR_NULL(strstr(p.data, "<script"));
	CU_ASSERT_PTR_NULL(strstr(p.data, "<b>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "<th>new&amp;host<small>"));
	/* Raw banner bytes in display form: ESC as \x1b, a backslash
	 * doubled, the line end cut off. */
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "220 &lt;b&gt;evil&lt;/b&gt;"
				      "\\x1b \\\\x1b</small>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "v-pass"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p.data, "v-fail"));
	CU_ASSERT_EQUAL(sc_report_matrix_html(&p, cols, 0), SC_ERR_USAGE);
	sc_buf_free(&p);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "round trip fields", test_fields },
		{ "round trip json", test_same_json },
		{ "round trip html", test_same_html },
		{ "round trip junit", test_same_junit },
		{ "long banner", test_long_banner },
		{ "refused documents", test_refused },
		{ "minimal documents", test_minimal },
		{ "display undo", test_undo },
		{ "file", test_file },
		{ "compare", test_compare },
		{ "compare and matrix pages", test_pages },
		{ NULL, NULL }
	};

	return test_add_suite("results_load", cases);
}
