/*
 * mock_ext.c - the SMTP extensions of the mock server: what its EHLO
 * reply promises and how each promise is kept.
 *
 * PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152),
 * SMTPUTF8 (RFC 6531), CHUNKING and BINARYMIME (RFC 3030), DSN
 * (RFC 3461), AUTH (RFC 4954) and ENHANCEDSTATUSCODES (RFC 2034).
 * no-ext=KEYWORD takes one out of the EHLO reply, and the mock then
 * refuses its command (500) and its parameters (555) as a server
 * without it would; the misbehaviour modes break one promise each.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "mock.h"

/* Where an AUTH exchange stands: what the next client line is. */
enum auth_state {
	AUTH_NONE,		/* no exchange: the line is a command */
	AUTH_PLAIN,		/* the PLAIN response */
	AUTH_LOGIN_USER,	/* the LOGIN user name */
	AUTH_LOGIN_PASS,	/* the LOGIN password */
	AUTH_OTHER		/* a response to an auth-mech=NAME mechanism */
};

/*
 * The challenge of an auth-mech=CRAM-MD5 exchange: RFC 2195 2's own
 * example, "<1896.697170952@postoffice.example.net>", in base64.  The
 * other auth-mech= mechanisms start with an empty challenge, as
 * client-first SASL mechanisms do (RFC 4954 4: "334 ").
 */
#define AUTH_CRAM_CHALLENGE \
	"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+"

/*
 * The test credentials the mock accepts: user "smtpconf", password
 * "smtpconf-secret".  PLAIN's response is authzid NUL authcid NUL
 * passwd (RFC 4616 2), here with an empty authzid, in base64.
 */
#define AUTH_PLAIN_OK	"AHNtdHBjb25mAHNtdHBjb25mLXNlY3JldA=="
#define AUTH_USER_OK	"c210cGNvbmY="			/* smtpconf */
#define AUTH_PASS_OK	"c210cGNvbmYtc2VjcmV0"		/* smtpconf-secret */

/*
 * The EHLO lines, in the order they are sent.  SIZE's line is built
 * from size-limit=N; ENHANCEDSTATUSCODES stays last, after the lines
 * of advertise=KEYWORD (mock_session.c).
 */
static const struct ext_def {
	const char *keyword;
	const char *line;
} ext_table[MX_COUNT] = {
	[MX_PIPELINING] = {"PIPELINING", "PIPELINING"},
	[MX_SIZE] = {"SIZE", NULL},
	[MX_8BITMIME] = {"8BITMIME", "8BITMIME"},
	[MX_SMTPUTF8] = {"SMTPUTF8", "SMTPUTF8"},
	[MX_CHUNKING] = {"CHUNKING", "CHUNKING"},
	[MX_BINARYMIME] = {"BINARYMIME", "BINARYMIME"},
	[MX_DSN] = {"DSN", "DSN"},
	[MX_AUTH] = {"AUTH", "AUTH PLAIN LOGIN"},
	[MX_ENHANCEDSTATUSCODES] = {"ENHANCEDSTATUSCODES",
				    "ENHANCEDSTATUSCODES"},
};

/* mock_ext_find - the mock_ext of an EHLO keyword (any case), or -1 */
int mock_ext_find(const char *keyword, size_t len)
{
	int x;

	for (x = 0; x < MX_COUNT; x++)
		if (strlen(ext_table[x].keyword) == len &&
		    strncasecmp(ext_table[x].keyword, keyword, len) == 0)
			return x;
	return -1;
}

/* mock_ext_on - 1 when the extension is advertised (no no-ext=) */
int mock_ext_on(const struct mock_session *s, enum mock_ext x)
{
	return !(s->modes->ext_off & (1U << x));
}

/* auth_line - "AUTH PLAIN LOGIN" and the auth-mech=NAME mechanisms */
static const char *auth_line(const struct mock_modes *m, char *buf,
			     size_t len)
{
	size_t used, i;

	used = (size_t)snprintf(buf, len, "%s", ext_table[MX_AUTH].line);
	for (i = 0; i < m->nauth_mechs && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %s",
					 m->auth_mechs[i]);
	return buf;
}

