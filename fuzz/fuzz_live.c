/*
 * fuzz_live.c - libFuzzer target for a live SMTP server, driven by the
 * session-level mutator (mutate.h) as LLVMFuzzerCustomMutator.
 *
 * With SMTPCONF_FUZZ_TARGET=HOST:PORT in the environment every input
 * is an SMTP session played against that server (fuzz.h); a crash is
 * only seen as a close here (libFuzzer does not manage the server:
 * use `smtpconf fuzz --spawn` for that), a hang, a close without 421
 * or 221, or a broken reply aborts, so libFuzzer saves the input.
 * Replay a saved input with `smtpconf fuzz --corpus` or turn it into
 * a scenario with the CLI (docs/fuzzing.md).
 *
 * Without the variable, as in CI and in the replay build, the input
 * exercises the mutator itself: mutating the same input with the same
 * seed twice must give the same bytes, never more than the room
 * given, and a session that is already at its size bound must stay
 * within it.  SMTPCONF_FUZZ_DICT names the dictionary (fuzz/smtp.dict);
 * without it smtp.dict beside the binary is used (an OSS-Fuzz build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/fuzz.h"
#include "smtpconf/mutate.h"

#define ROOM	4096	/* the mutator's room in the self-check */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed);

static struct sc_mutator mut;
static struct sc_fuzz_options opts;
static int ready, live;

/* setup - once: the dictionary, and the server when one is named */
static void setup(void)
{
	const char *target = getenv("SMTPCONF_FUZZ_TARGET");
	struct sc_error err;

	ready = 1;
	sc_mutator_init(&mut, 1);
	sc_error_clear(&err);
	/* A broken dictionary is said once; the target runs without it. */
	if (sc_mutator_load_default_dict(&mut, &err) != SC_OK)
		fprintf(stderr, "fuzz_live: %s:%u: %s\n", err.file,
			err.line, err.msg);
	sc_fuzz_options_init(&opts);
	sc_error_clear(&err);
	if (target != NULL && *target &&
	    sc_target_parse(target, opts.run.host, sizeof(opts.run.host),
			    opts.run.port, sizeof(opts.run.port),
			    &err) == SC_OK)
		live = 1;
}

/* LLVMFuzzerCustomMutator - the session-level mutator, seeded by libFuzzer */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed)
{
	if (!ready)
		setup();
	sc_rng_seed(&mut.rng, seed);
	return sc_mutate_session(&mut, (char *)data, size, max, NULL, 0);
}

/* fail - a broken promise of the mutator */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_live: %s\n", what);
	abort();
}

/* check_mutator - deterministic, bounded */
static void check_mutator(const uint8_t *data, size_t size)
{
	static char a[ROOM], b[ROOM];
	size_t n = size < ROOM ? size : ROOM, la, lb, room;
	unsigned seed = (unsigned)size * 2654435761u;

	/* The room ranges from the input's size to 63 bytes more. */
	room = n + (size ? data[0] % 64 : 64);
	if (room > ROOM)
		room = ROOM;
	memcpy(a, data, n);
	memcpy(b, data, n);
	sc_rng_seed(&mut.rng, seed);
	la = sc_mutate_session(&mut, a, n, room, NULL, 0);
	sc_rng_seed(&mut.rng, seed);
	lb = sc_mutate_session(&mut, b, n, room, (const char *)data, n);
	if (la > room || lb > room)
		fail("the mutator wrote past its room");
	sc_rng_seed(&mut.rng, seed);
	memcpy(b, data, n);
	lb = sc_mutate_session(&mut, b, n, room, NULL, 0);
	if (la != lb || memcmp(a, b, la) != 0)
		fail("the same seed gave two different sessions");
}

/* LLVMFuzzerTestOneInput - play the session, or check the mutator */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_fuzz_outcome *out;
	struct sc_error err;

	if (!ready)
		setup();
	if (!live) {
		check_mutator(data, size);
		return 0;
	}
	out = malloc(sizeof(*out));
	if (out == NULL)
		return 0;
	sc_error_clear(&err);
	if (sc_fuzz_run_session(&opts, (const char *)data, size, out,
				&err) == SC_OK && out->oracle != SC_FUZZ_NONE) {
		fprintf(stderr, "fuzz_live: %s: %s\n",
			sc_fuzz_oracle_name(out->oracle), out->what);
		abort();
	}
	free(out);
	return 0;
}
