/*
 * scenario_send.c - what a scenario sends: C: lines, R: raw strings and
 * ${...} variable references, parsed into struct sc_template.
 *
 * A C: line is a command as the user would type it; the CRLF that
 * RFC 5321 2.3.8 requires at the end of every command line is added
 * here.  R: lines are for what a well-behaved client would never send
 * (bare LF, NUL, over-long lines), so they add nothing and spell bytes
 * with escapes.  Variables are checked now and expanded at run time by
 * sc_template_expand() in template.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_int.h"

/* One backslash escape of an R: string and the byte it stands for. */
static const struct {
	char c;
	char byte;
} r_escapes[] = {
	{ 'r', '\r' }, { 'n', '\n' }, { 't', '\t' }, { '0', '\0' },
	{ '\\', '\\' }, { '"', '"' },
};

/*
 * sp_grow_pow2 - make room for element n of an array whose capacity is
 * implied by its length (4, 8, 16, ...), so that the public structs
 * need no capacity field and appends stay amortised O(1).
 */
int sp_grow_pow2(void **arr, size_t n, size_t size)
{
	size_t cap;
	void *q;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return 0;
	cap = n == 0 ? 4 : n * 2;
	if (cap > SIZE_MAX / size)
		return -1;
	q = realloc(*arr, cap * size);
	if (q == NULL)
		return -1;
	*arr = q;
	return 0;
}

/* piece_push - append an empty piece (repeat 1) to t */
static struct sc_tpiece *piece_push(struct sc_template *t)
{
	struct sc_tpiece *pc;

	if (sp_grow_pow2((void **)&t->pieces, t->npieces, sizeof(*pc)) < 0)
		return NULL;
	pc = &t->pieces[t->npieces++];
	memset(pc, 0, sizeof(*pc));
	pc->repeat = 1;
	return pc;
}

/* part_push - append an empty part to pc */
static struct sc_tpart *part_push(struct sc_tpiece *pc)
{
	struct sc_tpart *pt;

	if (sp_grow_pow2((void **)&pc->parts, pc->nparts, sizeof(*pt)) < 0)
		return NULL;
	pt = &pc->parts[pc->nparts++];
	memset(pt, 0, sizeof(*pt));
	return pt;
}

/* flush_literal - the bytes collected in scratch become one part */
static int flush_literal(struct sc_parser *p, struct sc_tpiece *pc)
{
	struct sc_tpart *pt;

	if (p->scratch.failed)
		return sp_nomem(p);
	if (p->scratch.len == 0)
		return SC_OK;
	pt = part_push(pc);
	if (pt == NULL)
		return sp_nomem(p);
	pt->len = p->scratch.len;
	pt->bytes = sc_buf_steal(&p->scratch);
	return SC_OK;
}

/* var_defined - is line[a..b) a variable the caller defined? */
static int var_defined(const struct sc_parser *p, size_t a, size_t b)
{
	char name[SC_VAR_NAME_MAX];

	if (p->defined == NULL || b - a >= sizeof(name))
		return 0;
	memcpy(name, p->line + a, b - a);
	name[b - a] = '\0';
	return sc_vars_get(p->defined, name) != NULL;
}

/* trim - shrink [*a, *b) past blanks on both ends */
static void trim(const struct sc_parser *p, size_t *a, size_t *b)
{
	while (*a < *b && sp_is_space((unsigned char)p->line[*a]))
		(*a)++;
	while (*b > *a && sp_is_space((unsigned char)p->line[*b - 1]))
		(*b)--;
}

/* all_digits - is line[a..b) non-empty and only 0-9? */
static int all_digits(const struct sc_parser *p, size_t a, size_t b)
{
	if (a == b)
		return 0;
	for (; a < b; a++)
		if (p->line[a] < '0' || p->line[a] > '9')
			return 0;
	return 1;
}

/*
 * var_split - find the offset in "${name + N}" / "${name - N}".  A name
 * may itself contain '-', so a trailing "-N" is an offset unless the
 * whole text names a defined variable: ${ehlo.SIZE-1} subtracts.
 * Returns 1 when there is an offset: the name ends at *nb and the
 * number starts at *ua; 0 when all of [a, b) is the name.
 */
