/*
 * waivers.h - known deviations a CI accepts.
 *
 * File format, one waiver a line:   SCENARIO-ID-OR-GLOB  reason text
 * Blank lines and lines starting with '#' are ignored.  A waived
 * failure is reported as "waived" with its reason, never hidden.
 */
#ifndef SMTPCONF_WAIVERS_H
#define SMTPCONF_WAIVERS_H

#include <stddef.h>
#include "smtpconf/status.h"

struct sc_waiver {
	char *pattern;		/* scenario id or glob */
	char *reason;
	unsigned line;
	unsigned used;		/* how many results it waived */
};

struct sc_waivers {
	struct sc_waiver *items;
	size_t count;
	char *path;
};

/* sc_waivers_load - parse a waiver file; file:line errors for missing reasons etc. */
int sc_waivers_load(const char *path, struct sc_waivers *w, struct sc_error *err);
/* sc_waivers_parse - same from memory */
int sc_waivers_parse(const char *text, size_t len, const char *path,
		     struct sc_waivers *w, struct sc_error *err);
/* sc_waivers_match - the waiver for a scenario id, or NULL */
struct sc_waiver *sc_waivers_match(struct sc_waivers *w, const char *id);
void sc_waivers_free(struct sc_waivers *w);

#endif
