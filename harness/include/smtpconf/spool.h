/*
 * spool.h - a run's results on disk, so that memory stays flat however
 * many scenarios run.
 *
 * Each final result is written to the spool as it is handed on (in id
 * order) and then freed; the report writers read it back one result
 * at a time through a struct sc_result_list, which is also how they
 * read results that are already in memory (smtpconf report, the unit
 * tests).  The spool is a private temporary file, removed when closed
 * or when the process dies.
 */
#ifndef SMTPCONF_SPOOL_H
#define SMTPCONF_SPOOL_H

#include <stdio.h>
#include "smtpconf/result.h"

/* What the writers filter on, kept in memory: a few bytes a result. */
struct sc_result_brief {
	enum sc_verdict verdict;
	enum sc_level fail_level;
	enum sc_level level;		/* the scenario's */
	int has_scenario;
};

struct sc_spool_entry {
	long long off;			/* where the record starts */
	unsigned char verdict, fail_level, level, has_scenario;
};

struct sc_spool {
	FILE *f;
	struct sc_spool_entry *index;	/* one per record, in order */
	size_t n;
	long long end;			/* where the next record goes */
	int writing;			/* the stream's last use was a write */
};

/* sc_spool_open - an empty spool in a temporary file */
int sc_spool_open(struct sc_spool *sp, struct sc_error *err);
/* sc_spool_put - append r (its scenario's header included) */
int sc_spool_put(struct sc_spool *sp, const struct sc_result *r,
		 struct sc_error *err);
/* sc_spool_close - close and forget the file (its space is freed) */
void sc_spool_close(struct sc_spool *sp);

/* The results a report is built from: an array, or a spool. */
struct sc_result_list {
	size_t n;
	const struct sc_result *array;	/* in memory, or NULL */
	struct sc_spool *spool;		/* on disk, or NULL */
	struct sc_result cur;		/* the record read last */
	struct sc_scenario cur_scenario;
	size_t cur_i;
	int have_cur;
	int failed;			/* a record could not be read back */
};

/* sc_result_list_array - the list of n results in memory */
void sc_result_list_array(struct sc_result_list *l,
			  const struct sc_result *a, size_t n);
/* sc_result_list_spool - the list of the results in a spool */
void sc_result_list_spool(struct sc_result_list *l, struct sc_spool *sp);
/*
 * sc_result_list_get - result i; from a spool it is valid until the
 * next call.  Never NULL: a record that cannot be read is an empty
 * error result and sets l->failed.
 */
const struct sc_result *sc_result_list_get(struct sc_result_list *l,
					   size_t i);
/* sc_result_list_brief - result i's verdict and levels, read from memory */
void sc_result_list_brief(const struct sc_result_list *l, size_t i,
			  struct sc_result_brief *out);
/* sc_result_list_free - release the record read last */
void sc_result_list_free(struct sc_result_list *l);

#endif
