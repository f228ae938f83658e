/*
 * level.c - requirement levels of a scenario (RFC 2119 keywords plus
 * "security").
 *
 * RFC 2119 1-5: MUST is an absolute requirement, SHOULD may be ignored
 * only with good reason, MAY is truly optional.  A "security" scenario
 * checks a rule whose breach exposes users, whatever its RFC keyword.
 */
#include <stddef.h>
#include <strings.h>
#include "smtpconf/scenario.h"

/* level_names - indexed by enum sc_level; these strings are the syntax */
static const char *const level_names[] = {
	[SC_LEVEL_MUST] = "MUST",
	[SC_LEVEL_SECURITY] = "security",
	[SC_LEVEL_SHOULD] = "SHOULD",
	[SC_LEVEL_MAY] = "MAY",
};

#define NLEVELS (sizeof(level_names) / sizeof(level_names[0]))

/* sc_level_name - "MUST", "SHOULD", "MAY", "security" */
const char *sc_level_name(enum sc_level level)
{
	if ((size_t)level >= NLEVELS)
		return "unknown";
	return level_names[level];
}

/* sc_level_parse - inverse of sc_level_name, any case; 0 on success */
int sc_level_parse(const char *s, enum sc_level *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NLEVELS; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			if (out != NULL)
				*out = (enum sc_level)i;
			return 0;
		}
	}
	return -1;
}
