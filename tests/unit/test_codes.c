/*
 * test_codes.c - the reply code and enhanced status code tables.
 *
 * The expected texts below were typed from the RFCs themselves:
 * RFC 5321 4.2.3 (the numeric list, parenthetical notes dropped),
 * RFC 4954 section 6, RFC 7504, and the section 3 headings of RFC 3463.
 */
#include <stdio.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/codes.h"

/* RFC 5321 4.2.3, "Reply Codes in Numeric Order" */
static const struct {
	int code;
	const char *text;
} rfc5321_codes[] = {
	{ 211, "System status, or system help reply" },
	{ 214, "Help message" },
	{ 220, "<domain> Service ready" },
	{ 221, "<domain> Service closing transmission channel" },
	{ 250, "Requested mail action okay, completed" },
	{ 251, "User not local; will forward to <forward-path>" },
	{ 252, "Cannot VRFY user, but will accept message and attempt "
	  "delivery" },
	{ 354, "Start mail input; end with <CRLF>.<CRLF>" },
	{ 421, "<domain> Service not available, closing transmission "
	  "channel" },
	{ 450, "Requested mail action not taken: mailbox unavailable" },
	{ 451, "Requested action aborted: local error in processing" },
	{ 452, "Requested action not taken: insufficient system storage" },
	{ 455, "Server unable to accommodate parameters" },
	{ 500, "Syntax error, command unrecognized" },
	{ 501, "Syntax error in parameters or arguments" },
	{ 502, "Command not implemented" },
	{ 503, "Bad sequence of commands" },
	{ 504, "Command parameter not implemented" },
	{ 550, "Requested action not taken: mailbox unavailable" },
	{ 551, "User not local; please try <forward-path>" },
	{ 552, "Requested mail action aborted: exceeded storage allocation" },
	{ 553, "Requested action not taken: mailbox name not allowed" },
	{ 554, "Transaction failed" },
	{ 555, "MAIL FROM/RCPT TO parameters not recognized or not "
	  "implemented" },
};

/* RFC 4954 section 6 (334 comes from section 4, with no fixed text) */
static const struct {
	int code;
	const char *text;
} rfc4954_codes[] = {
	{ 235, "Authentication Succeeded" },
	{ 432, "A password transition is needed" },
	{ 454, "Temporary authentication failure" },
	{ 530, "Authentication required" },
	{ 534, "Authentication mechanism is too weak" },
	{ 535, "Authentication credentials invalid" },
	{ 538, "Encryption required for requested authentication "
	  "mechanism" },
};

