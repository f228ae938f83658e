/*
 * test_ehlo.c - parsing the capabilities of an EHLO reply.
 *
 * Expectations follow RFC 5321 4.1.1.1 (ehlo-ok-rsp, ehlo-line,
 * ehlo-keyword, ehlo-param), RFC 1870 (SIZE) and RFC 4954 (AUTH); the
 * realistic reply is what a Postfix server sends with SASL and the
 * broken_sasl_auth_clients "AUTH=" line switched on.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/ehlo.h"
#include "smtpconf/status.h"

/* L - a string literal and its length (literals may hold NUL) */
#define L(s)	(s), (sizeof(s) - 1)

/* to_reply - parse bytes that hold exactly one reply */
static void to_reply(const char *buf, size_t len, struct sc_reply *r)
{
	struct sc_reply_parser p;
	size_t used = 0;

	memset(r, 0, sizeof(*r));
	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL_FATAL(sc_reply_feed(&p, buf, len, &used, r),
			      SC_FEED_DONE);
	CU_ASSERT_EQUAL(used, len);
	sc_reply_parser_free(&p);
}

/* parse_caps - bytes to capabilities; returns sc_ehlo_parse's result */
static int parse_caps(const char *buf, size_t len,
		      struct sc_capabilities *caps)
{
	struct sc_reply r;
	int rc;

	to_reply(buf, len, &r);
	rc = sc_ehlo_parse(&r, caps);
	sc_reply_free(&r);
	return rc;
}

/* params_of - the params of keyword, or NULL when absent */
static const char *params_of(const struct sc_capabilities *caps,
			     const char *keyword)
{
	const struct sc_capability *c = sc_caps_find(caps, keyword);

	return c ? c->params : NULL;
}

static const char postfix[] =
	"250-mail.example.com\r\n"
	"250-PIPELINING\r\n"
	"250-SIZE 10240000\r\n"
	"250-VRFY\r\n"
	"250-ETRN\r\n"
	"250-STARTTLS\r\n"
	"250-AUTH PLAIN LOGIN\r\n"
	"250-AUTH=PLAIN LOGIN\r\n"
	"250-ENHANCEDSTATUSCODES\r\n"
	"250-8BITMIME\r\n"
	"250-DSN\r\n"
	"250-SMTPUTF8\r\n"
	"250 CHUNKING\r\n";

/* test_postfix - a realistic Postfix EHLO reply */
static void test_postfix(void)
{
	static const char *const keywords[] = {
		"PIPELINING", "SIZE", "VRFY", "ETRN", "STARTTLS", "AUTH",
		"AUTH=PLAIN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN",
		"SMTPUTF8", "CHUNKING",
	};
	struct sc_capabilities caps;
	long long size = 0;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L(postfix), &caps), SC_OK);
	CU_ASSERT_EQUAL(caps.valid, 1);
	CU_ASSERT_STRING_EQUAL(caps.domain, "mail.example.com");
	CU_ASSERT_EQUAL_FATAL(caps.count, 12);
	for (i = 0; i < 12; i++)
		CU_ASSERT_STRING_EQUAL(caps.items[i].keyword, keywords[i]);
	/* "AUTH=PLAIN LOGIN" is not an ehlo-line ('=' is no keyword char). */
	CU_ASSERT_EQUAL(caps.malformed, 1);
	CU_ASSERT_EQUAL(sc_caps_number(&caps, "SIZE", &size), SC_OK);
	CU_ASSERT_EQUAL(size, 10240000);
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH"), "PLAIN LOGIN");
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH=PLAIN"), "LOGIN");
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "pipelining"), "");
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "AUTH", "PLAIN"));
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "auth", "login"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "CRAM-MD5"));
	CU_ASSERT_PTR_NOT_NULL(sc_caps_find(&caps, "8bitmime"));
	CU_ASSERT_PTR_NOT_NULL(sc_caps_find(&caps, "Chunking"));
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "BINARYMIME"));
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "AUTH="));
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "SIZ"));
}

