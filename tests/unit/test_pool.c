/*
 * test_pool.c - -j N and --shard K/N in the library: the worker pool
 * runs every scenario once and hands back every result, with one
 * worker or many; which scenarios must run alone; the shard of an id
 * is FNV-1a's, so every machine splits a suite the same way.
 */
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/pool.h"
#include "smtpconf/shard.h"

#define HEADER "title: t\nrfc: 5321 4.1\nlevel: MUST\n"
#define NJOBS 24

/* on_write - a stateless server: greeting, 250 to lines, 221 to QUIT */
static void on_write(void *ctx, const char *data, size_t len,
		     struct sc_transport *t)
{
	(void)ctx;
	if (data == NULL) {
		sc_mem_queue(t, "220 mx ESMTP\r\n", 14);
		return;
	}
	if (len >= 4 && memcmp(data, "QUIT", 4) == 0) {
		sc_mem_queue(t, "221 bye\r\n", 9);
		sc_mem_hangup(t);
	} else {
		sc_mem_queue(t, "250 ok\r\n", 8);
	}
}

/* mem_connect - every session its own in-memory server */
static int mem_connect(void *ctx, const char *session, long long deadline,
		       struct sc_transport *out, struct sc_error *err)
{
	struct sc_mem_server srv = { on_write, NULL };

	(void)ctx;
	(void)session;
	(void)deadline;
	return sc_mem_open(&srv, out, err);
}

/* parse - one scenario from text, or fail the test */
static void parse(const char *text, const char *id, struct sc_vars *vars,
		  struct sc_scenario *out)
{
	struct sc_error err;

	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_scenario_parse(text, strlen(text), "t.smtp", id,
					  vars, out, &err) == SC_OK);
}

/* run_pool - NJOBS scenarios on `workers`: each result comes back once */
static void run_pool(unsigned workers)
{
	static const char text[] = HEADER "\nS: 220\nC: NOOP\nS: 250\n"
				   "C: QUIT\nS: 221\nclosed\n";
	struct sc_scenario s[NJOBS];
	struct sc_result r[NJOBS];
	int seen[NJOBS] = { 0 };
	struct sc_run_options o;
	struct sc_capabilities caps;
	struct sc_vars vars;
	struct sc_pool *p;
	struct sc_error err;
	size_t next = 0, done = 0, tag, i;
	char id[16];
	int rc;

	memset(&caps, 0, sizeof(caps));
	sc_vars_init(&vars);
	for (i = 0; i < NJOBS; i++) {
		snprintf(id, sizeof(id), "s%zu", i);
		parse(text, id, &vars, &s[i]);
	}
	sc_run_options_init(&o, &vars);
	o.connect = mem_connect;
	o.step_timeout_ms = 1000;
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_pool_new(workers, &o, &caps, &p, &err) == SC_OK);
	while (done < NJOBS) {
		if (next < NJOBS && sc_pool_idle(p)) {
			CU_ASSERT(sc_pool_submit(p, next, &s[next],
						 &r[next]) == SC_OK);
			next++;
			continue;
		}
		CU_ASSERT(sc_pool_busy(p) <= workers);
		CU_ASSERT_FATAL(sc_pool_wait(p, &tag, &rc) == SC_OK);
		CU_ASSERT(rc == SC_OK);
		CU_ASSERT_FATAL(tag < NJOBS);
		seen[tag]++;
		CU_ASSERT(r[tag].verdict == SC_VERDICT_PASS);
		CU_ASSERT(r[tag].scenario == &s[tag]);
		done++;
	}
	CU_ASSERT(sc_pool_wait(p, &tag, &rc) == SC_ERR_USAGE);
	sc_pool_free(p);
	for (i = 0; i < NJOBS; i++) {
		CU_ASSERT(seen[i] == 1);
		sc_result_free(&r[i]);
		sc_scenario_free(&s[i]);
	}
}

