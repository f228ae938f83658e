/*
 * scenario_header.c - the "key: value" header of a scenario and its
 * when: conditions.
 *
 * The header says what a scenario checks and why: the RFC clause, the
 * RFC 2119 level of the rule and the sentence the verdict rests on.
 * Conditions name EHLO keywords (RFC 5321 4.1.1.1: ehlo-keyword =
 * (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")) so that a scenario about an
 * extension is skipped, not failed, on a server that does not offer it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "scenario_int.h"

/* One header key: spelling, slot, rules and value handler. */
struct header_key {
	const char *name;
	enum sp_key key;
	int repeatable;
	int required;
	int (*fn)(struct sc_parser *p, size_t off, size_t end);
};

static int key_title(struct sc_parser *p, size_t off, size_t end);
static int key_rfc(struct sc_parser *p, size_t off, size_t end);
static int key_level(struct sc_parser *p, size_t off, size_t end);
static int key_tags(struct sc_parser *p, size_t off, size_t end);
static int key_quote(struct sc_parser *p, size_t off, size_t end);
static int key_why(struct sc_parser *p, size_t off, size_t end);
static int key_when(struct sc_parser *p, size_t off, size_t end);
static int key_timeout(struct sc_parser *p, size_t off, size_t end);
static int key_step_timeout(struct sc_parser *p, size_t off, size_t end);
static int key_exclusive(struct sc_parser *p, size_t off, size_t end);
static int key_slow(struct sc_parser *p, size_t off, size_t end);
static int key_on_421(struct sc_parser *p, size_t off, size_t end);

/* header_keys - in the order missing required keys are reported */
static const struct header_key header_keys[] = {
	{ "title", SP_KEY_TITLE, 0, 1, key_title },
	{ "rfc", SP_KEY_RFC, 0, 1, key_rfc },
	{ "level", SP_KEY_LEVEL, 0, 1, key_level },
	{ "tags", SP_KEY_TAGS, 0, 0, key_tags },
	{ "quote", SP_KEY_QUOTE, 1, 0, key_quote },
	{ "why", SP_KEY_WHY, 1, 0, key_why },
	{ "when", SP_KEY_WHEN, 1, 0, key_when },
	{ "timeout", SP_KEY_TIMEOUT, 0, 0, key_timeout },
	{ "step-timeout", SP_KEY_STEP_TIMEOUT, 0, 0, key_step_timeout },
	{ "exclusive", SP_KEY_EXCLUSIVE, 0, 0, key_exclusive },
	{ "on-421", SP_KEY_ON_421, 0, 0, key_on_421 },
	{ "slow", SP_KEY_SLOW, 0, 0, key_slow },
};

#define NKEYS (sizeof(header_keys) / sizeof(header_keys[0]))

/* One comparison of a when: term, as written. */
static const struct {
	const char *op;
	enum sc_cond_op cond;
} cond_ops[] = {
	{ "<", SC_COND_LT }, { "<=", SC_COND_LE }, { ">", SC_COND_GT },
	{ ">=", SC_COND_GE }, { "==", SC_COND_EQ }, { "!=", SC_COND_NE },
};

/* key_find - the header key spelt s[0..n), or NULL */
static const struct header_key *key_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(header_keys[i].name) == n &&
		    memcmp(header_keys[i].name, s, n) == 0)
			return &header_keys[i];
	return NULL;
}

/* word_is - is line[off..end) exactly w? */
static int word_is(const struct sc_parser *p, size_t off, size_t end,
		   const char *w)
{
	return strlen(w) == end - off &&
	       memcmp(p->line + off, w, end - off) == 0;
}

/* value_dup - copy line[off..end) into a new string */
static int value_dup(struct sc_parser *p, size_t off, size_t end, char **out)
{
	*out = strndup(p->line + off, end - off);
	return *out ? SC_OK : sp_nomem(p);
}

/* key_title - title: one line naming what is checked */
static int key_title(struct sc_parser *p, size_t off, size_t end)
{
	return value_dup(p, off, end, &p->s->title);
}

/* rfc_clause_valid - "5321" or "5321 4.2.4": number, optional section */
static int rfc_clause_valid(const char *s, size_t n, size_t *num_end,
			    size_t *sec)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0 || i > 5)
		return 0;
	*num_end = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*sec = i;
	if (i == *num_end && i < n)
		return 0;
	for (; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '.'))
			return 0;
	return 1;
}

