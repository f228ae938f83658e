/*
 * results_merge.h - one run from the results of its shards.
 *
 * `smtpconf run --shard K/N` on N CI machines gives N results files of
 * one suite against one server build; merging them gives the report
 * a single machine would have written: every scenario once, in id
 * order.  This is not the multi-server matrix (report_compare.h),
 * where the same scenarios ran against different servers.
 */
#ifndef SMTPCONF_RESULTS_MERGE_H
#define SMTPCONF_RESULTS_MERGE_H

#include <stddef.h>
#include "smtpconf/results_load.h"

struct sc_merged {
	struct sc_run_info info;	/* the first run's, times spanning all */
	struct sc_result *results;	/* shallow copies: the runs own them */
	size_t n;
};

/*
 * sc_results_are_shards - 1 when every run says it is a shard of the
 * same N (the files `run --shard` wrote), so that merging is meant.
 */
int sc_results_are_shards(const struct sc_loaded *runs, size_t n);
/*
 * sc_results_merge - merge runs (paths name them in errors).  Fails
 * when a scenario appears twice, or when the runs are shards and one
 * of the N is missing, doubled or of another N.  out borrows from
 * runs: free it first.
 */
int sc_results_merge(const struct sc_loaded *runs, const char *const *paths,
		     size_t n, struct sc_merged *out, struct sc_error *err);
/* sc_merged_free - release what a merge allocated */
void sc_merged_free(struct sc_merged *m);

#endif
