/*
 * test_template.c - expanding sends, matching and showing expectations,
 * when: conditions, variables and levels.
 *
 * Capabilities are built by hand as an RFC 5321 4.1.1.1 EHLO reply
 * would give them (keyword upper-cased, parameters as sent), so these
 * tests need no reply parser.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/scenario.h"

#define HDR "title: t\nrfc: 5321\nlevel: MUST\n"

static struct sc_vars vars;
static struct sc_capabilities caps;

/* caps_reset - a valid EHLO reply with no extension */
static void caps_reset(void)
{
	memset(&caps, 0, sizeof(caps));
	caps.valid = 1;
	snprintf(caps.domain, sizeof(caps.domain), "mx.example.org");
}

/* caps_add - one ehlo-line: keyword and its parameters */
static void caps_add(const char *keyword, const char *params)
{
	struct sc_capability *c = &caps.items[caps.count++];

	snprintf(c->keyword, sizeof(c->keyword), "%s", keyword);
	snprintf(c->params, sizeof(c->params), "%s", params);
}

/* load - parse text with the default variables plus n=41, big=abcde */
static void load(const char *text, struct sc_scenario *s)
{
	struct sc_error e;

	sc_vars_init(&vars);
	sc_vars_set(&vars, "n", "41");
	sc_vars_set(&vars, "big", "abcde");
	sc_vars_set(&vars, "word", "abc");
	CU_ASSERT_EQUAL_FATAL(sc_scenario_parse(text, strlen(text), "t.smtp",
						"t", &vars, s, &e), SC_OK);
}

/* expand - step i's send into out; returns the status */
static int expand(const struct sc_scenario *s, size_t i,
		  const struct sc_capabilities *c, struct sc_buf *out,
		  struct sc_error *e)
{
	sc_buf_reset(out);
	sc_error_clear(e);
	return sc_template_expand(&s->steps[i].send, &vars, c, out, e);
}

/* test_expand_vars - variables and ehlo.* values, with offsets */
static void test_expand_vars(void)
{
	struct sc_scenario s;
	struct sc_buf out;
	struct sc_error e;

	load(HDR
	     "C: EHLO ${client}\n"
	     "C: MAIL FROM:<${mail_from}> SIZE=${ehlo.SIZE + 1}\n"
	     "C: ${ehlo.size-1} ${ehlo.auth} ${n + 1}${n - 50}\n"
	     "R: \"${n}\" * 3 \"\\r\\n\"\n"
	     "C: RCPT TO:<${rcpt}> ${domain}\n", &s);
	caps_reset();
	caps_add("SIZE", "1000");
	caps_add("AUTH", "PLAIN LOGIN");
	sc_buf_init(&out, 0);
	CU_ASSERT_EQUAL(expand(&s, 0, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out),
			       "EHLO smtpconf.example.org\r\n");
	CU_ASSERT_EQUAL(expand(&s, 1, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out),
			       "MAIL FROM:<smtpconf@example.org> "
			       "SIZE=1001\r\n");
	/* The first parameter only: AUTH's mechanisms are a list. */
	CU_ASSERT_EQUAL(expand(&s, 2, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out), "999 PLAIN 42-9\r\n");
	CU_ASSERT_EQUAL(expand(&s, 3, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out), "414141\r\n");
	CU_ASSERT_EQUAL(expand(&s, 4, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out),
			       "RCPT TO:<postmaster@example.org> "
			       "example.org\r\n");
	/* A --var given at run time wins over the default. */
	sc_vars_set(&vars, "client", "other.example.net");
	CU_ASSERT_EQUAL(expand(&s, 0, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out),
			       "EHLO other.example.net\r\n");
	sc_buf_free(&out);
	sc_scenario_free(&s);
}

/* test_expand_appends - expansion adds to what out holds */
static void test_expand_appends(void)
{
	struct sc_scenario s;
	struct sc_buf out;
	struct sc_error e;

	load(HDR "C: NOOP\n", &s);
	sc_buf_init(&out, 0);
	sc_buf_puts(&out, "RSET\r\n");
	CU_ASSERT_EQUAL(sc_template_expand(&s.steps[0].send, &vars, NULL,
					   &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out), "RSET\r\nNOOP\r\n");
	sc_buf_free(&out);
	sc_scenario_free(&s);
}

