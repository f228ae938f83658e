/*
 * cmd_report.c - `smtpconf report`: reports from saved JSON results.
 *
 *   smtpconf report RESULTS.json -o FILE.html      the run's HTML page
 *   smtpconf report --compare OLD.json NEW.json -o FILE.html
 *                                                   what changed
 *   smtpconf report A.json B.json ... -o FILE.html  verdict matrix
 *   smtpconf report --merge S1.json S2.json ... [-o FILE.html]
 *       [--json FILE] [--junit FILE]              shards as one run
 *
 * The comparison also prints its changes on the terminal and exits 1
 * when a scenario regressed at a --fail-on level (default MUST), like
 * `run` does for failures; 2 means bad flags or a bad results file.
 * Every page is written atomically.  The results files may come from
 * anywhere, so ids are shown in display form on the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "smtpconf/escape.h"
#include "smtpconf/report.h"
#include "smtpconf/report_compare.h"
#include "smtpconf/results_load.h"
#include "smtpconf/results_merge.h"

#define REPORT_MAX_FILES	64

struct report_config {
	const char *files[REPORT_MAX_FILES];
	size_t nfiles;
	const char *output;
	const char *json_path, *junit_path;	/* with --merge */
	int compare;
	int merge;
	unsigned fail_on;	/* levels whose regressions give exit 1 */
};

static const char report_usage[] =
"usage: smtpconf report RESULTS.json -o FILE.html\n"
"       smtpconf report --compare OLD.json NEW.json [-o FILE.html]\n"
"       smtpconf report A.json B.json [C.json ...] -o FILE.html\n"
"       smtpconf report --merge S1.json S2.json ... [-o FILE.html]\n"
"                       [--json FILE] [--junit FILE]\n"
"\n"
"Write reports from results saved with 'smtpconf run --json'.\n"
"\n"
"  -o, --output FILE     the HTML page to write (atomically)\n"
"  --compare             OLD and NEW: regressions, fixes, new and removed\n"
"                        scenarios; exit 1 on a regression at a\n"
"                        --fail-on level\n"
"  --merge               the files are shards of one run (run --shard\n"
"                        K/N): write its report as one machine would;\n"
"                        implied when every file is a shard of one N;\n"
"                        exit as 'run' would (1 on a --fail-on failure)\n"
"  --json FILE, --junit FILE  with --merge: the merged JSON and JUnit\n"
"  --fail-on LEVELS      with --compare or --merge (default: must)\n"
"  -h, --help            this help\n"
"\n"
"One file gives its run's report, several a matrix of verdicts with\n"
"one column per server (unless they are shards).  Exit 2 on bad flags\n"
"or a bad results file.\n";

/* report_option - one flag; 0 when consumed, -1 on a usage error */
static int report_option(struct report_config *c, int argc, char **argv,
			 int *i)
{
	const char *a = argv[*i], *v;

	if (strcmp(a, "--compare") == 0 || strcmp(a, "--merge") == 0) {
		*(a[2] == 'c' ? &c->compare : &c->merge) = 1;
		return 0;
	}
	if (strncmp(a, "--json", 6) == 0 || strncmp(a, "--junit", 7) == 0) {
		if ((v = cli_option_value(argc, argv, i, "report")) == NULL)
			return -1;
		*(a[3] == 's' ? &c->json_path : &c->junit_path) = v;
		return 0;
	}
	if (strcmp(a, "-o") == 0 || strncmp(a, "--output", 8) == 0) {
		if ((v = cli_option_value(argc, argv, i, "report")) == NULL)
			return -1;
		c->output = v;
		return 0;
	}
	if (strncmp(a, "--fail-on", 9) == 0) {
		if ((v = cli_option_value(argc, argv, i, "report")) == NULL)
			return -1;
		if (cli_parse_levels(v, &c->fail_on) == 0)
			return 0;
		cli_usage_error("report", "bad --fail-on value '%s'", v);
		return -1;
	}
	cli_usage_error("report", "unknown option '%s'", a);
	return -1;
}

