/*
 * ehlo.h - the capabilities a server advertises in its EHLO reply
 * (RFC 5321 4.1.1.1: ehlo-ok-rsp, ehlo-line = ehlo-keyword *( SP ehlo-param )).
 */
#ifndef SMTPCONF_EHLO_H
#define SMTPCONF_EHLO_H

#include "smtpconf/limits.h"
#include "smtpconf/reply.h"

struct sc_capability {
	char keyword[SC_EHLO_KEYWORD_MAX];	/* upper-cased */
	char params[SC_EHLO_PARAMS_MAX];	/* as sent, single spaces, may be "" */
};

struct sc_capabilities {
	int valid;				/* a 250 EHLO reply was parsed */
	char domain[256];			/* first line's domain, escaped-safe ASCII */
	size_t count;
	struct sc_capability items[SC_EHLO_MAX_CAPS];
	unsigned malformed;			/* count of lines that were not ehlo-line */
	size_t dropped;				/* keywords past SC_EHLO_MAX_CAPS, not kept */
};

/* sc_ehlo_parse - fill caps from a 250 EHLO reply; returns SC_OK or SC_ERR_PROTOCOL */
int sc_ehlo_parse(const struct sc_reply *r, struct sc_capabilities *caps);
/* sc_caps_find - capability by keyword (case-insensitive), NULL when absent */
const struct sc_capability *sc_caps_find(const struct sc_capabilities *caps,
					 const char *keyword);
/* sc_caps_number - first parameter as a number (SIZE 10240000); 0 on success */
int sc_caps_number(const struct sc_capabilities *caps, const char *keyword,
		   long long *out);
/* sc_caps_has_param - 1 when keyword is present and lists param (AUTH PLAIN) */
int sc_caps_has_param(const struct sc_capabilities *caps, const char *keyword,
		      const char *param);

#endif
