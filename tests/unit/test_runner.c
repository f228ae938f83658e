/*
 * test_runner.c - the runner against scripted in-memory servers.
 *
 * Each test parses a small scenario, runs it against a server made of
 * a rule table (command prefix -> reply bytes, optional hang-up) over
 * the in-memory transport, and checks the verdict, the level of the
 * broken rule, the failing line and the explanation.
 */
#include <string.h>
#include <stdlib.h>
#include "cunit_main.h"
#include "smtpconf/runner.h"

/* A scripted server: replies chosen by the command's first characters. */
struct rule {
	const char *prefix;	/* matched case-sensitively at line start */
	const char *reply;	/* bytes queued (NULL: no reply) */
	int hangup;		/* close after the reply */
};

struct script {
	const char *greeting;
	const struct rule *rules;
	int greeting_hangup;
	int connects;		/* sessions opened */
	size_t writes;		/* client writes seen */
	char last_write[256];
	char line[256];		/* the line so far, when a write ends in it */
	size_t linelen;		/* its length, CR included, if longer */
	char prev;		/* the byte before */
};

/* script_line - answer one command line */
static void script_line(struct script *sc, const char *line, size_t len,
			struct sc_transport *t)
{
	const struct rule *r;

	for (r = sc->rules; r->prefix != NULL; r++) {
		size_t n = strlen(r->prefix);

		if (len < n || memcmp(line, r->prefix, n) != 0)
			continue;
		if (r->reply)
			sc_mem_queue(t, r->reply, strlen(r->reply));
		if (r->hangup)
			sc_mem_hangup(t);
		return;
	}
	sc_mem_queue(t, "500 unknown\r\n", 13);
}

/* script_on_write - greeting on open, then a reply per CRLF line */
static void script_on_write(void *ctx, const char *data, size_t len,
			    struct sc_transport *t)
{
	struct script *sc = ctx;
	size_t i, n;

	if (data == NULL) {
		sc->connects++;
		sc->linelen = 0;
		sc->prev = 0;
		if (sc->greeting)
			sc_mem_queue(t, sc->greeting, strlen(sc->greeting));
		if (sc->greeting_hangup)
			sc_mem_hangup(t);
		return;
	}
	sc->writes++;
	snprintf(sc->last_write, sizeof(sc->last_write), "%.*s",
		 (int)(len < 255 ? len : 255), data);
	/* A line may go on from one write to the next (long sends go out
	 * in blocks): its first bytes are kept until its CRLF. */
	for (i = 0; i < len; i++) {
		if (data[i] == '\n' && sc->prev == '\r') {
			n = sc->linelen - 1;	/* the bytes before CR */
			script_line(sc, sc->line, n < sizeof(sc->line) ? n :
				    sizeof(sc->line), t);
			sc->linelen = 0;
		} else {
			if (sc->linelen < sizeof(sc->line))
				sc->line[sc->linelen] = data[i];
			sc->linelen++;
		}
		sc->prev = data[i];
	}
}

/* script_connect - the runner's connect hook: a fresh in-memory session */
static int script_connect(void *ctx, const char *session, long long deadline,
			  struct sc_transport *out, struct sc_error *err)
{
	struct sc_mem_server srv = { script_on_write, ctx };

	return sc_mem_open(&srv, out, err);
}

/* refuse_connect - a server that is not there */
static int refuse_connect(void *ctx, const char *session, long long deadline,
			  struct sc_transport *out, struct sc_error *err)
{
	return sc_error_set(err, SC_ERR_CONNECT, "connection refused");
}

static const struct rule good_rules[] = {
	{ "EHLO ", "250-mx.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", 0 },
	{ "MAIL FROM:", "250 ok\r\n", 0 },
	{ "RCPT TO:", "250 ok\r\n", 0 },
	{ "NOOP", "250 ok\r\n", 0 },
	{ "QUIT", "221 bye\r\n", 1 },
	{ NULL, NULL, 0 }
};

