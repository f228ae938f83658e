/*
 * mock_path.c - RFC 5321 4.1.2 syntax for the mock: the arguments of
 * MAIL and RCPT, and the domain of HELO/EHLO.
 *
 * The mock is strict on purpose: it is the reference a conformance
 * check is measured against.  "MAIL FROM: <a@b>" is refused because
 * RFC 5321 3.3 says "spaces are not permitted on either side of the
 * colon"; an address without angle brackets is refused because Path
 * requires them.  Lengths follow RFC 5321 4.5.3.1.1-3.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include "mock.h"

/* A read position inside one argument. */
struct cursor {
	const char *p;
	size_t len;
	size_t i;
	int utf8;	/* RFC 6531 3.3: UTF-8 in atext and sub-domains */
};

static int path_domain(struct cursor *c);
static int path_address_literal(struct cursor *c);

/* cur_peek - the next byte, or -1 at the end */
static int cur_peek(const struct cursor *c)
{
	return c->i < c->len ? (unsigned char)c->p[c->i] : -1;
}

/* cur_eat - consume ch when it is next; 1 when consumed */
static int cur_eat(struct cursor *c, int ch)
{
	if (cur_peek(c) != ch)
		return 0;
	c->i++;
	return 1;
}

/* is_atext - RFC 5322 atext, as RFC 5321 4.1.2 Atom uses it */
static int is_atext(int ch)
{
	return ch > 0 && ch < 128 &&
	    (isalnum(ch) || strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL);
}

/* is_letdig - RFC 5321 Let-dig */
static int is_letdig(int ch)
{
	return ch > 0 && ch < 128 && isalnum(ch);
}

/* is_letdig_in - Let-dig, or a UTF-8 octet where RFC 6531 allows it */
static int is_letdig_in(const struct cursor *c, int ch)
{
	return is_letdig(ch) || (c->utf8 && ch >= 128);
}

/* path_subdomain - sub-domain = Let-dig [Ldh-str]; -1 when malformed */
static int path_subdomain(struct cursor *c)
{
	int last;

	if (!is_letdig_in(c, cur_peek(c)))
		return -1;
	last = cur_peek(c);
	c->i++;
	while (is_letdig_in(c, cur_peek(c)) || cur_peek(c) == '-')
		last = (unsigned char)c->p[c->i++];
	/* Ldh-str ends in Let-dig: no hyphen at the end of a label. */
	return last == '-' ? -1 : 0;
}

/* path_domain - Domain = sub-domain *("." sub-domain) */
static int path_domain(struct cursor *c)
{
	size_t start = c->i;

	if (path_subdomain(c) < 0)
		return -1;
	while (cur_peek(c) == '.') {
		c->i++;
		if (path_subdomain(c) < 0)
			return -1;
	}
	return c->i - start > MOCK_DOMAIN_MAX ? -1 : 0;
}

/* literal_general - Standardized-tag ":" 1*dcontent (RFC 5321 4.1.3) */
static int literal_general(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (is_letdig((unsigned char)s[i]) || s[i] == '-'))
		i++;
	if (i == 0 || i >= len || s[i] != ':' || s[i - 1] == '-')
		return -1;
	if (++i >= len)
		return -1;
	for (; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		/* dcontent = %d33-90 / %d94-126 */
		if (ch < 33 || ch > 126 || (ch >= 91 && ch <= 93))
			return -1;
	}
	return 0;
}