/* key_rfc - rfc: "5321 4.2.4, 2920 3.1", stored with ", " between */
static int key_rfc(struct sc_parser *p, size_t off, size_t end)
{
	struct sc_buf out;
	char show[128];
	size_t a = off, b, e, num_end, sec;

	sc_buf_init(&out, 0);
	while (a <= end) {
		b = a;
		while (b < end && p->line[b] != ',')
			b++;
		e = b;
		while (a < b && sp_is_space((unsigned char)p->line[a]))
			a++;
		while (e > a && sp_is_space((unsigned char)p->line[e - 1]))
			e--;
		if (!rfc_clause_valid(p->line + a, e - a, &num_end, &sec)) {
			sc_buf_free(&out);
			return sp_error(p, a, "bad rfc reference '%s': "
					"expected an RFC number and an "
					"optional section, like '5321 4.2.4'",
					sp_show(p->line + a, e - a, show,
						sizeof(show)));
		}
		if (out.len)
			sc_buf_puts(&out, ", ");
		sc_buf_append(&out, p->line + a, num_end);
		if (sec < e - a) {
			sc_buf_putc(&out, ' ');
			sc_buf_append(&out, p->line + a + sec, e - a - sec);
		}
		a = b + 1;
	}
	if (out.failed) {
		sc_buf_free(&out);
		return sp_nomem(p);
	}
	p->s->rfc = sc_buf_steal(&out);
	return SC_OK;
}

/* key_level - level: MUST, SHOULD, MAY or security, any case */
static int key_level(struct sc_parser *p, size_t off, size_t end)
{
	char word[16], show[128];

	if (end - off < sizeof(word)) {
		memcpy(word, p->line + off, end - off);
		word[end - off] = '\0';
		if (sc_level_parse(word, &p->s->level) == 0)
			return SC_OK;
	}
	return sp_error(p, off, "bad level '%s': expected MUST, SHOULD, MAY "
			"or security", sp_show(p->line + off, end - off, show,
					       sizeof(show)));
}

