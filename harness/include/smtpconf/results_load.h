/*
 * results_load.h - read a JSON results file (docs/json-format.md) back
 * into the structures the report writers take.
 *
 * Only format "smtpconf-results", version 1 is accepted; keys the
 * reader does not know are ignored, as the format asks.  Server text
 * is stored in display form; the loader turns the banner, capabilities,
 * server error, transcript text and server output back into raw bytes
 * (the reverse of sc_escape_display), because the writers display them
 * again.  reason and observed stay as they are: the writers pass them
 * through sc_escape_redisplay, which leaves their escapes alone.
 */
#ifndef SMTPCONF_RESULTS_LOAD_H
#define SMTPCONF_RESULTS_LOAD_H

#include <stddef.h>
#include "smtpconf/report.h"
#include "smtpconf/status.h"

/* Everything one results file held; owns all its strings. */
struct sc_loaded {
	struct sc_run_info info;	/* info.server: &server or NULL */
	struct sc_server_info server;
	struct sc_result *results;	/* .scenario is &scenarios[i] */
	struct sc_scenario *scenarios;
	size_t n;
	char *tool_version, *target, *command_line;
};

/* sc_results_parse - a results document from memory (path: for errors) */
int sc_results_parse(const char *text, size_t len, const char *path,
		     struct sc_loaded *out, struct sc_error *err);
/* sc_results_load - read a results file (bounded by SC_JSON_MAX_INPUT) */
int sc_results_load(const char *path, struct sc_loaded *out,
		    struct sc_error *err);
/* sc_loaded_free - release everything a load produced */
void sc_loaded_free(struct sc_loaded *l);
/*
 * sc_display_undo - append the raw bytes that display form s stands
 * for (escape.h): \r \n \t \0 \\ and \xHH back to bytes, anything else
 * as it is.
 */
void sc_display_undo(struct sc_buf *out, const char *s, size_t n);

#endif