struct run {
	struct sc_scenario s;
	struct sc_result r;
	struct sc_vars vars;
	struct sc_run_options o;
	struct sc_capabilities caps;
};

/* What a run may have besides its scenario: a capability, a password. */
struct setup {
	const char *keyword;	/* advertised by the probe's EHLO */
	const char *auth_pass;	/* --auth-pass */
};

/* run_setup - parse and run a scenario against the script, with su */
static void run_setup(struct run *rn, const char *text, struct script *sc,
		      const struct setup *su)
{
	struct sc_error err;
	int rc;

	memset(rn, 0, sizeof(*rn));
	sc_vars_init(&rn->vars);
	if (su && su->auth_pass)
		sc_vars_set(&rn->vars, "auth_pass", su->auth_pass);
	if (su && su->keyword) {
		rn->caps.valid = 1;
		snprintf(rn->caps.items[0].keyword,
			 sizeof(rn->caps.items[0].keyword), "%s", su->keyword);
		rn->caps.count = 1;
	}
	sc_error_clear(&err);
	rc = sc_scenario_parse(text, strlen(text), "t.smtp", "t", &rn->vars,
			       &rn->s, &err);
	if (rc != SC_OK)
		fprintf(stderr, "parse: %u:%u %s\n", err.line, err.col,
			err.msg);
	CU_ASSERT_FATAL(rc == SC_OK);
	sc_run_options_init(&rn->o, &rn->vars);
	rn->o.connect = script_connect;
	rn->o.connect_ctx = sc;
	rn->o.close_timeout_ms = 200;
	rn->o.step_timeout_ms = 200;
	CU_ASSERT(sc_run_scenario(&rn->s, &rn->o, &rn->caps, &rn->r) == SC_OK);
}

/* run_text - parse and run a scenario against the script */
static void run_text(struct run *rn, const char *text, struct script *sc)
{
	run_setup(rn, text, sc, NULL);
}

/* run_free - release a run */
static void run_free(struct run *rn)
{
	sc_result_free(&rn->r);
	sc_scenario_free(&rn->s);
}

/* reason_has - the explanation mentions a phrase */
static int reason_has(const struct run *rn, const char *phrase)
{
	return rn->r.reason != NULL && strstr(rn->r.reason, phrase) != NULL;
}

#define HEADER "title: t\nrfc: 5321 4.1\nlevel: MUST\n\n"
#define HEADER_SHOULD "title: t\nrfc: 5321 4.1\nlevel: SHOULD\n\n"

static void test_pass(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: EHLO ${client}\nS: 250\n"
		 "C: QUIT\nS: 221 closed\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(sc.connects, 1);
	/* connect event, greeting, EHLO, reply, QUIT, 221, close event */
	CU_ASSERT_EQUAL(rn.r.ntx, 7);
	CU_ASSERT_EQUAL(rn.r.tx[2].kind, SC_TX_SEND);
	CU_ASSERT_STRING_EQUAL(rn.r.tx[2].bytes,
			       "EHLO smtpconf.example.org\r\n");
	CU_ASSERT_STRING_EQUAL(rn.r.tx[3].bytes,
			       "250-mx.test\r\n250-PIPELINING\r\n"
			       "250 SIZE 1000\r\n");
	run_free(&rn);
}

