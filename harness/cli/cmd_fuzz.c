/*
 * cmd_fuzz.c - `smtpconf fuzz`: fuzz a live server's command parser.
 *
 * The loop picks a session from the corpus (the built-in seeds, the
 * files of --corpus, and every mutated session that made the server
 * answer a verb with a code not seen before), mutates it (mutate.h),
 * plays it (fuzz.h) and judges it.  A finding is minimized, written
 * under --findings as a scenario file, and replayed once through the
 * runner, as `smtpconf run FILE` would, to show that it reproduces.
 * Everything random comes from --seed, so a run can be repeated.
 *
 * Exit: 0 no finding, 1 a hang, close or grammar finding, 3 a crash
 * (or the server unreachable), 2 usage, 130 interrupted.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "smtpconf/escape.h"
#include "smtpconf/fuzz.h"
#include "smtpconf/mutate.h"
#include "smtpconf/report.h"
#include "cli.h"
#include "spawn.h"

#define MAX_CORPUS_DIRS	16

/* One corpus entry: a session. */
struct entry {
	char *data;
	size_t len;
};

struct fuzz_config {
	const char *target;
	const char *findings;		/* --findings DIR */
	const char *dict;		/* --dict FILE */
	const char *corpus[MAX_CORPUS_DIRS];
	size_t ncorpus;
	unsigned long long seed;
	unsigned long runs;		/* 0: until --max-time */
	unsigned max_time_ms;
	unsigned long max_findings;	/* stop after this many */
	int no_minimize, verbose, quiet;
	struct spawn_config spawn;
	struct sc_fuzz_options fo;
};

struct fuzz_state {
	struct fuzz_config cfg;
	struct sc_mutator mut;
	struct entry corpus[SC_FUZZ_CORPUS_MAX];
	size_t ncorpus, nseeds;
	unsigned char cover[SC_FUZZ_COVER_BITS / 8];
	unsigned long sessions;
	unsigned long reached[SC_FUZZ_NSTATES];
	unsigned long found[SC_FUZZ_GRAMMAR + 1];
	unsigned long findings;
	unsigned long unsure_lines, unsure_answered;
	int worst;			/* exit code so far */
	char buf[SC_FUZZ_SESSION_MAX];
};

/* fuzz_usage - the options of `smtpconf fuzz` */
static void fuzz_usage(FILE *out)
{
	fprintf(out,
"usage: smtpconf fuzz --target HOST:PORT [options]\n"
"\n"
"Plays mutated SMTP sessions against the server and reports crashes,\n"
"hangs, closes without 421/221 and broken replies (docs/fuzzing.md).\n"
"  --target HOST:PORT      server under test\n"
"  --spawn COMMAND         start it (${port} is the target's port); a\n"
"                          crash, exit or sanitizer report is a finding\n"
"  --stop, --stop-signal, --spawn-timeout   as for 'smtpconf run'\n"
"  --seed N                seed of every random choice (default 1)\n"
"  --runs N                sessions to play (default 1000)\n"
"  --max-time DUR          stop after this long (e.g. 60s, 10m)\n"
"  --findings DIR          where findings go (default corpora/findings)\n"
"  --max-findings N        stop after N findings (default 1)\n"
"  --dict FILE             libFuzzer dictionary (default: smtp.dict)\n"
"  --corpus DIR            more seed sessions, one per file (repeatable)\n"
"  --hang-timeout DUR      no reply owed within this is a hang (5s)\n"
"  --connect-timeout DUR   default 5s\n"
"  --no-minimize           keep findings as found\n"
"  -v, --verbose           mutation statistics, every finding's file\n"
"  -q, --quiet             only findings and the summary\n"
"exit: 0 no finding, 1 hang/close/grammar finding, 2 usage/input error,\n"
"      3 server crashed or unreachable, 130 interrupted\n");
}

