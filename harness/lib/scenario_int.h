/*
 * scenario_int.h - internals shared by the scenario parser's files.
 *
 * The parser is split by concern: scenario_parse.c walks the lines and
 * handles the step keywords, scenario_header.c the "key: value" header
 * and when: conditions, scenario_send.c the C:/R: templates and ${...}
 * references, scenario_expect.c the S: lines.  Nothing here is public:
 * the contract is smtpconf/scenario.h.
 */
#ifndef SMTPCONF_SCENARIO_INT_H
#define SMTPCONF_SCENARIO_INT_H

#include <stddef.h>
#include "smtpconf/scenario.h"
#include "smtpconf/buf.h"

/* The bounds of the scenario language live in smtpconf/limits.h. */

/* Header keys, indexes into sc_parser.key_line. */
enum sp_key {
	SP_KEY_TITLE, SP_KEY_RFC, SP_KEY_LEVEL, SP_KEY_TAGS, SP_KEY_QUOTE,
	SP_KEY_WHY, SP_KEY_WHEN, SP_KEY_TIMEOUT, SP_KEY_STEP_TIMEOUT,
	SP_KEY_EXCLUSIVE, SP_KEY_ON_421, SP_KEY_SLOW, SP_KEY_COUNT
};

/* Everything the parser carries from line to line. */
struct sc_parser {
	const char *path;
	const struct sc_vars *defined;
	struct sc_scenario *s;
	struct sc_error *err;

	unsigned lineno;		/* current line, 1-based */
	const char *line;		/* current line without its EOL */
	size_t len;

	int in_steps;			/* a step was seen: header over */
	unsigned first_step_line;
	unsigned key_line[SP_KEY_COUNT];	/* line of each key or 0 */
	struct sc_buf quote;		/* repeated quote: lines, joined */
	struct sc_buf why;
	struct sc_buf scratch;		/* literal bytes being collected */
	size_t steps_cap;
	size_t conds_cap;
	size_t tags_cap;

	int in_batch;			/* between "batch" and "end" */
	unsigned batch_line;
	unsigned batch_col;
	unsigned batch_nlines;
	struct sc_template batch;
	char *batch_note;		/* "# comment" of batch/end lines */

	char sessions[SC_SCENARIO_MAX_SESSIONS][SC_SESSION_NAME_MAX];
	size_t nsessions;
};

/* scenario_parse.c */
int sp_error(struct sc_parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sp_nomem(struct sc_parser *p);
const char *sp_show(const char *s, size_t n, char *out, size_t outlen);
int sp_is_space(int c);
size_t sp_skip_space(const struct sc_parser *p, size_t off);
size_t sp_token_end(const struct sc_parser *p, size_t off);
int sp_duration(struct sc_parser *p, size_t off, size_t end, unsigned *ms);
int sp_ehlo_keyword_valid(const char *s, size_t n);

/* scenario_steps.c */
int sp_step_line(struct sc_parser *p, size_t off, size_t end);

/* scenario_header.c */
int sp_header_line(struct sc_parser *p, size_t key_off, size_t key_end);
int sp_header_finish(struct sc_parser *p);

/* scenario_send.c */
int sp_grow_pow2(void **arr, size_t n, size_t size);
int sp_send_c(struct sc_parser *p, size_t off, struct sc_template *t);
int sp_text_template(struct sc_parser *p, size_t off, size_t end,
		     struct sc_template *t);
int sp_send_r(struct sc_parser *p, size_t off, struct sc_template *t,
	      char **note);
int sp_template_move(struct sc_template *dst, struct sc_template *src);
size_t sp_template_static_size(const struct sc_template *t);
void sp_template_free(struct sc_template *t);

/* scenario_expect.c */
int sp_expect(struct sc_parser *p, size_t off, struct sc_expect *e,
	      char **note);

#endif
