/*
 * mock_session.c - the SMTP protocol of the mock server.
 *
 * Implements RFC 5321 4.1.1 (the commands), 4.1.4 (their order),
 * 4.2 (one reply per command), 4.5.3.1 (limits), 2.3.8 (CRLF only)
 * and 4.1.1.4 / 4.5.2 (the end of data and dot-stuffing), with the
 * extensions of mock_ext.c (PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
 * CHUNKING, DSN, AUTH, ENHANCEDSTATUSCODES with RFC 3463 codes).
 *
 * The session is fed bytes and replies through a callback; it knows
 * nothing of sockets.  Misbehaviour modes are consulted at the one
 * place each rule is implemented.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "mock.h"

/* What RFC 5321 4.1.1 allows after a verb. */
enum cmd_args {
	ARG_ANY,	/* the handler decides */
	ARG_NONE,	/* "QUIT" CRLF: an argument gets 501 */
	ARG_NEED	/* "VRFY" SP String CRLF: none gets 501 */
};

/* One row of the command table. */
struct mock_cmd {
	const char *verb;
	enum cmd_args args;
	int arg_mode;		/* mode that lets a wrong argument pass */
	const char *arg_enh;	/* enhanced code of the 501, or NULL */
	const char *usage;	/* text of the 501 */
	int as_500;		/* mode answering 500 as if unknown, or -1 */
	int as_502;		/* mode answering 502 not implemented, or -1 */
	void (*fn)(struct mock_session *s, const char *arg, size_t alen);
};

static void helo_cmd(struct mock_session *, const char *, size_t);
static void ehlo_cmd(struct mock_session *, const char *, size_t);
static void mail_cmd(struct mock_session *, const char *, size_t);
static void rcpt_cmd(struct mock_session *, const char *, size_t);
static void data_cmd(struct mock_session *, const char *, size_t);
static void rset_cmd(struct mock_session *, const char *, size_t);
static void noop_cmd(struct mock_session *, const char *, size_t);
static void quit_cmd(struct mock_session *, const char *, size_t);
static void vrfy_cmd(struct mock_session *, const char *, size_t);
static void help_cmd(struct mock_session *, const char *, size_t);
static void notimpl_cmd(struct mock_session *, const char *, size_t);

/*
 * RFC 5321 4.5.1: "The following commands MUST be supported to
 * conform to this specification: EHLO HELO MAIL RCPT DATA RSET NOOP
 * QUIT VRFY".  EXPN, HELP, TURN and ETRN are known verbs the mock
 * does not implement (502); anything else is unrecognised (500).
 * RFC 2034 4 exempts the replies to HELO and EHLO from enhanced codes.
 */
static const struct mock_cmd cmd_table[] = {
	{"EHLO", ARG_NEED, MF_EHLO_NOARG_OK, NULL, "Syntax: EHLO hostname",
	 -1, -1, ehlo_cmd},
	{"HELO", ARG_NEED, MF_HELO_NOARG_OK, NULL, "Syntax: HELO hostname",
	 -1, -1, helo_cmd},
	{"MAIL", ARG_ANY, -1, NULL, NULL, -1, -1, mail_cmd},
	{"RCPT", ARG_ANY, -1, NULL, NULL, -1, -1, rcpt_cmd},
	{"DATA", ARG_NONE, MF_DATA_ARG_OK, "5.5.4", "Syntax: DATA",
	 -1, -1, data_cmd},
	{"RSET", ARG_NONE, MF_RSET_ARG_OK, "5.5.4", "Syntax: RSET",
	 -1, -1, rset_cmd},
	{"NOOP", ARG_ANY, -1, NULL, NULL, -1, -1, noop_cmd},
	{"QUIT", ARG_NONE, MF_QUIT_ARG_OK, "5.5.4", "Syntax: QUIT",
	 -1, -1, quit_cmd},
	{"VRFY", ARG_NEED, -1, "5.5.4", "Syntax: VRFY address",
	 MF_VRFY_500, MF_VRFY_502, vrfy_cmd},
	{"EXPN", ARG_ANY, -1, NULL, NULL, -1, -1, notimpl_cmd},
	{"HELP", ARG_ANY, -1, NULL, NULL, MF_HELP_500, -1, help_cmd},
	{"TURN", ARG_ANY, -1, NULL, NULL, MF_TURN_500, -1, notimpl_cmd},
	{"ETRN", ARG_ANY, -1, NULL, NULL, -1, -1, notimpl_cmd},
	{"BDAT", ARG_ANY, -1, NULL, NULL, -1, -1, mock_bdat_cmd},
	{"AUTH", ARG_ANY, -1, NULL, NULL, -1, -1, mock_auth_cmd},
	{"STARTTLS", ARG_ANY, -1, NULL, NULL, -1, -1, mock_starttls_cmd},
	{NULL, ARG_ANY, -1, NULL, NULL, -1, -1, NULL}
};