/* mock_ext_lines - the EHLO lines after the domain, advertised ones */
size_t mock_ext_lines(const struct mock_session *s, const char **lines,
		      char *size_line, size_t size_len, char *auth_buf,
		      size_t auth_len)
{
	size_t n = 0;
	int x;

	/* ENHANCEDSTATUSCODES, the last row, is added by the caller. */
	for (x = 0; x < MX_ENHANCEDSTATUSCODES; x++) {
		if (!mock_ext_on(s, (enum mock_ext)x))
			continue;
		if (x == MX_SIZE) {
			/* RFC 1870 3: "SIZE 0" is no fixed maximum. */
			snprintf(size_line, size_len, "SIZE %lld",
				 s->modes->size_limit);
			lines[n++] = size_line;
		} else if (x == MX_AUTH) {
			lines[n++] = auth_line(s->modes, auth_buf, auth_len);
		} else {
			lines[n++] = ext_table[x].line;
		}
	}
	return n;
}

/*
 * plaintext_with_tls_offered - the session is not encrypted, yet the
 * server offers STARTTLS (mode starttls, or advertise=STARTTLS), so a
 * plaintext password mechanism must wait for TLS (RFC 4954 4)
 */
static int plaintext_with_tls_offered(const struct mock_session *s)
{
	size_t i;

	if (s->tls)
		return 0;
	if (mock_tls_offered(s->modes))
		return 1;
	for (i = 0; i < s->modes->nadvertise; i++)
		if (strcmp(s->modes->advertise[i], "STARTTLS") == 0)
			return 1;
	return 0;
}

/* params_unadvertised - 1 when p uses an extension not in EHLO */
static int params_unadvertised(const struct mock_session *s,
			       const struct mock_path *p)
{
	/* RFC 5321 4.1.1.11 / RFC 1869 4.5: after HELO there are none. */
	if (s->helo == 1 && p->exts && !mock_mode(s, MF_HELO_PARAMS_OK))
		return 1;
	if (mock_mode(s, MF_UNADVERTISED_OK))
		return 0;
	return (p->exts & s->modes->ext_off) != 0;
}

/* mail_utf8 - RFC 6531 3.5: a UTF-8 address needs SMTPUTF8; 1: replied */
static int mail_utf8(struct mock_session *s, const struct mock_path *p,
		     int mail)
{
	int ok = mail ? p->utf8 : s->tx_utf8;

	if (!p->nonascii || (ok && !mock_mode(s, MF_UTF8_REJECT)))
		return 0;
	if (mail)
		mock_reply(s, 550, "5.6.7", "Non-ASCII addresses not "
			   "permitted for that sender");
	else
		mock_reply(s, 553, "5.6.7", "Non-ASCII addresses not "
			   "permitted for that recipient");
	return 1;
}

/* mock_ext_params - refuse parameters of MAIL/RCPT; 1 when it replied */
int mock_ext_params(struct mock_session *s, const struct mock_path *p,
		    int mail)
{
	if (params_unadvertised(s, p)) {
		mock_reply(s, 555, "5.5.4", "%s parameters not recognized",
			   mail ? "MAIL FROM" : "RCPT TO");
		return 1;
	}
	/* RFC 3461 4: the DSN parameters, unless dsn-reject breaks it. */
	if ((p->exts & (1U << MX_DSN)) && mock_mode(s, MF_DSN_REJECT)) {
		mock_reply(s, 555, "5.5.4", "DSN parameters not supported");
		return 1;
	}
	if (mail && (p->exts & (1U << MX_AUTH)) &&
	    mock_mode(s, MF_AUTH_PARAM_REJECT)) {
		mock_reply(s, 555, "5.5.4", "AUTH parameter not supported");
		return 1;
	}
	/* body-reject: BODY=8BITMIME refused although 8BITMIME is listed. */
	if (mail && (p->exts & (1U << MX_8BITMIME)) && !p->binary &&
	    mock_mode(s, MF_BODY_REJECT)) {
		mock_reply(s, 555, "5.5.4", "BODY parameter not supported");
		return 1;
	}
	return mail_utf8(s, p, mail);
}

/* bdat_parse - "chunk-size [SP LAST]" (RFC 3030 2); -1 when malformed */
static int bdat_parse(const char *arg, size_t alen,
		      unsigned long long *size, int *last)
{
	size_t i = 0;

	*size = 0;
	*last = 0;
	if (alen == 0 || !isdigit((unsigned char)arg[0]))
		return -1;
	for (; i < alen && isdigit((unsigned char)arg[i]); i++) {
		if (i >= 20)
			return -1;
		*size = *size * 10 + (unsigned)(arg[i] - '0');
	}
	if (i == alen)
		return 0;
	if (alen - i == 5 && strncasecmp(arg + i, " LAST", 5) == 0) {
		*last = 1;
		return 0;
	}
	return -1;
}

