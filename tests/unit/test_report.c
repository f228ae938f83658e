/*
 * test_report.c - JSON and JUnit reports (report.h), checked by an
 * independent strict JSON parser (RFC 8259) and XML 1.0
 * well-formedness checker written here, against ordinary results and
 * against hostile server text; and sc_write_atomic.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cunit_main.h"
#include "smtpconf/report.h"

/* ------------------------------------------------------------------ */
/* Independent UTF-8 check (RFC 3629 section 4), not the library's.   */

/* utf8_len - length of a valid sequence at s, 0 when invalid */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const struct {
		unsigned char lo, hi;	/* lead byte range */
		size_t len;
		uint32_t min;
	} forms[] = {
		{ 0x00, 0x7f, 1, 0 }, { 0xc2, 0xdf, 2, 0x80 },
		{ 0xe0, 0xef, 3, 0x800 }, { 0xf0, 0xf4, 4, 0x10000 },
	};
	size_t f, i;
	uint32_t c;

	for (f = 0; f < 4; f++)
		if (n > 0 && s[0] >= forms[f].lo && s[0] <= forms[f].hi)
			break;
	if (f == 4 || n < forms[f].len)
		return 0;
	c = f == 0 ? s[0] : s[0] & (0x7f >> (f + 1));
	for (i = 1; i < forms[f].len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < forms[f].min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return forms[f].len;
}

/* put_utf8 - encode cp into b */
static void put_utf8(struct sc_buf *b, uint32_t cp)
{
	char t[4];

	if (cp < 0x80) {
		t[0] = (char)cp;
		sc_buf_append(b, t, 1);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3f));
		sc_buf_append(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | cp >> 12);
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		sc_buf_append(b, t, 3);
	} else {
		t[0] = (char)(0xf0 | cp >> 18);
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		sc_buf_append(b, t, 4);
	}
}

/* ------------------------------------------------------------------ */
/* A strict recursive-descent JSON parser building a small tree.      */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype type;
	int boolean;
	long long num;		/* integers only; the schema has no others */
	int is_int;
	struct sc_buf str;	/* decoded string */
	char **keys;		/* J_OBJ */
	struct jv **kids;	/* J_ARR, J_OBJ */
	size_t nkids;
};

struct jp {
	const unsigned char *s;
	size_t n, i;
	unsigned depth;
	const char *error;
};

static struct jv *jp_value(struct jp *p);

/* jv_free - release a tree */
static void jv_free(struct jv *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nkids; i++) {
		jv_free(v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	sc_buf_free(&v->str);
	free(v);
}

/* jp_fail - record the first error */
static struct jv *jp_fail(struct jp *p, const char *why, struct jv *v)
{
	if (p->error == NULL)
		p->error = why;
	jv_free(v);
	return NULL;
}

/* jp_ws - RFC 8259 section 2: ws = *( %x20 / %x09 / %x0A / %x0D ) */
static void jp_ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\n\r", p->s[p->i]) && p->s[p->i])
		p->i++;
}

/* jv_new - a fresh node */
static struct jv *jv_new(enum jtype t)
{
	struct jv *v = calloc(1, sizeof(*v));

	if (v != NULL) {
		v->type = t;
		sc_buf_init(&v->str, 0);
	}
	return v;
}

/* jp_hex4 - four hex digits after \u */
static int jp_hex4(struct jp *p, uint32_t *out)
{
	uint32_t v = 0;
	int k;
	unsigned char c;

	if (p->n - p->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		c = p->s[p->i++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* jp_escape - one escape after the backslash (section 7) */
static int jp_escape(struct jp *p, struct sc_buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	uint32_t cp, lo;

	if (p->i >= p->n)
		return -1;
	k = p->s[p->i] ? strchr(from, p->s[p->i]) : NULL;
	if (k != NULL) {
		sc_buf_putc(b, to[k - from]);
		p->i++;
		return 0;
	}
	if (p->s[p->i++] != 'u' || jp_hex4(p, &cp) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -1;	/* lone low surrogate */
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->n - p->i < 2 || p->s[p->i] != '\\' ||
		    p->s[p->i + 1] != 'u')
			return -1;
		p->i += 2;
		if (jp_hex4(p, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(b, cp);
	return 0;
}

/* jp_string - a string into b */
static int jp_string(struct jp *p, struct sc_buf *b)
{
	uint32_t cp;
	size_t len;

	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	while (p->i < p->n) {
		if (p->s[p->i] == '"') {
			p->i++;
			return 0;
		}
		if (p->s[p->i] < 0x20)
			return -1;
		if (p->s[p->i] == '\\') {
			p->i++;
			if (jp_escape(p, b) < 0)
				return -1;
			continue;
		}
		len = utf8_len(p->s + p->i, p->n - p->i, &cp);
		if (len == 0)
			return -1;
		sc_buf_append(b, p->s + p->i, len);
		p->i += len;
	}
	return -1;
}

/* jp_digits - one or more digits */
static int jp_digits(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start ? 0 : -1;
}

/* jp_number - section 6 grammar */
static struct jv *jp_number(struct jp *p)
{
	struct jv *v = jv_new(J_NUM);
	size_t start = p->i;
	int neg = 0;

	if (v == NULL)
		return jp_fail(p, "oom", NULL);
	if (p->i < p->n && p->s[p->i] == '-')
		neg = 1, p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (jp_digits(p) < 0)
		return jp_fail(p, "bad number", v);
	v->is_int = 1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		v->is_int = 0;
		if (jp_digits(p) < 0)
			return jp_fail(p, "bad fraction", v);
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		v->is_int = 0;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (jp_digits(p) < 0)
			return jp_fail(p, "bad exponent", v);
	}
	if (v->is_int)
		v->num = strtoll((const char *)p->s + start + neg, NULL, 10) *
			 (neg ? -1 : 1);
	return v;
}

/* jv_push - append a child (and key) */
static int jv_push(struct jv *v, char *key, struct jv *kid)
{
	struct jv **k = realloc(v->kids, (v->nkids + 1) * sizeof(*k));
	char **keys;

	if (k == NULL)
		return -1;
	v->kids = k;
	if (v->type == J_OBJ) {
		keys = realloc(v->keys, (v->nkids + 1) * sizeof(*keys));
		if (keys == NULL)
			return -1;
		v->keys = keys;
		v->keys[v->nkids] = key;
	}
	v->kids[v->nkids++] = kid;
	return 0;
}

/* jv_has_key - duplicate member names are rejected */
static int jv_has_key(const struct jv *v, const char *key)
{
	size_t i;

	for (i = 0; i < v->nkids; i++)
		if (strcmp(v->keys[i], key) == 0)
			return 1;
	return 0;
}

/* jp_member - "key": value inside an object */
static int jp_member(struct jp *p, struct jv *v)
{
	struct sc_buf key;
	struct jv *kid;
	char *k;

	sc_buf_init(&key, 0);
	jp_ws(p);
	if (jp_string(p, &key) < 0 || memchr(key.data, 0, key.len)) {
		sc_buf_free(&key);
		return -1;
	}
	k = sc_buf_steal(&key);
	jp_ws(p);
	if (jv_has_key(v, k) || p->i >= p->n || p->s[p->i++] != ':') {
		free(k);
		return -1;
	}
	kid = jp_value(p);
	if (kid == NULL || jv_push(v, k, kid) < 0) {
		free(k);
		jv_free(kid);
		return -1;
	}
	return 0;
}

/* jp_container - an array or object; close is ']' or '}' */
static struct jv *jp_container(struct jp *p, enum jtype t, char close)
{
	struct jv *v = jv_new(t), *kid;

	if (v == NULL || ++p->depth > 64)
		return jp_fail(p, "too deep", v);
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return v;
	}
	for (;;) {
		if (t == J_OBJ) {
			if (jp_member(p, v) < 0)
				return jp_fail(p, "bad member", v);
		} else {
			kid = jp_value(p);
			if (kid == NULL || jv_push(v, NULL, kid) < 0)
				return jp_fail(p, "bad element", v);
		}
		jp_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			p->depth--;
			return v;
		}
		return jp_fail(p, "expected , or close", v);
	}
}

/* jp_literal - true, false, null */
static struct jv *jp_literal(struct jp *p, const char *word, enum jtype t,
			     int b)
{
	size_t len = strlen(word);
	struct jv *v;

	if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0)
		return jp_fail(p, "bad literal", NULL);
	p->i += len;
	v = jv_new(t);
	if (v != NULL)
		v->boolean = b;
	return v;
}

/* jp_value - any value, surrounded by optional whitespace */
static struct jv *jp_value(struct jp *p)
{
	struct jv *v;
	unsigned char c;

	jp_ws(p);
	if (p->i >= p->n)
		return jp_fail(p, "unexpected end", NULL);
	c = p->s[p->i];
	if (c == '{')
		v = jp_container(p, J_OBJ, '}');
	else if (c == '[')
		v = jp_container(p, J_ARR, ']');
	else if (c == '"') {
		v = jv_new(J_STR);
		if (v == NULL || jp_string(p, &v->str) < 0)
			return jp_fail(p, "bad string", v);
	} else if (c == 't')
		v = jp_literal(p, "true", J_BOOL, 1);
	else if (c == 'f')
		v = jp_literal(p, "false", J_BOOL, 0);
	else if (c == 'n')
		v = jp_literal(p, "null", J_NULL, 0);
	else if (c == '-' || (c >= '0' && c <= '9'))
		v = jp_number(p);
	else
		return jp_fail(p, "unexpected character", NULL);
	jp_ws(p);
	return v;
}

/* json_parse - a whole document, or NULL when it is not valid JSON */
static struct jv *json_parse(const char *s, size_t n)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0, NULL };
	struct jv *v = jp_value(&p);

	if (v != NULL && p.i != n)
		return jp_fail(&p, "trailing data", v);
	return v;
}

