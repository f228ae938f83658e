/*
 * cmd_run.c - `smtpconf run`: run scenarios against a server, print a
 * verdict per scenario, write JSON, JUnit and HTML reports, exit with a
 * code CI can act on; optionally start and stop the server under test.  Ctrl-C stops the run between steps; the reports still
 * hold everything that ran.
 */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "smtpconf/report.h"
#include "smtpconf/waivers.h"
#include "cli.h"
#include "output.h"
#include "schedule.h"
#include "spawn.h"
#include "capture.h"
#include "tls_config.h"

struct run_config {
	char *paths[256];
	size_t npaths;
	const char *target;
	const char *json_path;
	const char *junit_path;
	const char *html_path;
	const char *waivers_path;
	struct selection sel;
	struct sc_vars vars;
	struct sc_run_options opts;
	unsigned fail_on;	/* levels whose failures give exit 1 */
	struct spawn_config spawn;	/* --spawn: the managed server */
	struct capture capture;		/* --pcap: session captures */
	struct tls_config tls;		/* --tls and its files */
	struct sched_config sched;	/* -j, --shard */
	int no_color, verbose, quiet;
	char command_line[4096];
};

/* run_usage - the options of `smtpconf run` */
static void run_usage(FILE *out)
{
	fprintf(out,
"usage: smtpconf run [PATH...] --target HOST:PORT [options]\n"
"\n"
"PATH is a scenario file or directory (default: the built-in suite).\n"
"  --target HOST:PORT      server under test ([v6addr]:PORT for IPv6)\n"
"  --json FILE             write results as JSON (docs/json-format.md)\n"
"  --junit FILE            write JUnit XML\n"
"  --html FILE             write a self-contained HTML report\n"
"  --pcap FILE|DIR         write every session as a pcap capture (a\n"
"                          directory: one DIR/ID.pcap per scenario)\n"
"  --only GLOB             run scenarios whose id matches (repeatable)\n"
"  --tag TAG               run scenarios with this tag (repeatable)\n"
"  --level LEVELS          run scenarios of these levels (must,security,should,may)\n"
"  --waivers FILE          accept listed failures as known deviations\n"
"  --fail-on LEVELS        failure levels that give exit 1 (default: must)\n"
"  --var NAME=VALUE        set a scenario variable (repeatable)\n"
"  --client NAME, --mail-from ADDR, --rcpt ADDR, --domain NAME\n"
"  --auth-user USER, --auth-pass PASS   test credentials for the AUTH\n"
"                    scenarios (when: $auth_user); never put in reports\n"
"                          shortcuts for --var client=... etc.\n"
"  --connect-timeout DUR   default 5s\n"
"  --step-timeout DUR      wait for each reply (default 10s)\n"
"  --scenario-timeout DUR  whole scenario (default 2m)\n"
"  --spawn COMMAND         start the server with /bin/sh -c COMMAND (${port}\n"
"                          is the target's port); restarted after a crash\n"
"  --stop COMMAND          stop it with COMMAND (default: --stop-signal)\n"
"  --stop-signal SIG       TERM (default), INT, QUIT or KILL to its group\n"
"  --spawn-timeout DUR     wait for its greeting (default 30s)\n"
"  --restart-each          a fresh server for every scenario\n"
"  --core-dir DIR          where its core files land (default: from\n"
"                          core_pattern and the server's directory)\n"
"  --tls MODE              none (default), starttls (STARTTLS before every\n"
"                          scenario) or implicit (TLS at connect, port 465)\n"
"  --tls-ca FILE           trust these CA certificates (PEM)\n"
"  --tls-verify            fail handshakes whose certificate does not verify\n"
"  --tls-sni NAME          server name to send and verify (default: host)\n"
"  --tls-cert FILE         client certificate (PEM; key too, or --tls-key)\n"
"  --tls-key FILE          key of the client certificate (PEM)\n"
"  --tls-keylog FILE       append TLS secrets (SSLKEYLOGFILE format)\n"
"  --slow                  also run the scenarios that take minutes\n"
"                          (idle timeout: --var server_timeout=SECONDS)\n"
"  -j, --jobs N            run N scenarios at once (default: online CPUs,\n"
"                          at most 8); reports are the same as with -j 1\n"
"  --shard K/N             run only shard K of N (split by scenario id);\n"
"                          merge with 'smtpconf report --merge'\n"
"  -v, --verbose           show transcripts of failures\n"
"  -q, --quiet             show only failures and the summary\n"
"  --no-color              no ANSI colours (NO_COLOR is honoured too)\n"
"exit: 0 pass, 1 conformance failure, 2 usage/input error,\n"
"      3 a check could not run (server unreachable, crashed, too slow),\n"
"      130 interrupted\n");
}

