/*
 * test_scenario.c - the scenario language parser (docs/scenario-format.md).
 *
 * Every directive is parsed from a valid file and its fields checked;
 * every error the reference lists is provoked and its line, column and
 * message checked; then arbitrary bytes (prefixes, mutations, random
 * data, the seed corpus) must give a scenario or an error, never a
 * crash or a leak (run under ASan to see the latter).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/scenario.h"

/* HDR - the three required header keys */
#define HDR "title: t\nrfc: 5321 4.1.1\nlevel: MUST\n"

static struct sc_vars vars;	/* defaults plus "size-2" and "big" */

/* vars_ready - the variables every test parses with */
static const struct sc_vars *vars_ready(void)
{
	static int done;

	if (!done) {
		sc_vars_init(&vars);
		sc_vars_set(&vars, "msg-2", "x");
		sc_vars_set(&vars, "n", "41");
		done = 1;
	}
	return &vars;
}

/* parse - a C string as the file t.smtp */
static int parse(const char *text, struct sc_scenario *s,
		 struct sc_error *e)
{
	return sc_scenario_parse(text, strlen(text), "t.smtp", "t",
				 vars_ready(), s, e);
}

/*
 * check_error - text must fail with SC_ERR_SYNTAX at line:col and a
 * message containing msg.  Asserts carry the caller's line.
 */
static void check_error(const char *text, size_t len, unsigned line,
			unsigned col, const char *msg, unsigned at)
{
	struct sc_scenario s;
	struct sc_error e;
	int rc;

	rc = sc_scenario_parse(text, len, "t.smtp", "t", vars_ready(), &s,
			       &e);
	CU_assertImplementation(rc == SC_ERR_SYNTAX, at, "rc == SYNTAX",
				__FILE__, "", CU_FALSE);
	CU_assertImplementation(e.line == line, at, "line", __FILE__, "",
				CU_FALSE);
	CU_assertImplementation(e.col == col, at, "col", __FILE__, "",
				CU_FALSE);
	CU_assertImplementation(strstr(e.msg, msg) != NULL, at, msg,
				__FILE__, "", CU_FALSE);
	CU_assertImplementation(strcmp(e.file, "t.smtp") == 0, at, "file",
				__FILE__, "", CU_FALSE);
	if (rc != SC_ERR_SYNTAX || e.line != line || e.col != col ||
	    strstr(e.msg, msg) == NULL)
		fprintf(stderr, "\n  line %u: got %d %u:%u '%s'\n", at, rc,
			e.line, e.col, e.msg);
	if (rc == SC_OK)
		sc_scenario_free(&s);
	/* A failed parse leaves nothing to free. */
	CU_assertImplementation(s.nsteps == 0 && s.title == NULL, at,
				"out reset", __FILE__, "", CU_FALSE);
}

#define ERR(text, line, col, msg) \
	check_error((text), strlen(text), (line), (col), (msg), __LINE__)

/* literal - the bytes of a send step when it holds no variable */
static int literal_is(const struct sc_template *t, const char *want,
		      size_t wantlen)
{
	struct sc_buf b;
	struct sc_error e;
	int ok;

	sc_buf_init(&b, 0);
	ok = sc_template_expand(t, vars_ready(), NULL, &b, &e) == SC_OK &&
	     b.len == wantlen &&
	     (wantlen == 0 || memcmp(b.data, want, wantlen) == 0);
	sc_buf_free(&b);
	return ok;
}

#define SENDS(t, s) literal_is((t), (s), sizeof(s) - 1)

/* test_full_header - every header key, read back as the reference says */
static void test_full_header(void)
{
	static const char text[] =
		"# a comment before the header\n"
		"title: EHLO gets 250\n"
		"rfc:   5321  4.1.1.1 ,2920 3.1,1870\n"
		"level: should\n"
		"tags:  core, ehlo pipelining,,core\n"
		"quote: first half\n"
		"quote:   second half  \n"
		"why:   one\n"
		"why:   two\n"
		"when:  PIPELINING and !starttls\n"
		"when:  AUTH has PLAIN and SIZE > 0\n"
		"timeout: 2m\n"
		"step-timeout: 500ms\n"
		"exclusive: YES\n"
		"\n"
		"S: 220\n";
	struct sc_scenario s;
	struct sc_error e;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(s.id, "t");
	CU_ASSERT_STRING_EQUAL(s.path, "t.smtp");
	CU_ASSERT_STRING_EQUAL(s.title, "EHLO gets 250");
	CU_ASSERT_STRING_EQUAL(s.rfc, "5321 4.1.1.1, 2920 3.1, 1870");
	CU_ASSERT_EQUAL(s.level, SC_LEVEL_SHOULD);
	CU_ASSERT_EQUAL_FATAL(s.ntags, 3);
	CU_ASSERT_STRING_EQUAL(s.tags[0], "core");
	CU_ASSERT_STRING_EQUAL(s.tags[1], "ehlo");
	CU_ASSERT_STRING_EQUAL(s.tags[2], "pipelining");
	CU_ASSERT_STRING_EQUAL(s.quote, "first half second half");
	CU_ASSERT_STRING_EQUAL(s.why, "one two");
	CU_ASSERT_EQUAL_FATAL(s.nconds, 4);
	CU_ASSERT_EQUAL(s.conds[0].op, SC_COND_PRESENT);
	CU_ASSERT_STRING_EQUAL(s.conds[0].keyword, "PIPELINING");
	CU_ASSERT_EQUAL(s.conds[0].line, 10);
	CU_ASSERT_EQUAL(s.conds[1].op, SC_COND_ABSENT);
	CU_ASSERT_STRING_EQUAL(s.conds[1].keyword, "STARTTLS");
	CU_ASSERT_EQUAL(s.conds[2].op, SC_COND_HAS_PARAM);
	CU_ASSERT_STRING_EQUAL(s.conds[2].keyword, "AUTH");
	CU_ASSERT_STRING_EQUAL(s.conds[2].param, "PLAIN");
	CU_ASSERT_EQUAL(s.conds[2].line, 11);
	CU_ASSERT_EQUAL(s.conds[3].op, SC_COND_GT);
	CU_ASSERT_STRING_EQUAL(s.conds[3].keyword, "SIZE");
	CU_ASSERT_EQUAL(s.conds[3].value, 0);
	/* The promise the report shows: one canonical line. */
	CU_ASSERT_STRING_EQUAL(s.when, "PIPELINING and !STARTTLS and AUTH has "
			       "PLAIN and SIZE > 0");
	CU_ASSERT_EQUAL(s.timeout_ms, 120000);
	CU_ASSERT_EQUAL(s.step_timeout_ms, 500);
	CU_ASSERT_EQUAL(s.exclusive, 1);
	CU_ASSERT_EQUAL(s.nsteps, 1);
	sc_scenario_free(&s);
	CU_ASSERT_PTR_NULL(s.title);
}