/* report_args - parse argv; 1 for --help, -1 on a usage error */
static int report_args(struct report_config *c, int argc, char **argv)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->fail_on = 1u << SC_LEVEL_MUST;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (report_option(c, argc, argv, &i) < 0)
				return -1;
		} else if (c->nfiles < REPORT_MAX_FILES) {
			c->files[c->nfiles++] = argv[i];
		} else {
			cli_usage_error("report", "at most %d results files",
					REPORT_MAX_FILES);
			return -1;
		}
	}
	if (c->nfiles == 0)
		cli_usage_error("report", "no results file given");
	else if (c->compare && c->nfiles != 2)
		cli_usage_error("report", "--compare takes two files, OLD "
				"and NEW");
	else if (c->compare && c->merge)
		cli_usage_error("report", "--compare and --merge exclude "
				"each other");
	else if ((c->json_path || c->junit_path) && c->compare)
		cli_usage_error("report", "--json and --junit go with "
				"--merge");
	else if (!c->compare && c->output == NULL && c->json_path == NULL &&
		 c->junit_path == NULL)
		cli_usage_error("report", "-o FILE.html is needed");
	else
		return 0;
	return -1;
}

/* load_all - load every results file; 0 or -1 (the message printed) */
static int load_all(const struct report_config *c, struct sc_loaded *runs)
{
	struct sc_error err;
	char msg[2048];
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		sc_error_clear(&err);
		if (sc_results_load(c->files[i], &runs[i], &err) != SC_OK) {
			sc_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "smtpconf report: %s\n", msg);
			return -1;
		}
	}
	return 0;
}

/* write_page - a built page to path, atomically; 0 or -1 */
static int write_page(const char *path, struct sc_buf *b, int rc)
{
	struct sc_error err;

	sc_error_clear(&err);
	if (rc == SC_OK && !b->failed)
		rc = sc_write_atomic(path, sc_buf_cstr(b), b->len, &err);
	else
		sc_error_set(&err, rc, "cannot build %s: %s", path,
			     sc_status_name(rc));
	if (rc == SC_OK)
		return 0;
	fprintf(stderr, "smtpconf report: %s\n", err.msg);
	return -1;
}

/* put_id - an id from a results file, made safe for the terminal */
static void put_id(FILE *f, const char *id)
{
	struct sc_buf d;

	sc_buf_init(&d, 0);
	sc_escape_display(&d, id, strlen(id), SC_DISPLAY_CLIP);
	fputs(sc_buf_cstr(&d), f);
	sc_buf_free(&d);
}

/* print_changes - the changed scenarios and the counts, on stdout */
static void print_changes(const struct sc_compare *cmp)
{
	const struct sc_compare_row *r;
	size_t i;

	for (i = 0; i < cmp->n; i++) {
		r = &cmp->rows[i];
		if (r->change == SC_CHANGE_SAME)
			continue;
		printf("%-10s %-8s ", sc_change_name(r->change),
		       sc_level_name(r->level));
		put_id(stdout, r->id);
		printf(" (%s -> %s)\n",
		       r->old ? sc_verdict_name(r->old->verdict) : "none",
		       r->cur ? sc_verdict_name(r->cur->verdict) : "none");
	}
	printf("%zu regressions (%zu MUST), %zu fixed, %zu new, %zu removed,"
	       " %zu other changes, %zu unchanged\n",
	       cmp->counts[SC_CHANGE_REGRESSION],
	       cmp->regressions_by_level[SC_LEVEL_MUST],
	       cmp->counts[SC_CHANGE_FIX], cmp->counts[SC_CHANGE_NEW],
	       cmp->counts[SC_CHANGE_REMOVED], cmp->counts[SC_CHANGE_OTHER],
	       cmp->counts[SC_CHANGE_SAME]);
}

/* blocking - regressions at a --fail-on level */
static size_t blocking(const struct sc_compare *cmp, unsigned fail_on)
{
	size_t l, n = 0;

	for (l = 0; l <= SC_LEVEL_MAY; l++)
		if (fail_on & (1u << l))
			n += cmp->regressions_by_level[l];
	return n;
}

/* do_compare - OLD against NEW: terminal summary, page, exit code */
static int do_compare(const struct report_config *c, struct sc_loaded *runs)
{
	struct sc_compare cmp;
	struct sc_buf b;
	int rc, bad = 0;

	if (sc_compare_build(runs[0].results, runs[0].n, runs[1].results,
			     runs[1].n, &cmp) != SC_OK) {
		fprintf(stderr, "smtpconf report: out of memory\n");
		return EXIT_USAGE;
	}
	print_changes(&cmp);
	if (c->output != NULL) {
		sc_buf_init(&b, 0);
		rc = sc_report_compare_html(&b, &runs[0].info, &runs[1].info,
					    &cmp);
		bad = write_page(c->output, &b, rc) < 0;
		sc_buf_free(&b);
	}
	rc = blocking(&cmp, c->fail_on) ? EXIT_CONFORMANCE : EXIT_PASS;
	sc_compare_free(&cmp);
	return bad ? EXIT_USAGE : rc;
}

