/*
 * options.c - option values shared by the subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

/* cli_usage_error - "smtpconf CMD: message" on stderr */
void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smtpconf %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* cli_option_value - the value of "--opt VALUE" or "--opt=VALUE" */
const char *cli_option_value(int argc, char **argv, int *i, const char *cmd)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq != NULL)
		return eq + 1;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "option %s needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

/* Duration units accepted on the command line and in scenarios. */
static const struct unit {
	const char *suffix;
	unsigned long factor;
} duration_units[] = {
	{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { NULL, 0 }
};

/* cli_parse_duration - "500ms", "10s", "2m" into milliseconds (max 1 h) */
int cli_parse_duration(const char *s, unsigned *ms)
{
	const struct unit *u;
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (end == s || errno || *s == '-')
		return -1;
	for (u = duration_units; u->suffix != NULL; u++)
		if (strcmp(end, u->suffix) == 0)
			break;
	if (u->suffix == NULL || n == 0 || n > 3600000UL / u->factor)
		return -1;
	*ms = (unsigned)(n * u->factor);
	return 0;
}

/* cli_parse_levels - "must,security" into a bit mask of enum sc_level */
int cli_parse_levels(const char *s, unsigned *mask)
{
	char word[32];
	const char *p = s, *comma;
	enum sc_level level;
	size_t n;

	*mask = 0;
	while (*p) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(word))
			return -1;
		memcpy(word, p, n);
		word[n] = '\0';
		if (strcmp(word, "all") == 0)
			*mask |= 0xf;
		else if (sc_level_parse(word, &level) == 0)
			*mask |= 1u << level;
		else
			return -1;
		p += n + (comma ? 1 : 0);
	}
	return *mask ? 0 : -1;
}

/* cli_selection_option - take --only, --tag, --level; 1 taken, 0 not ours, -1 bad */
int cli_selection_option(struct selection *sel, const char *opt,
			 const char *val)
{
	if (strcmp(opt, "--only") == 0) {
		if (sel->nonly >= sizeof(sel->only) / sizeof(sel->only[0]))
			return -1;
		sel->only[sel->nonly++] = val;
		return 1;
	}
	if (strcmp(opt, "--tag") == 0) {
		if (sel->ntags >= sizeof(sel->tags) / sizeof(sel->tags[0]))
			return -1;
		sel->tags[sel->ntags++] = val;
		return 1;
	}
	if (strcmp(opt, "--level") == 0)
		return cli_parse_levels(val, &sel->levels) == 0 ? 1 : -1;
	return 0;
}

/* Variable shortcuts: option -> variable name. */
static const struct var_option {
	const char *opt;
	const char *var;
} var_options[] = {
	{ "--client", "client" },
	{ "--mail-from", "mail_from" },
	{ "--rcpt", "rcpt" },
	{ "--domain", "domain" },
	{ "--auth-user", "auth_user" },
	{ "--auth-pass", "auth_pass" },
	{ NULL, NULL }
};

/* b64_put - RFC 4648 4 base64 of n bytes, appended to out */
static void b64_put(struct sc_buf *out, const unsigned char *in, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		sc_buf_putc(out, a[(v >> 18) & 63]);
		sc_buf_putc(out, a[(v >> 12) & 63]);
		sc_buf_putc(out, i + 1 < n ? a[(v >> 6) & 63] : '=');
		sc_buf_putc(out, i + 2 < n ? a[v & 63] : '=');
	}
}

/* set_b64 - variable name = base64 of the n bytes at in */
static int set_b64(struct sc_vars *vars, const char *name, const char *in,
		   size_t n)
{
	struct sc_buf b;
	int rc;

	sc_buf_init(&b, 0);
	b64_put(&b, (const unsigned char *)in, n);
	rc = b.failed ? SC_ERR_NOMEM : sc_vars_set(vars, name, sc_buf_cstr(&b));
	sc_buf_free(&b);
	return rc;
}

/*
 * auth_derive - the forms scenarios send for the test credentials:
 * AUTH PLAIN's response, NUL user NUL password with an empty authzid
 * (RFC 4616 2), one with a password that cannot be right, and the
 * user and password alone for AUTH LOGIN.  Empty without a user.
 */
static int auth_derive(struct sc_vars *vars)
{
	const char *user = sc_vars_get(vars, "auth_user");
	const char *pass = sc_vars_get(vars, "auth_pass");
	struct sc_buf b;
	int rc;

	if (user == NULL || pass == NULL || user[0] == '\0')
		return SC_OK;
	sc_buf_init(&b, 0);
	sc_buf_putc(&b, '\0');
	sc_buf_puts(&b, user);
	sc_buf_putc(&b, '\0');
	sc_buf_puts(&b, pass);
	rc = set_b64(vars, "auth_plain", b.data ? b.data : "", b.len);
	/* A password one character longer is never the password. */
	sc_buf_puts(&b, "x");
	if (rc == SC_OK)
		rc = set_b64(vars, "auth_plain_wrong", b.data ? b.data : "",
			     b.len);
	if (rc == SC_OK)
		rc = set_b64(vars, "auth_user_b64", user, strlen(user));
	if (rc == SC_OK)
		rc = set_b64(vars, "auth_pass_b64", pass, strlen(pass));
	rc = b.failed ? SC_ERR_NOMEM : rc;
	sc_buf_free(&b);
	return rc;
}