static int var_split(const struct sc_parser *p, size_t a, size_t b,
		     size_t *nb, size_t *ua, int *neg)
{
	size_t q, u, e;

	*nb = b;
	*neg = 0;
	if (var_defined(p, a, b))
		return 0;
	for (q = a; q < b && p->line[q] != '+'; q++)
		;
	if (q < b) {
		*nb = q;
		*ua = q + 1;
		return 1;
	}
	for (q = b; q > a + 1; q--) {
		if (p->line[q - 1] != '-')
			continue;
		u = q;
		e = b;
		trim(p, &u, &e);
		if (!all_digits(p, u, e))
			return 0;
		*nb = q - 1;
		*ua = q;
		*neg = 1;
		return 1;
	}
	return 0;
}

/* var_offset - the N of "${name + N}" in line[a..b) */
static int var_offset(struct sc_parser *p, size_t a, size_t b,
		      size_t dollar, size_t close, long long *add)
{
	char show[128];
	long long v = 0;
	size_t i;

	trim(p, &a, &b);
	if (!all_digits(p, a, b))
		return sp_error(p, dollar, "bad offset in '%s': expected a "
				"decimal number after '+' or '-'",
				sp_show(p->line + dollar, close + 1 - dollar,
					show, sizeof(show)));
	if (b - a > 15)
		return sp_error(p, dollar, "offset in '%s' is too large",
				sp_show(p->line + dollar, close + 1 - dollar,
					show, sizeof(show)));
	for (i = a; i < b; i++)
		v = v * 10 + (p->line[i] - '0');
	*add = v;
	return SC_OK;
}

/* var_name - check the name line[a..b) and store it in pt->var */
static int var_name(struct sc_parser *p, size_t a, size_t b, size_t dollar,
		    struct sc_tpart *pt)
{
	char show[128];
	size_t i;

	sp_show(p->line + a, b - a, show, sizeof(show));
	if (!sc_var_name_valid(p->line + a, b - a))
		return sp_error(p, dollar, "bad variable name '%s'", show);
	if (b - a >= 5 && memcmp(p->line + a, "ehlo.", 5) == 0) {
		if (!sp_ehlo_keyword_valid(p->line + a + 5, b - a - 5))
			return sp_error(p, dollar, "bad EHLO keyword in "
					"variable '%s'", show);
	} else if (!var_defined(p, a, b)) {
		return sp_error(p, dollar, "undefined variable '%s'", show);
	}
	pt->var = strndup(p->line + a, b - a);
	if (pt->var == NULL)
		return sp_nomem(p);
	/* EHLO keywords are case-insensitive; store them as caps does. */
	if (strncmp(pt->var, "ehlo.", 5) == 0)
		for (i = 5; pt->var[i]; i++)
			if (pt->var[i] >= 'a' && pt->var[i] <= 'z')
				pt->var[i] = (char)(pt->var[i] - 32);
	return SC_OK;
}

/*
 * varref - "${...}" starting at line[dollar]; the '}' must come before
 * end.  Adds a variable part to pc and sets *next past the '}'.
 */
static int varref(struct sc_parser *p, size_t dollar, size_t end,
		  struct sc_tpiece *pc, size_t *next)
{
	const char *close = memchr(p->line + dollar + 2, '}',
				   end - dollar - 2);
	struct sc_tpart *pt;
	size_t a = dollar + 2, b, nb, ua = 0;
	long long add = 0;
	int neg, rc;

	if (close == NULL)
		return sp_error(p, dollar, "unterminated '${' (missing '}')");
	b = (size_t)(close - p->line);
	trim(p, &a, &b);
	if (a == b)
		return sp_error(p, dollar, "empty variable reference '${}'");
	if (var_split(p, a, b, &nb, &ua, &neg)) {
		rc = var_offset(p, ua, b, dollar, (size_t)(close - p->line),
				&add);
		if (rc != SC_OK)
			return rc;
	}
	trim(p, &a, &nb);
	rc = flush_literal(p, pc);
	if (rc != SC_OK)
		return rc;
	pt = part_push(pc);
	if (pt == NULL)
		return sp_nomem(p);
	pt->is_var = 1;
	pt->add = neg ? -add : add;
	*next = (size_t)(close - p->line) + 1;
	return var_name(p, a, nb, dollar, pt);
}

/*
 * dollar - a '$' at line[i]: "${" starts a reference, "$$" is one '$',
 * any other '$' is itself.  Sets *next to the first byte after it.
 */
static int dollar(struct sc_parser *p, size_t i, size_t end,
		  struct sc_tpiece *pc, size_t *next)
{
	if (i + 1 < end && p->line[i + 1] == '{')
		return varref(p, i, end, pc, next);
	sc_buf_putc(&p->scratch, '$');
	*next = i + (i + 1 < end && p->line[i + 1] == '$' ? 2 : 1);
	return SC_OK;
}

