/*
 * scenario_expect.c - S: lines, what a scenario accepts as the reply.
 *
 *   S: [!]PAT(|PAT)* [ENHANCED] [/REGEX/] [closed] [premise] [# note]
 *
 * PAT follows RFC 5321 4.2's Reply-code (%x32-35 %x30-35 %x30-39) with
 * 'x' for "any digit"; ENHANCED follows RFC 3463 2 (class "." subject
 * "." detail).  RFC 2034 4: "All status codes returned by the server
 * must agree with the primary response code, that is, a 2xx response
 * must incorporate a 2.X.X code", so an S: line whose enhanced class
 * no listed reply code can carry is refused as a scenario bug.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_int.h"

/* What each position of a reply code may hold (RFC 5321 4.2). */
static const struct {
	char lo, hi;
	const char *rule;
} code_digits[3] = {
	{ '2', '5', "first digit must be 2-5 or x" },
	{ '0', '5', "second digit must be 0-5 or x" },
	{ '0', '9', "third digit must be 0-9 or x" },
};

/* The stages of an S: line, in the order they must come. */
enum expect_stage {
	ST_CODES, ST_ENHANCED, ST_REGEX, ST_CLOSED, ST_PREMISE
};

/* code_pattern - one PAT, line[a..b), into cp */
static int code_pattern(struct sc_parser *p, size_t a, size_t b,
			struct sc_code_pattern *cp)
{
	char show[128];
	size_t i;
	char c;

	sp_show(p->line + a, b - a, show, sizeof(show));
	if (a == b)
		return sp_error(p, a, "empty reply code pattern (separate "
				"alternatives with '|', like 250|251)");
	if (b - a != 3)
		return sp_error(p, a, "bad reply code pattern '%s': a pattern "
				"is three characters, like 250 or 5xx", show);
	for (i = 0; i < 3; i++) {
		c = p->line[a + i];
		if (c == 'x' || c == 'X')
			c = 'x';
		else if (c < code_digits[i].lo || c > code_digits[i].hi)
			return sp_error(p, a, "bad reply code pattern '%s': "
					"%s", show, code_digits[i].rule);
		cp->d[i] = c;
	}
	return SC_OK;
}

/* code_list - "[!]PAT(|PAT)*" in line[a..b) */
static int code_list(struct sc_parser *p, size_t a, size_t b,
		     struct sc_expect *e)
{
	size_t q;
	int rc;

	if (a < b && p->line[a] == '!') {
		e->negate = 1;
		a++;
	}
	for (;;) {
		for (q = a; q < b && p->line[q] != '|'; q++)
			;
		if (e->nalts >= SC_EXPECT_MAX_ALTS)
			return sp_error(p, a, "more than %d reply code "
					"alternatives", SC_EXPECT_MAX_ALTS);
		rc = code_pattern(p, a, q, &e->alts[e->nalts]);
		if (rc != SC_OK)
			return rc;
		e->nalts++;
		if (q == b)
			return SC_OK;
		a = q + 1;
	}
}

/* enh_field - "x" or 1 to 3 digits */
static int enh_field(const char *s, size_t n)
{
	size_t i;

	if (n == 1 && (s[0] == 'x' || s[0] == 'X'))
		return 1;
	if (n == 0 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* enh_check - the rule line[a..b) breaks, NULL when it is a pattern */
static const char *enh_check(const struct sc_parser *p, size_t a, size_t b)
{
	const char *s = p->line + a, *d1, *d2;
	size_t n = b - a;

	d1 = memchr(s, '.', n);
	d2 = d1 ? memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - s)) : NULL;
	if (d1 == NULL || d2 == NULL || memchr(d2 + 1, '.',
					       n - (size_t)(d2 + 1 - s)))
		return "expected class.subject.detail, like 5.5.1 or 5.x.x";
	if (d1 - s != 1 || strchr("245xX", s[0]) == NULL)
		return "class must be 2, 4, 5 or x";
	if (!enh_field(d1 + 1, (size_t)(d2 - d1 - 1)))
		return "subject must be x or 1 to 3 digits";
	if (!enh_field(d2 + 1, (size_t)(s + n - d2 - 1)))
		return "detail must be x or 1 to 3 digits";
	return NULL;
}