/* test_exchange_style - greeting text after the domain, lower case */
static void test_exchange_style(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L(
		"250-MX01.corp.example Hello [192.0.2.10]\r\n"
		"250-size 37748736\r\n"
		"250-x-exps GSSAPI NTLM\r\n"
		"250 starttls\r\n"), &caps), SC_OK);
	CU_ASSERT_STRING_EQUAL(caps.domain, "MX01.corp.example");
	CU_ASSERT_EQUAL(caps.malformed, 0);
	CU_ASSERT_EQUAL_FATAL(caps.count, 3);
	/* Keywords are upper-cased; parameters stay as sent. */
	CU_ASSERT_STRING_EQUAL(caps.items[0].keyword, "SIZE");
	CU_ASSERT_STRING_EQUAL(caps.items[1].keyword, "X-EXPS");
	CU_ASSERT_STRING_EQUAL(caps.items[1].params, "GSSAPI NTLM");
	CU_ASSERT_STRING_EQUAL(caps.items[2].keyword, "STARTTLS");
}

/* test_single_line - "250 Domain" alone: valid, no capabilities */
static void test_single_line(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL(parse_caps(L("250 mail.example.com\r\n"), &caps),
			SC_OK);
	CU_ASSERT_EQUAL(caps.valid, 1);
	CU_ASSERT_EQUAL(caps.count, 0);
	CU_ASSERT_EQUAL(caps.malformed, 0);
	CU_ASSERT_STRING_EQUAL(caps.domain, "mail.example.com");

	/* An address literal is a Domain too. */
	CU_ASSERT_EQUAL(parse_caps(L("250 [192.0.2.1]\r\n"), &caps), SC_OK);
	CU_ASSERT_STRING_EQUAL(caps.domain, "[192.0.2.1]");
	CU_ASSERT_EQUAL(caps.malformed, 0);
}

/* test_not_250 - EHLO refused or unparseable: a protocol error */
static void test_not_250(void)
{
	static const char *const replies[] = {
		"502 5.5.1 EHLO not implemented\r\n",
		"554 No SMTP service here\r\n",
		"421 4.3.2 Shutting down\r\n",
		"hello\r\n",
		"250-a\r\n251 b\r\n",
	};
	struct sc_capabilities caps;
	size_t i;

	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		CU_ASSERT_EQUAL(parse_caps(replies[i], strlen(replies[i]),
					   &caps), SC_ERR_PROTOCOL);
		CU_ASSERT_EQUAL(caps.valid, 0);
		CU_ASSERT_EQUAL(caps.count, 0);
	}
	CU_ASSERT_EQUAL(sc_ehlo_parse(NULL, &caps), SC_ERR_PROTOCOL);
	CU_ASSERT_EQUAL(caps.valid, 0);
}

/* test_obsolete_auth_only - "AUTH=LOGIN PLAIN" alone is not AUTH */
static void test_obsolete_auth_only(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx\r\n"
					   "250 AUTH=LOGIN PLAIN\r\n"),
					 &caps), SC_OK);
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "AUTH"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "PLAIN"));
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH=LOGIN"), "PLAIN");
	CU_ASSERT_EQUAL(caps.malformed, 1);

	/* Whichever comes first, AUTH stays the real advertisement. */
	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx\r\n"
					   "250-auth=login\r\n"
					   "250 AUTH CRAM-MD5\r\n"),
					 &caps), SC_OK);
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH"), "CRAM-MD5");
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH=LOGIN"), "");
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "LOGIN"));
}

/* test_spaces_collapsed - runs of spaces collapse, and are counted */
static void test_spaces_collapsed(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx\r\n"
					   "250-AUTH  PLAIN   LOGIN \r\n"
					   "250-SIZE 100 \r\n"
					   "250 DSN\r\n"), &caps), SC_OK);
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH"), "PLAIN LOGIN");
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "SIZE"), "100");
	/* ehlo-line = ehlo-keyword *( SP ehlo-param ): one SP each. */
	CU_ASSERT_EQUAL(caps.malformed, 2);
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "AUTH", "LOGIN"));
}

/* test_malformed_lines - lines that are no ehlo-line are counted, skipped */
static void test_malformed_lines(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx.example\r\n"
					   "250--BAD\r\n"
					   "250-\r\n"
					   "250-_X\r\n"
					   "250- SPACE\r\n"
					   "250-GOOD\r\n"
					   "250-FOO\tBAR\r\n"
					   "250 OK\r\n"), &caps), SC_OK);
	CU_ASSERT_EQUAL(caps.malformed, 5);
	CU_ASSERT_EQUAL_FATAL(caps.count, 2);
	CU_ASSERT_STRING_EQUAL(caps.items[0].keyword, "GOOD");
	CU_ASSERT_STRING_EQUAL(caps.items[1].keyword, "OK");
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "-BAD"));
}

