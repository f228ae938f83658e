/*
 * command.c - classifying one SMTP command line sent by a client.
 *
 * Implements RFC 5321 4.1.1 (the command verbs and their argument
 * clauses), 4.1.2 (Reverse-path, Forward-path, Mailbox, esmtp-param),
 * 4.1.3 (address literals), 2.3.8 (CRLF is the only line terminator),
 * 2.4 (verbs and argument keywords are case-insensitive) and the size
 * limits of 4.5.3.1; the verbs added by RFC 821 (TURN), RFC 1985
 * (ETRN), RFC 3030 (BDAT), RFC 4954 (AUTH) and RFC 3207 (STARTTLS);
 * and RFC 6531 3.3 / 3.7.4.2, which let UTF-8 into paths and into VRFY
 * and EXPN arguments.
 *
 * Parsing is lenient and judging is strict, as in ehlo.c: "MAIL FROM:
 * <a@example.org>" is flagged as bad-args, but its path is still found,
 * so a caller can both report the flaw and act on the command.  The
 * parser reads each octet a bounded number of times, stores spans into
 * the caller's buffer and allocates nothing.
 */
#include <limits.h>
#include <string.h>
#include "smtpconf/command.h"

/* A cursor over part of the line: s[pos .. end). */
struct cur {
	const char *s;
	size_t pos;
	size_t end;
	int utf8_ok;		/* 8-bit octets may stand for UTF-8 here */
	int utf8;		/* and one did */
};

static int check_helo(struct sc_command *cmd, struct cur *c);
static int check_ehlo(struct sc_command *cmd, struct cur *c);
static int check_mail(struct sc_command *cmd, struct cur *c);
static int check_rcpt(struct sc_command *cmd, struct cur *c);
static int check_user(struct sc_command *cmd, struct cur *c);
static int check_string(struct sc_command *cmd, struct cur *c);
static int check_etrn(struct sc_command *cmd, struct cur *c);
static int check_bdat(struct sc_command *cmd, struct cur *c);
static int check_auth(struct sc_command *cmd, struct cur *c);

/*
 * RFC 5321 4.1.1: "The commands themselves are alphabetic characters
 * terminated by <SP> if parameters follow and <CRLF> otherwise."  And:
 * "Several commands (RSET, DATA, QUIT) are specified as not permitting
 * parameters. [...] servers SHOULD reject commands containing them as
 * having invalid syntax."  Each row names the section with the verb's
 * syntax.
 */
static const struct sc_verb_info verb_table[] = {
	{ SC_VERB_EHLO, "EHLO", "5321 4.1.1.1", SC_ARGS_REQUIRED },
	{ SC_VERB_HELO, "HELO", "5321 4.1.1.1", SC_ARGS_REQUIRED },
	{ SC_VERB_MAIL, "MAIL", "5321 4.1.1.2", SC_ARGS_REQUIRED },
	{ SC_VERB_RCPT, "RCPT", "5321 4.1.1.3", SC_ARGS_REQUIRED },
	{ SC_VERB_DATA, "DATA", "5321 4.1.1.4", SC_ARGS_NONE },
	{ SC_VERB_RSET, "RSET", "5321 4.1.1.5", SC_ARGS_NONE },
	{ SC_VERB_VRFY, "VRFY", "5321 4.1.1.6", SC_ARGS_REQUIRED },
	{ SC_VERB_EXPN, "EXPN", "5321 4.1.1.7", SC_ARGS_REQUIRED },
	{ SC_VERB_HELP, "HELP", "5321 4.1.1.8", SC_ARGS_OPTIONAL },
	{ SC_VERB_NOOP, "NOOP", "5321 4.1.1.9", SC_ARGS_OPTIONAL },
	{ SC_VERB_QUIT, "QUIT", "5321 4.1.1.10", SC_ARGS_NONE },
	{ SC_VERB_TURN, "TURN", "821 4.1.1", SC_ARGS_NONE },
	{ SC_VERB_ETRN, "ETRN", "1985 5", SC_ARGS_REQUIRED },
	{ SC_VERB_BDAT, "BDAT", "3030 2", SC_ARGS_REQUIRED },
	{ SC_VERB_AUTH, "AUTH", "4954 4", SC_ARGS_REQUIRED },
	{ SC_VERB_STARTTLS, "STARTTLS", "3207 4", SC_ARGS_NONE },
};

#define NVERBS	(sizeof(verb_table) / sizeof(verb_table[0]))

