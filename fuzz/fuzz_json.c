/*
 * fuzz_json.c - libFuzzer target for the JSON reader (json.c) and the
 * results loader (results_load.c).
 *
 * Any input must be parsed or refused without a crash, a leak or an
 * unbounded allocation.  When it parses, the tree must keep the
 * reader's promises (json.h): the nesting is within the bound, every
 * string is valid UTF-8 with a NUL after its last byte, every position
 * is a real one.  When it is also a results file, the loaded results
 * must write a JSON report that loads again: what the loader accepts,
 * the writer can round-trip.  Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/json.h"
#include "smtpconf/escape.h"
#include "smtpconf/results_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - report a broken promise and crash so the fuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_json: %s\n", what);
	abort();
}

/* check_utf8 - the string is valid UTF-8 (NULs allowed) and terminated */
static void check_utf8(const char *s, size_t len)
{
	size_t i = 0, n;

	if (s == NULL || s[len] != '\0')
		fail("string not terminated");
	while (i < len) {
		n = sc_utf8_seq_len((const unsigned char *)s + i, len - i);
		if (n == 0)
			fail("string is not valid UTF-8");
		i += n;
	}
}

/* check_value - the promises of json.h, all the way down */
static void check_value(const struct sc_json *v, unsigned depth)
{
	size_t i;

	if (v->line == 0 || v->col == 0)
		fail("value without a position");
	if (v->type == SC_JSON_STRING)
		check_utf8(v->str, v->len);
	if (v->type != SC_JSON_ARRAY && v->type != SC_JSON_OBJECT)
		return;
	if (depth >= SC_JSON_MAX_DEPTH)
		fail("nested deeper than the bound");
	for (i = 0; i < v->len; i++) {
		if (v->type == SC_JSON_ARRAY) {
			check_value(&v->items[i], depth + 1);
			continue;
		}
		check_utf8(v->members[i].key, v->members[i].key_len);
		check_value(&v->members[i].value, depth + 1);
	}
}

/* check_results - loaded results write a report that loads again */
static void check_results(const char *text, size_t size)
{
	struct sc_loaded l, again;
	struct sc_error err;
	struct sc_buf out;

	if (sc_results_parse(text, size, "fuzz", &l, &err) != SC_OK)
		return;
	sc_buf_init(&out, 0);
	if (sc_report_json(&out, &l.info, l.results, l.n) != SC_OK)
		fail("loaded results could not be written");
	if (sc_results_parse(out.data, out.len, "again", &again, &err) !=
	    SC_OK)
		fail("written results do not load again");
	if (again.n != l.n)
		fail("results lost in the round trip");
	sc_loaded_free(&again);
	sc_loaded_free(&l);
	sc_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_json_doc doc;
	struct sc_error err;

	memset(&doc, 0, sizeof(doc));
	if (sc_json_parse(&doc, (const char *)data, size, "fuzz", &err) ==
	    SC_OK) {
		check_value(&doc.root, 0);
		sc_json_free(&doc);
		check_results((const char *)data, size);
	} else if (err.line == 0 || err.col == 0 || err.msg[0] == '\0') {
		fail("an error without a position or a message");
	}
	return 0;
}