/* mode - 1 when mode f is switched on */
static int mode(const struct mock_session *s, enum mock_flag f)
{
	return s->modes->on[f];
}

/* mock_mode - 1 when mode f is switched on */
int mock_mode(const struct mock_session *s, enum mock_flag f)
{
	return mode(s, f);
}

/* tx_reset - forget the mail transaction (RSET, EHLO, end of data) */
static void tx_reset(struct mock_session *s)
{
	s->tx_utf8 = 0;
	s->tx_binary = 0;
	s->bdat = 0;
	s->mail = 0;
	s->nrcpt = 0;
	s->in_data = 0;
	s->data_bytes = 0;
	s->data_any = 0;
	s->data_long = 0;
}

/* mock_tx_reset - forget the mail transaction */
void mock_tx_reset(struct mock_session *s)
{
	tx_reset(s);
}

/* reply_500 - the reply to a command we do not recognise */
static void reply_500(struct mock_session *s)
{
	mock_reply(s, 500, "5.5.2", "Error: command not recognized");
}

/* reply_503 - bad sequence of commands (RFC 5321 4.1.4) */
static void reply_503(struct mock_session *s, const char *why)
{
	mock_reply(s, 503, "5.5.1", "Error: %s", why);
}

/* helo_domain_ok - the HELO/EHLO argument, if any, is a domain */
static int helo_domain_ok(struct mock_session *s, const char *verb,
			  const char *arg, size_t alen)
{
	if (alen == 0 || mock_domain_valid(arg, alen))
		return 1;
	mock_reply(s, 501, NULL, "Syntax: %s hostname", verb);
	return 0;
}

/* helo_cmd - HELO: plain SMTP, no extensions (RFC 5321 4.1.1.1) */
static void helo_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	if (!helo_domain_ok(s, "HELO", arg, alen))
		return;
	tx_reset(s);
	s->helo = 1;
	mock_reply(s, 250, NULL, "%s", MOCK_HOSTNAME);
}

/* mock_ehlo_builtin - 1 when the EHLO reply already has this keyword */
int mock_ehlo_builtin(const char *keyword, size_t len)
{
	return mock_ext_find(keyword, len) >= 0;
}

/* ehlo_cmd - EHLO: reset and list the extensions (RFC 5321 4.1.4) */
static void ehlo_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	const char *lines[MX_COUNT + MOCK_ADVERTISE_MAX + 2];
	char size_line[40];
	char auth_line[MOCK_AUTH_EHLO_MAX];
	size_t n = 1, i;

	if (!helo_domain_ok(s, "EHLO", arg, alen))
		return;
	if (!mode(s, MF_EHLO_NO_RESET))
		tx_reset(s);
	s->helo = 2;
	lines[0] = MOCK_HOSTNAME;
	n += mock_ext_lines(s, lines + 1, size_line, sizeof(size_line),
			    auth_line, sizeof(auth_line));
	/* advertise=KEYWORD: promised here, still 500 or 502 when used. */
	for (i = 0; i < s->modes->nadvertise; i++)
		lines[n++] = s->modes->advertise[i];
	if (mock_tls_advertise(s))
		lines[n++] = "STARTTLS";
	if (mock_ext_on(s, MX_ENHANCEDSTATUSCODES))
		lines[n++] = "ENHANCEDSTATUSCODES";
	mock_reply_lines(s, 250, NULL, lines, n);
}

