/*
 * fuzz_command.c - libFuzzer target for the command-line classifier
 * (command.c).
 *
 * The input is what a client might send.  It is parsed whole, as one
 * line, and then line by line as a server would split it with
 * sc_command_line_len.  command.h's promises are checked on every
 * result: each span lies inside the line, the parameters kept stay
 * within their bound, only known flaw bits are set and each has a name,
 * a known verb is the verb that was sent, and a line without its CRLF
 * is judged exactly as the same line with one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/command.h"

/* Every flaw bit command.h defines. */
#define ALL_FLAWS	(SC_CF_BAD_VERB | SC_CF_BAD_ARGS | \
			 SC_CF_LINE_TOO_LONG | SC_CF_BARE_CR | \
			 SC_CF_BARE_LF | SC_CF_NUL | SC_CF_8BIT | \
			 SC_CF_PATH_TOO_LONG | SC_CF_TRAILING_SPACE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - report a broken promise and crash so the fuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_command: %s\n", what);
	abort();
}

/* check_span - a span must lie inside the parsed line */
static void check_span(const struct sc_command *cmd,
		       const struct sc_command_span *sp)
{
	if (sp->len > cmd->len || sp->off > cmd->len - sp->len)
		fail("span outside the line");
}

/* check_path - every span of the path, and its flags' consistency */
static void check_path(const struct sc_command *cmd)
{
	const struct sc_command_path *p = &cmd->path;

	check_span(cmd, &p->whole);
	check_span(cmd, &p->route);
	check_span(cmd, &p->local);
	check_span(cmd, &p->domain);
	if ((p->null || p->postmaster) && !p->present)
		fail("a path flag without a path");
	if (p->present && cmd->buf[p->whole.off] != '<')
		fail("a path that does not start with <");
}

/* check_params - parameter bounds, spans and lookup */
static void check_params(const struct sc_command *cmd)
{
	char kw[64];
	size_t i, n;

	if (cmd->nparams > SC_COMMAND_MAX_PARAMS ||
	    cmd->nparams > cmd->params_seen)
		fail("parameter counts out of bounds");
	for (i = 0; i < cmd->nparams; i++) {
		const struct sc_command_param *prm = &cmd->params[i];

		check_span(cmd, &prm->keyword);
		check_span(cmd, &prm->value);
		if (!prm->has_value && prm->value.len != 0)
			fail("a value without =");
		/* A NUL-free keyword must be found by its own name. */
		n = prm->keyword.len;
		if (n == 0 || n >= sizeof(kw) ||
		    memchr(cmd->buf + prm->keyword.off, '\0', n) != NULL)
			continue;
		memcpy(kw, cmd->buf + prm->keyword.off, n);
		kw[n] = '\0';
		if (sc_command_param_find(cmd, kw) == NULL)
			fail("a kept parameter is not found by its keyword");
	}
}

/* check_flaws - only known bits, each with a name and a text */
static void check_flaws(const struct sc_command *cmd, unsigned ret)
{
	unsigned bit;

	if (ret != cmd->flaws || (ret & ~(unsigned)ALL_FLAWS) != 0)
		fail("unknown flaw bits");
	for (bit = 1; bit != 0 && bit <= ALL_FLAWS; bit <<= 1)
		if ((ret & bit) &&
		    (strcmp(sc_command_flaw_name(bit), "unknown") == 0 ||
		     strstr(sc_command_flaw_text(bit), "RFC") == NULL))
			fail("a flaw without a name or an RFC text");
	if ((cmd->verb == SC_VERB_UNKNOWN) != ((ret & SC_CF_BAD_VERB) != 0))
		fail("bad-verb and the verb disagree");
}

/* check_command - all promises about one parse */
static void check_command(const struct sc_command *cmd, unsigned ret,
			  const char *buf, size_t len)
{
	const struct sc_verb_info *vi;

	if (cmd->buf != buf || cmd->len > len)
		fail("the line is not the one given");
	check_span(cmd, &cmd->verb_text);
	check_span(cmd, &cmd->args);
	check_span(cmd, &cmd->word);
	check_span(cmd, &cmd->initial);
	check_path(cmd);
	check_params(cmd);
	check_flaws(cmd, ret);
	vi = sc_verb_get(cmd->verb);
	if (cmd->verb != SC_VERB_UNKNOWN && (vi == NULL ||
	    !sc_command_span_eq(cmd, &cmd->verb_text, vi->name)))
		fail("the verb is not what was sent");
}

/* same_result - do two parses of the same line content agree? */
static int same_result(const struct sc_command *a, const struct sc_command *b)
{
	return a->verb == b->verb && a->flaws == b->flaws &&
	       a->len == b->len && a->nparams == b->nparams &&
	       a->params_seen == b->params_seen &&
	       a->args.len == b->args.len && a->word.len == b->word.len &&
	       a->path.whole.len == b->path.whole.len &&
	       a->chunk_size == b->chunk_size && a->last == b->last;
}

/* check_with_crlf - "X" and "X\r\n" are the same line */
static void check_with_crlf(const char *buf, size_t len,
			    const struct sc_command *bare)
{
	struct sc_command cmd;
	char *copy;

	if (len > 0 && buf[len - 1] == '\n')
		return;		/* already ended: adding CRLF changes it */
	copy = malloc(len + 2);
	if (copy == NULL)
		return;
	if (len > 0)
		memcpy(copy, buf, len);
	memcpy(copy + len, "\r\n", 2);
	check_command(&cmd, sc_command_parse(copy, len + 2, &cmd), copy,
		      len + 2);
	if (!cmd.crlf || !same_result(bare, &cmd))
		fail("the line judged differently with its CRLF");
	free(copy);
}

/* LLVMFuzzerTestOneInput - data as one line, then as a stream of lines */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sc_command cmd;
	size_t n;

	check_command(&cmd, sc_command_parse(buf, size, &cmd), buf, size);
	check_with_crlf(buf, size, &cmd);
	while (size > 0) {
		n = sc_command_line_len(buf, size);
		if (n == 0 || n > size)
			fail("sc_command_line_len out of bounds");
		check_command(&cmd, sc_command_parse(buf, n, &cmd), buf, n);
		/* Only the last line can lack its LF. */
		if (n < size && buf[n - 1] != '\n')
			fail("a line split elsewhere than after LF");
		buf += n;
		size -= n;
	}
	return 0;
}
