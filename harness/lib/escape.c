/*
 * escape.c - showing untrusted bytes safely.
 *
 * Everything the server under test sends is hostile until proven
 * otherwise: it may carry terminal escape sequences (ESC [ ... m, the
 * C1 CSI 0x9b), bidirectional overrides that make text read differently
 * from what it is (the "Trojan Source" trick, CVE-2021-42574), invalid
 * UTF-8 and NUL octets.  sc_escape_display turns such bytes into
 * visible \xHH forms; the format escapers (JSON, RFC 8259 section 7;
 * XML 1.0 section 2.2 "Char"; HTML) then make any input, displayable
 * or not, safe inside their format.  None of them ever writes a NUL.
 *
 * UTF-8 is decoded per RFC 3629 section 4: overlong forms, surrogates
 * (U+D800..U+DFFF) and code points above U+10FFFF are invalid.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "smtpconf/escape.h"

/* A closed range of code points. */
struct cp_range {
	uint32_t lo;
	uint32_t hi;
};

/*
 * display_unsafe - code points that are valid UTF-8 but are shown as
 * \xHH: they control terminals or reorder or hide text.
 */
static const struct cp_range display_unsafe[] = {
	{ 0x0080, 0x009f },	/* C1 controls; 0x9b is CSI to terminals */
	{ 0x061c, 0x061c },	/* ARABIC LETTER MARK, a bidi control */
	{ 0x200e, 0x200f },	/* LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK */
	{ 0x2028, 0x2029 },	/* line and paragraph separators */
	{ 0x202a, 0x202e },	/* bidi embeddings and overrides */
	{ 0x2066, 0x2069 },	/* bidi isolates */
	{ 0xfeff, 0xfeff },	/* zero width no-break space (BOM) */
};

/* display_short - the backslash forms of sc_escape_display */
static const char *const display_short[128] = {
	['\0'] = "\\0",
	['\t'] = "\\t",
	['\n'] = "\\n",
	['\r'] = "\\r",
	['\\'] = "\\\\",
};

/* json_short - RFC 8259 section 7 two-character escapes */
static const char *const json_short[128] = {
	['"'] = "\\\"",
	['\\'] = "\\\\",
	['\b'] = "\\b",
	['\f'] = "\\f",
	['\n'] = "\\n",
	['\r'] = "\\r",
	['\t'] = "\\t",
};

/* The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER. */
static const char replacement[] = "\xef\xbf\xbd";

/* utf8_decode - decode one valid sequence at s; its length, or 0 if invalid */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;	/* continuation byte, C0/C1 overlong, F5..FF */
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* sc_utf8_seq_len - length of the valid UTF-8 sequence at s (0 if invalid) */
size_t sc_utf8_seq_len(const unsigned char *s, size_t n)
{
	uint32_t cp;

	return utf8_decode(s, n, &cp);
}

/* in_ranges - is cp inside one of the ranges? */
static int in_ranges(const struct cp_range *r, size_t nr, uint32_t cp)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return 1;
	return 0;
}

/* put_hex_bytes - append each byte as \xHH (lower-case hex) */
static void put_hex_bytes(struct sc_buf *out, const unsigned char *s,
			  size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[4] = { '\\', 'x', 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		tmp[2] = hex[s[i] >> 4];
		tmp[3] = hex[s[i] & 0x0f];
		sc_buf_append(out, tmp, sizeof(tmp));
	}
}

/* display_one - show the character at s; returns the bytes it used */
static size_t display_one(struct sc_buf *out, const unsigned char *s,
			  size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80) {
		if (display_short[s[0]] != NULL)
			sc_buf_puts(out, display_short[s[0]]);
		else if (s[0] >= 0x20 && s[0] < 0x7f)
			sc_buf_putc(out, s[0]);
		else
			put_hex_bytes(out, s, 1);
		return 1;
	}
	len = utf8_decode(s, n, &cp);
	if (len == 0) {
		put_hex_bytes(out, s, 1);
		return 1;
	}
	if (in_ranges(display_unsafe, sizeof(display_unsafe) /
		      sizeof(display_unsafe[0]), cp))
		put_hex_bytes(out, s, len);
	else
		sc_buf_append(out, s, len);
	return len;
}

/*
 * sc_escape_display - append bytes as visible text: printable ASCII and
 * valid printable UTF-8 as is; \r \n \t \0 \\ and \xHH otherwise.  At most
 * clip input bytes are shown (0: no clip); a clipped tail is summarised
 * as "...[N more bytes]".
 */
void sc_escape_display(struct sc_buf *out, const char *bytes, size_t n,
		       size_t clip)
{
	const unsigned char *s = (const unsigned char *)bytes;
	size_t shown = (clip && n > clip) ? clip : n;
	size_t i = 0;
	uint32_t cp;
	size_t len;

	if (bytes == NULL)
		return;
	while (i < shown) {
		/* A character that straddles the clip is left out whole,
		 * so the summary never splits a sequence into \xHH junk. */
		len = utf8_decode(s + i, n - i, &cp);
		if (len > 1 && i + len > shown)
			break;
		i += display_one(out, s + i, n - i);
	}
	if (i < n)
		sc_buf_printf(out, "...[%zu more bytes]", n - i);
}

