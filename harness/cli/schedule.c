/*
 * schedule.c - -j N and --shard K/N (see schedule.h).
 *
 * The main thread starts scenarios in id order on the pool's workers
 * and hands finished results on in id order, so the terminal, the
 * tally and every report read as in a serial run.  It alone touches
 * the managed server's life (restarts), and only when nothing runs.
 *
 * A crash or a hang under -j: several scenarios ran while the server
 * died (or stopped answering), and the one that noticed is not always
 * the one that caused it.  So every scenario that ran beside it is run
 * again, alone, on a fresh server, in id order: the crash or hang is
 * then charged as a serial run charges it.
 *
 * The suite holds only scenario headers (sc_scenario_lighten): each
 * scenario is parsed in full when it starts and freed once its result
 * has been handed on, so memory follows the scenarios running, not the
 * suite's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/pool.h"
#include "smtpconf/shard.h"
#include "cli.h"
#include "schedule.h"

enum slot_state {
	SLOT_WAITING,		/* not started */
	SLOT_RUNNING,		/* on a worker */
	SLOT_DONE,		/* final, not yet handed on */
	SLOT_RERUN,		/* ran beside a crash: run again alone */
	SLOT_SHOWN		/* handed on to the hooks */
};

struct sched {
	const struct sched_config *c;
	struct spawn_config *sp;
	const struct sc_run_options *o;
	const struct sc_capabilities *caps;
	struct sched_work *w;
	const struct sched_hooks *h;
	struct sc_pool *pool;
	unsigned jobs;
	unsigned char *state;	/* enum slot_state per scenario */
	struct sc_scenario **full;	/* parsed in full while it runs */
	size_t next;		/* next scenario to start */
	size_t shown;		/* results [0, shown) handed on */
	const struct sc_result *last;	/* the last one to finish */
	int crash_seen;		/* the server died while these ran */
	const struct sc_result *hung;	/* a scenario saw the server hang */
};

/* parse_count - a decimal 1..max; -1 if not */
static long parse_count(const char *s, const char **end, long max)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		if (v > max)
			return -1;
	}
	*end = s;
	return v >= 1 ? v : -1;
}

/* sched_option - -j/--jobs and --shard; 1 taken, 0 not ours, -1 bad value */
int sched_option(struct sched_config *c, const char *opt, const char *val)
{
	const char *end;
	long k, n;

	if (strcmp(opt, "-j") == 0 || strcmp(opt, "--jobs") == 0) {
		k = parse_count(val, &end, SC_JOBS_MAX);
		if (k < 0 || *end != '\0')
			return -1;
		c->jobs = (unsigned)k;
		return 1;
	}
	if (strcmp(opt, "--shard") != 0)
		return 0;
	k = parse_count(val, &end, SC_SHARDS_MAX);
	if (k < 0 || *end != '/')
		return -1;
	n = parse_count(end + 1, &end, SC_SHARDS_MAX);
	if (n < 0 || *end != '\0' || k > n)
		return -1;
	c->shard_k = (unsigned)k;
	c->shard_n = (unsigned)n;
	return 1;
}

/* sched_in_shard - is scenario s in this run's shard? */
int sched_in_shard(const struct sched_config *c, const struct sc_scenario *s)
{
	if (c->shard_n == 0)
		return 1;
	return sc_shard_of(s->id, c->shard_n) + 1 == c->shard_k;
}

/* stopped - Ctrl-C was pressed */
static int stopped(const struct sched *s)
{
	return s->o->interrupted != NULL && *s->o->interrupted;
}

/* spawn_steady - 1 when the managed server (if any) needs no restart */
static int spawn_steady(struct spawn_config *sp)
{
	if (!sp->managed)
		return 1;
	if (sp->failed || sp->server.stopping)
		return 0;
	if (sp->spawn_cmd == NULL)
		return 1;
	return sc_server_poll(&sp->server) == SC_SERVER_RUNNING;
}

/* watching_crashes - side by side on a server we can see die */
static int watching_crashes(const struct sched *s)
{
	return s->jobs > 1 && s->sp->managed && s->sp->spawn_cmd != NULL;
}

/* drop_full - the full parse of scenario i is no longer needed */
static void drop_full(struct sched *s, size_t i)
{
	if (s->full[i] == NULL)
		return;
	if (s->w->results[i].scenario == s->full[i])
		s->w->results[i].scenario = s->w->sel[i];
	sc_scenario_free(s->full[i]);
	free(s->full[i]);
	s->full[i] = NULL;
}

