/*
 * capture.h - `smtpconf run --pcap FILE|DIR`: which capture file each
 * session goes to, and what to say when writing one failed.
 */
#ifndef SMTPCONF_CAPTURE_H
#define SMTPCONF_CAPTURE_H

#include "smtpconf/pcap.h"
#include "smtpconf/runner.h"
#include "smtpconf/scenario.h"

struct capture {
	const char *path;	/* --pcap, NULL without */
	int per_scenario;	/* path is a directory: one file a scenario */
	struct sc_pcap *cur;	/* the file sessions go to now, or NULL */
	int failed;		/* a capture could not be written */
};

/* capture_check - decide file or directory; -1 (printed) when unusable */
int capture_check(struct capture *c, struct sc_run_options *ro);
/* capture_begin - before the probe: open the single file */
void capture_begin(struct capture *c);
/* capture_scenario - before a scenario: its own file in directory mode */
void capture_scenario(struct capture *c, const struct sc_scenario *s);
/* capture_scenario_end - after a scenario: commit its file */
void capture_scenario_end(struct capture *c);
/* capture_finish - commit what is open; -1 when any capture failed */
int capture_finish(struct capture *c);

#endif
