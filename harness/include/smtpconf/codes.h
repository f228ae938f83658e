/*
 * codes.h - what every reply code means.
 *
 * The basic codes are RFC 5321 4.2.2 / 4.2.3 plus the extension RFCs
 * (AUTH, STARTTLS, RFC 7504 521/556); enhanced status codes are
 * RFC 3463 with the RFC 5248 registry additions.  Used in every
 * failure message and by `smtpconf explain`.
 */
#ifndef SMTPCONF_CODES_H
#define SMTPCONF_CODES_H

#include <stddef.h>

struct sc_code_info {
	int code;
	const char *text;	/* the RFC's canonical reply text */
	const char *meaning;	/* what a client should conclude, one sentence */
	const char *rfc;	/* "5321 4.2.3" */
};

struct sc_enhanced_info {
	const char *code;	/* "X.1.1": X stands for the class 2, 4 or 5 */
	const char *text;	/* registry name, e.g. "Bad destination mailbox address" */
	const char *meaning;
	const char *rfc;	/* "3463 3.2" */
};

/* sc_code_lookup - info for a basic code, NULL when unknown */
const struct sc_code_info *sc_code_lookup(int code);
/* sc_code_table - the whole table, for listing; *n receives its size */
const struct sc_code_info *sc_code_table(size_t *n);
/* sc_code_class_meaning - meaning of a first digit (2..5), or of a two-digit prefix */
const char *sc_code_class_meaning(int first_digit);
/* sc_enhanced_lookup - info for "5.1.1" (class matched via "X.1.1"), NULL when unknown */
const struct sc_enhanced_info *sc_enhanced_lookup(const char *code);
/* sc_enhanced_table - the whole enhanced table */
const struct sc_enhanced_info *sc_enhanced_table(size_t *n);
/* sc_enhanced_valid - 1 when s is a syntactically valid enhanced code (class.subject.detail) */
int sc_enhanced_valid(const char *s, size_t len);
/* sc_code_describe - "502 Command not implemented" into out (unknown codes say so) */
void sc_code_describe(int code, char *out, size_t outlen);

#endif
