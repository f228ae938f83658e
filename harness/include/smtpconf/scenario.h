/*
 * scenario.h - the scenario language: one plain-text file per scenario.
 *
 * docs/scenario-format.md is the reference; this header is the parsed
 * form.  Parsing needs no server: every syntax error and undefined
 * variable is found here and reported as file:line:col.
 */
#ifndef SMTPCONF_SCENARIO_H
#define SMTPCONF_SCENARIO_H

#include <stddef.h>
#include "smtpconf/limits.h"
#include "smtpconf/status.h"
#include "smtpconf/vars.h"
#include "smtpconf/buf.h"
#include "smtpconf/ehlo.h"

/* Requirement level of a scenario (RFC 2119 keywords plus security). */
enum sc_level {
	SC_LEVEL_MUST = 0,
	SC_LEVEL_SECURITY,
	SC_LEVEL_SHOULD,
	SC_LEVEL_MAY		/* informational: never fails a run */
};

/* One part of a template: literal bytes or a variable reference. */
struct sc_tpart {
	int is_var;
	char *bytes;		/* literal bytes (is_var == 0) */
	size_t len;
	char *var;		/* variable name (is_var == 1) */
	long long add;		/* ${name + N} / ${name - N}: numeric offset */
};

/* A piece is a run of parts repeated `repeat` times ("A" * 600). */
struct sc_tpiece {
	struct sc_tpart *parts;
	size_t nparts;
	size_t repeat;		/* >= 1 */
};

/* What a send step transmits, before variable expansion. */
struct sc_template {
	struct sc_tpiece *pieces;
	size_t npieces;
};

/* Three-position code pattern: '0'-'9' or 'x' for any digit. */
struct sc_code_pattern {
	char d[3];
};

/* What an S: line accepts. */
struct sc_expect {
	struct sc_code_pattern alts[SC_EXPECT_MAX_ALTS];
	size_t nalts;
	int negate;		/* "!500": anything but these */
	char enhanced[16];	/* "5.x.x" / "5.5.1" pattern, "" for none */
	char *text_regex;	/* POSIX ERE matched case-insensitively against the reply text, NULL for none */
	int text_negate;	/* "!/REGEX/": the text must NOT match */
	int then_closed;	/* "S: 421 closed": the server must close right after */
	int premise;		/* "S: 503 premise": another reply means the
				   scenario has nothing to check (skip) */
};

enum sc_step_kind {
	SC_STEP_SEND,		/* C: line (CRLF added), R: raw bytes, or a batch: one write */
	SC_STEP_EXPECT,		/* S: one reply */
	SC_STEP_CLOSED,		/* closed: the server must close the connection */
	SC_STEP_CLOSE,		/* close: we close our side */
	SC_STEP_SESSION,	/* session NAME: switch to (and open) a named session */
	SC_STEP_SLEEP,		/* sleep DURATION */
	SC_STEP_TIMEOUT,	/* timeout DURATION: per-step deadline from here on */
	SC_STEP_STARTTLS,	/* starttls: TLS handshake on the current session */
	SC_STEP_SHUTDOWN,	/* shutdown: ask the server under test to shut down */
	SC_STEP_IDLE		/* idle DURATION: send nothing; the server must wait */
};

struct sc_step {
	enum sc_step_kind kind;
	unsigned line;		/* line in the scenario file */
	struct sc_template send;	/* SC_STEP_SEND */
	unsigned nlines_sent;	/* SC_STEP_SEND: how many C:/R: lines it joins (batch > 1) */
	struct sc_expect expect;	/* SC_STEP_EXPECT */
	char session[SC_SESSION_NAME_MAX];	/* SC_STEP_SESSION */
	unsigned ms;		/* SC_STEP_SLEEP, _TIMEOUT, _IDLE; 0: see send */
	/* sleep, timeout and idle with a variable in their duration
	 * (`idle ${server_timeout}s`) keep it in send, parsed when run. */
	char *note;		/* trailing "# comment" of the line, NULL when none */
};