/*
 * The grammar of each verb's argument clause, keyed by verb; it runs
 * only when there is a clause.  Verbs without an entry take none.
 */
static int (*const verb_check[])(struct sc_command *, struct cur *) = {
	[SC_VERB_EHLO] = check_ehlo,
	[SC_VERB_HELO] = check_helo,
	[SC_VERB_MAIL] = check_mail,
	[SC_VERB_RCPT] = check_rcpt,
	[SC_VERB_VRFY] = check_user,
	[SC_VERB_EXPN] = check_user,
	[SC_VERB_HELP] = check_string,
	[SC_VERB_NOOP] = check_string,
	[SC_VERB_ETRN] = check_etrn,
	[SC_VERB_BDAT] = check_bdat,
	[SC_VERB_AUTH] = check_auth,
	[SC_VERB_STARTTLS] = NULL,
};

/* The RFC basis of each flaw bit, shown in failure messages. */
static const struct {
	unsigned bit;
	const char *name;
	const char *text;
} flaw_table[] = {
	{ SC_CF_BAD_VERB, "bad-verb", "RFC 5321 4.1.1: a command starts "
	  "with its verb, and this line's first word is no command smtpconf "
	  "knows (a server answers 500, 4.2.4)." },
	{ SC_CF_BAD_ARGS, "bad-args", "RFC 5321 4.1.1 / 4.1.2: the "
	  "argument clause does not follow the verb's syntax (a server "
	  "answers 501)." },
	{ SC_CF_LINE_TOO_LONG, "line-too-long", "RFC 5321 4.5.3.1.4: \"The "
	  "maximum total length of a command line including the command "
	  "word and the <CRLF> is 512 octets.\"" },
	{ SC_CF_BARE_CR, "bare-cr", "RFC 5321 2.3.8: CR may appear only as "
	  "part of the CRLF that ends the line, and this line has another "
	  "one." },
	{ SC_CF_BARE_LF, "bare-lf", "RFC 5321 2.3.8: \"Conforming "
	  "implementations MUST NOT recognize or generate any other "
	  "character or character sequence as a line terminator\" than "
	  "CRLF, and this line has an LF outside one." },
	{ SC_CF_NUL, "nul", "RFC 5321 4.1.2: commands are made of "
	  "printable US-ASCII, and a NUL octet is none." },
	{ SC_CF_8BIT, "8bit", "RFC 5321 4.1.2: non-ASCII octets \"MUST NOT "
	  "be used in MAIL or RCPT commands\"; only SMTPUTF8 (RFC 6531) "
	  "lets UTF-8 into paths." },
	{ SC_CF_PATH_TOO_LONG, "path-too-long", "RFC 5321 4.5.3.1.1-3: a "
	  "local-part has at most 64 octets, a domain 255, and a "
	  "reverse-path or forward-path 256." },
	{ SC_CF_TRAILING_SPACE, "trailing-space", "RFC 5321 4.1.1: the "
	  "line has white space before its CRLF, which the grammar does not "
	  "allow but \"SMTP receivers SHOULD tolerate\"." },
};

#define NFLAWS	(sizeof(flaw_table) / sizeof(flaw_table[0]))