static void test_mismatch_names_both_codes(void)
{
	static const struct rule rules[] = {
		{ "XYZZY", "502 not implemented\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\nC: XYZZY\nS: 500  # why not\n",
		 &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_SHOULD);
	CU_ASSERT_EQUAL(rn.r.fail_line, 7);
	CU_ASSERT(reason_has(&rn, "XYZZY"));
	CU_ASSERT(reason_has(&rn, "why not"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(rn.r.expected);
	CU_ASSERT(strstr(rn.r.expected, "500 (Syntax error, command "
			 "unrecognized)") != NULL);
	CU_ASSERT(strstr(rn.r.observed, "502 Command not implemented") !=
		  NULL);
	CU_ASSERT(rn.r.tx[rn.r.ntx - 1].failed);
	run_free(&rn);
}

static void test_alternatives_classes_negation(void)
{
	static const struct rule rules[] = {
		{ "VRFY", "252 cannot verify\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 2xx\nC: VRFY a\nS: 250|252\nC: VRFY b\n"
		 "S: !5xx\nC: VRFY c\nS: 25x /verify/\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	run_free(&rn);
	run_text(&rn, HEADER "S: 220\nC: VRFY a\nS: !252\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(strstr(rn.r.expected, "anything but 252") != NULL);
	run_free(&rn);
	run_text(&rn, HEADER "S: 220\nC: VRFY a\nS: 252 /accepted/\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	run_free(&rn);
}

static void test_no_reply_is_a_must_failure(void)
{
	static const struct rule rules[] = {
		{ "NOOP", NULL, 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT(reason_has(&rn, "Every command MUST generate exactly one"));
	CU_ASSERT(reason_has(&rn, "server hung after `NOOP` (line "));
	CU_ASSERT_STRING_EQUAL(rn.r.observed, "no reply: not one byte");
	CU_ASSERT_TRUE(rn.r.hung);
	CU_ASSERT(strstr(rn.r.tx[rn.r.ntx - 1].bytes, "abandoned") != NULL);
	run_free(&rn);
}

/*
 * test_partial_reply_still_coming - half a reply and the deadline
 * (the in-memory server answers at once, so the bytes are fresh):
 * slow, not hung, and an error rather than a failure
 */
static void test_partial_reply_still_coming(void)
{
	static const struct rule rules[] = {
		{ "NOOP", "250-half", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_ERROR);
	CU_ASSERT(reason_has(&rn, "slow, not hung"));
	CU_ASSERT(strstr(rn.r.observed, "8 bytes: \"250-half\"") != NULL);
	CU_ASSERT_FALSE(rn.r.hung);
	run_free(&rn);
}

static void test_close_without_reply(void)
{
	static const struct rule rules[] = {
		{ "NOOP", NULL, 1 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT(reason_has(&rn, "without a 421 or 221"));
	run_free(&rn);
}

static void test_partial_reply_then_close(void)
{
	static const struct rule rules[] = {
		{ "NOOP", "250-half", 1 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(reason_has(&rn, "partial reply"));
	CU_ASSERT(strstr(rn.r.tx[rn.r.ntx - 2].bytes, "250-half") != NULL);
	run_free(&rn);
}

static void test_421_then_close(void)
{
	static const struct rule rules[] = {
		{ "NOOP", "421 4.3.2 shutting down\r\n", 1 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\nC: NOOP\nS: 250\nC: NOOP\n"
		 "S: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_SHOULD);
	CU_ASSERT(reason_has(&rn, "closed the service (421)"));
	CU_ASSERT_EQUAL(rn.r.fail_line, 7);
	run_free(&rn);
	/* Where the scenario expects it, 421 and the close are a pass. */
	run_text(&rn, HEADER "S: 220\nC: NOOP\nS: 421 closed\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	run_free(&rn);
}

static void test_on_421_end_session(void)
{
	static const struct rule rules[] = {
		{ "XYZZY", "421 4.7.0 too many errors\r\n", 1 },
		{ "NOOP", "250 ok\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	static const struct rule open_rules[] = {
		{ "XYZZY", "421 4.7.0 too many errors\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;
	const char *text = "title: t\nrfc: 5321 3.8\nlevel: MUST\n"
			   "on-421: end-session\n\nS: 220\nC: XYZZY\n"
			   "S: 500\nC: XYZZY\nS: 500\nsession two\nS: 220\n"
			   "C: NOOP\nS: 250\n";

	/* 421 then the close: that session ends, the other goes on. */
	run_text(&rn, text, &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(sc.connects, 2);
	CU_ASSERT_PTR_NULL(rn.r.expected);
	run_free(&rn);
	/* 421 but the connection stays open: still a MUST failure. */
	sc.rules = open_rules;
	run_text(&rn, text, &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT(reason_has(&rn, "did not close"));
	run_free(&rn);
}

static void test_421_but_stays_open(void)
{
	static const struct rule rules[] = {
		{ "NOOP", "421 going away\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT(reason_has(&rn, "did not close"));
	run_free(&rn);
}

static void test_then_closed(void)
{
	static const struct rule stay[] = {
		{ "QUIT", "221 bye\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	static const struct rule extra[] = {
		{ "QUIT", "221 bye\r\n250 more\r\n", 1 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", stay, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: QUIT\nS: 221 closed\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(reason_has(&rn, "did not close the connection after its "
			     "221 reply"));
	run_free(&rn);
	sc.rules = extra;
	run_text(&rn, HEADER "S: 220\nC: QUIT\nS: 221\nclosed\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(reason_has(&rn, "more data"));
	run_free(&rn);
}

/* A premise reply that differs skips; one that holds lets the rest judge */
static void test_premise(void)
{
	static const struct rule rules[] = {
		{ "MAIL", "250 ok\r\n", 0 },
		{ "NOOP", "250 ok\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: MAIL FROM:<>\n"
		 "S: 503 premise # refused before EHLO\nC: NOOP\nS: 500\n",
		 &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_SKIP);
	CU_ASSERT(reason_has(&rn, "premise not met at line 7"));
	CU_ASSERT(reason_has(&rn, "(refused before EHLO)"));
	run_free(&rn);
	/* The premise holds (250), so NOOP's 250 against 500 fails. */
	run_text(&rn, HEADER "S: 220\nC: MAIL FROM:<>\n"
		 "S: 250 premise\nC: NOOP\nS: 500\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_line, 9);
	run_free(&rn);
}

static void test_reply_syntax_is_always_checked(void)
{
	static const struct rule rules[] = {
		{ "NOOP", "250 ok\n", 0 },
		{ "RSET", "250-a\r\n251 b\r\n", 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT(reason_has(&rn, "reply syntax"));
	run_free(&rn);
	run_text(&rn, HEADER_SHOULD "S: 220\nC: RSET\nS: 2xx\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	run_free(&rn);
}

static void test_batch_is_one_write(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nbatch\nC: MAIL FROM:<a@b.example>\n"
		 "C: RCPT TO:<c@d.example>\nC: NOOP\nend\nS: 250\nS: 250\n"
		 "S: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(sc.writes, 1);
	CU_ASSERT_STRING_EQUAL(sc.last_write, "MAIL FROM:<a@b.example>\r\n"
			       "RCPT TO:<c@d.example>\r\nNOOP\r\n");
	run_free(&rn);
}

/* A server that lists ENHANCEDSTATUSCODES, and a NOOP reply without. */
static const struct rule enhanced_rules[] = {
	{ "EHLO ", "250-mx.test\r\n250 ENHANCEDSTATUSCODES\r\n", 0 },
	{ "NOOP", "250 ok\r\n", 0 },
	{ NULL, NULL, 0 }
};

/*
 * test_long_send_in_blocks - a send longer than SC_SEND_BLOCK_BYTES
 * goes out in blocks, and an EHLO line that starts in one block and
 * ends in the next is still known as the EHLO: its reply is exempt
 * from RFC 2034's enhanced codes and turns them on, so the bare "250
 * ok" to the NOOP after it fails.
 */
static void test_long_send_in_blocks(void)
{
	struct script sc = { "220 hi\r\n", enhanced_rules, 0, 0, 0, "", "", 0, 0 };
	struct setup su = { "ENHANCEDSTATUSCODES", NULL };
	struct run rn;
	char text[512];

	/* 262140 + CRLF: "EH" ends the first 256 KiB block. */
	CU_ASSERT_EQUAL_FATAL(SC_SEND_BLOCK_BYTES, 262144);
	snprintf(text, sizeof(text), HEADER "S: 220\n"
		 "R: \"x\" * 262140 \"\\r\\nEHLO a\\r\\n\"\n"
		 "S: 500\nS: 250\nC: NOOP\nS: 250\n");
	run_setup(&rn, text, &sc, &su);
	CU_ASSERT_EQUAL(sc.writes, 3);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_line, 10);
	CU_ASSERT(reason_has(&rn, "ENHANCEDSTATUSCODES"));
	/* The transcript keeps the head and the length on the wire. */
	CU_ASSERT_EQUAL(rn.r.tx[2].kind, SC_TX_SEND);
	CU_ASSERT_EQUAL(rn.r.tx[2].wire_len, 262150);
	CU_ASSERT_EQUAL(rn.r.tx[2].len, SC_TRANSCRIPT_ENTRY_KEEP);
	run_free(&rn);
}

/*
 * test_secret_past_the_head - only the head of a long send is redacted
 * and kept; a secret that starts in the head and ends past it is left
 * out whole, not shown in part.  Two 4000-byte secrets shrink to
 * "<secret>" each, so without that the third one's first bytes would
 * land inside the kept 4096.
 */
static void test_secret_past_the_head(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	static char pass[4001];
	struct setup su = { NULL, pass };
	struct run rn;
	size_t i;

	for (i = 0; i < 4000; i++)
		pass[i] = (char)('a' + i % 26);
	run_setup(&rn, HEADER "S: 220\n"
		  "R: \"${auth_pass}\" * 2 \"xx\" \"${auth_pass}\" "
		  "\"y\" * 300000 \"\\r\\n\"\nS: 500\n", &sc, &su);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(rn.r.tx[2].kind, SC_TX_SEND);
	CU_ASSERT_EQUAL(rn.r.tx[2].wire_len, 3 * 4000 + 2 + 300000 + 2);
	CU_ASSERT_STRING_EQUAL(rn.r.tx[2].bytes, "<secret><secret>");
	run_free(&rn);
}

static void test_sessions(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nsession two\nS: 220\nC: NOOP\nS: 250\n"
		 "session main\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(sc.connects, 2);
	CU_ASSERT_STRING_EQUAL(rn.r.tx[rn.r.ntx - 1].session, "main");
	run_free(&rn);
}

static void test_unreachable_is_an_error(void)
{
	struct run rn;
	struct sc_error err;

	memset(&rn, 0, sizeof(rn));
	sc_vars_init(&rn.vars);
	CU_ASSERT_FATAL(sc_scenario_parse(HEADER "S: 220\n", strlen(HEADER) +
					  7, "t.smtp", "t", &rn.vars, &rn.s,
					  &err) == SC_OK);
	sc_run_options_init(&rn.o, &rn.vars);
	rn.o.connect = refuse_connect;
	sc_run_scenario(&rn.s, &rn.o, &rn.caps, &rn.r);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_ERROR);
	CU_ASSERT(rn.r.unreachable);
	CU_ASSERT(reason_has(&rn, "connection refused"));
	run_free(&rn);
}

static void test_when_conditions_skip(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, "title: t\nrfc: 1870 4\nlevel: MUST\nwhen: SIZE > 0\n\n"
		 "S: 220\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_SKIP);
	CU_ASSERT_EQUAL(sc.connects, 0);
	run_free(&rn);
}

/*
 * test_conds_past_caps_bound - a keyword the capability table could not
 * keep is neither present nor absent: the scenario is skipped, never
 * run on the guess that STARTTLS was not advertised
 */
static void test_conds_past_caps_bound(void)
{
	static const char *const texts[] = {
		"title: t\nrfc: 3207 4\nlevel: MUST\nwhen: !STARTTLS\n\n"
		"S: 220\n",
		"title: t\nrfc: 3207 4\nlevel: MUST\nwhen: STARTTLS\n\n"
		"S: 220\n",
	};
	struct sc_capabilities caps;
	struct sc_scenario s;
	struct sc_vars vars;
	struct sc_error err;
	char why[300];
	size_t i;

	memset(&caps, 0, sizeof(caps));
	caps.valid = 1;
	caps.count = 1;
	memcpy(caps.items[0].keyword, "PIPELINING", 11);
	sc_vars_init(&vars);
	for (i = 0; i < 2; i++) {
		sc_error_clear(&err);
		CU_ASSERT_FATAL(sc_scenario_parse(texts[i], strlen(texts[i]),
						  "t.smtp", "t", &vars, &s,
						  &err) == SC_OK);
		caps.dropped = 0;
		CU_ASSERT_EQUAL(sc_conds_hold(&s, &caps, why, sizeof(why)),
				i == 0);
		caps.dropped = 3;
		CU_ASSERT_EQUAL(sc_conds_hold(&s, &caps, why, sizeof(why)), 0);
		CU_ASSERT(strstr(why, "did not keep the 3") != NULL);
		sc_scenario_free(&s);
	}
}

static void test_ehlo_variable_needs_capability(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: MAIL FROM:<a@b.example> "
		 "SIZE=${ehlo.SIZE + 1}\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_ERROR);
	CU_ASSERT(reason_has(&rn, "SIZE"));
	run_free(&rn);
}

static void test_shutdown_needs_server(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	/* shutdown needs a managed server (--spawn/--stop): skipped. */
	run_text(&rn, HEADER "S: 220\nshutdown\nS: 421 closed\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_SKIP);
	CU_ASSERT(reason_has(&rn, "needs --spawn or --stop"));
	CU_ASSERT_EQUAL(rn.r.ntx, 0);
	run_free(&rn);
}

static void test_interrupted(void)
{
	struct script sc = { "220 hi\r\n", good_rules, 0, 0, 0, "", "", 0, 0 };
	static volatile sig_atomic_t flag = 1;
	struct sc_error err;
	struct run rn;
	const char *text = HEADER "S: 220\n";

	memset(&rn, 0, sizeof(rn));
	sc_vars_init(&rn.vars);
	CU_ASSERT_FATAL(sc_scenario_parse(text, strlen(text), "t.smtp", "t",
					  &rn.vars, &rn.s, &err) == SC_OK);
	sc_run_options_init(&rn.o, &rn.vars);
	rn.o.connect = script_connect;
	rn.o.connect_ctx = &sc;
	rn.o.interrupted = &flag;
	sc_run_scenario(&rn.s, &rn.o, &rn.caps, &rn.r);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_NOTRUN);
	run_free(&rn);
}

static void test_hostile_flood_is_bounded(void)
{
	static char flood[SC_REPLY_MAX_BYTES + 4096];
	static struct rule rules[] = {
		{ "NOOP", NULL, 0 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;
	size_t i;

	for (i = 0; i + 6 < sizeof(flood); i += 6)
		memcpy(flood + i, "250-x\n", 6);
	flood[i] = '\0';
	rules[0].reply = flood;
	run_text(&rn, HEADER "S: 220\nC: NOOP\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(rn.r.tx_bytes <= SC_TRANSCRIPT_MAX_BYTES);
	run_free(&rn);
}

/*
 * test_unsolicited_after_greeting - replies before the first command
 * are judged as such, not taken for the answer to that command (the
 * EHLO below would otherwise pass on the stray 250).
 */
static void test_unsolicited_after_greeting(void)
{
	struct script sc = { "220 hi\r\n250 stray\r\n250 stray\r\n",
			     good_rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: EHLO x\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT_EQUAL(rn.r.fail_line, 6);
	CU_ASSERT(reason_has(&rn, "before the first command"));
	CU_ASSERT(rn.r.observed && strstr(rn.r.observed, "stray"));
	/* Judged before the command was written. */
	CU_ASSERT_EQUAL(sc.writes, 0);
	run_free(&rn);
}

/* test_421_after_greeting - a 421 may come at any time: it is kept
 * for the next expectation and judged as a 421 there */
static void test_421_after_greeting(void)
{
	struct script sc = { "220 hi\r\n421 going down\r\n", good_rules,
			     1, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: EHLO x\nS: 250\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(reason_has(&rn, "closed the service (421)"));
	CU_ASSERT_FALSE(reason_has(&rn, "before the first command"));
	run_free(&rn);
}

/* test_extra_reply_hint - a reply waiting before a command that owed
 * none is named in the mismatch (the verdict is the mismatch's) */
static void test_extra_reply_hint(void)
{
	static const struct rule rules[] = {
		{ "NOOP", "250 ok\r\n250 extra\r\n", 0 },
		{ "QUIT", "221 bye\r\n", 1 },
		{ NULL, NULL, 0 }
	};
	struct script sc = { "220 hi\r\n", rules, 0, 0, 0, "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER "S: 220\nC: NOOP\nS: 250\nC: QUIT\n"
		 "S: 221\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT(reason_has(&rn, "replied 250"));
	CU_ASSERT(reason_has(&rn, "already waiting"));
	run_free(&rn);

	/* Pipelined: the reply owed to the first command is no hint. */
	run_text(&rn, HEADER "S: 220\nC: NOOP\nC: NOOP\nS: 250\nS: 221\n",
		 &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_FALSE(reason_has(&rn, "already waiting"));
	run_free(&rn);
}

/* test_control_bytes_are_must - ESC in a reply breaks textstring at
 * MUST level, while other non-ASCII text stays a SHOULD */
static void test_control_bytes_are_must(void)
{
	struct script sc = { "220 hi \x1b[2J\r\n", good_rules, 0, 0, 0,
			     "", "", 0, 0 };
	struct run rn;

	run_text(&rn, HEADER_SHOULD "S: 220\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT(reason_has(&rn, "control character"));
	CU_ASSERT(rn.r.observed && strchr(rn.r.observed, 0x1b) == NULL);
	run_free(&rn);

	sc.greeting = "220 caf\xc3\xa9\r\n";
	run_text(&rn, HEADER "S: 220\n", &sc);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_SHOULD);
	run_free(&rn);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "pass", test_pass },
		{ "mismatch names both codes", test_mismatch_names_both_codes },
		{ "alternatives, classes, negation, text",
		  test_alternatives_classes_negation },
		{ "no reply is a MUST failure", test_no_reply_is_a_must_failure },
		{ "partial reply still coming", test_partial_reply_still_coming },
		{ "close without reply", test_close_without_reply },
		{ "partial reply then close", test_partial_reply_then_close },
		{ "421 then close", test_421_then_close },
		{ "421 but stays open", test_421_but_stays_open },
		{ "on-421: end-session", test_on_421_end_session },
		{ "then closed", test_then_closed },
		{ "premise", test_premise },
		{ "reply syntax always checked",
		  test_reply_syntax_is_always_checked },
		{ "batch is one write", test_batch_is_one_write },
		{ "long send in blocks", test_long_send_in_blocks },
		{ "secret past the head", test_secret_past_the_head },
		{ "sessions", test_sessions },
		{ "unreachable is an error", test_unreachable_is_an_error },
		{ "when conditions skip", test_when_conditions_skip },
		{ "conds past the caps bound", test_conds_past_caps_bound },
		{ "ehlo variable needs capability",
		  test_ehlo_variable_needs_capability },
		{ "shutdown needs a server", test_shutdown_needs_server },
		{ "interrupted", test_interrupted },
		{ "hostile flood is bounded", test_hostile_flood_is_bounded },
		{ "unsolicited after greeting",
		  test_unsolicited_after_greeting },
		{ "421 after greeting", test_421_after_greeting },
		{ "extra reply hint", test_extra_reply_hint },
		{ "control bytes are MUST", test_control_bytes_are_must },
		{ NULL, NULL }
	};

	return test_add_suite("runner", cases);
}