/* load_fail - scenario i could not be parsed again: an error result */
static void load_fail(struct sched *s, size_t i, const struct sc_error *e)
{
	struct sc_result *r = &s->w->results[i];
	char where[1200], reason[1400];

	sc_error_format(e, where, sizeof(where));
	snprintf(reason, sizeof(reason), "the scenario could not be read "
		 "again to run it: %s", where);
	memset(r, 0, sizeof(*r));
	r->scenario = s->w->sel[i];
	r->verdict = SC_VERDICT_ERROR;
	r->reason = strdup(reason);
}

/*
 * full_of - scenario i in full, parsed again from its file when the
 * suite holds only its header; NULL (and an error result) if that
 * failed: the file changed or vanished since the run began.
 */
static const struct sc_scenario *full_of(struct sched *s, size_t i)
{
	const struct sc_scenario *light = s->w->sel[i];
	struct sc_scenario *f;
	struct sc_error err;

	if (!light->light)
		return light;
	if (s->full[i] != NULL)
		return s->full[i];
	sc_error_clear(&err);
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		sc_error_set(&err, SC_ERR_NOMEM, "out of memory");
	} else if (sc_scenario_load(light->path, light->id, s->o->vars, f,
				    &err) == SC_OK) {
		s->full[i] = f;
		return f;
	}
	free(f);
	load_fail(s, i, &err);
	return NULL;
}

/* flush - hand on the finished results that are next in id order */
static void flush(struct sched *s)
{
	while (s->shown < s->next && s->state[s->shown] == SLOT_DONE) {
		s->h->finished(s->h->ctx, s->shown,
			       &s->w->results[s->shown]);
		drop_full(s, s->shown);
		s->state[s->shown++] = SLOT_SHOWN;
	}
}

/* settle_slot - a scenario came back from a worker */
static void settle_slot(struct sched *s, size_t i)
{
	struct sc_result *r = &s->w->results[i];

	s->last = r;
	s->state[i] = SLOT_DONE;
	if (r->hung)
		s->hung = r;	/* restart it before the next start */
	if (!watching_crashes(s))
		return;
	if (r->verdict == SC_VERDICT_FAIL || r->verdict == SC_VERDICT_ERROR)
		sc_server_settle(&s->sp->server, SC_JOBS_CRASH_SETTLE_MS);
	else
		sc_server_poll(&s->sp->server);
	if (r->crashed || r->hung || s->crash_seen ||
	    sc_server_crashed(&s->sp->server)) {
		s->crash_seen = 1;
		if (!stopped(s))
			s->state[i] = SLOT_RERUN;
	}
}

/* collect_one - wait for one worker's result; -1 when memory ran out */
static int collect_one(struct sched *s)
{
	size_t i;
	int rc;

	if (sc_pool_wait(s->pool, &i, &rc) != SC_OK || rc != SC_OK)
		return -1;
	settle_slot(s, i);
	flush(s);
	return 0;
}

/* drain - wait until nothing runs */
static int drain(struct sched *s)
{
	while (s->pool != NULL && sc_pool_busy(s->pool) > 0)
		if (collect_one(s) < 0)
			return -1;
	return 0;
}

/* run_inline - one scenario on this thread, nothing beside it */
static int run_inline(struct sched *s, size_t i)
{
	const struct sc_scenario *sc;

	s->state[i] = SLOT_RUNNING;
	s->h->started(s->h->ctx, i);
	sc = full_of(s, i);
	if (sc != NULL && sc_run_scenario(sc, s->o, s->caps,
					  &s->w->results[i]) != SC_OK)
		return -1;
	s->last = &s->w->results[i];
	if (s->last->hung)
		s->hung = s->last;
	s->state[i] = SLOT_DONE;
	flush(s);
	return 0;
}

/* give_up - the server cannot be restarted: what did not finish errs */
static void give_up(struct sched *s)
{
	struct sc_result *r;
	size_t i;

	for (i = s->shown; i < s->next; i++) {
		if (s->state[i] != SLOT_RERUN)
			continue;
		r = &s->w->results[i];
		sc_result_free(r);
		memset(r, 0, sizeof(*r));
		r->scenario = s->w->sel[i];
		r->verdict = SC_VERDICT_ERROR;
		r->reason = strdup(s->sp->why);
		r->unreachable = 1;
		s->state[i] = SLOT_DONE;
	}
	flush(s);
}

