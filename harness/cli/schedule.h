/*
 * schedule.h - `smtpconf run -j N --shard K/N`: which scenarios this
 * run takes, and in what order they run on how many connections.
 *
 * Results and every report are the same as a serial run's, in content
 * and order: scenarios are started in id order, and finished ones are
 * handed on (printed, tallied, waived) in id order too.  A scenario
 * that must run alone (sc_scenario_runs_alone: `exclusive: yes` or a
 * `shutdown` step) waits until nothing else runs and runs by itself;
 * so does every scenario under --restart-each.
 */
#ifndef SMTPCONF_SCHEDULE_H
#define SMTPCONF_SCHEDULE_H

#include <signal.h>
#include "smtpconf/result.h"
#include "smtpconf/runner.h"
#include "spawn.h"

struct sched_config {
	unsigned jobs;		/* -j; 0 = sc_jobs_default() */
	unsigned shard_k;	/* --shard K/N, 1-based; 0 = no sharding */
	unsigned shard_n;
};

/* What the run does with each scenario; called in id order, main thread. */
struct sched_hooks {
	void *ctx;
	void (*started)(void *ctx, size_t i);
	void (*finished)(void *ctx, size_t i, struct sc_result *r);
};

/* A run's scenarios and where their results go (results[i] for sel[i]). */
struct sched_work {
	const struct sc_scenario **sel;
	size_t n;
	struct sc_result *results;
	size_t ndone;		/* out: results[0..ndone) are filled */
};

/* sched_option - -j/--jobs and --shard; 1 taken, 0 not ours, -1 bad value */
int sched_option(struct sched_config *c, const char *opt, const char *val);
/* sched_in_shard - is scenario s in this run's shard? */
int sched_in_shard(const struct sched_config *c, const struct sc_scenario *s);
/*
 * sched_run - run every scenario of w until done or *stop is set.
 * 0 done (or interrupted), -1 out of memory, -2 the managed server
 * could not be restarted (sp->why says why; the rest did not run).
 */
int sched_run(const struct sched_config *c, struct spawn_config *sp,
	      const struct sc_run_options *o,
	      const struct sc_capabilities *caps, struct sched_work *w,
	      const struct sched_hooks *h);

#endif
