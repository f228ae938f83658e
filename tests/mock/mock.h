/*
 * mock.h - the mock SMTP server's modules and the data they share.
 *
 * NAME
 *	mock_smtpd - SMTP test double with switchable misbehaviours
 * DESCRIPTION
 *	The mock speaks RFC 5321 correctly by default.  Each misbehaviour
 *	mode breaks exactly one rule, so that every conformance check can
 *	be shown to pass on a correct server and to fire on a broken one.
 *	Modes are table data set from the command line, after the fault
 *	injection of Postfix's smtp-sink.
 *
 *	mock_modes.c	the mode table: names, values, what each breaks
 *	mock_path.c	RFC 5321 4.1.2 syntax: paths, domains, parameters
 *	mock_reply.c	reply formatting, where the reply-* modes act
 *	mock_session.c	the protocol: line splitting and the command table
 *	mock_server.c	sockets, one child per connection, signals
 *	mock_smtpd.c	main: the command line
 *
 *	The session never touches a socket: it is fed bytes and hands
 *	each complete reply to a write callback, so a fuzzer or a unit
 *	test can drive it from memory.
 */
#ifndef SMTPCONF_MOCK_H
#define SMTPCONF_MOCK_H

#include <stddef.h>

/* Names the mock uses in its replies. */
#define MOCK_HOSTNAME		"mock.example.org"
#define MOCK_GREETING_TEXT	MOCK_HOSTNAME " ESMTP smtpconf-mock"

/* Bounds, all in one place. */
#define MOCK_LINE_MAX		(64 * 1024)	/* bytes of one line kept */
#define MOCK_COMMAND_MAX	512	/* RFC 5321 4.5.3.1.4, with CRLF */
#define MOCK_REPLY_MAX		600	/* one formatted reply line */
#define MOCK_SIZE_LIMIT		10240000LL	/* advertised SIZE */
#define MOCK_MAX_RCPTS		1000	/* RFC 5321 4.5.3.1.8 asks >= 100 */
#define MOCK_LOCAL_MAX		64	/* RFC 5321 4.5.3.1.1 */
#define MOCK_DOMAIN_MAX		255	/* RFC 5321 4.5.3.1.2 */
#define MOCK_PATH_MAX		256	/* RFC 5321 4.5.3.1.3, with <> */
#define MOCK_VERB_MAX		16	/* a verb named in 421-on=VERB */
#define MOCK_VERBS_MAX		8	/* verbs one 421 mode may name */
#define MOCK_OVERRIDES_MAX	16	/* reply=VERB:CODE options */
#define MOCK_LINE_LIMIT_MIN	16	/* line-limit=N, CRLF included */
#define MOCK_LINE_LIMIT_MAX	100000
#define MOCK_TEXT_LIMIT_MIN	16	/* text-line-limit=N, CRLF included */
#define MOCK_TEXT_LIMIT_MAX	100000
#define MOCK_KEYWORD_MAX	32	/* advertise=KEYWORD, with the NUL */
#define MOCK_ADVERTISE_MAX	8	/* advertise=KEYWORD options */
#define MOCK_AUTH_MECHS_MAX	8	/* auth-mech=NAME options */
/* "AUTH PLAIN LOGIN" and every auth-mech=NAME, with a space each */
#define MOCK_AUTH_EHLO_MAX	(16 + MOCK_AUTH_MECHS_MAX * MOCK_KEYWORD_MAX)
#define MOCK_DATA_TAIL		8	/* last message bytes kept (data-end=) */
#define MOCK_DELAY_MAX_MS	120000	/* delay=MS */
#define MOCK_TRICKLE_MAX_MS	10000	/* trickle=MS, per byte */
#define MOCK_IDLE_TIMEOUT_S	60	/* per session, between reads */
#define MOCK_IDLE_TIMEOUT_MAX_S	3600	/* --idle-timeout, idle-timeout= */
#define MOCK_SESSION_MAX_S	600	/* whole session, whatever happens */
#define MOCK_SESSIONS_DEFAULT	64	/* concurrent sessions */
#define MOCK_SESSIONS_MAX	1024
#define MOCK_COUNT_CAP		(1LL << 50)	/* message octets counted */
#define MOCK_SIZE_LIMIT_MAX	1000000000000LL	/* size-limit=N */
#define MOCK_BDAT_MAX		100000000ULL	/* octets one BDAT may announce */
#define MOCK_AUTH_LINE_MAX	12288	/* RFC 4954 4: an AUTH response line */
#define MOCK_TLS_PENDING	4096	/* plaintext after STARTTLS kept (tls-inject) */
#define MOCK_TLS_HANDSHAKE_S	10	/* bound on one handshake */

