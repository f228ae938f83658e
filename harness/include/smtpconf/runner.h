/*
 * runner.h - running scenarios against a server.
 */
#ifndef SMTPCONF_RUNNER_H
#define SMTPCONF_RUNNER_H

#include <signal.h>
#include "smtpconf/result.h"
#include "smtpconf/transport.h"
#include "smtpconf/ehlo.h"

struct sc_server;

/* Opens a new connection for a session; the default is TCP to host:port. */
typedef int (*sc_connect_fn)(void *ctx, const char *session,
			     long long deadline_ms, struct sc_transport *out,
			     struct sc_error *err);

/* Gives an observer for a new TCP connection (--pcap); SC_OK with
 * out->ctx NULL means this connection is not observed. */
typedef int (*sc_tap_fn)(void *ctx, const char *session,
			 struct sc_tcp_tap *out, struct sc_error *err);

struct sc_run_options {
	char host[256];
	char port[16];
	unsigned connect_timeout_ms;
	unsigned step_timeout_ms;
	unsigned scenario_timeout_ms;
	unsigned close_timeout_ms;
	const struct sc_vars *vars;
	sc_connect_fn connect;		/* NULL: TCP to host:port */
	void *connect_ctx;
	volatile sig_atomic_t *interrupted;	/* set by a signal handler: stop soon */
	struct sc_server *server;	/* --spawn/--stop server, or NULL */
	int slow;			/* --slow: run `slow: yes` scenarios */
	/* --tls: how every session starts (transport.h), and the TLS
	 * settings; tls NULL means defaults (no CA, no verification). */
	enum sc_tls_mode tls_mode;
	struct sc_tls_ctx *tls;
	sc_tap_fn tap;			/* NULL: no capture */
	void *tap_ctx;
};

/* What a probe session learned about the server. */
struct sc_server_info {
	int reachable;
	int greeting_code;
	char *banner;			/* greeting text, raw (escape before showing) */
	size_t banner_len;
	int ehlo_code;
	struct sc_capabilities caps;
	char error[512];		/* why unreachable */
	/* TLS as the probe saw it: the session's own under --tls, else a
	 * STARTTLS the probe tried when the server advertised it. */
	struct sc_tls_info tls;
	char tls_error[512];		/* why that handshake failed, "" if none */
	enum sc_tls_mode tls_mode;	/* the run's --tls */
};

/* sc_tls_mode_name - "none", "starttls", "implicit" */
const char *sc_tls_mode_name(enum sc_tls_mode m);

/* sc_run_options_init - defaults from limits.h, TCP connect */
void sc_run_options_init(struct sc_run_options *o, const struct sc_vars *vars);

/* sc_probe - greet, EHLO ${client}, QUIT: learn banner and capabilities */
int sc_probe(const struct sc_run_options *o, struct sc_server_info *info,
	     struct sc_error *err);
void sc_server_info_free(struct sc_server_info *info);

/*
 * sc_run_scenario - run one scenario; caps decide when: conditions and
 * supply ehlo.* variables.  Always fills *res (verdict PASS/FAIL/SKIP/
 * ERROR/NOTRUN); the return value is SC_OK unless memory ran out.
 * With o->server set, what the server printed while the scenario ran
 * is in res->server_output (its last SC_SERVER_OUTPUT_TAIL bytes), and
 * a crash of the server makes it an ERROR with res->crashed set and the
 * tail of all its output there instead; without it, a scenario with a
 * `shutdown` step is skipped.
 */
int sc_run_scenario(const struct sc_scenario *s, const struct sc_run_options *o,
		    const struct sc_capabilities *caps, struct sc_result *res);

#endif
