/*
 * test_command.c - classifying client command lines.
 *
 * Expectations follow RFC 5321 4.1.1 (each verb's syntax), 4.1.2 (path
 * and parameter grammar), 4.1.3 (address literals), 2.3.8 (CRLF only),
 * 4.5.3.1 (size limits), and the verbs of RFC 821 (TURN), RFC 1985
 * (ETRN), RFC 3030 (BDAT), RFC 4954 (AUTH) and RFC 3207 (STARTTLS).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/command.h"

/* L - a string literal and its length (literals may hold NUL) */
#define L(s)	(s), (sizeof(s) - 1)

/* One line and what the RFCs say about it. */
struct line_case {
	const char *line;
	enum sc_verb verb;
	unsigned flaws;
};

/* span_is - does the span hold exactly text (case-sensitive)? */
static int span_is(const struct sc_command *cmd,
		   const struct sc_command_span *sp, const char *text)
{
	size_t n = strlen(text);

	return sp->len == n && sp->off + n <= cmd->len &&
	       memcmp(cmd->buf + sp->off, text, n) == 0;
}

/* run_cases - parse each line (NUL-free) and compare verb and flaws */
static void run_cases(const struct line_case *cases, size_t n)
{
	struct sc_command cmd;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned got = sc_command_parse(cases[i].line,
						strlen(cases[i].line), &cmd);

		CU_ASSERT_EQUAL(got, cmd.flaws);
		CU_ASSERT_EQUAL(cmd.verb, cases[i].verb);
		CU_ASSERT_EQUAL(got, cases[i].flaws);
		if (got != cases[i].flaws || cmd.verb != cases[i].verb)
			fprintf(stderr, "\n  line %zu \"%s\": verb %d flaws "
				"%#x, want %d %#x\n", i, cases[i].line,
				(int)cmd.verb, got, (int)cases[i].verb,
				cases[i].flaws);
	}
}

#define RUN(cases)	run_cases((cases), sizeof(cases) / sizeof((cases)[0]))

/* test_every_verb - each verb of the table in its RFC form */
static void test_every_verb(void)
{
	static const struct line_case cases[] = {
		{ "EHLO client.example.org\r\n", SC_VERB_EHLO, 0 },
		{ "HELO client.example.org\r\n", SC_VERB_HELO, 0 },
		{ "MAIL FROM:<a@example.org>\r\n", SC_VERB_MAIL, 0 },
		{ "RCPT TO:<b@example.org>\r\n", SC_VERB_RCPT, 0 },
		{ "DATA\r\n", SC_VERB_DATA, 0 },
		{ "RSET\r\n", SC_VERB_RSET, 0 },
		{ "VRFY Smith\r\n", SC_VERB_VRFY, 0 },
		{ "EXPN Example-People\r\n", SC_VERB_EXPN, 0 },
		{ "HELP\r\n", SC_VERB_HELP, 0 },
		{ "HELP MAIL\r\n", SC_VERB_HELP, 0 },
		{ "NOOP\r\n", SC_VERB_NOOP, 0 },
		{ "NOOP \"any text at all\"\r\n", SC_VERB_NOOP, 0 },
		{ "QUIT\r\n", SC_VERB_QUIT, 0 },
		{ "TURN\r\n", SC_VERB_TURN, 0 },
		{ "ETRN example.org\r\n", SC_VERB_ETRN, 0 },
		{ "ETRN @example.org\r\n", SC_VERB_ETRN, 0 },
		{ "ETRN #queue-1\r\n", SC_VERB_ETRN, 0 },
		{ "BDAT 1000\r\n", SC_VERB_BDAT, 0 },
		{ "BDAT 0 LAST\r\n", SC_VERB_BDAT, 0 },
		{ "AUTH PLAIN\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH PLAIN AHVzZXIAcGFzcw==\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH EXTERNAL =\r\n", SC_VERB_AUTH, 0 },
		{ "STARTTLS\r\n", SC_VERB_STARTTLS, 0 },
		/* 2.4: "Verbs and argument values [...] are not case
		 * sensitive". */
		{ "ehlo client.example.org\r\n", SC_VERB_EHLO, 0 },
		{ "mail from:<a@example.org>\r\n", SC_VERB_MAIL, 0 },
		{ "Rcpt To:<b@example.org>\r\n", SC_VERB_RCPT, 0 },
		{ "StartTLS\r\n", SC_VERB_STARTTLS, 0 },
		{ "bdat 10 last\r\n", SC_VERB_BDAT, 0 },
	};

	RUN(cases);
}

