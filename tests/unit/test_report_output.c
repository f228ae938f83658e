/*
 * test_report_output.c - a managed server's output (crash and sanitizer
 * reports) reaches the JUnit and HTML reports line by line, escaped.
 */
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/escape.h"
#include "smtpconf/report.h"

/* Hostile output: markup, a terminal colour escape, a NUL, bad UTF-8. */
static const char output[] =
	"==4242==ERROR: AddressSanitizer: heap-buffer-overflow\n"
	"<script>alert(1)</script>\n"
	"\033[31mred\0\xff\n";

/* crashed_result - one error result carrying the server's output */
static void crashed_result(struct sc_scenario *s, struct sc_result *r)
{
	memset(s, 0, sizeof(*s));
	memset(r, 0, sizeof(*r));
	s->id = "rfc5321/noop/basic";
	s->title = "NOOP gets 250";
	s->rfc = "5321 4.1.1.9";
	s->path = "noop.smtp";
	r->scenario = s;
	r->verdict = SC_VERDICT_ERROR;
	r->crashed = 1;
	r->reason = "server crashed: killed by signal 6";
	r->server_output = (char *)output;
	r->server_output_len = sizeof(output) - 1;
}

/* build - one report into a fresh buffer */
static void build(int (*fn)(struct sc_buf *, const struct sc_run_info *,
			    const struct sc_result *, size_t),
		  const struct sc_result *r, struct sc_buf *out)
{
	struct sc_run_info info;

	memset(&info, 0, sizeof(info));
	info.tool_version = "test";
	info.target = "127.0.0.1:25";
	info.command_line = "smtpconf run";
	sc_buf_init(out, 0);
	CU_ASSERT_EQUAL_FATAL(fn(out, &info, r, 1), SC_OK);
}

/* inert - no raw ESC, NUL or invalid byte, and no live script tag from the output */
static void check_inert(const struct sc_buf *b)
{
	CU_ASSERT_PTR_NULL(memchr(b->data, '\033', b->len));
	CU_ASSERT_PTR_NULL(memchr(b->data, '\xff', b->len));
	CU_ASSERT_EQUAL(strlen(b->data), b->len);
	CU_ASSERT_PTR_NULL(strstr(b->data, "<script>alert(1)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b->data, "&lt;script&gt;alert(1)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b->data, "heap-buffer-overflow"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b->data, "\\x1b[31mred\\0\\xff"));
}

static void test_junit_shows_output(void)
{
	struct sc_scenario s;
	struct sc_result r;
	struct sc_buf b;

	crashed_result(&s, &r);
	build(sc_report_junit, &r, &b);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "server output (last bytes):"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "|  ==4242==ERROR"));
	check_inert(&b);
	sc_buf_free(&b);
}

static void test_html_shows_output(void)
{
	struct sc_scenario s;
	struct sc_result r;
	struct sc_buf b;

	crashed_result(&s, &r);
	build(sc_report_html, &r, &b);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "Server output (last bytes)"));
	check_inert(&b);
	sc_buf_free(&b);
}

/* test_pass_carries_output - a pass shows what the server printed too */
static void test_pass_carries_output(void)
{
	struct sc_scenario s;
	struct sc_result r;
	struct sc_buf b;
	const char *so;

	crashed_result(&s, &r);
	r.verdict = SC_VERDICT_PASS;
	r.crashed = 0;
	r.reason = NULL;
	build(sc_report_junit, &r, &b);
	so = strstr(b.data, "<system-out>");
	CU_ASSERT_PTR_NOT_NULL(so);
	CU_ASSERT(so != NULL && strstr(so, "|  ==4242==ERROR") != NULL);
	CU_ASSERT(so != NULL && strstr(so, "</system-out>") != NULL);
	CU_ASSERT_PTR_NULL(strstr(b.data, "<failure"));
	check_inert(&b);
	sc_buf_free(&b);
	build(sc_report_html, &r, &b);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "<details class=\"server-output"
				      "\"><summary>Server output"));
	check_inert(&b);
	sc_buf_free(&b);
	/* A failure: the output in system-out, once, not in <failure>. */
	r.verdict = SC_VERDICT_FAIL;
	r.reason = "expected 250";
	build(sc_report_junit, &r, &b);
	so = strstr(b.data, "<system-out>");
	CU_ASSERT(so != NULL && strstr(so, "==4242==ERROR") != NULL);
	CU_ASSERT(so != NULL && strstr(b.data, "==4242==ERROR") > so);
	sc_buf_free(&b);
}

static void test_no_output_no_section(void)
{
	struct sc_scenario s;
	struct sc_result r;
	struct sc_buf b;

	crashed_result(&s, &r);
	r.server_output = NULL;
	r.server_output_len = 0;
	build(sc_report_junit, &r, &b);
	CU_ASSERT_PTR_NULL(strstr(b.data, "server output"));
	sc_buf_free(&b);
	build(sc_report_html, &r, &b);
	CU_ASSERT_PTR_NULL(strstr(b.data, "Server output"));
	sc_buf_free(&b);
}

static void test_display_lines(void)
{
	struct sc_buf b;

	sc_buf_init(&b, 0);
	sc_escape_display_lines(&b, "one\ntwo\x07\nthree", 14, "> ");
	CU_ASSERT_STRING_EQUAL(b.data, "> one\n> two\\x07\n> three\n");
	sc_buf_reset(&b);
	sc_escape_display_lines(&b, "", 0, "> ");
	CU_ASSERT_EQUAL(b.len, 0);
	sc_buf_free(&b);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "junit shows the server output", test_junit_shows_output },
		{ "html shows the server output", test_html_shows_output },
		{ "a pass carries the output", test_pass_carries_output },
		{ "no output, no section", test_no_output_no_section },
		{ "display lines", test_display_lines },
		{ NULL, NULL }
	};

	return test_add_suite("report server output", cases);
}