/* is_alpha - ALPHA, without the locale */
static int is_alpha(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* is_digit - DIGIT */
static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* is_alnum - Let-dig: ALPHA / DIGIT */
static int is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

/* is_hex - HEXDIG, either case */
static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* is_atext - RFC 5322 3.2.3 atext, ASCII part */
static int is_atext(unsigned char c)
{
	return is_alnum(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* is_dcontent - RFC 5321 4.1.3 dcontent: printable, not "[", "\", "]" */
static int is_dcontent(unsigned char c)
{
	return (c >= 33 && c <= 90) || (c >= 94 && c <= 126);
}

/* is_value_char - esmtp-value octet: %d33-60 / %d62-126 */
static int is_value_char(unsigned char c)
{
	return (c >= 33 && c <= 60) || (c >= 62 && c <= 126);
}

/* lower - ASCII lower case, without the locale */
static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* same_text - case-insensitive comparison of s[0..n) with NUL-terminated w */
static int same_text(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' ||
		    lower((unsigned char)s[i]) != lower((unsigned char)w[i]))
			return 0;
	return w[n] == '\0';
}

/* cur_more - any octet left? */
static int cur_more(const struct cur *c)
{
	return c->pos < c->end;
}

/* cur_peek - the next octet, 0 at the end (check cur_more for a NUL) */
static unsigned char cur_peek(const struct cur *c)
{
	return c->pos < c->end ? (unsigned char)c->s[c->pos] : 0;
}

/* cur_eat - consume ch if it is next */
static int cur_eat(struct cur *c, char ch)
{
	if (!cur_more(c) || c->s[c->pos] != ch)
		return 0;
	c->pos++;
	return 1;
}

/* cur_eat_word - consume w (ASCII case ignored) if it is next */
static int cur_eat_word(struct cur *c, const char *w)
{
	size_t n = strlen(w);

	if (c->end - c->pos < n || !same_text(c->s + c->pos, n, w))
		return 0;
	c->pos += n;
	return 1;
}

/* utf8_octet - may ch stand here as part of a UTF-8 character? */
static int utf8_octet(struct cur *c, unsigned char ch)
{
	if (ch < 0x80 || !c->utf8_ok)
		return 0;
	c->utf8 = 1;
	return 1;
}

/* until - index of the first ch in s[0..n), or n (s need not end in NUL) */
static size_t until(const char *s, size_t n, char ch)
{
	const char *p = memchr(s, ch, n);

	return p != NULL ? (size_t)(p - s) : n;
}

/* span_set - record s[a .. b) */
static void span_set(struct sc_command_span *sp, size_t a, size_t b)
{
	sp->off = a;
	sp->len = b - a;
}

/* scan_atom - Atom = 1*atext (UTF-8 where allowed, RFC 6531 3.3) */
static int scan_atom(struct cur *c)
{
	size_t start = c->pos;

	while (cur_more(c) && (is_atext(cur_peek(c)) ||
			       utf8_octet(c, cur_peek(c))))
		c->pos++;
	return c->pos > start;
}

/* scan_dot_string - Dot-string = Atom *("." Atom) */
static int scan_dot_string(struct cur *c)
{
	if (!scan_atom(c))
		return 0;
	while (cur_eat(c, '.'))
		if (!scan_atom(c))
			return 0;
	return 1;
}

/* is_qtext - qtextSMTP = %d32-33 / %d35-91 / %d93-126 */
static int is_qtext(unsigned char c)
{
	return c == 32 || c == 33 || (c >= 35 && c <= 91) ||
	       (c >= 93 && c <= 126);
}

/* scan_quoted - Quoted-string = DQUOTE *QcontentSMTP DQUOTE */
static int scan_quoted(struct cur *c)
{
	unsigned char ch;

	if (!cur_eat(c, '"'))
		return 0;
	while (cur_more(c)) {
		ch = cur_peek(c);
		c->pos++;
		if (ch == '"')
			return 1;
		if (ch == '\\') {
			/* quoted-pairSMTP = %d92 %d32-126 */
			ch = cur_peek(c);
			if (!cur_more(c) || ch < 32 || ch > 126)
				return 0;
			c->pos++;
		} else if (!is_qtext(ch) && !utf8_octet(c, ch)) {
			return 0;
		}
	}
	return 0;
}

/* scan_string - String = Atom / Quoted-string */
static int scan_string(struct cur *c)
{
	return cur_peek(c) == '"' ? scan_quoted(c) : scan_atom(c);
}

/* scan_sub_domain - sub-domain = Let-dig [Ldh-str]: no "-" at either end */
static int scan_sub_domain(struct cur *c)
{
	unsigned char ch = cur_peek(c);

	if (!cur_more(c) || (!is_alnum(ch) && !utf8_octet(c, ch)))
		return 0;
	c->pos++;
	while (cur_more(c) && (is_alnum(cur_peek(c)) || cur_peek(c) == '-' ||
			       utf8_octet(c, cur_peek(c))))
		c->pos++;
	return c->s[c->pos - 1] != '-';
}

/* scan_domain - Domain = sub-domain *("." sub-domain) */
static int scan_domain(struct cur *c)
{
	if (!scan_sub_domain(c))
		return 0;
	while (cur_eat(c, '.'))
		if (!scan_sub_domain(c))
			return 0;
	return 1;
}

/* snum_len - Snum (1*3DIGIT, 0 to 255) at s: digits used, 0 when none */
static size_t snum_len(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n && i < 3 && is_digit((unsigned char)s[i]); i++)
		v = v * 10 + (s[i] - '0');
	if (i == 0 || v > 255 || (i < n && is_digit((unsigned char)s[i])))
		return 0;
	return i;
}