/* test_minimal - optional keys absent: NULL texts, zero defaults */
static void test_minimal(void)
{
	struct sc_scenario s;
	struct sc_error e;

	CU_ASSERT_EQUAL_FATAL(parse(HDR "exclusive: no\nclose", &s, &e),
			      SC_OK);
	CU_ASSERT_PTR_NULL(s.quote);
	CU_ASSERT_PTR_NULL(s.why);
	CU_ASSERT_EQUAL(s.ntags, 0);
	CU_ASSERT_EQUAL(s.nconds, 0);
	CU_ASSERT_PTR_NULL(s.when);
	CU_ASSERT_EQUAL(s.timeout_ms, 0);
	CU_ASSERT_EQUAL(s.step_timeout_ms, 0);
	CU_ASSERT_EQUAL(s.exclusive, 0);
	CU_ASSERT_EQUAL(s.level, SC_LEVEL_MUST);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 1);
	CU_ASSERT_EQUAL(s.steps[0].kind, SC_STEP_CLOSE);
	CU_ASSERT_EQUAL(s.steps[0].line, 5);
	sc_scenario_free(&s);
}

/* test_levels - the four levels, any case */
static void test_levels(void)
{
	static const struct {
		const char *word;
		enum sc_level level;
	} cases[] = {
		{ "MUST", SC_LEVEL_MUST }, { "must", SC_LEVEL_MUST },
		{ "SHOULD", SC_LEVEL_SHOULD }, { "May", SC_LEVEL_MAY },
		{ "security", SC_LEVEL_SECURITY },
		{ "SECURITY", SC_LEVEL_SECURITY },
	};
	char text[128];
	struct sc_scenario s;
	struct sc_error e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "title: t\nrfc: 5321\n"
			 "level: %s\nclose\n", cases[i].word);
		CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
		CU_ASSERT_EQUAL(s.level, cases[i].level);
		sc_scenario_free(&s);
	}
}

/* test_every_step - one of each directive, in order, with lines */
static void test_every_step(void)
{
	static const char text[] =
		HDR
		"S: 220\n"					/* 4 */
		"C: EHLO ${client}\n"				/* 5 */
		"S: 250 # greeting done\n"			/* 6 */
		"R: \"NOOP\\r\\n\" # raw\n"			/* 7 */
		"batch\n"					/* 8 */
		"  C: RSET\n"					/* 9 */
		"  # a comment inside\n"			/* 10 */
		"\n"						/* 11 */
		"  R: \"NOOP\\r\\n\"\n"				/* 12 */
		"end\n"						/* 13 */
		"starttls\n"					/* 14 */
		"session second\n"				/* 15 */
		"sleep 10s\n"					/* 16 */
		"timeout 2m # slow server\n"			/* 17 */
		"close\n"					/* 18 */
		"session main\n"				/* 19 */
		"shutdown\n"					/* 20 */
		"closed\n";					/* 21 */
	static const enum sc_step_kind kinds[] = {
		SC_STEP_EXPECT, SC_STEP_SEND, SC_STEP_EXPECT, SC_STEP_SEND,
		SC_STEP_SEND, SC_STEP_STARTTLS, SC_STEP_SESSION, SC_STEP_SLEEP,
		SC_STEP_TIMEOUT, SC_STEP_CLOSE, SC_STEP_SESSION,
		SC_STEP_SHUTDOWN, SC_STEP_CLOSED,
	};
	static const unsigned lines[] = {
		4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19, 20, 21
	};
	struct sc_scenario s;
	struct sc_error e;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 13);
	for (i = 0; i < 13; i++) {
		CU_ASSERT_EQUAL(s.steps[i].kind, kinds[i]);
		CU_ASSERT_EQUAL(s.steps[i].line, lines[i]);
	}
	CU_ASSERT_STRING_EQUAL(s.steps[2].note, "greeting done");
	CU_ASSERT_STRING_EQUAL(s.steps[3].note, "raw");
	CU_ASSERT_PTR_NULL(s.steps[1].note);
	CU_ASSERT_EQUAL(s.steps[1].nlines_sent, 1);
	CU_ASSERT_TRUE(SENDS(&s.steps[1].send,
			     "EHLO smtpconf.example.org\r\n"));
	CU_ASSERT_TRUE(SENDS(&s.steps[3].send, "NOOP\r\n"));
	CU_ASSERT_EQUAL(s.steps[4].nlines_sent, 2);
	CU_ASSERT_TRUE(SENDS(&s.steps[4].send, "RSET\r\nNOOP\r\n"));
	CU_ASSERT_STRING_EQUAL(s.steps[6].session, "second");
	CU_ASSERT_STRING_EQUAL(s.steps[10].session, "main");
	CU_ASSERT_EQUAL(s.steps[7].ms, 10000);
	CU_ASSERT_EQUAL(s.steps[8].ms, 120000);
	CU_ASSERT_STRING_EQUAL(s.steps[8].note, "slow server");
	sc_scenario_free(&s);
}

/* test_crlf - CRLF files parse as LF files; CR is not part of C: text */
static void test_crlf(void)
{
	static const char text[] =
		"title: t\r\nrfc: 5321\r\nlevel: MUST\r\n\r\n"
		"C: NOOP  \r\n"
		"S: 250\r\n"
		"C:";
	struct sc_scenario s;
	struct sc_error e;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(s.title, "t");
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 3);
	/* Trailing blanks of a C: line are sent: they are the user's. */
	CU_ASSERT_TRUE(SENDS(&s.steps[0].send, "NOOP  \r\n"));
	CU_ASSERT_EQUAL(s.steps[1].expect.alts[0].d[0], '2');
	/* A last line without LF counts; "C:" alone is an empty line. */
	CU_ASSERT_TRUE(SENDS(&s.steps[2].send, "\r\n"));
	CU_ASSERT_EQUAL(s.steps[2].line, 7);
	sc_scenario_free(&s);
}