/* test_verb_table - names, sections and argument rules of the table */
static void test_verb_table(void)
{
	const struct sc_verb_info *t, *vi;
	size_t n = 0, i;

	t = sc_verb_table(&n);
	CU_ASSERT_EQUAL_FATAL(n, 16);
	for (i = 0; i < n; i++) {
		/* Each row is found by its name and by its enum. */
		CU_ASSERT_PTR_EQUAL(sc_verb_find(t[i].name,
						 strlen(t[i].name)), &t[i]);
		CU_ASSERT_PTR_EQUAL(sc_verb_get(t[i].verb), &t[i]);
		CU_ASSERT_STRING_EQUAL(sc_verb_name(t[i].verb), t[i].name);
	}
	vi = sc_verb_get(SC_VERB_QUIT);
	CU_ASSERT_EQUAL(vi->args, SC_ARGS_NONE);
	CU_ASSERT_STRING_EQUAL(vi->rfc, "5321 4.1.1.10");
	CU_ASSERT_EQUAL(sc_verb_get(SC_VERB_HELP)->args, SC_ARGS_OPTIONAL);
	CU_ASSERT_EQUAL(sc_verb_get(SC_VERB_VRFY)->args, SC_ARGS_REQUIRED);
	CU_ASSERT_STRING_EQUAL(sc_verb_get(SC_VERB_BDAT)->rfc, "3030 2");
	CU_ASSERT_PTR_EQUAL(sc_verb_find("starttls", 8),
			    sc_verb_get(SC_VERB_STARTTLS));
	CU_ASSERT_PTR_NULL(sc_verb_find("STARTTL", 7));
	CU_ASSERT_PTR_NULL(sc_verb_find("MAILX", 5));
	CU_ASSERT_PTR_NULL(sc_verb_find("", 0));
	CU_ASSERT_PTR_NULL(sc_verb_find(NULL, 4));
	CU_ASSERT_PTR_NULL(sc_verb_get(SC_VERB_UNKNOWN));
	CU_ASSERT_STRING_EQUAL(sc_verb_name(SC_VERB_UNKNOWN), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(sc_verb_name((enum sc_verb)999), "UNKNOWN");
}

/* test_bad_verbs - first words that are no command */
static void test_bad_verbs(void)
{
	static const struct line_case cases[] = {
		{ "\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		{ "", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		{ "XYZZY\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		{ "XEXCH50 100 2\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		{ "MAI FROM:<a@example.org>\r\n", SC_VERB_UNKNOWN,
		  SC_CF_BAD_VERB },
		{ "MAILFROM:<a@example.org>\r\n", SC_VERB_UNKNOWN,
		  SC_CF_BAD_VERB },
		/* Leading space: the first word is empty. */
		{ " QUIT\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		/* Only SP ends the verb (4.1.1), so HT glues it on. */
		{ "QUIT\tnow\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		{ "STARTTLSX\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
		/* SEND, SOML and SAML are gone from RFC 5321. */
		{ "SEND FROM:<a@example.org>\r\n", SC_VERB_UNKNOWN,
		  SC_CF_BAD_VERB },
		/* An HTTP request at an SMTP port. */
		{ "GET / HTTP/1.1\r\n", SC_VERB_UNKNOWN, SC_CF_BAD_VERB },
	};
	struct sc_command cmd;

	RUN(cases);
	/* The unknown verb and its arguments are still located. */
	sc_command_parse(L("XEXCH50 100 2\r\n"), &cmd);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.verb_text, "XEXCH50"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.args, "100 2"));
}

/* test_argument_presence - verbs that take none, some, or must have one */
static void test_argument_presence(void)
{
	static const struct line_case cases[] = {
		/* 4.1.1: RSET, DATA, QUIT do not permit parameters. */
		{ "DATA now\r\n", SC_VERB_DATA, SC_CF_BAD_ARGS },
		{ "RSET all\r\n", SC_VERB_RSET, SC_CF_BAD_ARGS },
		{ "QUIT bye\r\n", SC_VERB_QUIT, SC_CF_BAD_ARGS },
		{ "STARTTLS 1.3\r\n", SC_VERB_STARTTLS, SC_CF_BAD_ARGS },
		{ "TURN x\r\n", SC_VERB_TURN, SC_CF_BAD_ARGS },
		/* ... and these must have one. */
		{ "EHLO\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "HELO\r\n", SC_VERB_HELO, SC_CF_BAD_ARGS },
		{ "MAIL\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "RCPT\r\n", SC_VERB_RCPT, SC_CF_BAD_ARGS },
		{ "VRFY\r\n", SC_VERB_VRFY, SC_CF_BAD_ARGS },
		{ "EXPN\r\n", SC_VERB_EXPN, SC_CF_BAD_ARGS },
		{ "ETRN\r\n", SC_VERB_ETRN, SC_CF_BAD_ARGS },
		{ "BDAT\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		{ "AUTH\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		/* "EHLO " is "EHLO" plus tolerated trailing space: still no
		 * domain. */
		{ "EHLO \r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS | SC_CF_TRAILING_SPACE },
		/* Two SPs: the argument clause starts with SP. */
		{ "EHLO  client.example.org\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
	};

	RUN(cases);
}

/* test_trailing_space - 4.1.1: receivers SHOULD tolerate it */
static void test_trailing_space(void)
{
	static const struct line_case cases[] = {
		{ "QUIT \r\n", SC_VERB_QUIT, SC_CF_TRAILING_SPACE },
		{ "DATA\t\r\n", SC_VERB_DATA, SC_CF_TRAILING_SPACE },
		{ "MAIL FROM:<a@example.org>   \r\n", SC_VERB_MAIL,
		  SC_CF_TRAILING_SPACE },
		{ "HELP \r\n", SC_VERB_HELP, SC_CF_TRAILING_SPACE },
	};
	struct sc_command cmd;

	RUN(cases);
	/* The spans stop before the white space. */
	sc_command_parse(L("EHLO client.example.org \t \r\n"), &cmd);
	CU_ASSERT_EQUAL(cmd.flaws, SC_CF_TRAILING_SPACE);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "client.example.org"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.args, "client.example.org"));
	CU_ASSERT_EQUAL(cmd.len, 26);
}

/* test_ehlo_helo - Domain / address-literal (4.1.1.1, 4.1.3) */
static void test_ehlo_helo(void)
{
	static const struct line_case cases[] = {
		{ "EHLO [192.0.2.1]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [IPv6:2001:db8::1]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [IPv6:2001:db8:0:0:0:0:0:1]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [IPv6:::ffff:192.0.2.1]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [IPv6:1:2:3:4:5:6:192.0.2.1]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [IPv6:::]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [x-tag:any-thing]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO localhost\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO 3com.example\r\n", SC_VERB_EHLO, 0 },
		/* HELO takes a Domain only. */
		{ "HELO [192.0.2.1]\r\n", SC_VERB_HELO, SC_CF_BAD_ARGS },
		/* Snum is 0 through 255, and four of them. */
		{ "EHLO [192.0.2.256]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [192.0.2]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [192.0.2.1.5]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [1920.0.2.1]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [192.0.2.1\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO []\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		/* IPv6 group counts: 8 full, at most 6 beside "::". */
		{ "EHLO [IPv6:1:2:3:4:5:6:7]\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:1:2:3:4:5:6:7:8:9]\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:1:2:3:4::5:6:7]\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:1::2::3]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:12345::1]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:1:2:3:4:5::192.0.2.1]\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:g::1]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [IPv6:1:]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [-tag:x]\r\n", SC_VERB_EHLO, 0 },
		{ "EHLO [tag-:x]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		{ "EHLO [tag:]\r\n", SC_VERB_EHLO, SC_CF_BAD_ARGS },
		/* sub-domain = Let-dig [Ldh-str]: no "-" at either end. */
		{ "EHLO -client.example.org\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO client-.example.org\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO client..example.org\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		{ "EHLO client.example.org.\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		/* 4.1.2: "the underscore character is not permitted". */
		{ "EHLO my_host.example.org\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
		/* 4.1.1.1: clients SHOULD NOT send text after the domain. */
		{ "EHLO [192.0.2.1] (my laptop)\r\n", SC_VERB_EHLO,
		  SC_CF_BAD_ARGS },
	};
	struct sc_command cmd;

	RUN(cases);
	sc_command_parse(L("EHLO [IPv6:2001:db8::1]\r\n"), &cmd);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "[IPv6:2001:db8::1]"));
}

/* test_mail_paths - Reverse-path forms (4.1.2) */
static void test_mail_paths(void)
{
	static const struct line_case cases[] = {
		/* 3.6.3: "A MAIL command with a null reverse-path". */
		{ "MAIL FROM:<>\r\n", SC_VERB_MAIL, 0 },
		{ "MAIL FROM:<\"john smith\"@example.org>\r\n", SC_VERB_MAIL,
		  0 },
		{ "MAIL FROM:<\"a\\\"b\\\\c\"@example.org>\r\n", SC_VERB_MAIL,
		  0 },
		{ "MAIL FROM:<\"\"@example.org>\r\n", SC_VERB_MAIL, 0 },
		{ "MAIL FROM:<first.last+tag@example.org>\r\n", SC_VERB_MAIL,
		  0 },
		{ "MAIL FROM:<!#$%&'*+-/=?^_`{|}~@example.org>\r\n",
		  SC_VERB_MAIL, 0 },
		{ "MAIL FROM:<user@[192.0.2.1]>\r\n", SC_VERB_MAIL, 0 },
		{ "MAIL FROM:<user@[IPv6:2001:db8::25]>\r\n", SC_VERB_MAIL,
		  0 },
		{ "MAIL FROM:<@a.example,@b.example:user@c.example>\r\n",
		  SC_VERB_MAIL, 0 },
		/* Missing pieces. */
		{ "MAIL FROM:\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:a@example.org\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<a@example.org\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<a>\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<a@>\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL TO:<a@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL <a@example.org>\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		/* Dot-string: no empty atoms. */
		{ "MAIL FROM:<a..b@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<.a@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<a.@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		/* Specials need quoting. */
		{ "MAIL FROM:<john smith@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<a,b@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<\"unterminated@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		/* quoted-pairSMTP = %d92 %d32-126: not a control octet. */
		{ "MAIL FROM:<\"a\\\tb\"@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		/* A source route ends with ":" and holds Domains only. */
		{ "MAIL FROM:<@a.example user@c.example>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<@a.example,user@c.example>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<@[192.0.2.1]:user@c.example>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		/* Two paths, or text after the path. */
		{ "MAIL FROM:<a@example.org><b@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		/* "MAIL FROM:" has no space before the path. */
		{ "MAIL FROM: <a@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM :<a@example.org>\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
	};

	RUN(cases);
}

/* test_mail_spans - what a parsed MAIL line holds */
static void test_mail_spans(void)
{
	struct sc_command cmd;

	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<@hosta.int,@jkl.org:"
		"\"j s\"@d.bar.org> SIZE=1000 BODY=8BITMIME\r\n"), &cmd), 0);
	CU_ASSERT_EQUAL(cmd.crlf, 1);
	CU_ASSERT_TRUE(cmd.path.present);
	CU_ASSERT_FALSE(cmd.path.null);
	CU_ASSERT_TRUE(cmd.path.quoted);
	CU_ASSERT_FALSE(cmd.path.literal);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.route, "@hosta.int,@jkl.org"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.local, "\"j s\""));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.domain, "d.bar.org"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.whole,
			       "<@hosta.int,@jkl.org:\"j s\"@d.bar.org>"));
	CU_ASSERT_EQUAL_FATAL(cmd.nparams, 2);
	CU_ASSERT_EQUAL(cmd.params_seen, 2);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.params[0].keyword, "SIZE"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.params[0].value, "1000"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.params[1].value, "8BITMIME"));

	/* A quoted local part may hold ">" and "@". */
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<\"a>b@c\"@example.org>"
					   "\r\n"), &cmd), 0);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.local, "\"a>b@c\""));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.domain, "example.org"));

	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<>\r\n"), &cmd), 0);
	CU_ASSERT_TRUE(cmd.path.null);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.whole, "<>"));
	CU_ASSERT_EQUAL(cmd.path.local.len, 0);

	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<u@[192.0.2.1]>\r\n"),
					 &cmd), 0);
	CU_ASSERT_TRUE(cmd.path.literal);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.domain, "[192.0.2.1]"));
	CU_ASSERT_EQUAL(cmd.path.route.len, 0);

	/* Lenient parse, strict judgment: the path is still found. */
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM: <a@example.org> "
					   "SIZE=5\r\n"), &cmd),
			SC_CF_BAD_ARGS);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.whole, "<a@example.org>"));
	CU_ASSERT_EQUAL_FATAL(cmd.nparams, 1);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.params[0].value, "5"));
}

