/*
 * cmd_import.c - `smtpconf import CAPTURE [-o DIR] [--port N]
 * [--corpus DIR]`: the SMTP sessions of a capture as scenario files
 * (DIR/STEM-NNN.smtp), and their client command lines as seeds for
 * the command fuzz target (corpora/command: one line a file, named by
 * a hash of its bytes so a seed is written once).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "smtpconf/import.h"
#include "smtpconf/limits.h"
#include "smtpconf/report.h"
#include "cli.h"

struct import_config {
	const char *capture;
	const char *outdir;		/* -o, default "." */
	const char *corpus;		/* --corpus, or NULL */
	unsigned port;			/* --port */
};

static const char import_usage[] =
"usage: smtpconf import CAPTURE [-o DIR] [--port N] [--corpus DIR]\n"
"\n"
"Turn the SMTP sessions of a capture (pcap or pcapng; Ethernet, Linux\n"
"cooked, raw IP or loopback; IPv4 or IPv6) into scenario files that\n"
"replay the client's side and expect the codes the server gave.\n"
"\n"
"  -o, --output DIR      where to write STEM-NNN.smtp (default: .)\n"
"  --port N              the server's port, besides 25, 465, 587, 2525\n"
"                        (servers that greet first are found anyway)\n"
"  --corpus DIR          also write each client command line as a seed\n"
"                        file for the command fuzz target\n"
"  -h, --help            this help\n"
"\n"
"Exit 0 when at least one session was imported, 2 on bad flags, a\n"
"file that is not a capture, a damaged capture or one without SMTP.\n";

/* import_option - one option; 0 consumed, -1 usage error (printed) */
static int import_option(struct import_config *c, int argc, char **argv,
			 int *i)
{
	const char *a = argv[*i], *v;
	char *end;
	long n;

	if ((v = cli_option_value(argc, argv, i, "import")) == NULL)
		return -1;
	if (strcmp(a, "-o") == 0 || strncmp(a, "--output", 8) == 0)
		c->outdir = v;
	else if (strncmp(a, "--corpus", 8) == 0)
		c->corpus = v;
	else if (strncmp(a, "--port", 6) == 0) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno || n < 1 ||
		    n > 65535) {
			cli_usage_error("import", "--port must be 1-65535, "
					"not '%s'", v);
			return -1;
		}
		c->port = (unsigned)n;
	} else {
		cli_usage_error("import", "unknown option '%s'", a);
		return -1;
	}
	return 0;
}

/* import_args - parse argv; 1 for --help, -1 on a usage error */
static int import_args(struct import_config *c, int argc, char **argv)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->outdir = ".";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (import_option(c, argc, argv, &i) < 0)
				return -1;
		} else if (c->capture == NULL) {
			c->capture = argv[i];
		} else {
			cli_usage_error("import", "one capture at a time");
			return -1;
		}
	}
	if (c->capture != NULL)
		return 0;
	cli_usage_error("import", "no capture file given");
	return -1;
}

/* make_dir - create dir if missing; -1 with a message */
static int make_dir(const char *dir)
{
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "smtpconf: %s: %s\n", dir, strerror(errno));
	return -1;
}

/* stem_of - the capture's file name without directory and extension */
static void stem_of(const char *path, char *out, size_t n)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t len, i;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (len >= n)
		len = n - 1;
	for (i = 0; i < len; i++)
		out[i] = strchr("/\\ \t\n", base[i]) ? '_' : base[i];
	out[len] = '\0';
	if (len == 0)
		snprintf(out, n, "capture");
}