/* test_c_lines - C: text is literal: one optional space, '#' kept */
static void test_c_lines(void)
{
	static const char text[] =
		HDR
		"C:NOOP\n"
		"C:  two\n"
		"C: MAIL FROM:<a#b@example.org> # not a comment\n"
		"C: cost $5 and $$ and $\n"
		"\tC: indented\n";
	struct sc_scenario s;
	struct sc_error e;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 5);
	CU_ASSERT_TRUE(SENDS(&s.steps[0].send, "NOOP\r\n"));
	CU_ASSERT_TRUE(SENDS(&s.steps[1].send, " two\r\n"));
	CU_ASSERT_TRUE(SENDS(&s.steps[2].send,
			     "MAIL FROM:<a#b@example.org> "
			     "# not a comment\r\n"));
	CU_ASSERT_PTR_NULL(s.steps[2].note);
	CU_ASSERT_TRUE(SENDS(&s.steps[3].send, "cost $5 and $ and $\r\n"));
	CU_ASSERT_TRUE(SENDS(&s.steps[4].send, "indented\r\n"));
	sc_scenario_free(&s);
}

/* test_r_strings - escapes, repeats, concatenation, no CRLF added */
static void test_r_strings(void)
{
	static const char text[] =
		HDR
		"R: \"a\\r\\n\\t\\0\\\\\\\"\\x41\\x7e\\xfF\"\n"
		"R: \"MAIL FROM:<\" \"a\" * 600 \"@example.org>\\r\\n\"\n"
		"R: \"ab\"*3\"c\"   # three abs\n"
		"R: \"\"\n"
		"R: \"#\" \"$$\" \"$x\"\n";
	struct sc_scenario s;
	struct sc_error e;
	struct sc_buf want;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 5);
	CU_ASSERT_TRUE(SENDS(&s.steps[0].send,
			     "a\r\n\t\0\\\"A~\xff"));
	sc_buf_init(&want, 0);
	sc_buf_puts(&want, "MAIL FROM:<");
	for (int i = 0; i < 600; i++)
		sc_buf_putc(&want, 'a');
	sc_buf_puts(&want, "@example.org>\r\n");
	CU_ASSERT_TRUE(literal_is(&s.steps[1].send, want.data, want.len));
	sc_buf_free(&want);
	CU_ASSERT_EQUAL_FATAL(s.steps[1].send.npieces, 3);
	CU_ASSERT_EQUAL(s.steps[1].send.pieces[1].repeat, 600);
	CU_ASSERT_TRUE(SENDS(&s.steps[2].send, "abababc"));
	CU_ASSERT_STRING_EQUAL(s.steps[2].note, "three abs");
	CU_ASSERT_TRUE(SENDS(&s.steps[3].send, ""));
	CU_ASSERT_TRUE(SENDS(&s.steps[4].send, "#$$x"));
	sc_scenario_free(&s);
}

/* test_variables - ${name}, offsets, ehlo.*, names holding '-' */
static void test_variables(void)
{
	static const char text[] =
		HDR
		"C: EHLO ${client}\n"
		"C: ${ehlo.size + 1}|${ ehlo.SIZE-1 }|${ehlo.X-FOO}\n"
		"C: ${msg-2}|${n - 2}|${n+10}\n"
		"R: \"${rcpt}\" * 2\n";
	struct sc_scenario s;
	struct sc_error e;
	const struct sc_tpiece *pc;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 4);
	pc = &s.steps[0].send.pieces[0];
	CU_ASSERT_EQUAL_FATAL(pc->nparts, 3);
	CU_ASSERT_FALSE(pc->parts[0].is_var);
	CU_ASSERT_EQUAL(pc->parts[0].len, 5);
	CU_ASSERT_TRUE(pc->parts[1].is_var);
	CU_ASSERT_STRING_EQUAL(pc->parts[1].var, "client");
	CU_ASSERT_EQUAL(pc->parts[1].add, 0);
	pc = &s.steps[1].send.pieces[0];
	CU_ASSERT_EQUAL_FATAL(pc->nparts, 6);
	CU_ASSERT_STRING_EQUAL(pc->parts[0].var, "ehlo.SIZE");
	CU_ASSERT_EQUAL(pc->parts[0].add, 1);
	CU_ASSERT_STRING_EQUAL(pc->parts[2].var, "ehlo.SIZE");
	CU_ASSERT_EQUAL(pc->parts[2].add, -1);
	/* "-FOO" is no number: the whole is the keyword X-FOO. */
	CU_ASSERT_STRING_EQUAL(pc->parts[4].var, "ehlo.X-FOO");
	CU_ASSERT_EQUAL(pc->parts[4].add, 0);
	CU_ASSERT_TRUE(SENDS(&s.steps[2].send, "x|39|51\r\n"));
	CU_ASSERT_TRUE(SENDS(&s.steps[3].send,
			     "postmaster@example.orgpostmaster@example.org"));
	sc_scenario_free(&s);
}