/* test_rcpt_paths - Forward-path and the Postmaster forms (4.1.1.3) */
static void test_rcpt_paths(void)
{
	static const struct line_case cases[] = {
		{ "RCPT TO:<Postmaster>\r\n", SC_VERB_RCPT, 0 },
		{ "RCPT TO:<postmaster>\r\n", SC_VERB_RCPT, 0 },
		{ "RCPT TO:<POSTMASTER>\r\n", SC_VERB_RCPT, 0 },
		{ "RCPT TO:<Postmaster@example.org>\r\n", SC_VERB_RCPT, 0 },
		{ "RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>\r\n",
		  SC_VERB_RCPT, 0 },
		{ "RCPT TO:<\"x y\"@example.org> NOTIFY=SUCCESS,FAILURE "
		  "ORCPT=rfc822;x+20y@example.org\r\n", SC_VERB_RCPT, 0 },
		/* Forward-path = Path: never null. */
		{ "RCPT TO:<>\r\n", SC_VERB_RCPT, SC_CF_BAD_ARGS },
		{ "RCPT TO:<Postmaster> \r\n", SC_VERB_RCPT,
		  SC_CF_TRAILING_SPACE },
		{ "RCPT TO:<Postmaster>x\r\n", SC_VERB_RCPT, SC_CF_BAD_ARGS },
		{ "RCPT TO:<user>\r\n", SC_VERB_RCPT, SC_CF_BAD_ARGS },
		{ "RCPT FROM:<a@example.org>\r\n", SC_VERB_RCPT,
		  SC_CF_BAD_ARGS },
		{ "RCPT TO: <a@example.org>\r\n", SC_VERB_RCPT,
		  SC_CF_BAD_ARGS },
		{ "RCPT TO:\r\n", SC_VERB_RCPT, SC_CF_BAD_ARGS },
	};
	struct sc_command cmd;

	RUN(cases);
	CU_ASSERT_EQUAL(sc_command_parse(L("RCPT TO:<PostMaster>\r\n"),
					 &cmd), 0);
	CU_ASSERT_TRUE(cmd.path.postmaster);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.local, "PostMaster"));
	CU_ASSERT_EQUAL(cmd.path.domain.len, 0);
	CU_ASSERT_EQUAL(sc_command_parse(L("RCPT TO:<postmaster@example.org>"
					   "\r\n"), &cmd), 0);
	CU_ASSERT_FALSE(cmd.path.postmaster);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.path.domain, "example.org"));
}