/* jget - follow a path like "results.1.transcript.0.text" */
static const struct jv *jget(const struct jv *v, const char *path)
{
	char seg[64];
	size_t len, i;
	char *end;
	unsigned long idx;

	while (v != NULL && *path) {
		len = strcspn(path, ".");
		if (len >= sizeof(seg))
			return NULL;
		memcpy(seg, path, len);
		seg[len] = '\0';
		path += len + (path[len] == '.');
		if (v->type == J_ARR) {
			idx = strtoul(seg, &end, 10);
			if (*end || idx >= v->nkids)
				return NULL;
			v = v->kids[idx];
			continue;
		}
		if (v->type != J_OBJ)
			return NULL;
		for (i = 0; i < v->nkids; i++)
			if (strcmp(v->keys[i], seg) == 0)
				break;
		v = i < v->nkids ? v->kids[i] : NULL;
	}
	return v;
}

/* jstr - string at path, or NULL */
static const char *jstr(const struct jv *root, const char *path)
{
	const struct jv *v = jget(root, path);

	return v && v->type == J_STR ? sc_buf_cstr(&v->str) : NULL;
}

/* jnum - integer at path, or LLONG_MIN-ish sentinel */
static long long jnum(const struct jv *root, const char *path)
{
	const struct jv *v = jget(root, path);

	return v && v->type == J_NUM && v->is_int ? v->num : -999999;
}

/* jtype_at - type at path, -1 when absent */
static int jtype_at(const struct jv *root, const char *path)
{
	const struct jv *v = jget(root, path);

	return v ? (int)v->type : -1;
}

/* jbool - boolean at path: 1, 0, or -1 when not a boolean */
static int jbool(const struct jv *root, const char *path)
{
	const struct jv *v = jget(root, path);

	return v && v->type == J_BOOL ? v->boolean : -1;
}

/* jcount - members or elements at path */
static size_t jcount(const struct jv *root, const char *path)
{
	const struct jv *v = jget(root, path);

	return v && (v->type == J_ARR || v->type == J_OBJ) ? v->nkids : 0;
}

/* ------------------------------------------------------------------ */
/* A small XML 1.0 well-formedness checker building a tree.           */

struct xattr {
	char *name;
	struct sc_buf value;
};

struct xel {
	char *name;
	struct xattr *attrs;
	size_t nattrs;
	struct xel **kids;
	size_t nkids;
	struct sc_buf text;	/* decoded character data of this element */
};

struct xp {
	const unsigned char *s;
	size_t n, i;
	unsigned depth;
};

/* xel_free - release a tree */
static void xel_free(struct xel *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nattrs; i++) {
		free(e->attrs[i].name);
		sc_buf_free(&e->attrs[i].value);
	}
	for (i = 0; i < e->nkids; i++)
		xel_free(e->kids[i]);
	free(e->attrs);
	free(e->kids);
	free(e->name);
	sc_buf_free(&e->text);
	free(e);
}

/* xml_char_ok - XML 1.0 production [2] Char */
static int xml_char_ok(uint32_t c)
{
	if (c < 0x20)
		return c == 0x9 || c == 0xa || c == 0xd;
	return !(c >= 0xd800 && c <= 0xdfff) && c != 0xfffe && c != 0xffff &&
	       c <= 0x10ffff;
}

/* xp_name - Name (ASCII subset: we only generate ASCII names) */
static char *xp_name(struct xp *p)
{
	size_t start = p->i;
	char *s;
	unsigned char c;

	while (p->i < p->n) {
		c = p->s[p->i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || c == ':' ||
		      (p->i > start && ((c >= '0' && c <= '9') || c == '-' ||
					c == '.'))))
			break;
		p->i++;
	}
	if (p->i == start)
		return NULL;
	s = malloc(p->i - start + 1);
	if (s != NULL) {
		memcpy(s, p->s + start, p->i - start);
		s[p->i - start] = '\0';
	}
	return s;
}

/* xp_ws - S production */
static void xp_ws(struct xp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

/* xp_reference - &name; or &#N; or &#xH; decoded into b */
static int xp_reference(struct xp *p, struct sc_buf *b)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	size_t k, len;
	char *end;
	unsigned long cp;
	char num[16];

	p->i++;	/* '&' */
	for (k = 0; k < 5; k++) {
		len = strlen(ents[k].name);
		if (p->n - p->i >= len &&
		    memcmp(p->s + p->i, ents[k].name, len) == 0) {
			sc_buf_putc(b, ents[k].c);
			p->i += len;
			return 0;
		}
	}
	if (p->i >= p->n || p->s[p->i] != '#')
		return -1;
	p->i++;
	len = 0;
	while (p->i < p->n && p->s[p->i] != ';' && len < sizeof(num) - 1)
		num[len++] = (char)p->s[p->i++];
	num[len] = '\0';
	if (p->i >= p->n || p->s[p->i] != ';' || len == 0)
		return -1;
	p->i++;
	if (num[0] == 'x')
		cp = strtoul(num + 1, &end, 16);
	else
		cp = strtoul(num, &end, 10);
	if (*end || end == num || !xml_char_ok((uint32_t)cp))
		return -1;
	put_utf8(b, (uint32_t)cp);
	return 0;
}