/* ipv4_valid - IPv4-address-literal = Snum 3("." Snum), all of s */
static int ipv4_valid(const char *s, size_t n)
{
	size_t pos = 0, k;
	int part;

	for (part = 0; part < 4; part++) {
		if (part > 0 && (pos >= n || s[pos++] != '.'))
			return 0;
		k = snum_len(s + pos, n - pos);
		if (k == 0)
			return 0;
		pos += k;
	}
	return pos == n;
}

/* hex_group_len - IPv6-hex (1*4HEXDIG) at s: digits used, 0 when none */
static size_t hex_group_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 5 && is_hex((unsigned char)s[i]); i++)
		;
	return i > 4 ? 0 : i;
}

/* ipv6_groups_ok - RFC 5321 4.1.3's group counts for the four forms */
static int ipv6_groups_ok(size_t groups, int compressed, int v4)
{
	/* "::" stands for at least two groups: 6 (or 4 with IPv4) left. */
	if (compressed)
		return groups <= (size_t)(v4 ? 4 : 6);
	return groups == (size_t)(v4 ? 6 : 8);
}

/*
 * ipv6_valid - IPv6-addr (4.1.3): hex groups joined by ":", at most
 * one "::", optionally ending in an IPv4 address.
 */
static int ipv6_valid(const char *s, size_t n)
{
	size_t pos = 0, groups = 0, k;
	int compressed = 0, v4 = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		compressed = 1;
		pos = 2;
	}
	while (pos < n) {
		k = until(s + pos, n - pos, ':');
		if (memchr(s + pos, '.', k) != NULL) {
			if (pos + k != n || !ipv4_valid(s + pos, k))
				return 0;
			v4 = 1;
			break;
		}
		if (hex_group_len(s + pos, k) != k || k == 0)
			return 0;
		groups++;
		pos += k;
		if (pos == n)
			break;
		pos++;				/* the ":" */
		if (pos < n && s[pos] == ':') {
			if (compressed)
				return 0;
			compressed = 1;
			pos++;
		} else if (pos == n) {
			return 0;		/* a trailing single ":" */
		}
	}
	return ipv6_groups_ok(groups, compressed, v4);
}

/* general_valid - General-address-literal = Standardized-tag ":" 1*dcontent */
static int general_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (is_alnum((unsigned char)s[i]) || s[i] == '-'))
		i++;
	/* Ldh-str ends with a Let-dig. */
	if (i == 0 || s[i - 1] == '-' || i >= n || s[i] != ':')
		return 0;
	return i + 1 < n;
}

/*
 * literal_valid - the inside of an address-literal.  A literal tagged
 * "IPv6:" must hold an IPv6 address: the tag is registered for that,
 * so "[IPv6:xyz]" is not read as a General-address-literal.
 */
static int literal_valid(const char *s, size_t n)
{
	if (ipv4_valid(s, n))
		return 1;
	if (n >= 5 && same_text(s, 5, "IPv6:"))
		return ipv6_valid(s + 5, n - 5);
	return general_valid(s, n);
}

/* scan_literal - address-literal = "[" ( ... ) "]" */
static int scan_literal(struct cur *c)
{
	size_t start;

	if (!cur_eat(c, '['))
		return 0;
	start = c->pos;
	while (cur_more(c) && is_dcontent(cur_peek(c)))
		c->pos++;
	if (!cur_eat(c, ']'))
		return 0;
	return literal_valid(c->s + start, c->pos - 1 - start);
}

/* scan_domain_or_literal - Domain / address-literal; *literal says which */
static int scan_domain_or_literal(struct cur *c, int *literal)
{
	*literal = cur_peek(c) == '[';
	return *literal ? scan_literal(c) : scan_domain(c);
}

/* scan_mailbox - Mailbox = Local-part "@" ( Domain / address-literal ) */
static int scan_mailbox(struct cur *c, struct sc_command_path *p)
{
	size_t start = c->pos;
	int ok;

	p->quoted = cur_peek(c) == '"';
	ok = p->quoted ? scan_quoted(c) : scan_dot_string(c);
	span_set(&p->local, start, c->pos);
	if (!ok || !cur_eat(c, '@'))
		return 0;
	start = c->pos;
	ok = scan_domain_or_literal(c, &p->literal);
	span_set(&p->domain, start, c->pos);
	return ok;
}