/* test_params - esmtp-param = esmtp-keyword ["=" esmtp-value] */
static void test_params(void)
{
	static const struct line_case cases[] = {
		{ "MAIL FROM:<a@example.org> SIZE=10240000 BODY=8BITMIME "
		  "SMTPUTF8 RET=HDRS ENVID=QQ314159 AUTH=<>\r\n",
		  SC_VERB_MAIL, 0 },
		{ "MAIL FROM:<> X-PRIVATE-1=yes\r\n", SC_VERB_MAIL, 0 },
		/* esmtp-value = 1*(...): not empty, no "=", no SP. */
		{ "MAIL FROM:<> SIZE=\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> A=b=c\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> =5\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> -X=1\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> X_Y=1\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> SIZE=1\x7f\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		/* One SP between parameters, none before the path's end. */
		{ "MAIL FROM:<>  SIZE=1\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> SIZE=1  BODY=7BIT\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
		{ "MAIL FROM:<>SIZE=1\r\n", SC_VERB_MAIL, SC_CF_BAD_ARGS },
		{ "MAIL FROM:<> SIZE=1\tBODY=7BIT\r\n", SC_VERB_MAIL,
		  SC_CF_BAD_ARGS },
	};
	struct sc_command cmd;
	const struct sc_command_param *p;

	RUN(cases);
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<a@example.org> "
					   "size=100 SMTPUTF8 body=7BIT\r\n"),
					 &cmd), 0);
	CU_ASSERT_EQUAL_FATAL(cmd.nparams, 3);
	p = sc_command_param_find(&cmd, "SIZE");
	CU_ASSERT_PTR_EQUAL_FATAL(p, &cmd.params[0]);
	CU_ASSERT_TRUE(p->has_value);
	CU_ASSERT_TRUE(span_is(&cmd, &p->value, "100"));
	p = sc_command_param_find(&cmd, "smtputf8");
	CU_ASSERT_PTR_EQUAL_FATAL(p, &cmd.params[1]);
	CU_ASSERT_FALSE(p->has_value);
	CU_ASSERT_EQUAL(p->value.len, 0);
	CU_ASSERT_TRUE(sc_command_span_eq(&cmd, &cmd.params[2].value,
					  "7bit"));
	CU_ASSERT_PTR_NULL(sc_command_param_find(&cmd, "SIZ"));
	CU_ASSERT_PTR_NULL(sc_command_param_find(&cmd, "RET"));

	/* "SIZE=" has a value marker but no value. */
	sc_command_parse(L("MAIL FROM:<> SIZE=\r\n"), &cmd);
	CU_ASSERT_EQUAL_FATAL(cmd.nparams, 1);
	CU_ASSERT_TRUE(cmd.params[0].has_value);
	CU_ASSERT_EQUAL(cmd.params[0].value.len, 0);
}

