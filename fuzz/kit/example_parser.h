/*
 * example_parser.h - a toy SMTP command parser standing in for yours
 * (the kit's example; not used by smtpconf itself).
 */
#ifndef EXAMPLE_PARSER_H
#define EXAMPLE_PARSER_H

#include <stddef.h>

enum toy_state { TOY_START, TOY_HELLO, TOY_MAIL, TOY_RCPT, TOY_DATA };

struct toy_session {
	enum toy_state state;
	unsigned rcpts;
	unsigned errors;
	int closed;
};

/* toy_init - a session just greeted */
void toy_init(struct toy_session *s);
/* toy_line - one line in, the reply code out (0: no reply, e.g. text) */
int toy_line(struct toy_session *s, const char *line, size_t len);

#endif
