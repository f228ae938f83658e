/*
 * escape.h - showing untrusted bytes safely.
 *
 * Server text reaches terminals, JSON, XML and HTML.  It is first made
 * displayable (sc_escape_display: control octets, invalid UTF-8 and
 * escape sequences become visible \xHH forms, and the text is clipped),
 * then escaped for the output format.  The format escapers are safe on
 * any input on their own too.
 */
#ifndef SMTPCONF_ESCAPE_H
#define SMTPCONF_ESCAPE_H

#include <stddef.h>
#include "smtpconf/buf.h"

/*
 * sc_escape_display - append bytes as visible text: printable ASCII and
 * valid printable UTF-8 as is; \r \n \t \0 \\ and \xHH otherwise.  At most
 * clip input bytes are shown (0: no clip); a clipped tail is summarised
 * as "...[N more bytes]".
 */
void sc_escape_display(struct sc_buf *out, const char *bytes, size_t n,
		       size_t clip);
/*
 * sc_escape_display_lines - like sc_escape_display, one output line per
 * LF-terminated input line, each after prefix: for program output
 * (a server's stderr) that is read line by line.
 */
void sc_escape_display_lines(struct sc_buf *out, const char *bytes, size_t n,
			     const char *prefix);
/*
 * sc_escape_redisplay - like sc_escape_display, but a backslash stays as
 * it is: for text the runner already made displayable (a result's
 * observed and reason), which escaping again would double, while raw
 * control bytes and invalid UTF-8 in it are still neutralised.
 */
void sc_escape_redisplay(struct sc_buf *out, const char *s, size_t n,
			 size_t clip);
/* sc_escape_json - append as the inside of a JSON string (invalid UTF-8 -> U+FFFD) */
void sc_escape_json(struct sc_buf *out, const char *s, size_t n);
/* sc_escape_xml - append as XML 1.0 text/attribute (chars illegal in XML are replaced) */
void sc_escape_xml(struct sc_buf *out, const char *s, size_t n);
/* sc_escape_html - append as HTML text/attribute */
void sc_escape_html(struct sc_buf *out, const char *s, size_t n);
/* sc_utf8_seq_len - length of the valid UTF-8 sequence starting at s (0 if invalid) */
size_t sc_utf8_seq_len(const unsigned char *s, size_t n);

#endif