/* RFC 3463 section 3: every enumerated code with its heading */
static const struct {
	const char *code;
	const char *text;
	const char *section;
} rfc3463_codes[] = {
	{ "X.0.0", "Other undefined Status", "3463 3.1" },
	{ "X.1.0", "Other address status", "3463 3.2" },
	{ "X.1.1", "Bad destination mailbox address", "3463 3.2" },
	{ "X.1.2", "Bad destination system address", "3463 3.2" },
	{ "X.1.3", "Bad destination mailbox address syntax", "3463 3.2" },
	{ "X.1.4", "Destination mailbox address ambiguous", "3463 3.2" },
	{ "X.1.5", "Destination address valid", "3463 3.2" },
	{ "X.1.6", "Destination mailbox has moved, No forwarding address",
	  "3463 3.2" },
	{ "X.1.7", "Bad sender's mailbox address syntax", "3463 3.2" },
	{ "X.1.8", "Bad sender's system address", "3463 3.2" },
	{ "X.2.0", "Other or undefined mailbox status", "3463 3.3" },
	{ "X.2.1", "Mailbox disabled, not accepting messages", "3463 3.3" },
	{ "X.2.2", "Mailbox full", "3463 3.3" },
	{ "X.2.3", "Message length exceeds administrative limit",
	  "3463 3.3" },
	{ "X.2.4", "Mailing list expansion problem", "3463 3.3" },
	{ "X.3.0", "Other or undefined mail system status", "3463 3.4" },
	{ "X.3.1", "Mail system full", "3463 3.4" },
	{ "X.3.2", "System not accepting network messages", "3463 3.4" },
	{ "X.3.3", "System not capable of selected features", "3463 3.4" },
	{ "X.3.4", "Message too big for system", "3463 3.4" },
	{ "X.3.5", "System incorrectly configured", "3463 3.4" },
	{ "X.4.0", "Other or undefined network or routing status",
	  "3463 3.5" },
	{ "X.4.1", "No answer from host", "3463 3.5" },
	{ "X.4.2", "Bad connection", "3463 3.5" },
	{ "X.4.3", "Directory server failure", "3463 3.5" },
	{ "X.4.4", "Unable to route", "3463 3.5" },
	{ "X.4.5", "Mail system congestion", "3463 3.5" },
	{ "X.4.6", "Routing loop detected", "3463 3.5" },
	{ "X.4.7", "Delivery time expired", "3463 3.5" },
	{ "X.5.0", "Other or undefined protocol status", "3463 3.6" },
	{ "X.5.1", "Invalid command", "3463 3.6" },
	{ "X.5.2", "Syntax error", "3463 3.6" },
	{ "X.5.3", "Too many recipients", "3463 3.6" },
	{ "X.5.4", "Invalid command arguments", "3463 3.6" },
	{ "X.5.5", "Wrong protocol version", "3463 3.6" },
	{ "X.6.0", "Other or undefined media error", "3463 3.7" },
	{ "X.6.1", "Media not supported", "3463 3.7" },
	{ "X.6.2", "Conversion required and prohibited", "3463 3.7" },
	{ "X.6.3", "Conversion required but not supported", "3463 3.7" },
	{ "X.6.4", "Conversion with loss performed", "3463 3.7" },
	{ "X.6.5", "Conversion Failed", "3463 3.7" },
	{ "X.7.0", "Other or undefined security status", "3463 3.8" },
	{ "X.7.1", "Delivery not authorized, message refused", "3463 3.8" },
	{ "X.7.2", "Mailing list expansion prohibited", "3463 3.8" },
	{ "X.7.3", "Security conversion required but not possible",
	  "3463 3.8" },
	{ "X.7.4", "Security features not supported", "3463 3.8" },
	{ "X.7.5", "Cryptographic failure", "3463 3.8" },
	{ "X.7.6", "Cryptographic algorithm not supported", "3463 3.8" },
	{ "X.7.7", "Message integrity failure", "3463 3.8" },
};

/* RFC 4954 section 6 and RFC 5248 additions to the enhanced registry */
static const struct {
	const char *code;
	const char *text;
	const char *rfc;
} registry_codes[] = {
	{ "X.5.6", "Authentication Exchange line is too long", "4954" },
	{ "X.7.8", "Authentication credentials invalid", "4954" },
	{ "X.7.9", "Authentication mechanism is too weak", "4954" },
	{ "X.7.11", "Encryption required for requested authentication "
	  "mechanism", "4954" },
	{ "X.7.12", "A password transition is needed", "4954" },
	{ "X.7.10", "Encryption Needed", "5248" },
	{ "X.7.13", "User Account Disabled", "5248" },
	{ "X.7.14", "Trust relationship required", "5248" },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* test_rfc5321_codes - every 4.2.3 code is present with the RFC's text */
static void test_rfc5321_codes(void)
{
	const struct sc_code_info *c;
	size_t i;

	for (i = 0; i < N(rfc5321_codes); i++) {
		c = sc_code_lookup(rfc5321_codes[i].code);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(c->code, rfc5321_codes[i].code);
		CU_ASSERT_STRING_EQUAL(c->text, rfc5321_codes[i].text);
		CU_ASSERT_EQUAL(strncmp(c->rfc, "5321 4.2.3", 10), 0);
	}
}

/* test_extension_codes - AUTH (RFC 4954) and RFC 7504 codes */
static void test_extension_codes(void)
{
	const struct sc_code_info *c;
	size_t i;

	for (i = 0; i < N(rfc4954_codes); i++) {
		c = sc_code_lookup(rfc4954_codes[i].code);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_STRING_EQUAL(c->text, rfc4954_codes[i].text);
		CU_ASSERT_STRING_EQUAL(c->rfc, "4954 6");
	}
	c = sc_code_lookup(334);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->rfc, "4954 4");
	CU_ASSERT_PTR_NOT_NULL(strstr(c->text, "BASE64"));
	c = sc_code_lookup(521);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->text, "Host does not accept mail");
	CU_ASSERT_STRING_EQUAL(c->rfc, "7504");
	c = sc_code_lookup(556);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->text, "Domain does not accept mail");
	CU_ASSERT_STRING_EQUAL(c->rfc, "7504");
}