/* xp_chars - character data up to '<' (or the quote in an attribute) */
static int xp_chars(struct xp *p, struct sc_buf *b, unsigned char quote)
{
	uint32_t cp;
	size_t len;

	while (p->i < p->n && p->s[p->i] != '<' &&
	       (quote == 0 || p->s[p->i] != quote)) {
		if (p->s[p->i] == '&') {
			if (xp_reference(p, b) < 0)
				return -1;
			continue;
		}
		/* production [14]: "]]>" may not appear in content */
		if (quote == 0 && p->n - p->i >= 3 &&
		    memcmp(p->s + p->i, "]]>", 3) == 0)
			return -1;
		len = utf8_len(p->s + p->i, p->n - p->i, &cp);
		if (len == 0 || !xml_char_ok(cp))
			return -1;
		sc_buf_append(b, p->s + p->i, len);
		p->i += len;
	}
	return 0;
}

/* xp_attr - Name Eq AttValue */
static int xp_attr(struct xp *p, struct xel *e)
{
	struct xattr *a;
	unsigned char q;
	size_t k;
	char *name = xp_name(p);

	if (name == NULL)
		return -1;
	for (k = 0; k < e->nattrs; k++)
		if (strcmp(e->attrs[k].name, name) == 0)
			return free(name), -1;	/* WFC: Unique Att Spec */
	a = realloc(e->attrs, (e->nattrs + 1) * sizeof(*a));
	if (a == NULL)
		return free(name), -1;
	e->attrs = a;
	a = &e->attrs[e->nattrs++];
	a->name = name;
	sc_buf_init(&a->value, 0);
	xp_ws(p);
	if (p->i >= p->n || p->s[p->i++] != '=')
		return -1;
	xp_ws(p);
	if (p->i >= p->n || (p->s[p->i] != '"' && p->s[p->i] != '\''))
		return -1;
	q = p->s[p->i++];
	if (xp_chars(p, &a->value, q) < 0 || p->i >= p->n ||
	    p->s[p->i] != q)
		return -1;	/* includes a raw '<' in the value */
	p->i++;
	return 0;
}

static struct xel *xp_element(struct xp *p);

/* xp_content - text and child elements until "</" */
static int xp_content(struct xp *p, struct xel *e)
{
	struct xel *kid, **k;

	for (;;) {
		if (xp_chars(p, &e->text, 0) < 0 || p->i >= p->n)
			return -1;
		if (p->n - p->i >= 2 && p->s[p->i + 1] == '/')
			return 0;
		kid = xp_element(p);
		if (kid == NULL)
			return -1;
		k = realloc(e->kids, (e->nkids + 1) * sizeof(*k));
		if (k == NULL) {
			xel_free(kid);
			return -1;
		}
		e->kids = k;
		e->kids[e->nkids++] = kid;
	}
}

/* xp_element - '<' Name attrs ('/>' | '>' content '</' Name '>') */
static struct xel *xp_element(struct xp *p)
{
	struct xel *e;
	char *close;
	int ok;

	if (p->i >= p->n || p->s[p->i] != '<' || ++p->depth > 64)
		return NULL;
	p->i++;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	sc_buf_init(&e->text, 0);
	e->name = xp_name(p);
	if (e->name == NULL)
		goto bad;
	for (;;) {
		size_t before = p->i;

		xp_ws(p);
		if (p->i >= p->n)
			goto bad;
		if (p->s[p->i] == '/' || p->s[p->i] == '>')
			break;
		if (p->i == before || xp_attr(p, e) < 0)
			goto bad;	/* attributes need white space */
	}
	if (p->s[p->i] == '/') {
		if (p->n - p->i < 2 || p->s[p->i + 1] != '>')
			goto bad;
		p->i += 2;
		p->depth--;
		return e;
	}
	p->i++;
	if (xp_content(p, e) < 0)
		goto bad;
	p->i += 2;	/* "</" */
	close = xp_name(p);
	ok = close != NULL && strcmp(close, e->name) == 0;
	free(close);
	xp_ws(p);
	if (!ok || p->i >= p->n || p->s[p->i++] != '>')
		goto bad;
	p->depth--;
	return e;
bad:
	xel_free(e);
	return NULL;
}

