/*
 * html_int.h - the pieces every HTML page of smtpconf shares (internal):
 * the only ways text gets into a page, and the CSP hash of its inline
 * style and script.  Used by report_html.c and report_compare.c.
 */
#ifndef SMTPCONF_HTML_INT_H
#define SMTPCONF_HTML_INT_H

#include <stddef.h>
#include "smtpconf/buf.h"

/* html_put_text - trusted text (scenario, command line), HTML-escaped */
void html_put_text(struct sc_buf *out, const char *s);
/* html_put_display - raw server bytes: made displayable, then HTML-escaped */
void html_put_display(struct sc_buf *out, const char *bytes, size_t n,
		      size_t clip);
/* html_put_safe - the runner's displayable text (observed, reason) */
void html_put_safe(struct sc_buf *out, const char *s, size_t clip);
/* html_hash_source - 'sha256-BASE64' of s, a CSP hash-source; -1 on failure */
int html_hash_source(const char *s, size_t n, char *out, size_t outlen);
/* html_put_utc - a wall-clock time in ms since the epoch, UTC to the second */
void html_put_utc(struct sc_buf *out, long long ms);

#endif