/* literal_valid - the inside of "[...]": IPv4, IPv6: or general */
static int literal_valid(const char *s, size_t len)
{
	char tmp[64];
	unsigned char addr[16];

	if (len == 0 || len >= sizeof(tmp))
		return literal_general(s, len);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (isdigit((unsigned char)tmp[0]))
		return inet_pton(AF_INET, tmp, addr) == 1 ? 0 : -1;
	if (len > 5 && strncasecmp(tmp, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, tmp + 5, addr) == 1 ? 0 : -1;
	return literal_general(s, len);
}

/* path_address_literal - "[" ... "]" */
static int path_address_literal(struct cursor *c)
{
	size_t start;

	if (!cur_eat(c, '['))
		return -1;
	start = c->i;
	while (c->i < c->len && c->p[c->i] != ']')
		c->i++;
	if (!cur_eat(c, ']'))
		return -1;
	return literal_valid(c->p + start, c->i - 1 - start);
}

/* is_atext_in - atext, or (RFC 6531 3.3, atext =/ UTF8-non-ascii) UTF-8 */
static int is_atext_in(const struct cursor *c, int ch)
{
	return is_atext(ch) || (c->utf8 && ch >= 128);
}

/* path_dot_string - Dot-string = Atom *("." Atom) */
static int path_dot_string(struct cursor *c)
{
	do {
		if (!is_atext_in(c, cur_peek(c)))
			return -1;
		while (is_atext_in(c, cur_peek(c)))
			c->i++;
	} while (cur_eat(c, '.'));
	return 0;
}

/* path_quoted_string - DQUOTE *QcontentSMTP DQUOTE */
static int path_quoted_string(struct cursor *c)
{
	int ch;

	if (!cur_eat(c, '"'))
		return -1;
	while ((ch = cur_peek(c)) != '"') {
		if (ch < 32 || ch > 126)
			return -1;	/* also the end of input */
		c->i++;
		/* quoted-pairSMTP = %d92 %d32-126 */
		if (ch == '\\') {
			ch = cur_peek(c);
			if (ch < 32 || ch > 126)
				return -1;
			c->i++;
		}
	}
	c->i++;
	return 0;
}

/* path_mailbox - Local-part "@" ( Domain / address-literal ) */
static int path_mailbox(struct cursor *c, struct mock_path *p)
{
	size_t start = c->i;
	size_t llen;
	int rc;

	rc = cur_peek(c) == '"' ? path_quoted_string(c) : path_dot_string(c);
	llen = c->i - start;
	if (rc < 0 || llen > MOCK_LOCAL_MAX)
		return -1;
	memcpy(p->local, c->p + start, llen);
	p->local[llen] = '\0';
	if (!cur_eat(c, '@'))
		return -1;
	return cur_peek(c) == '[' ? path_address_literal(c) : path_domain(c);
}

/* path_adl - A-d-l ":" , the obsolete source route (RFC 5321 4.1.2) */
static int path_adl(struct cursor *c)
{
	do {
		if (!cur_eat(c, '@') || path_domain(c) < 0)
			return -1;
	} while (cur_eat(c, ','));
	return cur_eat(c, ':') ? 0 : -1;
}

/* path_angle - "<" [A-d-l ":"] Mailbox ">" or "<>" after the colon */
static enum mock_path_status path_angle(struct cursor *c, int mail,
					struct mock_path *p)
{
	size_t start = c->i, i;

	if (!cur_eat(c, '<'))
		return MOCK_PATH_SYNTAX;
	if (cur_eat(c, '>')) {
		p->null_path = 1;
		return MOCK_PATH_OK;
	}
	/* RFC 5321 4.1.1.3: RCPT TO:<Postmaster> needs no domain. */
	if (!mail && c->len - c->i >= 11 &&
	    strncasecmp(c->p + c->i, "Postmaster>", 11) == 0) {
		c->i += 11;
		p->postmaster = 1;
		memcpy(p->local, "Postmaster", 11);
		return MOCK_PATH_OK;
	}
	if (cur_peek(c) == '@' && path_adl(c) < 0)
		return MOCK_PATH_ADDRESS;
	if (path_mailbox(c, p) < 0 || !cur_eat(c, '>'))
		return MOCK_PATH_ADDRESS;
	for (i = start; i < c->i; i++)
		if ((unsigned char)c->p[i] >= 128)
			p->nonascii = 1;
	return c->i - start > MOCK_PATH_MAX ? MOCK_PATH_ADDRESS : MOCK_PATH_OK;
}

/* param_size - SIZE=1*20DIGIT (RFC 1870 3); huge values saturate */
static int param_size(const char *v, size_t len, struct mock_path *p)
{
	long long n = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		if (n > (LLONG_MAX - 9) / 10)
			n = LLONG_MAX;
		else
			n = n * 10 + (v[i] - '0');
	}
	p->size = n;
	return 0;
}

