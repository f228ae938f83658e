/*
 * json.h - a small, bounded JSON reader (RFC 8259).
 *
 * It reads a whole document from memory into a small tree.  Every
 * input is bounded: the text (SC_JSON_MAX_INPUT), the nesting
 * (SC_JSON_MAX_DEPTH), a number's spelling (SC_JSON_NUMBER_MAX) and the
 * memory the tree may take (SC_JSON_MAX_MEMORY).  Errors say where, as
 * file:line:col (1-based; col counts bytes).  It never crashes on any
 * input; fuzz/fuzz_json.c holds it to that.
 */
#ifndef SMTPCONF_JSON_H
#define SMTPCONF_JSON_H

#include <stddef.h>
#include "smtpconf/status.h"

/* RFC 8259 9: "An implementation may set limits on the size of texts
 * that it accepts ... on the maximum depth of nesting ... on the range
 * and precision of numbers ... on the length and character contents of
 * strings." These are ours. */
#define SC_JSON_MAX_INPUT	(64 * 1024 * 1024)	/* bytes of text */
#define SC_JSON_MAX_DEPTH	64	/* nested arrays and objects */
#define SC_JSON_NUMBER_MAX	256	/* bytes of a number's spelling */
#define SC_JSON_MAX_MEMORY	(512u * 1024 * 1024)	/* tree bytes */

enum sc_json_type {
	SC_JSON_NULL,
	SC_JSON_BOOL,
	SC_JSON_INT,		/* an integer that fits in a long long */
	SC_JSON_DOUBLE,		/* any other number */
	SC_JSON_STRING,
	SC_JSON_ARRAY,
	SC_JSON_OBJECT
};

struct sc_json_member;

/* One value.  Strings are UTF-8, NUL-terminated, and may hold NULs. */
struct sc_json {
	enum sc_json_type type;
	unsigned line, col;		/* where the value starts */
	int boolean;			/* SC_JSON_BOOL */
	long long integer;		/* SC_JSON_INT */
	double number;			/* SC_JSON_INT, SC_JSON_DOUBLE */
	char *str;			/* SC_JSON_STRING */
	size_t len;			/* string bytes, or elements */
	struct sc_json *items;		/* SC_JSON_ARRAY */
	struct sc_json_member *members;	/* SC_JSON_OBJECT, in order */
};

struct sc_json_member {
	char *key;			/* NUL-terminated UTF-8 */
	size_t key_len;
	struct sc_json value;
};

/* A parsed document and the allocations behind it. */
struct sc_json_doc {
	struct sc_json root;
	size_t allocs;		/* allocations made so far */
	size_t bytes;		/* bytes allocated so far */
	size_t fail_at;		/* tests: fail the N-th (0: none) */
};

/*
 * sc_json_parse - parse len bytes of text (one JSON value, whitespace
 * around it) into doc->root.  file names the input in errors (may be
 * NULL).  On failure doc holds nothing and err says file:line:col.
 * Set doc->fail_at before the call to test allocation failures.
 */
int sc_json_parse(struct sc_json_doc *doc, const char *text, size_t len,
		  const char *file, struct sc_error *err);
/* sc_json_free - release the tree; doc can be parsed into again */
void sc_json_free(struct sc_json_doc *doc);
/*
 * sc_json_get - the value of key in an object, NULL when absent or when
 * obj is not an object.  RFC 8259 4 leaves duplicate names to the
 * reader: the first one wins.
 */
const struct sc_json *sc_json_get(const struct sc_json *obj, const char *key);
/* sc_json_type_name - "null", "boolean", "integer", "number", ... */
const char *sc_json_type_name(enum sc_json_type t);

#endif