/* test_expand_errors - a value that cannot be had is SC_ERR_USAGE */
static void test_expand_errors(void)
{
	struct sc_scenario s;
	struct sc_buf out;
	struct sc_error e;
	struct sc_capabilities none;

	load(HDR
	     "C: MAIL FROM:<> SIZE=${ehlo.SIZE}\n"
	     "C: MAIL FROM:<> SIZE=${ehlo.SIZE + 1}\n"
	     "C: EHLO ${client}\n"
	     "C: ${word + 1}\n"
	     "C: ${word}\n", &s);
	sc_buf_init(&out, 0);
	caps_reset();
	caps_add("PIPELINING", "");
	CU_ASSERT_EQUAL(expand(&s, 0, &caps, &out, &e), SC_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(e.msg, "ehlo.SIZE: the server did not "
			       "advertise SIZE");
	CU_ASSERT_EQUAL(expand(&s, 0, NULL, &out, &e), SC_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "did not answer EHLO"));
	memset(&none, 0, sizeof(none));
	CU_ASSERT_EQUAL(expand(&s, 0, &none, &out, &e), SC_ERR_USAGE);
	/* RFC 1870 allows a bare SIZE: its value is empty, not a number. */
	caps_add("SIZE", "");
	CU_ASSERT_EQUAL(expand(&s, 0, &caps, &out, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out), "MAIL FROM:<> SIZE=\r\n");
	CU_ASSERT_EQUAL(expand(&s, 1, &caps, &out, &e), SC_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not a number"));
	caps_reset();
	caps_add("SIZE", "9223372036854775807");
	CU_ASSERT_EQUAL(expand(&s, 1, &caps, &out, &e), SC_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "overflows"));
	CU_ASSERT_EQUAL(expand(&s, 3, &caps, &out, &e), SC_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "'abc' is not a number"));
	/* Run-time variables lacking what parsing had. */
	vars.count = 0;
	CU_ASSERT_EQUAL(expand(&s, 2, &caps, &out, &e), SC_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(e.msg, "variable 'client' has no value");
	CU_ASSERT_EQUAL(sc_template_expand(&s.steps[4].send, NULL, &caps,
					   &out, &e), SC_ERR_USAGE);
	sc_buf_free(&out);
	sc_scenario_free(&s);
}

/* test_expand_limits - SC_SEND_MAX_BYTES and the caller's buffer cap */
static void test_expand_limits(void)
{
	struct sc_scenario s;
	struct sc_buf out;
	struct sc_error e;

	/* Parsing cannot see the size of ${big}: 5 * 16 Mi = 80 MiB. */
	load(HDR
	     "R: \"${big}\" * 16777216\n"
	     "R: \"abcd\" * 16777216\n"
	     "C: 0123456789\n", &s);
	sc_buf_init(&out, 0);
	CU_ASSERT_EQUAL(expand(&s, 0, NULL, &out, &e), SC_ERR_LIMIT);
	CU_ASSERT_TRUE(out.len <= SC_SEND_MAX_BYTES);
	/* Exactly SC_SEND_MAX_BYTES is allowed. */
	CU_ASSERT_EQUAL(expand(&s, 1, NULL, &out, &e), SC_OK);
	CU_ASSERT_EQUAL(out.len, (size_t)SC_SEND_MAX_BYTES);
	CU_ASSERT_EQUAL(memcmp(out.data + out.len - 8, "abcdabcd", 8), 0);
	sc_buf_free(&out);
	sc_buf_init(&out, 8);
	CU_ASSERT_EQUAL(expand(&s, 2, NULL, &out, &e), SC_ERR_LIMIT);
	sc_buf_free(&out);
	sc_scenario_free(&s);
}

