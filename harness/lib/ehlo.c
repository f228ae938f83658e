/*
 * ehlo.c - the capabilities a server advertises in its EHLO reply.
 *
 * RFC 5321 4.1.1.1:
 *
 *   ehlo-ok-rsp    = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
 *                    / ( "250-" Domain [ SP ehlo-greet ] CRLF
 *                    *( "250-" ehlo-line CRLF )
 *                    "250" SP ehlo-line CRLF )
 *   ehlo-line      = ehlo-keyword *( SP ehlo-param )
 *   ehlo-keyword   = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *   ehlo-param     = 1*(%d33-126)
 *
 * Parsing is lenient and counting is strict: a line that is not exactly
 * an ehlo-line counts in caps->malformed, but when its keyword is still
 * recognisable it is recorded too, so that the runner can both report
 * the flaw and test the feature.  The historic "AUTH=LOGIN PLAIN" form
 * is such a line: it is recorded under the keyword "AUTH=LOGIN", never
 * as AUTH, because it is a separate (pre-RFC 2554) advertisement.
 *
 * Everything is bounded by SC_EHLO_MAX_CAPS, SC_EHLO_KEYWORD_MAX and
 * SC_EHLO_PARAMS_MAX; lines beyond what fits are dropped, and a
 * parameter that does not fit is dropped whole rather than cut, so a
 * clipped "XOAUTH2" can never match "XOA".
 */
#include <limits.h>
#include <string.h>
#include "smtpconf/ehlo.h"
#include "smtpconf/status.h"

/* is_alnum - ALPHA / DIGIT, without the locale */
static int is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/* is_param_char - ehlo-param octet: %d33-126 */
static int is_param_char(unsigned char c)
{
	return c >= 33 && c <= 126;
}

/* to_upper - ASCII upper case, without the locale */
static char to_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* same_word - case-insensitive comparison of s[0..n) with NUL-terminated w */
static int same_word(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || to_upper(s[i]) != to_upper(w[i]))
			return 0;
	return w[n] == '\0';
}

/* token_len - bytes up to the next SP or the end */
static size_t token_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ' ')
		n++;
	return n;
}

/* domain_char_ok - Domain / address-literal octets, checked loosely */
static int domain_char_ok(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.';
}

/*
 * take_domain - first line: Domain [ SP ehlo-greet ].  Returns 1 when
 * the line is malformed.  Only the domain is kept, with any octet
 * outside %d33-126 shown as '?' so that it is safe to print.
 */
static int take_domain(struct sc_capabilities *caps, const char *text,
		       size_t len)
{
	size_t n = token_len(text, len), i, keep;
	int bad = n == 0;
	int literal = n >= 2 && text[0] == '[' && text[n - 1] == ']';

	keep = n < sizeof(caps->domain) ? n : sizeof(caps->domain) - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (!literal && !domain_char_ok(c))
			bad = 1;
		if (i < keep)
			caps->domain[i] = is_param_char(c) ? (char)c : '?';
	}
	caps->domain[keep] = '\0';
	return bad;
}

/*
 * keyword_check - is the first token a keyword we can record, and is it
 * a strict ehlo-keyword?  Returns 0 (unusable), 1 (recordable but not
 * an ehlo-keyword, e.g. "AUTH=LOGIN") or 2 (a proper ehlo-keyword).
 */
static int keyword_check(const char *s, size_t n)
{
	int strict = 1;
	size_t i;

	if (n == 0 || n >= SC_EHLO_KEYWORD_MAX ||
	    !is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_param_char(c))
			return 0;
		if (!is_alnum(c) && c != '-')
			strict = 0;
	}
	return strict ? 2 : 1;
}

/* param_append - add one parameter; 0 when it did not fit */
static int param_append(struct sc_capability *cap, size_t *used,
			const char *s, size_t n, int *bad)
{
	size_t need = n + (*used ? 1 : 0), i;

	if (*used + need >= sizeof(cap->params))
		return 0;
	if (*used)
		cap->params[(*used)++] = ' ';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_param_char(c))
			*bad = 1;
		cap->params[(*used)++] = is_param_char(c) ? (char)c : '?';
	}
	cap->params[*used] = '\0';
	return 1;
}

/*
 * take_params - the *( SP ehlo-param ) after the keyword, collapsed to
 * single spaces.  Returns 1 when they break the grammar (space runs,
 * trailing space, octets outside %d33-126).
 */
static int take_params(struct sc_capability *cap, const char *s, size_t len)
{
	size_t pos = 0, used = 0, gap, n;
	int bad = 0, room = 1;

	cap->params[0] = '\0';
	while (pos < len) {
		for (gap = 0; pos < len && s[pos] == ' '; gap++)
			pos++;
		/* One SP before each parameter, none at the end. */
		if (gap != 1 || pos == len)
			bad = 1;
		if (pos == len)
			break;
		n = token_len(s + pos, len - pos);
		if (room)
			room = param_append(cap, &used, s + pos, n, &bad);
		pos += n;
	}
	return bad;
}