/* scan_adl - A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain */
static int scan_adl(struct cur *c)
{
	do {
		if (!cur_eat(c, '@') || !scan_domain(c))
			return 0;
	} while (cur_eat(c, ','));
	return 1;
}

/* scan_path - Path = "<" [ A-d-l ":" ] Mailbox ">", or "<>" */
static int scan_path(struct cur *c, struct sc_command_path *p)
{
	size_t start = c->pos;

	if (!cur_eat(c, '<'))
		return 0;
	p->present = 1;
	if (cur_eat(c, '>')) {
		p->null = 1;
		span_set(&p->whole, start, c->pos);
		return 1;
	}
	if (cur_peek(c) == '@') {
		if (!scan_adl(c))
			return 0;
		span_set(&p->route, start + 1, c->pos);
		if (!cur_eat(c, ':'))
			return 0;
	}
	if (!scan_mailbox(c, p) || !cur_eat(c, '>'))
		return 0;
	span_set(&p->whole, start, c->pos);
	return 1;
}

/*
 * skip_bad_path - after a malformed path, step past its ">" (or to the
 * next SP when there is none) so that the parameters can still be read.
 */
static void skip_bad_path(struct cur *c, struct sc_command_path *p,
			  size_t start)
{
	const char *gt = memchr(c->s + start, '>', c->end - start);
	const char *sp = memchr(c->s + start, ' ', c->end - start);

	if (gt != NULL && (sp == NULL || gt < sp))
		c->pos = (size_t)(gt - c->s) + 1;
	else
		c->pos = sp != NULL ? (size_t)(sp - c->s) : c->end;
	span_set(&p->whole, start, c->pos);
}

/* path_limits - RFC 5321 4.5.3.1.1-3 sizes of a parsed path */
static void path_limits(struct sc_command *cmd)
{
	const struct sc_command_path *p = &cmd->path;

	if (p->local.len > SC_RFC_LOCAL_PART_MAX ||
	    p->domain.len > SC_RFC_DOMAIN_MAX ||
	    p->whole.len > SC_RFC_PATH_MAX)
		cmd->flaws |= SC_CF_PATH_TOO_LONG;
}

/* keyword_ok - esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
static int keyword_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* value_ok - esmtp-value = 1*(%d33-60 / %d62-126) */
static int value_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_value_char((unsigned char)s[i]))
			return 0;
	return n > 0;
}

/* take_param - one esmtp-param up to the next SP; 0 when malformed */
static int take_param(struct sc_command *cmd, struct cur *c)
{
	struct sc_command_param prm;
	const char *tok = c->s + c->pos;
	size_t n = until(tok, c->end - c->pos, ' ');
	size_t k = until(tok, n, '=');
	int ok;

	memset(&prm, 0, sizeof(prm));
	span_set(&prm.keyword, c->pos, c->pos + k);
	prm.has_value = k < n;
	if (prm.has_value)
		span_set(&prm.value, c->pos + k + 1, c->pos + n);
	ok = keyword_ok(tok, k) && (!prm.has_value ||
				    value_ok(tok + k + 1, n - k - 1));
	if (cmd->nparams < SC_COMMAND_MAX_PARAMS)
		cmd->params[cmd->nparams++] = prm;
	cmd->params_seen++;
	c->pos += n;
	return ok;
}

/* scan_params - [SP esmtp-param *(SP esmtp-param)] up to the end */
static int scan_params(struct sc_command *cmd, struct cur *c)
{
	size_t gap;
	int ok = 1;

	while (cur_more(c)) {
		for (gap = 0; cur_more(c) && cur_peek(c) == ' '; gap++)
			c->pos++;
		/* Exactly one SP before each parameter. */
		if (gap != 1)
			ok = 0;
		if (cur_more(c) && !take_param(cmd, c))
			ok = 0;
	}
	return ok;
}

/*
 * path_and_params - the Reverse-path / Forward-path after "FROM:" /
 * "TO:", then the parameters.  A space after the colon breaks the
 * grammar but is skipped, so that the path is still found.
 */