/* test_code_match - 'x' matches any digit; codes are 100..999 */
static void test_code_match(void)
{
	static const struct {
		const char *pat;
		int code;
		int match;
	} cases[] = {
		{ "250", 250, 1 }, { "250", 251, 0 }, { "250", 350, 0 },
		{ "5xx", 550, 1 }, { "5xx", 500, 1 }, { "5xx", 599, 1 },
		{ "5xx", 450, 0 }, { "25x", 252, 1 }, { "25x", 262, 0 },
		{ "x5x", 354, 1 }, { "x5x", 530, 0 }, { "xxx", 220, 1 },
		{ "xx1", 421, 1 }, { "xx1", 420, 0 },
		{ "xxx", -1, 0 }, { "xxx", 99, 0 }, { "xxx", 1000, 0 },
		{ "2xx", 0, 0 },
	};
	struct sc_code_pattern p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(p.d, cases[i].pat, 3);
		CU_ASSERT_EQUAL(sc_code_pattern_match(&p, cases[i].code),
				cases[i].match);
	}
	CU_ASSERT_FALSE(sc_code_pattern_match(NULL, 250));
}

/* test_expect_format - the S: line as the user wrote it, normalised */
static void test_expect_format(void)
{
	static const struct {
		const char *line;
		const char *shown;
	} cases[] = {
		{ "S: 250", "250" },
		{ "S: 252|502", "252|502" },
		{ "S: !5xx", "!5xx" },
		{ "S: 5XX 5.X.x", "5xx 5.x.x" },
		{ "S: 250 2.0.0 /ok/ closed", "250 2.0.0 /ok/ closed" },
		{ "S:   221    closed   # bye", "221 closed" },
		{ "S: 250 /a\\/b/", "250 /a\\/b/" },
		{ "S: 250 /a\\.b/", "250 /a\\.b/" },
		{ "S: 503  premise # x", "503 premise" },
		{ "S: 221 closed premise", "221 closed premise" },
	};
	char text[256];
	struct sc_scenario s, again;
	struct sc_buf out;
	size_t i;

	sc_buf_init(&out, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), HDR "%s\n", cases[i].line);
		load(text, &s);
		sc_buf_reset(&out);
		sc_expect_format(&s.steps[0].expect, &out);
		CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&out), cases[i].shown);
		/* What is shown parses back to the same expectation. */
		snprintf(text, sizeof(text), HDR "S: %s\n",
			 sc_buf_cstr(&out));
		load(text, &again);
		CU_ASSERT_EQUAL(memcmp(again.steps[0].expect.alts,
				       s.steps[0].expect.alts,
				       sizeof(s.steps[0].expect.alts)), 0);
		CU_ASSERT_STRING_EQUAL(again.steps[0].expect.enhanced,
				       s.steps[0].expect.enhanced);
		CU_ASSERT_EQUAL(again.steps[0].expect.then_closed,
				s.steps[0].expect.then_closed);
		CU_ASSERT_EQUAL(again.steps[0].expect.premise,
				s.steps[0].expect.premise);
		if (s.steps[0].expect.text_regex)
			CU_ASSERT_STRING_EQUAL(
				again.steps[0].expect.text_regex,
				s.steps[0].expect.text_regex);
		sc_scenario_free(&again);
		sc_scenario_free(&s);
	}
	sc_buf_free(&out);
}

/* hold - sc_conds_hold on one when: line; why copied out */
static int hold(const char *when, const struct sc_capabilities *c,
		char *why, size_t whylen)
{
	char text[512];
	struct sc_scenario s;
	int r;

	snprintf(text, sizeof(text), HDR "when: %s\nclose\n", when);
	load(text, &s);
	r = sc_conds_hold(&s, c, why, whylen);
	sc_scenario_free(&s);
	return r;
}