/* value_is - the value is word, in any case */
static int value_is(const char *v, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(v, word, len) == 0;
}

/* param_body - BODY=7BIT / 8BITMIME (RFC 6152 2), BINARYMIME (RFC 3030 3) */
static int param_body(const char *v, size_t len, struct mock_path *p)
{
	if (value_is(v, len, "BINARYMIME")) {
		p->binary = 1;
		p->exts |= 1U << MX_BINARYMIME;
		return 0;
	}
	return value_is(v, len, "7BIT") || value_is(v, len, "8BITMIME") ?
	    0 : -1;
}

/* param_none - a parameter that takes no value (SMTPUTF8, RFC 6531 3.4) */
static int param_none(const char *v, size_t len, struct mock_path *p)
{
	p->utf8 = 1;
	return v == NULL ? 0 : -1;
}

/* param_ret - RET=FULL / HDRS (RFC 3461 4.3) */
static int param_ret(const char *v, size_t len, struct mock_path *p)
{
	return value_is(v, len, "FULL") || value_is(v, len, "HDRS") ? 0 : -1;
}

/* param_xtext - xtext (RFC 3461 4): xchar or "+" HEXDIG HEXDIG */
static int param_xtext(const char *v, size_t len, struct mock_path *p)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (v[i] != '+')
			continue;
		if (i + 2 >= len || !isxdigit((unsigned char)v[i + 1]) ||
		    !isxdigit((unsigned char)v[i + 2]))
			return -1;
		i += 2;
	}
	return len > 0 ? 0 : -1;
}

/* param_notify - NOTIFY=NEVER or a list of SUCCESS, FAILURE, DELAY */
static int param_notify(const char *v, size_t len, struct mock_path *p)
{
	static const char *const words[] = {"SUCCESS", "FAILURE", "DELAY"};
	size_t i = 0, w, n;

	if (value_is(v, len, "NEVER"))
		return 0;
	while (i < len) {
		for (n = 0; i + n < len && v[i + n] != ','; n++)
			;
		for (w = 0; w < 3 && !value_is(v + i, n, words[w]); w++)
			;
		if (w == 3)
			return -1;
		i += n + 1;
	}
	return len > 0 && v[len - 1] != ',' ? 0 : -1;
}

/* param_orcpt - ORCPT=addr-type ";" xtext (RFC 3461 4.2) */
static int param_orcpt(const char *v, size_t len, struct mock_path *p)
{
	const char *semi = memchr(v, ';', len);

	if (semi == NULL || semi == v)
		return -1;
	return param_xtext(semi + 1, len - (size_t)(semi + 1 - v), p);
}

/*
 * The parameters the mock knows, each with the extension that defines
 * it: RFC 1870 (SIZE), 6152 (BODY), 6531 (SMTPUTF8), 3461 (RET, ENVID,
 * NOTIFY, ORCPT), 4954 (AUTH).  A parameter of an extension that is
 * not advertised is refused by the session (RFC 5321 4.1.1.11).
 */
static const struct param_def {
	const char *kw;
	int mail;		/* 1 MAIL, 0 RCPT */
	int value;		/* 1 needs "=value", 0 takes none */
	enum mock_ext ext;
	int (*check)(const char *v, size_t len, struct mock_path *p);
} param_table[] = {
	{"SIZE", 1, 1, MX_SIZE, param_size},
	{"BODY", 1, 1, MX_8BITMIME, param_body},
	{"SMTPUTF8", 1, 0, MX_SMTPUTF8, param_none},
	{"RET", 1, 1, MX_DSN, param_ret},
	{"ENVID", 1, 1, MX_DSN, param_xtext},
	{"AUTH", 1, 1, MX_AUTH, param_xtext},
	{"NOTIFY", 0, 1, MX_DSN, param_notify},
	{"ORCPT", 0, 1, MX_DSN, param_orcpt},
};

#define PARAM_COUNT	(sizeof(param_table) / sizeof(param_table[0]))

/* param_known - check a known parameter once; -1 when malformed */
static int param_known(size_t k, const char *v, size_t vlen, int has_value,
		       struct mock_path *p, unsigned *seen)
{
	const struct param_def *d = &param_table[k];