/* test_params_bound - more parameters than kept are still counted */
static void test_params_bound(void)
{
	char line[SC_RFC_COMMAND_LINE_MAX];
	struct sc_command cmd;
	size_t n = 0, i;

	n += (size_t)snprintf(line, sizeof(line), "MAIL FROM:<>");
	for (i = 0; i < SC_COMMAND_MAX_PARAMS + 5; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " P%zu=%zu",
				      i, i);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "\r\n");
	CU_ASSERT_EQUAL(sc_command_parse(line, n, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.nparams, SC_COMMAND_MAX_PARAMS);
	CU_ASSERT_EQUAL(cmd.params_seen, SC_COMMAND_MAX_PARAMS + 5);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.params[SC_COMMAND_MAX_PARAMS - 1]
			       .keyword, "P15"));
	/* A malformed parameter past the bound still counts. */
	n -= 2;
	n += (size_t)snprintf(line + n, sizeof(line) - n, " =x\r\n");
	CU_ASSERT_EQUAL(sc_command_parse(line, n, &cmd), SC_CF_BAD_ARGS);
}

/* test_string_verbs - VRFY, EXPN, HELP, NOOP take a String (4.1.2) */
static void test_string_verbs(void)
{
	static const struct line_case cases[] = {
		/* 3.5.1: hosts SHOULD accept local-part@domain too. */
		{ "VRFY smith@example.org\r\n", SC_VERB_VRFY, 0 },
		{ "VRFY \"John Smith\"\r\n", SC_VERB_VRFY, 0 },
		{ "EXPN \"list\"@example.org\r\n", SC_VERB_EXPN, 0 },
		/* String is one Atom or one Quoted-string. */
		{ "VRFY John Smith\r\n", SC_VERB_VRFY, SC_CF_BAD_ARGS },
		{ "VRFY <smith@example.org>\r\n", SC_VERB_VRFY,
		  SC_CF_BAD_ARGS },
		{ "VRFY \"open\r\n", SC_VERB_VRFY, SC_CF_BAD_ARGS },
		{ "HELP MAIL RCPT\r\n", SC_VERB_HELP, SC_CF_BAD_ARGS },
		{ "NOOP a.b\r\n", SC_VERB_NOOP, SC_CF_BAD_ARGS },
		{ "NOOP (comment)\r\n", SC_VERB_NOOP, SC_CF_BAD_ARGS },
		/* RFC 6531 3.7.4.2: an SMTPUTF8 parameter, and with it
		 * UTF-8 in the argument. */
		{ "VRFY smith SMTPUTF8\r\n", SC_VERB_VRFY, 0 },
		{ "EXPN d\xc3\xa9v@example.org SMTPUTF8\r\n", SC_VERB_EXPN,
		  SC_CF_8BIT },
		{ "VRFY d\xc3\xa9v\r\n", SC_VERB_VRFY,
		  SC_CF_8BIT | SC_CF_BAD_ARGS },
		{ "VRFY  SMTPUTF8\r\n", SC_VERB_VRFY, SC_CF_BAD_ARGS },
	};
	struct sc_command cmd;

	RUN(cases);
	sc_command_parse(L("VRFY smith SMTPUTF8\r\n"), &cmd);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "smith"));
	sc_command_parse(L("HELP \"a b\"\r\n"), &cmd);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "\"a b\""));
}