/* set_timeout_option - the three duration options */
static int set_timeout_option(struct run_config *cfg, const char *opt,
			      const char *val)
{
	unsigned *dst = NULL;

	if (strcmp(opt, "--connect-timeout") == 0)
		dst = &cfg->opts.connect_timeout_ms;
	else if (strcmp(opt, "--step-timeout") == 0)
		dst = &cfg->opts.step_timeout_ms;
	else if (strcmp(opt, "--scenario-timeout") == 0)
		dst = &cfg->opts.scenario_timeout_ms;
	if (dst == NULL)
		return 0;
	return cli_parse_duration(val, dst) == 0 ? 1 : -1;
}

/* set_file_option - options that name a file, plus --target and --fail-on */
static int set_file_option(struct run_config *cfg, const char *opt,
			   const char *val)
{
	static const struct {
		const char *opt;
		size_t off;
	} files[] = {
		{ "--target", offsetof(struct run_config, target) },
		{ "--json", offsetof(struct run_config, json_path) },
		{ "--junit", offsetof(struct run_config, junit_path) },
		{ "--html", offsetof(struct run_config, html_path) },
		{ "--waivers", offsetof(struct run_config, waivers_path) },
		{ "--pcap", offsetof(struct run_config, capture.path) },
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(opt, files[i].opt) == 0) {
			*(const char **)((char *)cfg + files[i].off) = val;
			return 1;
		}
	if (strcmp(opt, "--fail-on") == 0)
		return cli_parse_levels(val, &cfg->fail_on) == 0 ? 1 : -1;
	return 0;
}

/* set_flag - options without a value; 1 taken, 0 not a flag */
static int set_flag(struct run_config *cfg, const char *arg)
{
	if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
		cfg->verbose = 1;
	else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
		cfg->quiet = 1;
	else if (strcmp(arg, "--no-color") == 0)
		cfg->no_color = 1;
	else if (strcmp(arg, "--slow") == 0)
		cfg->opts.slow = 1;
	else
		return 0;
	return 1;
}

/* option_name - "--json" of "--json=FILE" */
static void option_name(const char *arg, char *out, size_t n)
{
	size_t len = strcspn(arg, "=");

	if (len >= n)
		len = n - 1;
	memcpy(out, arg, len);
	out[len] = '\0';
}

/* apply_option - one --option VALUE; -1 on a bad value or unknown option */
static int apply_option(struct run_config *cfg, int argc, char **argv, int *i)
{
	char opt[64];
	const char *val;
	int rc;

	option_name(argv[*i], opt, sizeof(opt));
	val = cli_option_value(argc, argv, i, "run");
	if (val == NULL)
		return -1;
	rc = cli_selection_option(&cfg->sel, opt, val);
	if (rc == 0)
		rc = cli_var_option(&cfg->vars, opt, val);
	if (rc == 0)
		rc = set_timeout_option(cfg, opt, val);
	if (rc == 0)
		rc = set_file_option(cfg, opt, val);
	if (rc == 0)
		rc = spawn_option(&cfg->spawn, opt, val);
	if (rc == 0)
		rc = tls_option(&cfg->tls, opt, val);
	if (rc == 0)
		rc = sched_option(&cfg->sched, opt, val);
	if (rc == 0) {
		cli_usage_error("run", "unknown option '%s' (see 'smtpconf "
				"run --help')", opt);
		return -1;
	}
	if (rc < 0)
		cli_usage_error("run", "bad value '%s' for %s", val, opt);
	return rc < 0 ? -1 : 0;
}

