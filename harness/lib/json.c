/*
 * json.c - a small, bounded JSON reader (RFC 8259).
 *
 * RFC 8259 2 (grammar), 6 (numbers), 7 (strings and escapes, including
 * UTF-16 surrogate pairs), 8.1 (text is UTF-8) and 9 (a parser may
 * limit size, depth, numbers and strings).  The input is read from
 * memory in one pass by recursive descent; the depth bound keeps the
 * recursion small.  Every allocation goes through jp_alloc, which
 * counts it, bounds the total and can be told to fail the N-th one so
 * that tests reach every error path.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/json.h"
#include "smtpconf/escape.h"

/* The parser's state: the text, where we are, and whom to tell. */
struct jp {
	const char *text;
	size_t len;
	size_t pos;
	unsigned depth;
	unsigned line;		/* line of pos (LF: whitespace only) */
	size_t line_start;	/* offset where that line starts */
	struct sc_json_doc *doc;
	const char *file;
	struct sc_error *err;
};

/* type_names - indexed by enum sc_json_type */
static const char *const type_names[] = {
	[SC_JSON_NULL] = "null",
	[SC_JSON_BOOL] = "boolean",
	[SC_JSON_INT] = "integer",
	[SC_JSON_DOUBLE] = "number",
	[SC_JSON_STRING] = "string",
	[SC_JSON_ARRAY] = "array",
	[SC_JSON_OBJECT] = "object",
};

/* The three literal names of RFC 8259 3. */
static const struct literal {
	const char *word;
	enum sc_json_type type;
	int boolean;
} literals[] = {
	{ "null", SC_JSON_NULL, 0 },
	{ "true", SC_JSON_BOOL, 1 },
	{ "false", SC_JSON_BOOL, 0 },
	{ NULL, SC_JSON_NULL, 0 }
};

static int parse_value(struct jp *jp, struct sc_json *v);
static void free_value(struct sc_json *v);

/* position_of - 1-based line and byte column of offset pos */
static void position_of(const char *text, size_t pos, unsigned *line,
			unsigned *col)
{
	size_t i, start = 0;
	unsigned l = 1;

	for (i = 0; i < pos; i++)
		if (text[i] == '\n') {
			l++;
			start = i + 1;
		}
	*line = l;
	*col = (unsigned)(pos - start + 1);
}

