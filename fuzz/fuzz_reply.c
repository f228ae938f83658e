/*
 * fuzz_reply.c - libFuzzer target for the reply parser (reply.c).
 *
 * The parser promises (reply.h) that the replies it produces do not
 * depend on how the peer's bytes were cut into reads.  This target
 * checks exactly that: the input is parsed once in two reads split at
 * a point derived from the data, and once one byte at a time; the two
 * lists of replies, and the partial reply left at the end, must be
 * identical down to every byte and line record.  Any difference aborts,
 * which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/reply.h"

/* Every reply one run produced, in order, plus the partial one at EOF. */
struct run {
	struct sc_reply *replies;
	size_t count;
	size_t cap;
	struct sc_reply partial;
	int had_partial;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - report a broken promise and crash so the fuzzer keeps the input */
static void fail(const char *what, size_t index)
{
	fprintf(stderr, "fuzz_reply: %s (reply %zu)\n", what, index);
	abort();
}

/* run_push - keep one finished reply */
static void run_push(struct run *r, struct sc_reply *rep)
{
	struct sc_reply *grown;

	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		grown = realloc(r->replies, r->cap * sizeof(*grown));
		if (grown == NULL)
			abort();
		r->replies = grown;
	}
	r->replies[r->count++] = *rep;
	memset(rep, 0, sizeof(*rep));
}

/* feed_chunk - feed one read's worth of bytes, keeping every reply */
static void feed_chunk(struct sc_reply_parser *p, struct run *r,
		       const char *buf, size_t len)
{
	struct sc_reply rep;
	size_t used;

	while (len > 0) {
		memset(&rep, 0, sizeof(rep));
		used = 0;
		if (sc_reply_feed(p, buf, len, &used, &rep) !=
		    SC_FEED_NEED_MORE)
			run_push(r, &rep);
		/* NEED_MORE consumes everything; DONE and ERROR at least
		 * the byte that ended the reply. */
		if (used > len || used == 0)
			fail("consumed a wrong number of bytes", r->count);
		buf += used;
		len -= used;
	}
}

/* run_finish - take the partial reply at EOF */
static void run_finish(struct sc_reply_parser *p, struct run *r)
{
	memset(&r->partial, 0, sizeof(r->partial));
	r->had_partial = sc_reply_parser_take_partial(p, &r->partial);
	sc_reply_parser_free(p);
}

/* run_free - release a run's replies */
static void run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		sc_reply_free(&r->replies[i]);
	free(r->replies);
	sc_reply_free(&r->partial);
}

/* check_reply - structural promises of reply.h about one reply */
static void check_reply(const struct sc_reply *a, size_t index)
{
	size_t i, len;
	const char *text;

	if (a->nlines > SC_REPLY_MAX_LINES)
		fail("more lines than SC_REPLY_MAX_LINES", index);
	if (a->nlines > 0 && (a->raw == NULL || a->lines == NULL))
		fail("lines without storage", index);
	for (i = 0; i < a->nlines; i++) {
		const struct sc_reply_line *l = &a->lines[i];

		if (l->off > a->raw_len || l->len > a->raw_len - l->off)
			fail("line record outside raw", index);
		if (l->len > SC_REPLY_LINE_KEEP)
			fail("line stored past SC_REPLY_LINE_KEEP", index);
		text = sc_reply_text(a, i, &len);
		if (text == NULL || text < a->raw ||
		    text + len > a->raw + a->raw_len)
			fail("reply text outside raw", index);
	}
	if (a->enhanced[sizeof(a->enhanced) - 1] != '\0')
		fail("enhanced code not terminated", index);
}

/* same_line - two line records, field by field (padding may differ) */
static int same_line(const struct sc_reply_line *a,
		     const struct sc_reply_line *b)
{
	return a->off == b->off && a->len == b->len &&
	       a->full_len == b->full_len && a->code == b->code &&
	       a->sep == b->sep;
}

/* same_reply - are two replies identical in every field? */
static int same_reply(const struct sc_reply *a, const struct sc_reply *b)
{
	size_t i;

	if (a->code != b->code || a->violations != b->violations ||
	    strcmp(a->enhanced, b->enhanced) != 0 ||
	    a->raw_len != b->raw_len || a->wire_len != b->wire_len ||
	    a->nlines != b->nlines)
		return 0;
	if (a->raw_len > 0 && memcmp(a->raw, b->raw, a->raw_len) != 0)
		return 0;
	for (i = 0; i < a->nlines; i++)
		if (!same_line(&a->lines[i], &b->lines[i]))
			return 0;
	return 1;
}

/* compare_runs - the two ways of feeding must agree exactly */
static void compare_runs(struct run *x, struct run *y)
{
	size_t i;

	if (x->count != y->count)
		fail("split and byte-at-a-time give different counts", 0);
	for (i = 0; i < x->count; i++) {
		check_reply(&x->replies[i], i);
		if (!same_reply(&x->replies[i], &y->replies[i]))
			fail("split and byte-at-a-time differ", i);
		/* The enhanced-code check must be a pure function too. */
		if (sc_reply_check_enhanced(&x->replies[i]) !=
		    sc_reply_check_enhanced(&y->replies[i]) ||
		    x->replies[i].violations != y->replies[i].violations)
			fail("sc_reply_check_enhanced differs", i);
	}
	if (x->had_partial != y->had_partial ||
	    !same_reply(&x->partial, &y->partial))
		fail("partial replies differ", x->count);
	check_reply(&x->partial, x->count);
}

/* split_point - where to cut the input, chosen by the input itself */
static size_t split_point(const uint8_t *data, size_t size)
{
	if (size < 2)
		return size;
	return ((size_t)data[0] << 8 | data[size - 1]) % (size + 1);
}

/* LLVMFuzzerTestOneInput - parse data two ways and compare */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sc_reply_parser p;
	struct run split, bytes;
	size_t cut = split_point(data, size), i;
	unsigned bit;

	memset(&split, 0, sizeof(split));
	memset(&bytes, 0, sizeof(bytes));
	sc_reply_parser_init(&p);
	feed_chunk(&p, &split, buf, cut);
	feed_chunk(&p, &split, buf + cut, size - cut);
	run_finish(&p, &split);

	sc_reply_parser_init(&p);
	for (i = 0; i < size; i++)
		feed_chunk(&p, &bytes, buf + i, 1);
	run_finish(&p, &bytes);

	compare_runs(&split, &bytes);
	for (bit = 1; bit != 0 && bit <= SC_RV_ENHANCED_CLASS; bit <<= 1)
		if (sc_reply_violation_text(bit) == NULL)
			fail("violation without a text", 0);
	run_free(&split);
	run_free(&bytes);
	return 0;
}