/* mail_syntax - 501 for a malformed MAIL; 1 when it was sent */
static int mail_syntax(struct mock_session *s, enum mock_path_status st)
{
	if (st == MOCK_PATH_OK || mode(s, MF_MAIL_SYNTAX_OK))
		return 0;
	if (st == MOCK_PATH_ADDRESS)
		mock_reply(s, 501, "5.1.7", "Bad sender address syntax");
	else if (st == MOCK_PATH_PARAM_SYNTAX)
		mock_reply(s, 501, "5.5.4", "Bad MAIL parameter syntax");
	else
		mock_reply(s, 501, "5.5.4", "Syntax: MAIL FROM:<address>");
	return 1;
}

/* size_over - a declared SIZE= over the fixed limit (RFC 1870 3, 6.1) */
static int size_over(const struct mock_session *s, long long size)
{
	/* size-zero-enforced reads "SIZE 0" as a limit of zero octets. */
	if (s->modes->size_limit == 0)
		return size > 0 && mode(s, MF_SIZE_ZERO_ENFORCED);
	if (mode(s, MF_SIZE_AT_LIMIT_552))
		return size >= s->modes->size_limit;
	return size > s->modes->size_limit;
}

/* mail_cmd - MAIL FROM: opens a transaction (RFC 5321 4.1.1.2) */
static void mail_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	struct mock_path p;
	enum mock_path_status st;

	if (s->helo == 0) {
		reply_503(s, "send HELO/EHLO first");
		return;
	}
	if (s->mail && !mode(s, MF_MAIL_NESTED_OK)) {
		reply_503(s, "nested MAIL command");
		return;
	}
	st = mock_path_mail(arg, alen, &p);
	if (mail_syntax(s, st))
		return;
	if (st == MOCK_PATH_OK && p.unknown && !mode(s, MF_PARAM_UNKNOWN_OK)) {
		mock_reply(s, 555, "5.5.4", "Unsupported MAIL parameter");
		return;
	}
	if (st == MOCK_PATH_OK && mock_ext_params(s, &p, 1))
		return;
	/* RFC 1870 6.1: a declared size over the limit gets 552. */
	if (st == MOCK_PATH_OK && size_over(s, p.size) &&
	    !mode(s, MF_SIZE_OVER_OK)) {
		mock_reply(s, 552, "5.3.4", "Message size exceeds limit");
		return;
	}
	s->mail = 1;
	s->tx_utf8 = st == MOCK_PATH_OK && p.utf8;
	s->tx_binary = st == MOCK_PATH_OK && p.binary;
	mock_reply(s, 250, "2.1.0", "Ok");
}

/* rcpt_syntax - 501 for a malformed RCPT; 1 when it was sent */
static int rcpt_syntax(struct mock_session *s, enum mock_path_status st)
{
	if (st == MOCK_PATH_OK)
		return 0;
	if (st == MOCK_PATH_ADDRESS)
		mock_reply(s, 501, "5.1.3", "Bad recipient address syntax");
	else if (st == MOCK_PATH_PARAM_SYNTAX)
		mock_reply(s, 501, "5.5.4", "Bad RCPT parameter syntax");
	else
		mock_reply(s, 501, "5.5.4", "Syntax: RCPT TO:<address>");
	return 1;
}

/* rcpt_cmd - RCPT TO: adds a recipient (RFC 5321 4.1.1.3) */
static void rcpt_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	struct mock_path p;

	if (!s->mail) {
		if (mode(s, MF_RCPT_BEFORE_MAIL_OK))
			mock_reply(s, 250, "2.1.5", "Ok");
		else
			reply_503(s, "need MAIL command");
		return;
	}
	if (rcpt_syntax(s, mock_path_rcpt(arg, alen, &p)))
		return;
	if (p.unknown && !mode(s, MF_PARAM_UNKNOWN_OK)) {
		mock_reply(s, 555, "5.5.4", "Unsupported RCPT parameter");
		return;
	}
	if (mock_ext_params(s, &p, 0))
		return;
	/* RFC 5321 3.3: a refused recipient leaves the transaction. */
	if (strcasecmp(p.local, "unknown") == 0) {
		mock_reply(s, 550, "5.1.1", "Recipient address rejected: "
			   "User unknown");
		if (mode(s, MF_RCPT_REJECT_KILLS_TX))
			tx_reset(s);
		return;
	}
	if (s->nrcpt >= MOCK_MAX_RCPTS) {
		mock_reply(s, 452, "4.5.3", "Error: too many recipients");
		return;
	}
	s->nrcpt++;
	mock_reply(s, 250, "2.1.5", "Ok");
}

