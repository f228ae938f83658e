/*
 * test_waivers.c - the waiver file format (waivers.h): comments, blank
 * lines, CRLF, the required reason, the bounds, and first-match rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cunit_main.h"
#include "smtpconf/waivers.h"

#define LINE_MAX_BYTES	4096
#define FILE_MAX_BYTES	(1024 * 1024)

/* parse - sc_waivers_parse on a string literal */
static int parse(const char *text, size_t len, struct sc_waivers *w,
		 struct sc_error *err)
{
	sc_error_clear(err);
	return sc_waivers_parse(text, len, "ci/waivers.txt", w, err);
}

#define PARSE(lit, w, err) parse(lit, sizeof(lit) - 1, w, err)

/* Patterns and reasons, with comments and blank lines skipped. */
static void test_parse_basic(void)
{
	static const char text[] =
		"# known deviations of our MTA\n"
		"rfc5321/commands/vrfy   VRFY disabled by policy\n"
		"\n"
		"   \t \n"
		"  # indented comment\n"
		"rfc5321/pipelining/*\tpipelining off on this host  \n"
		"rfc3207/starttls-*  \t  ticket #42: TLS # not a comment\n";
	struct sc_waivers w;
	struct sc_error err;

	CU_ASSERT_EQUAL_FATAL(PARSE(text, &w, &err), SC_OK);
	CU_ASSERT_EQUAL_FATAL(w.count, 3);
	CU_ASSERT_STRING_EQUAL(w.path, "ci/waivers.txt");
	CU_ASSERT_STRING_EQUAL(w.items[0].pattern, "rfc5321/commands/vrfy");
	CU_ASSERT_STRING_EQUAL(w.items[0].reason, "VRFY disabled by policy");
	CU_ASSERT_EQUAL(w.items[0].line, 2);
	CU_ASSERT_STRING_EQUAL(w.items[1].pattern, "rfc5321/pipelining/*");
	CU_ASSERT_STRING_EQUAL(w.items[1].reason,
			       "pipelining off on this host");
	CU_ASSERT_EQUAL(w.items[1].line, 6);
	CU_ASSERT_STRING_EQUAL(w.items[2].reason,
			       "ticket #42: TLS # not a comment");
	CU_ASSERT_EQUAL(w.items[2].line, 7);
	CU_ASSERT_EQUAL(w.items[0].used, 0);
	sc_waivers_free(&w);
	CU_ASSERT_EQUAL(w.count, 0);
	CU_ASSERT_PTR_NULL(w.items);
	sc_waivers_free(&w);	/* a second free is harmless */
}

/* CRLF line ends are tolerated and not part of the reason. */
static void test_parse_crlf(void)
{
	struct sc_waivers w;
	struct sc_error err;

	CU_ASSERT_EQUAL_FATAL(PARSE("# c\r\na  one\r\n\r\nb\ttwo\r\n", &w,
				    &err), SC_OK);
	CU_ASSERT_EQUAL_FATAL(w.count, 2);
	CU_ASSERT_STRING_EQUAL(w.items[0].reason, "one");
	CU_ASSERT_STRING_EQUAL(w.items[1].reason, "two");
	CU_ASSERT_EQUAL(w.items[1].line, 4);
	sc_waivers_free(&w);
}

/* The last line need not end in a newline; empty input is no waivers. */
static void test_parse_edges(void)
{
	struct sc_waivers w;
	struct sc_error err;

	CU_ASSERT_EQUAL_FATAL(PARSE("id reason", &w, &err), SC_OK);
	CU_ASSERT_EQUAL_FATAL(w.count, 1);
	CU_ASSERT_STRING_EQUAL(w.items[0].pattern, "id");
	CU_ASSERT_STRING_EQUAL(w.items[0].reason, "reason");
	sc_waivers_free(&w);

	CU_ASSERT_EQUAL(PARSE("", &w, &err), SC_OK);
	CU_ASSERT_EQUAL(w.count, 0);
	sc_waivers_free(&w);
	CU_ASSERT_EQUAL(parse(NULL, 0, &w, &err), SC_OK);
	CU_ASSERT_EQUAL(w.count, 0);
	sc_waivers_free(&w);

	CU_ASSERT_EQUAL(PARSE("\n\n# only comments\n", &w, &err), SC_OK);
	CU_ASSERT_EQUAL(w.count, 0);
	sc_waivers_free(&w);

	/* any non-blank bytes make a pattern; reasons may be any bytes */
	CU_ASSERT_EQUAL_FATAL(PARSE("[x-*?]{ caf\xc3\xa9 \xff\n", &w, &err),
			      SC_OK);
	CU_ASSERT_STRING_EQUAL(w.items[0].pattern, "[x-*?]{");
	CU_ASSERT_STRING_EQUAL(w.items[0].reason, "caf\xc3\xa9 \xff");
	sc_waivers_free(&w);
}