/* xml_parse - XMLDecl? root element, white space only around it */
static struct xel *xml_parse(const char *s, size_t n)
{
	static const char decl[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
	struct xp p = { (const unsigned char *)s, n, 0, 0 };
	struct xel *root;

	if (n >= sizeof(decl) - 1 && memcmp(s, decl, sizeof(decl) - 1) == 0)
		p.i = sizeof(decl) - 1;
	xp_ws(&p);
	root = xp_element(&p);
	xp_ws(&p);
	if (root != NULL && p.i != n) {
		xel_free(root);
		return NULL;
	}
	return root;
}

/* xattr_get - attribute value, or NULL */
static const char *xattr_get(const struct xel *e, const char *name)
{
	size_t i;

	for (i = 0; e != NULL && i < e->nattrs; i++)
		if (strcmp(e->attrs[i].name, name) == 0)
			return sc_buf_cstr(&e->attrs[i].value);
	return NULL;
}

/* xchild - the nth child element named name, or NULL */
static const struct xel *xchild(const struct xel *e, const char *name,
				size_t nth)
{
	size_t i;

	for (i = 0; e != NULL && i < e->nkids; i++)
		if (strcmp(e->kids[i]->name, name) == 0 && nth-- == 0)
			return e->kids[i];
	return NULL;
}

/* xcount_named - elements named name anywhere below e (e included) */
static size_t xcount_named(const struct xel *e, const char *name)
{
	size_t i, n = strcmp(e->name, name) == 0;

	for (i = 0; i < e->nkids; i++)
		n += xcount_named(e->kids[i], name);
	return n;
}

/* ------------------------------------------------------------------ */
/* Fixture: a run with one result of every verdict, one hostile.      */

#define HOSTILE "<script>alert(1)</script> ]]> \"q\" 'a' \0 \x1b[31m \xff\xfe"
#define HOSTILE_LEN (sizeof(HOSTILE) - 1)
/* what sc_escape_display makes of HOSTILE */
#define HOSTILE_SHOWN "<script>alert(1)</script> ]]> \"q\" 'a' \\0 " \
		      "\\x1b[31m \\xff\\xfe"

static char *tags_conf[] = { "commands", "syntax" };

static struct sc_scenario scen[] = {
	{ .id = "rfc5321/commands/unknown", .path = "scenarios/rfc5321/"
	  "commands/unknown.smtp", .title = "Unknown command gets 500",
	  .rfc = "5321 4.2.4", .level = SC_LEVEL_MUST, .tags = tags_conf,
	  .ntags = 2, .quote = "a 500 reply <\"quoted\"> & more",
	  .why = "clients rely on it.\nSee\t4.2.4 \x01",
	  .when = "SIZE > 0 and AUTH has PLAIN" },
	{ .id = "rfc5321/commands/helo", .title = "HELO", .rfc = "5321",
	  .level = SC_LEVEL_MUST },
	{ .id = "rfc5321/pipelining/order", .title = "order",
	  .rfc = "2920", .level = SC_LEVEL_SHOULD },
	{ .id = "rfc3207/starttls", .title = "tls", .rfc = "3207",
	  .level = SC_LEVEL_SECURITY },
	{ .id = "toplevel", .title = "skip me", .rfc = "5321",
	  .level = SC_LEVEL_MAY },
	{ .id = "rfc5321/vrfy", .title = "VRFY", .rfc = "5321 3.5.3",
	  .level = SC_LEVEL_MUST },
	{ .id = "rfc5321/late", .title = "late", .rfc = "5321",
	  .level = SC_LEVEL_MUST },
	{ .id = "rfc5321/hostile", .title = "caf\xc3\xa9 \"title\"",
	  .rfc = "5321", .level = SC_LEVEL_MUST },
};

#define NRES (sizeof(scen) / sizeof(scen[0]))

struct fixture {
	struct sc_result res[NRES];
	struct sc_server_info server;
	struct sc_run_info info;
};

/* add_tx - append a transcript entry */
static void add_tx(struct sc_result *r, enum sc_tx_kind k, const char *ses,
		   const char *bytes, size_t len, size_t wire, unsigned line)
{
	long i = sc_result_add_tx(r, k, ses, bytes, len, wire,
				  (long long)r->ntx * 5, line);

	CU_ASSERT_FATAL(i >= 0);
}

/* fixture_caps - a typical EHLO reply plus one hostile parameter */
static void fixture_caps(struct sc_capabilities *c)
{
	static const char *const kw[][2] = {
		{ "SIZE", "10240000" }, { "AUTH", "PLAIN LOGIN" },
		{ "PIPELINING", "" }, { "X-EVIL", "\x1b]0;pwned\x07 <b>" },
	};
	size_t i;

	c->valid = 1;
	snprintf(c->domain, sizeof(c->domain), "mx.example.org");
	for (i = 0; i < 4; i++) {
		snprintf(c->items[i].keyword, sizeof(c->items[i].keyword),
			 "%s", kw[i][0]);
		snprintf(c->items[i].params, sizeof(c->items[i].params),
			 "%s", kw[i][1]);
	}
	c->count = 4;
	c->malformed = 1;
}

/* fixture_fail - result 0: a MUST failure with a transcript */
static void fixture_fail(struct sc_result *r)
{
	r->verdict = SC_VERDICT_FAIL;
	r->fail_level = SC_LEVEL_MUST;
	r->fail_line = 9;
	r->reason = strdup("The server answered 502 to an unknown command.\n"
			   "Second line of the paragraph.");
	r->expected = strdup("500 (Syntax error, command unrecognized)");
	r->observed = strdup("502 (Command not implemented), server said "
			     "\"not \\x1b here\"");
	r->duration_ms = 12;
	add_tx(r, SC_TX_EVENT, "main", "connected", 9, 9, 0);
	add_tx(r, SC_TX_SEND, "main", "XYZZY\r\n", 7, 7, 8);
	add_tx(r, SC_TX_REPLY, "main", "502 5.5.1 nope\r\n", 16, 16, 9);
	r->tx[r->ntx - 1].failed = 1;
}

/* fixture_hostile - result 7: every server field hostile */
static void fixture_hostile(struct sc_result *r)
{
	static const char reply[] = "250-ok\r\n250-" HOSTILE "\n250 end\r\n";
	char *big = malloc(SC_TRANSCRIPT_ENTRY_KEEP + 100);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	r->verdict = SC_VERDICT_FAIL;
	r->fail_level = SC_LEVEL_MUST;
	r->reason = malloc(HOSTILE_LEN + 1);
	memcpy(r->reason, HOSTILE, HOSTILE_LEN + 1);	/* cut at the NUL */
	r->observed = strdup("\x1b[2J</system-out>\xff]]>");
	add_tx(r, SC_TX_SEND, "s1", "EHLO x\r\n", 8, 8, 3);
	add_tx(r, SC_TX_REPLY, "s2", reply, sizeof(reply) - 1,
	       sizeof(reply) - 1, 4);
	memset(big, 'A', SC_TRANSCRIPT_ENTRY_KEEP + 100);
	add_tx(r, SC_TX_SEND, "s2", big, SC_TRANSCRIPT_ENTRY_KEEP + 100,
	       SC_TRANSCRIPT_ENTRY_KEEP + 100, 5);
	r->tx_dropped = 3;
	free(big);
}

/* fixture_init - the whole run */
static void fixture_init(struct fixture *f)
{
	static const char banner[] =
		"mx.example.org ESMTP \x1b[31m<script>\xff";
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < NRES; i++)
		f->res[i].scenario = &scen[i];
	fixture_fail(&f->res[0]);
	f->res[1].verdict = SC_VERDICT_PASS;
	f->res[1].duration_ms = 1500;
	f->res[2].verdict = SC_VERDICT_FAIL;
	f->res[2].fail_level = SC_LEVEL_SHOULD;
	f->res[2].reason = strdup("replies out of order");
	f->res[3].verdict = SC_VERDICT_ERROR;
	f->res[3].unreachable = 1;
	f->res[3].reason = strdup("could not connect: Connection refused");
	f->res[4].verdict = SC_VERDICT_SKIP;
	f->res[4].reason = strdup("needs PIPELINING");
	f->res[5].verdict = SC_VERDICT_WAIVED;
	f->res[5].fail_level = SC_LEVEL_MUST;
	f->res[5].reason = strdup("VRFY answered 550");
	f->res[5].waiver = strdup("known: ticket 12");
	f->res[6].verdict = SC_VERDICT_NOTRUN;
	fixture_hostile(&f->res[7]);

	f->server.reachable = 1;
	f->server.greeting_code = 220;
	f->server.banner = malloc(sizeof(banner));
	memcpy(f->server.banner, banner, sizeof(banner));
	f->server.banner_len = sizeof(banner) - 1;
	f->server.ehlo_code = 250;
	fixture_caps(&f->server.caps);

	f->info.tool_version = "0.1.0";
	f->info.target = "127.0.0.1:2525";
	f->info.command_line = "smtpconf --target 127.0.0.1:2525 \"a b\"";
	/* 1700000000 s after the epoch is 2023-11-14T22:13:20Z */
	f->info.started_unix_ms = 1700000000123LL;
	f->info.duration_ms = 4321;
	f->info.server = &f->server;
}

/* fixture_free - release the results and server info */
static void fixture_free(struct fixture *f)
{
	size_t i;

	for (i = 0; i < NRES; i++)
		sc_result_free(&f->res[i]);
	free(f->server.banner);
}

/* ------------------------------------------------------------------ */
/* JSON report                                                        */