/* test_expectations - every part of an S: line */
static void test_expectations(void)
{
	static const char text[] =
		HDR
		"S: 250\n"
		"S: 252|502|5XX\n"
		"S: !5xx\n"
		"S: 550 5.1.1\n"
		"S: 421 4.x.X closed\n"
		"S: 250 /queued as [a-z0-9]+/\n"
		"S: 250 2.0.0 /a\\/b c/ closed # all of it\n"
		"S: 221 closed\n"
		"S: x5x 5.7.0\n"
		"S: !250 5.0.0\n"
		"S: 250 !/STARTTLS/ closed\n"
		"S: 503 premise # MAIL before EHLO refused\n"
		"S: 221 2.0.0 /bye/ closed premise\n";
	struct sc_scenario s;
	struct sc_error e;
	const struct sc_expect *x;

	CU_ASSERT_EQUAL_FATAL(parse(text, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 13);
	x = &s.steps[0].expect;
	CU_ASSERT_EQUAL(x->nalts, 1);
	CU_ASSERT_EQUAL(memcmp(x->alts[0].d, "250", 3), 0);
	CU_ASSERT_FALSE(x->negate);
	CU_ASSERT_STRING_EQUAL(x->enhanced, "");
	CU_ASSERT_PTR_NULL(x->text_regex);
	CU_ASSERT_FALSE(x->then_closed);
	x = &s.steps[1].expect;
	CU_ASSERT_EQUAL_FATAL(x->nalts, 3);
	CU_ASSERT_EQUAL(memcmp(x->alts[1].d, "502", 3), 0);
	CU_ASSERT_EQUAL(memcmp(x->alts[2].d, "5xx", 3), 0);
	x = &s.steps[2].expect;
	CU_ASSERT_TRUE(x->negate);
	CU_ASSERT_EQUAL(memcmp(x->alts[0].d, "5xx", 3), 0);
	CU_ASSERT_STRING_EQUAL(s.steps[3].expect.enhanced, "5.1.1");
	x = &s.steps[4].expect;
	CU_ASSERT_STRING_EQUAL(x->enhanced, "4.x.x");
	CU_ASSERT_TRUE(x->then_closed);
	CU_ASSERT_STRING_EQUAL(s.steps[5].expect.text_regex,
			       "queued as [a-z0-9]+");
	x = &s.steps[6].expect;
	CU_ASSERT_STRING_EQUAL(x->enhanced, "2.0.0");
	CU_ASSERT_STRING_EQUAL(x->text_regex, "a/b c");
	CU_ASSERT_TRUE(x->then_closed);
	CU_ASSERT_STRING_EQUAL(s.steps[6].note, "all of it");
	CU_ASSERT_TRUE(s.steps[7].expect.then_closed);
	/* x in the class of the code admits any enhanced class. */
	CU_ASSERT_STRING_EQUAL(s.steps[8].expect.enhanced, "5.7.0");
	CU_ASSERT_STRING_EQUAL(s.steps[9].expect.enhanced, "5.0.0");
	CU_ASSERT_FALSE(s.steps[6].expect.text_negate);
	x = &s.steps[10].expect;
	CU_ASSERT_STRING_EQUAL(x->text_regex, "STARTTLS");
	CU_ASSERT_TRUE(x->text_negate);
	CU_ASSERT_TRUE(x->then_closed);
	CU_ASSERT_FALSE(x->premise);
	x = &s.steps[11].expect;
	CU_ASSERT_TRUE(x->premise);
	CU_ASSERT_FALSE(x->then_closed);
	CU_ASSERT_STRING_EQUAL(s.steps[11].note, "MAIL before EHLO refused");
	x = &s.steps[12].expect;
	CU_ASSERT_TRUE(x->premise);
	CU_ASSERT_TRUE(x->then_closed);
	CU_ASSERT_STRING_EQUAL(x->text_regex, "bye");
	sc_scenario_free(&s);
}

/* test_sessions - up to SC_SCENARIO_MAX_SESSIONS names, main included */
static void test_sessions(void)
{
	struct sc_buf b;
	struct sc_scenario s;
	struct sc_error e;
	int i;

	sc_buf_init(&b, 0);
	sc_buf_puts(&b, HDR);
	for (i = 1; i < SC_SCENARIO_MAX_SESSIONS; i++)
		sc_buf_printf(&b, "session s%d\n", i);
	sc_buf_puts(&b, "session main\nsession s1\n");
	CU_ASSERT_EQUAL(sc_scenario_parse(b.data, b.len, "t.smtp", "t",
					  vars_ready(), &s, &e), SC_OK);
	sc_scenario_free(&s);
	sc_buf_puts(&b, "session one-too_many\n");
	CU_ASSERT_EQUAL(sc_scenario_parse(b.data, b.len, "t.smtp", "t",
					  vars_ready(), &s, &e),
			SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(e.line, 3 + SC_SCENARIO_MAX_SESSIONS + 2);
	CU_ASSERT_EQUAL(e.col, 9);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "more than 64 sessions"));
	sc_buf_free(&b);
	/* 31 characters is the longest name. */
	CU_ASSERT_EQUAL(parse(HDR "session abcdefghijklmnopqrstuvwxyz-_012\n",
			      &s, &e), SC_OK);
	sc_scenario_free(&s);
}

/* test_header_errors - the header's errors, each at its line:col */
static void test_header_errors(void)
{
	ERR("titel: x\n", 1, 1, "unknown key 'titel'");
	ERR("title: a\ntitle: b\n", 2, 1,
	    "duplicate key 'title' (first set on line 1)");
	ERR(HDR "S: 220\ntags: late\n", 5, 1,
	    "header key 'tags' after the first step (line 4)");
	ERR(HDR "close\n  title: x\n", 5, 3, "header key 'title'");
	ERR("rfc: 5321\nlevel: MUST\nclose\n", 0, 0,
	    "missing required key 'title'");
	ERR("title: t\nlevel: MUST\nclose\n", 0, 0,
	    "missing required key 'rfc'");
	ERR("title: t\nrfc: 5321\nclose\n", 0, 0,
	    "missing required key 'level'");
	ERR("", 0, 0, "missing required key 'title'");
	ERR(HDR, 0, 0, "scenario has no steps");
	ERR(HDR "# only comments\n\n", 0, 0, "scenario has no steps");
	ERR("title:   \n", 1, 10, "missing value for 'title'");
	ERR("title: t\nlevel: OPTIONAL\n", 2, 8,
	    "bad level 'OPTIONAL': expected MUST, SHOULD, MAY or security");
	ERR("title: t\nrfc: RFC 5321\n", 2, 6, "bad rfc reference 'RFC 5321'");
	ERR("title: t\nrfc: 5321 4.1, \n", 2, 15, "bad rfc reference ''");
	ERR("title: t\nrfc: 5321 4.1;x\n", 2, 6, "bad rfc reference");
	ERR("title: t\ntags: a, b!c\n", 2, 10, "bad tag 'b!c'");
	ERR("title: t\ntags: , ,\n", 2, 7, "'tags' lists no tag");
	ERR("title: t\nexclusive: maybe\n", 2, 12,
	    "bad value 'maybe' for 'exclusive': expected yes or no");
	ERR("title: t\nslow: often\n", 2, 7,
	    "bad value 'often' for 'slow': expected yes or no");
	ERR("title: t\nquote: a\nquote: b\nwhy: c\nwhy:\n", 5, 5,
	    "missing value for 'why'");
}

