/*
 * tls_config.c - `smtpconf run --tls ...` options.
 *
 * The files are loaded once, before anything connects, so a missing
 * or unreadable CA, certificate, key or key log is a usage error
 * (exit 2) naming the option and the file, never a run of errors.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "tls_config.h"

/* --tls values. */
static const struct {
	const char *name;
	enum sc_tls_mode mode;
} tls_modes[] = {
	{ "none", SC_TLS_NONE },
	{ "starttls", SC_TLS_STARTTLS },
	{ "implicit", SC_TLS_IMPLICIT },
};

/* Options that take a file or a name: where each value goes. */
static const struct {
	const char *opt;
	size_t off;
} tls_values[] = {
	{ "--tls-ca", offsetof(struct sc_tls_options, ca_file) },
	{ "--tls-sni", offsetof(struct sc_tls_options, sni) },
	{ "--tls-cert", offsetof(struct sc_tls_options, cert_file) },
	{ "--tls-key", offsetof(struct sc_tls_options, key_file) },
	{ "--tls-keylog", offsetof(struct sc_tls_options, keylog_file) },
};

/* tls_option - the value options; 1 taken, 0 not ours, -1 bad value */
int tls_option(struct tls_config *tc, const char *opt, const char *val)
{
	size_t i;

	if (strcmp(opt, "--tls") == 0) {
		for (i = 0; i < sizeof(tls_modes) / sizeof(tls_modes[0]); i++)
			if (strcmp(val, tls_modes[i].name) == 0) {
				tc->mode = tls_modes[i].mode;
				return 1;
			}
		return -1;
	}
	for (i = 0; i < sizeof(tls_values) / sizeof(tls_values[0]); i++)
		if (strcmp(opt, tls_values[i].opt) == 0) {
			if (*val == '\0')
				return -1;
			*(const char **)((char *)&tc->o +
					 tls_values[i].off) = val;
			return 1;
		}
	return 0;
}

/* tls_flag - --tls-verify; 1 taken, 0 not ours */
int tls_flag(struct tls_config *tc, const char *arg)
{
	if (strcmp(arg, "--tls-verify") != 0)
		return 0;
	tc->o.verify = 1;
	return 1;
}

/* option_of - "--tls-ca: " for the option whose value is path, or "" */
static const char *option_of(const struct tls_config *tc, const char *path)
{
	static char out[32];
	const char *v;
	size_t i;

	for (i = 0; path[0] && i < sizeof(tls_values) / sizeof(tls_values[0]);
	     i++) {
		v = *(const char *const *)((const char *)&tc->o +
					   tls_values[i].off);
		if (v != NULL && strcmp(v, path) == 0) {
			snprintf(out, sizeof(out), "%s: ", tls_values[i].opt);
			return out;
		}
	}
	return "";
}

/* tls_setup - load files into the run options; -1 (message printed) when one is bad */
int tls_setup(struct tls_config *tc, struct sc_run_options *ro)
{
	struct sc_error err;

	sc_error_clear(&err);
	if (sc_tls_ctx_new(&tc->o, &tc->ctx, &err) != SC_OK) {
		cli_usage_error("run", "%s%s", option_of(tc, err.file),
				err.msg);
		return -1;
	}
	ro->tls = tc->ctx;
	ro->tls_mode = tc->mode;
	return 0;
}

/* tls_free - release the loaded context */
void tls_free(struct tls_config *tc)
{
	sc_tls_ctx_free(tc->ctx);
	tc->ctx = NULL;
}