static int path_and_params(struct sc_command *cmd, struct cur *c,
			   int reverse)
{
	struct sc_command_path *p = &cmd->path;
	size_t start = c->pos;
	int ok;

	while (cur_more(c) && cur_peek(c) == ' ')
		c->pos++;
	ok = c->pos == start;
	start = c->pos;
	if (cur_peek(c) != '<')
		return 0;
	c->utf8_ok = 1;
	if (!reverse && cur_eat_word(c, "<Postmaster>")) {
		/* 4.1.1.3: "<Postmaster>", case-insensitive, no domain. */
		p->present = p->postmaster = 1;
		span_set(&p->whole, start, c->pos);
		span_set(&p->local, start + 1, c->pos - 1);
	} else if (!scan_path(c, p)) {
		ok = 0;
		skip_bad_path(c, p, start);
	}
	c->utf8_ok = 0;
	p->utf8 = c->utf8;
	/* Forward-path = Path: only a Reverse-path may be null. */
	if (p->null && !reverse)
		ok = 0;
	path_limits(cmd);
	return scan_params(cmd, c) && ok;
}

/* check_mail - mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] */
static int check_mail(struct sc_command *cmd, struct cur *c)
{
	if (!cur_eat_word(c, "FROM:"))
		return 0;
	return path_and_params(cmd, c, 1);
}

/* check_rcpt - rcpt = "RCPT TO:" ( Postmaster / Forward-path ) [SP ...] */
static int check_rcpt(struct sc_command *cmd, struct cur *c)
{
	if (!cur_eat_word(c, "TO:"))
		return 0;
	return path_and_params(cmd, c, 0);
}

/* whole_word - the whole clause as cmd->word; 1 when fn consumed all of it */
static int whole_word(struct sc_command *cmd, struct cur *c, int ok)
{
	span_set(&cmd->word, cmd->args.off, c->end);
	return ok && c->pos == c->end;
}

/* check_helo - helo = "HELO" SP Domain */
static int check_helo(struct sc_command *cmd, struct cur *c)
{
	return whole_word(cmd, c, scan_domain(c));
}

/* check_ehlo - ehlo = "EHLO" SP ( Domain / address-literal ) */
static int check_ehlo(struct sc_command *cmd, struct cur *c)
{
	int literal;

	return whole_word(cmd, c, scan_domain_or_literal(c, &literal));
}

/* check_string - help / noop = VERB [ SP String ] */
static int check_string(struct sc_command *cmd, struct cur *c)
{
	return whole_word(cmd, c, scan_string(c));
}

/* user_arg_ok - VRFY / EXPN argument: a String, or (3.5.1) a Mailbox */
static int user_arg_ok(struct cur *c)
{
	struct sc_command_path scratch;
	size_t start = c->pos;

	memset(&scratch, 0, sizeof(scratch));
	/*
	 * 3.5.1: hosts "SHOULD accept the "local-part@domain" form as a
	 * "user name"", although 4.1.1.6 only says String.
	 */
	if (scan_mailbox(c, &scratch) && c->pos == c->end)
		return 1;
	c->pos = start;
	return scan_string(c) && c->pos == c->end;
}

/*
 * check_user - vrfy / expn = VERB SP String [ SP "SMTPUTF8" ]; the
 * SMTPUTF8 parameter (RFC 6531 3.7.4.2) lets UTF-8 into the string.
 */
static int check_user(struct sc_command *cmd, struct cur *c)
{
	static const char tail[] = " SMTPUTF8";
	size_t n = sizeof(tail) - 1;

	if (c->end - c->pos > n && same_text(c->s + c->end - n, n, tail)) {
		c->end -= n;
		c->utf8_ok = 1;
	}
	span_set(&cmd->word, c->pos, c->end);
	return user_arg_ok(c);
}

/* check_etrn - etrn = "ETRN" SP ( ["@"] Domain / "#" queue-name ) (1985 5) */
static int check_etrn(struct sc_command *cmd, struct cur *c)
{
	if (!cur_eat(c, '#')) {
		cur_eat(c, '@');
		return whole_word(cmd, c, scan_domain(c));
	}
	/* A queue name: any printable octets. */
	while (cur_more(c) && cur_peek(c) >= 33 && cur_peek(c) <= 126)
		c->pos++;
	return whole_word(cmd, c, c->pos > cmd->args.off + 1);
}

/* check_bdat - bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] (3030 2) */
static int check_bdat(struct sc_command *cmd, struct cur *c)
{
	size_t start = c->pos;
	unsigned d;

	while (cur_more(c) && is_digit(cur_peek(c))) {
		d = (unsigned)(cur_peek(c) - '0');
		if (cmd->chunk_size > (ULLONG_MAX - d) / 10)
			cmd->chunk_size = ULLONG_MAX;	/* saturate */
		else
			cmd->chunk_size = cmd->chunk_size * 10 + d;
		c->pos++;
	}
	span_set(&cmd->word, start, c->pos);
	if (c->pos == start)
		return 0;
	if (!cur_more(c))
		return 1;
	/* end-marker = "LAST" */
	if (!cur_eat(c, ' ') || !cur_eat_word(c, "LAST"))
		return 0;
	cmd->last = 1;
	return !cur_more(c);
}

