/*
 * conds.c - when: conditions against the server's EHLO capabilities.
 *
 * RFC 5321 2.2.2: a client must not use an extension the server did
 * not advertise in its EHLO reply.  A scenario about an extension
 * therefore needs its keyword present; the runner turns a condition
 * that does not hold into SKIP, with the reason written here.
 * EHLO keywords and parameters compare case-insensitively: RFC 5321
 * 2.4 says verbs, argument values and extension name keywords "are not
 * case sensitive".
 */
#include <stdio.h>
#include <string.h>
#include "smtpconf/buf.h"
#include "scenario_int.h"

/* The spelling of each comparison, for reasons. */
static const char *const op_names[] = {
	[SC_COND_LT] = "<", [SC_COND_LE] = "<=", [SC_COND_GT] = ">",
	[SC_COND_GE] = ">=", [SC_COND_EQ] = "==", [SC_COND_NE] = "!=",
};

/* compare - does v op want hold? */
static int compare(enum sc_cond_op op, long long v, long long want)
{
	switch (op) {
	case SC_COND_LT: return v < want;
	case SC_COND_LE: return v <= want;
	case SC_COND_GT: return v > want;
	case SC_COND_GE: return v >= want;
	case SC_COND_EQ: return v == want;
	case SC_COND_NE: return v != want;
	default: return 0;
	}
}

/* cond_compare - "SIZE > 0": present, numeric, and the comparison holds */
static int cond_compare(const struct sc_cond *k,
			const struct sc_capabilities *caps, char *why,
			size_t whylen)
{
	long long v;

	if (sc_caps_number(caps, k->keyword, &v) != SC_OK) {
		snprintf(why, whylen, "%s has no numeric parameter",
			 k->keyword);
		return 0;
	}
	if (compare(k->op, v, k->value))
		return 1;
	snprintf(why, whylen, "%s is %lld, needs %s %lld", k->keyword, v,
		 op_names[k->op], k->value);
	return 0;
}

/* cond_var_hold - "$name": the variable has a value */
static int cond_var_hold(const struct sc_cond *k, const struct sc_vars *vars,
			 char *why, size_t whylen)
{
	const char *v = vars ? sc_vars_get(vars, k->keyword) : NULL;

	if (v != NULL && v[0] != '\0')
		return 1;
	snprintf(why, whylen, "variable %s is not set (see --var, "
		 "--auth-user)", k->keyword);
	return 0;
}

/* cond_hold - one condition; on failure why says what was missing */
static int cond_hold(const struct sc_cond *k,
		     const struct sc_capabilities *caps,
		     const struct sc_vars *vars, char *why, size_t whylen)
{
	const struct sc_capability *c;

	if (k->op == SC_COND_VAR)
		return cond_var_hold(k, vars, why, whylen);
	if (caps == NULL || !caps->valid) {
		if (k->op == SC_COND_ABSENT)
			return 1;
		snprintf(why, whylen, "the server did not answer EHLO");
		return 0;
	}
	c = sc_caps_find(caps, k->keyword);
	/* A server can push a keyword past the table's bound: then
	 * neither its presence nor its absence is known. */
	if (c == NULL && caps->dropped > 0) {
		snprintf(why, whylen, "%s is not among the first %d EHLO "
			 "capabilities, and smtpconf did not keep the %zu the "
			 "server listed after them", k->keyword,
			 SC_EHLO_MAX_CAPS, caps->dropped);
		return 0;
	}
	if (k->op == SC_COND_ABSENT) {
		if (c == NULL)
			return 1;
		snprintf(why, whylen, "%s is advertised", k->keyword);
		return 0;
	}
	if (c == NULL) {
		snprintf(why, whylen, "%s is not advertised", k->keyword);
		return 0;
	}
	if (k->op == SC_COND_PRESENT)
		return 1;
	if (k->op != SC_COND_HAS_PARAM)
		return cond_compare(k, caps, why, whylen);
	if (sc_caps_has_param(caps, k->keyword, k->param))
		return 1;
	snprintf(why, whylen, "%s does not list %s", k->keyword, k->param);
	return 0;
}

/* cond_put - one condition in its canonical spelling */
static void cond_put(struct sc_buf *b, const struct sc_cond *k)
{
	if (k->op == SC_COND_VAR)
		sc_buf_printf(b, "$%s", k->keyword);
	else if (k->op == SC_COND_ABSENT)
		sc_buf_printf(b, "!%s", k->keyword);
	else if (k->op == SC_COND_PRESENT)
		sc_buf_puts(b, k->keyword);
	else if (k->op == SC_COND_HAS_PARAM)
		sc_buf_printf(b, "%s has %s", k->keyword, k->param);
	else
		sc_buf_printf(b, "%s %s %lld", k->keyword, op_names[k->op],
			      k->value);
}

/* sc_conds_text - the conditions as one line; NULL when none */
char *sc_conds_text(const struct sc_scenario *s)
{
	struct sc_buf b;
	size_t i;

	if (s == NULL || s->nconds == 0)
		return NULL;
	sc_buf_init(&b, 0);
	for (i = 0; i < s->nconds; i++) {
		if (i > 0)
			sc_buf_puts(&b, " and ");
		cond_put(&b, &s->conds[i]);
	}
	if (b.failed) {
		sc_buf_free(&b);
		return NULL;
	}
	return sc_buf_steal(&b);
}

/* sc_conds_hold - 1 when every condition holds for caps; else 0 and why */
int sc_conds_hold(const struct sc_scenario *s,
		  const struct sc_capabilities *caps, char *why, size_t whylen)
{
	return sc_conds_hold_vars(s, caps, NULL, why, whylen);
}

/* sc_conds_hold_vars - the same, with $name terms read from vars */
int sc_conds_hold_vars(const struct sc_scenario *s,
		       const struct sc_capabilities *caps,
		       const struct sc_vars *vars, char *why, size_t whylen)
{
	char scratch[8];
	size_t i;

	if (why == NULL || whylen == 0) {
		why = scratch;
		whylen = sizeof(scratch);
	}
	why[0] = '\0';
	if (s == NULL)
		return 1;
	for (i = 0; i < s->nconds; i++)
		if (!cond_hold(&s->conds[i], caps, vars, why, whylen))
			return 0;
	return 1;
}
