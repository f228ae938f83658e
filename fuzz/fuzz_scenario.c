/*
 * fuzz_scenario.c - libFuzzer target for the scenario language
 * (scenario_parse.c, scenario_header.c, scenario_send.c,
 * scenario_expect.c, template.c, conds.c).
 *
 * The input is a scenario file.  It is parsed from memory with the
 * built-in variables defined, as `smtpconf lint` does.  When it parses,
 * what the runner would do next is done too: every S: expectation is
 * formatted back into text (as failure messages show it) and matched
 * against a few codes, every C:/R: template is expanded against the
 * default variables and a realistic EHLO reply, with a small output
 * cap so that "A" * 16777216 costs little, and the when: conditions
 * are evaluated.  When it does not parse, the error must say where.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/buf.h"
#include "smtpconf/ehlo.h"
#include "smtpconf/reply.h"
#include "smtpconf/scenario.h"
#include "smtpconf/vars.h"

/* Cap on one expanded send: far below SC_SEND_MAX_BYTES, to stay fast. */
#define FUZZ_EXPAND_CAP	(64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a Postfix server answers EHLO with: ${ehlo.SIZE} resolves. */
static const char ehlo_reply[] =
	"250-mail.example.org\r\n"
	"250-PIPELINING\r\n"
	"250-SIZE 10240000\r\n"
	"250-ETRN\r\n"
	"250-STARTTLS\r\n"
	"250-AUTH PLAIN LOGIN\r\n"
	"250-ENHANCEDSTATUSCODES\r\n"
	"250-8BITMIME\r\n"
	"250 SMTPUTF8\r\n";

/* fail - report a broken promise and crash so the fuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_scenario: %s\n", what);
	abort();
}

/* fixed_caps - the capabilities of ehlo_reply (once) */
static const struct sc_capabilities *fixed_caps(void)
{
	static struct sc_capabilities caps;
	static int ready;
	struct sc_reply_parser p;
	struct sc_reply rep;
	size_t used;

	if (ready)
		return &caps;
	memset(&rep, 0, sizeof(rep));
	sc_reply_parser_init(&p);
	if (sc_reply_feed(&p, ehlo_reply, sizeof(ehlo_reply) - 1, &used,
			  &rep) != SC_FEED_DONE ||
	    sc_ehlo_parse(&rep, &caps) != SC_OK)
		fail("the fixed EHLO reply does not parse");
	sc_reply_free(&rep);
	sc_reply_parser_free(&p);
	ready = 1;
	return &caps;
}

/* check_expect - format an S: line back and match a few codes */
static void check_expect(const struct sc_expect *e)
{
	static const int codes[] = { 220, 250, 354, 421, 500, 554, 999 };
	struct sc_buf out;
	size_t i;

	if (e->nalts > SC_EXPECT_MAX_ALTS)
		fail("more alternatives than SC_EXPECT_MAX_ALTS");
	sc_buf_init(&out, 0);
	sc_expect_format(e, &out);
	if (out.len != strlen(sc_buf_cstr(&out)))
		fail("formatted expectation holds a NUL");
	sc_buf_free(&out);
	for (i = 0; i < e->nalts; i++)
		sc_code_pattern_match(&e->alts[i], codes[i % 7]);
}

/* check_send - expand a C:/R: template as the runner would */
static void check_send(const struct sc_template *t,
		       const struct sc_vars *vars)
{
	struct sc_error err;
	struct sc_buf out;
	int rc;

	sc_error_clear(&err);
	sc_buf_init(&out, FUZZ_EXPAND_CAP);
	rc = sc_template_expand(t, vars, fixed_caps(), &out, &err);
	if (out.len > FUZZ_EXPAND_CAP)
		fail("expansion went past the buffer's cap");
	if (rc != SC_OK && err.msg[0] == '\0')
		fail("expansion failed without a message");
	sc_buf_free(&out);
	/* Without capabilities, ${ehlo.*} must fail cleanly. */
	sc_buf_init(&out, FUZZ_EXPAND_CAP);
	sc_template_expand(t, vars, NULL, &out, &err);
	sc_buf_free(&out);
}

/* check_scenario - what the runner does with a parsed scenario */
static void check_scenario(const struct sc_scenario *s,
			   const struct sc_vars *vars)
{
	char why[256];
	size_t i;

	if (s->nsteps == 0 || s->nsteps > SC_SCENARIO_MAX_STEPS)
		fail("step count out of bounds");
	for (i = 0; i < s->nsteps; i++) {
		if (s->steps[i].kind == SC_STEP_EXPECT)
			check_expect(&s->steps[i].expect);
		else if (s->steps[i].kind == SC_STEP_SEND)
			check_send(&s->steps[i].send, vars);
	}
	sc_conds_hold(s, fixed_caps(), why, sizeof(why));
	sc_conds_hold(s, NULL, why, sizeof(why));
	if (sc_level_name(s->level) == NULL)
		fail("level without a name");
}

/* LLVMFuzzerTestOneInput - parse data as a scenario file */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_scenario s;
	struct sc_error err;
	struct sc_vars vars;
	char msg[2048];
	int rc;

	sc_vars_init(&vars);
	rc = sc_scenario_parse((const char *)data, size, "fuzz.smtp", "fuzz",
			       &vars, &s, &err);
	if (rc == SC_OK) {
		check_scenario(&s, &vars);
		sc_scenario_free(&s);
		return 0;
	}
	sc_error_format(&err, msg, sizeof(msg));
	if ((int)err.status != rc || err.msg[0] == '\0')
		fail("parse error without its status and message");
	if (s.steps != NULL || s.nsteps != 0 || s.id != NULL)
		fail("a failed parse left memory behind");
	return 0;
}