/* data_cmd - DATA: 354 and read the message (RFC 5321 4.1.1.4) */
static void data_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	/* RFC 3030 2: DATA after BDAT in one transaction gets 503. */
	if ((s->bdat && !mode(s, MF_BDAT_DATA_MIX_OK)) || s->tx_binary) {
		reply_503(s, s->bdat ? "BDAT in progress" :
			  "BODY=BINARYMIME needs BDAT");
		return;
	}
	if (!mode(s, MF_DATA_BEFORE_RCPT_OK)) {
		if (!s->mail) {
			reply_503(s, "need MAIL command");
			return;
		}
		if (s->nrcpt == 0) {
			reply_503(s, "need RCPT command");
			return;
		}
	}
	s->in_data = 1;
	s->data_bytes = 0;
	s->data_any = 0;
	s->data_long = 0;
	/* The DATA line's CRLF precedes the first text line. */
	memcpy(s->tail, "\r\n", 2);
	s->ntail = 2;
	/* RFC 2034 4: 3xx replies carry no enhanced code. */
	mock_reply(s, 354, NULL, "End data with <CR><LF>.<CR><LF>");
}

/* rset_cmd - RSET: abort the transaction (RFC 5321 4.1.1.5) */
static void rset_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	if (!mode(s, MF_RSET_NO_RESET))
		tx_reset(s);
	mock_reply(s, 250, "2.0.0", "Ok");
}

/* noop_cmd - NOOP: parameters SHOULD be ignored (RFC 5321 4.1.1.9) */
static void noop_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	if (alen > 0 && mode(s, MF_NOOP_ARG_501)) {
		mock_reply(s, 501, "5.5.4", "Syntax: NOOP");
		return;
	}
	mock_reply(s, 250, "2.0.0", "Ok");
}

/* quit_cmd - QUIT: 221, then close (RFC 5321 4.1.1.10) */
static void quit_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	if (mode(s, MF_QUIT_SILENT_CLOSE)) {
		s->end = MOCK_ABORT;
		return;
	}
	mock_reply(s, 221, "2.0.0", "%s closing connection", MOCK_HOSTNAME);
	if (s->end == MOCK_RUNNING)
		s->end = mode(s, MF_QUIT_STAY_OPEN) ? MOCK_LINGER : MOCK_CLOSE;
}

/* vrfy_cmd - VRFY: 252, we verify nothing (RFC 5321 3.5.3) */
static void vrfy_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	/* RFC 5321 4.1.1.6: VRFY has no effect on the buffers. */
	if (mode(s, MF_VRFY_RESETS))
		tx_reset(s);
	mock_reply(s, 252, "2.0.0", "Cannot VRFY user, but will accept "
		   "message and attempt delivery");
}

/* help_cmd - HELP: 214 (RFC 5321 4.1.1.8) */
static void help_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	mock_reply(s, 214, "2.0.0", "See RFC 5321; commands: EHLO HELO "
		   "MAIL RCPT DATA RSET NOOP QUIT VRFY HELP");
}

/* notimpl_cmd - a known command the mock does not implement: 502 */
static void notimpl_cmd(struct mock_session *s, const char *arg,
			size_t alen)
{
	mock_reply(s, 502, "5.5.1", "Error: command not implemented");
}

/* mock_unknown - a verb not in the table (RFC 5321 4.2.4) */
void mock_unknown(struct mock_session *s)
{
	if (mode(s, MF_UNKNOWN_CLOSE))
		s->end = MOCK_ABORT;
	else if (mode(s, MF_UNKNOWN_502))
		notimpl_cmd(s, "", 0);
	else
		reply_500(s);
}