/* parse_count - a decimal count, 1 .. max */
static int parse_count(const char *s, unsigned long long max,
		       unsigned long long *out)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoull(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

/* set_number - --seed, --runs, --max-findings */
static int set_number(struct fuzz_config *cfg, const char *opt,
		      const char *val)
{
	unsigned long long n;

	if (strcmp(opt, "--seed") == 0)
		return parse_count(val, ~0ULL, &cfg->seed) == 0 ? 1 : -1;
	if (strcmp(opt, "--runs") == 0 || strcmp(opt, "--max-findings") == 0) {
		if (parse_count(val, 1000000000ULL, &n) < 0 || n == 0)
			return -1;
		if (opt[2] == 'r')
			cfg->runs = (unsigned long)n;
		else
			cfg->max_findings = (unsigned long)n;
		return 1;
	}
	return 0;
}

/* set_value - the other value options; 1 taken, 0 not ours, -1 bad */
static int set_value(struct fuzz_config *cfg, const char *opt,
		     const char *val)
{
	if (strcmp(opt, "--target") == 0)
		cfg->target = val;
	else if (strcmp(opt, "--findings") == 0)
		cfg->findings = val;
	else if (strcmp(opt, "--dict") == 0)
		cfg->dict = val;
	else if (strcmp(opt, "--corpus") == 0 &&
		 cfg->ncorpus < MAX_CORPUS_DIRS)
		cfg->corpus[cfg->ncorpus++] = val;
	else if (strcmp(opt, "--max-time") == 0)
		return cli_parse_duration(val, &cfg->max_time_ms) == 0 ? 1 : -1;
	else if (strcmp(opt, "--hang-timeout") == 0)
		return cli_parse_duration(val, &cfg->fo.hang_timeout_ms) == 0
		       ? 1 : -1;
	else if (strcmp(opt, "--connect-timeout") == 0)
		return cli_parse_duration(val,
			&cfg->fo.run.connect_timeout_ms) == 0 ? 1 : -1;
	else
		return set_number(cfg, opt, val);
	return 1;
}

/* set_flag - options without a value; 1 taken */
static int set_flag(struct fuzz_config *cfg, const char *arg)
{
	if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
		cfg->verbose = 1;
	else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
		cfg->quiet = 1;
	else if (strcmp(arg, "--no-minimize") == 0)
		cfg->no_minimize = 1;
	else
		return spawn_flag(&cfg->spawn, arg);
	return 1;
}

/* apply_option - one --option VALUE; -1 on a bad value or unknown one */
static int apply_option(struct fuzz_config *cfg, int argc, char **argv,
			int *i)
{
	char opt[64];
	const char *val;
	size_t n = strcspn(argv[*i], "=");
	int rc;

	snprintf(opt, sizeof(opt), "%.*s", (int)(n < 63 ? n : 63), argv[*i]);
	val = cli_option_value(argc, argv, i, "fuzz");
	if (val == NULL)
		return -1;
	rc = set_value(cfg, opt, val);
	if (rc == 0)
		rc = spawn_option(&cfg->spawn, opt, val);
	if (rc == 0) {
		cli_usage_error("fuzz", "unknown option '%s' (see 'smtpconf "
				"fuzz --help')", opt);
		return -1;
	}
	if (rc < 0)
		cli_usage_error("fuzz", "bad value '%s' for %s", val, opt);
	return rc < 0 ? -1 : 0;
}

/* parse_args - the command line; -1 usage error, 1 --help */
static int parse_args(struct fuzz_config *cfg, int argc, char **argv)
{
	struct sc_error err;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
		if (set_flag(cfg, argv[i]))
			continue;
		if (argv[i][0] != '-' || apply_option(cfg, argc, argv, &i) < 0) {
			if (argv[i][0] != '-')
				cli_usage_error("fuzz", "unexpected '%s'",
						argv[i]);
			return -1;
		}
	}
	if (cfg->target == NULL) {
		cli_usage_error("fuzz", "--target HOST:PORT is required");
		return -1;
	}
	sc_error_clear(&err);
	if (sc_target_parse(cfg->target, cfg->fo.run.host,
			    sizeof(cfg->fo.run.host), cfg->fo.run.port,
			    sizeof(cfg->fo.run.port), &err) != SC_OK) {
		cli_usage_error("fuzz", "%s", err.msg);
		return -1;
	}
	return spawn_check(&cfg->spawn);
}