/* bdat_refusal - why this BDAT cannot add to a message, or NULL */
static const char *bdat_refusal(const struct mock_session *s)
{
	if (!s->mail)
		return "need MAIL command";
	if (s->nrcpt == 0)
		return "need RCPT command";
	return NULL;
}

/* bdat_done - the chunk is read: the one reply to its BDAT */
static void bdat_done(struct mock_session *s)
{
	if (s->bdat_refused) {
		s->bdat_refused = 0;
		mock_reply(s, 503, "5.5.1", "Error: %s", bdat_refusal(s));
		return;
	}
	if (!s->bdat_last) {
		mock_reply(s, 250, "2.0.0", "Ok: chunk received");
		return;
	}
	mock_data_verdict(s);
	mock_tx_reset(s);
}

/* mock_bdat_cmd - BDAT chunk-size [LAST] (RFC 3030 2) */
void mock_bdat_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	unsigned long long size;
	int last;

	if (!mock_ext_on(s, MX_CHUNKING) && !mock_mode(s, MF_UNADVERTISED_OK)) {
		mock_unknown(s);
		return;
	}
	if (bdat_parse(arg, alen, &size, &last) < 0 || size > MOCK_BDAT_MAX) {
		mock_reply(s, 501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");
		return;
	}
	/* RFC 3030 2: a refused BDAT still has its chunk read first. */
	s->bdat_refused = bdat_refusal(s) != NULL;
	if (s->bdat_refused && mock_mode(s, MF_BDAT_REFUSE_NO_CONSUME)) {
		s->bdat_refused = 0;
		mock_reply(s, 503, "5.5.1", "Error: %s", bdat_refusal(s));
		return;
	}
	if (size == 0 && last && mock_mode(s, MF_BDAT_ZERO_REJECT)) {
		mock_reply(s, 501, "5.5.4", "Error: empty chunk");
		return;
	}
	if (!s->bdat_refused)
		s->bdat = 1;
	s->bdat_last = last;
	/* bdat-short-read: one octet of the chunk is left for the parser. */
	if (size > 0 && mock_mode(s, MF_BDAT_SHORT_READ))
		size--;
	s->bdat_left = size;
	if (size == 0)
		bdat_done(s);
}

/* mock_bdat_byte - one octet of a BDAT chunk */
void mock_bdat_byte(struct mock_session *s, char ch)
{
	(void)ch;
	if (!s->bdat_refused && s->data_bytes < MOCK_COUNT_CAP) {
		s->data_bytes++;
		s->data_any = 1;
	}
	if (--s->bdat_left == 0)
		bdat_done(s);
}