/* test_code_table_shape - sorted, unique, complete, all fields set */
static void test_code_table_shape(void)
{
	const struct sc_code_info *t;
	size_t n = 0, i;

	t = sc_code_table(&n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* 24 from RFC 5321, 8 from RFC 4954, 2 from RFC 7504. */
	CU_ASSERT_EQUAL(n, N(rfc5321_codes) + N(rfc4954_codes) + 1 + 2);
	for (i = 0; i < n; i++) {
		CU_ASSERT(t[i].code >= 200 && t[i].code <= 559);
		CU_ASSERT(t[i].text != NULL && t[i].text[0] != '\0');
		CU_ASSERT(t[i].meaning != NULL && t[i].meaning[0] != '\0');
		CU_ASSERT(t[i].rfc != NULL && t[i].rfc[0] != '\0');
		/* The meaning is our explanation, not the RFC text again. */
		CU_ASSERT(strcmp(t[i].meaning, t[i].text) != 0);
		if (i > 0)
			CU_ASSERT(t[i - 1].code < t[i].code);
		CU_ASSERT_PTR_EQUAL(sc_code_lookup(t[i].code), &t[i]);
	}
	CU_ASSERT_PTR_NOT_NULL(sc_code_table(NULL));
}

/* test_unknown_codes - codes no RFC defines are not found */
static void test_unknown_codes(void)
{
	static const int unknown[] = { -1, 0, 199, 200, 260, 299, 300, 453,
				       571, 599, 600, 999, 2500 };
	size_t i;

	for (i = 0; i < N(unknown); i++)
		CU_ASSERT_PTR_NULL(sc_code_lookup(unknown[i]));
}

/* test_meanings_contrast - 500/501/502/504/555 each say what they claim */
static void test_meanings_contrast(void)
{
	static const int family[] = { 500, 501, 502, 504, 555 };
	const struct sc_code_info *a, *b;
	size_t i, j;

	for (i = 0; i < N(family); i++)
		for (j = i + 1; j < N(family); j++) {
			a = sc_code_lookup(family[i]);
			b = sc_code_lookup(family[j]);
			CU_ASSERT_FATAL(a != NULL && b != NULL);
			CU_ASSERT(strcmp(a->meaning, b->meaning) != 0);
		}
	/* RFC 5321 4.2.4: 502 is "recognized ... but not implemented". */
	a = sc_code_lookup(502);
	CU_ASSERT_PTR_NOT_NULL(strstr(a->meaning, "recognise"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a->meaning, "500"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a->rfc, "4.2.4"));
	a = sc_code_lookup(555);
	CU_ASSERT_PTR_NOT_NULL(strstr(a->meaning, "MAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a->rfc, "4.1.1.11"));
}

/* test_class_meaning - RFC 5321 4.2.1 first and second digits */
static void test_class_meaning(void)
{
	static const struct {
		int digits;
		const char *part1;
		const char *part2;
	} cases[] = {
		{ 2, "Positive Completion", "completed" },
		{ 3, "Positive Intermediate", "more information" },
		{ 4, "Transient Negative Completion", "temporary" },
		{ 5, "Permanent Negative Completion", "not repeat" },
		{ 50, "Permanent Negative", "syntax" },
		{ 21, "Positive Completion", "information" },
		{ 42, "Transient Negative", "connections" },
		{ 55, "Permanent Negative", "mail system" },
		{ 33, "Positive Intermediate", "unspecified" },
		{ 44, "Transient Negative", "unspecified" },
	};
	static const int bad[] = { -5, 0, 1, 6, 9, 10, 19, 26, 56, 60, 250 };
	const char *m;
	size_t i;

	for (i = 0; i < N(cases); i++) {
		m = sc_code_class_meaning(cases[i].digits);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_PTR_NOT_NULL(strstr(m, cases[i].part1));
		CU_ASSERT_PTR_NOT_NULL(strstr(m, cases[i].part2));
	}
	for (i = 0; i < N(bad); i++) {
		m = sc_code_class_meaning(bad[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_PTR_NOT_NULL(strstr(m, "not a reply class"));
	}
}

/* test_enhanced_valid - RFC 3463 2: class "." 1*3digit "." 1*3digit */
static void test_enhanced_valid(void)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "2.0.0", 1 }, { "4.7.0", 1 }, { "5.1.1", 1 },
		{ "2.1.23", 1 },	/* RFC 3463 2's example */
		{ "5.999.999", 1 }, { "5.10.10", 1 }, { "5.0.0", 1 },
		{ "5.7.27", 1 },
		{ "3.0.0", 0 }, { "1.0.0", 0 }, { "6.0.0", 0 },
		{ "0.0.0", 0 }, { "X.1.1", 0 },
		{ "5.1", 0 }, { "5..1", 0 }, { "5.1.", 0 }, { ".1.1", 0 },
		{ "5.1.1 ", 0 }, { " 5.1.1", 0 }, { "5.1.1.1", 0 },
		{ "5.1000.1", 0 }, { "5.1.1000", 0 }, { "55.1.1", 0 },
		/* "MUST be expressed without leading zero digits" */
		{ "5.01.1", 0 }, { "5.1.01", 0 }, { "5.00.0", 0 },
		{ "5,1,1", 0 }, { "5.a.1", 0 }, { "", 0 }, { "5", 0 },
	};
	size_t i;

	for (i = 0; i < N(cases); i++)
		CU_ASSERT_EQUAL(sc_enhanced_valid(cases[i].s,
						  strlen(cases[i].s)),
				cases[i].want);
	/* Only len bytes are looked at. */
	CU_ASSERT_EQUAL(sc_enhanced_valid("5.1.12", 5), 1);
	CU_ASSERT_EQUAL(sc_enhanced_valid("5.1.1", 4), 0);
	CU_ASSERT_EQUAL(sc_enhanced_valid("5.1\0.1", 6), 0);
	CU_ASSERT_EQUAL(sc_enhanced_valid(NULL, 5), 0);
}

/* test_rfc3463_complete - every section 3 code, under every class */
static void test_rfc3463_complete(void)
{
	static const char classes[] = "245X";
	const struct sc_enhanced_info *e;
	char code[16];
	size_t i, k;

	for (i = 0; i < N(rfc3463_codes); i++)
		for (k = 0; k < sizeof(classes) - 1; k++) {
			snprintf(code, sizeof(code), "%c%s", classes[k],
				 rfc3463_codes[i].code + 1);
			e = sc_enhanced_lookup(code);
			CU_ASSERT_PTR_NOT_NULL_FATAL(e);
			CU_ASSERT_STRING_EQUAL(e->code, rfc3463_codes[i].code);
			CU_ASSERT_STRING_EQUAL(e->text, rfc3463_codes[i].text);
			CU_ASSERT_STRING_EQUAL(e->rfc,
					       rfc3463_codes[i].section);
		}
}

/* test_registry_additions - RFC 4954 and RFC 5248 entries */
static void test_registry_additions(void)
{
	const struct sc_enhanced_info *e;
	char code[16];
	size_t i;

	for (i = 0; i < N(registry_codes); i++) {
		snprintf(code, sizeof(code), "5%s",
			 registry_codes[i].code + 1);
		e = sc_enhanced_lookup(code);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_STRING_EQUAL(e->text, registry_codes[i].text);
		CU_ASSERT_EQUAL(strncmp(e->rfc, registry_codes[i].rfc, 4), 0);
	}
	/* RFC 4954 6 pairs its reply codes with these enhanced codes. */
	CU_ASSERT_STRING_EQUAL(sc_enhanced_lookup("5.7.8")->text,
			       sc_code_lookup(535)->text);
	CU_ASSERT_STRING_EQUAL(sc_enhanced_lookup("5.7.9")->text,
			       sc_code_lookup(534)->text);
	CU_ASSERT_STRING_EQUAL(sc_enhanced_lookup("4.7.12")->text,
			       sc_code_lookup(432)->text);
}

/* test_enhanced_unknown - bad syntax and unassigned codes are not found */
static void test_enhanced_unknown(void)
{
	static const char *const bad[] = {
		"5.9.9", "5.1.99", "5.8.0", "garbage", "", "5.01.1", "3.1.1",
		"5.1.1 ", "X.1.1000", "Y.1.1", "5.1.1.1",
		"5.1.1xxxxxxxxxxxxxx",
	};
	size_t i;

	for (i = 0; i < N(bad); i++)
		CU_ASSERT_PTR_NULL(sc_enhanced_lookup(bad[i]));
	CU_ASSERT_PTR_NULL(sc_enhanced_lookup(NULL));
	CU_ASSERT_PTR_NOT_NULL(sc_enhanced_lookup("x.1.1"));
}

/* test_enhanced_table_shape - well-formed, unique, all fields set */
static void test_enhanced_table_shape(void)
{
	const struct sc_enhanced_info *t;
	char code[16];
	size_t n = 0, i, j;

	t = sc_enhanced_table(&n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(n >= N(rfc3463_codes) + N(registry_codes));
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(t[i].code[0], 'X');
		snprintf(code, sizeof(code), "5%s", t[i].code + 1);
		CU_ASSERT(sc_enhanced_valid(code, strlen(code)));
		CU_ASSERT(t[i].text != NULL && t[i].text[0] != '\0');
		CU_ASSERT(t[i].meaning != NULL && t[i].meaning[0] != '\0');
		CU_ASSERT(t[i].rfc != NULL && t[i].rfc[0] != '\0');
		CU_ASSERT(strcmp(t[i].meaning, t[i].text) != 0);
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(t[i].code, t[j].code) != 0);
		CU_ASSERT_PTR_EQUAL(sc_enhanced_lookup(code), &t[i]);
	}
}

/* test_describe - "502 Command not implemented"; unknown codes say so */
static void test_describe(void)
{
	char out[128];
	char tiny[4];

	sc_code_describe(502, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "502 Command not implemented");
	sc_code_describe(250, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out,
			       "250 Requested mail action okay, completed");
	sc_code_describe(599, out, sizeof(out));
	CU_ASSERT_EQUAL(strncmp(out, "599 ", 4), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "not a code any RFC defines"));
	sc_code_describe(-1, out, sizeof(out));
	CU_ASSERT_EQUAL(strncmp(out, "-1 ", 3), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "no valid reply code"));
	/* Truncation stays inside the buffer and terminated. */
	memset(tiny, 'Q', sizeof(tiny));
	sc_code_describe(502, tiny, sizeof(tiny));
	CU_ASSERT_STRING_EQUAL(tiny, "502");
	memset(tiny, 'Q', sizeof(tiny));
	sc_code_describe(502, tiny, 0);
	CU_ASSERT_EQUAL(tiny[0], 'Q');
	sc_code_describe(502, NULL, 10);
}

/* test_register - add the codes suite */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "RFC 5321 4.2.3 codes and texts", test_rfc5321_codes },
		{ "RFC 4954 and RFC 7504 codes", test_extension_codes },
		{ "code table shape", test_code_table_shape },
		{ "unknown codes", test_unknown_codes },
		{ "500/501/502/504/555 meanings", test_meanings_contrast },
		{ "class meaning", test_class_meaning },
		{ "enhanced code syntax", test_enhanced_valid },
		{ "RFC 3463 section 3 complete", test_rfc3463_complete },
		{ "registry additions", test_registry_additions },
		{ "unknown enhanced codes", test_enhanced_unknown },
		{ "enhanced table shape", test_enhanced_table_shape },
		{ "describe", test_describe },
		{ NULL, NULL }
	};

	return test_add_suite("codes", cases);
}