/* test_duration_errors - durations: number, unit ms/s/m, 0 < d <= 1h */
static void test_duration_errors(void)
{
	struct sc_scenario s;
	struct sc_error e;

	ERR("timeout: 10\n", 1, 10, "bad duration '10': missing unit");
	ERR("timeout: 10h\n", 1, 12, "unknown unit");
	ERR("timeout: 10 s\n", 1, 13, "unexpected 's' after the duration");
	ERR("timeout: s\n", 1, 10, "bad duration 's': expected a number");
	ERR("step-timeout: 0ms\n", 1, 15, "must be more than 0");
	ERR("timeout: 61m\n", 1, 10, "the maximum is 1 hour");
	ERR("timeout: 3600001ms\n", 1, 10, "the maximum is 1 hour");
	ERR("timeout: 99999999999999999999999s\n", 1, 10,
	    "the maximum is 1 hour");
	ERR(HDR "sleep\n", 4, 6, "'sleep' needs a duration");
	ERR(HDR "sleep # no\n", 4, 7, "'sleep' needs a duration");
	ERR(HDR "timeout 5x\n", 4, 10, "unknown unit");
	ERR(HDR "sleep 5s 6s\n", 4, 10, "unexpected '6s' after the duration");
	ERR(HDR "idle\n", 4, 5, "'idle' needs a duration");
	ERR(HDR "idle ${nope}s\n", 4, 6, "undefined variable 'nope'");
	ERR(HDR "idle ${n - 1}s x\n", 4, 16, "unexpected 'x' after the "
	    "duration");
	/* The edges are allowed. */
	CU_ASSERT_EQUAL(parse(HDR "timeout 60m\nsleep 1ms\nsleep 3600s\n",
			      &s, &e), SC_OK);
	CU_ASSERT_EQUAL(s.steps[0].ms, 3600000);
	CU_ASSERT_EQUAL(s.steps[1].ms, 1);
	sc_scenario_free(&s);
}

/* test_idle_and_slow - idle, slow: and durations from variables */
static void test_idle_and_slow(void)
{
	struct sc_scenario s;
	struct sc_error e;
	unsigned ms = 0;

	CU_ASSERT_EQUAL_FATAL(parse(HDR "slow: YES\nS: 220\nidle 2s # wait\n"
				    "idle ${n - 1}s\ntimeout ${ n }s\n",
				    &s, &e), SC_OK);
	CU_ASSERT_TRUE(s.slow);
	CU_ASSERT_EQUAL(s.steps[1].kind, SC_STEP_IDLE);
	CU_ASSERT_EQUAL(s.steps[1].ms, 2000);
	CU_ASSERT_STRING_EQUAL(s.steps[1].note, "wait");
	/* With a variable the duration is read when the step runs. */
	CU_ASSERT_EQUAL(s.steps[2].ms, 0);
	CU_ASSERT(SENDS(&s.steps[2].send, "40s"));
	CU_ASSERT_EQUAL(s.steps[3].kind, SC_STEP_TIMEOUT);
	CU_ASSERT(SENDS(&s.steps[3].send, "41s"));
	sc_scenario_free(&s);
	CU_ASSERT_EQUAL(parse(HDR "S: 220\n", &s, &e), SC_OK);
	CU_ASSERT_FALSE(s.slow);
	sc_scenario_free(&s);
	CU_ASSERT_EQUAL(sc_duration_parse("295s", 4, &ms), SC_OK);
	CU_ASSERT_EQUAL(ms, 295000);
	CU_ASSERT_NOT_EQUAL(sc_duration_parse("-2s", 3, &ms), SC_OK);
	CU_ASSERT_NOT_EQUAL(sc_duration_parse("5", 1, &ms), SC_OK);
	CU_ASSERT_NOT_EQUAL(sc_duration_parse("", 0, &ms), SC_OK);
}

/* test_when_errors - the condition grammar */
static void test_when_errors(void)
{
	ERR("when: SIZE >\n", 1, 13, "bad number '' in condition");
	ERR("when: SIZE > big\n", 1, 14, "bad number 'big'");
	ERR("when: AUTH has\n", 1, 15, "'has' needs a parameter");
	ERR("when: !\n", 1, 7, "'!' needs an EHLO keyword");
	ERR("when: STARTTLS or AUTH\n", 1, 16,
	    "or 'and' after 'STARTTLS', found 'or'");
	ERR("when: SIZE > 1 or AUTH\n", 1, 16,
	    "expected 'and' between conditions, found 'or'");
	ERR("when: STARTTLS and\n", 1, 19, "missing condition after 'and'");
	ERR("when: SIZE>0\n", 1, 7, "bad EHLO keyword 'SIZE>0'");
	ERR("when: -SIZE\n", 1, 7, "bad EHLO keyword '-SIZE'");
	ERR("when: SIZE is 5\n", 1, 12, "expected 'has', a comparison");
	ERR("when: ! STARTTLS\n", 1, 7, "'!' needs an EHLO keyword");
	ERR("when: !STARTTLS has X\n", 1, 17, "expected 'and'");
}

/* test_directive_errors - step lines */
static void test_directive_errors(void)
{
	ERR(HDR "Q: x\n", 4, 1, "unknown directive 'Q:'");
	ERR(HDR "  frobnicate now\n", 4, 3, "unknown directive 'frobnicate'");
	ERR(HDR "s: 250\n", 4, 1, "unknown directive 's:'");
	ERR(HDR ":x\n", 4, 1, "unknown directive ':x'");
	ERR(HDR "close now\n", 4, 7, "unexpected 'now' after 'close'");
	ERR(HDR "closed#x\n", 4, 1, "unknown directive 'closed#x'");
	ERR(HDR "session\n", 4, 8, "'session' needs a name");
	ERR(HDR "session Main\n", 4, 9, "bad session name 'Main'");
	ERR(HDR "session abcdefghijklmnopqrstuvwxyz-_0123\n", 4, 9,
	    "bad session name");
	ERR(HDR "session a b\n", 4, 11, "unexpected 'b' after the session");
}