/* b64_valid - RFC 4954 4: only the BASE64 alphabet, pads at the end */
static int b64_valid(const char *t, size_t len)
{
	size_t i, pad = 0;

	if (len == 0 || len % 4 != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (t[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || !(isalnum((unsigned char)t[i]) ||
				 t[i] == '+' || t[i] == '/'))
			return 0;
	}
	return pad <= 2;
}

/* auth_result - 235 for the test credentials, else 535 */
static void auth_result(struct mock_session *s, int ok)
{
	s->auth_state = AUTH_NONE;
	if (mock_mode(s, MF_AUTH_ACCEPT_ANY))
		ok = 1;
	if (mock_mode(s, MF_AUTH_REJECT_ALL))
		ok = 0;
	if (!ok) {
		mock_reply(s, 535, "5.7.8", "Authentication credentials "
			   "invalid");
		return;
	}
	s->auth_done = 1;
	mock_reply(s, 235, "2.7.0", "Authentication successful");
}

/* auth_is - the response is exactly want */
static int auth_is(const char *line, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(line, want, len) == 0;
}

/* mock_auth_line - a client response line inside an AUTH exchange */
void mock_auth_line(struct mock_session *s, const char *line, size_t len)
{
	/* RFC 4954 4: "*" cancels; the server MUST answer 501. */
	if (len == 1 && line[0] == '*') {
		s->auth_state = AUTH_NONE;
		if (mock_mode(s, MF_AUTH_NO_CANCEL))
			mock_reply(s, 535, "5.7.8", "Authentication failed");
		else
			mock_reply(s, 501, "5.7.0", "Authentication "
				   "cancelled");
		return;
	}
	if (!b64_valid(line, len)) {
		s->auth_state = AUTH_NONE;
		mock_reply(s, 501, "5.5.2", "Cannot decode response");
		return;
	}
	if (s->auth_state == AUTH_LOGIN_USER) {
		s->auth_user_ok = auth_is(line, len, AUTH_USER_OK);
		s->auth_state = AUTH_LOGIN_PASS;
		mock_reply(s, 334, NULL, "UGFzc3dvcmQ6");
		return;
	}
	if (s->auth_state == AUTH_LOGIN_PASS)
		auth_result(s, s->auth_user_ok && auth_is(line, len,
							AUTH_PASS_OK));
	else if (s->auth_state == AUTH_OTHER)
		auth_result(s, 0);	/* the mock has no account for these */
	else
		auth_result(s, auth_is(line, len, AUTH_PLAIN_OK));
}

/* auth_refused - the sequence rules of RFC 4954 4; 1 when it replied */
static int auth_refused(struct mock_session *s)
{
	const char *why = NULL;

	if (s->helo != 2 && !mock_mode(s, MF_AUTH_BEFORE_EHLO_OK))
		why = "send EHLO first";
	else if (s->mail && !mock_mode(s, MF_AUTH_IN_TX_OK))
		why = "MAIL transaction in progress";
	else if (s->auth_done && !mock_mode(s, MF_AUTH_TWICE_OK))
		why = "already authenticated";
	if (why == NULL)
		return 0;
	mock_reply(s, 503, "5.5.1", "Error: %s", why);
	return 1;
}

/* auth_extra - the auth-mech=NAME row of mechanism m, or NULL */
static const char *auth_extra(const struct mock_modes *m, const char *mech,
			      size_t mlen)
{
	size_t i;

	for (i = 0; i < m->nauth_mechs; i++)
		if (strlen(m->auth_mechs[i]) == mlen &&
		    strncasecmp(m->auth_mechs[i], mech, mlen) == 0)
			return m->auth_mechs[i];
	return NULL;
}

/* auth_start - the first step of an exchange, with or without IR */
static void auth_start(struct mock_session *s, enum auth_state first,
		       const char *challenge, const char *ir, size_t irlen)
{
	s->auth_state = first;
	if (irlen > 0) {
		mock_auth_line(s, ir, irlen);
		return;
	}
	/* RFC 4954 4: an empty challenge is "334 ". */
	mock_reply(s, 334, NULL, "%s", challenge);
}

/* mock_auth_cmd - AUTH mechanism [initial-response] (RFC 4954 4) */
void mock_auth_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	const char *sp = memchr(arg, ' ', alen);
	size_t mlen = sp ? (size_t)(sp - arg) : alen;
	int plain = mlen == 5 && strncasecmp(arg, "PLAIN", 5) == 0;
	int login = mlen == 5 && strncasecmp(arg, "LOGIN", 5) == 0;
	const char *extra = auth_extra(s->modes, arg, mlen);
	const char *ir = sp ? sp + 1 : "";
	size_t irlen = sp ? alen - mlen - 1 : 0;

	if (!mock_ext_on(s, MX_AUTH) && !mock_mode(s, MF_UNADVERTISED_OK)) {
		mock_unknown(s);
		return;
	}
	if (auth_refused(s))
		return;
	if (mlen == 0) {
		mock_reply(s, 501, "5.5.4", "Syntax: AUTH mechanism");
		return;
	}
	if (extra != NULL) {
		auth_start(s, AUTH_OTHER, strcmp(extra, "CRAM-MD5") == 0 ?
			   AUTH_CRAM_CHALLENGE : "", ir, irlen);
		return;
	}
	if (!plain && !login && !mock_mode(s, MF_AUTH_ANY_MECH)) {
		mock_reply(s, 504, "5.5.4", "Unrecognized authentication "
			   "type");
		return;
	}
	/* Plaintext passwords only under TLS (RFC 4954 4, last note). */
	if (plaintext_with_tls_offered(s) &&
	    !mock_mode(s, MF_AUTH_PLAINTEXT_OK)) {
		mock_reply(s, 538, "5.7.11", "Encryption required for "
			   "requested authentication mechanism");
		return;
	}
	auth_start(s, login ? AUTH_LOGIN_USER : AUTH_PLAIN,
		   login ? "VXNlcm5hbWU6" : "", ir, irlen);
}