/* test_hostile_nul - embedded NUL octets never reach a C string unseen */
static void test_hostile_nul(void)
{
	struct sc_capabilities caps;
	long long n = 7;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx\0evil\r\n"
					   "250-SI\0ZE 100\r\n"
					   "250-SIZE 1\0 2\r\n"
					   "250 X\r\n"), &caps), SC_OK);
	/* The domain token is shown with '?' for the NUL. */
	CU_ASSERT_STRING_EQUAL(caps.domain, "mx?evil");
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "SI"));
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "SIZE"), "1? 2");
	CU_ASSERT_EQUAL(sc_caps_number(&caps, "SIZE", &n), SC_ERR_PROTOCOL);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(caps.malformed, 3);
	CU_ASSERT_EQUAL(caps.count, 2);
}

/* test_hostile_domain - odd octets and an over-long domain */
static void test_hostile_domain(void)
{
	struct sc_capabilities caps;
	char buf[700];
	size_t i;

	CU_ASSERT_EQUAL(parse_caps(L("250 ex\x01mple.com hi\r\n"), &caps),
			SC_OK);
	CU_ASSERT_STRING_EQUAL(caps.domain, "ex?mple.com");
	CU_ASSERT_EQUAL(caps.malformed, 1);
	CU_ASSERT_EQUAL(parse_caps(L("250 ex_mple.com\r\n"), &caps), SC_OK);
	CU_ASSERT_EQUAL(caps.malformed, 1);
	CU_ASSERT_EQUAL(parse_caps(L("250 \r\n"), &caps), SC_OK);
	CU_ASSERT_STRING_EQUAL(caps.domain, "");
	CU_ASSERT_EQUAL(caps.malformed, 1);
	CU_ASSERT_EQUAL(parse_caps(L("250\r\n"), &caps), SC_OK);
	CU_ASSERT_EQUAL(caps.malformed, 1);

	memcpy(buf, "250 ", 4);
	for (i = 4; i < 604; i++)
		buf[i] = 'a';
	memcpy(buf + 604, "\r\n", 2);
	CU_ASSERT_EQUAL(parse_caps(buf, 606, &caps), SC_OK);
	CU_ASSERT_EQUAL(strlen(caps.domain), sizeof(caps.domain) - 1);
}

/* test_huge_lines - keywords and parameter lists past the bounds */
static void test_huge_lines(void)
{
	struct sc_capabilities caps;
	size_t len = 0, i;
	char *buf = malloc(20000);

	CU_ASSERT_FATAL(buf != NULL);
	memcpy(buf, "250-mx\r\n250-", 12);
	len = 12;
	/* A keyword longer than we can hold is dropped, not cut. */
	memset(buf + len, 'K', 100);
	len += 100;
	memcpy(buf + len, "\r\n250-AUTH", 10);
	len += 10;
	/* 400 mechanisms: far more than SC_EHLO_PARAMS_MAX bytes. */
	for (i = 0; i < 400; i++) {
		memcpy(buf + len, " MECH", 5);
		len += 5;
		buf[len++] = (char)('A' + i / 26 % 26);
		buf[len++] = (char)('A' + i % 26);
	}
	memcpy(buf + len, " LAST\r\n250 DSN\r\n", 16);
	len += 16;
	CU_ASSERT_EQUAL_FATAL(parse_caps(buf, len, &caps), SC_OK);
	/* The keyword line, and the AUTH line: clipped past 2048 bytes. */
	CU_ASSERT_EQUAL(caps.malformed, 2);
	CU_ASSERT_EQUAL_FATAL(caps.count, 2);
	CU_ASSERT_STRING_EQUAL(caps.items[0].keyword, "AUTH");
	CU_ASSERT(strlen(caps.items[0].params) < SC_EHLO_PARAMS_MAX);
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "AUTH", "MECHAA"));
	/* Parameters that did not fit are gone whole, never half. */
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "LAST"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "MECH"));
	i = strlen(caps.items[0].params);
	CU_ASSERT(i >= 6 && (i + 1) % 7 == 0);
	CU_ASSERT_PTR_NOT_NULL(sc_caps_find(&caps, "DSN"));
	free(buf);
}