/*
 * The on/off modes.  Each breaks one rule; mock_modes.c says which.
 * Modes that take a value (delay, close-after, 421-on, 421-stay-open,
 * crash-on, exit-on, asan-report-on, core-on, hang-on, partial-on,
 * trickle, reply, line-limit,
 * text-line-limit, advertise, data-end, error-limit, error-limit-silent,
 * max-sessions, auth-mech) live in their own fields of
 * struct mock_modes.
 */
enum mock_flag {
	MF_GREET_NONE,
	MF_GREET_GARBAGE,
	MF_GREET_554,
	MF_EHLO_NOARG_OK,
	MF_HELO_NOARG_OK,
	MF_EHLO_NO_RESET,
	MF_QUIT_ARG_OK,
	MF_QUIT_STAY_OPEN,
	MF_QUIT_SILENT_CLOSE,
	MF_NOOP_ARG_501,
	MF_RSET_NO_RESET,
	MF_RSET_ARG_OK,
	MF_UNKNOWN_502,
	MF_UNKNOWN_CLOSE,
	MF_VERBS_CASE_SENSITIVE,
	MF_MAIL_SYNTAX_OK,
	MF_PARAM_UNKNOWN_OK,
	MF_SIZE_OVER_OK,
	MF_RCPT_BEFORE_MAIL_OK,
	MF_DATA_BEFORE_RCPT_OK,
	MF_MAIL_NESTED_OK,
	MF_RCPT_REJECT_KILLS_TX,
	MF_LONGLINE_IGNORE,
	MF_LONGLINE_CLOSE,
	MF_LONGLINE_250,
	MF_LF_TERMINATOR,
	MF_DATA_END_BARE_LF,
	MF_DATA_ARG_OK,
	MF_DATA_DOTDOT_ENDS,
	MF_DATA_DOT_PREFIX_ENDS,
	MF_DATA_EMPTY_CONTINUES,
	MF_DATA_EMPTY_REJECT,
	MF_DATA_DOUBLE_REPLY,
	MF_DATA_KEEPS_TX,
	MF_VRFY_502,
	MF_VRFY_500,
	MF_VRFY_RESETS,
	MF_HELP_500,
	MF_TURN_500,
	MF_REPLY_BARE_LF,
	MF_REPLY_CODE_MISMATCH,
	MF_REPLY_NO_SEP,
	MF_REPLY_ENH_WRONG_CLASS,
	MF_REPLY_ENH_MISSING,
	MF_SHUTDOWN_SILENT,
	MF_CR_TERMINATOR,
	/* Extensions (mock_ext.c): each breaks one promise of EHLO. */
	MF_PIPELINE_DROP,
	MF_SIZE_DATA_OK,
	MF_SIZE_ZERO_ENFORCED,
	MF_BODY_REJECT,
	MF_UNADVERTISED_OK,
	MF_HELO_PARAMS_OK,
	MF_UTF8_REJECT,
	MF_BDAT_SHORT_READ,
	MF_BDAT_DATA_MIX_OK,
	MF_BDAT_ZERO_REJECT,
	MF_BDAT_REFUSE_NO_CONSUME,
	MF_DSN_REJECT,
	MF_AUTH_NO_CANCEL,
	MF_AUTH_ANY_MECH,
	MF_AUTH_IN_TX_OK,
	MF_AUTH_TWICE_OK,
	MF_AUTH_BEFORE_EHLO_OK,
	MF_AUTH_PLAINTEXT_OK,
	MF_SIZE_AT_LIMIT_552,
	MF_AUTH_PARAM_REJECT,
	MF_AUTH_ACCEPT_ANY,
	MF_AUTH_REJECT_ALL,
	MF_STARTTLS,
	MF_IMPLICIT_TLS,
	MF_TLS_INJECT,
	MF_TLS_KEEP_STATE,
	MF_TLS_KEEP_EHLO,
	MF_TLS_READVERTISE,
	MF_STARTTLS_ARG_OK,
	MF_STARTTLS_TWICE_OK,
	MF_STARTTLS_UNADVERTISED,
	MF_TLS_GARBAGE,
	MF_TLS_CUT,
	MF_IDLE_SILENT,
	MF_SHUTDOWN_PLAINTEXT,
	MF_COUNT
};

/*
 * The extensions the mock implements and advertises; no-ext=KEYWORD
 * takes one out of the EHLO reply and refuses its command and
 * parameters as a server without it would.
 */
