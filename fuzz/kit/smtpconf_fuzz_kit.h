/*
 * smtpconf_fuzz_kit.h - fuzz your own SMTP command parser in process,
 * with smtpconf's session-level mutator, dictionary and corpora.
 *
 * Over the wire (`smtpconf fuzz`) a session costs a connection and a
 * round trip per line, and libFuzzer's coverage sees only the harness.
 * Linked into your server's own parser, the same mutator runs at
 * thousands of sessions a second and libFuzzer sees your code's
 * branches.  You write three functions:
 *
 *   void *smtpconf_kit_begin(void);          a fresh session state
 *   void smtpconf_kit_line(void *state, const char *line, size_t len);
 *                                            one line as the client
 *                                            sent it, terminator kept
 *   void smtpconf_kit_end(void *state);      free it (and check it)
 *
 * then, in exactly one .c file:
 *
 *   #define SMTPCONF_FUZZ_KIT_MAIN
 *   #include "smtpconf_fuzz_kit.h"
 *
 * which defines LLVMFuzzerTestOneInput (split the input into lines,
 * feed them in order) and LLVMFuzzerCustomMutator (mutate.h).  Build
 * with clang and link libsmtpconf.a (harness/include on the include
 * path):
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Iharness/include \
 *         -Ifuzz/kit my_target.c my_parser.c build/libsmtpconf.a \
 *         -lssl -lcrypto -lpcap -o my_target
 *   SMTPCONF_FUZZ_DICT=fuzz/smtp.dict ./my_target corpus/ corpora/live
 *
 * fuzz/kit/example_target.c does this for a toy parser
 * (example_parser.c); CI builds and runs it so this header cannot rot.
 * Abort (or let a sanitizer abort) in your functions when a promise of
 * your parser breaks: libFuzzer keeps the input.
 */
#ifndef SMTPCONF_FUZZ_KIT_H
#define SMTPCONF_FUZZ_KIT_H

#include <stddef.h>
#include <stdint.h>
#include "smtpconf/command.h"
#include "smtpconf/mutate.h"

void *smtpconf_kit_begin(void);
void smtpconf_kit_line(void *state, const char *line, size_t len);
void smtpconf_kit_end(void *state);

#ifdef SMTPCONF_FUZZ_KIT_MAIN
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed);

/*
 * smtpconf_kit_mutator - the mutator, with the dictionary loaded:
 * SMTPCONF_FUZZ_DICT, else smtp.dict beside the target binary
 */
static struct sc_mutator *smtpconf_kit_mutator(void)
{
	static struct sc_mutator m;
	static int ready;
	struct sc_error err;

	if (ready)
		return &m;
	ready = 1;
	sc_mutator_init(&m, 1);
	sc_error_clear(&err);
	if (sc_mutator_load_default_dict(&m, &err) != SC_OK)
		fprintf(stderr, "smtpconf fuzz kit: %s:%u: %s\n",
			err.file, err.line, err.msg);
	return &m;
}

/* LLVMFuzzerCustomMutator - smtpconf's session-level mutator */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed)
{
	struct sc_mutator *m = smtpconf_kit_mutator();

	sc_rng_seed(&m->rng, seed);
	return sc_mutate_session(m, (char *)data, size, max, NULL, 0);
}

/* LLVMFuzzerTestOneInput - the session, line by line, into your parser */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	void *state = smtpconf_kit_begin();
	size_t n;

	while (size > 0) {
		n = sc_command_line_len(p, size);
		smtpconf_kit_line(state, p, n);
		p += n;
		size -= n;
	}
	smtpconf_kit_end(state);
	return 0;
}
#endif /* SMTPCONF_FUZZ_KIT_MAIN */

#endif
