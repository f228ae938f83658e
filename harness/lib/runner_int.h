/*
 * runner_int.h - state shared by the runner's modules (internal).
 */
#ifndef SMTPCONF_RUNNER_INT_H
#define SMTPCONF_RUNNER_INT_H

#include "smtpconf/runner.h"
#include "session.h"

enum { STEP_NEXT = 0, STEP_STOP = 1 };

struct run_ctx {
	const struct sc_scenario *s;
	const struct sc_run_options *o;
	const struct sc_capabilities *caps;
	struct sc_result *res;
	struct session sessions[SC_SCENARIO_MAX_SESSIONS];
	size_t nsessions;
	struct session *cur;
	long long t0;
	long long deadline;		/* whole scenario */
	unsigned scenario_timeout_ms;
	unsigned step_timeout_ms;	/* current per-step timeout */
	char last_cmd[128];		/* display form of the last send */
	unsigned last_cmd_line;
	int peer_lost;			/* a session lost the server */
	unsigned shutdown_line;		/* line of `shutdown`, 0: none yet */
	unsigned long long out_mark;	/* server output count at the start */
	struct sc_tls_ctx *own_tls;	/* default TLS settings when o->tls is NULL */
};

long long step_deadline(const struct run_ctx *c, unsigned ms);
/* current_session - the session steps act on, connecting it on first use */
struct session *current_session(struct run_ctx *c, const struct sc_step *st);

/* judge.c: verdicts and transcript */
void tx_add(struct run_ctx *c, enum sc_tx_kind kind, const struct sc_step *st,
	    const char *bytes, size_t len, size_t wire_len);
void tx_event(struct run_ctx *c, const struct sc_step *st, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));
void remember_command(struct run_ctx *c, const struct sc_step *st,
		      const char *bytes, size_t len);
void run_fail(struct run_ctx *c, const struct sc_step *st,
	      enum sc_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void run_error(struct run_ctx *c, const struct sc_step *st,
	       enum sc_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int run_interrupted(struct run_ctx *c, const struct sc_step *st);
int judge_unsolicited(struct run_ctx *c, const struct sc_step *st,
		      enum wait_outcome w, struct sc_reply *r,
		      struct sc_error *err);
int judge_reply(struct run_ctx *c, const struct sc_step *st,
		struct session *s, enum wait_outcome w, struct sc_reply *r,
		struct sc_error *err);
void run_crashed(struct run_ctx *c);
int expect_close(struct run_ctx *c, const struct sc_step *st,
		 struct session *s, unsigned timeout_ms, const char *after);

/* runner_tls.c: TLS steps and --tls at connect */
int step_starttls(struct run_ctx *c, const struct sc_step *st);

/* runner_idle.c: the idle step, durations from variables */
int step_idle(struct run_ctx *c, const struct sc_step *st);
int step_duration(struct run_ctx *c, const struct sc_step *st, unsigned *ms);
int open_session_tls(struct run_ctx *c, const struct sc_step *st,
		     struct session *s);
int take_pending_greeting(struct run_ctx *c, const struct sc_step *st,
			  struct session *s);
void run_tls_free(struct run_ctx *c);

#endif
