/*
 * results_merge.c - the shards of one run as one run (see
 * results_merge.h).
 */
#include <stdlib.h>
#include <string.h>
#include "smtpconf/escape.h"
#include "smtpconf/limits.h"
#include "smtpconf/results_merge.h"

/* sc_results_are_shards - every run a shard of the same N */
int sc_results_are_shards(const struct sc_loaded *runs, size_t n)
{
	size_t i;

	if (n == 0 || runs[0].info.shard_count == 0)
		return 0;
	for (i = 1; i < n; i++)
		if (runs[i].info.shard_count != runs[0].info.shard_count)
			return 0;
	return 1;
}

/* check_shards - when any run is a shard: all N of one N, each once */
static int check_shards(const struct sc_loaded *runs,
			const char *const *paths, size_t n,
			struct sc_error *err)
{
	unsigned char seen[SC_SHARDS_MAX + 1];
	unsigned count = 0, k;
	size_t i;

	for (i = 0; i < n && count == 0; i++)
		count = runs[i].info.shard_count;
	if (count == 0)
		return SC_OK;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		k = runs[i].info.shard_index;
		if (runs[i].info.shard_count != count)
			return sc_error_at(err, SC_ERR_USAGE, paths[i], 0, 0,
					   "not a shard of %u (it says %u/%u)",
					   count, k,
					   runs[i].info.shard_count);
		if (seen[k]++)
			return sc_error_at(err, SC_ERR_USAGE, paths[i], 0, 0,
					   "shard %u/%u is given twice", k,
					   count);
	}
	for (k = 1; k <= count; k++)
		if (!seen[k])
			return sc_error_set(err, SC_ERR_USAGE, "shard %u/%u is "
					    "missing: merge all %u", k, count,
					    count);
	return SC_OK;
}

/* by_id - results in id order; equal ids stay adjacent for the check */
static int by_id(const void *a, const void *b)
{
	const struct sc_result *x = a, *y = b;

	return strcmp(x->scenario->id, y->scenario->id);
}

/* span - the merged run: first start to last end, interrupted if any */
static void span(const struct sc_loaded *runs, size_t n, struct sc_run_info *o)
{
	long long start = runs[0].info.started_unix_ms, end = 0, e;
	size_t i;

	*o = runs[0].info;
	o->shard_index = o->shard_count = 0;
	for (i = 0; i < n; i++) {
		if (runs[i].info.started_unix_ms < start)
			start = runs[i].info.started_unix_ms;
		e = runs[i].info.started_unix_ms + runs[i].info.duration_ms;
		end = e > end ? e : end;
		o->interrupted |= runs[i].info.interrupted;
		if (o->server == NULL)
			o->server = runs[i].info.server;
	}
	o->started_unix_ms = start;
	o->duration_ms = end - start;
}

/* doubled - the error for an id in two files, the id made displayable */
static int doubled(const char *id, struct sc_error *err)
{
	struct sc_buf d;
	int rc;

	sc_buf_init(&d, 0);
	sc_escape_display(&d, id, strlen(id), SC_DISPLAY_CLIP);
	rc = sc_error_set(err, SC_ERR_USAGE, "scenario '%s' is in more than "
			  "one file: these are not shards of one run",
			  sc_buf_cstr(&d));
	sc_buf_free(&d);
	return rc;
}

/* sc_results_merge - merge runs into out, every scenario once */
int sc_results_merge(const struct sc_loaded *runs, const char *const *paths,
		     size_t n, struct sc_merged *out, struct sc_error *err)
{
	size_t i, j, total = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return sc_error_set(err, SC_ERR_USAGE, "nothing to merge");
	if ((rc = check_shards(runs, paths, n, err)) != SC_OK)
		return rc;
	for (i = 0; i < n; i++)
		total += runs[i].n;
	out->results = calloc(total + 1, sizeof(*out->results));
	if (out->results == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		for (j = 0; j < runs[i].n; j++)
			out->results[out->n++] = runs[i].results[j];
	/* Each shard is in id order already; one sort puts them together. */
	qsort(out->results, out->n, sizeof(*out->results), by_id);
	for (i = 1; i < out->n; i++)
		if (strcmp(out->results[i].scenario->id,
			   out->results[i - 1].scenario->id) == 0) {
			rc = doubled(out->results[i].scenario->id, err);
			sc_merged_free(out);
			return rc;
		}
	span(runs, n, &out->info);
	return SC_OK;
}

/* sc_merged_free - release the merged list (the runs keep the rest) */
void sc_merged_free(struct sc_merged *m)
{
	free(m->results);
	memset(m, 0, sizeof(*m));
}
