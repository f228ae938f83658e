/*
 * test_reply.c - the RFC 5321 4.2 reply parser.
 *
 * Expected values come from the RFC: the multiline example of 4.2.1,
 * the Reply-code ABNF of 4.2, the 512-octet bound of 4.5.3.1.5, CRLF
 * of 2.3.8 and the enhanced code syntax of RFC 3463 section 2.
 */
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/reply.h"

/* L - a string literal and its length (literals may hold NUL) */
#define L(s)	(s), (sizeof(s) - 1)

/* feed_one - feed len bytes at once; reply must be zeroed by the caller */
static enum sc_feed_result feed_one(const char *buf, size_t len,
				    size_t *consumed, struct sc_reply *r)
{
	struct sc_reply_parser p;
	enum sc_feed_result res;

	sc_reply_parser_init(&p);
	res = sc_reply_feed(&p, buf, len, consumed, r);
	sc_reply_parser_free(&p);
	return res;
}

/* parse_done - parse a buffer that holds exactly one complete reply */
static void parse_done(const char *buf, size_t len, struct sc_reply *r)
{
	size_t consumed = 0;

	memset(r, 0, sizeof(*r));
	CU_ASSERT_EQUAL_FATAL(feed_one(buf, len, &consumed, r), SC_FEED_DONE);
	CU_ASSERT_EQUAL(consumed, len);
}

/* text_is - line i's text equals want */
static int text_is(const struct sc_reply *r, size_t i, const char *want,
		   size_t wlen)
{
	size_t len;
	const char *t = sc_reply_text(r, i, &len);

	return t != NULL && len == wlen && memcmp(t, want, len) == 0;
}

/* same_reply - two replies hold the same bytes, lines and findings */
static int same_reply(const struct sc_reply *a, const struct sc_reply *b)
{
	size_t i;

	if (a->code != b->code || a->violations != b->violations ||
	    strcmp(a->enhanced, b->enhanced) != 0 ||
	    a->raw_len != b->raw_len || a->wire_len != b->wire_len ||
	    a->nlines != b->nlines)
		return 0;
	if (a->raw_len && memcmp(a->raw, b->raw, a->raw_len) != 0)
		return 0;
	for (i = 0; i < a->nlines; i++)
		if (a->lines[i].off != b->lines[i].off ||
		    a->lines[i].len != b->lines[i].len ||
		    a->lines[i].full_len != b->lines[i].full_len ||
		    a->lines[i].code != b->lines[i].code ||
		    a->lines[i].sep != b->lines[i].sep)
			return 0;
	return 1;
}

/*
 * feed_chunked - feed buf in chunks of the sizes given (cycling), and
 * collect up to max replies; returns how many replies ended (DONE or
 * ERROR).  Each call must consume the whole chunk unless it ended a
 * reply, which is what pipelining depends on.
 */
static size_t feed_chunked(const char *buf, size_t len, const size_t *sizes,
			   size_t nsizes, struct sc_reply *out, size_t max,
			   enum sc_feed_result *res)
{
	struct sc_reply_parser p;
	size_t pos = 0, k = 0, n = 0, chunk, used;
	enum sc_feed_result rc;

	sc_reply_parser_init(&p);
	while (pos < len && n < max) {
		chunk = sizes[k++ % nsizes];
		if (chunk > len - pos)
			chunk = len - pos;
		memset(&out[n], 0, sizeof(out[n]));
		rc = sc_reply_feed(&p, buf + pos, chunk, &used, &out[n]);
		CU_ASSERT(used <= chunk);
		pos += used;
		if (rc == SC_FEED_NEED_MORE) {
			CU_ASSERT_EQUAL(used, chunk);
			continue;
		}
		CU_ASSERT(used >= 1);
		res[n++] = rc;
	}
	sc_reply_parser_free(&p);
	return n;
}

/* free_all - release n replies */
static void free_all(struct sc_reply *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sc_reply_free(&r[i]);
}