/* when: conditions on the EHLO capabilities; all must hold. */
enum sc_cond_op {
	SC_COND_PRESENT,	/* when: PIPELINING */
	SC_COND_ABSENT,		/* when: !STARTTLS */
	SC_COND_HAS_PARAM,	/* when: AUTH has PLAIN */
	SC_COND_LT, SC_COND_LE, SC_COND_GT, SC_COND_GE, SC_COND_EQ, SC_COND_NE,
				/* when: SIZE > 0 (implies present and numeric) */
	SC_COND_VAR		/* when: $auth_user (the variable is not empty) */
};

struct sc_cond {
	enum sc_cond_op op;
	char keyword[SC_EHLO_KEYWORD_MAX];	/* upper-cased */
	char param[SC_EHLO_KEYWORD_MAX];	/* SC_COND_HAS_PARAM */
	long long value;			/* comparisons */
	unsigned line;
};

struct sc_scenario {
	char *id;		/* path under the suite root without ".smtp", '/' separated */
	char *path;		/* file it came from */
	char *title;
	char *rfc;		/* "5321 4.2.4" (several separated by ", ") */
	char *quote;		/* the RFC sentence the verdict rests on, may be NULL */
	char *why;		/* free text: why a failing server is wrong, may be NULL */
	enum sc_level level;
	char **tags;
	size_t ntags;
	struct sc_cond *conds;
	size_t nconds;
	char *when;		/* the conditions as one line, NULL when none */
	unsigned timeout_ms;		/* whole scenario, 0: runner default */
	unsigned step_timeout_ms;	/* per step, 0: runner default */
	int exclusive;			/* must not run beside others (shutdown, overload) */
	int on_421_ends_session;	/* on-421: end-session: 421 + close ends that session, no failure */
	int slow;			/* slow: yes: takes minutes, runs only with --slow */
	/* Only what selection and scheduling read is kept (id, path,
	 * level, tags, exclusive, slow): sc_scenario_lighten.  Load the
	 * file again (sc_scenario_load) to run it or to report on it. */
	int light;
	struct sc_step *steps;
	size_t nsteps;
};

/*
 * sc_scenario_parse - parse one scenario from memory.  id and path are
 * copied; defined lists the variables known at parse time (ehlo.* names
 * are always allowed).  On error err holds path:line:col and a message.
 */
int sc_scenario_parse(const char *text, size_t len, const char *path,
		      const char *id, const struct sc_vars *defined,
		      struct sc_scenario *out, struct sc_error *err);
/* sc_scenario_load - read and parse one file (bounded by SC_SCENARIO_FILE_MAX) */
int sc_scenario_load(const char *path, const char *id,
		     const struct sc_vars *defined, struct sc_scenario *out,
		     struct sc_error *err);
/* sc_scenario_free - release everything the parser allocated */
void sc_scenario_free(struct sc_scenario *s);
/*
 * sc_scenario_lighten - keep id, path, level, tags and slow; exclusive
 * becomes sc_scenario_runs_alone(); free the rest (steps, texts,
 * conditions) and mark s light.  A suite of any size then costs a few
 * hundred bytes a scenario until each runs.
 */
void sc_scenario_lighten(struct sc_scenario *s);

/* sc_duration_parse - "500ms", "10s", "2m" (1 ms to 1 hour) to ms */
int sc_duration_parse(const char *text, size_t len, unsigned *ms);

/* sc_level_name - "MUST", "SHOULD", "MAY", "security" */
const char *sc_level_name(enum sc_level level);
/* sc_level_parse - inverse of sc_level_name (case-insensitive); 0 on success */
int sc_level_parse(const char *s, enum sc_level *out);

/*
 * sc_conds_text - the conditions as one line, in a canonical spelling
 * ("PIPELINING and SIZE > 0 and AUTH has PLAIN and !STARTTLS"): the
 * promise of the EHLO reply a scenario tests.  Allocated; NULL when
 * there are none or memory ran out.
 */
char *sc_conds_text(const struct sc_scenario *s);
/* sc_conds_hold - 1 when every condition holds for caps; else 0 and why */
int sc_conds_hold(const struct sc_scenario *s, const struct sc_capabilities *caps,
		  char *why, size_t whylen);
