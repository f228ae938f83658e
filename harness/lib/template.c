/*
 * template.c - expanding what a step sends, and matching and showing
 * what it expects.
 *
 * Expansion runs when the step runs: ${name} from the run's variables,
 * ${ehlo.KEYWORD} from the capabilities the server advertised (its
 * first parameter, RFC 5321 4.1.1.1 ehlo-param), so a scenario can say
 * "one byte more than the SIZE you announced" (RFC 1870 4).  Every
 * expansion is bounded by SC_SEND_MAX_BYTES.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario_int.h"

/* Bytes of one repeated block: big enough to make few appends. */
#define REPEAT_BLOCK	(64 * 1024)

/* parse_integer - whole string as a decimal long long; 0 on success */
static int parse_integer(const char *s, long long *out)
{
	char *end;

	if (*s == '\0' || !((*s >= '0' && *s <= '9') || *s == '-' ||
			     *s == '+'))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

/* ehlo_value - the first parameter of capability keyword (after "ehlo.") */
static int ehlo_value(const char *var, const struct sc_capabilities *caps,
		      char *out, size_t outlen, struct sc_error *err)
{
	const char *kw = var + 5;
	const struct sc_capability *c;

	if (caps == NULL || !caps->valid)
		return sc_error_set(err, SC_ERR_USAGE, "%s: the server did "
				    "not answer EHLO", var);
	c = sc_caps_find(caps, kw);
	if (c == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "%s: the server did "
				    "not advertise %s", var, kw);
	/* RFC 5321 4.1.1.1: ehlo-line = ehlo-keyword *( SP ehlo-param ) */
	snprintf(out, outlen, "%.*s", (int)strcspn(c->params, " "), c->params);
	return SC_OK;
}

/* var_value - the value of a template variable, as a string */
static int var_value(const struct sc_tpart *pt, const struct sc_vars *vars,
		     const struct sc_capabilities *caps, char *out,
		     size_t outlen, struct sc_error *err)
{
	const char *v;

	if (strncmp(pt->var, "ehlo.", 5) == 0)
		return ehlo_value(pt->var, caps, out, outlen, err);
	v = sc_vars_get(vars, pt->var);
	if (v == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "variable '%s' has no "
				    "value", pt->var);
	snprintf(out, outlen, "%s", v);
	return SC_OK;
}

/* add_offset - value + pt->add, printed back into value */
static int add_offset(const struct sc_tpart *pt, char *value, size_t len,
		      struct sc_error *err)
{
	long long v;

	if (parse_integer(value, &v) != 0)
		return sc_error_set(err, SC_ERR_USAGE, "%s: '%.40s' is not a "
				    "number, so it cannot take %+lld",
				    pt->var, value, pt->add);
	if ((pt->add > 0 && v > LLONG_MAX - pt->add) ||
	    (pt->add < 0 && v < LLONG_MIN - pt->add))
		return sc_error_set(err, SC_ERR_USAGE, "%s: %lld %+lld "
				    "overflows", pt->var, v, pt->add);
	snprintf(value, len, "%lld", v + pt->add);
	return SC_OK;
}

/* part_expand - one part of a piece, appended to out */
static int part_expand(const struct sc_tpart *pt, const struct sc_vars *vars,
		       const struct sc_capabilities *caps, struct sc_buf *out,
		       struct sc_error *err)
{
	char value[SC_VAR_VALUE_MAX > SC_EHLO_PARAMS_MAX ?
		   SC_VAR_VALUE_MAX : SC_EHLO_PARAMS_MAX];
	int rc;

	if (!pt->is_var) {
		sc_buf_append(out, pt->bytes, pt->len);
		return SC_OK;
	}
	rc = var_value(pt, vars, caps, value, sizeof(value), err);
	if (rc == SC_OK && pt->add != 0)
		rc = add_offset(pt, value, sizeof(value), err);
	if (rc == SC_OK)
		sc_buf_puts(out, value);
	return rc;
}

/* piece_expand - one piece's parts expanded once into one; sizes it */
static int piece_expand(const struct sc_tpiece *pc, const struct sc_vars *vars,
			const struct sc_capabilities *caps, struct sc_buf *one,
			size_t *total, struct sc_error *err)
{
	size_t i;
	int rc = SC_OK;

	for (i = 0; i < pc->nparts && rc == SC_OK; i++)
		rc = part_expand(&pc->parts[i], vars, caps, one, err);
	if (rc == SC_OK && one->failed)
		rc = sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	else if (rc == SC_OK && (one->truncated || (one->len && pc->repeat >
		 (SC_SEND_MAX_BYTES - *total) / one->len)))
		rc = sc_error_set(err, SC_ERR_LIMIT, "the expanded send is "
				  "larger than %d bytes", SC_SEND_MAX_BYTES);
	if (rc == SC_OK)
		*total += one->len * pc->repeat;
	return rc;
}

/* sc_template_prepare - expand every variable of t and size the send */
int sc_template_prepare(const struct sc_template *t, const struct sc_vars *vars,
			const struct sc_capabilities *caps,
			struct sc_expansion *x, struct sc_error *err)
{
	size_t i;
	int rc = SC_OK;

	memset(x, 0, sizeof(*x));
	if (t == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "no template");
	x->t = t;
	if (t->npieces == 0)
		return SC_OK;
	x->pieces = calloc(t->npieces, sizeof(*x->pieces));
	if (x->pieces == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	for (i = 0; i < t->npieces; i++)
		sc_buf_init(&x->pieces[i], SC_SEND_MAX_BYTES);
	for (i = 0; i < t->npieces && rc == SC_OK; i++)
		rc = piece_expand(&t->pieces[i], vars, caps, &x->pieces[i],
				  &x->total, err);
	return rc;
}

/* sc_expansion_free - release what sc_template_prepare kept */
void sc_expansion_free(struct sc_expansion *x)
{
	size_t i;

	if (x->pieces != NULL)
		for (i = 0; i < x->t->npieces; i++)
			sc_buf_free(&x->pieces[i]);
	free(x->pieces);
	memset(x, 0, sizeof(*x));
}

/* Hands bytes on in blocks of a fixed size, up to a byte budget. */
struct emitter {
	char *blk;
	size_t cap, len;	/* block size, bytes in it */
	size_t left;		/* bytes still to hand on */
	sc_emit_fn emit;
	void *ctx;
	struct sc_error *err;
	int rc;
};

/* em_flush - hand on the bytes gathered so far */
static void em_flush(struct emitter *e)
{
	if (e->rc == SC_OK && e->len > 0)
		e->rc = e->emit(e->ctx, e->blk, e->len, e->err);
	e->len = 0;
}

/* em_put - gather bytes, handing on each block as it fills */
static void em_put(struct emitter *e, const char *p, size_t n)
{
	size_t take;

	while (n > 0 && e->left > 0 && e->rc == SC_OK) {
		take = e->cap - e->len;
		if (take > n)
			take = n;
		if (take > e->left)
			take = e->left;
		memcpy(e->blk + e->len, p, take);
		e->len += take;
		e->left -= take;
		p += take;
		n -= take;
		if (e->len == e->cap)
			em_flush(e);
	}
}

/*
 * em_put_repeated - bytes[0..n) repeat times.  Short pieces ("A" *
 * 600000) are first grown into a run of copies, so the work is a few
 * large copies rather than one per repetition.
 */
static void em_put_repeated(struct emitter *e, const char *bytes, size_t n,
			    size_t repeat)
{
	struct sc_buf run;
	size_t per = 1, i = 0;

	if (n == 0)
		return;
	if (n < REPEAT_BLOCK && repeat > 1)
		per = REPEAT_BLOCK / n < repeat ? REPEAT_BLOCK / n : repeat;
	if (per > 1) {
		sc_buf_init(&run, 0);
		for (i = 0; i < per; i++)
			sc_buf_append(&run, bytes, n);
		if (run.failed)
			e->rc = sc_error_set(e->err, SC_ERR_NOMEM,
					     "out of memory");
		for (i = 0; i + per <= repeat && e->left > 0 &&
		     e->rc == SC_OK; i += per)
			em_put(e, run.data, run.len);
		sc_buf_free(&run);
	}
	for (; i < repeat && e->left > 0 && e->rc == SC_OK; i++)
		em_put(e, bytes, n);
}

/* sc_expansion_emit - the first max bytes of x, handed on in blocks */
int sc_expansion_emit(const struct sc_expansion *x, size_t block, size_t max,
		      sc_emit_fn emit, void *ctx, struct sc_error *err)
{
	struct emitter e;
	size_t i;

	memset(&e, 0, sizeof(e));
	e.left = max < x->total ? max : x->total;
	e.cap = block < e.left ? block : e.left;
	if (e.left == 0)
		return SC_OK;
	e.blk = malloc(e.cap);
	if (e.blk == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	e.emit = emit;
	e.ctx = ctx;
	e.err = err;
	for (i = 0; i < x->t->npieces && e.left > 0 && e.rc == SC_OK; i++)
		em_put_repeated(&e, x->pieces[i].data, x->pieces[i].len,
				x->t->pieces[i].repeat);
	em_flush(&e);
	free(e.blk);
	return e.rc;
}

/* append_block - sc_emit_fn onto the end of an sc_buf */
static int append_block(void *ctx, const char *bytes, size_t len,
			struct sc_error *err)
{
	struct sc_buf *out = ctx;

	sc_buf_append(out, bytes, len);
	if (out->failed)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	if (out->truncated)
		return sc_error_set(err, SC_ERR_LIMIT, "the expanded send "
				    "does not fit the output buffer");
	return SC_OK;
}

/* sc_expansion_copy - the first max bytes of x onto the end of out */
int sc_expansion_copy(const struct sc_expansion *x, size_t max,
		      struct sc_buf *out, struct sc_error *err)
{
	return sc_expansion_emit(x, REPEAT_BLOCK, max, append_block, out, err);
}

/* sc_template_expand - expand a template onto the end of out */
int sc_template_expand(const struct sc_template *t, const struct sc_vars *vars,
		       const struct sc_capabilities *caps, struct sc_buf *out,
		       struct sc_error *err)
{
	struct sc_expansion x;
	int rc;

	if (out == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "no template");
	rc = sc_template_prepare(t, vars, caps, &x, err);
	if (rc == SC_OK)
		rc = sc_expansion_copy(&x, SIZE_MAX, out, err);
	sc_expansion_free(&x);
	return rc;
}

/* sc_code_pattern_match - does code match the pattern? */
int sc_code_pattern_match(const struct sc_code_pattern *p, int code)
{
	char digits[3];
	int i;

	if (p == NULL || code < 100 || code > 999)
		return 0;
	digits[0] = (char)('0' + code / 100);
	digits[1] = (char)('0' + code / 10 % 10);
	digits[2] = (char)('0' + code % 10);
	for (i = 0; i < 3; i++)
		if (p->d[i] != 'x' && p->d[i] != digits[i])
			return 0;
	return 1;
}

/* sc_expect_format - "250", "252|502", "!5xx", with enhanced and text parts */
void sc_expect_format(const struct sc_expect *e, struct sc_buf *out)
{
	const char *r;
	size_t i;

	if (e->negate)
		sc_buf_putc(out, '!');
	for (i = 0; i < e->nalts && i < SC_EXPECT_MAX_ALTS; i++) {
		if (i)
			sc_buf_putc(out, '|');
		sc_buf_append(out, e->alts[i].d, 3);
	}
	if (e->enhanced[0])
		sc_buf_printf(out, " %.15s", e->enhanced);
	if (e->text_regex) {
		/* Written back as the S: line spells it: "\/" for '/'. */
		sc_buf_puts(out, e->text_negate ? " !/" : " /");
		for (r = e->text_regex; *r; r++) {
			if (*r == '/')
				sc_buf_putc(out, '\\');
			sc_buf_putc(out, *r);
		}
		sc_buf_putc(out, '/');
	}
	if (e->then_closed)
		sc_buf_puts(out, " closed");
	if (e->premise)
		sc_buf_puts(out, " premise");
}