/* is_mech_char - RFC 4422 3.1 mechanism name octets (any case, 5321 2.4) */
static int is_mech_char(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/*
 * base64_ok - RFC 4954 section 8: base64 = base64-terminal /
 * ( 1*(4base64-char) [base64-terminal] ), so the length is a multiple
 * of four and "=" pads only the last group, at most twice.
 */
static int base64_ok(const char *s, size_t n)
{
	size_t i, pad = 0;

	if (n == 0 || n % 4 != 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || !(is_alnum(ch) || ch == '+' || ch == '/'))
			return 0;
	}
	return pad <= 2;
}

/* check_auth - "AUTH" SP sasl-mech [SP initial-response] (4954 4) */
static int check_auth(struct sc_command *cmd, struct cur *c)
{
	size_t start = c->pos;

	while (cur_more(c) && is_mech_char(cur_peek(c)))
		c->pos++;
	span_set(&cmd->word, start, c->pos);
	/* sasl-mech = 1*20mech-char */
	if (c->pos == start || c->pos - start > 20)
		return 0;
	if (!cur_more(c))
		return 1;
	if (!cur_eat(c, ' '))
		return 0;
	span_set(&cmd->initial, c->pos, c->end);
	/* initial-response = base64 / "=" */
	if (cmd->initial.len == 1 && c->s[c->pos] == '=')
		return 1;
	return base64_ok(c->s + c->pos, cmd->initial.len);
}

/*
 * strip_terminator - drop the final CRLF (or a lone LF, flagged) and
 * return the length of what remains.
 */
static size_t strip_terminator(struct sc_command *cmd, size_t len)
{
	const char *b = cmd->buf;

	if (len >= 2 && b[len - 2] == '\r' && b[len - 1] == '\n') {
		cmd->crlf = 1;
		return len - 2;
	}
	if (len >= 1 && b[len - 1] == '\n') {
		cmd->flaws |= SC_CF_BARE_LF;
		return len - 1;
	}
	return len;
}

/* scan_octets - flag CR, LF, NUL and 8-bit octets and the line length */
static void scan_octets(struct sc_command *cmd)
{
	size_t i;

	for (i = 0; i < cmd->len; i++) {
		unsigned char ch = (unsigned char)cmd->buf[i];

		if (ch == '\r')
			cmd->flaws |= SC_CF_BARE_CR;
		else if (ch == '\n')
			cmd->flaws |= SC_CF_BARE_LF;
		else if (ch == '\0')
			cmd->flaws |= SC_CF_NUL;
		else if (ch >= 0x80)
			cmd->flaws |= SC_CF_8BIT;
	}
	/* 4.5.3.1.4 counts the CRLF too, sent or not. */
	if (cmd->len > SC_RFC_COMMAND_LINE_MAX - 2)
		cmd->flaws |= SC_CF_LINE_TOO_LONG;
}

/* strip_white - drop (and flag) white space before the end */
static size_t strip_white(struct sc_command *cmd, size_t end)
{
	size_t n = end;

	while (n > 0 && (cmd->buf[n - 1] == ' ' || cmd->buf[n - 1] == '\t'))
		n--;
	if (n < end)
		cmd->flaws |= SC_CF_TRAILING_SPACE;
	return n;
}

/* verb_find - table row whose name is s[0..n), or NULL */
static const struct sc_verb_info *verb_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (same_text(s, n, verb_table[i].name))
			return &verb_table[i];
	return NULL;
}

/* args_present_ok - does the clause's presence fit the verb's rule? */
static int args_present_ok(enum sc_verb_args rule, int has)
{
	switch (rule) {
	case SC_ARGS_NONE:
		return !has;
	case SC_ARGS_REQUIRED:
		return has;
	case SC_ARGS_OPTIONAL:
		break;
	}
	return 1;
}