/* sp_send_c - "C: TEXT": TEXT as is (variables expanded) plus CRLF */
/* text_template - line[off, end) with its variables, plus eol */
static int text_template(struct sc_parser *p, size_t off, size_t end,
			 const char *eol, struct sc_template *t)
{
	struct sc_tpiece *pc = piece_push(t);
	const char *d;
	size_t i;
	int rc;

	if (pc == NULL)
		return sp_nomem(p);
	sc_buf_reset(&p->scratch);
	for (i = off; i < end;) {
		d = memchr(p->line + i, '$', end - i);
		if (d == NULL) {
			sc_buf_append(&p->scratch, p->line + i, end - i);
			break;
		}
		sc_buf_append(&p->scratch, p->line + i,
			      (size_t)(d - p->line) - i);
		rc = dollar(p, (size_t)(d - p->line), end, pc, &i);
		if (rc != SC_OK)
			return rc;
	}
	sc_buf_puts(&p->scratch, eol);
	return flush_literal(p, pc);
}

int sp_send_c(struct sc_parser *p, size_t off, struct sc_template *t)
{
	if (off < p->len && p->line[off] == ' ')
		off++;
	return text_template(p, off, p->len, "\r\n", t);
}

/* sp_text_template - line[off, end) with its variables, nothing added */
int sp_text_template(struct sc_parser *p, size_t off, size_t end,
		     struct sc_template *t)
{
	return text_template(p, off, end, "", t);
}

/* hexval - value of a hex digit, -1 otherwise */
static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* r_escape - the escape at line[i] ('\\'); sets *next past it */
static int r_escape(struct sc_parser *p, size_t i, size_t end, size_t *next)
{
	char show[128];
	int hi, lo;
	size_t k;

	for (k = 0; k < sizeof(r_escapes) / sizeof(r_escapes[0]); k++) {
		if (p->line[i + 1] == r_escapes[k].c) {
			sc_buf_putc(&p->scratch, r_escapes[k].byte);
			*next = i + 2;
			return SC_OK;
		}
	}
	if (p->line[i + 1] == 'x') {
		hi = i + 2 < end ? hexval((unsigned char)p->line[i + 2]) : -1;
		lo = i + 3 < end ? hexval((unsigned char)p->line[i + 3]) : -1;
		if (hi < 0 || lo < 0)
			return sp_error(p, i, "'\\x' needs exactly two hex "
					"digits, like \\x0d");
		sc_buf_putc(&p->scratch, hi * 16 + lo);
		*next = i + 4;
		return SC_OK;
	}
	return sp_error(p, i, "unknown escape '\\%s' (use \\r \\n \\t \\0 "
			"\\\\ \\\" or \\xHH)",
			sp_show(p->line + i + 1, 1, show, sizeof(show)));
}

/* r_string_end - index of the closing quote of the string at off */
static size_t r_string_end(const struct sc_parser *p, size_t off)
{
	size_t i = off + 1;

	while (i < p->len && p->line[i] != '"')
		i += p->line[i] == '\\' ? 2 : 1;
	return i;
}

/* r_string - the quoted string at line[off]; one piece of t */
static int r_string(struct sc_parser *p, size_t off, struct sc_template *t,
		    size_t *next)
{
	size_t end = r_string_end(p, off), i = off + 1;
	struct sc_tpiece *pc;
	int rc = SC_OK;

	if (end >= p->len)
		return sp_error(p, off, "unterminated string (missing closing "
				"'\"')");
	pc = piece_push(t);
	if (pc == NULL)
		return sp_nomem(p);
	sc_buf_reset(&p->scratch);
	while (i < end && rc == SC_OK) {
		if (p->line[i] == '\\')
			rc = r_escape(p, i, end, &i);
		else if (p->line[i] == '$')
			rc = dollar(p, i, end, pc, &i);
		else
			sc_buf_putc(&p->scratch, p->line[i++]);
	}
	if (rc == SC_OK)
		rc = flush_literal(p, pc);
	*next = end + 1;
	return rc;
}