/* test_extension_verbs - ETRN, BDAT, AUTH arguments */
static void test_extension_verbs(void)
{
	static const struct line_case cases[] = {
		{ "ETRN #\r\n", SC_VERB_ETRN, SC_CF_BAD_ARGS },
		{ "ETRN @\r\n", SC_VERB_ETRN, SC_CF_BAD_ARGS },
		{ "ETRN example.org extra\r\n", SC_VERB_ETRN,
		  SC_CF_BAD_ARGS },
		/* chunk-size = 1*DIGIT, end-marker = "LAST" */
		{ "BDAT -1\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		{ "BDAT 10 LAS\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		{ "BDAT 10 LASTX\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		{ "BDAT 10  LAST\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		{ "BDAT LAST\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		{ "BDAT 0x10\r\n", SC_VERB_BDAT, SC_CF_BAD_ARGS },
		/* sasl-mech = 1*20mech-char */
		{ "AUTH ABCDEFGHIJKLMNOPQRST\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH ABCDEFGHIJKLMNOPQRSTU\r\n", SC_VERB_AUTH,
		  SC_CF_BAD_ARGS },
		{ "AUTH CRAM-MD5\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH SCRAM-SHA-256-PLUS\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH PL@IN\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		/* initial-response = base64 / "=" */
		{ "AUTH PLAIN dGVzdA==\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH PLAIN dGVzdDE=\r\n", SC_VERB_AUTH, 0 },
		{ "AUTH PLAIN dGVzdA\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		{ "AUTH PLAIN dG=zdA==\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		{ "AUTH PLAIN dGV===\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		{ "AUTH PLAIN ====\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		{ "AUTH PLAIN dGVz dA==\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		{ "AUTH PLAIN ==\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
		{ "AUTH PLAIN  dGVzdA==\r\n", SC_VERB_AUTH, SC_CF_BAD_ARGS },
	};
	struct sc_command cmd;

	RUN(cases);
	CU_ASSERT_EQUAL(sc_command_parse(L("BDAT 86 LAST\r\n"), &cmd), 0);
	CU_ASSERT_EQUAL(cmd.chunk_size, 86);
	CU_ASSERT_TRUE(cmd.last);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "86"));
	CU_ASSERT_EQUAL(sc_command_parse(L("BDAT 00042\r\n"), &cmd), 0);
	CU_ASSERT_EQUAL(cmd.chunk_size, 42);
	CU_ASSERT_FALSE(cmd.last);
	/* Grammatical, but too big to hold: saturated, not wrapped. */
	CU_ASSERT_EQUAL(sc_command_parse(L("BDAT 99999999999999999999999\r\n"),
					 &cmd), 0);
	CU_ASSERT_EQUAL(cmd.chunk_size, ULLONG_MAX);
	CU_ASSERT_EQUAL(sc_command_parse(L("BDAT 18446744073709551615\r\n"),
					 &cmd), 0);
	CU_ASSERT_EQUAL(cmd.chunk_size, ULLONG_MAX);
	CU_ASSERT_EQUAL(sc_command_parse(L("BDAT 18446744073709551614\r\n"),
					 &cmd), 0);
	CU_ASSERT_EQUAL(cmd.chunk_size, ULLONG_MAX - 1);

	CU_ASSERT_EQUAL(sc_command_parse(L("AUTH PLAIN AHVzZXIAcGFzcw==\r\n"),
					 &cmd), 0);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "PLAIN"));
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.initial, "AHVzZXIAcGFzcw=="));
	CU_ASSERT_EQUAL(sc_command_parse(L("AUTH LOGIN\r\n"), &cmd), 0);
	CU_ASSERT_EQUAL(cmd.initial.len, 0);
	CU_ASSERT_EQUAL(sc_command_parse(L("ETRN #q\r\n"), &cmd), 0);
	CU_ASSERT_TRUE(span_is(&cmd, &cmd.word, "#q"));
}

/* test_line_endings - 2.3.8: CRLF ends a line, nothing else does */
static void test_line_endings(void)
{
	static const struct line_case cases[] = {
		{ "QUIT", SC_VERB_QUIT, 0 },
		{ "QUIT\n", SC_VERB_QUIT, SC_CF_BARE_LF },
		{ "QUIT\r", SC_VERB_UNKNOWN, SC_CF_BARE_CR | SC_CF_BAD_VERB },
		{ "QUIT\n\r\n", SC_VERB_UNKNOWN,
		  SC_CF_BARE_LF | SC_CF_BAD_VERB },
		{ "QUIT\r\r\n", SC_VERB_UNKNOWN,
		  SC_CF_BARE_CR | SC_CF_BAD_VERB },
		{ "NOOP a\rb\r\n", SC_VERB_NOOP,
		  SC_CF_BARE_CR | SC_CF_BAD_ARGS },
		/* Two commands handed over as one line. */
		{ "RSET\r\nQUIT\r\n", SC_VERB_UNKNOWN,
		  SC_CF_BARE_CR | SC_CF_BARE_LF | SC_CF_BAD_VERB },
		{ "MAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\r\n",
		  SC_VERB_MAIL, SC_CF_BARE_LF | SC_CF_BAD_ARGS },
	};
	struct sc_command cmd;

	RUN(cases);
	sc_command_parse(L("QUIT\r\n"), &cmd);
	CU_ASSERT_EQUAL(cmd.crlf, 1);
	CU_ASSERT_EQUAL(cmd.len, 4);
	sc_command_parse(L("QUIT\n"), &cmd);
	CU_ASSERT_EQUAL(cmd.crlf, 0);
	CU_ASSERT_EQUAL(cmd.len, 4);
	sc_command_parse(L("QUIT"), &cmd);
	CU_ASSERT_EQUAL(cmd.crlf, 0);
	CU_ASSERT_EQUAL(cmd.len, 4);
}

/* test_line_len - splitting a stream into lines for the parser */
static void test_line_len(void)
{
	static const char stream[] = "MAIL FROM:<>\r\nRCPT TO:<a@b.example>"
				     "\nDATA";
	size_t n = sizeof(stream) - 1, a, b;

	a = sc_command_line_len(stream, n);
	CU_ASSERT_EQUAL(a, 14);
	b = sc_command_line_len(stream + a, n - a);
	CU_ASSERT_EQUAL(b, 22);
	CU_ASSERT_EQUAL(sc_command_line_len(stream + a + b, n - a - b), 4);
	CU_ASSERT_EQUAL(sc_command_line_len(stream, 0), 0);
	CU_ASSERT_EQUAL(sc_command_line_len(NULL, 10), 0);
	CU_ASSERT_EQUAL(sc_command_line_len("\n", 1), 1);
}

/* test_nul_and_8bit - octets outside printable US-ASCII */
static void test_nul_and_8bit(void)
{
	struct sc_command cmd;

	CU_ASSERT_EQUAL(sc_command_parse(L("QU\0IT\r\n"), &cmd),
			SC_CF_NUL | SC_CF_BAD_VERB);
	CU_ASSERT_EQUAL(cmd.verb_text.len, 5);
	CU_ASSERT_EQUAL(sc_command_parse(L("QUIT\0\r\n"), &cmd),
			SC_CF_NUL | SC_CF_BAD_VERB);
	CU_ASSERT_EQUAL(sc_command_parse(L("NOOP a\0b\r\n"), &cmd),
			SC_CF_NUL | SC_CF_BAD_ARGS);
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<a\0@example.org>\r\n"),
					 &cmd), SC_CF_NUL | SC_CF_BAD_ARGS);
	CU_ASSERT_EQUAL(sc_command_parse(L("\0"), &cmd),
			SC_CF_NUL | SC_CF_BAD_VERB);
	CU_ASSERT_EQUAL(sc_command_parse(L("\xd1\x81\xd0\xbe\r\n"), &cmd),
			SC_CF_8BIT | SC_CF_BAD_VERB);
	/* 4.1.2: 8-bit octets only in paths (RFC 6531), and flagged. */
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<j\xc3\xb6rg@"
					   "b\xc3\xbc" "cher.example> "
					   "SMTPUTF8\r\n"), &cmd),
			SC_CF_8BIT);
	CU_ASSERT_TRUE(cmd.path.utf8);
	CU_ASSERT_EQUAL(sc_command_parse(L("RCPT TO:<\"\xc3\xa9 x\"@"
					   "example.org>\r\n"), &cmd),
			SC_CF_8BIT);
	CU_ASSERT_TRUE(cmd.path.utf8);
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<a@example.org>\r\n"),
					 &cmd), 0);
	CU_ASSERT_FALSE(cmd.path.utf8);
	/* Not in EHLO domains, parameters or verbs. */
	CU_ASSERT_EQUAL(sc_command_parse(L("EHLO b\xc3\xbc" "cher.example"
					   "\r\n"), &cmd),
			SC_CF_8BIT | SC_CF_BAD_ARGS);
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<> ENVID=\xff\r\n"),
					 &cmd), SC_CF_8BIT | SC_CF_BAD_ARGS);
	/* Control octets break every grammar. */
	CU_ASSERT_EQUAL(sc_command_parse(L("EHLO a\x01.example\r\n"), &cmd),
			SC_CF_BAD_ARGS);
	CU_ASSERT_EQUAL(sc_command_parse(L("MAIL FROM:<a\x1b@example.org>"
					   "\r\n"), &cmd), SC_CF_BAD_ARGS);
}