/* sc_conds_hold_vars - the same, with $name terms read from vars */
int sc_conds_hold_vars(const struct sc_scenario *s,
		       const struct sc_capabilities *caps,
		       const struct sc_vars *vars, char *why, size_t whylen);

/*
 * sc_template_expand - expand a template into out: variables from vars,
 * ehlo.KEYWORD from caps (its first parameter; numeric with +/-).
 * SC_ERR_USAGE when a variable has no value (for example an ehlo.*
 * keyword the server did not advertise), SC_ERR_LIMIT past SC_SEND_MAX_BYTES.
 */
int sc_template_expand(const struct sc_template *t, const struct sc_vars *vars,
		       const struct sc_capabilities *caps, struct sc_buf *out,
		       struct sc_error *err);

/*
 * A send step's template with every variable expanded but the
 * repetitions not yet made: "line" * 16000 stays one line until the
 * bytes are handed on, so a 16 MB body never sits in memory whole.
 */
struct sc_expansion {
	const struct sc_template *t;
	struct sc_buf *pieces;	/* one expanded copy per template piece */
	size_t total;		/* bytes of the whole send, repetitions made */
};

/* Receives an expansion's bytes a block at a time; non-SC_OK stops it. */
typedef int (*sc_emit_fn)(void *ctx, const char *bytes, size_t len,
			  struct sc_error *err);

/*
 * sc_template_prepare - expand every variable of t and size the whole
 * send, with the errors of sc_template_expand; nothing is emitted yet,
 * so a failure leaves nothing half sent.  Free x with
 * sc_expansion_free whatever it returns.
 */
int sc_template_prepare(const struct sc_template *t, const struct sc_vars *vars,
			const struct sc_capabilities *caps,
			struct sc_expansion *x, struct sc_error *err);
/*
 * sc_expansion_emit - the first max bytes of x (SIZE_MAX: all of it)
 * handed to emit in order, in blocks of block bytes (the last one
 * shorter).  Returns SC_OK or the first error, emit's own included.
 */
int sc_expansion_emit(const struct sc_expansion *x, size_t block, size_t max,
		      sc_emit_fn emit, void *ctx, struct sc_error *err);
/* sc_expansion_copy - the first max bytes of x onto the end of out */
int sc_expansion_copy(const struct sc_expansion *x, size_t max,
		      struct sc_buf *out, struct sc_error *err);
/* sc_expansion_free - release what sc_template_prepare kept */
void sc_expansion_free(struct sc_expansion *x);

/* sc_code_pattern_match - does code match the pattern? */
int sc_code_pattern_match(const struct sc_code_pattern *p, int code);
/* sc_expect_format - "250", "252|502", "!5xx", with enhanced and text parts */
void sc_expect_format(const struct sc_expect *e, struct sc_buf *out);

/* A suite: every *.smtp file under a root, sorted by id. */
struct sc_suite {
	struct sc_scenario *items;
	size_t count;
	struct sc_error *errors;	/* one per file that failed to parse */
	size_t nerrors;
	int light;		/* items are lightened (sc_suite_load_light) */
};

/*
 * sc_suite_load - load a file or every *.smtp below a directory
 * (recursively, sorted by id).  Parse errors do not stop the walk:
 * each is appended to suite->errors.  Returns SC_OK when the root could
 * be read at all (check nerrors), SC_ERR_IO otherwise.
 */
int sc_suite_load(const char *root, const struct sc_vars *defined,
		  struct sc_suite *suite, struct sc_error *err);
void sc_suite_free(struct sc_suite *suite);
/*
 * sc_suite_load_light - the same, every file parsed (so errors are
 * found before any connection) and then lightened: smtpconf run
 * parses each scenario again when it runs.
 */
int sc_suite_load_light(const char *root, const struct sc_vars *defined,
			struct sc_suite *suite, struct sc_error *err);

/* sc_glob_match - shell glob (* ? [..]) against an id, '/' matched by '*' too */
int sc_glob_match(const char *pattern, const char *s);

#endif
