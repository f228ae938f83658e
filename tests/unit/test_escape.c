/*
 * test_escape.c - the escapers against RFC 3629 (UTF-8), RFC 8259
 * section 7 (JSON strings), XML 1.0 section 2.2 (Char) and 2.4
 * (character data), and against random hostile bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/escape.h"

typedef void (*escape_fn)(struct sc_buf *, const char *, size_t);

/* display - run sc_escape_display and compare with want */
static void check_display(const char *in, size_t n, size_t clip,
			  const char *want)
{
	struct sc_buf b;

	sc_buf_init(&b, 0);
	sc_escape_display(&b, in, n, clip);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&b), want);
	CU_ASSERT_EQUAL(b.len, strlen(want));
	sc_buf_free(&b);
}

/* check_fmt - run a format escaper and compare with want */
static void check_fmt(escape_fn fn, const char *in, size_t n,
		      const char *want)
{
	struct sc_buf b;

	sc_buf_init(&b, 0);
	fn(&b, in, n);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&b), want);
	CU_ASSERT_EQUAL(b.len, strlen(want));
	sc_buf_free(&b);
}

#define DISPLAY(lit, clip, want) \
	check_display(lit, sizeof(lit) - 1, clip, want)
#define JSON(lit, want) check_fmt(sc_escape_json, lit, sizeof(lit) - 1, want)
#define XML(lit, want) check_fmt(sc_escape_xml, lit, sizeof(lit) - 1, want)
#define HTML(lit, want) check_fmt(sc_escape_html, lit, sizeof(lit) - 1, want)
#define SEQ(lit) sc_utf8_seq_len((const unsigned char *)lit, sizeof(lit) - 1)

/* RFC 3629 section 4 syntax, including its exclusions. */
static void test_utf8_seq_len(void)
{
	CU_ASSERT_EQUAL(SEQ("A"), 1);
	CU_ASSERT_EQUAL(sc_utf8_seq_len((const unsigned char *)"", 1), 1);
	CU_ASSERT_EQUAL(SEQ("\xc3\xa9"), 2);		/* U+00E9 */
	CU_ASSERT_EQUAL(SEQ("\xe2\x82\xac"), 3);	/* U+20AC */
	CU_ASSERT_EQUAL(SEQ("\xf0\x9f\x98\x80"), 4);	/* U+1F600 */
	CU_ASSERT_EQUAL(SEQ("\xf4\x8f\xbf\xbf"), 4);	/* U+10FFFF */
	CU_ASSERT_EQUAL(SEQ("\xc3\xa9zz"), 2);
	/* overlong forms of '/' and NUL */
	CU_ASSERT_EQUAL(SEQ("\xc0\xaf"), 0);
	CU_ASSERT_EQUAL(SEQ("\xc1\xbf"), 0);
	CU_ASSERT_EQUAL(SEQ("\xe0\x80\xaf"), 0);
	CU_ASSERT_EQUAL(SEQ("\xf0\x80\x80\xaf"), 0);
	CU_ASSERT_EQUAL(SEQ("\xe0\x9f\xbf"), 0);	/* overlong U+07FF */
	/* surrogates U+D800 and U+DFFF */
	CU_ASSERT_EQUAL(SEQ("\xed\xa0\x80"), 0);
	CU_ASSERT_EQUAL(SEQ("\xed\xbf\xbf"), 0);
	CU_ASSERT_EQUAL(SEQ("\xed\x9f\xbf"), 3);	/* U+D7FF is fine */
	/* above U+10FFFF, and bytes that never occur */
	CU_ASSERT_EQUAL(SEQ("\xf4\x90\x80\x80"), 0);
	CU_ASSERT_EQUAL(SEQ("\xf5\x80\x80\x80"), 0);
	CU_ASSERT_EQUAL(SEQ("\xff"), 0);
	CU_ASSERT_EQUAL(SEQ("\xfe"), 0);
	/* lone continuation, truncated and interrupted sequences */
	CU_ASSERT_EQUAL(SEQ("\x80"), 0);
	CU_ASSERT_EQUAL(SEQ("\xe2\x82"), 0);
	CU_ASSERT_EQUAL(SEQ("\xe2\x82X"), 0);
	CU_ASSERT_EQUAL(SEQ("\xf0\x9f\x98"), 0);
	CU_ASSERT_EQUAL(sc_utf8_seq_len((const unsigned char *)"\xc3\xa9", 1),
			0);
	CU_ASSERT_EQUAL(sc_utf8_seq_len((const unsigned char *)"A", 0), 0);
}

