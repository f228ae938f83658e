/*
 * cmd_info.c - the subcommands that need no server: list, lint, explain.
 */
#include <stdlib.h>
#include <string.h>
#include "smtpconf/codes.h"
#include "cli.h"

/*
 * load_selected - PATH... plus selection and variable options, then load
 * every suite.  EXIT_USAGE on a bad option or any file with an error
 * (all errors printed), else EXIT_PASS with *suite, *sel and *vars
 * filled.  Every file is parsed in full (so lint sees every error) and
 * only its light header kept (sc_scenario_lighten): memory stays flat
 * however large the suite.
 */
static int load_selected(int argc, char **argv, const char *cmd,
			 struct selection *sel, struct sc_suite *suite,
			 struct sc_vars *vars)
{
	char *paths[256];
	size_t npaths = 0;
	const char *val;
	char opt[32];
	int i, rc;

	memset(sel, 0, sizeof(*sel));
	memset(suite, 0, sizeof(*suite));
	sc_vars_init(vars);
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			if (npaths >= sizeof(paths) / sizeof(paths[0]))
				return EXIT_USAGE;
			paths[npaths++] = argv[i];
			continue;
		}
		snprintf(opt, sizeof(opt), "%.*s",
			 (int)strcspn(argv[i], "="), argv[i]);
		val = cli_option_value(argc, argv, &i, cmd);
		if (val == NULL)
			return EXIT_USAGE;
		rc = cli_selection_option(sel, opt, val);
		if (rc == 0)
			rc = cli_var_option(vars, opt, val);
		if (rc <= 0) {
			cli_usage_error(cmd, rc == 0 ? "unknown option '%s'"
					: "bad value for %s", opt);
			return EXIT_USAGE;
		}
	}
	if (npaths == 0)
		paths[npaths++] = (char *)cli_default_suite();
	if (cli_load_suites(paths, npaths, vars, 1, suite) < 0)
		return EXIT_USAGE;
	return EXIT_PASS;
}

/* print_tags - "a,b,c" */
static void print_tags(const struct sc_scenario *s)
{
	size_t i;

	for (i = 0; i < s->ntags; i++)
		printf("%s%s", i ? "," : "", s->tags[i]);
}

/* list_one - a scenario's line and title, read again from its file */
static int list_one(const struct sc_scenario *light,
		    const struct sc_vars *vars)
{
	struct sc_scenario s;
	struct sc_error err;
	char line[2048];

	if (sc_scenario_load(light->path, light->id, vars, &s, &err) !=
	    SC_OK) {
		/* The file changed since it was checked a moment ago. */
		sc_error_format(&err, line, sizeof(line));
		fprintf(stderr, "smtpconf: %s\n", line);
		return EXIT_USAGE;
	}
	printf("%-40s %-8s RFC %-14s ", s.id, sc_level_name(s.level), s.rfc);
	print_tags(&s);
	printf("\n    %s\n", s.title);
	sc_scenario_free(&s);
	return EXIT_PASS;
}

/* cmd_list - one line per scenario: id, level, RFC clause, tags, title */
int cmd_list(int argc, char **argv)
{
	struct selection sel;
	struct sc_suite suite;
	static struct sc_vars vars;	/* 0.5 MB: off the stack */
	size_t i, shown = 0;
	int rc = load_selected(argc, argv, "list", &sel, &suite, &vars);

	for (i = 0; rc == EXIT_PASS && i < suite.count; i++) {
		if (!cli_selected(&sel, &suite.items[i]))
			continue;
		rc = list_one(&suite.items[i], &vars);
		shown++;
	}
	if (rc == EXIT_PASS)
		printf("%zu scenarios\n", shown);
	sc_suite_free(&suite);
	return rc;
}

/* cmd_lint - parse every file; print every error as file:line:col */
int cmd_lint(int argc, char **argv)
{
	struct selection sel;
	struct sc_suite suite;
	static struct sc_vars vars;	/* 0.5 MB: off the stack */
	int rc = load_selected(argc, argv, "lint", &sel, &suite, &vars);

	if (rc == EXIT_PASS)
		printf("%zu scenarios, no errors\n", suite.count);
	sc_suite_free(&suite);
	return rc;
}

/* explain_basic - a three-digit code */
static int explain_basic(const char *arg)
{
	const struct sc_code_info *info;
	char *end;
	long code = strtol(arg, &end, 10);

	if (*end != '\0' || end - arg != 3)
		return -1;
	info = sc_code_lookup((int)code);
	if (info == NULL) {
		printf("%s: no RFC defines this code; a client must act on its "
		       "first digit: %s\n", arg,
		       sc_code_class_meaning((int)(code / 100)));
		return code >= 200 && code < 600 ? 0 : -1;
	}
	printf("%d %s\n  %s\n  RFC %s\n", info->code, info->text,
	       info->meaning, info->rfc);
	return 0;
}

/* explain_enhanced - an RFC 3463 enhanced status code */
static int explain_enhanced(const char *arg)
{
	const struct sc_enhanced_info *info;

	if (!sc_enhanced_valid(arg, strlen(arg)))
		return -1;
	info = sc_enhanced_lookup(arg);
	if (info == NULL) {
		printf("%s: a well-formed enhanced status code that no RFC "
		       "in our table defines; class %c: %s\n", arg, arg[0],
		       sc_code_class_meaning(arg[0] - '0'));
		return 0;
	}
	printf("%s %s\n  %s\n  RFC %s\n", arg, info->text, info->meaning,
	       info->rfc);
	return 0;
}

/* cmd_explain - `smtpconf explain 502 5.5.1 ...` */
int cmd_explain(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2) {
		cli_usage_error("explain", "usage: smtpconf explain CODE... "
				"(e.g. 502 or 5.5.1)");
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		if ((strchr(argv[i], '.') ? explain_enhanced(argv[i])
		     : explain_basic(argv[i])) < 0) {
			cli_usage_error("explain", "'%s' is neither a reply "
					"code (e.g. 502) nor an enhanced "
					"status code (e.g. 5.5.1)", argv[i]);
			bad = 1;
		}
	}
	return bad ? EXIT_USAGE : EXIT_PASS;
}