/* class_fits - can a reply code of e carry enhanced class c? */
static int class_fits(const struct sc_expect *e, char c)
{
	size_t i;

	if (e->negate || c == 'x')
		return 1;
	for (i = 0; i < e->nalts; i++)
		if (e->alts[i].d[0] == 'x' || e->alts[i].d[0] == c)
			return 1;
	return 0;
}

/* enhanced - an enhanced-code pattern in line[a..b), stored lower-case */
static int enhanced(struct sc_parser *p, size_t a, size_t b,
		    struct sc_expect *e)
{
	const char *why = enh_check(p, a, b);
	char show[128];
	size_t i;

	sp_show(p->line + a, b - a, show, sizeof(show));
	if (why == NULL && b - a >= sizeof(e->enhanced))
		why = "expected class.subject.detail, like 5.5.1 or 5.x.x";
	if (why != NULL)
		return sp_error(p, a, "bad enhanced code pattern '%s': %s",
				show, why);
	for (i = 0; i < b - a; i++)
		e->enhanced[i] = p->line[a + i] == 'X' ? 'x' : p->line[a + i];
	e->enhanced[b - a] = '\0';
	if (!class_fits(e, e->enhanced[0]))
		return sp_error(p, a, "enhanced code '%s' cannot go with "
				"reply code %.3s: its class must be the "
				"reply's first digit (RFC 2034 4)", show,
				e->alts[0].d);
	return SC_OK;
}

/* One group level of regex_cost(): its size so far and its last atom's. */
struct rx_frame {
	unsigned long sum;
	unsigned long last;
};

/* sat_add - a + b, stuck at the cap once past it */
static unsigned long sat_add(unsigned long a, unsigned long b)
{
	return a + b > SC_SCENARIO_REGEX_COST_MAX ?
	       SC_SCENARIO_REGEX_COST_MAX + 1 : a + b;
}

/* sat_mul - a * b, stuck at the cap once past it */
static unsigned long sat_mul(unsigned long a, unsigned long b)
{
	if (a != 0 && b > (SC_SCENARIO_REGEX_COST_MAX + 1) / a)
		return SC_SCENARIO_REGEX_COST_MAX + 1;
	return a * b > SC_SCENARIO_REGEX_COST_MAX ?
	       SC_SCENARIO_REGEX_COST_MAX + 1 : a * b;
}

/* rx_bound - the larger number of "{n}", "{n,}" or "{n,m}" at *s ('{') */
static unsigned long rx_bound(const char **s)
{
	unsigned long n = 0, m = 0;

	for ((*s)++; **s >= '0' && **s <= '9'; (*s)++)
		n = sat_add(sat_mul(n, 10), (unsigned long)(**s - '0'));
	if (**s == ',')
		for ((*s)++; **s >= '0' && **s <= '9'; (*s)++)
			m = sat_add(sat_mul(m, 10),
				    (unsigned long)(**s - '0'));
	if (**s == '}')
		(*s)++;
	/* "{n,}" is n copies and a star: count it as n + 1. */
	return (m > n ? m : n) + 1;
}

/* rx_atom - one atom of size 1 at this level */
static void rx_atom(struct rx_frame *f)
{
	f->last = 1;
	f->sum = sat_add(f->sum, 1);
}

/* rx_bracket - skip a bracket expression at *s ('['); ']' first is literal */
static void rx_bracket(const char **s)
{
	(*s)++;
	if (**s == '^')
		(*s)++;
	if (**s == ']')
		(*s)++;
	while (**s && **s != ']')
		(*s)++;
	if (**s)
		(*s)++;
}

/* rx_is_dup - does s start a repetition operator? */
static int rx_is_dup(const char *s)
{
	return *s == '*' || *s == '+' || *s == '?' ||
	       (*s == '{' && ((s[1] >= '0' && s[1] <= '9') || s[1] == ','));
}

