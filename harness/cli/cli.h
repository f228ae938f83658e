/*
 * cli.h - the command-line front end: the only code that parses argv,
 * prints and exits.
 */
#ifndef SMTPCONF_CLI_H
#define SMTPCONF_CLI_H

#include <signal.h>
#include <stdio.h>
#include "smtpconf/scenario.h"

/* Exit codes: documented in docs/smtpconf.1 and the README. */
enum cli_exit {
	EXIT_PASS = 0,		/* every selected MUST-level scenario passed */
	EXIT_CONFORMANCE = 1,	/* a scenario failed at a --fail-on level */
	EXIT_USAGE = 2,		/* bad flags or bad input files */
	EXIT_UNREACHABLE = 3,	/* the server could not be reached or crashed */
	EXIT_INTERRUPTED = 130	/* Ctrl-C: reports hold what ran */
};

/* Which scenarios a command works on. */
struct selection {
	const char *only[64];	/* --only GLOB (any may match) */
	size_t nonly;
	const char *tags[64];	/* --tag TAG (any may match) */
	size_t ntags;
	unsigned levels;	/* bit per enum sc_level; 0 = all */
};

/* Command handlers, one per subcommand. */
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);

/* signals.c: set by SIGINT/SIGTERM once cli_install_signals ran */
extern volatile sig_atomic_t cli_interrupted;
void cli_install_signals(void);

/* options.c */
int cli_parse_duration(const char *s, unsigned *ms);
int cli_parse_levels(const char *s, unsigned *mask);
int cli_selection_option(struct selection *sel, const char *opt,
			 const char *val);
int cli_var_option(struct sc_vars *vars, const char *opt, const char *val);
int cli_selected(const struct selection *sel, const struct sc_scenario *s);
const char *cli_default_suite(void);
/* cli_load_suites - every root, light (run) or in full; -1 on any error */
int cli_load_suites(char **paths, size_t npaths, const struct sc_vars *vars,
		    int light, struct sc_suite *out);
void cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* cli_option_value - the value of "--opt VALUE" or "--opt=VALUE"; NULL + message if missing */
const char *cli_option_value(int argc, char **argv, int *i, const char *cmd);

#endif
