/*
 * html_common.c - escaping and CSP hashing shared by the HTML pages.
 *
 * Every byte a server sent passes sc_escape_display before
 * sc_escape_html; the pages' only inline style and script are allowed by
 * their SHA-256 hash (Content-Security-Policy), never by 'unsafe-inline'.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include "smtpconf/escape.h"
#include "html_int.h"

/* html_put_text - trusted text (scenario, command line), HTML-escaped */
void html_put_text(struct sc_buf *out, const char *s)
{
	if (s != NULL)
		sc_escape_html(out, s, strlen(s));
}

/* html_put_display - raw server bytes: made displayable, then HTML-escaped */
void html_put_display(struct sc_buf *out, const char *bytes, size_t n,
		      size_t clip)
{
	struct sc_buf d;

	sc_buf_init(&d, 0);
	sc_escape_display(&d, bytes ? bytes : "", bytes ? n : 0, clip);
	sc_escape_html(out, sc_buf_cstr(&d), d.len);
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/* html_put_safe - the runner's displayable text (observed, reason) */
void html_put_safe(struct sc_buf *out, const char *s, size_t clip)
{
	struct sc_buf d;

	if (s == NULL)
		return;
	sc_buf_init(&d, 0);
	sc_escape_redisplay(&d, s, strlen(s), clip);
	sc_escape_html(out, sc_buf_cstr(&d), d.len);
	out->failed |= d.failed;
	sc_buf_free(&d);
}

/* html_hash_source - 'sha256-BASE64' of s, a CSP hash-source; -1 on failure */
int html_hash_source(const char *s, size_t n, char *out, size_t outlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int mdlen = 0;
	int w;

	if (EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	EVP_EncodeBlock(b64, md, (int)mdlen);
	w = snprintf(out, outlen, "'sha256-%s'", (const char *)b64);
	return w > 0 && (size_t)w < outlen ? 0 : -1;
}

/* html_put_utc - a wall-clock time in ms since the epoch, UTC to the second */
void html_put_utc(struct sc_buf *out, long long ms)
{
	long long secs = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)secs;
	struct tm tm;
	char when[64];

	if ((long long)t != secs || gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		sc_buf_printf(out, "%lld ms after the epoch", ms);
		return;
	}
	sc_buf_puts(out, when);
}