/* Printable text passes; the five named bytes get backslash forms. */
static void test_display_basic(void)
{
	DISPLAY("250 mx.example.org ESMTP", 0, "250 mx.example.org ESMTP");
	DISPLAY("a\r\nb\tc", 0, "a\\r\\nb\\tc");
	DISPLAY("a\0b", 0, "a\\0b");
	DISPLAY("C:\\dir", 0, "C:\\\\dir");
	DISPLAY("\"quoted\" 'x' <tag> &", 0, "\"quoted\" 'x' <tag> &");
	DISPLAY("", 0, "");
	check_display(NULL, 0, 0, "");
}

/* Every other control byte is \xHH, so no terminal sequence survives. */
static void test_display_controls(void)
{
	DISPLAY("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
	DISPLAY("\x7f", 0, "\\x7f");
	DISPLAY("\x01\x07\x08\x0b\x0c\x1f", 0,
		"\\x01\\x07\\x08\\x0b\\x0c\\x1f");
	DISPLAY("\x1b]0;title\x07", 0, "\\x1b]0;title\\x07");
}

/* Valid UTF-8 passes; every byte of an invalid sequence is \xHH. */
static void test_display_utf8(void)
{
	DISPLAY("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0,
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	DISPLAY("\xff\xfe", 0, "\\xff\\xfe");
	DISPLAY("\xc0\xaf", 0, "\\xc0\\xaf");
	DISPLAY("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
	DISPLAY("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	DISPLAY("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	DISPLAY("\xe2\x82" "A", 0, "\\xe2\\x82A");
	DISPLAY("\x80" "abc", 0, "\\x80abc");
}

/* Valid but dangerous code points: C1, separators, bidi controls. */
static void test_display_unsafe_codepoints(void)
{
	DISPLAY("\xc2\x85", 0, "\\xc2\\x85");		/* U+0085 NEL */
	DISPLAY("\xc2\x9b" "31m", 0, "\\xc2\\x9b31m");	/* U+009B CSI */
	DISPLAY("\xc2\x80\xc2\x9f", 0, "\\xc2\\x80\\xc2\\x9f");
	DISPLAY("\xc2\xa0", 0, "\xc2\xa0");		/* U+00A0 is fine */
	DISPLAY("\xe2\x80\xa8", 0, "\\xe2\\x80\\xa8");	/* U+2028 */
	DISPLAY("\xe2\x80\xa9", 0, "\\xe2\\x80\\xa9");	/* U+2029 */
	DISPLAY("\xe2\x80\xaa", 0, "\\xe2\\x80\\xaa");	/* U+202A */
	DISPLAY("\xe2\x80\xae", 0, "\\xe2\\x80\\xae");	/* U+202E RLO */
	DISPLAY("\xe2\x81\xa6", 0, "\\xe2\\x81\\xa6");	/* U+2066 */
	DISPLAY("\xe2\x81\xa9", 0, "\\xe2\\x81\\xa9");	/* U+2069 */
	DISPLAY("\xe2\x80\xa7", 0, "\xe2\x80\xa7");	/* U+2027 is fine */
	DISPLAY("\xe2\x81\xaa", 0, "\xe2\x81\xaa");	/* U+206A is fine */
}

/* clip bounds the input shown and reports how much was left out. */
static void test_display_clip(void)
{
	DISPLAY("abcdef", 3, "abc...[3 more bytes]");
	DISPLAY("abcdef", 6, "abcdef");
	DISPLAY("abcdef", 7, "abcdef");
	DISPLAY("abcdef", 0, "abcdef");
	DISPLAY("\r\n\r\n", 2, "\\r\\n...[2 more bytes]");
	/* a character straddling the clip is left out whole */
	DISPLAY("a\xc3\xa9z", 2, "a...[3 more bytes]");
	DISPLAY("\xe2\x82\xac", 1, "...[3 more bytes]");
	/* invalid bytes count one by one */
	DISPLAY("\xff\xff\xff", 2, "\\xff\\xff...[1 more bytes]");
}

/* RFC 8259 section 7: quote, backslash and controls are escaped. */
static void test_json(void)
{
	JSON("plain text", "plain text");
	JSON("say \"hi\"", "say \\\"hi\\\"");
	JSON("a\\b", "a\\\\b");
	JSON("\b\f\n\r\t", "\\b\\f\\n\\r\\t");
	JSON("\x01\x1f\x7f", "\\u0001\\u001f\\u007f");
	JSON("a\0b", "a\\u0000b");
	JSON("\x1b[31m", "\\u001b[31m");
	JSON("caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	JSON("", "");
}

/* Invalid UTF-8 becomes U+FFFD; HTML-embedding hazards are escaped. */
static void test_json_hazards(void)
{
	JSON("\xff\xfe", "\\ufffd\\ufffd");
	JSON("\xc0\xaf", "\\ufffd\\ufffd");
	JSON("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");
	JSON("x\xe2\x82", "x\\ufffd\\ufffd");
	JSON("</script><script>alert(1)</script>",
	     "<\\/script><script>alert(1)<\\/script>");
	JSON("<!-- x", "\\u003c!-- x");
	JSON("a < b", "a < b");
	JSON("<", "<");
	JSON("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");
}

/* XML 1.0 section 2.4: markup characters; section 2.2: legal chars. */
static void test_xml(void)
{
	XML("a & b <c> \"d\" 'e'",
	    "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;");
	XML("]]>", "]]&gt;");
	XML("<![CDATA[x]]>", "&lt;![CDATA[x]]&gt;");
	XML("a\tb\nc\rd", "a&#9;b&#10;c&#13;d");
	XML("\x01", "\xef\xbf\xbd");
	XML("a\0b", "a\xef\xbf\xbd" "b");
	XML("\x1b[31m", "\xef\xbf\xbd[31m");
	XML("\xef\xbf\xbe\xef\xbf\xbf", "\xef\xbf\xbd\xef\xbf\xbd");
	XML("\xef\xbf\xbd", "\xef\xbf\xbd");
	XML("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd");
	XML("caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	XML("\x7f", "\x7f");	/* legal in XML 1.0 */
}

/* HTML: the same, with &#39; for the apostrophe. */
static void test_html(void)
{
	HTML("<script>alert('x')</script> & \"",
	     "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;");
	HTML("\xff", "\xef\xbf\xbd");
	HTML("a\0b", "a\xef\xbf\xbd" "b");
	HTML("line\nnext", "line\nnext");
	HTML("caf\xc3\xa9", "caf\xc3\xa9");
}

/* prng - xorshift32: reproducible hostile input */
static uint32_t prng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* random_bytes - fill with bytes biased toward the interesting ones */
static void random_bytes(uint32_t *seed, char *p, size_t n)
{
	static const unsigned char pick[] = {
		0x00, 0x1b, '\r', '\n', '\\', '"', '<', '/', '!', '&', '>',
		']', '\'', 0x7f, 0x80, 0xc2, 0xc3, 0xe2, 0xed, 0xef, 0xf0,
		0xf4, 0xff, 0xa8, 0xae, 0xbf, 0x9b, 'A',
	};
	size_t i;
	uint32_t r;

	for (i = 0; i < n; i++) {
		r = prng(seed);
		if (r & 1)
			p[i] = (char)pick[(r >> 1) % sizeof(pick)];
		else
			p[i] = (char)(r >> 8);
	}
}

/* display_output_safe - only printable ASCII and safe UTF-8 */
static int display_output_safe(const struct sc_buf *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t i = 0, len;

	while (i < b->len) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		len = sc_utf8_seq_len(s + i, b->len - i);
		if (len == 0)
			return 0;
		if (s[i] == 0xc2 && s[i + 1] < 0xa0)
			return 0;	/* C1 */
		if (len == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
		    s[i + 2] >= 0xa8 && s[i + 2] <= 0xae)
			return 0;
		i += len;
	}
	return 1;
}

/* json_output_safe - nothing that ends a JSON string or an HTML script */
static int json_output_safe(const struct sc_buf *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t i = 0, len;

	while (i < b->len) {
		if (s[i] < 0x20 || s[i] == '"')
			return 0;
		if (s[i] == '\\') {
			if (i + 1 >= b->len ||
			    !strchr("\"\\/bfnrtu", s[i + 1]))
				return 0;
			i += 2;
			continue;
		}
		if (s[i] == '<' && i + 1 < b->len &&
		    (s[i + 1] == '/' || s[i + 1] == '!'))
			return 0;
		len = sc_utf8_seq_len(s + i, b->len - i);
		if (len == 0)
			return 0;
		if (len == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			return 0;
		i += len;
	}
	return 1;
}

/* markup_output_safe - no raw markup characters or illegal XML chars */
static int markup_output_safe(const struct sc_buf *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t i = 0, len;

	while (i < b->len) {
		if (strchr("<>\"'", s[i]) && s[i] != 0)
			return 0;
		if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r')
			return 0;
		if (s[i] == '&' && !memchr(s + i, ';', b->len - i))
			return 0;
		len = sc_utf8_seq_len(s + i, b->len - i);
		if (len == 0)
			return 0;
		if (len == 3 && s[i] == 0xef && s[i + 1] == 0xbf &&
		    s[i + 2] >= 0xbe)
			return 0;
		i += len;
	}
	return 1;
}

/* Random hostile input: each escaper's output keeps its promise. */
static void test_random_inputs(void)
{
	uint32_t seed = 0x5eed1234u;
	char in[97];
	struct sc_buf b;
	int round, bad_display = 0, bad_json = 0, bad_xml = 0, nul = 0;
	size_t n;

	sc_buf_init(&b, 0);
	for (round = 0; round < 20000; round++) {
		n = prng(&seed) % sizeof(in);
		random_bytes(&seed, in, n);
		sc_buf_reset(&b);
		sc_escape_display(&b, in, n, round % 3 ? 0 : 40);
		bad_display += !display_output_safe(&b);
		nul += b.len && memchr(b.data, 0, b.len) != NULL;
		sc_buf_reset(&b);
		sc_escape_json(&b, in, n);
		bad_json += !json_output_safe(&b);
		nul += b.len && memchr(b.data, 0, b.len) != NULL;
		sc_buf_reset(&b);
		sc_escape_xml(&b, in, n);
		bad_xml += !markup_output_safe(&b);
		nul += b.len && memchr(b.data, 0, b.len) != NULL;
		sc_buf_reset(&b);
		sc_escape_html(&b, in, n);
		bad_xml += !markup_output_safe(&b);
		nul += b.len && memchr(b.data, 0, b.len) != NULL;
	}
	sc_buf_free(&b);
	CU_ASSERT_EQUAL(bad_display, 0);
	CU_ASSERT_EQUAL(bad_json, 0);
	CU_ASSERT_EQUAL(bad_xml, 0);
	CU_ASSERT_EQUAL(nul, 0);
}

/* Display output is a fixed point of the format escapers' safety:
 * escaping it again for JSON needs no \ufffd (it is valid UTF-8). */
static void test_display_then_json(void)
{
	static const char in[] = "250-\xff\x1b[2J\xe2\x80\xae" "evil\r\n";
	struct sc_buf d, j;

	sc_buf_init(&d, 0);
	sc_buf_init(&j, 0);
	sc_escape_display(&d, in, sizeof(in) - 1, 0);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&d),
			       "250-\\xff\\x1b[2J\\xe2\\x80\\xaeevil\\r\\n");
	sc_escape_json(&j, d.data, d.len);
	CU_ASSERT_PTR_NULL(strstr(sc_buf_cstr(&j), "\\ufffd"));
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&j),
		"250-\\\\xff\\\\x1b[2J\\\\xe2\\\\x80\\\\xaeevil\\\\r\\\\n");
	sc_buf_free(&d);
	sc_buf_free(&j);
}

/* A capped buffer stops the output instead of growing past the cap. */
static void test_bounded_buffer(void)
{
	struct sc_buf b;
	char big[1000];

	memset(big, 0x1b, sizeof(big));
	sc_buf_init(&b, 64);
	sc_escape_display(&b, big, sizeof(big), 0);
	CU_ASSERT_EQUAL(b.len, 64);
	CU_ASSERT(b.truncated);
	sc_buf_free(&b);
}

static const struct test_case cases[] = {
	{ "utf8_seq_len", test_utf8_seq_len },
	{ "display_basic", test_display_basic },
	{ "display_controls", test_display_controls },
	{ "display_utf8", test_display_utf8 },
	{ "display_unsafe_codepoints", test_display_unsafe_codepoints },
	{ "display_clip", test_display_clip },
	{ "json", test_json },
	{ "json_hazards", test_json_hazards },
	{ "xml", test_xml },
	{ "html", test_html },
	{ "random_inputs", test_random_inputs },
	{ "display_then_json", test_display_then_json },
	{ "bounded_buffer", test_bounded_buffer },
	{ NULL, NULL }
};

/* test_register - add the escape suite */
int test_register(void)
{
	return test_add_suite("escape", cases);
}