/* parse_args - fill the config; -1 on a usage error, 1 for --help */
static int parse_args(struct run_config *cfg, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
		if (set_flag(cfg, argv[i]) || spawn_flag(&cfg->spawn, argv[i]) ||
		    tls_flag(&cfg->tls, argv[i]))
			continue;
		if (strncmp(argv[i], "-j", 2) == 0 && argv[i][2] != '\0') {
			/* -j4, as make takes it */
			if (sched_option(&cfg->sched, "-j", argv[i] + 2) > 0)
				continue;
			cli_usage_error("run", "bad value '%s' for -j",
					argv[i] + 2);
			return -1;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (apply_option(cfg, argc, argv, &i) < 0)
				return -1;
			continue;
		}
		if (cfg->npaths >= sizeof(cfg->paths) / sizeof(cfg->paths[0]))
			return -1;
		cfg->paths[cfg->npaths++] = argv[i];
	}
	return 0;
}

/*
 * arg_shown - argv[i] as the report may show it: the test password
 * (--auth-pass P, --auth-pass=P, --var auth_pass=P) becomes <secret>
 */
static const char *arg_shown(char **argv, int i)
{
	const char *prev = i > 0 ? argv[i - 1] : "";

	if (strcmp(prev, "--auth-pass") == 0)
		return "<secret>";
	if (strncmp(argv[i], "--auth-pass=", 12) == 0)
		return "--auth-pass=<secret>";
	if (strcmp(prev, "--var") == 0 &&
	    strncmp(argv[i], "auth_pass=", 10) == 0)
		return "auth_pass=<secret>";
	if (strncmp(argv[i], "--var=auth_pass=", 16) == 0)
		return "--var=auth_pass=<secret>";
	return argv[i];
}