enum mock_ext {
	MX_PIPELINING,
	MX_SIZE,
	MX_8BITMIME,
	MX_SMTPUTF8,
	MX_CHUNKING,
	MX_BINARYMIME,
	MX_DSN,
	MX_AUTH,
	MX_ENHANCEDSTATUSCODES,
	MX_COUNT
};

/* A list of verbs, upper-cased; "GREETING" stands for the connection. */
struct mock_verbs {
	size_t n;
	char verb[MOCK_VERBS_MAX][MOCK_VERB_MAX];
};

/* reply=VERB:CODE: the code that replaces the normal answer to VERB. */
struct mock_override {
	char verb[MOCK_VERB_MAX];	/* upper-cased; or "GREETING" */
	int code;			/* 200..599 */
};

/* Everything the command line switched on. */
struct mock_modes {
	unsigned char on[MF_COUNT];
	unsigned delay_ms;		/* delay=MS: before each reply */
	unsigned long close_after;	/* close-after=N: 0 is off */
	struct mock_verbs close_421;	/* 421-on=VERB */
	struct mock_verbs stay_421;	/* 421-stay-open=VERB */
	struct mock_verbs crash_on;	/* crash-on=VERB: server dies, SIGABRT */
	struct mock_verbs exit_on;	/* exit-on=VERB: server exits 1 */
	struct mock_verbs asan_on;	/* asan-report-on=VERB: fake report */
	struct mock_verbs core_on;	/* core-on=VERB: session dumps core */
	struct mock_verbs hang_on;	/* hang-on=VERB: no reply, ever */
	struct mock_verbs partial_on;	/* partial-on=VERB: half a reply */
	unsigned trickle_ms;		/* trickle=MS: a byte every MS */
	unsigned idle_timeout_s;	/* idle-timeout=SEC; 0: the option's */
	size_t noverride;		/* reply=VERB:CODE */
	struct mock_override override[MOCK_OVERRIDES_MAX];
	unsigned line_limit;		/* line-limit=N, CRLF included */
	unsigned text_limit;		/* text-line-limit=N: 0 is off */
	size_t nadvertise;		/* advertise=KEYWORD */
	char advertise[MOCK_ADVERTISE_MAX][MOCK_KEYWORD_MAX];
	size_t nauth_mechs;		/* auth-mech=NAME */
	char auth_mechs[MOCK_AUTH_MECHS_MAX][MOCK_KEYWORD_MAX];
	unsigned data_end;		/* data-end=VARIANT: bit per variant */
	unsigned long error_limit;	/* error-limit(-silent)=N; 0 off */
	int error_limit_silent;		/* ...closing without the 421 */
	unsigned max_sessions;		/* max-sessions=N; 0: the option's */
	unsigned ext_off;		/* no-ext=KEYWORD: bit per mock_ext */
	long long size_limit;		/* size-limit=N; 0: no fixed limit */
};

/* mock_modes.c */

/* mock_modes_init - all modes off: the correct server */
void mock_modes_init(struct mock_modes *m);
/* mock_modes_parse - apply "name[=value][,name...]"; -1 with err set */
int mock_modes_parse(struct mock_modes *m, const char *spec,
		     char *err, size_t errlen);
/* mock_modes_list - the table as text, one mode a line, into out */
void mock_modes_list(char *out, size_t outlen);
/* mock_verbs_has - 1 when verb (any case) is in the list */
int mock_verbs_has(const struct mock_verbs *v, const char *verb, size_t len);
/* mock_modes_override - reply=VERB:CODE's code for verb (any case), or 0 */
int mock_modes_override(const struct mock_modes *m, const char *verb,
			size_t len);
/* mock_data_end_match - 1 when tail ends in a data-end=VARIANT sequence */
int mock_data_end_match(const struct mock_modes *m, const char *tail,
			size_t n);

/* mock_path.c */

/* Result of parsing the argument of MAIL or RCPT. */
enum mock_path_status {
	MOCK_PATH_OK,
	MOCK_PATH_SYNTAX,	/* no "FROM:"/"TO:", no brackets: 501 5.5.4 */
	MOCK_PATH_ADDRESS,	/* bad address inside <>: 501 5.1.x */
	MOCK_PATH_PARAM_SYNTAX	/* malformed or repeated esmtp-param */
};

/* What a MAIL or RCPT argument said. */
struct mock_path {
	int null_path;			/* "<>" */
	int postmaster;			/* RCPT TO:<Postmaster> */
	char local[MOCK_LOCAL_MAX + 1];	/* local part as sent */
	long long size;			/* SIZE=, -1 when absent */
	unsigned unknown;		/* parameters we do not implement */
	unsigned exts;			/* bit per mock_ext whose parameter came */
	int nonascii;			/* UTF-8 in the address (RFC 6531) */
	int utf8;			/* the SMTPUTF8 parameter */
	int binary;			/* BODY=BINARYMIME */
};