/* longline_cmd - a command line over 512 octets (RFC 5321 4.5.3.1.4) */
static void longline_cmd(struct mock_session *s)
{
	if (mode(s, MF_LONGLINE_CLOSE))
		s->end = MOCK_ABORT;
	else if (mode(s, MF_LONGLINE_250))
		mock_reply(s, 250, "2.0.0", "Ok");
	else if (!mode(s, MF_LONGLINE_IGNORE))
		mock_reply(s, 500, "5.5.2", "Error: line too long");
}

/* cmd_find - the table row for a verb, NULL when unrecognised */
static const struct mock_cmd *cmd_find(const struct mock_session *s,
				       const char *verb, size_t vlen)
{
	const struct mock_cmd *c;

	for (c = cmd_table; c->verb; c++) {
		if (strlen(c->verb) != vlen)
			continue;
		/* RFC 5321 2.4: "Verbs ... are not case sensitive". */
		if (mode(s, MF_VERBS_CASE_SENSITIVE) ?
		    memcmp(c->verb, verb, vlen) == 0 :
		    strncasecmp(c->verb, verb, vlen) == 0)
			return c;
	}
	return NULL;
}

/* cmd_args_ok - check the argument against the table; 0 after a 501 */
static int cmd_args_ok(struct mock_session *s, const struct mock_cmd *c,
		       size_t alen)
{
	int wrong = (c->args == ARG_NONE && alen > 0) ||
	    (c->args == ARG_NEED && alen == 0);

	if (!wrong || (c->arg_mode >= 0 && mode(s, c->arg_mode)))
		return 1;
	mock_reply(s, 501, c->arg_enh, "%s", c->usage);
	return 0;
}

/* cmd_dispatch - run one recognised command through its table row */
static void cmd_dispatch(struct mock_session *s, const struct mock_cmd *c,
			 const char *arg, size_t alen)
{
	if (c->as_500 >= 0 && mode(s, c->as_500))
		reply_500(s);
	else if (c->as_502 >= 0 && mode(s, c->as_502))
		notimpl_cmd(s, arg, alen);
	else if (cmd_args_ok(s, c, alen))
		c->fn(s, arg, alen);
}

/* cmd_421 - 421-on / 421-stay-open for this verb; 1 when it answered */
static int cmd_421(struct mock_session *s, const char *verb, size_t vlen,
		   const char *enh)
{
	int closing = mock_verbs_has(&s->modes->close_421, verb, vlen);

	if (!closing && !mock_verbs_has(&s->modes->stay_421, verb, vlen))
		return 0;
	mock_reply(s, 421, enh, "%s Service shutting down, closing "
		   "channel", MOCK_HOSTNAME);
	if (closing && s->end == MOCK_RUNNING)
		s->end = MOCK_CLOSE;
	return 1;
}

/*
 * cmd_fault - crash-on, exit-on, asan-report-on, core-on for this
 * verb.  All but asan-report-on do not return; the report is printed and the command is
 * then answered as usual, as a server with a silent overflow would.
 */
static void cmd_fault(struct mock_session *s, const char *verb, size_t vlen)
{
	static const struct {
		size_t off;
		enum mock_fault fault;
	} faults[] = {
		{offsetof(struct mock_modes, crash_on), MOCK_FAULT_CRASH},
		{offsetof(struct mock_modes, exit_on), MOCK_FAULT_EXIT},
		{offsetof(struct mock_modes, asan_on), MOCK_FAULT_ASAN},
		{offsetof(struct mock_modes, core_on), MOCK_FAULT_CORE},
	};
	const struct mock_verbs *v;
	size_t i;

	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		v = (const struct mock_verbs *)((const char *)s->modes +
						faults[i].off);
		if (mock_verbs_has(v, verb, vlen))
			mock_fault(faults[i].fault);
	}
}

/*
 * cmd_stall - hang-on and partial-on for this verb (or GREETING): 1
 * when the session stops answering here.  hang-on sends nothing;
 * partial-on lets the reply start and cuts it (mock_reply.c).
 */