/* test_clipped_line - a token cut by the reply parser's clip is dropped */
static void test_clipped_line(void)
{
	struct sc_capabilities caps;
	size_t len = 0;
	char *buf = malloc(4000);

	CU_ASSERT_FATAL(buf != NULL);
	memcpy(buf, "250-mx\r\n250-AUTH PLAIN", 22);
	len = 22;
	/* Spaces until 4 bytes before the clip point of this line. */
	memset(buf + len, ' ', SC_REPLY_LINE_KEEP - 18);
	len += SC_REPLY_LINE_KEEP - 18;
	memcpy(buf + len, "ABCDEFGHIJKLMNOP\r\n250 DSN\r\n", 27);
	len += 27;
	CU_ASSERT_EQUAL_FATAL(parse_caps(buf, len, &caps), SC_OK);
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "AUTH", "PLAIN"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "ABCD"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH",
					  "ABCDEFGHIJKLMNOP"));
	CU_ASSERT_STRING_EQUAL(params_of(&caps, "AUTH"), "PLAIN");
	CU_ASSERT_EQUAL(caps.malformed, 1);
	CU_ASSERT_PTR_NOT_NULL(sc_caps_find(&caps, "DSN"));
	free(buf);
}

/* many_lines - "250-mx", n lines "250-CAPi", then "250 LAST" */
static char *many_lines(size_t n, size_t *len)
{
	char *buf = malloc(n * 16 + 64);
	size_t i, pos;

	CU_ASSERT_FATAL(buf != NULL);
	memcpy(buf, "250-mx\r\n", 8);
	pos = 8;
	for (i = 0; i < n; i++) {
		memcpy(buf + pos, "250-CAP", 7);
		pos += 7;
		buf[pos++] = (char)('0' + i / 100 % 10);
		buf[pos++] = (char)('0' + i / 10 % 10);
		buf[pos++] = (char)('0' + i % 10);
		memcpy(buf + pos, "\r\n", 2);
		pos += 2;
	}
	memcpy(buf + pos, "250 LAST\r\n", 10);
	*len = pos + 10;
	return buf;
}

/* test_caps_bound - more capabilities than SC_EHLO_MAX_CAPS */
static void test_caps_bound(void)
{
	struct sc_capabilities caps;
	size_t len;
	char *buf = many_lines(300, &len);

	CU_ASSERT_EQUAL_FATAL(parse_caps(buf, len, &caps), SC_OK);
	CU_ASSERT_EQUAL(caps.count, SC_EHLO_MAX_CAPS);
	CU_ASSERT_EQUAL(caps.dropped, 301 - SC_EHLO_MAX_CAPS);
	CU_ASSERT_EQUAL(caps.malformed, 0);
	CU_ASSERT_PTR_NOT_NULL(sc_caps_find(&caps, "CAP000"));
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "LAST"));
	free(buf);
}

/* test_600_lines - a flood is refused as a whole */
static void test_600_lines(void)
{
	struct sc_reply_parser p;
	struct sc_reply r;
	struct sc_capabilities caps;
	size_t len, used;
	char *buf = many_lines(600, &len);

	memset(&r, 0, sizeof(r));
	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, buf, len, &used, &r),
			SC_FEED_ERROR);
	CU_ASSERT(r.violations & SC_RV_FLOOD);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT_EQUAL(sc_ehlo_parse(&r, &caps), SC_ERR_PROTOCOL);
	CU_ASSERT_EQUAL(caps.valid, 0);
	CU_ASSERT_EQUAL(caps.count, 0);
	sc_reply_free(&r);
	sc_reply_parser_free(&p);
	free(buf);
}

/* test_mismatched_line - a line with another code is not a capability */
static void test_mismatched_line(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx\r\n"
					   "251-FOO\r\n"
					   "250x\r\n"), &caps), SC_OK);
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "FOO"));
	CU_ASSERT_EQUAL(caps.malformed, 2);
	CU_ASSERT_EQUAL(caps.count, 0);
}