/* json_of - build the report and parse it back (NULL if invalid) */
static struct jv *json_of(const struct sc_run_info *info,
			  const struct sc_result *r, size_t n,
			  struct sc_buf *out)
{
	struct jv *doc;

	sc_buf_init(out, 0);
	CU_ASSERT_EQUAL(sc_report_json(out, info, r, n), SC_OK);
	doc = json_parse(out->data, out->len);
	CU_ASSERT_PTR_NOT_NULL(doc);
	return doc;
}

/* The validator itself: it must reject what RFC 8259 rejects. */
static void test_json_validator(void)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\" 1}",
		"\"\x01\"", "\"\\x41\"", "\"\xff\"", "\"\\ud800\"", "01",
		"1.", "-", "tru", "{\"a\":1}{", "{\"a\":1,\"a\":2}", "[1 2]",
		"\"\xc0\xaf\"", "\"abc",
	};
	static const char *const good[] = {
		"{}", "[]", "0", "-1.5e+3", "\"\\ud83d\\ude00\"", "null",
		" { \"a\" : [ true , false , null , \"\xc3\xa9\" ] } ",
	};
	struct jv *v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_parse(bad[i], strlen(bad[i]));
		CU_ASSERT_PTR_NULL(v);
		jv_free(v);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = json_parse(good[i], strlen(good[i]));
		CU_ASSERT_PTR_NOT_NULL(v);
		jv_free(v);
	}
}

/* Header: format, version, the run's facts, ISO 8601 start time. */
static void test_json_header(void)
{
	struct fixture f;
	struct sc_buf out;
	struct jv *d;

	fixture_init(&f);
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->type, J_OBJ);
	/* the document starts with the format marker, two-space indent */
	CU_ASSERT_EQUAL(strncmp(out.data, "{\n  \"format\": ", 14), 0);
	CU_ASSERT_STRING_EQUAL(jstr(d, "format"), "smtpconf-results");
	CU_ASSERT_EQUAL(jnum(d, "version"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(d, "tool_version"), "0.1.0");
	CU_ASSERT_STRING_EQUAL(jstr(d, "target"), "127.0.0.1:2525");
	CU_ASSERT_STRING_EQUAL(jstr(d, "command_line"),
			       "smtpconf --target 127.0.0.1:2525 \"a b\"");
	CU_ASSERT_STRING_EQUAL(jstr(d, "started"), "2023-11-14T22:13:20.123Z");
	CU_ASSERT_EQUAL(jnum(d, "started_unix_ms"), 1700000000123LL);
	CU_ASSERT_EQUAL(jnum(d, "duration_ms"), 4321);
	CU_ASSERT_EQUAL(jbool(d, "interrupted"), 0);
	jv_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* Server: probe facts; banner and capabilities display-escaped. */
static void test_json_server(void)
{
	struct fixture f;
	struct sc_buf out;
	struct jv *d;

	fixture_init(&f);
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(jbool(d, "server.reachable"), 1);
	CU_ASSERT_EQUAL(jtype_at(d, "server.error"), J_NULL);
	CU_ASSERT_EQUAL(jnum(d, "server.greeting_code"), 220);
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.banner"),
			       "mx.example.org ESMTP \\x1b[31m<script>\\xff");
	CU_ASSERT_EQUAL(jnum(d, "server.ehlo_code"), 250);
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.ehlo_domain"),
			       "mx.example.org");
	CU_ASSERT_EQUAL(jcount(d, "server.capabilities"), 4);
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.capabilities.0.keyword"),
			       "SIZE");
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.capabilities.0.params"),
			       "10240000");
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.capabilities.1.params"),
			       "PLAIN LOGIN");
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.capabilities.2.params"), "");
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.capabilities.3.params"),
			       "\\x1b]0;pwned\\x07 <b>");
	CU_ASSERT_EQUAL(jnum(d, "server.capabilities_malformed"), 1);
	jv_free(d);
	sc_buf_free(&out);

	/* an unreachable server: no codes, the error is shown */
	f.server.reachable = 0;
	f.server.greeting_code = 0;
	f.server.ehlo_code = 0;
	f.server.caps.valid = 0;
	snprintf(f.server.error, sizeof(f.server.error),
		 "connect: Connection refused\r\n");
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(jbool(d, "server.reachable"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(d, "server.error"),
			       "connect: Connection refused\\r\\n");
	CU_ASSERT_EQUAL(jtype_at(d, "server.greeting_code"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "server.ehlo_code"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "server.ehlo_domain"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "server.capabilities"), J_ARR);
	CU_ASSERT_EQUAL(jcount(d, "server.capabilities"), 0);
	jv_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* Summary: counts by verdict; failures (not waivers) by rule level. */
static void test_json_summary(void)
{
	struct fixture f;
	struct sc_buf out;
	struct jv *d;

	fixture_init(&f);
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(jnum(d, "summary.total"), 8);
	CU_ASSERT_EQUAL(jcount(d, "summary.verdicts"), 6);
	CU_ASSERT_EQUAL(jnum(d, "summary.verdicts.pass"), 1);
	CU_ASSERT_EQUAL(jnum(d, "summary.verdicts.fail"), 3);
	CU_ASSERT_EQUAL(jnum(d, "summary.verdicts.skip"), 1);
	CU_ASSERT_EQUAL(jnum(d, "summary.verdicts.error"), 1);
	CU_ASSERT_EQUAL(jnum(d, "summary.verdicts.waived"), 1);
	CU_ASSERT_EQUAL(jnum(d, "summary.verdicts.notrun"), 1);
	CU_ASSERT_EQUAL(jcount(d, "summary.failures_by_level"), 4);
	CU_ASSERT_EQUAL(jnum(d, "summary.failures_by_level.MUST"), 2);
	CU_ASSERT_EQUAL(jnum(d, "summary.failures_by_level.security"), 0);
	CU_ASSERT_EQUAL(jnum(d, "summary.failures_by_level.SHOULD"), 1);
	CU_ASSERT_EQUAL(jnum(d, "summary.failures_by_level.MAY"), 0);
	CU_ASSERT_EQUAL(jnum(d, "summary.unreachable"), 1);
	CU_ASSERT_EQUAL(jcount(d, "results"), 8);
	jv_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* A failed result: scenario fields, verdict details, transcript. */
static void test_json_result_fail(void)
{
	struct fixture f;
	struct sc_buf out;
	struct jv *d;

	fixture_init(&f);
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.id"),
			       "rfc5321/commands/unknown");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.title"),
			       "Unknown command gets 500");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.rfc"), "5321 4.2.4");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.level"), "MUST");
	CU_ASSERT_EQUAL(jcount(d, "results.0.tags"), 2);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.tags.1"), "syntax");
	/* scenario text is only JSON-escaped: quotes survive as they are */
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.quote"),
			       "a 500 reply <\"quoted\"> & more");
	/* ... and control characters round-trip through JSON escapes */
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.why"),
			       "clients rely on it.\nSee\t4.2.4 \x01");
	/* the EHLO promise tested: the scenario's when: conditions */
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.when"),
			       "SIZE > 0 and AUTH has PLAIN");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.path"),
			       "scenarios/rfc5321/commands/unknown.smtp");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.verdict"), "fail");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.fail_level"), "MUST");
	CU_ASSERT_EQUAL(jnum(d, "results.0.fail_line"), 9);
	/* reason: display-escaped, so its newline is the two chars \n */
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.reason"),
			       "The server answered 502 to an unknown "
			       "command.\\nSecond line of the paragraph.");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.expected"),
			       "500 (Syntax error, command unrecognized)");
	/* already display-escaped text is not escaped twice */
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.observed"),
			       "502 (Command not implemented), server said "
			       "\"not \\x1b here\"");
	CU_ASSERT_EQUAL(jtype_at(d, "results.0.waiver"), J_NULL);
	CU_ASSERT_EQUAL(jbool(d, "results.0.unreachable"), 0);
	CU_ASSERT_EQUAL(jnum(d, "results.0.duration_ms"), 12);
	CU_ASSERT_EQUAL(jcount(d, "results.0.transcript"), 3);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.transcript.0.kind"),
			       "event");
	CU_ASSERT_EQUAL(jtype_at(d, "results.0.transcript.0.line"), J_NULL);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.transcript.1.kind"), "send");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.transcript.1.session"),
			       "main");
	CU_ASSERT_EQUAL(jnum(d, "results.0.transcript.1.t_ms"), 5);
	CU_ASSERT_EQUAL(jnum(d, "results.0.transcript.1.line"), 8);
	CU_ASSERT_EQUAL(jbool(d, "results.0.transcript.1.failed"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.transcript.1.text"),
			       "XYZZY\\r\\n");
	CU_ASSERT_EQUAL(jnum(d, "results.0.transcript.1.bytes"), 7);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.0.transcript.2.kind"),
			       "reply");
	CU_ASSERT_EQUAL(jbool(d, "results.0.transcript.2.failed"), 1);
	CU_ASSERT_EQUAL(jnum(d, "results.0.tx_dropped"), 0);
	jv_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* Other verdicts: fail_level only for fail/waived, nulls elsewhere. */
