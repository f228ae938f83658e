/*
 * fuzz_ehlo.c - libFuzzer target for EHLO capability parsing (ehlo.c).
 *
 * The input is what a server might send after EHLO.  It goes through
 * the reply parser first, exactly as in a session, and every reply
 * (and the partial one at EOF) is handed to sc_ehlo_parse.  The
 * lookups the runner makes are then asked of the result, and the
 * bounds of ehlo.h are checked: counts within SC_EHLO_MAX_CAPS, every
 * string terminated inside its array, keywords upper-case and
 * findable, and every stored parameter found again by
 * sc_caps_has_param.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/ehlo.h"
#include "smtpconf/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keywords the runner and the scenario conditions ask about. */
static const char *const asked[] = {
	"SIZE", "AUTH", "STARTTLS", "PIPELINING", "8BITMIME", "SMTPUTF8",
	"CHUNKING", "DSN", "ENHANCEDSTATUSCODES", "AUTH=LOGIN", "", "size",
};

/* fail - report a broken promise and crash so the fuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_ehlo: %s\n", what);
	abort();
}

/* terminated - is there a NUL inside s[0..n)? */
static int terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* check_params - every stored parameter is found by sc_caps_has_param */
static void check_params(const struct sc_capabilities *caps,
			 const struct sc_capability *cap)
{
	char one[SC_EHLO_PARAMS_MAX];
	const char *p = cap->params;
	size_t n;

	/* Only the first capability of a keyword is what lookups see. */
	if (sc_caps_find(caps, cap->keyword) != cap)
		return;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 0)
			break;
		memcpy(one, p, n);
		one[n] = '\0';
		if (!sc_caps_has_param(caps, cap->keyword, one))
			fail("stored parameter not found again");
		p += n;
	}
}

/* check_caps - the bounds and lookups of one parsed EHLO reply */
static void check_caps(const struct sc_capabilities *caps)
{
	long long number;
	size_t i, j;

	if (caps->count > SC_EHLO_MAX_CAPS)
		fail("more capabilities than SC_EHLO_MAX_CAPS");
	if (!terminated(caps->domain, sizeof(caps->domain)))
		fail("domain not terminated");
	for (i = 0; i < caps->count; i++) {
		const struct sc_capability *cap = &caps->items[i];

		if (!terminated(cap->keyword, sizeof(cap->keyword)) ||
		    !terminated(cap->params, sizeof(cap->params)))
			fail("capability string not terminated");
		for (j = 0; cap->keyword[j] != '\0'; j++)
			if (cap->keyword[j] >= 'a' && cap->keyword[j] <= 'z')
				fail("keyword not upper-cased");
		if (cap->keyword[0] == '\0' ||
		    sc_caps_find(caps, cap->keyword) == NULL)
			fail("stored keyword not found again");
		check_params(caps, cap);
	}
	for (i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		sc_caps_find(caps, asked[i]);
		sc_caps_number(caps, asked[i], &number);
		sc_caps_has_param(caps, asked[i], "PLAIN");
		sc_caps_has_param(caps, asked[i], "");
	}
}

/* parse_one - sc_ehlo_parse on one reply, then the checks */
static void parse_one(struct sc_reply *rep)
{
	struct sc_capabilities caps;
	int rc;

	rc = sc_ehlo_parse(rep, &caps);
	if (rc == SC_OK && !caps.valid)
		fail("SC_OK without valid");
	if (rc != SC_OK && (caps.valid || caps.count != 0))
		fail("an error left capabilities behind");
	check_caps(&caps);
	sc_reply_free(rep);
}

/* LLVMFuzzerTestOneInput - every reply in data through sc_ehlo_parse */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sc_reply_parser p;
	struct sc_reply rep;
	size_t used;

	sc_reply_parser_init(&p);
	while (size > 0) {
		memset(&rep, 0, sizeof(rep));
		used = 0;
		if (sc_reply_feed(&p, buf, size, &used, &rep) ==
		    SC_FEED_NEED_MORE)
			break;
		parse_one(&rep);
		if (used == 0 || used > size)
			fail("reply parser made no progress");
		buf += used;
		size -= used;
	}
	memset(&rep, 0, sizeof(rep));
	if (sc_reply_parser_take_partial(&p, &rep))
		parse_one(&rep);
	else
		sc_reply_free(&rep);
	sc_reply_parser_free(&p);
	/* And the NULL cases the header allows. */
	if (sc_ehlo_parse(NULL, NULL) == SC_OK)
		fail("NULL reply parsed");
	return 0;
}
