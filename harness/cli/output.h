/*
 * output.h - what smtpconf prints on the terminal.
 */
#ifndef SMTPCONF_OUTPUT_H
#define SMTPCONF_OUTPUT_H

#include <stdio.h>
#include "smtpconf/result.h"
#include "smtpconf/runner.h"

struct term {
	FILE *out;
	int color;		/* ANSI colours (TTY and no NO_COLOR) */
	int progress;		/* a rewritten progress line (TTY) */
	int verbose;		/* transcripts of failures */
	int quiet;		/* failures and summary only */
};

struct tally {
	size_t by_verdict[SC_VERDICT_NOTRUN + 1];
	size_t fail_by_level[SC_LEVEL_MAY + 1];
};

void term_init(struct term *t, FILE *out, int no_color, int verbose,
	       int quiet);
void term_server(const struct term *t, const char *target,
		 const struct sc_server_info *info);
void term_progress(const struct term *t, size_t i, size_t n,
		   const struct sc_scenario *s);
void term_result(const struct term *t, const struct sc_result *r);
void term_summary(const struct term *t, const struct tally *tl,
		  long long ms, int interrupted);
void tally_add(struct tally *tl, const struct sc_result *r);

#endif