static void test_json_other_verdicts(void)
{
	struct fixture f;
	struct sc_buf out;
	struct jv *d;

	fixture_init(&f);
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.1.verdict"), "pass");
	CU_ASSERT_EQUAL(jtype_at(d, "results.1.fail_level"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "results.1.fail_line"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "results.1.reason"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "results.1.quote"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "results.1.when"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "results.1.tags"), J_ARR);
	CU_ASSERT_EQUAL(jcount(d, "results.1.tags"), 0);
	CU_ASSERT_EQUAL(jcount(d, "results.1.transcript"), 0);
	CU_ASSERT_EQUAL(jnum(d, "results.1.duration_ms"), 1500);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.2.fail_level"), "SHOULD");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.3.verdict"), "error");
	CU_ASSERT_EQUAL(jbool(d, "results.3.unreachable"), 1);
	CU_ASSERT_EQUAL(jtype_at(d, "results.3.fail_level"), J_NULL);
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.3.level"), "security");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.4.verdict"), "skip");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.4.level"), "MAY");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.5.verdict"), "waived");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.5.fail_level"), "MUST");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.5.waiver"),
			       "known: ticket 12");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.6.verdict"), "notrun");
	jv_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* raw_clean - no raw ESC, NUL, invalid byte or "</script" in output */
static void assert_raw_clean(const struct sc_buf *out)
{
	size_t i, len;
	uint32_t cp;
	int bad = 0;

	for (i = 0; i < out->len; i += len ? len : 1) {
		len = utf8_len((const unsigned char *)out->data + i,
			       out->len - i, &cp);
		if (len == 0 || (cp < 0x20 && cp != '\n') || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Hostile server text is inert: visible escapes, nothing raw. */
static void test_json_hostile(void)
{
	struct fixture f;
	struct sc_buf out;
	struct jv *d;
	const char *t;

	fixture_init(&f);
	d = json_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	assert_raw_clean(&out);
	CU_ASSERT_PTR_NULL(strstr(out.data, "</script"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "</system-out"));
	/* the reason was cut at its NUL by C string semantics */
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.7.reason"),
			       "<script>alert(1)</script> ]]> \"q\" 'a' ");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.7.observed"),
			       "\\x1b[2J</system-out>\\xff]]>");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.7.title"),
			       "caf\xc3\xa9 \"title\"");
	t = jstr(d, "results.7.transcript.1.text");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "250-ok\\r\\n250-" HOSTILE_SHOWN
			       "\\n250 end\\r\\n");
	CU_ASSERT_STRING_EQUAL(jstr(d, "results.7.transcript.1.session"),
			       "s2");
	/* the kept prefix is shown, and the rest is counted */
	t = jstr(d, "results.7.transcript.2.text");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "AAA...[100 more bytes]"));
	CU_ASSERT_EQUAL(strlen(t), SC_TRANSCRIPT_ENTRY_KEEP +
			strlen("...[100 more bytes]"));
	CU_ASSERT_EQUAL(jnum(d, "results.7.transcript.2.bytes"),
			SC_TRANSCRIPT_ENTRY_KEEP + 100);
	CU_ASSERT_EQUAL(jnum(d, "results.7.tx_dropped"), 3);
	jv_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* No server info and no results: still a complete document. */