/* test_one_worker - no thread: each wait runs the next job in place */
static void test_one_worker(void)
{
	run_pool(1);
}

/* test_many_workers - four threads, more jobs than threads */
static void test_many_workers(void)
{
	run_pool(4);
}

/* test_pool_bounds - 0 and more than SC_JOBS_MAX workers are refused */
static void test_pool_bounds(void)
{
	struct sc_run_options o;
	struct sc_capabilities caps;
	struct sc_pool *p;
	struct sc_error err;

	memset(&caps, 0, sizeof(caps));
	sc_run_options_init(&o, NULL);
	sc_error_clear(&err);
	CU_ASSERT(sc_pool_new(0, &o, &caps, &p, &err) == SC_ERR_USAGE);
	CU_ASSERT(sc_pool_new(SC_JOBS_MAX + 1, &o, &caps, &p, &err) ==
		  SC_ERR_USAGE);
	CU_ASSERT(sc_jobs_default() >= 1);
	CU_ASSERT(sc_jobs_default() <= SC_JOBS_DEFAULT_MAX);
}

/* test_runs_alone - exclusive: yes or a shutdown step; nothing else */
static void test_runs_alone(void)
{
	struct sc_scenario s;
	struct sc_vars vars;

	sc_vars_init(&vars);
	parse(HEADER "\nS: 220\n", "plain", &vars, &s);
	CU_ASSERT(sc_scenario_runs_alone(&s) == 0);
	sc_scenario_free(&s);
	parse(HEADER "exclusive: yes\n\nS: 220\n", "ex", &vars, &s);
	CU_ASSERT(sc_scenario_runs_alone(&s) == 1);
	sc_scenario_free(&s);
	parse(HEADER "exclusive: no\n\nS: 220\nshutdown\nS: 421\n", "sd",
	      &vars, &s);
	CU_ASSERT(sc_scenario_runs_alone(&s) == 1);
	sc_scenario_free(&s);
}

/* test_shard_is_fnv1a - the published FNV-1a 64 values, modulo n */
static void test_shard_is_fnv1a(void)
{
	/* FNV-1a 64: "" = cbf29ce484222325, "a" = af63dc4c8601ec8c,
	 * "foobar" = 85944171f73967e8 (the reference test vectors). */
	CU_ASSERT(sc_shard_of("", 1000) ==
		  (unsigned)(0xcbf29ce484222325ULL % 1000));
	CU_ASSERT(sc_shard_of("a", 1000) ==
		  (unsigned)(0xaf63dc4c8601ec8cULL % 1000));
	CU_ASSERT(sc_shard_of("foobar", 7) ==
		  (unsigned)(0x85944171f73967e8ULL % 7));
	CU_ASSERT(sc_shard_of("rfc5321/noop/basic", 1) == 0);
	CU_ASSERT(sc_shard_of("rfc5321/noop/basic", 0) == 0);
}

/* test_shards_cover - every id lands in exactly one shard below n */
static void test_shards_cover(void)
{
	unsigned count[5] = { 0 };
	char id[32];
	unsigned i, k;

	for (i = 0; i < 500; i++) {
		snprintf(id, sizeof(id), "area/scenario-%u", i);
		k = sc_shard_of(id, 5);
		CU_ASSERT_FATAL(k < 5);
		CU_ASSERT(sc_shard_of(id, 5) == k);
		count[k]++;
	}
	/* Not a balance guarantee, a sanity check: none is left empty. */
	for (k = 0; k < 5; k++)
		CU_ASSERT(count[k] > 50);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "one worker", test_one_worker },
		{ "many workers", test_many_workers },
		{ "pool bounds", test_pool_bounds },
		{ "runs alone", test_runs_alone },
		{ "shard is FNV-1a", test_shard_is_fnv1a },
		{ "shards cover", test_shards_cover },
		{ NULL, NULL }
	};

	return test_add_suite("pool", cases);
}