/* test_caps_number - SIZE parsing and its error cases */
static void test_caps_number(void)
{
	static const struct {
		const char *line;
		int rc;
		long long want;
	} cases[] = {
		{ "250 SIZE 10240000\r\n", SC_OK, 10240000 },
		{ "250 SIZE 0\r\n", SC_OK, 0 },
		{ "250 SIZE 007\r\n", SC_OK, 7 },
		{ "250 SIZE 9223372036854775807\r\n", SC_OK, LLONG_MAX },
		{ "250 SIZE 10 extra\r\n", SC_OK, 10 },
		{ "250 SIZE\r\n", SC_ERR_SYNTAX, 0 },
		{ "250 SIZE abc\r\n", SC_ERR_PROTOCOL, 0 },
		{ "250 SIZE -5\r\n", SC_ERR_PROTOCOL, 0 },
		{ "250 SIZE +5\r\n", SC_ERR_PROTOCOL, 0 },
		{ "250 SIZE 12k\r\n", SC_ERR_PROTOCOL, 0 },
		{ "250 SIZE 9223372036854775808\r\n", SC_ERR_LIMIT, 0 },
		{ "250 SIZE 99999999999999999999999\r\n", SC_ERR_LIMIT, 0 },
		{ "250 DSN\r\n", SC_ERR_UNSUPPORTED, 0 },
	};
	struct sc_capabilities caps;
	char buf[128];
	long long v;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = strlen(cases[i].line);
		memcpy(buf, "250-mx\r\n", 8);
		memcpy(buf + 8, cases[i].line, n);
		CU_ASSERT_EQUAL_FATAL(parse_caps(buf, n + 8, &caps), SC_OK);
		v = -1;
		CU_ASSERT_EQUAL(sc_caps_number(&caps, "size", &v),
				cases[i].rc);
		/* On error the output is left alone. */
		CU_ASSERT_EQUAL(v, cases[i].rc == SC_OK ? cases[i].want : -1);
	}
	CU_ASSERT_EQUAL(sc_caps_number(NULL, "SIZE", &v), SC_ERR_UNSUPPORTED);
}

/* test_has_param - whole-word, case-insensitive parameter match */
static void test_has_param(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL_FATAL(parse_caps(L("250-mx\r\n"
					   "250-AUTH plain XOAUTH2\r\n"
					   "250 BODY\r\n"), &caps), SC_OK);
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "AUTH", "PLAIN"));
	CU_ASSERT_TRUE(sc_caps_has_param(&caps, "Auth", "xoauth2"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "XOAUTH"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "PLAINX"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", "PLAIN XOAUTH2"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", ""));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "AUTH", NULL));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "BODY", "8BITMIME"));
	CU_ASSERT_FALSE(sc_caps_has_param(&caps, "NONE", "PLAIN"));
	CU_ASSERT_FALSE(sc_caps_has_param(NULL, "AUTH", "PLAIN"));
	CU_ASSERT_PTR_NULL(sc_caps_find(NULL, "AUTH"));
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, NULL));
}

/* test_reparse_resets - a second parse replaces the first */
static void test_reparse_resets(void)
{
	struct sc_capabilities caps;

	CU_ASSERT_EQUAL(parse_caps(L(postfix), &caps), SC_OK);
	CU_ASSERT_EQUAL(parse_caps(L("250-other\r\n250 DSN\r\n"), &caps),
			SC_OK);
	CU_ASSERT_EQUAL(caps.count, 1);
	CU_ASSERT_EQUAL(caps.malformed, 0);
	CU_ASSERT_STRING_EQUAL(caps.domain, "other");
	CU_ASSERT_PTR_NULL(sc_caps_find(&caps, "SIZE"));
}

/* test_register - add the ehlo suite */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "Postfix reply", test_postfix },
		{ "Exchange-style reply", test_exchange_style },
		{ "single line", test_single_line },
		{ "not a 250 reply", test_not_250 },
		{ "obsolete AUTH= only", test_obsolete_auth_only },
		{ "spaces collapsed", test_spaces_collapsed },
		{ "malformed lines", test_malformed_lines },
		{ "embedded NUL", test_hostile_nul },
		{ "hostile domain", test_hostile_domain },
		{ "huge lines", test_huge_lines },
		{ "clipped line", test_clipped_line },
		{ "capability bound", test_caps_bound },
		{ "600-line flood", test_600_lines },
		{ "mismatched line", test_mismatched_line },
		{ "SIZE number", test_caps_number },
		{ "parameter match", test_has_param },
		{ "re-parse resets", test_reparse_resets },
		{ NULL, NULL }
	};

	return test_add_suite("ehlo", cases);
}