/* take_capability - one ehlo-line; returns 1 when it is malformed */
static int take_capability(struct sc_capabilities *caps, const char *text,
			   size_t len)
{
	struct sc_capability *cap;
	size_t n = token_len(text, len), i;
	int kind = keyword_check(text, n);
	int bad;

	if (kind == 0)
		return 1;
	bad = kind != 2;
	/* Past the bound the line is dropped, but counted (so absence is
	 * never concluded from it) and still judged. */
	if (caps->count >= SC_EHLO_MAX_CAPS) {
		struct sc_capability scratch;

		caps->dropped++;
		return take_params(&scratch, text + n, len - n) || bad;
	}
	cap = &caps->items[caps->count++];
	for (i = 0; i < n; i++)
		cap->keyword[i] = to_upper(text[i]);
	cap->keyword[n] = '\0';
	return take_params(cap, text + n, len - n) || bad;
}

/* line_malformed - parse line i; returns 1 when it is not what 4.1.1.1 says */
static int line_malformed(const struct sc_reply *r, size_t i,
			  struct sc_capabilities *caps)
{
	const struct sc_reply_line *l = &r->lines[i];
	const char *text;
	size_t len;

	if (l->code != 250 || (l->sep != ' ' && l->sep != '-'))
		return 1;
	text = sc_reply_text(r, i, &len);
	if (text == NULL)
		return 1;
	if (i == 0)
		return take_domain(caps, text, len);
	if (l->len < SC_REPLY_LINE_KEEP)
		return take_capability(caps, text, len);
	/*
	 * The reply parser clipped this (far over-long) line, so its last
	 * token may be cut: drop it rather than record half a parameter.
	 */
	while (len > 0 && text[len - 1] != ' ')
		len--;
	take_capability(caps, text, len);
	return 1;
}

/* sc_ehlo_parse - fill caps from a 250 EHLO reply; SC_OK or SC_ERR_PROTOCOL */
int sc_ehlo_parse(const struct sc_reply *r, struct sc_capabilities *caps)
{
	size_t i;

	if (caps == NULL)
		return SC_ERR_PROTOCOL;
	memset(caps, 0, sizeof(*caps));
	/* A flooded reply is incomplete: nothing in it can be trusted. */
	if (r == NULL || r->nlines == 0 || r->lines == NULL ||
	    r->code != 250 || (r->violations & SC_RV_FLOOD))
		return SC_ERR_PROTOCOL;
	for (i = 0; i < r->nlines; i++)
		if (line_malformed(r, i, caps))
			caps->malformed++;
	caps->valid = 1;
	return SC_OK;
}

/* sc_caps_find - capability by keyword (case-insensitive), NULL when absent */
const struct sc_capability *sc_caps_find(const struct sc_capabilities *caps,
					 const char *keyword)
{
	size_t i;

	if (caps == NULL || keyword == NULL)
		return NULL;
	for (i = 0; i < caps->count && i < SC_EHLO_MAX_CAPS; i++)
		if (same_word(caps->items[i].keyword,
			      strlen(caps->items[i].keyword), keyword))
			return &caps->items[i];
	return NULL;
}

/*
 * sc_caps_number - first parameter as a number (SIZE 10240000).
 * Returns SC_OK; SC_ERR_UNSUPPORTED when the keyword is absent;
 * SC_ERR_SYNTAX when it has no parameter (RFC 1870 allows a bare SIZE:
 * the caller decides what that means); SC_ERR_PROTOCOL when the
 * parameter is not all digits; SC_ERR_LIMIT when it overflows.
 */
int sc_caps_number(const struct sc_capabilities *caps, const char *keyword,
		   long long *out)
{
	const struct sc_capability *cap = sc_caps_find(caps, keyword);
	const char *p;
	long long v = 0;
	size_t n, i;

	if (cap == NULL)
		return SC_ERR_UNSUPPORTED;
	p = cap->params;
	n = token_len(p, strlen(p));
	if (n == 0)
		return SC_ERR_SYNTAX;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return SC_ERR_PROTOCOL;
		if (v > (LLONG_MAX - (p[i] - '0')) / 10)
			return SC_ERR_LIMIT;
		v = v * 10 + (p[i] - '0');
	}
	if (out != NULL)
		*out = v;
	return SC_OK;
}

/* sc_caps_has_param - 1 when keyword is present and lists param */
int sc_caps_has_param(const struct sc_capabilities *caps, const char *keyword,
		      const char *param)
{
	const struct sc_capability *cap = sc_caps_find(caps, keyword);
	const char *p;
	size_t n;

	if (cap == NULL || param == NULL || param[0] == '\0')
		return 0;
	for (p = cap->params; *p != '\0'; p += n) {
		while (*p == ' ')
			p++;
		n = token_len(p, strlen(p));
		if (n > 0 && same_word(p, n, param))
			return 1;
	}
	return 0;
}