/* rx_dup - apply the repetition operator at *s to the last atom of f */
static void rx_dup(struct rx_frame *f, const char **s)
{
	unsigned long k;

	if (**s == '{') {
		k = rx_bound(s);
		f->sum = sat_add(f->sum, sat_mul(f->last, k));
		f->last = sat_mul(f->last, k);
		return;
	}
	if (**s == '+') {
		/* regcomp() turns "a+" into "aa*": another copy. */
		f->sum = sat_add(f->sum, f->last);
		f->last = sat_mul(f->last, 2);
	} else {
		/* '*' and '?' put one node around the last atom. */
		f->sum = sat_add(f->sum, 1);
		f->last = sat_add(f->last, 1);
	}
	(*s)++;
}

/* RX_ADJACENT - regex_cost(): two repetition operators in a row */
#define RX_ADJACENT	((unsigned long)-1)

/*
 * regex_cost - about how many nodes regcomp() builds: it unrolls each
 * {n,m} into copies and each '+' into one more, so nested bounds
 * multiply ("((a{255}){255}){255}" is 16 million nodes and minutes of
 * work from a 20-byte line).  Operators in a row ("a*+++") cost worse
 * still; POSIX leaves them undefined, so they are refused outright.
 */
static unsigned long regex_cost(const char *s)
{
	struct rx_frame st[SC_SCENARIO_REGEX_MAX + 2];
	size_t top = 0;
	unsigned long inner;
	int dup = 0;

	memset(&st[0], 0, sizeof(st[0]));
	while (*s) {
		if (rx_is_dup(s)) {
			if (dup)
				return RX_ADJACENT;
			rx_dup(&st[top], &s);
			dup = 1;
			continue;
		}
		dup = 0;
		if (*s == '(' && top + 1 < sizeof(st) / sizeof(st[0])) {
			memset(&st[++top], 0, sizeof(st[0]));
			s++;
		} else if (*s == ')' && top > 0) {
			inner = sat_add(st[top--].sum, 1);
			st[top].last = inner;
			st[top].sum = sat_add(st[top].sum, inner);
			s++;
		} else if (*s == '[') {
			rx_bracket(&s);
			rx_atom(&st[top]);
		} else {
			s += (*s == '\\' && s[1]) ? 2 : 1;
			rx_atom(&st[top]);
		}
	}
	/* Unclosed groups still cost what they hold. */
	while (top > 0) {
		inner = st[top--].sum;
		st[top].sum = sat_add(st[top].sum, inner);
	}
	return st[0].sum;
}

/* regex_compile - validate e->text_regex as regcomp() will see it */
static int regex_compile(struct sc_parser *p, size_t off, const char *re)
{
	char why[256], show[128];
	unsigned long cost;
	regex_t rx;
	int rc;

	sp_show(re, strlen(re), show, sizeof(show));
	cost = regex_cost(re);
	if (cost == RX_ADJACENT)
		return sp_error(p, off, "bad regex '%s': a repetition "
				"operator right after another ('a**', 'a+?') "
				"is undefined in POSIX; use a group", show);
	if (cost > SC_SCENARIO_REGEX_COST_MAX)
		return sp_error(p, off, "bad regex '%s': its {n,m} and + "
				"repetitions expand to over %d copies",
				show, SC_SCENARIO_REGEX_COST_MAX);
	rc = regcomp(&rx, re, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &rx, why, sizeof(why));
		return sp_error(p, off, "bad regex '%s': %s", show, why);
	}
	regfree(&rx);
	return SC_OK;
}

/* regex_scan - copy the body of "/.../" at line[off] into re */
static size_t regex_scan(const struct sc_parser *p, size_t off,
			 struct sc_buf *re)
{
	size_t i = off + 1, n;

	while (i < p->len && p->line[i] != '/') {
		if (p->line[i] == '\\' && i + 1 < p->len &&
		    p->line[i + 1] == '/') {
			sc_buf_putc(re, '/');
			i += 2;
			continue;
		}
		/* Other escapes stay for regcomp(); keep them whole. */
		n = p->line[i] == '\\' && i + 1 < p->len ? 2 : 1;
		sc_buf_append(re, p->line + i, n);
		i += n;
	}
	return i;
}