static void test_json_empty(void)
{
	struct sc_run_info info;
	struct sc_buf out;
	struct jv *d;

	memset(&info, 0, sizeof(info));
	info.interrupted = 1;
	d = json_of(&info, NULL, 0, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(jtype_at(d, "server"), J_NULL);
	CU_ASSERT_EQUAL(jtype_at(d, "tool_version"), J_NULL);
	CU_ASSERT_STRING_EQUAL(jstr(d, "started"), "1970-01-01T00:00:00.000Z");
	CU_ASSERT_EQUAL(jbool(d, "interrupted"), 1);
	CU_ASSERT_EQUAL(jnum(d, "summary.total"), 0);
	CU_ASSERT_EQUAL(jtype_at(d, "results"), J_ARR);
	CU_ASSERT_EQUAL(jcount(d, "results"), 0);
	jv_free(d);
	sc_buf_free(&out);
	CU_ASSERT_EQUAL(sc_report_json(&out, NULL, NULL, 0), SC_ERR_USAGE);
	sc_buf_free(&out);
}

/* A capped buffer: the report says it did not fit. */
static void test_json_limit(void)
{
	struct fixture f;
	struct sc_buf out;

	fixture_init(&f);
	sc_buf_init(&out, 256);
	CU_ASSERT_EQUAL(sc_report_json(&out, &f.info, f.res, NRES),
			SC_ERR_LIMIT);
	sc_buf_free(&out);
	sc_buf_init(&out, 256);
	CU_ASSERT_EQUAL(sc_report_junit(&out, &f.info, f.res, NRES),
			SC_ERR_LIMIT);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* ------------------------------------------------------------------ */
/* JUnit report                                                       */

/* junit_of - build the report and parse it back (NULL if malformed) */
static struct xel *junit_of(const struct sc_run_info *info,
			    const struct sc_result *r, size_t n,
			    struct sc_buf *out)
{
	struct xel *doc;

	sc_buf_init(out, 0);
	CU_ASSERT_EQUAL(sc_report_junit(out, info, r, n), SC_OK);
	doc = xml_parse(out->data, out->len);
	CU_ASSERT_PTR_NOT_NULL(doc);
	return doc;
}

/* The checker itself: it must reject what XML 1.0 rejects. */
static void test_xml_checker(void)
{
	static const char *const bad[] = {
		"<a>", "<a></b>", "<a>x < y</a>", "<a>x & y</a>",
		"<a b=\"<\"/>", "<a>]]></a>", "<a>\x01</a>", "<a>\xff</a>",
		"<a>&#0;</a>", "<a b=\"1\" b=\"2\"/>", "<a/><b/>",
		"<a>&bogus;</a>", "<a b=\"1\"c=\"2\"/>", "<a>\xef\xbf\xbe</a>",
	};
	static const char *const good[] = {
		"<a/>", "<a b='1' c=\"&lt;&amp;\">t&#10;&#x41;</a>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b/>]]</a>\n",
	};
	struct xel *e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = xml_parse(bad[i], strlen(bad[i]));
		CU_ASSERT_PTR_NULL(e);
		xel_free(e);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		e = xml_parse(good[i], strlen(good[i]));
		CU_ASSERT_PTR_NOT_NULL(e);
		xel_free(e);
	}
}

/* The suite: counts keep failures, errors and skips apart. */
static void test_junit_suite(void)
{
	struct fixture f;
	struct sc_buf out;
	struct xel *d;
	const struct xel *s, *props, *p;
	size_t i;
	int have_banner = 0, have_target = 0;

	fixture_init(&f);
	d = junit_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->name, "testsuites");
	CU_ASSERT_EQUAL(xcount_named(d, "testsuite"), 1);
	s = xchild(d, "testsuite", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "name"), "smtpconf");
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "tests"), "8");
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "failures"), "3");
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "errors"), "1");
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "skipped"), "2");
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "time"), "4.321");
	CU_ASSERT_STRING_EQUAL(xattr_get(s, "timestamp"),
			       "2023-11-14T22:13:20");
	CU_ASSERT_EQUAL(xcount_named(s, "testcase"), 8);
	props = xchild(s, "properties", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(props);
	for (i = 0; (p = xchild(props, "property", i)) != NULL; i++) {
		if (strcmp(xattr_get(p, "name"), "target") == 0) {
			have_target = 1;
			CU_ASSERT_STRING_EQUAL(xattr_get(p, "value"),
					       "127.0.0.1:2525");
		}
		if (strcmp(xattr_get(p, "name"), "server_banner") == 0) {
			have_banner = 1;
			CU_ASSERT_STRING_EQUAL(xattr_get(p, "value"),
				"mx.example.org ESMTP \\x1b[31m<script>\\xff");
		}
		if (strcmp(xattr_get(p, "name"), "tool_version") == 0)
			CU_ASSERT_STRING_EQUAL(xattr_get(p, "value"), "0.1.0");
	}
	CU_ASSERT(have_target && have_banner);
	xel_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* testcase_at - the nth testcase */
static const struct xel *testcase_at(const struct xel *d, size_t nth)
{
	return xchild(xchild(d, "testsuite", 0), "testcase", nth);
}

/* Each verdict maps to its element; classname is smtpconf.<area>. */
static void test_junit_testcases(void)
{
	struct fixture f;
	struct sc_buf out;
	struct xel *d;
	const struct xel *tc, *el;

	fixture_init(&f);
	d = junit_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);

	tc = testcase_at(d, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
	CU_ASSERT_STRING_EQUAL(xattr_get(tc, "classname"), "smtpconf.rfc5321");
	CU_ASSERT_STRING_EQUAL(xattr_get(tc, "name"),
			       "rfc5321/commands/unknown");
	CU_ASSERT_STRING_EQUAL(xattr_get(tc, "time"), "0.012");
	el = xchild(tc, "failure", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(el);
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "type"), "MUST");
	/* message: the reason's first line only */
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "message"),
		"The server answered 502 to an unknown command.");
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "expected: 500 (Syntax "
				      "error, command unrecognized)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "observed: 502"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "\n*  connected\n"
				      "C: XYZZY\nS: 502 5.5.1 nope"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "rfc: 5321 4.2.4\n"));

	tc = testcase_at(d, 1);
	CU_ASSERT_EQUAL(tc->nkids, 0);
	CU_ASSERT_STRING_EQUAL(xattr_get(tc, "time"), "1.500");

	el = xchild(testcase_at(d, 2), "failure", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(el);
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "type"), "SHOULD");

	tc = testcase_at(d, 3);
	CU_ASSERT_STRING_EQUAL(xattr_get(tc, "classname"), "smtpconf.rfc3207");
	CU_ASSERT_PTR_NULL(xchild(tc, "failure", 0));
	el = xchild(tc, "error", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(el);
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "type"), "unreachable");
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "message"),
			       "could not connect: Connection refused");

	tc = testcase_at(d, 4);
	CU_ASSERT_STRING_EQUAL(xattr_get(tc, "classname"), "smtpconf");
	el = xchild(tc, "skipped", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(el);
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "message"), "needs PIPELINING");

	tc = testcase_at(d, 5);
	CU_ASSERT_PTR_NULL(xchild(tc, "failure", 0));
	CU_ASSERT_PTR_NULL(xchild(tc, "skipped", 0));
	el = xchild(tc, "system-out", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(el);
	CU_ASSERT_EQUAL(strncmp(el->text.data, "waived: known: ticket 12\n",
				25), 0);
	el = xchild(xchild(tc, "properties", 0), "property", 0);
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "name"), "waived");
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "value"), "known: ticket 12");

	tc = testcase_at(d, 6);
	CU_ASSERT_PTR_NOT_NULL(xchild(tc, "skipped", 0));
	xel_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* Hostile server text in JUnit: well-formed, inert, still readable. */
static void test_junit_hostile(void)
{
	struct fixture f;
	struct sc_buf out;
	struct xel *d;
	const struct xel *el;

	fixture_init(&f);
	d = junit_of(&f.info, f.res, NRES, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	assert_raw_clean(&out);
	CU_ASSERT_EQUAL(xcount_named(d, "script"), 0);
	CU_ASSERT_PTR_NULL(strstr(out.data, "<script"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "]]>"));
	el = xchild(testcase_at(d, 7), "failure", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(el);
	CU_ASSERT_STRING_EQUAL(xattr_get(el, "message"),
			       "<script>alert(1)</script> ]]> \"q\" 'a' ");
	/* two sessions: each line names its session; lines split at LF */
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "C: [s1] EHLO x\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data,
				      "S: [s2] 250-ok\nS: [s2] 250-"
				      HOSTILE_SHOWN "\\n\nS: [s2] 250 end\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data,
				      "observed: \\x1b[2J</system-out>"
				      "\\xff]]>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data,
				      "*  [3 more transcript entries"));
	/* a long line: 400 bytes shown (SC_DISPLAY_CLIP), then one count
	 * of the kept rest and of what was never kept */
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "C: [s2] AAAA"));
	CU_ASSERT_PTR_NOT_NULL(strstr(el->text.data, "AAAA...[3796 more "
				      "bytes]\n"));
	CU_ASSERT_PTR_NULL(strstr(el->text.data, "AAAAA...[100 more"));
	xel_free(d);
	sc_buf_free(&out);
	fixture_free(&f);
}