/* mock_path_mail - parse "FROM:<path> [params]" (RFC 5321 4.1.1.2) */
enum mock_path_status mock_path_mail(const char *arg, size_t len,
				     struct mock_path *p);
/* mock_path_rcpt - parse "TO:<path> [params]" (RFC 5321 4.1.1.3) */
enum mock_path_status mock_path_rcpt(const char *arg, size_t len,
				     struct mock_path *p);
/* mock_domain_valid - 1 when s is a Domain or address-literal */
int mock_domain_valid(const char *s, size_t len);

/* mock_session.c and mock_reply.c */

/* How a session ends; set by the protocol, acted on by the I/O loop. */
enum mock_end {
	MOCK_RUNNING,	/* keep reading */
	MOCK_CLOSE,	/* replies sent, close now */
	MOCK_ABORT,	/* close now, nothing more is sent */
	MOCK_LINGER	/* send nothing more, read and discard, never close */
};

/* mock_write_fn - send one complete reply; called once per reply */
typedef int (*mock_write_fn)(void *ctx, const char *bytes, size_t len);

struct mock_session {
	const struct mock_modes *modes;
	mock_write_fn write;
	void *ctx;
	enum mock_end end;
	int refused;		/* greet-554: 503 to all but QUIT */
	int helo;		/* 0 none yet, 1 HELO, 2 EHLO */
	int mail;		/* a transaction is open */
	unsigned long nrcpt;	/* accepted recipients */
	int in_data;		/* reading message content */
	long long data_bytes;	/* content so far, saturating */
	int data_any;		/* a text line came before the final dot */
	int data_long;		/* a text line broke text-line-limit=N */
	unsigned long commands;	/* command lines read */
	unsigned long errors;	/* 5xx replies sent, for error-limit=N */
	unsigned long messages;	/* messages accepted, for queue ids */
	unsigned long id;	/* session number, for queue ids */
	int partial;		/* partial-on: cut the next reply short */
	/* The line being read; bytes past MOCK_LINE_MAX are counted only. */
	char line[MOCK_LINE_MAX];
	size_t len;
	unsigned long long dropped;
	int last_cr;		/* the previous byte was CR */
	int skip_lf;		/* a CR ended the line: drop an LF after it */
	/* The last bytes of the message, for data-end=VARIANT. */
	char tail[MOCK_DATA_TAIL];
	size_t ntail;
	/* Extensions (mock_ext.c). */
	int tx_utf8;		/* MAIL had SMTPUTF8 */
	int tx_binary;		/* MAIL had BODY=BINARYMIME */
	int bdat;		/* a BDAT chunk came in this transaction */
	unsigned long long bdat_left;	/* chunk octets still to read */
	int bdat_last;		/* the chunk being read ends the message */
	int bdat_refused;	/* the chunk is read for a refused BDAT */
	int auth_state;		/* enum in mock_ext.c: waiting for a response */
	int auth_done;		/* AUTH succeeded (RFC 4954 4: no second) */
	int auth_user_ok;	/* LOGIN: the user name was the test user */
	int command_done;	/* pipeline-drop: a command ended this read */
	/* TLS (mock_tls.c): inside TLS; STARTTLS answered 220, so the
	 * I/O loop must do the handshake before feeding more; the
	 * plaintext that followed STARTTLS in the same read (tls-inject). */
	int tls;
	int tls_start;
	char tls_pending[MOCK_TLS_PENDING];
	size_t ntls_pending;
};

/* mock_ehlo_builtin - 1 when the EHLO reply already has this keyword */
int mock_ehlo_builtin(const char *keyword, size_t len);
/* mock_mode - 1 when mode f is switched on */
int mock_mode(const struct mock_session *s, enum mock_flag f);
/* mock_tx_reset - forget the mail transaction */
void mock_tx_reset(struct mock_session *s);
/* mock_unknown - the reply to a command that is not recognised */
void mock_unknown(struct mock_session *s);
/* mock_data_verdict - the one reply at the end of a message; 1: accepted */
int mock_data_verdict(struct mock_session *s);

/* mock_ext.c */

/* mock_ext_find - the mock_ext of an EHLO keyword (any case), or -1 */
int mock_ext_find(const char *keyword, size_t len);
/* mock_ext_on - 1 when the extension is advertised (no no-ext=) */
int mock_ext_on(const struct mock_session *s, enum mock_ext x);
/* mock_ext_lines - the EHLO lines after the domain, advertised ones */
size_t mock_ext_lines(const struct mock_session *s, const char **lines,
		      char *size_line, size_t size_len, char *auth_line,
		      size_t auth_len);