/* test_expect_errors - S: lines */
static void test_expect_errors(void)
{
	ERR(HDR "S:\n", 4, 3, "missing reply code after 'S:'");
	ERR(HDR "S: # x\n", 4, 4, "missing reply code");
	ERR(HDR "S: 6xx\n", 4, 4,
	    "bad reply code pattern '6xx': first digit must be 2-5 or x");
	ERR(HDR "S: 1xx\n", 4, 4, "first digit must be 2-5 or x");
	ERR(HDR "S: 260\n", 4, 4,
	    "bad reply code pattern '260': second digit must be 0-5 or x");
	ERR(HDR "S: 25a\n", 4, 4,
	    "bad reply code pattern '25a': third digit must be 0-9 or x");
	ERR(HDR "S: 250|2500\n", 4, 8,
	    "bad reply code pattern '2500': a pattern is three characters");
	ERR(HDR "S: 25\n", 4, 4, "a pattern is three characters");
	ERR(HDR "S: 250|\n", 4, 8, "empty reply code pattern");
	ERR(HDR "S: !\n", 4, 5, "empty reply code pattern");
	ERR(HDR "S: !!250\n", 4, 5, "bad reply code pattern '!250'");
	ERR(HDR "S: 200|201|202|203|204|205|206|207|208|209|210|211|212|"
	    "213|214|215|216\n", 4, 68,
	    "more than 16 reply code alternatives");
	ERR(HDR "S: 550 6.0.0\n", 4, 8,
	    "bad enhanced code pattern '6.0.0': class must be 2, 4, 5 or x");
	ERR(HDR "S: 550 5.1234.0\n", 4, 8, "subject must be x or 1 to 3");
	ERR(HDR "S: 550 5.1.\n", 4, 8, "detail must be x or 1 to 3 digits");
	ERR(HDR "S: 550 5.5\n", 4, 8, "expected class.subject.detail");
	ERR(HDR "S: 550 5.5.1.1\n", 4, 8, "expected class.subject.detail");
	ERR(HDR "S: 250 5.0.0\n", 4, 8,
	    "enhanced code '5.0.0' cannot go with reply code 250");
	ERR(HDR "S: 250|251 4.0.0\n", 4, 12, "cannot go with reply code");
	ERR(HDR "S: 250 /ok\n", 4, 8, "unterminated /regex/");
	ERR(HDR "S: 250 /ok\\/\n", 4, 8, "unterminated /regex/");
	ERR(HDR "S: 250 //\n", 4, 8, "empty /regex/");
	ERR(HDR "S: 250 /(/\n", 4, 8, "bad regex '('");
	ERR(HDR "S: 250 /a{1000}/\n", 4, 8, "expand to over 1000 copies");
	ERR(HDR "S: 250 /a{1,99999999999999999999}/\n", 4, 8,
	    "expand to over 1000 copies");
	/* Nested bounds multiply: about 11 * 11 * 11 copies. */
	ERR(HDR "S: 250 /((a{10}){10}){10}/\n", 4, 8, "expand to over");
	ERR(HDR "S: 250 /((a{255}){255}){255}/\n", 4, 8, "expand to over");
	ERR(HDR "S: 250 /(((a{255}){255}){255}/\n", 4, 8, "expand to over");
	/* Each '+' is one more copy of what it follows: 2^10 here. */
	ERR(HDR "S: 250 /((((((((((a+)+)+)+)+)+)+)+)+)+)+/\n", 4, 8,
	    "expand to over");
	/* POSIX 9.4.6: adjacent duplication symbols are undefined. */
	ERR(HDR "S: 250 /a**/\n", 4, 8, "right after another");
	ERR(HDR "S: 250 /a+?/\n", 4, 8, "right after another");
	ERR(HDR "S: 250 /a{2}*/\n", 4, 8, "right after another");
	ERR(HDR "S: 250 /x*++++++++++/\n", 4, 8, "right after another");
	ERR(HDR "S: 250 /ok/closed\n", 4, 12, "put a blank after the /regex/");
	ERR(HDR "S: 250 closed 2.0.0\n", 4, 15, "unexpected '2.0.0'");
	ERR(HDR "S: 250 /a/ 2.0.0\n", 4, 12, "unexpected '2.0.0'");
	ERR(HDR "S: 250 closed /a/\n", 4, 15, "unexpected '/a/'");
	ERR(HDR "S: 250 2.0.0 2.0.0\n", 4, 14, "unexpected '2.0.0'");
	ERR(HDR "S: 250 ok\n", 4, 8, "unexpected 'ok'");
	ERR(HDR "S: 250 premise closed\n", 4, 16, "unexpected 'closed'");
	ERR(HDR "S: 250 premise premise\n", 4, 16, "unexpected 'premise'");
	ERR(HDR "S: 250#x\n", 4, 4, "a pattern is three characters");
}

/* test_send_errors - C: and R: lines, ${...} references */
static void test_send_errors(void)
{
	ERR(HDR "C: EHLO ${clinet}\n", 4, 9, "undefined variable 'clinet'");
	ERR(HDR "C: EHLO ${client\n", 4, 9, "unterminated '${'");
	ERR(HDR "C: x ${}\n", 4, 6, "empty variable reference '${}'");
	ERR(HDR "C: x ${  }\n", 4, 6, "empty variable reference");
	ERR(HDR "C: x ${1abc}\n", 4, 6, "bad variable name '1abc'");
	ERR(HDR "C: x ${a b}\n", 4, 6, "bad variable name 'a b'");
	ERR(HDR "C: x ${ehlo.SIZE + x}\n", 4, 6, "bad offset in");
	ERR(HDR "C: x ${ehlo.SIZE + }\n", 4, 6, "bad offset in");
	ERR(HDR "C: x ${n + 9999999999999999}\n", 4, 6, "too large");
	ERR(HDR "C: x ${ehlo.}\n", 4, 6, "bad EHLO keyword in variable");
	ERR(HDR "C: x ${ehlo.-X}\n", 4, 6, "bad EHLO keyword in variable");
	ERR(HDR "R:\n", 4, 3, "expected a double-quoted string after 'R:'");
	ERR(HDR "R: # only\n", 4, 4, "expected a double-quoted string");
	ERR(HDR "R: abc\n", 4, 4, "expected a double-quoted string");
	ERR(HDR "R: \"abc\n", 4, 4, "unterminated string");
	ERR(HDR "R: \"abc\\\"\n", 4, 4, "unterminated string");
	ERR(HDR "R: \"a\\qb\"\n", 4, 6, "unknown escape '\\q'");
	ERR(HDR "R: \"a\\x4\"\n", 4, 6, "'\\x' needs exactly two hex digits");
	ERR(HDR "R: \"a\\xg0\"\n", 4, 6, "needs exactly two hex digits");
	ERR(HDR "R: \"a\" * 0\n", 4, 10, "bad repeat count '0'");
	ERR(HDR "R: \"a\" * 16777217\n", 4, 10, "bad repeat count '16777217'");
	ERR(HDR "R: \"a\" * x3\n", 4, 10, "bad repeat count 'x3'");
	ERR(HDR "R: \"a\" *\n", 4, 8, "'*' needs a repeat count");
	ERR(HDR "R: \"a\" * 2 * 3\n", 4, 12, "one repeat count per string");
	ERR(HDR "R: \"a\"# x\n", 4, 7, "unexpected '#'");
	ERR(HDR "R: \"a\" b\n", 4, 8, "unexpected 'b' in R: line");
	ERR(HDR "R: \"${nope}\"\n", 4, 5, "undefined variable 'nope'");
	ERR(HDR "R: \"${client\" \"}\"\n", 4, 5, "unterminated '${'");
	/* Literal bytes alone beyond SC_SEND_MAX_BYTES (64 MiB). */
	ERR(HDR "R: \"abcde\" * 16777216\n", 4, 1, "larger than");
}