/* json_markup_break - does s start "</" or "<!", which could end or
 * confuse an HTML <script> block that embeds this JSON? */
static int json_markup_break(const unsigned char *s, size_t n)
{
	return n > 1 && s[0] == '<' && (s[1] == '/' || s[1] == '!');
}

/* json_one - JSON-escape the character at s; returns the bytes it used */
static size_t json_one(struct sc_buf *out, const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (json_markup_break(s, n)) {
		sc_buf_puts(out, s[1] == '/' ? "<\\/" : "\\u003c!");
		return 2;
	}
	if (s[0] < 0x80) {
		if (json_short[s[0]] != NULL)
			sc_buf_puts(out, json_short[s[0]]);
		else if (s[0] < 0x20 || s[0] == 0x7f)
			sc_buf_printf(out, "\\u%04x", s[0]);
		else
			sc_buf_putc(out, s[0]);
		return 1;
	}
	len = utf8_decode(s, n, &cp);
	if (len == 0) {
		sc_buf_puts(out, "\\ufffd");
		return 1;
	}
	/* Valid JSON, but they end a line inside a JavaScript string. */
	if (cp == 0x2028 || cp == 0x2029)
		sc_buf_printf(out, "\\u%04x", (unsigned)cp);
	else
		sc_buf_append(out, s, len);
	return len;
}

/* sc_escape_json - append as JSON string content (bad UTF-8 -> U+FFFD) */
void sc_escape_json(struct sc_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (s == NULL)
		return;
	while (i < n)
		i += json_one(out, p + i, n - i);
}

/*
 * xml_entities - XML 1.0 section 2.4 predefined entities.  TAB, LF and
 * CR are written as character references because a parser normalises
 * them to spaces inside attribute values (section 3.3.3) and CR to LF
 * in text (section 2.11).  Escaping '>' keeps "]]>" from occurring.
 */
static const char *const xml_entities[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['"'] = "&quot;", ['\''] = "&apos;",
	['\t'] = "&#9;", ['\n'] = "&#10;", ['\r'] = "&#13;",
};

/* html_entities - HTML: &apos; is not an HTML 4 entity, so '\'' is &#39; */
static const char *const html_entities[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['"'] = "&quot;", ['\''] = "&#39;",
};

/*
 * markup_char_ok - XML 1.0 "Char": #x9 | #xA | #xD | [#x20-#xD7FF] |
 * [#xE000-#xFFFD] | [#x10000-#x10FFFF].  Surrogates never get here
 * (the decoder rejects them).  HTML uses the same set.
 */
static int markup_char_ok(uint32_t cp)
{
	if (cp < 0x20)
		return cp == 0x09 || cp == 0x0a || cp == 0x0d;
	return cp != 0xfffe && cp != 0xffff;
}

/* markup_escape - shared body of the XML and HTML escapers */
static void markup_escape(struct sc_buf *out, const char *s, size_t n,
			  const char *const *entity)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	if (s == NULL)
		return;
	while (i < n) {
		len = utf8_decode(p + i, n - i, &cp);
		if (len == 0 || !markup_char_ok(cp)) {
			sc_buf_puts(out, replacement);
			i += len ? len : 1;
			continue;
		}
		if (cp < 0x80 && entity[cp] != NULL)
			sc_buf_puts(out, entity[cp]);
		else
			sc_buf_append(out, p + i, len);
		i += len;
	}
}

/* sc_escape_xml - append as XML 1.0 text or attribute value */
void sc_escape_xml(struct sc_buf *out, const char *s, size_t n)
{
	markup_escape(out, s, n, xml_entities);
}

/* sc_escape_html - append as HTML text/attribute */
void sc_escape_html(struct sc_buf *out, const char *s, size_t n)
{
	markup_escape(out, s, n, html_entities);
}

/* sc_escape_redisplay - display already-displayable text again; see escape.h */
void sc_escape_redisplay(struct sc_buf *out, const char *s, size_t n,
			 size_t clip)
{
	size_t shown = (clip && n > clip) ? clip : n;
	size_t i = 0, seg;
	const char *bs;

	while (i < shown) {
		bs = memchr(s + i, '\\', shown - i);
		seg = bs ? (size_t)(bs - (s + i)) : shown - i;
		sc_escape_display(out, s + i, seg, 0);
		i += seg;
		if (bs != NULL) {
			sc_buf_putc(out, '\\');
			i++;
		}
	}
	if (shown < n)
		sc_buf_printf(out, "...[%zu more bytes]", n - shown);
}

/* sc_escape_display_lines - display-escape line by line; see escape.h */
void sc_escape_display_lines(struct sc_buf *out, const char *bytes, size_t n,
			     const char *prefix)
{
	const char *nl;
	size_t len;

	while (n > 0) {
		nl = memchr(bytes, '\n', n);
		len = nl ? (size_t)(nl - bytes) : n;
		sc_buf_puts(out, prefix);
		sc_escape_display(out, bytes, len, 0);
		sc_buf_putc(out, '\n');
		len += nl ? 1 : 0;
		bytes += len;
		n -= len;
	}
}