/* cli_var_option - --var NAME=VALUE or a shortcut: 1 taken, 0 not ours, -1 bad */
int cli_var_option(struct sc_vars *vars, const char *opt, const char *val)
{
	const struct var_option *vo;
	char name[SC_VAR_NAME_MAX];
	const char *eq;

	for (vo = var_options; vo->opt != NULL; vo++)
		if (strcmp(opt, vo->opt) == 0)
			return sc_vars_set(vars, vo->var, val) == SC_OK &&
			       auth_derive(vars) == SC_OK ? 1 : -1;
	if (strcmp(opt, "--var") != 0)
		return 0;
	eq = strchr(val, '=');
	if (eq == NULL || (size_t)(eq - val) >= sizeof(name))
		return -1;
	memcpy(name, val, (size_t)(eq - val));
	name[eq - val] = '\0';
	return sc_vars_set(vars, name, eq + 1) == SC_OK &&
	       auth_derive(vars) == SC_OK ? 1 : -1;
}

/* has_tag - does the scenario carry this tag? */
static int has_tag(const struct sc_scenario *s, const char *tag)
{
	size_t i;

	for (i = 0; i < s->ntags; i++)
		if (strcmp(s->tags[i], tag) == 0)
			return 1;
	return 0;
}

/* cli_selected - does the scenario pass --only, --tag and --level? */
int cli_selected(const struct selection *sel, const struct sc_scenario *s)
{
	size_t i;
	int ok;

	if (sel->levels && !(sel->levels & (1u << s->level)))
		return 0;
	for (ok = sel->nonly == 0, i = 0; i < sel->nonly && !ok; i++)
		ok = sc_glob_match(sel->only[i], s->id);
	if (!ok)
		return 0;
	for (ok = sel->ntags == 0, i = 0; i < sel->ntags && !ok; i++)
		ok = has_tag(s, sel->tags[i]);
	return ok;
}

/* cli_default_suite - $SMTPCONF_SCENARIOS, the installed suite, or the source tree's */
const char *cli_default_suite(void)
{
	const char *env = getenv("SMTPCONF_SCENARIOS");
	struct stat st;

	if (env != NULL && *env)
		return env;
	if (stat(SMTPCONF_SCENARIO_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return SMTPCONF_SCENARIO_DIR;
	return SMTPCONF_SOURCE_SCENARIO_DIR;
}

/* append_suite - move the scenarios of one root into the combined suite */
static int append_suite(struct sc_suite *out, struct sc_suite *one)
{
	struct sc_scenario *items;
	size_t i, j;

	if (one->count == 0)
		return 0;
	if (out->count == 0) {
		/* The usual single root: take its array, no second copy. */
		free(out->items);
		out->items = one->items;
		out->count = one->count;
		one->items = NULL;
		one->count = 0;
		return 0;
	}
	for (i = 0; i < one->count; i++)
		for (j = 0; j < out->count; j++)
			if (strcmp(one->items[i].id, out->items[j].id) == 0) {
				fprintf(stderr, "smtpconf: %s: scenario id "
					"'%s' is also defined by %s\n",
					one->items[i].path, one->items[i].id,
					out->items[j].path);
				return -1;
			}
	items = realloc(out->items, (out->count + one->count) *
			sizeof(*items) + 1);
	if (items == NULL)
		return -1;
	memcpy(items + out->count, one->items, one->count * sizeof(*items));
	out->items = items;
	out->count += one->count;
	free(one->items);
	one->items = NULL;
	one->count = 0;
	return 0;
}

/* print_parse_errors - every file:line:col error of a suite */
static void print_parse_errors(const struct sc_suite *s)
{
	char line[2048];
	size_t i;

	for (i = 0; i < s->nerrors; i++) {
		sc_error_format(&s->errors[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
}

/* cli_load_suites - load every root; print all errors; -1 on any */
int cli_load_suites(char **paths, size_t npaths, const struct sc_vars *vars,
		    int light, struct sc_suite *out)
{
	struct sc_suite one;
	struct sc_error err;
	char line[2048];
	size_t i;
	int bad = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < npaths; i++) {
		memset(&one, 0, sizeof(one));
		sc_error_clear(&err);
		if ((light ? sc_suite_load_light(paths[i], vars, &one, &err) :
		     sc_suite_load(paths[i], vars, &one, &err)) != SC_OK) {
			sc_error_format(&err, line, sizeof(line));
			fprintf(stderr, "smtpconf: %s\n", line);
			bad = 1;
			continue;
		}
		print_parse_errors(&one);
		bad |= one.nerrors > 0;
		if (append_suite(out, &one) < 0)
			bad = 1;
		sc_suite_free(&one);
	}
	return bad ? -1 : 0;
}