/* test_batch_errors - batch ... end */
static void test_batch_errors(void)
{
	ERR(HDR "S: 220\n  batch\nC: A\n", 5, 3,
	    "batch opened here is never closed (missing 'end')");
	ERR(HDR "batch\nC: A\nbatch\n", 6, 1,
	    "nested 'batch' (the batch opened on line 4 is still open)");
	ERR(HDR "batch\nC: A\nS: 250\nend\n", 6, 1,
	    "'S:' is not allowed inside a batch");
	ERR(HDR "batch\nC: A\nsleep 1s\nend\n", 6, 1,
	    "'sleep' is not allowed inside a batch");
	ERR(HDR "batch\n# nothing\n\nend\n", 7, 1, "empty batch");
	ERR(HDR "end\n", 4, 1, "'end' without 'batch'");
	ERR(HDR "batch\nC: A\ntitle: x\nend\n", 6, 1, "header key 'title'");
	ERR(HDR "batch now\n", 4, 7, "unexpected 'now' after 'batch'");
}

/* test_file_errors - NUL, line and file bounds, step count */
static void test_file_errors(void)
{
	static const char nul[] = "title: a\0b\nrfc: 5321\n";
	struct sc_buf b;
	size_t i;

	check_error(nul, sizeof(nul) - 1, 1, 9, "NUL byte", __LINE__);
	check_error(HDR "C: \0\n", sizeof(HDR) + 4, 4, 4, "NUL byte",
		    __LINE__);
	sc_buf_init(&b, 0);
	sc_buf_puts(&b, HDR "C: ");
	for (i = 0; i < 70000; i++)
		sc_buf_putc(&b, 'a');
	check_error(b.data, b.len, 4, 65537, "line is longer than 65536",
		    __LINE__);
	sc_buf_reset(&b);
	/* One byte over SC_SCENARIO_FILE_MAX, though valid text. */
	sc_buf_puts(&b, HDR);
	while (b.len <= SC_SCENARIO_FILE_MAX)
		sc_buf_puts(&b, "# padding padding padding\n");
	check_error(b.data, b.len, 0, 0, "file is larger than", __LINE__);
	sc_buf_reset(&b);
	sc_buf_puts(&b, HDR);
	for (i = 0; i <= SC_SCENARIO_MAX_STEPS; i++)
		sc_buf_puts(&b, "close\n");
	check_error(b.data, b.len, 4 + SC_SCENARIO_MAX_STEPS, 1,
		    "more than 4096 steps", __LINE__);
	sc_buf_free(&b);
}

/* test_limits_ok - exactly at the bounds parses */
static void test_limits_ok(void)
{
	struct sc_scenario s;
	struct sc_error e;
	struct sc_buf b;
	size_t i;

	sc_buf_init(&b, 0);
	sc_buf_puts(&b, HDR);
	for (i = 0; i < SC_SCENARIO_MAX_STEPS; i++)
		sc_buf_puts(&b, "close\n");
	CU_ASSERT_EQUAL(sc_scenario_parse(b.data, b.len, "t.smtp", "t",
					  vars_ready(), &s, &e), SC_OK);
	CU_ASSERT_EQUAL(s.nsteps, SC_SCENARIO_MAX_STEPS);
	sc_scenario_free(&s);
	sc_buf_reset(&b);
	sc_buf_puts(&b, HDR "C: ");
	/* The C: line is exactly 64 KiB long, the most a line may be. */
	for (i = 3; i < 64 * 1024; i++)
		sc_buf_putc(&b, 'a');
	CU_ASSERT_EQUAL(sc_scenario_parse(b.data, b.len, "t.smtp", "t",
					  vars_ready(), &s, &e), SC_OK);
	sc_scenario_free(&s);
	/* Everyday bounded regexes are well within the cost cap. */
	CU_ASSERT_EQUAL(parse(HDR "S: 250 /^[0-9]{1,3}(\\.[0-9]{1,3}){3}$/\n",
			      &s, &e), SC_OK);
	sc_scenario_free(&s);
	CU_ASSERT_EQUAL(parse(HDR "S: 250 /[a-z]{1,64}@[a-z.]{1,255}/\n",
			      &s, &e), SC_OK);
	sc_scenario_free(&s);
	/* 64 MiB of literal bytes is the most one send may hold. */
	CU_ASSERT_EQUAL(parse(HDR "R: \"abcd\" * 16777216\n", &s, &e), SC_OK);
	sc_scenario_free(&s);
	sc_buf_free(&b);
	/* No vars at all: only ehlo.* references parse. */
	CU_ASSERT_EQUAL(sc_scenario_parse(HDR "C: ${ehlo.SIZE}\n",
					  sizeof(HDR) + 15, NULL, NULL, NULL,
					  &s, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(s.id, "");
	sc_scenario_free(&s);
	CU_ASSERT_EQUAL(sc_scenario_parse(HDR "C: ${client}\n",
					  sizeof(HDR) + 12, NULL, NULL, NULL,
					  &s, &e), SC_ERR_SYNTAX);
}

/* test_bom - a UTF-8 byte order mark is ignored */
static void test_bom(void)
{
	struct sc_scenario s;
	struct sc_error e;

	CU_ASSERT_EQUAL(parse("\xef\xbb\xbf" HDR "close\n", &s, &e), SC_OK);
	sc_scenario_free(&s);
	ERR("\xef\xbb\xbftitel: x\n", 1, 1, "unknown key 'titel'");
}

/* try_parse - any outcome is fine as long as it is consistent */
static void try_parse(const char *buf, size_t len)
{
	struct sc_scenario s;
	struct sc_error e;
	int rc;

	rc = sc_scenario_parse(buf, len, "f.smtp", "f", vars_ready(), &s,
			       &e);
	if (rc == SC_OK) {
		CU_ASSERT_TRUE(s.nsteps > 0 && s.title != NULL);
		sc_scenario_free(&s);
	} else {
		CU_ASSERT_TRUE(rc == SC_ERR_SYNTAX);
		CU_ASSERT_TRUE(e.msg[0] != '\0');
	}
}

static const char sample[] =
	"title: sample\nrfc: 5321 4.1.1, 2920\nlevel: SHOULD\n"
	"tags: a b\nquote: q\nwhy: w\nwhen: SIZE >= 1 and AUTH has PLAIN\n"
	"timeout: 10s\nstep-timeout: 1s\nexclusive: no\n"
	"S: 220 /x\\/y/\nC: EHLO ${client}\nS: 250|251 2.x.x closed # n\n"
	"R: \"a\\x41\\r\\n${ehlo.SIZE+1}\" * 3 # c\n"
	"batch\nC: A ${rcpt}\nR: \"B\\r\\n\"\nend\n"
	"session b-2\nsleep 5ms\ntimeout 1m\nstarttls\nclose\nclosed\n"
	"shutdown\n";

/* test_prefixes - every prefix of a valid file */
static void test_prefixes(void)
{
	size_t n;

	for (n = 0; n <= sizeof(sample) - 1; n++)
		try_parse(sample, n);
}

/* test_mutations - every byte of the sample replaced by a few others */
static void test_mutations(void)
{
	static const char repl[] = { '\0', '\n', '\r', '"', '\\', '$', '{',
				     '}', '#', '/', ' ', '|', '*', 'x' };
	char buf[sizeof(sample)];
	size_t i, k;

	for (i = 0; i < sizeof(sample) - 1; i++) {
		for (k = 0; k < sizeof(repl); k++) {
			memcpy(buf, sample, sizeof(sample));
			buf[i] = repl[k];
			try_parse(buf, sizeof(sample) - 1);
		}
	}
}

/* test_random - random bytes and random lines of the language's words */
static void test_random(void)
{
	static const char *const words[] = {
		"title: x\n", "rfc: 5321\n", "level: MAY\n", "S: ", "C: ",
		"R: ", "\"", "\\", "${", "}", "$", "batch\n", "end\n", "\n",
		"250", "|", "!", "5.x.x", "/", "closed", " ", "#", "* 3",
		"when: ", "SIZE", " > ", "and", "session x\n", "\0", "\r\n",
	};
	unsigned long seed = 12345;
	char buf[512];
	size_t n, i, w, len;
	int round;

	for (round = 0; round < 3000; round++) {
		len = 0;
		n = (seed >> 8) % 40;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245ul + 12345ul;
			w = (seed >> 16) % (sizeof(words) / sizeof(words[0]));
			if (round % 2) {
				buf[len++] = (char)(seed >> 24);
				continue;
			}
			if (len + strlen(words[w]) + 1 >= sizeof(buf))
				break;
			/* "\0" is one NUL byte. */
			if (words[w][0] == '\0')
				buf[len++] = '\0';
			memcpy(buf + len, words[w], strlen(words[w]));
			len += strlen(words[w]);
		}
		seed = seed * 1103515245ul + 12345ul;
		try_parse(buf, len);
	}
}

/* corpus_dir - the seed corpus, from the tests/ or the top directory */
static DIR *corpus_dir(char *path, size_t len)
{
	static const char *const where[] = {
		"../corpora/scenario", "corpora/scenario",
		"../../corpora/scenario",
	};
	DIR *d;
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		d = opendir(where[i]);
		if (d != NULL) {
			snprintf(path, len, "%s", where[i]);
			return d;
		}
	}
	return NULL;
}