/* fnv1a - a 64-bit FNV-1a hash of a seed, for its file name */
static unsigned long long fnv1a(const char *p, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* write_seeds - one file per command line; returns how many */
static int write_seeds(const struct import_config *c,
		       const struct sc_import_session *s, unsigned *count)
{
	const char *p = s->seeds.data, *end = p + s->seeds.len, *nl;
	struct sc_error err;
	char path[4096];
	size_t n;

	for (; p != NULL && p < end; p += n) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		snprintf(path, sizeof(path), "%s/imported-%016llx", c->corpus,
			 fnv1a(p, n));
		sc_error_clear(&err);
		if (sc_write_atomic(path, p, n, &err) != SC_OK) {
			fprintf(stderr, "smtpconf: %s\n", err.msg);
			return -1;
		}
		(*count)++;
	}
	return 0;
}

/* say_skipped - why a connection gave no scenario (SMTP ones only) */
static void say_skipped(const char *capture,
			const struct sc_import_session *s)
{
	if (s->kind == SC_IMPORT_TLS || s->kind == SC_IMPORT_TOO_LARGE)
		printf("%s: connection %u (%s -> %s): %s\n", capture, s->conn,
		       s->client, s->server, s->note);
}

/* write_session - the scenario file of one session; -1 on failure */
static int write_session(const struct import_config *c, const char *stem,
			 const struct sc_import_session *s, unsigned nth)
{
	struct sc_error err;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s-%03u.smtp", c->outdir, stem, nth);
	sc_error_clear(&err);
	if (sc_write_atomic(path, s->scenario.data, s->scenario.len,
			    &err) != SC_OK) {
		fprintf(stderr, "smtpconf: %s\n", err.msg);
		return -1;
	}
	printf("%s: connection %u (%s -> %s): %u client lines, %u replies"
	       "%s%s\n", path, s->conn, s->client, s->server, s->commands,
	       s->replies, s->note[0] ? "; " : "", s->note);
	return 0;
}

/* write_all - every scenario (and seed); -1 when a write failed */
static int write_all(const struct import_config *c,
		     const struct sc_import *im, unsigned *written)
{
	unsigned seeds = 0;
	char stem[256];
	size_t i;

	stem_of(c->capture, stem, sizeof(stem));
	if (make_dir(c->outdir) < 0 || (c->corpus && make_dir(c->corpus) < 0))
		return -1;
	for (i = 0; i < im->count; i++) {
		const struct sc_import_session *s = &im->sessions[i];

		if (s->kind != SC_IMPORT_SCENARIO) {
			say_skipped(c->capture, s);
			continue;
		}
		if (*written >= SC_IMPORT_MAX_SESSIONS) {
			printf("%s: more than %d SMTP sessions; the rest are "
			       "not written\n", c->capture,
			       SC_IMPORT_MAX_SESSIONS);
			break;
		}
		if (write_session(c, stem, s, ++*written) < 0 ||
		    (c->corpus && write_seeds(c, s, &seeds) < 0))
			return -1;
	}
	if (c->corpus)
		printf("%s: %u seed lines\n", c->corpus, seeds);
	return 0;
}

/* cmd_import - `smtpconf import` */
int cmd_import(int argc, char **argv)
{
	struct import_config c;
	struct sc_import_options o;
	struct sc_import im;
	struct sc_error err;
	unsigned written = 0;
	int rc;

	rc = import_args(&c, argc, argv);
	if (rc != 0) {
		if (rc > 0)
			fputs(import_usage, stdout);
		return rc > 0 ? EXIT_PASS : EXIT_USAGE;
	}
	memset(&o, 0, sizeof(o));
	o.source = c.capture;
	o.port = c.port;
	sc_error_clear(&err);
	if (sc_import_pcap(c.capture, &o, &im, &err) != SC_OK) {
		fprintf(stderr, "%s: %s\n", c.capture, err.msg);
		sc_import_free(&im);
		return EXIT_USAGE;
	}
	rc = write_all(&c, &im, &written) < 0 ? EXIT_USAGE : EXIT_PASS;
	if (rc == EXIT_PASS && written == 0) {
		fprintf(stderr, "%s: no SMTP session found (%lu packets, %u "
			"TCP connections)\n", c.capture, im.packets,
			im.connections);
		rc = EXIT_USAGE;
	}
	sc_import_free(&im);
	return rc;
}