/* test_conds - each condition form, holding and not, with its reason */
static void test_conds(void)
{
	char why[256];

	caps_reset();
	caps_add("PIPELINING", "");
	caps_add("SIZE", "0");
	caps_add("AUTH", "PLAIN LOGIN");
	caps_add("X-FOO", "abc");
	CU_ASSERT_TRUE(hold("pipelining", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT_FALSE(hold("STARTTLS", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "STARTTLS is not advertised");
	CU_ASSERT_TRUE(hold("!STARTTLS", &caps, why, sizeof(why)));
	CU_ASSERT_FALSE(hold("!PIPELINING", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "PIPELINING is advertised");
	CU_ASSERT_TRUE(hold("AUTH has LOGIN", &caps, why, sizeof(why)));
	CU_ASSERT_TRUE(hold("AUTH has plain", &caps, why, sizeof(why)));
	CU_ASSERT_FALSE(hold("AUTH has CRAM-MD5", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "AUTH does not list CRAM-MD5");
	CU_ASSERT_FALSE(hold("DSN has RET", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "DSN is not advertised");
	CU_ASSERT_FALSE(hold("SIZE > 0", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "SIZE is 0, needs > 0");
	CU_ASSERT_TRUE(hold("SIZE >= 0", &caps, why, sizeof(why)));
	CU_ASSERT_TRUE(hold("SIZE == 0", &caps, why, sizeof(why)));
	CU_ASSERT_TRUE(hold("SIZE <= 0", &caps, why, sizeof(why)));
	CU_ASSERT_TRUE(hold("SIZE < 1", &caps, why, sizeof(why)));
	CU_ASSERT_FALSE(hold("SIZE != 0", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "SIZE is 0, needs != 0");
	CU_ASSERT_TRUE(hold("SIZE > -1", &caps, why, sizeof(why)));
	CU_ASSERT_FALSE(hold("X-FOO > 1", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "X-FOO has no numeric parameter");
	CU_ASSERT_FALSE(hold("PIPELINING > 1", &caps, why, sizeof(why)));
	CU_ASSERT_FALSE(hold("CHUNKING < 5", &caps, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "CHUNKING is not advertised");
	/* All must hold; the first that does not is the reason. */
	CU_ASSERT_TRUE(hold("PIPELINING and AUTH has PLAIN and !DSN",
			    &caps, why, sizeof(why)));
	CU_ASSERT_FALSE(hold("PIPELINING and STARTTLS and DSN", &caps, why,
			     sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "STARTTLS is not advertised");
}

/* test_conds_no_ehlo - without EHLO only "not advertised" can hold */
static void test_conds_no_ehlo(void)
{
	struct sc_capabilities invalid;
	char why[256];

	memset(&invalid, 0, sizeof(invalid));
	CU_ASSERT_FALSE(hold("PIPELINING", NULL, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "the server did not answer EHLO");
	CU_ASSERT_FALSE(hold("SIZE > 0", &invalid, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "the server did not answer EHLO");
	CU_ASSERT_FALSE(hold("AUTH has PLAIN", &invalid, why, sizeof(why)));
	CU_ASSERT_TRUE(hold("!STARTTLS", NULL, why, sizeof(why)));
	CU_ASSERT_TRUE(hold("!STARTTLS", &invalid, why, sizeof(why)));
	/* why may be omitted. */
	CU_ASSERT_TRUE(hold("!X", NULL, NULL, 0));
	CU_ASSERT_FALSE(hold("X", NULL, NULL, 0));
	/* A short why buffer is cut, not overrun. */
	CU_ASSERT_FALSE(hold("PIPELINING", NULL, why, 4));
	CU_ASSERT_STRING_EQUAL(why, "the");
}

/* test_vars - defaults under example.org (RFC 2606), set, get, bounds */
static void test_vars(void)
{
	static struct sc_vars v;
	char name[16], big[SC_VAR_VALUE_MAX + 1], longname[SC_VAR_NAME_MAX];
	int i;

	sc_vars_init(&v);
	/* 5, and the six test-credential variables, empty until given */
	CU_ASSERT_EQUAL(v.count, 11);
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "auth_user"), "");
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "auth_plain"), "");
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "client"),
			       "smtpconf.example.org");
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "mail_from"),
			       "smtpconf@example.org");
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "rcpt"),
			       "postmaster@example.org");
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "domain"), "example.org");
	CU_ASSERT_PTR_NULL(sc_vars_get(&v, "Client"));
	CU_ASSERT_PTR_NULL(sc_vars_get(NULL, "client"));
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "server_timeout"), "300");
	CU_ASSERT_EQUAL(sc_vars_set(&v, "client", "x.example.net"), SC_OK);
	CU_ASSERT_EQUAL(v.count, 11);
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "client"), "x.example.net");
	CU_ASSERT_EQUAL(sc_vars_set(&v, "_a.b-c9", ""), SC_OK);
	CU_ASSERT_STRING_EQUAL(sc_vars_get(&v, "_a.b-c9"), "");
	CU_ASSERT_EQUAL(sc_vars_set(&v, "9a", "x"), SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(sc_vars_set(&v, "", "x"), SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(sc_vars_set(&v, "a b", "x"), SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(sc_vars_set(&v, "a$", "x"), SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(sc_vars_set(&v, "-a", "x"), SC_ERR_SYNTAX);
	/* ehlo.* comes from the server only. */
	CU_ASSERT_EQUAL(sc_vars_set(&v, "ehlo.SIZE", "1"), SC_ERR_SYNTAX);
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(sc_vars_set(&v, "big", big), SC_ERR_LIMIT);
	big[SC_VAR_VALUE_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(sc_vars_set(&v, "big", big), SC_OK);
	/* SC_VAR_NAME_MAX counts the terminating NUL. */
	memset(longname, 'n', sizeof(longname));
	CU_ASSERT_TRUE(sc_var_name_valid(longname, SC_VAR_NAME_MAX - 1));
	CU_ASSERT_FALSE(sc_var_name_valid(longname, SC_VAR_NAME_MAX));
	CU_ASSERT_TRUE(sc_var_name_valid("ehlo.SIZE", 9));
	CU_ASSERT_TRUE(sc_var_name_valid("a b", 1));
	CU_ASSERT_FALSE(sc_var_name_valid(NULL, 0));
	for (i = 0; (size_t)v.count < SC_VARS_MAX; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		CU_ASSERT_EQUAL_FATAL(sc_vars_set(&v, name, "x"), SC_OK);
	}
	CU_ASSERT_EQUAL(sc_vars_set(&v, "one_more", "x"), SC_ERR_LIMIT);
	/* Replacing an existing one still works when full. */
	CU_ASSERT_EQUAL(sc_vars_set(&v, "client", "y"), SC_OK);
}

/* test_levels - names and their case-insensitive inverse */
static void test_levels(void)
{
	enum sc_level l = SC_LEVEL_MAY;

	CU_ASSERT_STRING_EQUAL(sc_level_name(SC_LEVEL_MUST), "MUST");
	CU_ASSERT_STRING_EQUAL(sc_level_name(SC_LEVEL_SHOULD), "SHOULD");
	CU_ASSERT_STRING_EQUAL(sc_level_name(SC_LEVEL_MAY), "MAY");
	CU_ASSERT_STRING_EQUAL(sc_level_name(SC_LEVEL_SECURITY), "security");
	CU_ASSERT_STRING_EQUAL(sc_level_name((enum sc_level)42), "unknown");
	CU_ASSERT_EQUAL(sc_level_parse("must", &l), 0);
	CU_ASSERT_EQUAL(l, SC_LEVEL_MUST);
	CU_ASSERT_EQUAL(sc_level_parse("Security", &l), 0);
	CU_ASSERT_EQUAL(l, SC_LEVEL_SECURITY);
	CU_ASSERT_EQUAL(sc_level_parse("should", &l), 0);
	CU_ASSERT_EQUAL(l, SC_LEVEL_SHOULD);
	CU_ASSERT_EQUAL(sc_level_parse("may", &l), 0);
	CU_ASSERT_EQUAL(l, SC_LEVEL_MAY);
	CU_ASSERT_NOT_EQUAL(sc_level_parse("MUST NOT", &l), 0);
	CU_ASSERT_NOT_EQUAL(sc_level_parse("", &l), 0);
	CU_ASSERT_NOT_EQUAL(sc_level_parse(NULL, &l), 0);
	CU_ASSERT_EQUAL(l, SC_LEVEL_MAY);
}

/* What an sc_emit_fn received: the bytes, and the blocks' sizes. */
struct blocks {
	struct sc_buf bytes;
	size_t count, block, short_ones;
	int stop_after;		/* > 0: fail the call with this number */
};

/* collect - sc_emit_fn that appends and counts the blocks */
static int collect(void *ctx, const char *p, size_t len, struct sc_error *e)
{
	struct blocks *b = ctx;

	sc_buf_append(&b->bytes, p, len);
	b->count++;
	if (len != b->block)
		b->short_ones++;
	if (b->stop_after > 0 && b->count == (size_t)b->stop_after)
		return sc_error_set(e, SC_ERR_IO, "stop");
	return SC_OK;
}

/* emit_as - x handed on in blocks of block bytes, at most max */
static void emit_as(const struct sc_expansion *x, size_t block, size_t max,
		    struct blocks *b)
{
	struct sc_error e;

	sc_buf_reset(&b->bytes);
	b->count = b->short_ones = 0;
	b->block = block;
	sc_error_clear(&e);
	CU_ASSERT_EQUAL(sc_expansion_emit(x, block, max, collect, b, &e),
			SC_OK);
}

/*
 * test_emit_blocks - a send handed on a block at a time is, joined,
 * the same bytes as the whole expansion, whatever the block size and
 * wherever the pieces and repetitions fall; only the last block is
 * short, and max cuts it to a prefix.
 */
static void test_emit_blocks(void)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 64, 4096, 1 << 20 };
	struct sc_scenario s;
	struct sc_expansion x;
	struct sc_buf whole;
	struct blocks b;
	struct sc_error e;
	size_t i;

	load(HDR "R: \"Subject: ${n}\\r\\n\" \"ab\" * 5000 "
	     "\"${big}\\r\\n\" * 3000 \".\\r\\n\"\n", &s);
	sc_buf_init(&whole, 0);
	CU_ASSERT_EQUAL_FATAL(expand(&s, 0, NULL, &whole, &e), SC_OK);
	CU_ASSERT_EQUAL(whole.len, 13 + 10000 + 7 * 3000 + 3);
	CU_ASSERT_EQUAL_FATAL(sc_template_prepare(&s.steps[0].send, &vars,
						  NULL, &x, &e), SC_OK);
	CU_ASSERT_EQUAL(x.total, whole.len);
	memset(&b, 0, sizeof(b));
	sc_buf_init(&b.bytes, 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		emit_as(&x, sizes[i], SIZE_MAX, &b);
		CU_ASSERT_EQUAL(b.bytes.len, whole.len);
		CU_ASSERT(memcmp(b.bytes.data, whole.data, whole.len) == 0);
		CU_ASSERT_EQUAL(b.count, (whole.len + sizes[i] - 1) /
				sizes[i]);
		CU_ASSERT(b.short_ones <= 1);
	}
	emit_as(&x, 4096, 10001, &b);
	CU_ASSERT_EQUAL(b.bytes.len, 10001);
	CU_ASSERT(memcmp(b.bytes.data, whole.data, 10001) == 0);
	CU_ASSERT_EQUAL(b.count, 3);
	/* The receiver's error stops the send there. */
	b.stop_after = 2;
	b.count = 0;
	CU_ASSERT_EQUAL(sc_expansion_emit(&x, 64, SIZE_MAX, collect, &b, &e),
			SC_ERR_IO);
	CU_ASSERT_EQUAL(b.count, 2);
	sc_expansion_free(&x);
	sc_buf_free(&b.bytes);
	sc_buf_free(&whole);
	sc_scenario_free(&s);
}

/* test_prepare_errors - a bad variable is found before any byte is out */
static void test_prepare_errors(void)
{
	struct sc_scenario s;
	struct sc_expansion x;
	struct sc_error e;

	load(HDR "R: \"x\" * 100 \"${ehlo.SIZE}\"\n", &s);
	sc_error_clear(&e);
	CU_ASSERT_EQUAL(sc_template_prepare(&s.steps[0].send, &vars, NULL,
					    &x, &e), SC_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "did not answer EHLO"));
	sc_expansion_free(&x);
	sc_scenario_free(&s);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "expand variables", test_expand_vars },
		{ "expand appends", test_expand_appends },
		{ "expand errors", test_expand_errors },
		{ "expand limits", test_expand_limits },
		{ "emit in blocks", test_emit_blocks },
		{ "prepare errors", test_prepare_errors },
		{ "code pattern match", test_code_match },
		{ "expect format", test_expect_format },
		{ "conditions", test_conds },
		{ "conditions without EHLO", test_conds_no_ehlo },
		{ "variables", test_vars },
		{ "levels", test_levels },
		{ NULL, NULL }
	};

	return test_add_suite("template", cases);
}