/* test_single_line - "250 OK" is one line, code 250, text "OK" */
static void test_single_line(void)
{
	struct sc_reply r;

	parse_done(L("250 OK\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT_EQUAL(r.nlines, 1);
	CU_ASSERT_EQUAL(r.wire_len, 8);
	CU_ASSERT_EQUAL(r.lines[0].sep, ' ');
	CU_ASSERT_EQUAL(r.lines[0].len, 6);
	CU_ASSERT_EQUAL(r.lines[0].full_len, 8);
	CU_ASSERT_EQUAL(r.lines[0].code, 250);
	CU_ASSERT(text_is(&r, 0, L("OK")));
	CU_ASSERT_STRING_EQUAL(r.enhanced, "");
	sc_reply_free(&r);
}

/* test_rfc_multiline_example - the example of RFC 5321 4.2.1 */
static void test_rfc_multiline_example(void)
{
	struct sc_reply r;

	parse_done(L("250-First line\r\n"
		     "250-Second line\r\n"
		     "250-234 Text beginning with numbers\r\n"
		     "250 The last line\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT_EQUAL_FATAL(r.nlines, 4);
	CU_ASSERT(text_is(&r, 0, L("First line")));
	CU_ASSERT(text_is(&r, 1, L("Second line")));
	CU_ASSERT(text_is(&r, 2, L("234 Text beginning with numbers")));
	CU_ASSERT(text_is(&r, 3, L("The last line")));
	CU_ASSERT_EQUAL(r.lines[0].sep, '-');
	CU_ASSERT_EQUAL(r.lines[2].sep, '-');
	CU_ASSERT_EQUAL(r.lines[3].sep, ' ');
	CU_ASSERT_PTR_NULL(sc_reply_text(&r, 4, NULL));
	sc_reply_free(&r);
}

/* test_code_only - 4.2: the code alone, with or without SP, is accepted */
static void test_code_only(void)
{
	struct sc_reply r;

	parse_done(L("250\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT_EQUAL(r.lines[0].sep, 0);
	CU_ASSERT(text_is(&r, 0, L("")));
	sc_reply_free(&r);

	/* RFC 4954 4: an empty challenge is "334 " */
	parse_done(L("334 \r\n"), &r);
	CU_ASSERT_EQUAL(r.code, 334);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT_EQUAL(r.lines[0].sep, ' ');
	CU_ASSERT(text_is(&r, 0, L("")));
	sc_reply_free(&r);

	/* A continued line may also stop right after the hyphen. */
	parse_done(L("250-\r\n250 end\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT_EQUAL(r.nlines, 2);
	sc_reply_free(&r);
}

/* test_parse_code - Reply-code = %x32-35 %x30-35 %x30-39 */
static void test_parse_code(void)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "220", 220 }, { "200", 200 }, { "559", 559 },
		{ "354", 354 }, { "421", 421 }, { "250x", 250 },
		{ "199", -1 }, { "600", -1 }, { "260", -1 }, { "099", -1 },
		{ "25", -1 }, { "", -1 }, { "2a0", -1 }, { "25a", -1 },
		{ " 250", -1 }, { "-25", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(sc_reply_parse_code(cases[i].s,
						    strlen(cases[i].s)),
				cases[i].want);
	CU_ASSERT_EQUAL(sc_reply_parse_code(NULL, 3), -1);
	/* Only len bytes count: "25" of "250" is no code. */
	CU_ASSERT_EQUAL(sc_reply_parse_code("250", 2), -1);
}

/* test_garbage_line - no code: the reply ends, code -1, BAD_CODE */
static void test_garbage_line(void)
{
	struct sc_reply r;

	parse_done(L("hello\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, -1);
	CU_ASSERT(r.violations & SC_RV_BAD_CODE);
	CU_ASSERT_EQUAL(r.lines[0].code, -1);
	/* The whole line is text, so it can be shown. */
	CU_ASSERT(text_is(&r, 0, L("hello")));
	sc_reply_free(&r);

	parse_done(L("\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, -1);
	CU_ASSERT(r.violations & SC_RV_BAD_CODE);
	sc_reply_free(&r);

	/* Out-of-range first or second digit is not a Reply-code. */
	parse_done(L("199 nope\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, -1);
	CU_ASSERT(r.violations & SC_RV_BAD_CODE);
	sc_reply_free(&r);
	parse_done(L("260 nope\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, -1);
	sc_reply_free(&r);

	/* Garbage in the middle of a multiline reply ends it there. */
	parse_done(L("250-a\r\nhello\r\n"), &r);
	CU_ASSERT_EQUAL(r.nlines, 2);
	CU_ASSERT_EQUAL(r.code, -1);
	CU_ASSERT(r.violations & SC_RV_BAD_CODE);
	CU_ASSERT_FALSE(r.violations & SC_RV_CODE_MISMATCH);
	sc_reply_free(&r);
}

/* test_bad_separator - the 4th octet must be SP, "-" or the line end */
static void test_bad_separator(void)
{
	struct sc_reply r;

	parse_done(L("250x\r\n"), &r);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT(r.violations & SC_RV_BAD_SEPARATOR);
	CU_ASSERT_EQUAL(r.lines[0].sep, 'x');
	/* The text keeps the odd octet visible. */
	CU_ASSERT(text_is(&r, 0, L("x")));
	sc_reply_free(&r);

	/* Not a continuation: the reply ends at that line. */
	parse_done(L("250_more\r\n"), &r);
	CU_ASSERT_EQUAL(r.nlines, 1);
	CU_ASSERT(r.violations & SC_RV_BAD_SEPARATOR);
	sc_reply_free(&r);

	parse_done(L("250\tx\r\n"), &r);
	CU_ASSERT(r.violations & SC_RV_BAD_SEPARATOR);
	sc_reply_free(&r);
}

/* test_code_mismatch - 4.2.1: every line of a reply has the same code */
static void test_code_mismatch(void)
{
	struct sc_reply r;

	parse_done(L("250-a\r\n251 b\r\n"), &r);
	CU_ASSERT(r.violations & SC_RV_CODE_MISMATCH);
	/* The last line decides the reply's code. */
	CU_ASSERT_EQUAL(r.code, 251);
	CU_ASSERT_EQUAL(r.lines[0].code, 250);
	sc_reply_free(&r);

	parse_done(L("550-a\r\n450-b\r\n550 c\r\n"), &r);
	CU_ASSERT(r.violations & SC_RV_CODE_MISMATCH);
	CU_ASSERT_EQUAL(r.code, 550);
	sc_reply_free(&r);

	parse_done(L("220-a\r\n220-b\r\n220 c\r\n"), &r);
	CU_ASSERT_FALSE(r.violations & SC_RV_CODE_MISMATCH);
	sc_reply_free(&r);
}

/* test_bare_lf - 2.3.8: a lone LF ends the line but is flagged */
static void test_bare_lf(void)
{
	struct sc_reply r;

	parse_done(L("250 OK\n"), &r);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT_EQUAL(r.violations, SC_RV_BARE_LF);
	CU_ASSERT(text_is(&r, 0, L("OK")));
	CU_ASSERT_EQUAL(r.lines[0].full_len, 7);
	sc_reply_free(&r);

	parse_done(L("250-a\n250-b\r\n250 c\n"), &r);
	CU_ASSERT_EQUAL(r.nlines, 3);
	CU_ASSERT_EQUAL(r.violations, SC_RV_BARE_LF);
	sc_reply_free(&r);
}

/* test_bare_cr - a CR not followed by LF is data, flagged */
static void test_bare_cr(void)
{
	struct sc_reply r;

	parse_done(L("250 O\rK\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_BARE_CR);
	CU_ASSERT_EQUAL(r.nlines, 1);
	CU_ASSERT(text_is(&r, 0, L("O\rK")));
	sc_reply_free(&r);

	/* CR CR LF: the first CR is bare, the second ends the line. */
	parse_done(L("250 OK\r\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_BARE_CR);
	CU_ASSERT(text_is(&r, 0, L("OK\r")));
	CU_ASSERT_EQUAL(r.lines[0].full_len, 9);
	sc_reply_free(&r);

	/* "250\r" then "x": the bare CR sits where SP should be. */
	parse_done(L("250\rx\r\n"), &r);
	CU_ASSERT(r.violations & SC_RV_BARE_CR);
	CU_ASSERT(r.violations & SC_RV_BAD_SEPARATOR);
	sc_reply_free(&r);
}

/* test_crlf_split - CR and LF in different reads are still CRLF */
static void test_crlf_split(void)
{
	struct sc_reply_parser p;
	struct sc_reply r;
	size_t used;

	memset(&r, 0, sizeof(r));
	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, L("250 OK\r"), &used, &r),
			SC_FEED_NEED_MORE);
	CU_ASSERT_EQUAL(used, 7);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, L("\n"), &used, &r), SC_FEED_DONE);
	CU_ASSERT_EQUAL(used, 1);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT(text_is(&r, 0, L("OK")));
	sc_reply_free(&r);

	/* An empty read changes nothing. */
	CU_ASSERT_EQUAL(sc_reply_feed(&p, "", 0, &used, &r),
			SC_FEED_NEED_MORE);
	CU_ASSERT_EQUAL(used, 0);
	sc_reply_parser_free(&p);
}

/* make_line - "250 " + filler + CRLF with a total length of total octets */
static char *make_line(size_t total)
{
	char *s = malloc(total + 1);

	CU_ASSERT_FATAL(s != NULL && total >= 6);
	memcpy(s, "250 ", 4);
	memset(s + 4, 'a', total - 6);
	memcpy(s + total - 2, "\r\n", 2);
	s[total] = '\0';
	return s;
}

/* test_line_length - 4.5.3.1.5: 512 octets with CRLF is the maximum */
static void test_line_length(void)
{
	struct sc_reply r;
	char *s;

	s = make_line(512);
	parse_done(s, 512, &r);
	CU_ASSERT_EQUAL(r.violations, 0);
	CU_ASSERT_EQUAL(r.lines[0].full_len, 512);
	sc_reply_free(&r);
	free(s);

	s = make_line(513);
	parse_done(s, 513, &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_LINE_TOO_LONG);
	CU_ASSERT_EQUAL(r.lines[0].full_len, 513);
	sc_reply_free(&r);
	free(s);
}

/* test_long_line_clipped - at most SC_REPLY_LINE_KEEP bytes are stored */
static void test_long_line_clipped(void)
{
	struct sc_reply r;
	size_t total = SC_REPLY_LINE_KEEP * 3;
	char *s = make_line(total);

	parse_done(s, total, &r);
	CU_ASSERT_EQUAL(r.code, 250);
	CU_ASSERT(r.violations & SC_RV_LINE_TOO_LONG);
	CU_ASSERT_EQUAL(r.lines[0].len, SC_REPLY_LINE_KEEP);
	CU_ASSERT_EQUAL(r.lines[0].full_len, total);
	CU_ASSERT_EQUAL(r.wire_len, total);
	CU_ASSERT_EQUAL(r.raw_len, SC_REPLY_LINE_KEEP);
	CU_ASSERT_EQUAL(memcmp(r.raw, s, SC_REPLY_LINE_KEEP), 0);
	sc_reply_free(&r);
	free(s);
}

/* test_nul_and_non_ascii - textstring is HT / SP..~ only */
static void test_nul_and_non_ascii(void)
{
	struct sc_reply r;

	parse_done(L("250 a\0b\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_NUL);
	/* The NUL is kept: lengths, not C strings, describe lines. */
	CU_ASSERT(text_is(&r, 0, L("a\0b")));
	sc_reply_free(&r);

	parse_done(L("250 caf\xc3\xa9\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_NON_ASCII);
	sc_reply_free(&r);

	/* Controls are their own breach: SMTPUTF8 does not allow them. */
	parse_done(L("250 bell\x07\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_CONTROL);
	sc_reply_free(&r);

	parse_done(L("250 del\x7f\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_CONTROL);
	sc_reply_free(&r);

	parse_done(L("250 \x1b[2J\x1b]52;c;eA==\x07\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_CONTROL);
	sc_reply_free(&r);

	parse_done(L("250 \xc2\x9b""31m\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, SC_RV_NON_ASCII);
	sc_reply_free(&r);

	/* HT and the printable range are fine. */
	parse_done(L("250 a\tb ~!\r\n"), &r);
	CU_ASSERT_EQUAL(r.violations, 0);
	sc_reply_free(&r);
}

/* test_pipelined - two replies in one buffer: *consumed splits them */
static void test_pipelined(void)
{
	static const char buf[] = "250 OK\r\n354 Go ahead\r\n";
	struct sc_reply_parser p;
	struct sc_reply r;
	size_t used;

	memset(&r, 0, sizeof(r));
	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, buf, sizeof(buf) - 1, &used, &r),
			SC_FEED_DONE);
	CU_ASSERT_EQUAL(used, 8);
	CU_ASSERT_EQUAL(r.code, 250);
	sc_reply_free(&r);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, buf + 8, sizeof(buf) - 1 - 8, &used,
				      &r), SC_FEED_DONE);
	CU_ASSERT_EQUAL(used, sizeof(buf) - 1 - 8);
	CU_ASSERT_EQUAL(r.code, 354);
	CU_ASSERT(text_is(&r, 0, L("Go ahead")));
	sc_reply_free(&r);
	sc_reply_parser_free(&p);
}

/* test_pipelined_many - RFC 2920 style: several replies, then a partial one */
static void test_pipelined_many(void)
{
	static const char buf[] = "250 2.1.0 Ok\r\n"
				  "250-2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
				  "550 5.1.1 <x@example.org>: unknown\r\n"
				  "354 End";
	static const size_t all[] = { sizeof(buf) };
	struct sc_reply r[4];
	enum sc_feed_result res[4];
	size_t n;

	n = feed_chunked(buf, sizeof(buf) - 1, all, 1, r, 4, res);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(res[0], SC_FEED_DONE);
	CU_ASSERT_EQUAL(r[0].code, 250);
	CU_ASSERT_STRING_EQUAL(r[0].enhanced, "2.1.0");
	CU_ASSERT_EQUAL(r[1].nlines, 2);
	CU_ASSERT_STRING_EQUAL(r[1].enhanced, "2.1.5");
	CU_ASSERT_EQUAL(r[2].code, 550);
	CU_ASSERT_STRING_EQUAL(r[2].enhanced, "5.1.1");
	free_all(r, n);
}

/*
 * The inputs the chunking tests replay: clean replies, every kind of
 * violation, and pipelined sequences.
 */
static const struct {
	const char *buf;
	size_t len;
} samples[] = {
	{ L("250 OK\r\n") },
	{ L("250-First line\r\n250-Second line\r\n250 last\r\n") },
	{ L("220 mail.example.org ESMTP\r\n250 OK\r\n221 Bye\r\n") },
	{ L("hello\r\n250 OK\n250 O\rK\r\n") },
	{ L("250x\r\n250-a\r\n251 b\r\n250 a\0b\r\n") },
	{ L("550 5.1.1 No\r\n\r\n\r\n354 \r\n250\r\n") },
	{ L("250 OK\r\r\n421 4.3.2 caf\xc3\xa9\r\n") },
};

/* test_bytewise_equals_bulk - one byte at a time gives the same replies */
static void test_bytewise_equals_bulk(void)
{
	static const size_t one[] = { 1 };
	static const size_t big[] = { 1 << 20 };
	struct sc_reply a[8], b[8];
	enum sc_feed_result ra[8], rb[8];
	size_t i, j, na, nb;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		na = feed_chunked(samples[i].buf, samples[i].len, big, 1,
				  a, 8, ra);
		nb = feed_chunked(samples[i].buf, samples[i].len, one, 1,
				  b, 8, rb);
		CU_ASSERT(na >= 1);
		CU_ASSERT_EQUAL(na, nb);
		for (j = 0; j < na && j < nb; j++) {
			CU_ASSERT_EQUAL(ra[j], rb[j]);
			CU_ASSERT(same_reply(&a[j], &b[j]));
		}
		free_all(a, na);
		free_all(b, nb);
	}
}

/* test_odd_chunks_equal_bulk - uneven read sizes change nothing either */
static void test_odd_chunks_equal_bulk(void)
{
	static const size_t big[] = { 1 << 20 };
	static const size_t odd[] = { 3, 1, 7, 2, 13, 5 };
	struct sc_reply a[8], b[8];
	enum sc_feed_result ra[8], rb[8];
	size_t i, j, na, nb;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		na = feed_chunked(samples[i].buf, samples[i].len, big, 1,
				  a, 8, ra);
		nb = feed_chunked(samples[i].buf, samples[i].len, odd, 6,
				  b, 8, rb);
		CU_ASSERT_EQUAL(na, nb);
		for (j = 0; j < na && j < nb; j++)
			CU_ASSERT(same_reply(&a[j], &b[j]));
		free_all(a, na);
		free_all(b, nb);
	}
}

/* test_random_bytes - hostile noise: never crashes, chunking-invariant */
static void test_random_bytes(void)
{
	static const char alphabet[] = "2505-  \r\n\r\nx\0\xff.1";
	static const size_t big[] = { 1 << 20 };
	static const size_t odd[] = { 1, 2, 5, 64 };
	/* Every reply takes at least one byte: room for all of them. */
	static struct sc_reply a[4096], b[4096];
	static enum sc_feed_result ra[4096], rb[4096];
	unsigned long seed = 12345;
	char buf[4096];
	size_t round, i, na, nb;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245UL + 12345UL;
			buf[i] = alphabet[(seed >> 16) %
					  (sizeof(alphabet) - 1)];
		}
		na = feed_chunked(buf, sizeof(buf), big, 1, a, 4096, ra);
		nb = feed_chunked(buf, sizeof(buf), odd, 4, b, 4096, rb);
		CU_ASSERT_EQUAL(na, nb);
		for (i = 0; i < na && i < nb; i++) {
			CU_ASSERT(same_reply(&a[i], &b[i]));
			CU_ASSERT(a[i].nlines >= 1);
			CU_ASSERT(a[i].nlines <= SC_REPLY_MAX_LINES + 1);
		}
		free_all(a, na);
		free_all(b, nb);
	}
}

/* lines_buffer - n copies of line, then final (may be NULL) */
static char *lines_buffer(size_t n, const char *line, const char *final,
			  size_t *len)
{
	size_t ll = strlen(line), fl = final ? strlen(final) : 0, i;
	char *s = malloc(n * ll + fl + 1);

	CU_ASSERT_FATAL(s != NULL);
	for (i = 0; i < n; i++)
		memcpy(s + i * ll, line, ll);
	if (fl)
		memcpy(s + n * ll, final, fl);
	*len = n * ll + fl;
	s[*len] = '\0';
	return s;
}

/* test_max_lines_ok - SC_REPLY_MAX_LINES lines is still one reply */
static void test_max_lines_ok(void)
{
	struct sc_reply r;
	size_t len;
	char *s = lines_buffer(SC_REPLY_MAX_LINES - 1, "250-x\r\n",
			       "250 end\r\n", &len);

	parse_done(s, len, &r);
	CU_ASSERT_EQUAL(r.nlines, SC_REPLY_MAX_LINES);
	CU_ASSERT_EQUAL(r.violations, 0);
	sc_reply_free(&r);
	free(s);
}

/* test_flood_lines - more lines than the bound: ERROR, FLOOD, then reset */
static void test_flood_lines(void)
{
	struct sc_reply_parser p;
	struct sc_reply r;
	size_t len, used;
	char *s = lines_buffer(600, "250-x\r\n", "250 end\r\n", &len);

	memset(&r, 0, sizeof(r));
	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, s, len, &used, &r), SC_FEED_ERROR);
	CU_ASSERT(r.violations & SC_RV_FLOOD);
	CU_ASSERT_EQUAL(r.nlines, SC_REPLY_MAX_LINES);
	/* It stopped right after the last line it could hold. */
	CU_ASSERT_EQUAL(used, SC_REPLY_MAX_LINES * 7);
	CU_ASSERT_EQUAL(r.wire_len, used);
	CU_ASSERT_EQUAL(r.code, 250);
	sc_reply_free(&r);
	/* The parser was reset: a fresh reply parses cleanly. */
	CU_ASSERT_EQUAL(sc_reply_feed(&p, L("221 bye\r\n"), &used, &r),
			SC_FEED_DONE);
	CU_ASSERT_EQUAL(r.code, 221);
	CU_ASSERT_EQUAL(r.nlines, 1);
	CU_ASSERT_EQUAL(r.violations, 0);
	sc_reply_free(&r);
	sc_reply_parser_free(&p);
	free(s);
}

/* test_flood_bytes - more bytes than the bound, in few long lines */
static void test_flood_bytes(void)
{
	struct sc_reply r;
	size_t len, used, n = SC_REPLY_MAX_BYTES / 4000 + 2, i;
	char *s = malloc(n * 4000);

	CU_ASSERT_FATAL(s != NULL);
	for (i = 0; i < n; i++) {
		memset(s + i * 4000, 'y', 4000);
		memcpy(s + i * 4000, "250-", 4);
		memcpy(s + i * 4000 + 3998, "\r\n", 2);
	}
	len = n * 4000;
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(feed_one(s, len, &used, &r), SC_FEED_ERROR);
	CU_ASSERT(r.violations & SC_RV_FLOOD);
	CU_ASSERT(r.violations & SC_RV_LINE_TOO_LONG);
	CU_ASSERT_EQUAL(used, SC_REPLY_MAX_BYTES);
	CU_ASSERT_EQUAL(r.wire_len, SC_REPLY_MAX_BYTES);
	/* Stored bytes stay bounded by the per-line keep. */
	CU_ASSERT(r.raw_len <= r.nlines * SC_REPLY_LINE_KEEP);
	CU_ASSERT(r.nlines < SC_REPLY_MAX_LINES);
	sc_reply_free(&r);
	free(s);
}

/* test_flood_endless_line - no LF ever: stops at the byte bound */
static void test_flood_endless_line(void)
{
	struct sc_reply_parser p;
	struct sc_reply r;
	char chunk[1000];
	size_t used, total = 0;
	enum sc_feed_result res = SC_FEED_NEED_MORE;

	memset(chunk, 'z', sizeof(chunk));
	memcpy(chunk, "250 ", 4);
	memset(&r, 0, sizeof(r));
	sc_reply_parser_init(&p);
	while (res == SC_FEED_NEED_MORE && total < 2 * SC_REPLY_MAX_BYTES) {
		res = sc_reply_feed(&p, chunk, sizeof(chunk), &used, &r);
		total += used;
		chunk[0] = 'z';
	}
	CU_ASSERT_EQUAL(res, SC_FEED_ERROR);
	CU_ASSERT_EQUAL(total, SC_REPLY_MAX_BYTES);
	CU_ASSERT(r.violations & SC_RV_FLOOD);
	CU_ASSERT(r.violations & SC_RV_LINE_TOO_LONG);
	/* The unfinished line is kept (clipped) for display. */
	CU_ASSERT_EQUAL(r.nlines, 1);
	CU_ASSERT_EQUAL(r.lines[0].len, SC_REPLY_LINE_KEEP);
	CU_ASSERT_EQUAL(r.lines[0].full_len, SC_REPLY_MAX_BYTES);
	CU_ASSERT_EQUAL(r.code, 250);
	sc_reply_free(&r);
	sc_reply_parser_free(&p);
}

/* test_enhanced_extracted - RFC 2034 4: the code prefaces the text */
static void test_enhanced_extracted(void)
{
	static const struct {
		const char *buf;
		const char *want;
	} cases[] = {
		{ "550 5.1.1 No such user\r\n", "5.1.1" },
		{ "250-2.0.0\r\n250 2.0.0 ok\r\n", "2.0.0" },
		{ "451 4.7.1 Try later\r\n", "4.7.1" },
		{ "550 5.999.999 max\r\n", "5.999.999" },
		{ "250 2.1.23 example from RFC 3463\r\n", "2.1.23" },
		{ "550 5.1.1\r\n", "5.1.1" },
		/* Not valid RFC 3463 syntax, or not at the start. */
		{ "550 5.1.1x No\r\n", "" },
		{ "550 5.01.1 leading zero\r\n", "" },
		{ "550 5.1.1000 too long\r\n", "" },
		{ "550 3.1.1 class 3\r\n", "" },
		{ "550 5.1 short\r\n", "" },
		{ "550  5.1.1 two spaces\r\n", "" },
		{ "550 User 5.1.1\r\n", "" },
		{ "550 5.1.1\t tab\r\n", "" },
		/* Only the first line's text counts. */
		{ "250-hello\r\n250 2.0.0 ok\r\n", "" },
		{ "5501 5.1.1 bad sep\r\n", "" },
		{ "garbage 5.1.1\r\n", "" },
	};
	struct sc_reply r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_done(cases[i].buf, strlen(cases[i].buf), &r);
		CU_ASSERT_STRING_EQUAL(r.enhanced, cases[i].want);
		sc_reply_free(&r);
	}
}

/* test_check_enhanced - RFC 2034 4: the class must agree with the code */
static void test_check_enhanced(void)
{
	static const struct {
		const char *buf;
		int had;
		int mismatch;
	} cases[] = {
		{ "550 5.1.1 ok\r\n", 1, 0 },
		{ "250 2.0.0 ok\r\n", 1, 0 },
		{ "421 4.3.2 ok\r\n", 1, 0 },
		{ "250 5.1.1 wrong\r\n", 1, 1 },
		{ "550 2.0.0 wrong\r\n", 1, 1 },
		{ "450 5.2.2 wrong\r\n", 1, 1 },
		/* RFC 3463 has no class 3, so a 3yz reply cannot agree. */
		{ "354 2.0.0 go\r\n", 1, 1 },
		{ "550 no code\r\n", 0, 0 },
	};
	struct sc_reply r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_done(cases[i].buf, strlen(cases[i].buf), &r);
		CU_ASSERT_FALSE(r.violations & SC_RV_ENHANCED_CLASS);
		CU_ASSERT_EQUAL(sc_reply_check_enhanced(&r), cases[i].had);
		CU_ASSERT_EQUAL(!!(r.violations & SC_RV_ENHANCED_CLASS),
				cases[i].mismatch);
		sc_reply_free(&r);
	}
	CU_ASSERT_EQUAL(sc_reply_check_enhanced(NULL), 0);
}

/* test_violation_texts - every bit has a sentence naming its RFC clause */
static void test_violation_texts(void)
{
	static const struct {
		unsigned bit;
		const char *clause;
	} bits[] = {
		{ SC_RV_BAD_CODE, "RFC 5321 4.2" },
		{ SC_RV_BAD_SEPARATOR, "RFC 5321 4.2" },
		{ SC_RV_CODE_MISMATCH, "RFC 5321 4.2.1" },
		{ SC_RV_BARE_LF, "RFC 5321 2.3.8" },
		{ SC_RV_BARE_CR, "RFC 5321 2.3.8" },
		{ SC_RV_LINE_TOO_LONG, "RFC 5321 4.5.3.1.5" },
		{ SC_RV_NUL, "RFC 5321 4.2" },
		{ SC_RV_NON_ASCII, "RFC 5321 4.2" },
		{ SC_RV_CONTROL, "RFC 5321 4.2" },
		{ SC_RV_FLOOD, "RFC 5321 4.2" },
		{ SC_RV_ENHANCED_CLASS, "RFC 2034" },
	};
	size_t i, j;
	const char *t;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		t = sc_reply_violation_text(bits[i].bit);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_PTR_NOT_NULL(strstr(t, bits[i].clause));
		for (j = 0; j < i; j++)
			CU_ASSERT(t != sc_reply_violation_text(bits[j].bit));
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(sc_reply_violation_text(
		SC_RV_LINE_TOO_LONG), "512 octets"));
	t = sc_reply_violation_text(1u << 20);
	CU_ASSERT_PTR_NOT_NULL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Unknown"));
	CU_ASSERT_PTR_NOT_NULL(sc_reply_violation_text(0));
}

/* test_free_paths - partial replies and NULL outputs do not leak */
static void test_free_paths(void)
{
	struct sc_reply_parser p;
	struct sc_reply r;
	size_t used;

	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, L("250-a\r\n250-b\r\n250 c"),
				      &used, NULL), SC_FEED_NEED_MORE);
	sc_reply_parser_free(&p);

	/* A finished reply with nowhere to go is released. */
	sc_reply_parser_init(&p);
	CU_ASSERT_EQUAL(sc_reply_feed(&p, L("250 a\r\n"), NULL, NULL),
			SC_FEED_DONE);
	sc_reply_parser_free(&p);
	sc_reply_parser_free(&p);

	memset(&r, 0, sizeof(r));
	sc_reply_free(&r);
	CU_ASSERT_EQUAL(r.code, -1);
	sc_reply_free(NULL);
	CU_ASSERT_PTR_NULL(sc_reply_text(NULL, 0, &used));
	CU_ASSERT_EQUAL(used, 0);
}

/* test_register - add the reply suite */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "single line", test_single_line },
		{ "RFC 5321 4.2.1 multiline example",
		  test_rfc_multiline_example },
		{ "code alone", test_code_only },
		{ "Reply-code ABNF", test_parse_code },
		{ "garbage line", test_garbage_line },
		{ "bad separator", test_bad_separator },
		{ "code mismatch", test_code_mismatch },
		{ "bare LF", test_bare_lf },
		{ "bare CR", test_bare_cr },
		{ "CRLF split across reads", test_crlf_split },
		{ "512-octet line bound", test_line_length },
		{ "long line clipped", test_long_line_clipped },
		{ "NUL and non-ASCII", test_nul_and_non_ascii },
		{ "pipelined pair", test_pipelined },
		{ "pipelined sequence", test_pipelined_many },
		{ "byte-at-a-time equals bulk", test_bytewise_equals_bulk },
		{ "odd chunks equal bulk", test_odd_chunks_equal_bulk },
		{ "random bytes", test_random_bytes },
		{ "max lines accepted", test_max_lines_ok },
		{ "flood by lines", test_flood_lines },
		{ "flood by bytes", test_flood_bytes },
		{ "flood by endless line", test_flood_endless_line },
		{ "enhanced code extracted", test_enhanced_extracted },
		{ "enhanced class check", test_check_enhanced },
		{ "violation texts", test_violation_texts },
		{ "free paths", test_free_paths },
		{ NULL, NULL }
	};

	return test_add_suite("reply", cases);
}