/* r_repeat - the N of "* N" at line[off]; sets the last piece's repeat */
static int r_repeat(struct sc_parser *p, size_t off, struct sc_template *t,
		    size_t *next)
{
	char show[128];
	size_t a = sp_skip_space(p, off + 1), b = a;
	unsigned long n = 0;

	while (b < p->len && !sp_is_space((unsigned char)p->line[b]) &&
	       p->line[b] != '"')
		b++;
	if (a == b)
		return sp_error(p, off, "'*' needs a repeat count, like "
				"'\"a\" * 600'");
	if (all_digits(p, a, b) && b - a <= 9) {
		for (*next = a; *next < b; (*next)++)
			n = n * 10 + (unsigned long)(p->line[*next] - '0');
		if (n >= 1 && n <= SC_REPEAT_MAX) {
			t->pieces[t->npieces - 1].repeat = n;
			return SC_OK;
		}
	}
	return sp_error(p, a, "bad repeat count '%s': expected a whole "
			"number from 1 to %d",
			sp_show(p->line + a, b - a, show, sizeof(show)),
			SC_REPEAT_MAX);
}

/* r_unexpected - the error for a byte that cannot start an R: item */
static int r_unexpected(struct sc_parser *p, size_t off, size_t nstr)
{
	char show[128];

	if (nstr == 0)
		return sp_error(p, off, "expected a double-quoted string "
				"after 'R:'");
	if (p->line[off] == '*')
		return sp_error(p, off, "unexpected '*': one repeat count per "
				"string");
	return sp_error(p, off, "unexpected '%s' in R: line (expected a "
			"double-quoted string, '* N' or '# comment')",
			sp_show(p->line + off, sp_token_end(p, off) - off,
				show, sizeof(show)));
}

/* sp_send_r - "R: "a" * 3 "b\r\n" # note": raw bytes, no CRLF added */
int sp_send_r(struct sc_parser *p, size_t off, struct sc_template *t,
	      char **note)
{
	size_t nstr = 0, end;
	int rc;

	for (off = sp_skip_space(p, off); off < p->len;
	     off = sp_skip_space(p, off)) {
		if (p->line[off] == '#' && nstr > 0 &&
		    sp_is_space((unsigned char)p->line[off - 1])) {
			end = p->len;
			off = sp_skip_space(p, off + 1);
			while (end > off &&
			       sp_is_space((unsigned char)p->line[end - 1]))
				end--;
			*note = end > off ? strndup(p->line + off, end - off)
					  : NULL;
			return (end > off && *note == NULL) ? sp_nomem(p)
							    : SC_OK;
		}
		if (p->line[off] != '"')
			return r_unexpected(p, off, nstr);
		rc = r_string(p, off, t, &off);
		nstr++;
		end = sp_skip_space(p, off);
		if (rc == SC_OK && end < p->len && p->line[end] == '*')
			rc = r_repeat(p, end, t, &off);
		if (rc != SC_OK)
			return rc;
	}
	if (nstr == 0)
		return r_unexpected(p, off, 0);
	return SC_OK;
}

/* piece_free - release one piece's parts */
static void piece_free(struct sc_tpiece *pc)
{
	size_t i;

	for (i = 0; i < pc->nparts; i++) {
		free(pc->parts[i].bytes);
		free(pc->parts[i].var);
	}
	free(pc->parts);
}

/* sp_template_free - release a template's pieces */
void sp_template_free(struct sc_template *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->npieces; i++)
		piece_free(&t->pieces[i]);
	free(t->pieces);
	t->pieces = NULL;
	t->npieces = 0;
}

/* sp_template_move - append src's pieces to dst; src ends up empty */
int sp_template_move(struct sc_template *dst, struct sc_template *src)
{
	struct sc_tpiece *pc;
	size_t i;
	int rc = SC_OK;

	for (i = 0; i < src->npieces; i++) {
		pc = piece_push(dst);
		if (pc == NULL) {
			rc = SC_ERR_NOMEM;
			break;
		}
		*pc = src->pieces[i];
	}
	for (; i < src->npieces; i++)
		piece_free(&src->pieces[i]);
	free(src->pieces);
	src->pieces = NULL;
	src->npieces = 0;
	return rc;
}

/* sp_template_static_size - literal bytes a template sends, saturating */
size_t sp_template_static_size(const struct sc_template *t)
{
	size_t total = 0, one, i, k;
	const struct sc_tpiece *pc;

	for (i = 0; i < t->npieces; i++) {
		pc = &t->pieces[i];
		one = 0;
		for (k = 0; k < pc->nparts; k++)
			one += pc->parts[k].len;
		if (one && pc->repeat > (SIZE_MAX - total) / one)
			return SIZE_MAX;
		total += one * pc->repeat;
	}
	return total;
}