/* read_file - a whole file of at most max bytes (caller frees) */
static char *read_file(const char *path, size_t max, size_t *len)
{
	struct stat st;
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;

	if (fp == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 0 && (size_t)st.st_size <= max) {
		buf = malloc((size_t)st.st_size + 1);
		if (buf != NULL &&
		    fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)st.st_size;
	}
	fclose(fp);
	return buf;
}

/* default_dict - the installed dictionary, or the source tree's */
static const char *default_dict(void)
{
	struct stat st;

	if (stat(SMTPCONF_DICT_PATH, &st) == 0)
		return SMTPCONF_DICT_PATH;
	if (stat(SMTPCONF_SOURCE_DICT_PATH, &st) == 0)
		return SMTPCONF_SOURCE_DICT_PATH;
	return NULL;
}

/* load_dict - the dictionary into the mutator; -1 (printed) on errors */
static int load_dict(struct fuzz_state *st)
{
	const char *path = st->cfg.dict ? st->cfg.dict : default_dict();
	struct sc_error err;
	char msg[1200];
	size_t len = 0;
	char *text;
	int rc;

	if (path == NULL)
		return 0;	/* the mutator's own tables still work */
	text = read_file(path, SC_FUZZ_DICT_MAX, &len);
	if (text == NULL) {
		fprintf(stderr, "%s: cannot read (or larger than %u bytes)\n",
			path, (unsigned)SC_FUZZ_DICT_MAX);
		return -1;
	}
	sc_error_clear(&err);
	rc = sc_mutator_load_dict(&st->mut, text, len, path, &err);
	free(text);
	if (rc != SC_OK) {
		sc_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	return 0;
}

/* corpus_add - keep a copy of a session; 0 when the corpus is full */
static int corpus_add(struct fuzz_state *st, const char *data, size_t len)
{
	char *copy;

	if (st->ncorpus >= SC_FUZZ_CORPUS_MAX || len == 0)
		return 0;
	copy = malloc(len);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, len);
	st->corpus[st->ncorpus].data = copy;
	st->corpus[st->ncorpus++].len = len;
	return 1;
}

/* name_cmp - qsort comparison of names */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_dir - every regular file of dir, in name order; -1 on errors */
static int load_dir(struct fuzz_state *st, const char *dir)
{
	char *names[SC_FUZZ_CORPUS_MAX], path[4096], *data;
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d = opendir(dir);

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < SC_FUZZ_CORPUS_MAX)
		if (de->d_name[0] != '.' &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		data = read_file(path, SC_FUZZ_SESSION_MAX, &len);
		if (data != NULL)
			corpus_add(st, data, len);
		free(data);
		free(names[i]);
	}
	return 0;
}

/* load_corpus - built-in seeds, then --corpus directories */
static int load_corpus(struct fuzz_state *st)
{
	const char *seed;
	size_t i, len;

	for (i = 0; i < sc_fuzz_seed_count(); i++) {
		seed = sc_fuzz_seed(i, &len);
		corpus_add(st, seed, len);
	}
	for (i = 0; i < st->cfg.ncorpus; i++)
		if (load_dir(st, st->cfg.corpus[i]) < 0)
			return -1;
	st->nseeds = st->ncorpus;
	return 0;
}

/* ensure_server - a spawned server that crashed is started again */
static int ensure_server(struct fuzz_state *st)
{
	struct spawn_config *sp = &st->cfg.spawn;
	struct sc_error err;

	if (!sp->managed || sp->spawn_cmd == NULL)
		return 0;
	if (sp->failed)
		return -1;
	if (sc_server_poll(&sp->server) == SC_SERVER_RUNNING)
		return 0;
	sc_error_clear(&err);
	if (sc_server_restart(&sp->server, &err) != SC_OK) {
		fprintf(stderr, "smtpconf: the server could not be "
			"restarted: %s\n", err.msg);
		sp->failed = 1;
		return -1;
	}
	return 0;
}

