/*
 * example_parser.c - a toy SMTP server core: the command state machine
 * of RFC 5321 3.3 in thirty lines, standing in for an MTA's parser in
 * the kit's example (example_target.c).
 */
#include <string.h>
#include <strings.h>
#include "example_parser.h"

/* toy_init - a session just greeted */
void toy_init(struct toy_session *s)
{
	memset(s, 0, sizeof(*s));
}

/* verb_is - the line starts with verb (any case) */
static int verb_is(const char *line, size_t len, const char *verb)
{
	size_t n = strlen(verb);

	return len >= n && strncasecmp(line, verb, n) == 0;
}

/* text_line - DATA text: only CRLF "." CRLF ends it (RFC 5321 4.1.1.4) */
static int text_line(struct toy_session *s, const char *line, size_t len)
{
	if (len != 3 || memcmp(line, ".\r\n", 3) != 0)
		return 0;
	s->state = TOY_HELLO;
	return 250;
}

/* toy_line - one line in, the reply code out (0: no reply) */
int toy_line(struct toy_session *s, const char *line, size_t len)
{
	if (s->closed)
		return 0;
	if (s->state == TOY_DATA)
		return text_line(s, line, len);
	if (len < 2 || line[len - 2] != '\r' || line[len - 1] != '\n')
		return 0;	/* not a whole command yet */
	if (len > 512)
		return 500;
	if (verb_is(line, len, "EHLO ") || verb_is(line, len, "HELO ")) {
		s->state = TOY_HELLO;
		return 250;
	}
	if (verb_is(line, len, "MAIL FROM:<"))
		return s->state == TOY_HELLO ? (s->state = TOY_MAIL, 250)
					     : 503;
	if (verb_is(line, len, "RCPT TO:<"))
		return s->state >= TOY_MAIL ? (s->state = TOY_RCPT,
					       s->rcpts++, 250) : 503;
	if (verb_is(line, len, "DATA\r\n"))
		return s->state == TOY_RCPT ? (s->state = TOY_DATA, 354)
					    : 503;
	if (verb_is(line, len, "QUIT\r\n"))
		return s->closed = 1, 221;
	if (verb_is(line, len, "RSET\r\n") || verb_is(line, len, "NOOP"))
		return s->state > TOY_HELLO ? (s->state = TOY_HELLO, 250)
					    : 250;
	s->errors++;
	return 500;
}