/* test_line_too_long - 4.5.3.1.4: 512 octets including CRLF */
static void test_line_too_long(void)
{
	char line[2048];
	struct sc_command cmd;
	size_t n;

	/* "NOOP " + atom: exactly 512 with CRLF is fine, 513 is not. */
	memcpy(line, "NOOP ", 5);
	memset(line + 5, 'a', 505);
	memcpy(line + 510, "\r\n", 2);
	CU_ASSERT_EQUAL(sc_command_parse(line, 512, &cmd), 0);
	/* Without its CRLF the line is judged as if it had one. */
	CU_ASSERT_EQUAL(sc_command_parse(line, 510, &cmd), 0);
	memset(line + 5, 'a', 506);
	memcpy(line + 511, "\r\n", 2);
	CU_ASSERT_EQUAL(sc_command_parse(line, 513, &cmd),
			SC_CF_LINE_TOO_LONG);
	CU_ASSERT_EQUAL(sc_command_parse(line, 511, &cmd),
			SC_CF_LINE_TOO_LONG);
	/* Far over: still judged, and the spans reach the end. */
	n = sizeof(line);
	memset(line + 5, 'a', n - 7);
	memcpy(line + n - 2, "\r\n", 2);
	CU_ASSERT_EQUAL(sc_command_parse(line, n, &cmd),
			SC_CF_LINE_TOO_LONG);
	CU_ASSERT_EQUAL(cmd.word.len, n - 7);
	CU_ASSERT_EQUAL(cmd.len, n - 2);
}