/* prng - xorshift32 */
static uint32_t prng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* random_text - n random bytes, biased toward markup and controls */
static char *random_text(uint32_t *seed, size_t n)
{
	static const char pick[] = "<>&\"']]\\\r\n\x1b\x7f\x80\xc2\xe2\xff/!";
	char *s = malloc(n + 1);
	size_t i;
	uint32_t r;

	for (i = 0; s != NULL && i < n; i++) {
		r = prng(seed);
		s[i] = (r & 1) ? pick[(r >> 1) % (sizeof(pick) - 1)]
			       : (char)(r >> 8);
	}
	if (s != NULL)
		s[n] = '\0';
	return s;
}

/* Random bytes in every server-controlled field: both reports parse. */
static void test_random_server_text(void)
{
	uint32_t seed = 0xc0ffee11u;
	struct fixture f;
	struct sc_scenario sc;
	struct sc_buf out;
	struct jv *j;
	struct xel *x;
	int round, bad_json = 0, bad_xml = 0;
	char *t;
	size_t n, k;

	for (round = 0; round < 200; round++) {
		fixture_init(&f);
		for (k = 0; k < 4; k++) {
			n = prng(&seed) % 80;
			t = random_text(&seed, n);
			add_tx(&f.res[round % NRES], (enum sc_tx_kind)(k % 3),
			       k & 1 ? "a" : "b", t, n, n + k, k);
			free(t);
		}
		free(f.res[1].reason);
		f.res[1].reason = random_text(&seed, prng(&seed) % 60);
		free(f.res[2].observed);
		f.res[2].observed = random_text(&seed, prng(&seed) % 60);
		free(f.server.banner);
		f.server.banner_len = prng(&seed) % 100;
		f.server.banner = random_text(&seed, f.server.banner_len);
		t = random_text(&seed, 40);
		memcpy(f.server.caps.items[1].params, t, 41);
		free(t);
		/* scenario text is trusted, but must not break either */
		sc = scen[0];
		sc.title = random_text(&seed, prng(&seed) % 60);
		sc.quote = random_text(&seed, prng(&seed) % 60);
		f.res[0].scenario = &sc;

		sc_buf_init(&out, 0);
		sc_report_json(&out, &f.info, f.res, NRES);
		j = json_parse(out.data, out.len);
		bad_json += j == NULL;
		jv_free(j);
		sc_buf_free(&out);
		sc_buf_init(&out, 0);
		sc_report_junit(&out, &f.info, f.res, NRES);
		x = xml_parse(out.data, out.len);
		bad_xml += x == NULL;
		xel_free(x);
		sc_buf_free(&out);
		fixture_free(&f);
		free(sc.title);
		free(sc.quote);
	}
	CU_ASSERT_EQUAL(bad_json, 0);
	CU_ASSERT_EQUAL(bad_xml, 0);
}

/* ------------------------------------------------------------------ */
/* sc_write_atomic                                                    */

/* read_all - a whole small file into buf; its length or -1 */
static long read_all(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return (long)n;
}

/* dir_entries - files in dir besides . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Writes, overwrites with shorter data, and sets mode 0644. */
static void test_atomic_write(void)
{
	char dir[] = "/tmp/sc_atomic_XXXXXX", path[64], buf[64];
	struct sc_error err;
	struct stat st;
	mode_t old;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	sc_error_clear(&err);
	old = umask(077);
	CU_ASSERT_EQUAL(sc_write_atomic(path, "first version\n", 14, &err),
			SC_OK);
	umask(old);
	CU_ASSERT_EQUAL(read_all(path, buf, sizeof(buf)), 14);
	CU_ASSERT_EQUAL(memcmp(buf, "first version\n", 14), 0);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);

	CU_ASSERT_EQUAL(sc_write_atomic(path, "v2", 2, &err), SC_OK);
	CU_ASSERT_EQUAL(read_all(path, buf, sizeof(buf)), 2);
	CU_ASSERT_EQUAL(memcmp(buf, "v2", 2), 0);
	CU_ASSERT_EQUAL(sc_write_atomic(path, "a\0b", 3, &err), SC_OK);
	CU_ASSERT_EQUAL(read_all(path, buf, sizeof(buf)), 3);
	CU_ASSERT_EQUAL(memcmp(buf, "a\0b", 3), 0);
	CU_ASSERT_EQUAL(sc_write_atomic(path, NULL, 0, &err), SC_OK);
	CU_ASSERT_EQUAL(read_all(path, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(dir_entries(dir), 1);	/* no temp file left */
	unlink(path);
	rmdir(dir);
}

/* A large write arrives whole. */
static void test_atomic_large(void)
{
	char dir[] = "/tmp/sc_atomic_XXXXXX", path[64];
	size_t n = 3 * 1024 * 1024 + 7, i;
	char *data = malloc(n), *back = malloc(n + 1);
	struct sc_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big", dir);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 31 + 7);
	CU_ASSERT_EQUAL(sc_write_atomic(path, data, n, &err), SC_OK);
	CU_ASSERT_EQUAL(read_all(path, back, n + 1), (long)n);
	CU_ASSERT_EQUAL(memcmp(data, back, n), 0);
	unlink(path);
	rmdir(dir);
	free(data);
	free(back);
}

/* Failures: SC_ERR_IO naming the path, and no temp file left behind. */
static void test_atomic_failures(void)
{
	char dir[] = "/tmp/sc_atomic_XXXXXX", path[128], sub[96];
	struct sc_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing/results.json", dir);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_write_atomic(path, "x", 1, &err), SC_ERR_IO);
	CU_ASSERT_EQUAL(err.status, SC_ERR_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, strerror(ENOENT)));
	CU_ASSERT_EQUAL(dir_entries(dir), 0);

	/* the target is a directory: rename fails, the temp file goes */
	snprintf(sub, sizeof(sub), "%s/report", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
	CU_ASSERT_EQUAL(sc_write_atomic(sub, "x", 1, &err), SC_ERR_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, sub));
	CU_ASSERT_EQUAL(dir_entries(dir), 1);
	CU_ASSERT_EQUAL(dir_entries(sub), 0);
	rmdir(sub);

	CU_ASSERT_EQUAL(sc_write_atomic("", "x", 1, &err), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(sc_write_atomic(NULL, "x", 1, &err), SC_ERR_USAGE);
	rmdir(dir);
}

static const struct test_case cases[] = {
	{ "json_validator", test_json_validator },
	{ "json_header", test_json_header },
	{ "json_server", test_json_server },
	{ "json_summary", test_json_summary },
	{ "json_result_fail", test_json_result_fail },
	{ "json_other_verdicts", test_json_other_verdicts },
	{ "json_hostile", test_json_hostile },
	{ "json_empty", test_json_empty },
	{ "json_limit", test_json_limit },
	{ "xml_checker", test_xml_checker },
	{ "junit_suite", test_junit_suite },
	{ "junit_testcases", test_junit_testcases },
	{ "junit_hostile", test_junit_hostile },
	{ "random_server_text", test_random_server_text },
	{ "atomic_write", test_atomic_write },
	{ "atomic_large", test_atomic_large },
	{ "atomic_failures", test_atomic_failures },
	{ NULL, NULL }
};

/* test_register - add the report suite */
int test_register(void)
{
	return test_add_suite("report", cases);
}
