/*
 * tls_config.h - `smtpconf run --tls ...`: the CLI side of TLS
 * (options, loading the certificates, the usage errors).
 */
#ifndef SMTPCONF_TLS_CONFIG_H
#define SMTPCONF_TLS_CONFIG_H

#include "smtpconf/runner.h"
#include "smtpconf/transport.h"

struct tls_config {
	enum sc_tls_mode mode;		/* --tls */
	struct sc_tls_options o;	/* --tls-ca, --tls-verify, ... */
	struct sc_tls_ctx *ctx;		/* loaded by tls_setup */
};

/* tls_option - the value options; 1 taken, 0 not ours, -1 bad value */
int tls_option(struct tls_config *tc, const char *opt, const char *val);
/* tls_flag - --tls-verify; 1 taken, 0 not ours */
int tls_flag(struct tls_config *tc, const char *arg);
/* tls_setup - load files into the run options; -1 (message printed) when one is bad */
int tls_setup(struct tls_config *tc, struct sc_run_options *ro);
/* tls_free - release the loaded context */
void tls_free(struct tls_config *tc);

#endif
