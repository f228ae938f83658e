/*
 * mock_smtpd.c - command line of the mock SMTP server.
 *
 * SYNOPSIS
 *	mock_smtpd [--listen ADDR] [--port N] [--port-file FILE]
 *		[--mode NAME[=VALUE][,...]]... [--list-modes]
 *		[--max-sessions N] [--pid-file FILE] [--idle-timeout SEC]
 *		[--verbose]
 * DESCRIPTION
 *	Listens on a loopback address only (127.0.0.1 by default; any
 *	127.0.0.0/8 address or ::1), port 0 picks a free port.  Once
 *	listening it writes the port number to --port-file and its PID
 *	to --pid-file (each atomically, by rename).  --max-sessions
 *	bounds the sessions served at once (default 64); a client over
 *	the bound is greeted with 421 and closed.  --list-modes prints
 *	the misbehaviour table and exits.
 * EXIT STATUS
 *	0 after SIGTERM/SIGINT, 1 when it cannot listen, 2 on usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mock.h"

#define EXIT_USAGE	2

/* usage - the synopsis, to stderr */
static void usage(void)
{
	fprintf(stderr,
		"usage: mock_smtpd [--listen ADDR] [--port N] "
		"[--port-file FILE]\n"
		"                  [--mode NAME[=VALUE][,...]]... "
		"[--list-modes]\n"
		"                  [--max-sessions N] [--pid-file FILE] "
		"[--idle-timeout SEC]\n"
		"                  [--verbose]\n");
}

/* opt_number - a decimal option value in [lo, hi]; -1 when it is not */
static int opt_number(const char *s, unsigned long lo, unsigned long hi,
		      unsigned *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* loopback_ok - 1 for 127.0.0.0/8 and ::1; "localhost" becomes 127.0.0.1 */
static int loopback_ok(char *addr, size_t addrlen, const char *arg)
{
	unsigned char a[16];

	if (strcmp(arg, "localhost") == 0)
		arg = "127.0.0.1";
	if (snprintf(addr, addrlen, "%s", arg) >= (int)addrlen)
		return 0;
	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, addr, a) == 1)
		return memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	return 0;
}

/* list_modes - print the mode table */
static int list_modes(void)
{
	static char text[16384];

	mock_modes_list(text, sizeof(text));
	fputs(text, stdout);
	return 0;
}

/* opt_mode - --mode SPEC */
static int opt_mode(struct mock_config *cfg, const char *spec)
{
	char err[256];

	if (mock_modes_parse(&cfg->modes, spec, err, sizeof(err)) < 0) {
		fprintf(stderr, "mock_smtpd: %s\n", err);
		return -1;
	}
	return 0;
}

/* opt_one - apply one option; -1 usage error, 1 list modes, 2 help */
static int opt_one(struct mock_config *cfg, int c, const char *arg)
{
	switch (c) {
	case 'l':
		if (loopback_ok(cfg->listen, sizeof(cfg->listen), arg))
			return 0;
		fprintf(stderr, "mock_smtpd: --listen takes a loopback "
			"address (127.x.x.x, ::1)\n");
		return -1;
	case 'p':
		return opt_number(arg, 0, 65535, &cfg->port);
	case 'f':
		cfg->port_file = arg;
		return 0;
	case 'P':
		cfg->pid_file = arg;
		return 0;
	case 'm':
		return opt_mode(cfg, arg);
	case 's':
		return opt_number(arg, 1, MOCK_SESSIONS_MAX,
				  &cfg->max_sessions);
	case 't':
		return opt_number(arg, 1, 3600, &cfg->idle_timeout_s);
	case 'v':
		cfg->verbose = 1;
		return 0;
	case 'L':
		return 1;
	case 'h':
		return 2;
	default:
		return -1;
	}
}

/* parse_args - fill cfg from argv; -1 usage error, 1 list, 2 help */
static int parse_args(struct mock_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"port", required_argument, NULL, 'p'},
		{"port-file", required_argument, NULL, 'f'},
		{"pid-file", required_argument, NULL, 'P'},
		{"mode", required_argument, NULL, 'm'},
		{"max-sessions", required_argument, NULL, 's'},
		{"idle-timeout", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},
		{"list-modes", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int c;
	int rc;
	int idx = 0;
	int want = 0;

	while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		rc = opt_one(cfg, c, optarg);
		if (rc < 0) {
			/* --listen, --mode and getopt explain themselves. */
			if (c != 'l' && c != 'm' && c != '?')
				fprintf(stderr, "mock_smtpd: bad value for "
					"--%s\n", opts[idx].name);
			return -1;
		}
		if (rc > want)
			want = rc;
	}
	if (optind < argc) {
		fprintf(stderr, "mock_smtpd: unexpected argument %s\n",
			argv[optind]);
		return -1;
	}
	return want;
}

/* main - parse the command line, then serve */
int main(int argc, char **argv)
{
	static struct mock_config cfg;
	int rc;

	memcpy(cfg.listen, "127.0.0.1", sizeof("127.0.0.1"));
	cfg.max_sessions = MOCK_SESSIONS_DEFAULT;
	cfg.idle_timeout_s = MOCK_IDLE_TIMEOUT_S;
	mock_modes_init(&cfg.modes);
	rc = parse_args(&cfg, argc, argv);
	if (rc < 0 || rc == 2) {
		usage();
		return rc < 0 ? EXIT_USAGE : 0;
	}
	if (rc == 1)
		return list_modes();
	return mock_server_run(&cfg);
}
