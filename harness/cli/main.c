/*
 * main.c - smtpconf: SMTP conformance and fuzz test harness.
 *
 * Dispatches to one handler per subcommand through a table.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

/* The command table: verb, handler, one-line summary for --help. */
static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run scenarios against a server and report" },
	{ "list", cmd_list, "list scenarios with RFC clause, level and tags" },
	{ "lint", cmd_lint, "check scenario files without a server" },
	{ "explain", cmd_explain, "explain a reply code or enhanced code" },
	{ "report", cmd_report, "HTML pages from saved JSON results" },
	{ "import", cmd_import, "scenarios from the SMTP sessions of a capture" },
	{ "fuzz", cmd_fuzz, "fuzz a live server's command parser" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "this help" },
	{ NULL, NULL, NULL }
};

/* cmd_help - list the subcommands */
static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	printf("usage: smtpconf COMMAND [OPTIONS]\n\ncommands:\n");
	for (c = commands; c->name != NULL; c++)
		printf("  %-9s %s\n", c->name, c->summary);
	printf("\n'smtpconf COMMAND --help' describes a command's options;"
	       " see smtpconf(1).\n");
	return EXIT_PASS;
}

/* cmd_version - print the version */
static int cmd_version(int argc, char **argv)
{
	printf("smtpconf %s\n", SMTPCONF_VERSION);
	return EXIT_PASS;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		cmd_help(0, NULL);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	for (c = commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "smtpconf: unknown command '%s' (try 'smtpconf "
		"help')\n", argv[1]);
	return EXIT_USAGE;
}
