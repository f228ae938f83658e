/*
 * mock_reply.c - reply formatting for the mock SMTP server.
 *
 * RFC 5321 4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *	Reply-code [ SP textstring ] CRLF
 * RFC 2034 4: with ENHANCEDSTATUSCODES the text of every 2xx, 4xx and
 * 5xx reply other than the greeting and the replies to HELO/EHLO
 * starts with an enhanced code whose class matches the reply code;
 * 3xx replies carry none.  Callers pass the enhanced code or NULL.
 *
 * Every reply-* mode acts here and nowhere else, so the protocol code
 * stays correct and the deformation happens on the way out.  Each
 * reply goes to the write callback in one call.  reply=VERB:CODE
 * also lives here: the session asks before it handles a command.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "smtpconf/buf.h"
#include "mock.h"

/* The text and enhanced code reply=VERB:CODE sends with one code. */
struct override_text {
	int code;
	const char *enh;	/* subject.detail; the class is the code's */
	const char *text;
};

/*
 * reply=VERB:CODE answers with the meaning RFC 5321 4.2.2 and 4.2.3
 * give the code, and an RFC 3463 subject and detail that fit it, so
 * only the code is wrong, not the reply's form.  A code not listed
 * gets a text by its class and X.0.0.
 */
static const struct override_text override_texts[] = {
	{211, "0.0", "System status"},
	{214, "0.0", "Help: see RFC 5321"},
	{220, "0.0", MOCK_GREETING_TEXT},
	{221, "0.0", MOCK_HOSTNAME " Service closing transmission channel"},
	{250, "0.0", "Ok"},
	{251, "1.5", "User not local; will forward"},
	{252, "0.0", "Cannot VRFY user, but will accept message"},
	{354, "0.0", "End data with <CR><LF>.<CR><LF>"},
	{421, "3.2", MOCK_HOSTNAME " Service not available"},
	{450, "2.0", "Mailbox unavailable"},
	{451, "3.0", "Local error in processing"},
	{452, "3.1", "Insufficient system storage"},
	{455, "5.4", "Unable to accommodate parameters"},
	{500, "5.2", "Error: command not recognized"},
	{501, "5.4", "Syntax error in parameters or arguments"},
	{502, "5.1", "Error: command not implemented"},
	{503, "5.1", "Error: bad sequence of commands"},
	{504, "5.4", "Command parameter not implemented"},
	{550, "1.1", "Mailbox unavailable"},
	{551, "1.6", "User not local"},
	{552, "3.4", "Exceeded storage allocation"},
	{553, "1.3", "Mailbox name not allowed"},
	{554, "0.0", "Transaction failed"},
	{555, "5.4", "MAIL FROM/RCPT TO parameters not recognized"},
	{0, "0.0", NULL}
};

/* Texts for codes the table does not list, by class 2, 3, 4, 5. */
static const char *const override_class_texts[] = {
	"Ok", "Go ahead", "Temporary failure", "Permanent failure"
};

/* The replies RFC 2034 4 exempts from enhanced codes. */
static const char *const override_exempt[] = {"GREETING", "HELO", "EHLO"};

/* reply_on - 1 when mode f is switched on */
static int reply_on(const struct mock_session *s, enum mock_flag f)
{
	return s->modes->on[f];
}

/* reply_send - hand one whole reply to the transport, unless muted */
static void reply_send(struct mock_session *s, const char *bytes,
		       size_t len)
{
	if (s->end != MOCK_RUNNING)
		return;
	/* partial-on: half of it, never the line end, then silence. */
	if (s->partial) {
		len = len / 2 < len - 2 ? len / 2 : len - 2;
		s->end = MOCK_LINGER;
	}
	if (s->write(s->ctx, bytes, len) < 0)
		s->end = MOCK_ABORT;
}

/* reply_enh - the enhanced code as sent ("" for none), into out */
static void reply_enh(const struct mock_session *s, int code,
		      const char *enh, char *out, size_t outlen)
{
	out[0] = '\0';
	if (enh == NULL || reply_on(s, MF_REPLY_ENH_MISSING))
		return;
	snprintf(out, outlen, "%s ", enh);
	/* reply-enh-wrong-class: 2xx gets 5.x.x, 4xx and 5xx get 2.x.x. */
	if (reply_on(s, MF_REPLY_ENH_WRONG_CLASS))
		out[0] = code / 100 == 2 ? '5' : '2';
}