/* tag_char_ok - tags are words a filter can name on the command line */
static int tag_char_ok(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* tag_add - append one tag line[a..b), skipping a duplicate */
static int tag_add(struct sc_parser *p, size_t a, size_t b)
{
	struct sc_scenario *s = p->s;
	char show[128], **n;
	size_t i;

	for (i = a; i < b; i++)
		if (!tag_char_ok((unsigned char)p->line[i]) ||
		    b - a >= SC_SCENARIO_TAG_MAX)
			return sp_error(p, a, "bad tag '%s': use up to %d "
					"letters, digits, '_', '.' and '-'",
					sp_show(p->line + a, b - a, show,
						sizeof(show)),
					SC_SCENARIO_TAG_MAX - 1);
	for (i = 0; i < s->ntags; i++)
		if (strlen(s->tags[i]) == b - a &&
		    memcmp(s->tags[i], p->line + a, b - a) == 0)
			return SC_OK;
	if (s->ntags >= SC_SCENARIO_MAX_TAGS)
		return sp_error(p, a, "more than %d tags",
				SC_SCENARIO_MAX_TAGS);
	if (s->ntags == p->tags_cap) {
		n = realloc(s->tags, (p->tags_cap + 8) * sizeof(*n));
		if (n == NULL)
			return sp_nomem(p);
		s->tags = n;
		p->tags_cap += 8;
	}
	if (value_dup(p, a, b, &s->tags[s->ntags]) != SC_OK)
		return SC_ERR_NOMEM;
	s->ntags++;
	return SC_OK;
}

/* key_tags - tags: words separated by commas and/or blanks */
static int key_tags(struct sc_parser *p, size_t off, size_t end)
{
	size_t a = off, b;
	int rc;

	for (;;) {
		while (a < end && (p->line[a] == ',' ||
				   sp_is_space((unsigned char)p->line[a])))
			a++;
		if (a == end)
			break;
		b = a;
		while (b < end && p->line[b] != ',' &&
		       !sp_is_space((unsigned char)p->line[b]))
			b++;
		rc = tag_add(p, a, b);
		if (rc != SC_OK)
			return rc;
		a = b;
	}
	if (p->s->ntags == 0)
		return sp_error(p, off, "'tags' lists no tag");
	return SC_OK;
}

/* join_line - add a repeated key's value, one space between lines */
static int join_line(struct sc_parser *p, struct sc_buf *b, size_t off,
		     size_t end)
{
	if (b->len)
		sc_buf_putc(b, ' ');
	sc_buf_append(b, p->line + off, end - off);
	return b->failed ? sp_nomem(p) : SC_OK;
}

/* key_quote - quote: the RFC sentence the verdict rests on */
static int key_quote(struct sc_parser *p, size_t off, size_t end)
{
	return join_line(p, &p->quote, off, end);
}

/* key_why - why: why a failing server is wrong */
static int key_why(struct sc_parser *p, size_t off, size_t end)
{
	return join_line(p, &p->why, off, end);
}

/* cond_add - append a zeroed condition for the current line */
static int cond_add(struct sc_parser *p, size_t off, struct sc_cond **out)
{
	struct sc_scenario *s = p->s;
	struct sc_cond *n;

	if (s->nconds >= SC_SCENARIO_MAX_CONDS)
		return sp_error(p, off, "more than %d conditions",
				SC_SCENARIO_MAX_CONDS);
	if (s->nconds == p->conds_cap) {
		n = realloc(s->conds, (p->conds_cap + 8) * sizeof(*n));
		if (n == NULL)
			return sp_nomem(p);
		s->conds = n;
		p->conds_cap += 8;
	}
	*out = &s->conds[s->nconds++];
	memset(*out, 0, sizeof(**out));
	(*out)->line = p->lineno;
	return SC_OK;
}

/* cond_number - a decimal integer, optionally negative, for a comparison */
static int cond_number(struct sc_parser *p, size_t a, size_t b,
		       long long *out)
{
	char buf[32], show[128], *endp;

	if (b > a && b - a < 20) {
		memcpy(buf, p->line + a, b - a);
		buf[b - a] = '\0';
		if ((buf[0] >= '0' && buf[0] <= '9') ||
		    (buf[0] == '-' && buf[1] >= '0' && buf[1] <= '9')) {
			*out = strtoll(buf, &endp, 10);
			if (*endp == '\0')
				return SC_OK;
		}
	}
	return sp_error(p, a, "bad number '%s' in condition",
			sp_show(p->line + a, b - a, show, sizeof(show)));
}

/* cond_param - "AUTH has PLAIN": PLAIN is an ehlo-param word */
static int cond_param(struct sc_parser *p, struct sc_cond *c, size_t a,
		      size_t b)
{
	char show[128];
	size_t i;

	if (a == b)
		return sp_error(p, a, "'has' needs a parameter, like "
				"'AUTH has PLAIN'");
	for (i = a; i < b; i++)
		if ((unsigned char)p->line[i] < 33 ||
		    (unsigned char)p->line[i] > 126)
			break;
	if (i < b || b - a >= sizeof(c->param))
		return sp_error(p, a, "bad EHLO parameter '%s'",
				sp_show(p->line + a, b - a, show,
					sizeof(show)));
	memcpy(c->param, p->line + a, b - a);
	c->param[b - a] = '\0';
	return SC_OK;
}

/* cond_keyword - store an ehlo-keyword upper-cased */
static int cond_keyword(struct sc_parser *p, struct sc_cond *c, size_t a,
			size_t b)
{
	char show[128];
	size_t i;

	if (!sp_ehlo_keyword_valid(p->line + a, b - a))
		return sp_error(p, a, "bad EHLO keyword '%s': use letters, "
				"digits and '-' (put blanks around operators)",
				sp_show(p->line + a, b - a, show,
					sizeof(show)));
	for (i = 0; i < b - a; i++) {
		char ch = p->line[a + i];

		c->keyword[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32)
							 : ch;
	}
	c->keyword[b - a] = '\0';
	return SC_OK;
}

/* cond_tail - what follows KEYWORD: nothing, "has PARAM" or "OP N" */
static int cond_tail(struct sc_parser *p, struct sc_cond *c, size_t *off,
		     size_t end)
{
	char show[128];
	size_t a = sp_skip_space(p, *off), b = sp_token_end(p, a), i;

	if (a >= end || word_is(p, a, b, "and")) {
		c->op = SC_COND_PRESENT;
		return SC_OK;
	}
	*off = sp_token_end(p, sp_skip_space(p, b));
	if (word_is(p, a, b, "has")) {
		c->op = SC_COND_HAS_PARAM;
		return cond_param(p, c, sp_skip_space(p, b), *off);
	}
	for (i = 0; i < sizeof(cond_ops) / sizeof(cond_ops[0]); i++) {
		if (!word_is(p, a, b, cond_ops[i].op))
			continue;
		c->op = cond_ops[i].cond;
		return cond_number(p, sp_skip_space(p, b), *off, &c->value);
	}
	return sp_error(p, a, "expected 'has', a comparison (< <= > >= == !=)"
			" or 'and' after '%s', found '%s'", c->keyword,
			sp_show(p->line + a, b - a, show, sizeof(show)));
}

/*
 * cond_var - "$auth_user": holds when the variable is not empty, for
 * scenarios that need what only the command line can give (test
 * credentials).  The name must be defined, as in C: and R: lines.
 */
static int cond_var(struct sc_parser *p, struct sc_cond *c, size_t a,
		    size_t b)
{
	char show[128];
	size_t n = b - a - 1;

	if (!sc_var_name_valid(p->line + a + 1, n))
		return sp_error(p, a, "bad variable name '%s' in condition",
				sp_show(p->line + a + 1, n, show,
					sizeof(show)));
	memcpy(c->keyword, p->line + a + 1, n);
	c->keyword[n] = '\0';
	if (p->defined != NULL && sc_vars_get(p->defined, c->keyword) == NULL)
		return sp_error(p, a + 1, "undefined variable '%s'",
				c->keyword);
	c->op = SC_COND_VAR;
	return SC_OK;
}

/* cond_term - one term: KEYWORD, !KEYWORD, KEYWORD has P, KEYWORD OP N */
static int cond_term(struct sc_parser *p, size_t *off, size_t end)
{
	struct sc_cond *c = NULL;
	size_t a = *off, b = sp_token_end(p, a);
	int rc, neg = p->line[a] == '!';

	rc = cond_add(p, a, &c);
	if (rc == SC_OK && p->line[a] == '$') {
		*off = b;
		return cond_var(p, c, a, b);
	}
	if (rc == SC_OK && neg && b == a + 1)
		rc = sp_error(p, a, "'!' needs an EHLO keyword right after "
			      "it, like '!STARTTLS'");
	if (rc == SC_OK)
		rc = cond_keyword(p, c, a + neg, b);
	if (rc != SC_OK)
		return rc;
	*off = b;
	if (neg) {
		c->op = SC_COND_ABSENT;
		return SC_OK;
	}
	return cond_tail(p, c, off, end);
}

/* key_when - when: terms joined by "and"; all must hold */
static int key_when(struct sc_parser *p, size_t off, size_t end)
{
	char show[128];
	size_t b;
	int rc;

	for (;;) {
		rc = cond_term(p, &off, end);
		if (rc != SC_OK)
			return rc;
		off = sp_skip_space(p, off);
		if (off >= end)
			return SC_OK;
		b = sp_token_end(p, off);
		if (!word_is(p, off, b, "and"))
			return sp_error(p, off, "expected 'and' between "
					"conditions, found '%s'",
					sp_show(p->line + off, b - off, show,
						sizeof(show)));
		off = sp_skip_space(p, b);
		if (off >= end)
			return sp_error(p, off, "missing condition after "
					"'and'");
	}
}

/* one_duration - a duration that must be the whole value */
static int one_duration(struct sc_parser *p, size_t off, size_t end,
			unsigned *ms)
{
	char show[128];
	size_t b = sp_token_end(p, off), c = sp_skip_space(p, b);

	if (b < end)
		return sp_error(p, c, "unexpected '%s' after the duration",
				sp_show(p->line + c, end - c, show,
					sizeof(show)));
	return sp_duration(p, off, end, ms);
}

/* key_timeout - timeout: the whole scenario's deadline */
static int key_timeout(struct sc_parser *p, size_t off, size_t end)
{
	return one_duration(p, off, end, &p->s->timeout_ms);
}

/* key_step_timeout - step-timeout: the default deadline of each step */
static int key_step_timeout(struct sc_parser *p, size_t off, size_t end)
{
	return one_duration(p, off, end, &p->s->step_timeout_ms);
}

/* yes_no - "yes" or "no" (any case) into *flag, else an error for key */
static int yes_no(struct sc_parser *p, size_t off, size_t end,
		  const char *key, int *flag)
{
	char show[128];

	if (end - off == 3 && strncasecmp(p->line + off, "yes", 3) == 0) {
		*flag = 1;
		return SC_OK;
	}
	if (end - off == 2 && strncasecmp(p->line + off, "no", 2) == 0) {
		*flag = 0;
		return SC_OK;
	}
	return sp_error(p, off, "bad value '%s' for '%s': expected yes or "
			"no", sp_show(p->line + off, end - off, show,
				      sizeof(show)), key);
}

/* key_exclusive - exclusive: yes|no, must the scenario run alone? */
static int key_exclusive(struct sc_parser *p, size_t off, size_t end)
{
	return yes_no(p, off, end, "exclusive", &p->s->exclusive);
}

/* key_slow - slow: yes|no, does it take minutes (run only with --slow)? */
static int key_slow(struct sc_parser *p, size_t off, size_t end)
{
	return yes_no(p, off, end, "slow", &p->s->slow);
}

/*
 * key_on_421 - on-421: fail | end-session.  RFC 5321 3.8 lets a server
 * close any session with 421 (7.8: to defend itself); end-session says
 * that for this scenario a 421 followed by the close is an acceptable
 * end of that session rather than a failure.
 */
static int key_on_421(struct sc_parser *p, size_t off, size_t end)
{
	char show[128];

	if (end - off == 4 && strncasecmp(p->line + off, "fail", 4) == 0) {
		p->s->on_421_ends_session = 0;
		return SC_OK;
	}
	if (end - off == 11 &&
	    strncasecmp(p->line + off, "end-session", 11) == 0) {
		p->s->on_421_ends_session = 1;
		return SC_OK;
	}
	return sp_error(p, off, "bad value '%s' for 'on-421': expected fail "
			"or end-session", sp_show(p->line + off, end - off,
						  show, sizeof(show)));
}

/*
 * sp_header_line - "key: value"; the key is line[key_off..key_end) and
 * a ':' follows it.  Blanks around the value are not part of it.
 */
int sp_header_line(struct sc_parser *p, size_t key_off, size_t key_end)
{
	const struct header_key *k;
	char show[128];
	size_t off, end = p->len;

	k = key_find(p->line + key_off, key_end - key_off);
	sp_show(p->line + key_off, key_end - key_off, show, sizeof(show));
	if (k == NULL)
		return sp_error(p, key_off, "unknown key '%s'", show);
	if (p->in_steps)
		return sp_error(p, key_off, "header key '%s' after the first "
				"step (line %u): the header comes first", show,
				p->first_step_line);
	if (!k->repeatable && p->key_line[k->key])
		return sp_error(p, key_off, "duplicate key '%s' (first set on "
				"line %u)", show, p->key_line[k->key]);
	off = sp_skip_space(p, key_end + 1);
	while (end > off && sp_is_space((unsigned char)p->line[end - 1]))
		end--;
	if (off == end)
		return sp_error(p, off, "missing value for '%s'", show);
	p->key_line[k->key] = p->lineno;
	return k->fn(p, off, end);
}

/* sp_header_finish - required keys present; joined texts handed over */
int sp_header_finish(struct sc_parser *p)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (header_keys[i].required &&
		    p->key_line[header_keys[i].key] == 0)
			return sc_error_at(p->err, SC_ERR_SYNTAX, p->path, 0,
					   0, "missing required key '%s'",
					   header_keys[i].name);
	if (p->quote.failed || p->why.failed)
		return sp_nomem(p);
	if (p->quote.len)
		p->s->quote = sc_buf_steal(&p->quote);
	if (p->why.len)
		p->s->why = sc_buf_steal(&p->why);
	if (p->s->nconds > 0 && (p->s->when = sc_conds_text(p->s)) == NULL)
		return sp_nomem(p);
	return SC_OK;
}