static int cmd_stall(struct mock_session *s, const char *verb, size_t vlen)
{
	if (mock_verbs_has(&s->modes->hang_on, verb, vlen)) {
		s->end = MOCK_LINGER;
		return 1;
	}
	if (mock_verbs_has(&s->modes->partial_on, verb, vlen))
		s->partial = 1;
	return 0;
}

/* cmd_bad_bytes - 1 when the line holds NUL or a bare CR or LF */
static int cmd_bad_bytes(const char *line, size_t len)
{
	return memchr(line, '\0', len) != NULL ||
	    memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL;
}

/* cmd_line - one command line, CRLF removed */
static void cmd_line(struct mock_session *s, const char *line, size_t len)
{
	const char *sp;
	size_t vlen;
	const struct mock_cmd *c;

	/* RFC 5321 4.1.1: receivers SHOULD tolerate trailing white space. */
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	sp = memchr(line, ' ', len);
	vlen = sp ? (size_t)(sp - line) : len;
	if (cmd_bad_bytes(line, len)) {
		mock_reply(s, 500, "5.5.2", "Error: bare CR, LF or NUL in "
			   "command");
		return;
	}
	cmd_fault(s, line, vlen);
	if (cmd_stall(s, line, vlen))
		return;
	if (cmd_421(s, line, vlen, "4.3.2"))
		return;
	/* reply=VERB:CODE answers in place of the command; no state moves. */
	if (mock_reply_override(s, line, vlen))
		return;
	c = cmd_find(s, line, vlen);
	/* RFC 5321 3.1: after a 554 greeting, 503 to all but QUIT. */
	if (s->refused && !(c && strcmp(c->verb, "QUIT") == 0)) {
		reply_503(s, "no SMTP service here");
		return;
	}
	if (c == NULL) {
		mock_unknown(s);
		return;
	}
	while (sp && sp < line + len && *sp == ' ')
		sp++;
	cmd_dispatch(s, c, sp ? sp : line + len,
		     sp ? (size_t)(line + len - sp) : 0);
}

/*
 * error_limit - error-limit=N: after the Nth error, 421 at once and
 * close, as Postfix does at smtpd_hard_error_limit (RFC 5321 7.8, 3.8:
 * the 421 may come "asynchronously from command receipt");
 * error-limit-silent=N closes without it
 */
static void error_limit(struct mock_session *s)
{
	if (s->modes->error_limit == 0 || s->end != MOCK_RUNNING ||
	    s->errors < s->modes->error_limit)
		return;
	if (!s->modes->error_limit_silent)
		mock_reply(s, 421, "4.7.0", "%s Error: too many errors",
			   MOCK_HOSTNAME);
	s->end = MOCK_CLOSE;
}

/* session_command - count a command line, apply the line limits */
static void session_command(struct mock_session *s, const char *line,
			    size_t len, unsigned long long total)
{
	s->command_done = 1;
	/* RFC 4954 4: inside AUTH a line is a response, up to 12288. */
	if (s->auth_state) {
		if (total + 2 > MOCK_AUTH_LINE_MAX) {
			s->auth_state = 0;
			mock_reply(s, 500, "5.5.6", "Authentication exchange "
				   "line is too long");
		} else {
			mock_auth_line(s, line, len);
		}
		return;
	}
	s->commands++;
	if (s->modes->close_after && s->commands >= s->modes->close_after) {
		s->end = MOCK_ABORT;
		return;
	}
	/* RFC 5321 4.5.3.1.4: 512 octets including the CRLF (line-limit). */
	if (total + 2 > s->modes->line_limit) {
		longline_cmd(s);
		return;
	}
	cmd_line(s, line, len);
	error_limit(s);
}