	/* RFC 1870 6, RFC 6152 3: only one of each in a command. */
	if (*seen & (1U << k) || has_value != d->value)
		return -1;
	*seen |= 1U << k;
	p->exts |= 1U << d->ext;
	return d->check(has_value ? v : NULL, vlen, p);
}

/* param_one - esmtp-keyword ["=" esmtp-value]; -1 when malformed */
static int param_one(struct cursor *c, int mail, struct mock_path *p,
		     unsigned *seen)
{
	const char *kw = c->p + c->i;
	size_t klen = 0;
	size_t vstart, k;
	int has_value;

	/* esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
	if (!is_letdig(cur_peek(c)))
		return -1;
	while (is_letdig(cur_peek(c)) || cur_peek(c) == '-')
		c->i++, klen++;
	has_value = cur_eat(c, '=');
	vstart = c->i;
	/* esmtp-value = 1*(%d33-60 / %d62-126); RFC 6531 adds UTF-8 */
	while (has_value && cur_peek(c) >= 33 && cur_peek(c) != '=' &&
	       (cur_peek(c) <= 126 || c->utf8))
		c->i++;
	if (has_value && c->i == vstart)
		return -1;
	if (cur_peek(c) != -1 && cur_peek(c) != ' ')
		return -1;
	for (k = 0; k < PARAM_COUNT; k++)
		if (param_table[k].mail == mail &&
		    strlen(param_table[k].kw) == klen &&
		    strncasecmp(kw, param_table[k].kw, klen) == 0)
			return param_known(k, c->p + vstart, c->i - vstart,
					   has_value, p, seen);
	p->unknown++;
	return 0;
}

/* path_params - [SP esmtp-param *(SP esmtp-param)] after the path */
static enum mock_path_status path_params(struct cursor *c, int mail,
					 struct mock_path *p)
{
	unsigned seen = 0;

	if (cur_peek(c) == -1)
		return MOCK_PATH_OK;
	if (!cur_eat(c, ' '))
		return MOCK_PATH_SYNTAX;	/* junk right after '>' */
	for (;;) {
		/* Tolerate runs of spaces between parameters. */
		while (cur_eat(c, ' '))
			;
		if (cur_peek(c) == -1)
			return MOCK_PATH_OK;
		if (param_one(c, mail, p, &seen) < 0)
			return MOCK_PATH_PARAM_SYNTAX;
	}
}

/* path_parse - "KEYWORD:" path [params], shared by MAIL and RCPT */
static enum mock_path_status path_parse(const char *arg, size_t len,
					const char *kw, int mail,
					struct mock_path *p)
{
	struct cursor c = {arg, len, 0, 1};
	size_t kwlen = strlen(kw);
	enum mock_path_status st;

	memset(p, 0, sizeof(*p));
	p->size = -1;
	if (len < kwlen || strncasecmp(arg, kw, kwlen) != 0)
		return MOCK_PATH_SYNTAX;
	c.i = kwlen;
	st = path_angle(&c, mail, p);
	if (st != MOCK_PATH_OK)
		return st;
	if (!mail && p->null_path)
		return MOCK_PATH_ADDRESS;	/* RCPT TO:<> */
	return path_params(&c, mail, p);
}

/* mock_path_mail - parse "FROM:<path> [params]" (RFC 5321 4.1.1.2) */
enum mock_path_status mock_path_mail(const char *arg, size_t len,
				     struct mock_path *p)
{
	return path_parse(arg, len, "FROM:", 1, p);
}

/* mock_path_rcpt - parse "TO:<path> [params]" (RFC 5321 4.1.1.3) */
enum mock_path_status mock_path_rcpt(const char *arg, size_t len,
				     struct mock_path *p)
{
	return path_parse(arg, len, "TO:", 0, p);
}

/* mock_domain_valid - 1 when s is a Domain or address-literal */
int mock_domain_valid(const char *s, size_t len)
{
	struct cursor c = {s, len, 0, 0};
	int rc;

	rc = cur_peek(&c) == '[' ? path_address_literal(&c) : path_domain(&c);
	return rc == 0 && c.i == len;
}