/* reply_eol - the line ending: CRLF, or LF under reply-bare-lf */
static const char *reply_eol(const struct mock_session *s)
{
	return reply_on(s, MF_REPLY_BARE_LF) ? "\n" : "\r\n";
}

/* reply_line - append one reply line: code, separator, enh, text */
static void reply_line(const struct mock_session *s, struct sc_buf *b,
		       int code, char sep, const char *enh, const char *text)
{
	char ecode[32];

	reply_enh(s, code, enh, ecode, sizeof(ecode));
	if (sep == ' ' && reply_on(s, MF_REPLY_NO_SEP))
		sc_buf_printf(b, "%03d%s%s%s", code, ecode, text,
			      reply_eol(s));
	else
		sc_buf_printf(b, "%03d%c%s%s%s", code, sep, ecode, text,
			      reply_eol(s));
}

/* reply_flush - send what b holds and release it */
static void reply_flush(struct mock_session *s, struct sc_buf *b)
{
	if (!b->failed)
		reply_send(s, sc_buf_cstr(b), b->len);
	sc_buf_free(b);
}

/* mock_reply - format and send one single-line reply */
void mock_reply(struct mock_session *s, int code, const char *enh,
		const char *fmt, ...)
{
	char text[MOCK_REPLY_MAX];
	struct sc_buf b;
	va_list ap;

	/* error-limit=N counts the errors, as Postfix's smtpd does. */
	if (code >= 500)
		s->errors++;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sc_buf_init(&b, 2 * MOCK_REPLY_MAX);
	reply_line(s, &b, code, ' ', enh, text);
	reply_flush(s, &b);
}

/* mock_reply_lines - send a multiline reply built from n text lines */
void mock_reply_lines(struct mock_session *s, int code, const char *enh,
		      const char *const *lines, size_t n)
{
	struct sc_buf b;
	size_t i;
	int c;

	sc_buf_init(&b, (n + 1) * 2 * MOCK_REPLY_MAX);
	for (i = 0; i < n; i++) {
		/* reply-code-mismatch: lines after the first say 251. */
		c = i > 0 && reply_on(s, MF_REPLY_CODE_MISMATCH) ?
		    code + 1 : code;
		reply_line(s, &b, c, i + 1 < n ? '-' : ' ', enh, lines[i]);
	}
	reply_flush(s, &b);
}

/* mock_reply_raw - send text plus a line ending, with no reply code */
void mock_reply_raw(struct mock_session *s, const char *text)
{
	struct sc_buf b;

	sc_buf_init(&b, 2 * MOCK_REPLY_MAX);
	sc_buf_printf(&b, "%s%s", text, reply_eol(s));
	reply_flush(s, &b);
}

/* override_is_exempt - 1 when verb's reply carries no enhanced code */
static int override_is_exempt(const char *verb, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(override_exempt) / sizeof(override_exempt[0]);
	     i++)
		if (strlen(override_exempt[i]) == len &&
		    strncasecmp(override_exempt[i], verb, len) == 0)
			return 1;
	return 0;
}

/* mock_reply_override - reply=VERB:CODE for this verb; 1 when it answered */
int mock_reply_override(struct mock_session *s, const char *verb,
			size_t len)
{
	int code = mock_modes_override(s->modes, verb, len);
	const struct override_text *t;
	char enh[16];

	if (code == 0)
		return 0;
	for (t = override_texts; t->text != NULL && t->code != code; t++)
		;
	/* RFC 2034 4: 3xx replies carry no enhanced code. */
	snprintf(enh, sizeof(enh), "%d.%s", code / 100, t->enh);
	mock_reply(s, code,
		   code / 100 == 3 || override_is_exempt(verb, len) ?
		   NULL : enh, "%s",
		   t->text ? t->text : override_class_texts[code / 100 - 2]);
	return 1;
}