/* play_one - one session, with the server (re)started as needed */
static int play_one(void *ctx, const char *data, size_t len,
		    struct sc_fuzz_outcome *out)
{
	struct fuzz_state *st = ctx;
	struct sc_error err;

	if (ensure_server(st) < 0)
		return -1;
	sc_error_clear(&err);
	return sc_fuzz_run_session(&st->cfg.fo, data, len, out, &err) ==
	       SC_OK ? 0 : -1;
}

/* hash32 - FNV-1a of the finding, for its file name */
static unsigned hash32(const char *p, size_t n)
{
	unsigned h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* make_dirs - mkdir -p */
static int make_dirs(const char *dir)
{
	char path[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s", dir);
	for (i = 1; path[i] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return -1;
		path[i] = '/';
	}
	return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

/* replays - run the finding through the runner as `smtpconf run` does */
static int replays(struct fuzz_state *st, const char *path,
		   const struct sc_buf *text, enum sc_fuzz_oracle k)
{
	struct sc_scenario scen;
	struct sc_server_info info;
	struct sc_result res;
	struct sc_vars vars;
	struct sc_error err;
	int ok;

	sc_vars_init(&vars);
	sc_error_clear(&err);
	if (sc_scenario_parse(text->data, text->len, path, "finding", &vars,
			      &scen, &err) != SC_OK)
		return -1;
	if (ensure_server(st) < 0) {
		sc_scenario_free(&scen);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	memset(&res, 0, sizeof(res));
	st->cfg.fo.run.vars = &vars;
	sc_probe(&st->cfg.fo.run, &info, &err);
	sc_run_scenario(&scen, &st->cfg.fo.run, info.reachable ? &info.caps
			: NULL, &res);
	st->cfg.fo.run.vars = NULL;
	ok = k == SC_FUZZ_CRASH ? res.crashed
	     : res.verdict == SC_VERDICT_FAIL &&
	       res.fail_level == SC_LEVEL_MUST;
	if (!st->cfg.quiet || !ok)
		printf("  replay: %s%s%s\n", sc_verdict_name(res.verdict),
		       res.reason ? ": " : "", res.reason ? res.reason : "");
	sc_result_free(&res);
	sc_server_info_free(&info);
	sc_scenario_free(&scen);
	return ok ? 1 : 0;
}

/* save_finding - minimize, write the scenario file, check the replay */
static void save_finding(struct fuzz_state *st, char *data, size_t len,
			 struct sc_fuzz_outcome *out)
{
	const char *dir = st->cfg.findings ? st->cfg.findings
			  : "corpora/findings";
	enum sc_fuzz_oracle k = out->oracle;
	char path[4200], note[200];
	struct sc_error err;
	struct sc_buf text;
	size_t before = len;
	unsigned tries = 0;

	if (!st->cfg.no_minimize)
		tries = sc_fuzz_minimize(play_one, st, data, &len, k,
					 SC_FUZZ_MINIMIZE_ATTEMPTS,
					 SC_FUZZ_MINIMIZE_MS, out);
	printf("  minimized: %zu -> %zu bytes, %zu lines sent, in %u "
	       "tries\n", before, len, out->fired_after, tries);
	snprintf(note, sizeof(note), "smtpconf fuzz --seed %llu, session "
		 "%lu.", st->cfg.seed, st->sessions);
	sc_buf_init(&text, 0);
	sc_fuzz_finding_format(data, len, out, st->cfg.fo.hang_timeout_ms,
			       note, &text);
	snprintf(path, sizeof(path), "%s/%s-%08x.smtp", dir,
		 sc_fuzz_oracle_name(k), hash32(data, len));
	sc_error_clear(&err);
	if (make_dirs(dir) < 0 ||
	    sc_write_atomic(path, text.data, text.len, &err) != SC_OK) {
		fprintf(stderr, "smtpconf: cannot write %s: %s\n", path,
			err.msg[0] ? err.msg : strerror(errno));
		st->worst = EXIT_USAGE;
	} else {
		printf("  saved %s\n", path);
		if (replays(st, path, &text, k) == 0)
			printf("  warning: the replay did not reproduce the "
			       "%s\n", sc_fuzz_oracle_name(k));
	}
	sc_buf_free(&text);
}

/* on_finding - report, keep, count; exit code 3 for a crash */
static void on_finding(struct fuzz_state *st, char *data, size_t len,
		       struct sc_fuzz_outcome *out)
{
	int code = out->oracle == SC_FUZZ_CRASH ? EXIT_UNREACHABLE
		   : EXIT_CONFORMANCE;
	struct sc_buf b;

	sc_buf_init(&b, 0);
	sc_escape_redisplay(&b, out->what, strlen(out->what), SC_DISPLAY_CLIP);
	printf("FINDING %s in session %lu: %s\n",
	       sc_fuzz_oracle_name(out->oracle), st->sessions,
	       sc_buf_cstr(&b));
	sc_buf_free(&b);
	st->found[out->oracle]++;
	st->findings++;
	if (code == EXIT_UNREACHABLE || st->worst == EXIT_PASS)
		st->worst = code;
	save_finding(st, data, len, out);
}

/* note_session - statistics and the novelty that grows the corpus */
static void note_session(struct fuzz_state *st, const char *data,
			 size_t len, const struct sc_fuzz_outcome *out)
{
	size_t i;
	int novel = 0;

	for (i = 0; i < SC_FUZZ_NSTATES; i++)
		if (out->states & (1u << i))
			st->reached[i]++;
	/* A server that never answers a bare-LF line takes LF as text
	 * (RFC 5321 2.3.8): stop waiting for those replies. */
	st->unsure_lines += out->unsure_lines;
	st->unsure_answered += out->unsure_answered;
	if (st->unsure_lines >= 8 && st->unsure_answered == 0)
		st->cfg.fo.unsure_wait_ms = 20;
	for (i = 0; i < sizeof(st->cover); i++)
		if (out->cover[i] & ~st->cover[i]) {
			st->cover[i] |= out->cover[i];
			novel = 1;
		}
	if (novel)
		corpus_add(st, data, len);
}

/* one_round - mutate a corpus entry and play it; -1 to stop */
static int one_round(struct fuzz_state *st, struct sc_fuzz_outcome *out)
{
	const struct entry *base, *other;
	struct sc_error err;
	size_t len;
	int rc;

	base = &st->corpus[sc_rng_below(&st->mut.rng, st->ncorpus)];
	other = &st->corpus[sc_rng_below(&st->mut.rng, st->ncorpus)];
	memcpy(st->buf, base->data, base->len);
	len = sc_mutate_session(&st->mut, st->buf, base->len,
				sizeof(st->buf), other->data, other->len);
	if (ensure_server(st) < 0)
		return -1;
	sc_error_clear(&err);
	rc = sc_fuzz_run_session(&st->cfg.fo, st->buf, len, out, &err);
	st->sessions++;
	if (rc == SC_ERR_INTERRUPTED)
		return -1;
	if (rc != SC_OK) {
		fprintf(stderr, "smtpconf: session %lu: %s\n", st->sessions,
			err.msg);
		st->worst = EXIT_UNREACHABLE;
		return -1;
	}
	note_session(st, st->buf, len, out);
	if (out->oracle != SC_FUZZ_NONE)
		on_finding(st, st->buf, len, out);
	return st->findings >= st->cfg.max_findings ? -1 : 0;
}

/* print_summary - sessions, speed, states reached, findings */
static void print_summary(struct fuzz_state *st, long long ms)
{
	size_t i;

	printf("fuzz: %lu sessions in %.1f s (%.0f sessions/s), seed %llu, "
	       "corpus %zu seeds + %zu new\n", st->sessions, ms / 1000.0,
	       ms > 0 ? st->sessions * 1000.0 / (double)ms : 0.0,
	       st->cfg.seed, st->nseeds, st->ncorpus - st->nseeds);
	printf("states reached (sessions):");
	for (i = 0; i < SC_FUZZ_NSTATES; i++)
		printf(" %s %lu", sc_fuzz_state_name(1u << i), st->reached[i]);
	printf("\nfindings: %lu (crash %lu, hang %lu, close %lu, grammar "
	       "%lu)\n", st->findings, st->found[SC_FUZZ_CRASH],
	       st->found[SC_FUZZ_HANG], st->found[SC_FUZZ_CLOSE],
	       st->found[SC_FUZZ_GRAMMAR]);
	if (!st->cfg.verbose)
		return;
	printf("mutations:");
	for (i = 0; i < SC_MUT_COUNT; i++)
		printf(" %s %lu", sc_mutation_name((enum sc_mutation)i),
		       st->mut.applied[i]);
	printf("\n");
}

/* fuzz_loop - rounds until --runs, --max-time, a finding or Ctrl-C */
static void fuzz_loop(struct fuzz_state *st)
{
	struct sc_fuzz_outcome *out = malloc(sizeof(*out));
	long long t0 = sc_now_ms(), limit;
	unsigned long i;

	if (out == NULL)
		return;
	limit = st->cfg.max_time_ms ? t0 + st->cfg.max_time_ms : 0;
	for (i = 0; !cli_interrupted; i++) {
		if (st->cfg.runs && i >= st->cfg.runs)
			break;
		if (limit && sc_now_ms() >= limit)
			break;
		if (one_round(st, out) < 0)
			break;
	}
	free(out);
	print_summary(st, sc_now_ms() - t0);
}

/* fuzz_setup - defaults, options, dictionary, corpus, server */
static int fuzz_setup(struct fuzz_state *st, int argc, char **argv)
{
	struct sc_run_options ro;
	int rc;

	sc_fuzz_options_init(&st->cfg.fo);
	st->cfg.seed = 1;
	st->cfg.max_findings = 1;
	rc = parse_args(&st->cfg, argc, argv);
	if (rc != 0)
		return rc;
	if (st->cfg.runs == 0 && st->cfg.max_time_ms == 0)
		st->cfg.runs = 1000;
	st->cfg.fo.run.interrupted = &cli_interrupted;
	sc_mutator_init(&st->mut, st->cfg.seed);
	if (load_dict(st) < 0 || load_corpus(st) < 0)
		return -1;
	ro = st->cfg.fo.run;
	if (spawn_start(&st->cfg.spawn, &ro) < 0)
		return 3;
	st->cfg.fo.run.server = ro.server;
	return 0;
}

/* fuzz_free - release the corpus, the dictionary and the server */
static void fuzz_free(struct fuzz_state *st)
{
	size_t i;

	spawn_finish(&st->cfg.spawn);
	spawn_free(&st->cfg.spawn);
	for (i = 0; i < st->ncorpus; i++)
		free(st->corpus[i].data);
	sc_mutator_free(&st->mut);
}

/* cmd_fuzz - `smtpconf fuzz` */
int cmd_fuzz(int argc, char **argv)
{
	struct fuzz_state *st = calloc(1, sizeof(*st));
	int rc;

	if (st == NULL)
		return EXIT_UNREACHABLE;
	cli_install_signals();
	rc = fuzz_setup(st, argc, argv);
	if (rc == 1)
		fuzz_usage(stdout);
	if (rc != 0) {
		fuzz_free(st);
		free(st);
		return rc == 1 ? EXIT_PASS : rc == 3 ? EXIT_UNREACHABLE
		       : EXIT_USAGE;
	}
	fuzz_loop(st);
	rc = cli_interrupted ? EXIT_INTERRUPTED : st->worst;
	fuzz_free(st);
	free(st);
	return rc;
}