/* judge_args - the verb's argument rule and grammar */
static void judge_args(struct sc_command *cmd, const struct sc_verb_info *vi,
		       size_t end)
{
	int (*check)(struct sc_command *, struct cur *) = NULL;
	int has = cmd->args.len > 0;
	int ok = args_present_ok(vi->args, has);
	struct cur c;

	if ((size_t)vi->verb < sizeof(verb_check) / sizeof(verb_check[0]))
		check = verb_check[vi->verb];
	if (ok && has && check != NULL) {
		memset(&c, 0, sizeof(c));
		c.s = cmd->buf;
		c.pos = cmd->args.off;
		c.end = end;
		ok = check(cmd, &c);
	}
	if (!ok)
		cmd->flaws |= SC_CF_BAD_ARGS;
}

/* sc_command_parse - classify one command line; returns its flaw bits */
unsigned sc_command_parse(const char *buf, size_t len, struct sc_command *cmd)
{
	const struct sc_verb_info *vi;
	const char *sp;
	size_t end, v;

	if (cmd == NULL)
		return SC_CF_BAD_VERB;
	memset(cmd, 0, sizeof(*cmd));
	cmd->buf = buf != NULL ? buf : "";
	cmd->len = strip_terminator(cmd, buf != NULL ? len : 0);
	scan_octets(cmd);
	end = strip_white(cmd, cmd->len);
	sp = memchr(cmd->buf, ' ', end);
	v = sp != NULL ? (size_t)(sp - cmd->buf) : end;
	span_set(&cmd->verb_text, 0, v);
	if (v < end)
		span_set(&cmd->args, v + 1, end);
	vi = verb_find(cmd->buf, v);
	if (vi == NULL) {
		cmd->flaws |= SC_CF_BAD_VERB;
		return cmd->flaws;
	}
	cmd->verb = vi->verb;
	judge_args(cmd, vi, end);
	return cmd->flaws;
}

/* sc_command_line_len - bytes of the first line, through its LF */
size_t sc_command_line_len(const char *buf, size_t len)
{
	const char *lf = buf != NULL ? memchr(buf, '\n', len) : NULL;

	return lf != NULL ? (size_t)(lf - buf) + 1 : (buf != NULL ? len : 0);
}

/* sc_command_span_eq - 1 when the span equals word, ignoring ASCII case */
int sc_command_span_eq(const struct sc_command *cmd,
		       const struct sc_command_span *span, const char *word)
{
	if (cmd == NULL || span == NULL || word == NULL ||
	    span->len > cmd->len || span->off > cmd->len - span->len)
		return 0;
	return same_text(cmd->buf + span->off, span->len, word);
}

/* sc_command_param_find - a parameter by keyword (any case), or NULL */
const struct sc_command_param *sc_command_param_find(
	const struct sc_command *cmd, const char *keyword)
{
	size_t i;

	if (cmd == NULL)
		return NULL;
	for (i = 0; i < cmd->nparams && i < SC_COMMAND_MAX_PARAMS; i++)
		if (sc_command_span_eq(cmd, &cmd->params[i].keyword, keyword))
			return &cmd->params[i];
	return NULL;
}

/* sc_command_flaw_name - short stable name of one flaw bit */
const char *sc_command_flaw_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < NFLAWS; i++)
		if (flaw_table[i].bit == bit)
			return flaw_table[i].name;
	return "unknown";
}

/* sc_command_flaw_text - explanation of one flaw bit, with its RFC clause */
const char *sc_command_flaw_text(unsigned bit)
{
	size_t i;

	for (i = 0; i < NFLAWS; i++)
		if (flaw_table[i].bit == bit)
			return flaw_table[i].text;
	return "unknown command flaw";
}

/* sc_verb_get - the table row of a verb, NULL for SC_VERB_UNKNOWN */
const struct sc_verb_info *sc_verb_get(enum sc_verb verb)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (verb_table[i].verb == verb)
			return &verb_table[i];
	return NULL;
}

/* sc_verb_name - "MAIL"; "UNKNOWN" for SC_VERB_UNKNOWN or out of range */
const char *sc_verb_name(enum sc_verb verb)
{
	const struct sc_verb_info *vi = sc_verb_get(verb);

	return vi != NULL ? vi->name : "UNKNOWN";
}

/* sc_verb_find - the row whose name is s[0..len) (any case), or NULL */
const struct sc_verb_info *sc_verb_find(const char *s, size_t len)
{
	return s != NULL ? verb_find(s, len) : NULL;
}

/* sc_verb_table - the whole table; *n receives its size */
const struct sc_verb_info *sc_verb_table(size_t *n)
{
	if (n != NULL)
		*n = NVERBS;
	return verb_table;
}
