/*
 * pool.h - running scenarios on several connections at once (-j N).
 *
 * A pool of worker threads each takes one scenario at a time and runs
 * it with sc_run_scenario(); the caller hands scenarios in and takes
 * finished ones back, in the order they finish.  The caller alone
 * decides the order, the barriers (scenarios that must run alone) and
 * what to print: this module only runs.  With one worker no thread is
 * started and sc_pool_wait() runs the job itself, so -j 1 is exactly
 * the serial runner.
 *
 * Thread safety of what the workers share: the scenarios, the run
 * options, the variables and the capabilities are only read while a
 * pool runs; each job writes only its own result; the managed server
 * (server.h) locks itself.  The library keeps no other mutable global
 * state.
 */
#ifndef SMTPCONF_POOL_H
#define SMTPCONF_POOL_H

#include <stddef.h>
#include "smtpconf/runner.h"

struct sc_pool;

/* sc_jobs_default - online CPUs, within 1..SC_JOBS_DEFAULT_MAX */
unsigned sc_jobs_default(void);
/* sc_scenario_runs_alone - 1 when s must not run beside other scenarios */
int sc_scenario_runs_alone(const struct sc_scenario *s);

/* sc_pool_new - a pool of `workers` (1..SC_JOBS_MAX) running with o and caps */
int sc_pool_new(unsigned workers, const struct sc_run_options *o,
		const struct sc_capabilities *caps, struct sc_pool **out,
		struct sc_error *err);
/* sc_pool_idle - 1 when another job can be submitted without waiting */
int sc_pool_idle(const struct sc_pool *p);
/* sc_pool_busy - jobs submitted and not yet taken back */
size_t sc_pool_busy(const struct sc_pool *p);
/* sc_pool_submit - queue scenario s (caller's tag), its result into *res */
int sc_pool_submit(struct sc_pool *p, size_t tag, const struct sc_scenario *s,
		   struct sc_result *res);
/*
 * sc_pool_wait - block until a job has finished; its tag in *tag and
 * sc_run_scenario's status in *rc.  SC_ERR_USAGE when nothing is busy.
 */
int sc_pool_wait(struct sc_pool *p, size_t *tag, int *rc);
/* sc_pool_free - stop the threads; call when sc_pool_busy() is 0 */
void sc_pool_free(struct sc_pool *p);

#endif