/* "waiver for 'x' has no reason" at file:line; nothing is kept. */
static void test_missing_reason(void)
{
	struct sc_waivers w;
	struct sc_error err;

	CU_ASSERT_EQUAL(PARSE("ok  fine\n# c\nlonely\nlater  fine\n", &w,
			      &err), SC_ERR_SYNTAX);
	CU_ASSERT_STRING_EQUAL(err.file, "ci/waivers.txt");
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_STRING_EQUAL(err.msg, "waiver for 'lonely' has no reason");
	CU_ASSERT_EQUAL(w.count, 0);
	CU_ASSERT_PTR_NULL(w.items);
	CU_ASSERT_PTR_NULL(w.path);

	/* blanks after the pattern are not a reason */
	CU_ASSERT_EQUAL(PARSE("  spaced \t  \r\n", &w, &err), SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_STRING_EQUAL(err.msg, "waiver for 'spaced' has no reason");
}

/* A hostile pattern is quoted escaped, never raw, in the message. */
static void test_error_message_escaped(void)
{
	struct sc_waivers w;
	struct sc_error err;
	char line[400];

	CU_ASSERT_EQUAL(PARSE("\x1b[2J\xff\n", &w, &err), SC_ERR_SYNTAX);
	CU_ASSERT_STRING_EQUAL(err.msg,
			       "waiver for '\\x1b[2J\\xff' has no reason");
	CU_ASSERT_PTR_NULL(strchr(err.msg, 0x1b));

	/* a long pattern is clipped, so the message stays readable */
	memset(line, 'p', sizeof(line));
	CU_ASSERT_EQUAL(parse(line, sizeof(line), &w, &err), SC_ERR_SYNTAX);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "more bytes]"));
	CU_ASSERT(strlen(err.msg) < 200);
}

/* A line may hold 4096 bytes (terminator excluded), not more. */
static void test_line_limit(void)
{
	struct sc_waivers w;
	struct sc_error err;
	char *text = malloc(LINE_MAX_BYTES + 16);
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memset(text, 'r', LINE_MAX_BYTES + 16);
	memcpy(text, "id ", 3);
	memcpy(text + LINE_MAX_BYTES, "\r\n", 2);
	n = LINE_MAX_BYTES + 2;
	CU_ASSERT_EQUAL(parse(text, n, &w, &err), SC_OK);
	CU_ASSERT_EQUAL(w.count, 1);
	if (w.count == 1)
		CU_ASSERT_EQUAL(strlen(w.items[0].reason), LINE_MAX_BYTES - 3);
	sc_waivers_free(&w);

	memset(text, 'r', LINE_MAX_BYTES + 16);
	memcpy(text, "ok fine\nid ", 11);
	text[8 + LINE_MAX_BYTES + 1] = '\n';
	CU_ASSERT_EQUAL(parse(text, 8 + LINE_MAX_BYTES + 2, &w, &err),
			SC_ERR_LIMIT);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "4096"));
	CU_ASSERT_EQUAL(w.count, 0);
	free(text);
}