/* regex - "/.../" at line[off] ("\/" is a slash); sets *next past it */
static int regex(struct sc_parser *p, size_t off, struct sc_expect *e,
		 size_t *next)
{
	struct sc_buf re;
	size_t i;
	int rc = SC_OK;

	sc_buf_init(&re, SC_SCENARIO_REGEX_MAX + 1);
	i = regex_scan(p, off, &re);
	*next = i + 1;
	if (re.failed)
		rc = sp_nomem(p);
	else if (i >= p->len)
		rc = sp_error(p, off, "unterminated /regex/ (missing closing "
			      "'/')");
	else if (re.len == 0)
		rc = sp_error(p, off, "empty /regex/");
	else if (re.truncated)
		rc = sp_error(p, off, "/regex/ is longer than %d bytes",
			      SC_SCENARIO_REGEX_MAX);
	if (rc != SC_OK) {
		sc_buf_free(&re);
		return rc;
	}
	e->text_regex = sc_buf_steal(&re);
	return regex_compile(p, off, e->text_regex);
}

/* expect_word - a blank-separated word after the codes */
static int expect_word(struct sc_parser *p, size_t a, size_t b,
		       struct sc_expect *e, enum expect_stage *stage)
{
	char show[128];

	if (*stage < ST_ENHANCED && memchr(p->line + a, '.', b - a)) {
		*stage = ST_ENHANCED;
		return enhanced(p, a, b, e);
	}
	if (*stage < ST_CLOSED && b - a == 6 &&
	    memcmp(p->line + a, "closed", 6) == 0) {
		*stage = ST_CLOSED;
		e->then_closed = 1;
		return SC_OK;
	}
	if (*stage < ST_PREMISE && b - a == 7 &&
	    memcmp(p->line + a, "premise", 7) == 0) {
		*stage = ST_PREMISE;
		e->premise = 1;
		return SC_OK;
	}
	return sp_error(p, a, "unexpected '%s' (an S: line is: codes "
			"[enhanced code] [/regex/] [closed] [premise] "
			"[# comment])",
			sp_show(p->line + a, b - a, show, sizeof(show)));
}

/* expect_note - the "# comment" at line[off], trimmed */
static int expect_note(struct sc_parser *p, size_t off, char **note)
{
	size_t end = p->len;

	off = sp_skip_space(p, off + 1);
	while (end > off && sp_is_space((unsigned char)p->line[end - 1]))
		end--;
	if (end == off)
		return SC_OK;
	*note = strndup(p->line + off, end - off);
	return *note ? SC_OK : sp_nomem(p);
}

/* sp_expect - "S: ..." from line[off] into e */
int sp_expect(struct sc_parser *p, size_t off, struct sc_expect *e,
	      char **note)
{
	enum expect_stage stage = ST_CODES;
	size_t a = sp_skip_space(p, off), b = sp_token_end(p, a);
	int rc;

	if (a == b || p->line[a] == '#')
		return sp_error(p, a, "missing reply code after 'S:', like "
				"'S: 250'");
	rc = code_list(p, a, b, e);
	for (a = sp_skip_space(p, b); rc == SC_OK && a < p->len;
	     a = sp_skip_space(p, b)) {
		if (p->line[a] == '#')
			return expect_note(p, a, note);
		if (p->line[a] == '!' && a + 1 < p->len &&
		    p->line[a + 1] == '/' && stage < ST_REGEX) {
			e->text_negate = 1;
			a++;
		}
		if (p->line[a] == '/' && stage < ST_REGEX) {
			stage = ST_REGEX;
			rc = regex(p, a, e, &b);
			if (rc == SC_OK && b < p->len &&
			    !sp_is_space((unsigned char)p->line[b]))
				rc = sp_error(p, b, "put a blank after the "
					      "/regex/");
			continue;
		}
		b = sp_token_end(p, a);
		rc = expect_word(p, a, b, e, &stage);
	}
	return rc;
}