/* join_argv - the command line, for the report */
static void join_argv(char *out, size_t n, int argc, char **argv)
{
	size_t len = 0;
	int i, w;

	out[0] = '\0';
	for (i = 0; i < argc && len < n; i++) {
		w = snprintf(out + len, n - len, "%s%s", i ? " " : "smtpconf ",
			     arg_shown(argv, i));
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* config_init - defaults, then the command line */
static int config_init(struct run_config *cfg, int argc, char **argv)
{
	struct sc_error err;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	sc_vars_init(&cfg->vars);
	sc_run_options_init(&cfg->opts, &cfg->vars);
	cfg->fail_on = 1u << SC_LEVEL_MUST;
	join_argv(cfg->command_line, sizeof(cfg->command_line), argc, argv);
	rc = parse_args(cfg, argc, argv);
	if (rc != 0)
		return rc;
	if (cfg->target == NULL) {
		cli_usage_error("run", "--target HOST:PORT is required");
		return -1;
	}
	sc_error_clear(&err);
	if (sc_target_parse(cfg->target, cfg->opts.host,
			    sizeof(cfg->opts.host), cfg->opts.port,
			    sizeof(cfg->opts.port), &err) != SC_OK) {
		cli_usage_error("run", "%s", err.msg);
		return -1;
	}
	if (spawn_check(&cfg->spawn) < 0 ||
	    capture_check(&cfg->capture, &cfg->opts) < 0)
		return -1;
	if (tls_setup(&cfg->tls, &cfg->opts) < 0)
		return -1;
	/* One capture file takes one scenario's sessions at a time. */
	if (cfg->capture.path != NULL)
		cfg->sched.jobs = 1;
	if (cfg->npaths == 0)
		cfg->paths[cfg->npaths++] = (char *)cli_default_suite();
	cfg->opts.interrupted = &cli_interrupted;
	return 0;
}

struct run_state {
	struct run_config cfg;
	struct sc_suite suite;
	const struct sc_scenario **sel;	/* selected scenarios, in id order */
	size_t nsel;
	/* One per selected scenario; once handed on, each is written to
	 * the spool and keeps only its verdict and flags (memory stays
	 * flat however many scenarios run). */
	struct sc_result *results;
	size_t nresults;
	struct sc_spool spool;		/* the results in full, on disk */
	int spool_failed;		/* a result could not be written */
	struct sc_waivers waivers;
	struct sc_server_info server;
	long long started_unix_ms;
	long long t0;
	struct term term;
	struct tally tally;
};

/* wall_ms - wall clock in milliseconds, for the report's start time */
static long long wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* load_inputs - waivers and scenarios; every problem printed; -1 on any */
static int load_inputs(struct run_state *st)
{
	struct sc_error err;
	char line[2048];
	size_t i;

	if (st->cfg.waivers_path != NULL) {
		sc_error_clear(&err);
		if (sc_waivers_load(st->cfg.waivers_path, &st->waivers,
				    &err) != SC_OK) {
			sc_error_format(&err, line, sizeof(line));
			fprintf(stderr, "%s\n", line);
			return -1;
		}
	}
	/* Only the headers stay: each scenario is parsed again when it
	 * runs, so memory does not grow with the suite. */
	if (cli_load_suites(st->cfg.paths, st->cfg.npaths, &st->cfg.vars, 1,
			    &st->suite) < 0)
		return -1;
	st->sel = calloc(st->suite.count + 1, sizeof(*st->sel));
	st->results = calloc(st->suite.count + 1, sizeof(*st->results));
	if (st->sel == NULL || st->results == NULL)
		return -1;
	for (i = 0; i < st->suite.count; i++)
		if (cli_selected(&st->cfg.sel, &st->suite.items[i]) &&
		    sched_in_shard(&st->cfg.sched, &st->suite.items[i]))
			st->sel[st->nsel++] = &st->suite.items[i];
	/* A shard may be empty: N machines, fewer scenarios selected. */
	if (st->nsel == 0 && st->cfg.sched.shard_n == 0) {
		cli_usage_error("run", "no scenario matches the selection");
		return -1;
	}
	return 0;
}

/* open_spool - the temporary file the results go to as they finish */
static int open_spool(struct run_state *st)
{
	struct sc_error err;

	sc_error_clear(&err);
	if (sc_spool_open(&st->spool, &err) == SC_OK)
		return 0;
	fprintf(stderr, "smtpconf: %s\n", err.msg);
	return -1;
}

/* apply_waiver - a failure that a waiver names becomes "waived" */
static void apply_waiver(struct run_state *st, struct sc_result *r)
{
	struct sc_waiver *w;

	if (r->verdict != SC_VERDICT_FAIL || st->waivers.count == 0)
		return;
	w = sc_waivers_match(&st->waivers, r->scenario->id);
	if (w == NULL)
		return;
	r->verdict = SC_VERDICT_WAIVED;
	r->waiver = strdup(w->reason);
}

/*
 * header_load - a result of a scenario that did not run is known by
 * the suite's light header alone: its title, clause and quote are
 * read again from its file into *full for the terminal and reports.
 * 1 when r->scenario now points at full (header_drop undoes it).
 */
static int header_load(struct run_state *st, struct sc_result *r,
		       struct sc_scenario *full)
{
	const struct sc_scenario *light = r->scenario;
	struct sc_error err;

	memset(full, 0, sizeof(*full));
	if (light == NULL || !light->light)
		return 0;
	sc_error_clear(&err);
	if (sc_scenario_load(light->path, light->id, &st->cfg.vars, full,
			     &err) != SC_OK) {
		/* Changed since the run began: say so, not "(null)". */
		full->id = strdup(light->id);
		full->path = strdup(light->path);
		full->title = strdup("(the scenario file could not be read "
				     "again)");
		full->level = light->level;
	}
	r->scenario = full;
	return 1;
}

/* header_drop - r back to the suite's light header */
static void header_drop(struct sc_result *r, struct sc_scenario *full,
			const struct sc_scenario *light)
{
	r->scenario = light;
	sc_scenario_free(full);
}

/* spool_result - write a final result to disk, keep only its verdict */
static void spool_result(struct run_state *st, struct sc_result *r)
{
	struct sc_error err;

	sc_error_clear(&err);
	if (!st->spool_failed &&
	    sc_spool_put(&st->spool, r, &err) != SC_OK) {
		fprintf(stderr, "smtpconf: %s\n", err.msg);
		st->spool_failed = 1;
	}
	sc_result_release(r);
}

/* mark_rest - results for scenarios that never ran */
static void mark_rest(struct run_state *st, enum sc_verdict v,
		      const char *reason, int unreachable)
{
	struct sc_scenario full;
	struct sc_result *r;
	int loaded;

	for (; st->nresults < st->nsel; st->nresults++) {
		r = &st->results[st->nresults];
		memset(r, 0, sizeof(*r));
		r->scenario = st->sel[st->nresults];
		r->verdict = v;
		r->reason = strdup(reason);
		r->unreachable = unreachable;
		tally_add(&st->tally, r);
		loaded = header_load(st, r, &full);
		spool_result(st, r);
		if (loaded)
			header_drop(r, &full, st->sel[st->nresults]);
	}
}

/* on_started - a scenario was started (schedule.c, in id order) */
static void on_started(void *ctx, size_t i)
{
	struct run_state *st = ctx;

	term_progress(&st->term, i, st->nsel, st->sel[i]);
	capture_scenario(&st->cfg.capture, st->sel[i]);
}

/* on_finished - a scenario's final result, in id order */
static void on_finished(void *ctx, size_t i, struct sc_result *r)
{
	const struct sc_scenario *light = r->scenario;
	struct run_state *st = ctx;
	struct sc_scenario full;
	int loaded = header_load(st, r, &full);

	/* --pcap runs one scenario at a time: this one just ended. */
	capture_scenario_end(&st->cfg.capture);
	st->nresults = i + 1;
	apply_waiver(st, r);
	tally_add(&st->tally, r);
	term_result(&st->term, r);
	spawn_show_crash(st->term.out, r);
	spool_result(st, r);
	if (loaded)
		header_drop(r, &full, light);
}

/* run_all - every selected scenario (-j at a time), until Ctrl-C */
static int run_all(struct run_state *st)
{
	struct sched_hooks hooks = { st, on_started, on_finished };
	struct sched_work w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.sel = st->sel;
	w.n = st->nsel;
	w.results = st->results;
	rc = sched_run(&st->cfg.sched, &st->cfg.spawn, &st->cfg.opts,
		       &st->server.caps, &w, &hooks);
	st->nresults = w.ndone;
	if (rc == -2) {
		mark_rest(st, SC_VERDICT_ERROR, st->cfg.spawn.why, 1);
		return 0;
	}
	if (rc < 0)
		return -1;
	if (cli_interrupted)
		mark_rest(st, SC_VERDICT_NOTRUN, "interrupted before it ran",
			  0);
	return 0;
}

/*
 * write_report - build one report from the spool, streamed to a
 * temporary file beside path and renamed into place when complete
 */
static int write_report(struct run_state *st, const char *path,
			int (*build)(struct sc_buf *, const struct sc_run_info *,
				     struct sc_result_list *))
{
	struct sc_result_list list;
	struct sc_atomic_file af;
	struct sc_run_info info;
	struct sc_error err;
	struct sc_buf b;
	int rc;

	if (path == NULL)
		return 0;
	if (st->spool_failed) {
		fprintf(stderr, "smtpconf: %s not written: results were "
			"lost\n", path);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.tool_version = SMTPCONF_VERSION;
	info.target = st->cfg.target;
	info.command_line = st->cfg.command_line;
	info.started_unix_ms = st->started_unix_ms;
	info.duration_ms = sc_now_ms() - st->t0;
	info.interrupted = cli_interrupted != 0;
	info.shard_index = st->cfg.sched.shard_k;
	info.shard_count = st->cfg.sched.shard_n;
	info.server = &st->server;
	sc_error_clear(&err);
	if ((rc = sc_atomic_open(&af, path, &err)) != SC_OK) {
		fprintf(stderr, "smtpconf: %s\n", err.msg);
		return -1;
	}
	sc_buf_init_sink(&b, SC_REPORT_FILE_MAX, af.f);
	sc_result_list_spool(&list, &st->spool);
	rc = build(&b, &info, &list);
	sc_result_list_free(&list);
	if (rc == SC_OK && !b.failed) {
		rc = sc_atomic_commit(&af, &err);
	} else {
		sc_atomic_abort(&af);
		sc_error_set(&err, rc == SC_ERR_IO ? rc : SC_ERR_NOMEM,
			     "cannot %s %s", rc == SC_ERR_IO ? "write" :
			     "build", path);
	}
	sc_buf_free(&b);
	if (rc != SC_OK)
		fprintf(stderr, "smtpconf: %s\n", err.msg);
	return rc == SC_OK ? 0 : -1;
}

/* warn_unused_waivers - a waiver that matched nothing is probably stale */
static void warn_unused_waivers(const struct run_state *st)
{
	size_t i;

	if (cli_interrupted)
		return;
	for (i = 0; i < st->waivers.count; i++)
		if (st->waivers.items[i].used == 0)
			fprintf(stderr, "smtpconf: %s:%u: warning: waiver "
				"'%s' matched no failure\n", st->waivers.path,
				st->waivers.items[i].line,
				st->waivers.items[i].pattern);
}

/*
 * exit_code - interrupted > not testable > conformance failure > pass.
 * An ERROR (a check that could not be run: the server unreachable,
 * crashed, too slow to judge, a broken TLS handshake) is never a pass:
 * otherwise a server could dodge every check and still exit 0.
 */
static int exit_code(const struct run_state *st)
{
	size_t i;
	int fail = 0, unreachable = 0;

	for (i = 0; i < st->nresults; i++) {
		const struct sc_result *r = &st->results[i];

		unreachable |= r->unreachable || r->crashed ||
			       r->verdict == SC_VERDICT_ERROR;
		fail |= r->verdict == SC_VERDICT_FAIL &&
			(st->cfg.fail_on & (1u << r->fail_level));
	}
	if (cli_interrupted)
		return EXIT_INTERRUPTED;
	if (unreachable)
		return EXIT_UNREACHABLE;
	return fail ? EXIT_CONFORMANCE : EXIT_PASS;
}

/* probe_server - learn the server; on failure every scenario is an error */
static int probe_server(struct run_state *st)
{
	struct sc_error err;
	char reason[700];

	sc_error_clear(&err);
	sc_probe(&st->cfg.opts, &st->server, &err);
	term_server(&st->term, st->cfg.target, &st->server);
	if (st->server.reachable)
		return 0;
	fprintf(stderr, "smtpconf: server %s unreachable: %s\n",
		st->cfg.target, st->server.error);
	snprintf(reason, sizeof(reason), "server unreachable: %s",
		 st->server.error);
	mark_rest(st, SC_VERDICT_ERROR, reason, 1);
	return -1;
}

/* state_free - release everything */
static void state_free(struct run_state *st)
{
	size_t i;

	for (i = 0; i < st->nresults; i++)
		sc_result_free(&st->results[i]);
	free(st->results);
	sc_spool_close(&st->spool);
	free(st->sel);
	sc_suite_free(&st->suite);
	sc_waivers_free(&st->waivers);
	sc_server_info_free(&st->server);
	spawn_free(&st->cfg.spawn);
	tls_free(&st->cfg.tls);
}

/* finish - summary, reports, exit code */
static int finish(struct run_state *st)
{
	int code, bad = 0;

	spawn_finish(&st->cfg.spawn);
	code = exit_code(st);

	term_summary(&st->term, &st->tally, sc_now_ms() - st->t0,
		     cli_interrupted != 0);
	bad |= write_report(st, st->cfg.json_path, sc_report_json_list);
	bad |= write_report(st, st->cfg.junit_path, sc_report_junit_list);
	bad |= write_report(st, st->cfg.html_path, sc_report_html_list);
	bad |= capture_finish(&st->cfg.capture);
	warn_unused_waivers(st);
	if (bad && code == EXIT_PASS)
		code = EXIT_USAGE;
	return code;
}

/* cmd_run - `smtpconf run` */
int cmd_run(int argc, char **argv)
{
	struct run_state *st = calloc(1, sizeof(*st));
	int rc;

	if (st == NULL)
		return EXIT_USAGE;
	rc = config_init(&st->cfg, argc, argv);
	if (rc != 0) {
		if (rc > 0)
			run_usage(stdout);
		free(st);
		return rc > 0 ? EXIT_PASS : EXIT_USAGE;
	}
	if (load_inputs(st) < 0 || open_spool(st) < 0) {
		state_free(st);
		free(st);
		return EXIT_USAGE;
	}
	cli_install_signals();
	term_init(&st->term, stdout, st->cfg.no_color, st->cfg.verbose,
		  st->cfg.quiet);
	st->started_unix_ms = wall_ms();
	st->t0 = sc_now_ms();
	capture_begin(&st->cfg.capture);
	if (spawn_start(&st->cfg.spawn, &st->cfg.opts) < 0)
		mark_rest(st, SC_VERDICT_ERROR, st->cfg.spawn.why, 1);
	else if (probe_server(st) == 0 && run_all(st) < 0)
		fprintf(stderr, "smtpconf: out of memory\n");
	rc = finish(st);
	state_free(st);
	free(st);
	return rc;
}