/* mock_data_verdict - the one reply at the end of a message; 1: accepted */
int mock_data_verdict(struct mock_session *s)
{
	/* RFC 1870 4: over the limit is "rejected with ... 552". */
	if (s->modes->size_limit > 0 && s->data_bytes > s->modes->size_limit &&
	    !mode(s, MF_SIZE_DATA_OK)) {
		mock_reply(s, 552, "5.3.4", "Message size exceeds limit");
		return 0;
	}
	if (s->data_long) {
		mock_reply(s, 500, "5.5.2", "Error: message line too long");
		return 0;
	}
	if (!s->data_any && mode(s, MF_DATA_EMPTY_REJECT)) {
		mock_reply(s, 554, "5.6.0", "Error: empty message");
		return 0;
	}
	mock_reply(s, 250, "2.0.0", "Ok: queued as MOCK%lu.%lu", s->id,
		   ++s->messages);
	return 1;
}

/* data_end - the final dot: reply, then end the transaction */
static void data_end(struct mock_session *s)
{
	int accepted = mock_data_verdict(s);

	/* RFC 5321 4.2: "Every command MUST generate exactly one reply." */
	if (mode(s, MF_DATA_DOUBLE_REPLY))
		mock_reply(s, 250, "2.0.0", "Ok");
	/* RFC 5321 4.1.1.4: on completion the buffers are cleared. */
	if (accepted && mode(s, MF_DATA_KEEPS_TX)) {
		s->in_data = 0;
		return;
	}
	tx_reset(s);
}

/* data_is_end - 1 when this text line ends the data (RFC 5321 4.1.1.4) */
static int data_is_end(const struct mock_session *s, const char *line,
		       size_t len, unsigned long long total)
{
	if (total == 1 && line[0] == '.')
		return s->data_any || !mode(s, MF_DATA_EMPTY_CONTINUES);
	/* RFC 5321 4.5.2: ".." is a stuffed "." and stays text. */
	if (total == 2 && line[0] == '.' && line[1] == '.')
		return mode(s, MF_DATA_DOTDOT_ENDS);
	/* "." then blank holds more than a period: text as well. */
	if (len >= 2 && line[0] == '.' && (line[1] == ' ' || line[1] == '\t'))
		return mode(s, MF_DATA_DOT_PREFIX_ENDS);
	return 0;
}

/* session_data - one line of message content (RFC 5321 4.5.2) */
static void session_data(struct mock_session *s, const char *line,
			 size_t len, unsigned long long total)
{
	if (data_is_end(s, line, len, total)) {
		data_end(s);
		return;
	}
	s->data_any = 1;
	/* text-line-limit=N counts the CRLF and any stuffed dot. */
	if (s->modes->text_limit && total + 2 > s->modes->text_limit)
		s->data_long = 1;
	/* Dot-unstuffing removes one leading dot; the count saturates. */
	if (len > 0 && line[0] == '.')
		total--;
	if (s->data_bytes <= MOCK_COUNT_CAP)
		s->data_bytes += (long long)(total > MOCK_COUNT_CAP ?
		    MOCK_COUNT_CAP : total) + 2;
}

/* session_line - a complete line: content or a command */
static void session_line(struct mock_session *s)
{
	unsigned long long total = s->len + s->dropped;

	if (s->in_data)
		session_data(s, s->line, s->len, total);
	else
		session_command(s, s->line, s->len, total);
	s->len = 0;
	s->dropped = 0;
}

/* session_lax - 1 when a bare LF ends a line in the current state */
static int session_lax(const struct mock_session *s)
{
	return s->in_data ? mode(s, MF_DATA_END_BARE_LF) :
	    mode(s, MF_LF_TERMINATOR);
}

/* session_fake_end - data-end=VARIANT: 1 when ch completes a fake end */
static int session_fake_end(struct mock_session *s, char ch)
{
	if (!s->in_data || s->modes->data_end == 0)
		return 0;
	if (s->ntail == sizeof(s->tail)) {
		memmove(s->tail, s->tail + 1, sizeof(s->tail) - 1);
		s->ntail--;
	}
	s->tail[s->ntail++] = ch;
	if (!mock_data_end_match(s->modes, s->tail, s->ntail))
		return 0;
	/* The partial line is part of the end sequence, not text. */
	s->len = 0;
	s->dropped = 0;
	s->last_cr = 0;
	s->skip_lf = ch == '\r';
	data_end(s);
	return 1;
}