/* test_corpus - every seed of corpora/scenario/ parses without harm */
static void test_corpus(void)
{
	char dir[256], path[1024];
	struct dirent *de;
	struct sc_scenario s;
	struct sc_error e;
	DIR *d = corpus_dir(dir, sizeof(dir));
	int n = 0, ok = 0, rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rc = sc_scenario_load(path, de->d_name, vars_ready(), &s, &e);
		CU_ASSERT_TRUE(rc == SC_OK || rc == SC_ERR_SYNTAX);
		/* The seeds say which they are: valid-* or bad-*. */
		if (strncmp(de->d_name, "valid-", 6) == 0)
			CU_ASSERT_EQUAL(rc, SC_OK);
		if (strncmp(de->d_name, "bad-", 4) == 0)
			CU_ASSERT_EQUAL(rc, SC_ERR_SYNTAX);
		if (rc == SC_OK) {
			ok++;
			sc_scenario_free(&s);
		}
		n++;
	}
	closedir(d);
	CU_ASSERT_TRUE(n >= 12);
	CU_ASSERT_TRUE(ok >= 4);
}

/* read_doc - docs/scenario-format.md, from the tests/ or top directory */
static char *read_doc(size_t *len)
{
	static const char *const where[] = {
		"../docs/scenario-format.md", "docs/scenario-format.md",
	};
	struct sc_buf b;
	char chunk[4096];
	size_t i, n;
	FILE *f = NULL;

	for (i = 0; f == NULL && i < sizeof(where) / sizeof(where[0]); i++)
		f = fopen(where[i], "r");
	if (f == NULL)
		return NULL;
	sc_buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sc_buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return sc_buf_steal(&b);
}

/* test_doc_example - the reference's complete example parses as told */
static void test_doc_example(void)
{
	struct sc_scenario s;
	struct sc_error e;
	size_t len;
	char *doc = read_doc(&len), *a, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	a = strstr(doc, "```\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	a += 4;
	b = strstr(a, "```");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL_FATAL(sc_scenario_parse(a, (size_t)(b - a), "doc",
						"doc", vars_ready(), &s, &e),
			      SC_OK);
	CU_ASSERT_EQUAL(s.level, SC_LEVEL_SHOULD);
	CU_ASSERT_EQUAL(s.nconds, 3);
	CU_ASSERT_EQUAL_FATAL(s.nsteps, 17);
	CU_ASSERT_EQUAL(s.steps[3].kind, SC_STEP_SEND);
	CU_ASSERT_EQUAL(s.steps[3].nlines_sent, 3);
	CU_ASSERT_STRING_EQUAL(s.steps[4].expect.text_regex, "ok|sender");
	sc_scenario_free(&s);
	free(doc);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "full header", test_full_header },
		{ "minimal header", test_minimal },
		{ "levels", test_levels },
		{ "every step", test_every_step },
		{ "CRLF", test_crlf },
		{ "C: lines", test_c_lines },
		{ "R: strings", test_r_strings },
		{ "variables", test_variables },
		{ "expectations", test_expectations },
		{ "sessions", test_sessions },
		{ "header errors", test_header_errors },
		{ "duration errors", test_duration_errors },
		{ "when errors", test_when_errors },
		{ "directive errors", test_directive_errors },
		{ "expect errors", test_expect_errors },
		{ "idle and slow", test_idle_and_slow },
		{ "send errors", test_send_errors },
		{ "batch errors", test_batch_errors },
		{ "file errors", test_file_errors },
		{ "limits", test_limits_ok },
		{ "byte order mark", test_bom },
		{ "prefixes", test_prefixes },
		{ "mutations", test_mutations },
		{ "random", test_random },
		{ "corpus", test_corpus },
		{ "reference example", test_doc_example },
		{ NULL, NULL }
	};

	return test_add_suite("scenario", cases);
}