/* test_path_limits - 4.5.3.1.1-3: local-part 64, domain 255, path 256 */
static void test_path_limits(void)
{
	static const char a74[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char line[1024];
	struct sc_command cmd;
	size_t n;

	/* A 64-octet local-part is fine, 65 is not. */
	n = (size_t)snprintf(line, sizeof(line), "MAIL FROM:<%.64s@"
			     "example.org>\r\n", a74);
	CU_ASSERT_EQUAL(sc_command_parse(line, n, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.path.local.len, 64);
	n = (size_t)snprintf(line, sizeof(line), "MAIL FROM:<%.65s@"
			     "example.org>\r\n", a74);
	CU_ASSERT_EQUAL(sc_command_parse(line, n, &cmd), SC_CF_PATH_TOO_LONG);

	/*
	 * A 254-octet mailbox makes a 256-octet path: the most allowed.
	 * The mailbox starts after "RCPT TO:<", at offset 9.
	 */
	memcpy(line, "RCPT TO:<a@", 11);
	n = 11;
	while (n < 9 + 254 - 4) {
		memcpy(line + n, "bbb.", 4);
		n += 4;
	}
	while (n < 9 + 254)
		line[n++] = 'c';
	memcpy(line + n, ">\r\n", 3);
	n += 3;
	CU_ASSERT_EQUAL_FATAL(sc_command_parse(line, n, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.path.whole.len, 256);
	/* One octet more in the domain makes the path 257. */
	memmove(line + 12, line + 11, n - 11);
	n++;
	CU_ASSERT_EQUAL(sc_command_parse(line, n, &cmd), SC_CF_PATH_TOO_LONG);
	CU_ASSERT_EQUAL(cmd.path.whole.len, 257);
}

/* test_flaw_texts - every flaw bit has a name and an RFC explanation */
static void test_flaw_texts(void)
{
	unsigned bit;

	for (bit = SC_CF_BAD_VERB; bit <= SC_CF_TRAILING_SPACE; bit <<= 1) {
		CU_ASSERT_STRING_NOT_EQUAL(sc_command_flaw_name(bit),
					   "unknown");
		CU_ASSERT_PTR_NOT_NULL(strstr(sc_command_flaw_text(bit),
					      "RFC"));
	}
	CU_ASSERT_STRING_EQUAL(sc_command_flaw_name(SC_CF_BAD_ARGS),
			       "bad-args");
	CU_ASSERT_STRING_EQUAL(sc_command_flaw_name(SC_CF_LINE_TOO_LONG),
			       "line-too-long");
	CU_ASSERT_STRING_EQUAL(sc_command_flaw_name(1u << 30), "unknown");
	CU_ASSERT_PTR_NOT_NULL(strstr(sc_command_flaw_text(
		SC_CF_LINE_TOO_LONG), "512"));
}

/* test_span_helpers - bounds of the span helpers */
static void test_span_helpers(void)
{
	struct sc_command cmd;
	struct sc_command_span bad;

	sc_command_parse(L("EHLO Client.Example.Org\r\n"), &cmd);
	CU_ASSERT_TRUE(sc_command_span_eq(&cmd, &cmd.word,
					  "client.example.org"));
	CU_ASSERT_FALSE(sc_command_span_eq(&cmd, &cmd.word, "client"));
	CU_ASSERT_FALSE(sc_command_span_eq(&cmd, &cmd.word, NULL));
	/* A span outside the line never reads past it. */
	bad.off = cmd.len;
	bad.len = 1;
	CU_ASSERT_FALSE(sc_command_span_eq(&cmd, &bad, "x"));
	bad.off = (size_t)-1;
	bad.len = 2;
	CU_ASSERT_FALSE(sc_command_span_eq(&cmd, &bad, "xy"));
	CU_ASSERT_PTR_NULL(sc_command_param_find(NULL, "SIZE"));
	CU_ASSERT_EQUAL(sc_command_parse(L("QUIT\r\n"), NULL),
			SC_CF_BAD_VERB);
	CU_ASSERT_EQUAL(sc_command_parse(NULL, 10, &cmd), SC_CF_BAD_VERB);
	CU_ASSERT_EQUAL(cmd.len, 0);
}

/*
 * test_hostile_lines - every byte value after each verb, and long runs
 * of structure characters: bounded, no crash (run under ASan).
 */
static void test_hostile_lines(void)
{
	static const struct {
		const char *head;
		enum sc_verb verb;
	} heads[] = {
		{ "MAIL FROM:<", SC_VERB_MAIL },
		{ "RCPT TO:<@", SC_VERB_RCPT },
		{ "EHLO [IPv6:", SC_VERB_EHLO },
		{ "AUTH PLAIN ", SC_VERB_AUTH },
		{ "BDAT ", SC_VERB_BDAT },
		{ "VRFY \"", SC_VERB_VRFY },
		{ "MAIL FROM:<\"", SC_VERB_MAIL },
		{ "EHLO [", SC_VERB_EHLO },
	};
	char line[600];
	struct sc_command cmd;
	size_t h, n, k;
	int c;

	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		n = strlen(heads[h].head);
		memcpy(line, heads[h].head, n);
		for (c = 0; c < 256; c++) {
			for (k = n; k < sizeof(line); k++)
				line[k] = (char)c;
			sc_command_parse(line, sizeof(line), &cmd);
			CU_ASSERT_TRUE(cmd.flaws & SC_CF_LINE_TOO_LONG);
			CU_ASSERT_TRUE(cmd.len <= sizeof(line));
			/* The verb ends at the head's first SP. */
			CU_ASSERT_EQUAL(cmd.verb, heads[h].verb);
			sc_command_parse(line, n + 1, &cmd);
			CU_ASSERT_EQUAL(cmd.verb, heads[h].verb);
			CU_ASSERT_TRUE(cmd.len <= n + 1);
		}
	}
}

/* test_register - add the command suite */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "every verb", test_every_verb },
		{ "verb table", test_verb_table },
		{ "bad verbs", test_bad_verbs },
		{ "argument presence", test_argument_presence },
		{ "trailing space", test_trailing_space },
		{ "EHLO / HELO", test_ehlo_helo },
		{ "MAIL paths", test_mail_paths },
		{ "MAIL spans", test_mail_spans },
		{ "RCPT paths", test_rcpt_paths },
		{ "ESMTP parameters", test_params },
		{ "parameter bound", test_params_bound },
		{ "string verbs", test_string_verbs },
		{ "extension verbs", test_extension_verbs },
		{ "line endings", test_line_endings },
		{ "line splitting", test_line_len },
		{ "NUL and 8-bit", test_nul_and_8bit },
		{ "line too long", test_line_too_long },
		{ "path limits", test_path_limits },
		{ "flaw texts", test_flaw_texts },
		{ "span helpers", test_span_helpers },
		{ "hostile lines", test_hostile_lines },
		{ NULL, NULL }
	};

	return test_add_suite("command", cases);
}