/* A NUL byte is rejected: it would cut the reason short silently. */
static void test_nul_rejected(void)
{
	static const char text[] = "a  b\nid  reason\0hidden\n";
	struct sc_waivers w;
	struct sc_error err;

	CU_ASSERT_EQUAL(parse(text, sizeof(text) - 1, &w, &err),
			SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_EQUAL(w.count, 0);
}

/* A file may hold 1 MiB, not more. */
static void test_file_limit(void)
{
	struct sc_waivers w;
	struct sc_error err;
	char *text = malloc(FILE_MAX_BYTES + 1);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* 1 MiB of 64-byte comment lines, then one more byte */
	for (i = 0; i < FILE_MAX_BYTES; i += 64) {
		memset(text + i, ' ', 64);
		text[i] = '#';
		text[i + 63] = '\n';
	}
	CU_ASSERT_EQUAL(parse(text, FILE_MAX_BYTES, &w, &err), SC_OK);
	CU_ASSERT_EQUAL(w.count, 0);
	sc_waivers_free(&w);
	text[FILE_MAX_BYTES] = '\n';
	CU_ASSERT_EQUAL(parse(text, FILE_MAX_BYTES + 1, &w, &err),
			SC_ERR_LIMIT);
	CU_ASSERT_STRING_EQUAL(err.file, "ci/waivers.txt");
	CU_ASSERT_EQUAL(w.count, 0);
	free(text);
}

/* write_file - a scratch file with the given bytes */
static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Loading from disk: same rules, errors name the file. */
static void test_load(void)
{
	char path[] = "/tmp/sc_waivers_XXXXXX";
	struct sc_waivers w;
	struct sc_error err;
	char *big;
	int fd;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	write_file(path, "a/*  reason a\n", 14);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_waivers_load(path, &w, &err), SC_OK);
	CU_ASSERT_EQUAL(w.count, 1);
	CU_ASSERT_STRING_EQUAL(w.path, path);
	sc_waivers_free(&w);

	write_file(path, "a/*\n", 4);
	CU_ASSERT_EQUAL(sc_waivers_load(path, &w, &err), SC_ERR_SYNTAX);
	CU_ASSERT_STRING_EQUAL(err.file, path);
	CU_ASSERT_EQUAL(err.line, 1);

	big = malloc(FILE_MAX_BYTES + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '\n', FILE_MAX_BYTES + 2);
	write_file(path, big, FILE_MAX_BYTES + 2);
	free(big);
	CU_ASSERT_EQUAL(sc_waivers_load(path, &w, &err), SC_ERR_LIMIT);
	CU_ASSERT_EQUAL(w.count, 0);
	unlink(path);

	CU_ASSERT_EQUAL(sc_waivers_load(path, &w, &err), SC_ERR_IO);
	CU_ASSERT_STRING_EQUAL(err.file, path);
	CU_ASSERT_EQUAL(w.count, 0);
}

/* The first matching waiver wins and counts its use. */
static void test_match(void)
{
	static const char text[] =
		"rfc5321/commands/vrfy  exact\n"
		"rfc5321/*              the whole area\n"
		"*/expn                 never reached for rfc5321 ids\n";
	struct sc_waivers w;
	struct sc_error err;
	struct sc_waiver *m;

	CU_ASSERT_EQUAL_FATAL(PARSE(text, &w, &err), SC_OK);
	m = sc_waivers_match(&w, "rfc5321/commands/vrfy");
	CU_ASSERT_PTR_EQUAL(m, &w.items[0]);
	m = sc_waivers_match(&w, "rfc5321/commands/expn");
	CU_ASSERT_PTR_EQUAL(m, &w.items[1]);	/* '*' spans '/' */
	m = sc_waivers_match(&w, "rfc1869/expn");
	CU_ASSERT_PTR_EQUAL(m, &w.items[2]);
	CU_ASSERT_PTR_NULL(sc_waivers_match(&w, "rfc3207/starttls"));
	CU_ASSERT_PTR_NULL(sc_waivers_match(&w, "rfc5321"));
	sc_waivers_match(&w, "rfc5321/x");
	CU_ASSERT_EQUAL(w.items[0].used, 1);
	CU_ASSERT_EQUAL(w.items[1].used, 2);
	CU_ASSERT_EQUAL(w.items[2].used, 1);
	CU_ASSERT_PTR_NULL(sc_waivers_match(&w, NULL));
	CU_ASSERT_PTR_NULL(sc_waivers_match(NULL, "rfc5321/x"));
	sc_waivers_free(&w);
	CU_ASSERT_PTR_NULL(sc_waivers_match(&w, "rfc5321/x"));
}

static const struct test_case cases[] = {
	{ "parse_basic", test_parse_basic },
	{ "parse_crlf", test_parse_crlf },
	{ "parse_edges", test_parse_edges },
	{ "missing_reason", test_missing_reason },
	{ "error_message_escaped", test_error_message_escaped },
	{ "line_limit", test_line_limit },
	{ "nul_rejected", test_nul_rejected },
	{ "file_limit", test_file_limit },
	{ "load", test_load },
	{ "match", test_match },
	{ NULL, NULL }
};

/* test_register - add the waivers suite */
int test_register(void)
{
	return test_add_suite("waivers", cases);
}