/* mock_ext_params - refuse parameters of MAIL/RCPT; 1 when it replied */
int mock_ext_params(struct mock_session *s, const struct mock_path *p,
		    int mail);
/* mock_bdat_cmd - BDAT chunk-size [LAST] (RFC 3030 2) */
void mock_bdat_cmd(struct mock_session *s, const char *arg, size_t alen);
/* mock_bdat_byte - one octet of a BDAT chunk */
void mock_bdat_byte(struct mock_session *s, char ch);
/* mock_auth_cmd - AUTH mechanism [initial-response] (RFC 4954 4) */
void mock_auth_cmd(struct mock_session *s, const char *arg, size_t alen);
/* mock_auth_line - a client response line inside an AUTH exchange */
void mock_auth_line(struct mock_session *s, const char *line, size_t len);
/* mock_session_start - set up and send the greeting */
void mock_session_start(struct mock_session *s, const struct mock_modes *m,
			unsigned long id, mock_write_fn fn, void *ctx);
/* mock_session_feed - process bytes from the client, in order */
void mock_session_feed(struct mock_session *s, const char *buf, size_t len);
/* mock_session_timeout - the client was idle too long */
void mock_session_timeout(struct mock_session *s);
/* mock_session_shutdown - the server is going down (SIGTERM) */
void mock_session_shutdown(struct mock_session *s);

/* mock_reply - format and send one single-line reply */
void mock_reply(struct mock_session *s, int code, const char *enh,
		const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* mock_reply_lines - send a multiline reply built from n text lines */
void mock_reply_lines(struct mock_session *s, int code, const char *enh,
		      const char *const *lines, size_t n);
/* mock_reply_raw - send text plus a line ending, with no reply code */
void mock_reply_raw(struct mock_session *s, const char *text);
/* mock_reply_override - reply=VERB:CODE for this verb; 1 when it answered */
int mock_reply_override(struct mock_session *s, const char *verb,
			size_t len);

/* mock_tls.c */

/* mock_tls_offered - 1 when the modes make the mock offer STARTTLS */
int mock_tls_offered(const struct mock_modes *m);
/* mock_tls_advertise - 1 when this EHLO reply lists STARTTLS */
int mock_tls_advertise(const struct mock_session *s);
/* mock_starttls_cmd - STARTTLS (RFC 3207 4), with its modes */
void mock_starttls_cmd(struct mock_session *s, const char *arg, size_t alen);
/* mock_tls_stop_feed - after 220 to STARTTLS: keep or drop the rest of the read */
void mock_tls_stop_feed(struct mock_session *s, const char *rest, size_t n);
/* mock_tls_init - make the server's TLS identity (once, before forking); -1 on failure */
int mock_tls_init(void);
/* mock_tls_accept - the server side of a handshake on fd; NULL when it failed */
void *mock_tls_accept(int fd, unsigned long id, int verbose);
/* mock_tls_started - the handshake after STARTTLS is done: RFC 3207 4.2 reset */
void mock_tls_started(struct mock_session *s);
/* mock_tls_misbehave - tls-garbage / tls-cut instead of a handshake; 1 when it acted */
int mock_tls_misbehave(const struct mock_modes *m, int fd);
/* mock_tls_read / mock_tls_write / mock_tls_free - I/O over the SSL */
long mock_tls_read(void *ssl, char *buf, size_t len);
int mock_tls_write(void *ssl, const char *buf, size_t len);
int mock_tls_pending(void *ssl);
void mock_tls_free(void *ssl);

/* mock_server.c */

/* The faults that break the whole server, not one session. */
enum mock_fault {
	MOCK_FAULT_CRASH,	/* crash-on: the server dies by SIGABRT */
	MOCK_FAULT_EXIT,	/* exit-on: the server exits with status 1 */
	MOCK_FAULT_ASAN,	/* asan-report-on: a fake report on stderr */
	MOCK_FAULT_CORE		/* core-on: the session process dumps core */
};

/* mock_fault - act out a fault of the server process (may not return) */
void mock_fault(enum mock_fault f);

struct mock_config {
	char listen[64];		/* loopback address */
	unsigned port;			/* 0: the kernel picks */
	const char *port_file;
	const char *pid_file;
	unsigned max_sessions;
	unsigned idle_timeout_s;
	int verbose;
	struct mock_modes modes;
};

/* mock_server_run - listen, serve until SIGTERM/SIGINT; exit status */
int mock_server_run(const struct mock_config *cfg);

#endif