/* rerun_crashed - after a crash under -j: run those scenarios alone */
static int rerun_crashed(struct sched *s)
{
	size_t i;

	s->crash_seen = 0;
	for (i = s->shown; i < s->next; i++) {
		if (s->state[i] != SLOT_RERUN)
			continue;
		if (spawn_before(s->sp, i, s->last) < 0)
			return -2;
		sc_result_free(&s->w->results[i]);
		if (run_inline(s, i) < 0)
			return -1;
	}
	return 0;
}

/* make_room - nothing runs, crashes re-run, the server fit for scenario i */
static int make_room(struct sched *s)
{
	int rc;

	if (drain(s) < 0)
		return -1;
	if (stopped(s))
		return 0;
	if ((rc = rerun_crashed(s)) != 0)
		return rc;
	/* spawn.c restarts a server that hung in the scenario it is told
	 * ran last; under -j that may not be the latest to finish. */
	rc = spawn_before(s->sp, s->next, s->hung ? s->hung : s->last);
	s->hung = NULL;
	return rc < 0 ? -2 : 0;
}

/* step - start, or wait for, one scenario; <0 as sched_run */
static int step(struct sched *s)
{
	const struct sc_scenario *sc = s->w->sel[s->next];
	int alone = s->jobs == 1 || s->sp->restart_each ||
		    sc_scenario_runs_alone(sc);
	int rc;

	if (alone || s->crash_seen || (s->hung && s->sp->managed) ||
	    !spawn_steady(s->sp)) {
		if ((rc = make_room(s)) != 0)
			return rc;
		if (stopped(s))
			return 0;
		if (alone) {
			/* Counted as started first, so that it is handed on
			 * as soon as it ends (flush stops at next). */
			s->next++;
			return run_inline(s, s->next - 1);
		}
	}
	if (!sc_pool_idle(s->pool))
		return collect_one(s);
	s->state[s->next] = SLOT_RUNNING;
	s->h->started(s->h->ctx, s->next);
	if ((sc = full_of(s, s->next)) == NULL) {
		s->state[s->next++] = SLOT_DONE;
		flush(s);
		return 0;
	}
	if (sc_pool_submit(s->pool, s->next, sc,
			   &s->w->results[s->next]) != SC_OK)
		return -1;
	s->next++;
	return 0;
}

/* finish - let everything end, then hand on what is left */
static int finish(struct sched *s, int rc)
{
	size_t i;

	if (drain(s) < 0 && rc == 0)
		rc = -1;
	if (rc == 0 && !stopped(s))
		rc = rerun_crashed(s);
	if (rc == -2)
		give_up(s);
	/* Interrupted: a crash-tainted result stays as it is. */
	for (i = s->shown; i < s->next; i++)
		if (s->state[i] == SLOT_RERUN)
			s->state[i] = SLOT_DONE;
	flush(s);
	s->w->ndone = s->shown;
	return rc;
}

/* sched_run - run every scenario of w until done or interrupted */
int sched_run(const struct sched_config *c, struct spawn_config *sp,
	      const struct sc_run_options *o,
	      const struct sc_capabilities *caps, struct sched_work *w,
	      const struct sched_hooks *h)
{
	struct sched s;
	struct sc_error err;
	size_t i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.sp = sp;
	s.o = o;
	s.caps = caps;
	s.w = w;
	s.h = h;
	s.jobs = c->jobs ? c->jobs : sc_jobs_default();
	if (s.jobs > w->n)
		s.jobs = w->n > 0 ? (unsigned)w->n : 1;
	s.state = calloc(w->n + 1, 1);
	s.full = calloc(w->n + 1, sizeof(*s.full));
	sc_error_clear(&err);
	if (s.state == NULL || s.full == NULL ||
	    (s.jobs > 1 && sc_pool_new(s.jobs, o, caps, &s.pool, &err) !=
	     SC_OK)) {
		free(s.state);
		free(s.full);
		return -1;
	}
	while (rc == 0 && s.next < w->n && !(o->interrupted && *o->interrupted))
		rc = step(&s);
	rc = finish(&s, rc);
	sc_pool_free(s.pool);
	for (i = 0; i < w->n; i++)
		drop_full(&s, i);
	free(s.full);
	free(s.state);
	return rc;
}
