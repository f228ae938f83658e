/*
 * example_target.c - the kit (smtpconf_fuzz_kit.h) linked to a toy
 * parser: what an MTA author writes to fuzz their own command parser
 * in process with smtpconf's mutator, dictionary and corpora.
 *
 * The promises checked are the toy's: every reply code is one RFC 5321
 * 4.2 allows, text lines get no reply, and nothing is answered after
 * QUIT.  Yours will check your parser's.
 */
#include <stdio.h>
#include <stdlib.h>
#define SMTPCONF_FUZZ_KIT_MAIN
#include "smtpconf_fuzz_kit.h"
#include "example_parser.h"

/* smtpconf_kit_begin - a fresh session */
void *smtpconf_kit_begin(void)
{
	static struct toy_session s;

	toy_init(&s);
	return &s;
}

/* check - abort so that libFuzzer keeps the input */
static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "example_target: %s\n", what);
		abort();
	}
}

/* smtpconf_kit_line - one line through the parser, and its promises */
void smtpconf_kit_line(void *state, const char *line, size_t len)
{
	struct toy_session *s = state;
	int was_text = s->state == TOY_DATA, closed = s->closed;
	int code = toy_line(s, line, len);

	check(code == 0 || (code >= 200 && code <= 599), "bad reply code");
	check(!closed || code == 0, "a reply after QUIT");
	check(!was_text || code == 0 || code == 250, "text answered");
}

/* smtpconf_kit_end - nothing to free for the toy */
void smtpconf_kit_end(void *state)
{
	(void)state;
}