/* session_cr_end - cr-terminator: 1 when a bare CR ended a command */
static int session_cr_end(struct mock_session *s, char ch)
{
	if (ch != '\r' || s->in_data || !mode(s, MF_CR_TERMINATOR))
		return 0;
	s->last_cr = 0;
	s->skip_lf = 1;
	session_line(s);
	return 1;
}

/* session_byte - add one byte; CRLF (RFC 5321 2.3.8) ends the line */
static void session_byte(struct mock_session *s, char ch)
{
	int was_cr = s->last_cr;

	/* RFC 3030 2: a chunk is octets, counted, not lines. */
	if (s->bdat_left > 0) {
		mock_bdat_byte(s, ch);
		return;
	}
	/* A CR taken as a line end swallows the LF of a CRLF. */
	if (s->skip_lf) {
		s->skip_lf = 0;
		if (ch == '\n')
			return;
	}
	if (session_fake_end(s, ch) || session_cr_end(s, ch))
		return;
	s->last_cr = ch == '\r';
	if (ch == '\n' && (was_cr || session_lax(s))) {
		/* Drop the CR that was stored (or counted) before the LF. */
		if (was_cr && s->dropped > 0)
			s->dropped--;
		else if (was_cr)
			s->len--;
		session_line(s);
		return;
	}
	if (s->len < sizeof(s->line))
		s->line[s->len++] = ch;
	else
		s->dropped++;
}

/* mock_session_feed - process bytes from the client, in order */
void mock_session_feed(struct mock_session *s, const char *buf, size_t len)
{
	size_t i;

	/* After QUIT (or a close), what the client pipelined is dropped;
	 * after a 220 to STARTTLS the rest of the read is not plaintext
	 * to act on (RFC 3207 4.2, 6). */
	s->command_done = 0;
	for (i = 0; i < len && s->end == MOCK_RUNNING && !s->tls_start; i++) {
		session_byte(s, buf[i]);
		/* pipeline-drop: the rest of the read is thrown away. */
		if (s->command_done && mode(s, MF_PIPELINE_DROP))
			break;
	}
	if (s->tls_start)
		mock_tls_stop_feed(s, buf + i, len - i);
}

/* mock_session_start - set up and send the greeting */
void mock_session_start(struct mock_session *s, const struct mock_modes *m,
			unsigned long id, mock_write_fn fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->modes = m;
	s->id = id;
	s->write = fn;
	s->ctx = ctx;
	if (mode(s, MF_GREET_NONE) || cmd_stall(s, "GREETING", 8)) {
		s->end = MOCK_LINGER;
		return;
	}
	/* RFC 2034 4: the greeting carries no enhanced code. */
	if (cmd_421(s, "GREETING", 8, NULL) ||
	    mock_reply_override(s, "GREETING", 8))
		return;
	/* RFC 5321 3.1: 220, or 554 and then 503 to all but QUIT. */
	if (mode(s, MF_GREET_GARBAGE)) {
		mock_reply_raw(s, "hello there");
	} else if (mode(s, MF_GREET_554)) {
		mock_reply(s, 554, NULL, "%s No SMTP service here",
			   MOCK_HOSTNAME);
		s->refused = 1;
	} else {
		mock_reply(s, 220, NULL, "%s", MOCK_GREETING_TEXT);
	}
}

/* mock_session_timeout - the client was idle too long (RFC 5321 4.5.3.2) */
void mock_session_timeout(struct mock_session *s)
{
	if (s->end == MOCK_RUNNING && !mode(s, MF_IDLE_SILENT))
		mock_reply(s, 421, "4.4.2", "%s Error: timeout exceeded",
			   MOCK_HOSTNAME);
	s->end = MOCK_CLOSE;
}

/* mock_session_shutdown - the server is going down (RFC 5321 3.8) */
void mock_session_shutdown(struct mock_session *s)
{
	if (s->end == MOCK_RUNNING && !mode(s, MF_SHUTDOWN_SILENT))
		mock_reply(s, 421, "4.3.2", "%s Service shutting down, "
			   "closing channel", MOCK_HOSTNAME);
	s->end = MOCK_CLOSE;
}
