/*
 * report.h - machine-readable reports (JSON, JUnit XML) and atomic writes.
 *
 * docs/json-format.md documents the JSON; the HTML report is built
 * from it.  Every file is written to a temporary name beside the target
 * and renamed into place, so a reader never sees half a report.
 */
#ifndef SMTPCONF_REPORT_H
#define SMTPCONF_REPORT_H

#include <stddef.h>
#include "smtpconf/result.h"
#include "smtpconf/runner.h"
#include "smtpconf/spool.h"

struct sc_run_info {
	const char *tool_version;	/* SMTPCONF_VERSION */
	const char *target;		/* "127.0.0.1:2525" */
	const char *command_line;	/* argv joined, for the record */
	long long started_unix_ms;	/* wall clock at start */
	long long duration_ms;
	int interrupted;		/* the run was stopped by Ctrl-C */
	unsigned shard_index;		/* --shard K/N: K (1-based); 0: none */
	unsigned shard_count;		/* N; 0 when not sharded */
	const struct sc_server_info *server;	/* may be NULL */
};

/* sc_report_json - the whole run as JSON into out */
int sc_report_json(struct sc_buf *out, const struct sc_run_info *info,
		   const struct sc_result *results, size_t n);
/* sc_report_junit - JUnit XML: one testcase per scenario; failure vs error kept apart */
int sc_report_junit(struct sc_buf *out, const struct sc_run_info *info,
		    const struct sc_result *results, size_t n);
/* sc_report_html - one self-contained HTML page (docs/html-report.md) */
int sc_report_html(struct sc_buf *out, const struct sc_run_info *info,
		   const struct sc_result *results, size_t n);
/*
 * The same three reports from a list (an array or a spool, spool.h),
 * read one result at a time: with out streamed to a file
 * (sc_buf_init_sink) a report of any size costs one result and one
 * chunk of memory.  SC_ERR_IO when a result could not be read back or
 * the file not written.
 */
int sc_report_json_list(struct sc_buf *out, const struct sc_run_info *info,
			struct sc_result_list *l);
int sc_report_junit_list(struct sc_buf *out, const struct sc_run_info *info,
			 struct sc_result_list *l);
int sc_report_html_list(struct sc_buf *out, const struct sc_run_info *info,
			struct sc_result_list *l);
/* sc_write_atomic - write data to path via a temp file in the same directory + rename */
int sc_write_atomic(const char *path, const char *data, size_t len,
		    struct sc_error *err);

/* A report streamed to a temporary file beside its target. */
struct sc_atomic_file {
	const char *path;	/* the target */
	char *tmp;		/* "path.tmpXXXXXX" */
	FILE *f;		/* write here */
};
/* sc_atomic_open - create the temporary file beside path */
int sc_atomic_open(struct sc_atomic_file *a, const char *path,
		   struct sc_error *err);
/* sc_atomic_commit - flush, sync, rename into place; closed either way */
int sc_atomic_commit(struct sc_atomic_file *a, struct sc_error *err);
/* sc_atomic_abort - close and remove the temporary file */
void sc_atomic_abort(struct sc_atomic_file *a);

#endif