/* jp_fail - record an error at byte offset pos */
static int jp_fail(struct jp *jp, enum sc_status st, size_t pos,
		   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int jp_fail(struct jp *jp, enum sc_status st, size_t pos,
		   const char *fmt, ...)
{
	char msg[sizeof(jp->err->msg)];
	unsigned line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	position_of(jp->text, pos, &line, &col);
	return sc_error_at(jp->err, st, jp->file ? jp->file : "", line, col,
			   "%s", msg);
}

/* jp_alloc - counted, bounded realloc; NULL (and err) on failure */
static void *jp_alloc(struct jp *jp, void *old, size_t oldsize, size_t size)
{
	struct sc_json_doc *d = jp->doc;
	void *p;

	if (d->fail_at != 0 && d->allocs + 1 == d->fail_at) {
		d->allocs++;
		jp_fail(jp, SC_ERR_NOMEM, jp->pos, "out of memory");
		return NULL;
	}
	if (size > SC_JSON_MAX_MEMORY ||
	    d->bytes - oldsize + size > SC_JSON_MAX_MEMORY) {
		jp_fail(jp, SC_ERR_LIMIT, jp->pos, "document needs more than "
			"%u bytes of memory", SC_JSON_MAX_MEMORY);
		return NULL;
	}
	p = realloc(old, size);
	if (p == NULL) {
		jp_fail(jp, SC_ERR_NOMEM, jp->pos, "out of memory");
		return NULL;
	}
	d->allocs++;
	d->bytes = d->bytes - oldsize + size;
	return p;
}

/* skip_ws - RFC 8259 2: ws = *( %x20 / %x09 / %x0A / %x0D ) */
static void skip_ws(struct jp *jp)
{
	while (jp->pos < jp->len) {
		char c = jp->text[jp->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		jp->pos++;
		if (c == '\n') {
			jp->line++;
			jp->line_start = jp->pos;
		}
	}
}

/* describe_at - the byte at pos, for a message: 'x', end of input, 0xHH */
static void describe_at(const struct jp *jp, char *out, size_t n)
{
	unsigned char c;

	if (jp->pos >= jp->len) {
		snprintf(out, n, "end of input");
		return;
	}
	c = (unsigned char)jp->text[jp->pos];
	if (c > 0x20 && c < 0x7f)
		snprintf(out, n, "'%c'", c);
	else
		snprintf(out, n, "byte 0x%02x", c);
}

/* unexpected - "expected X, found Y" at the current position */
static int unexpected(struct jp *jp, const char *what)
{
	char found[32];

	describe_at(jp, found, sizeof(found));
	return jp_fail(jp, SC_ERR_SYNTAX, jp->pos, "expected %s, found %s",
		       what, found);
}

/* parse_literal - null, true or false */
static int parse_literal(struct jp *jp, struct sc_json *v)
{
	const struct literal *l;
	size_t n;

	for (l = literals; l->word != NULL; l++) {
		n = strlen(l->word);
		if (jp->len - jp->pos >= n &&
		    memcmp(jp->text + jp->pos, l->word, n) == 0) {
			v->type = l->type;
			v->boolean = l->boolean;
			jp->pos += n;
			return SC_OK;
		}
	}
	return unexpected(jp, "a value");
}

/* skip_digits - one or more digits; 0 when there were none */
static size_t skip_digits(struct jp *jp)
{
	size_t start = jp->pos;

	while (jp->pos < jp->len && jp->text[jp->pos] >= '0' &&
	       jp->text[jp->pos] <= '9')
		jp->pos++;
	return jp->pos - start;
}

/*
 * scan_number - RFC 8259 6: number = [ minus ] int [ frac ] [ exp ],
 * int = zero / ( digit1-9 *DIGIT ).  Sets *is_int when there is
 * neither a fraction nor an exponent.
 */
static int scan_number(struct jp *jp, int *is_int)
{
	*is_int = 1;
	if (jp->pos < jp->len && jp->text[jp->pos] == '-')
		jp->pos++;
	if (jp->pos < jp->len && jp->text[jp->pos] == '0')
		jp->pos++;
	else if (skip_digits(jp) == 0)
		return unexpected(jp, "a digit");
	if (jp->pos < jp->len && jp->text[jp->pos] == '.') {
		jp->pos++;
		*is_int = 0;
		if (skip_digits(jp) == 0)
			return unexpected(jp, "a digit after '.'");
	}
	if (jp->pos < jp->len && (jp->text[jp->pos] == 'e' ||
				  jp->text[jp->pos] == 'E')) {
		jp->pos++;
		*is_int = 0;
		if (jp->pos < jp->len && (jp->text[jp->pos] == '+' ||
					  jp->text[jp->pos] == '-'))
			jp->pos++;
		if (skip_digits(jp) == 0)
			return unexpected(jp, "a digit in the exponent");
	}
	return SC_OK;
}

/* parse_number - an integer as long long if it fits, else a double */
static int parse_number(struct jp *jp, struct sc_json *v)
{
	char buf[SC_JSON_NUMBER_MAX + 1], *end;
	size_t start = jp->pos, n;
	int is_int, rc;

	if ((rc = scan_number(jp, &is_int)) != SC_OK)
		return rc;
	n = jp->pos - start;
	if (n > SC_JSON_NUMBER_MAX)
		return jp_fail(jp, SC_ERR_LIMIT, start, "number longer than "
			       "%d bytes", SC_JSON_NUMBER_MAX);
	memcpy(buf, jp->text + start, n);
	buf[n] = '\0';
	errno = 0;
	if (is_int) {
		v->integer = strtoll(buf, &end, 10);
		if (errno == 0) {
			v->type = SC_JSON_INT;
			v->number = (double)v->integer;
			return SC_OK;
		}
	}
	errno = 0;
	v->number = strtod(buf, &end);
	if (isinf(v->number))
		return jp_fail(jp, SC_ERR_LIMIT, start, "number out of range");
	v->type = SC_JSON_DOUBLE;
	return SC_OK;
}

/* hex4 - four hex digits at p as a number, or -1 */
static long hex4(const char *p)
{
	long v = 0;
	int i, c;

	for (i = 0; i < 4; i++) {
		c = (unsigned char)p[i];
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
	return v;
}

/* put_utf8 - encode code point cp at out; returns the bytes written */
static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * unicode_escape - \uXXXX at jp->pos (after the 'u'), with the low half
 * of a surrogate pair when the first is a high half (RFC 8259 7).  A
 * lone surrogate is not a character: it is refused.
 */
static int unicode_escape(struct jp *jp, char *out, size_t *outlen)
{
	size_t at = jp->pos - 2;
	long hi, lo;

	if (jp->len - jp->pos < 4 || (hi = hex4(jp->text + jp->pos)) < 0)
		return jp_fail(jp, SC_ERR_SYNTAX, at,
			       "\\u needs four hex digits");
	jp->pos += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return jp_fail(jp, SC_ERR_SYNTAX, at, "lone low surrogate "
			       "\\u%04lx", hi);
	if (hi < 0xd800 || hi > 0xdbff) {
		*outlen = put_utf8(out, (unsigned long)hi);
		return SC_OK;
	}
	if (jp->len - jp->pos < 6 || jp->text[jp->pos] != '\\' ||
	    jp->text[jp->pos + 1] != 'u' ||
	    (lo = hex4(jp->text + jp->pos + 2)) < 0xdc00 || lo > 0xdfff)
		return jp_fail(jp, SC_ERR_SYNTAX, at, "high surrogate "
			       "\\u%04lx not followed by a low one", hi);
	jp->pos += 6;
	*outlen = put_utf8(out, 0x10000 + (((unsigned long)hi - 0xd800) << 10)
			   + ((unsigned long)lo - 0xdc00));
	return SC_OK;
}

/* The one-letter escapes of RFC 8259 7 and what they stand for. */
static const struct {
	char letter;
	char byte;
} simple_escapes[] = {
	{ '"', '"' }, { '\\', '\\' }, { '/', '/' }, { 'b', '\b' },
	{ 'f', '\f' }, { 'n', '\n' }, { 'r', '\r' }, { 't', '\t' },
	{ 0, 0 }
};

/* escape_one - the escape after a backslash at jp->pos - 1 */
static int escape_one(struct jp *jp, char *out, size_t *outlen)
{
	size_t i;
	char c;

	if (jp->pos >= jp->len)
		return jp_fail(jp, SC_ERR_SYNTAX, jp->pos,
			       "unterminated string");
	c = jp->text[jp->pos++];
	if (c == 'u')
		return unicode_escape(jp, out, outlen);
	for (i = 0; simple_escapes[i].letter != 0; i++)
		if (simple_escapes[i].letter == c) {
			out[0] = simple_escapes[i].byte;
			*outlen = 1;
			return SC_OK;
		}
	jp->pos--;
	return unexpected(jp, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t "
			  "\\uXXXX)");
}

/* string_char - one character or escape into out; 1 at the closing quote */
static int string_char(struct jp *jp, char *out, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)jp->text + jp->pos;
	size_t n;

	if (jp->pos >= jp->len)
		return jp_fail(jp, SC_ERR_SYNTAX, jp->pos,
			       "unterminated string");
	if (*p == '"')
		return 1;
	if (*p == '\\') {
		jp->pos++;
		return escape_one(jp, out, outlen);
	}
	if (*p < 0x20)
		return jp_fail(jp, SC_ERR_SYNTAX, jp->pos, "control byte "
			       "0x%02x in a string must be escaped", *p);
	n = sc_utf8_seq_len(p, jp->len - jp->pos);
	if (n == 0)
		return jp_fail(jp, SC_ERR_SYNTAX, jp->pos, "invalid UTF-8 "
			       "(byte 0x%02x)", *p);
	memcpy(out, p, n);
	*outlen = n;
	jp->pos += n;
	return SC_OK;
}

/* string_span - bytes up to the closing quote: the decoded size bound */
static size_t string_span(const struct jp *jp)
{
	const char *q = memchr(jp->text + jp->pos, '"', jp->len - jp->pos);
	size_t n = q ? (size_t)(q - (jp->text + jp->pos)) : jp->len - jp->pos;

	/* An escaped quote ends the scan early; the buffer grows then. */
	return n;
}

/*
 * parse_string - a string at the opening quote into *s.  No escape
 * decodes to more bytes than it spells, so the raw span bounds the
 * output; a span cut short by an escaped quote grows as needed.
 */
static int parse_string(struct jp *jp, char **s, size_t *slen)
{
	size_t cap, len = 0, n = 0;
	char tmp[4], *buf, *grown;
	int rc;

	jp->pos++;
	cap = string_span(jp) + 5;
	if ((buf = jp_alloc(jp, NULL, 0, cap)) == NULL)
		return jp->err->status;
	while ((rc = string_char(jp, tmp, &n)) == SC_OK) {
		if (len + n + 1 > cap) {
			grown = jp_alloc(jp, buf, cap, cap * 2 + n);
			if (grown == NULL) {
				rc = jp->err->status;
				break;
			}
			buf = grown;
			cap = cap * 2 + n;
		}
		memcpy(buf + len, tmp, n);
		len += n;
	}
	if (rc != 1) {
		free(buf);
		return rc;
	}
	jp->pos++;
	buf[len] = '\0';
	*s = buf;
	*slen = len;
	return SC_OK;
}

/* grow - make room for one more element of size sz in *vec */
static int grow(struct jp *jp, void **vec, size_t n, size_t *cap, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return SC_OK;
	ncap = *cap ? *cap * 2 : 4;
	p = jp_alloc(jp, *vec, *cap * sz, ncap * sz);
	if (p == NULL)
		return jp->err->status;
	*vec = p;
	*cap = ncap;
	return SC_OK;
}

/* open_container - enter '[' or '{', counting depth */
static int open_container(struct jp *jp)
{
	if (jp->depth >= SC_JSON_MAX_DEPTH)
		return jp_fail(jp, SC_ERR_LIMIT, jp->pos, "nested deeper "
			       "than %d levels", SC_JSON_MAX_DEPTH);
	jp->depth++;
	jp->pos++;
	skip_ws(jp);
	return SC_OK;
}

/* after_element - ',' (1: another follows) or the closing bracket (0) */
static int after_element(struct jp *jp, char close, const char *what)
{
	skip_ws(jp);
	if (jp->pos < jp->len && jp->text[jp->pos] == ',') {
		jp->pos++;
		skip_ws(jp);
		return 1;
	}
	if (jp->pos < jp->len && jp->text[jp->pos] == close) {
		jp->pos++;
		jp->depth--;
		return 0;
	}
	unexpected(jp, what);
	return -1;
}

/* parse_array - RFC 8259 5: [ value *( , value ) ] */
static int parse_array(struct jp *jp, struct sc_json *v)
{
	size_t cap = 0;
	int rc, more;

	v->type = SC_JSON_ARRAY;
	if ((rc = open_container(jp)) != SC_OK)
		return rc;
	if (jp->pos < jp->len && jp->text[jp->pos] == ']') {
		jp->pos++;
		jp->depth--;
		return SC_OK;
	}
	do {
		rc = grow(jp, (void **)&v->items, v->len, &cap,
			  sizeof(*v->items));
		if (rc != SC_OK)
			return rc;
		memset(&v->items[v->len], 0, sizeof(*v->items));
		rc = parse_value(jp, &v->items[v->len]);
		v->len++;
		if (rc != SC_OK)
			return rc;
		more = after_element(jp, ']', "',' or ']'");
	} while (more == 1);
	return more == 0 ? SC_OK : jp->err->status;
}

/* parse_member - "key" : value */
static int parse_member(struct jp *jp, struct sc_json_member *m)
{
	int rc;

	if (jp->pos >= jp->len || jp->text[jp->pos] != '"')
		return unexpected(jp, "a member name in double quotes");
	if ((rc = parse_string(jp, &m->key, &m->key_len)) != SC_OK)
		return rc;
	skip_ws(jp);
	if (jp->pos >= jp->len || jp->text[jp->pos] != ':')
		return unexpected(jp, "':'");
	jp->pos++;
	skip_ws(jp);
	return parse_value(jp, &m->value);
}

/* parse_object - RFC 8259 4: { member *( , member ) } */
static int parse_object(struct jp *jp, struct sc_json *v)
{
	size_t cap = 0;
	int rc, more;

	v->type = SC_JSON_OBJECT;
	if ((rc = open_container(jp)) != SC_OK)
		return rc;
	if (jp->pos < jp->len && jp->text[jp->pos] == '}') {
		jp->pos++;
		jp->depth--;
		return SC_OK;
	}
	do {
		rc = grow(jp, (void **)&v->members, v->len, &cap,
			  sizeof(*v->members));
		if (rc != SC_OK)
			return rc;
		memset(&v->members[v->len], 0, sizeof(*v->members));
		rc = parse_member(jp, &v->members[v->len]);
		v->len++;
		if (rc != SC_OK)
			return rc;
		more = after_element(jp, '}', "',' or '}'");
	} while (more == 1);
	return more == 0 ? SC_OK : jp->err->status;
}

/* parse_value - any value at the current position (whitespace skipped) */
static int parse_value(struct jp *jp, struct sc_json *v)
{
	char c;

	v->line = jp->line;
	v->col = (unsigned)(jp->pos - jp->line_start + 1);
	if (jp->pos >= jp->len)
		return unexpected(jp, "a value");
	c = jp->text[jp->pos];
	if (c == '{')
		return parse_object(jp, v);
	if (c == '[')
		return parse_array(jp, v);
	if (c == '"') {
		v->type = SC_JSON_STRING;
		return parse_string(jp, &v->str, &v->len);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(jp, v);
	return parse_literal(jp, v);
}

/* free_value - release what a value holds (not the value itself) */
static void free_value(struct sc_json *v)
{
	size_t i;

	if (v->type == SC_JSON_ARRAY)
		for (i = 0; i < v->len; i++)
			free_value(&v->items[i]);
	if (v->type == SC_JSON_OBJECT)
		for (i = 0; i < v->len; i++) {
			free(v->members[i].key);
			free_value(&v->members[i].value);
		}
	free(v->items);
	free(v->members);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

/* sc_json_parse - parse one JSON text from memory into doc->root */
int sc_json_parse(struct sc_json_doc *doc, const char *text, size_t len,
		  const char *file, struct sc_error *err)
{
	struct jp jp = { text, len, 0, 0, 1, 0, doc, file, err };
	int rc;

	memset(&doc->root, 0, sizeof(doc->root));
	doc->allocs = 0;
	doc->bytes = 0;
	if (text == NULL)
		jp.len = len = 0, jp.text = "";
	if (len > SC_JSON_MAX_INPUT)
		return jp_fail(&jp, SC_ERR_LIMIT, 0, "input larger than %d "
			       "bytes", SC_JSON_MAX_INPUT);
	skip_ws(&jp);
	rc = parse_value(&jp, &doc->root);
	if (rc == SC_OK) {
		skip_ws(&jp);
		if (jp.pos < jp.len)
			rc = unexpected(&jp, "end of input after the value");
	}
	if (rc != SC_OK)
		free_value(&doc->root);
	return rc;
}

/* sc_json_free - release the tree */
void sc_json_free(struct sc_json_doc *doc)
{
	free_value(&doc->root);
	doc->bytes = 0;
}

/* sc_json_get - first member named key, NULL when absent */
const struct sc_json *sc_json_get(const struct sc_json *obj, const char *key)
{
	size_t i, n;

	if (obj == NULL || obj->type != SC_JSON_OBJECT || key == NULL)
		return NULL;
	n = strlen(key);
	for (i = 0; i < obj->len; i++)
		if (obj->members[i].key_len == n &&
		    memcmp(obj->members[i].key, key, n) == 0)
			return &obj->members[i].value;
	return NULL;
}

/* sc_json_type_name - the name of a type, for messages */
const char *sc_json_type_name(enum sc_json_type t)
{
	if ((size_t)t < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[t];
	return "value";
}