/* do_matrix - one column per file */
static int do_matrix(const struct report_config *c, struct sc_loaded *runs)
{
	struct sc_matrix_column cols[REPORT_MAX_FILES];
	struct sc_buf b;
	size_t i;
	int rc;

	for (i = 0; i < c->nfiles; i++) {
		cols[i].info = &runs[i].info;
		cols[i].results = runs[i].results;
		cols[i].n = runs[i].n;
	}
	sc_buf_init(&b, 0);
	rc = sc_report_matrix_html(&b, cols, c->nfiles);
	rc = write_page(c->output, &b, rc);
	sc_buf_free(&b);
	return rc < 0 ? EXIT_USAGE : EXIT_PASS;
}

/* do_single - one run's page, as `run --html` writes it */
static int do_single(const struct report_config *c, struct sc_loaded *run)
{
	struct sc_buf b;
	int rc;

	sc_buf_init(&b, 0);
	rc = sc_report_html(&b, &run->info, run->results, run->n);
	rc = write_page(c->output, &b, rc);
	sc_buf_free(&b);
	return rc < 0 ? EXIT_USAGE : EXIT_PASS;
}

/* merged_exit - as `run` exits: interrupted, unreachable, failure, pass */
static int merged_exit(const struct sc_merged *m, unsigned fail_on)
{
	int fail = 0, unreachable = 0;
	size_t i;

	for (i = 0; i < m->n; i++) {
		unreachable |= m->results[i].unreachable ||
			       m->results[i].crashed;
		fail |= m->results[i].verdict == SC_VERDICT_FAIL &&
			(fail_on & (1u << m->results[i].fail_level));
	}
	if (m->info.interrupted)
		return EXIT_INTERRUPTED;
	if (unreachable)
		return EXIT_UNREACHABLE;
	return fail ? EXIT_CONFORMANCE : EXIT_PASS;
}

/* write_merged - one of the merged reports, when asked for */
static int write_merged(const char *path, const struct sc_merged *m,
			int (*build)(struct sc_buf *,
				     const struct sc_run_info *,
				     const struct sc_result *, size_t))
{
	struct sc_buf b;
	int rc;

	if (path == NULL)
		return 0;
	sc_buf_init(&b, 0);
	rc = build(&b, &m->info, m->results, m->n);
	rc = write_page(path, &b, rc);
	sc_buf_free(&b);
	return rc;
}

/* do_merge - shards of one run as one run's reports */
static int do_merge(const struct report_config *c, struct sc_loaded *runs)
{
	struct sc_merged m;
	struct sc_error err;
	char msg[2048];
	int bad = 0, rc;

	sc_error_clear(&err);
	if (sc_results_merge(runs, c->files, c->nfiles, &m, &err) != SC_OK) {
		sc_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "smtpconf report: %s\n", msg);
		return EXIT_USAGE;
	}
	bad |= write_merged(c->output, &m, sc_report_html);
	bad |= write_merged(c->json_path, &m, sc_report_json);
	bad |= write_merged(c->junit_path, &m, sc_report_junit);
	printf("merged %zu results from %zu files\n", m.n, c->nfiles);
	rc = merged_exit(&m, c->fail_on);
	sc_merged_free(&m);
	return bad ? EXIT_USAGE : rc;
}

/* cmd_report - reports from saved JSON results */
int cmd_report(int argc, char **argv)
{
	struct report_config c;
	struct sc_loaded *runs;
	size_t i;
	int rc;

	if ((rc = report_args(&c, argc, argv)) != 0) {
		fputs(report_usage, rc > 0 ? stdout : stderr);
		return rc > 0 ? EXIT_PASS : EXIT_USAGE;
	}
	if ((runs = calloc(c.nfiles, sizeof(*runs))) == NULL) {
		fprintf(stderr, "smtpconf report: out of memory\n");
		return EXIT_USAGE;
	}
	if (load_all(&c, runs) < 0)
		rc = EXIT_USAGE;
	else if (c.compare)
		rc = do_compare(&c, runs);
	else if (c.merge || sc_results_are_shards(runs, c.nfiles))
		rc = do_merge(&c, runs);
	else if (c.json_path || c.junit_path)
		rc = (cli_usage_error("report", "--json and --junit go with "
				      "--merge"), EXIT_USAGE);
	else if (c.nfiles > 1)
		rc = do_matrix(&c, runs);
	else
		rc = do_single(&c, &runs[0]);
	for (i = 0; i < c.nfiles; i++)
		sc_loaded_free(&runs[i]);
	free(runs);
	return rc;
}
