/*
 * report_compare.h - reports over several runs: the changes between two
 * (`smtpconf report --compare OLD NEW`) and a matrix of verdicts, one
 * column per server (`smtpconf report A B C`).
 *
 * The pages follow the rules of the single-run page (docs/html-report.md):
 * one self-contained file, every piece of text escaped, a
 * Content-Security-Policy that allows only its own style sheet by hash,
 * nothing fetched.
 */
#ifndef SMTPCONF_REPORT_COMPARE_H
#define SMTPCONF_REPORT_COMPARE_H

#include <stddef.h>
#include "smtpconf/report.h"

/* What happened to one scenario between two runs. */
enum sc_change {
	SC_CHANGE_SAME,		/* the same verdict */
	SC_CHANGE_REGRESSION,	/* pass -> fail or error */
	SC_CHANGE_FIX,		/* fail -> pass */
	SC_CHANGE_NEW,		/* only in the new run */
	SC_CHANGE_REMOVED,	/* only in the old run */
	SC_CHANGE_OTHER		/* any other change of verdict */
};
#define SC_CHANGE_COUNT	(SC_CHANGE_OTHER + 1)

struct sc_compare_row {
	const char *id;
	const struct sc_result *old;	/* NULL: a new scenario */
	const struct sc_result *cur;	/* NULL: a removed scenario */
	enum sc_change change;
	/* The level at stake: the fail level of a new failure, else the
	 * scenario's own level. */
	enum sc_level level;
};

struct sc_compare {
	struct sc_compare_row *rows;	/* sorted by id */
	size_t n;
	size_t counts[SC_CHANGE_COUNT];
	size_t regressions_by_level[SC_LEVEL_MAY + 1];
};

/* sc_compare_build - pair the results of two runs by scenario id */
int sc_compare_build(const struct sc_result *old, size_t nold,
		     const struct sc_result *cur, size_t ncur,
		     struct sc_compare *out);
/* sc_compare_free - release the rows (the results stay the caller's) */
void sc_compare_free(struct sc_compare *c);
/* sc_change_name - "unchanged", "regression", "fixed", "new", ... */
const char *sc_change_name(enum sc_change c);
/* sc_report_compare_html - the changes between two runs as one page */
int sc_report_compare_html(struct sc_buf *out, const struct sc_run_info *old,
			   const struct sc_run_info *cur,
			   const struct sc_compare *c);

/* One server of a matrix: its run and its results. */
struct sc_matrix_column {
	const struct sc_run_info *info;
	const struct sc_result *results;
	size_t n;
};

/* sc_report_matrix_html - one row per scenario id, one column per server */
int sc_report_matrix_html(struct sc_buf *out,
			  const struct sc_matrix_column *cols, size_t ncols);

#endif
