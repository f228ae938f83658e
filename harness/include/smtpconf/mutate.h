/*
 * mutate.h - a session-level mutator for fuzzing SMTP servers.
 *
 * A fuzz input is an SMTP session: the bytes a client sends, taken as
 * one write per line (split after each LF, sc_command_line_len).  The
 * mutator works on lines and on the parts of a line that the command
 * parser (command.h) finds: it inserts, drops, repeats, swaps and
 * splices commands, and changes verbs, paths, parameters, lengths,
 * case, line endings, NULs and UTF-8, with tokens from a dictionary
 * in libFuzzer's format (fuzz/smtp.dict).  The first line (EHLO in
 * every seed) is left alone most of the time, so most inputs get past
 * the greeting and EHLO and reach MAIL, RCPT, DATA, BDAT, AUTH and
 * STARTTLS.  The dictionary's verbs and keywords are also inserted as
 * whole commands, only where the server reads a command (not inside
 * message text, a BDAT chunk or an AUTH exchange, not after QUIT or
 * STARTTLS), so that a verb only the dictionary knows (XCLIENT)
 * reaches the server's command parser.
 *
 * Deterministic: the same seed, input and dictionary give the same
 * output.  It serves libFuzzer (LLVMFuzzerCustomMutator, fuzz/
 * fuzz_live.c and the kit in fuzz/kit/) and smtpconf's own loop
 * (`smtpconf fuzz`), so a gcc build fuzzes without libFuzzer.
 */
#ifndef SMTPCONF_MUTATE_H
#define SMTPCONF_MUTATE_H

#include <stddef.h>
#include "smtpconf/limits.h"
#include "smtpconf/status.h"

/* A small deterministic generator (splitmix64). */
struct sc_rng {
	unsigned long long state;
};

/* sc_rng_seed - start the generator from a seed */
void sc_rng_seed(struct sc_rng *r, unsigned long long seed);
/* sc_rng_next - the next 64 random bits */
unsigned long long sc_rng_next(struct sc_rng *r);
/* sc_rng_below - a number in [0, n); 0 when n is 0 */
size_t sc_rng_below(struct sc_rng *r, size_t n);

/* The mutations, in the order of the table in mutate.c. */
enum sc_mutation {
	SC_MUT_INSERT, SC_MUT_DROP, SC_MUT_REPEAT, SC_MUT_SWAP,
	SC_MUT_SPLICE, SC_MUT_VERB, SC_MUT_PATH, SC_MUT_PARAM,
	SC_MUT_LENGTH, SC_MUT_CASE, SC_MUT_EOL, SC_MUT_NUL, SC_MUT_UTF8,
	SC_MUT_DICT, SC_MUT_NUMBER, SC_MUT_BYTE, SC_MUT_COMMAND,
	SC_MUT_COUNT
};

struct sc_mutator {
	struct sc_rng rng;
	char *tokens[SC_FUZZ_MAX_TOKENS];	/* the dictionary */
	size_t token_len[SC_FUZZ_MAX_TOKENS];
	size_t ntokens;
	/* Tokens that start with a command word (mutate.c, token_word):
	 * words[] all of them, verbs[] the upper-case ones followed by a
	 * blank or ":", as smtp.dict writes verbs ("XCLIENT "). */
	size_t words[SC_FUZZ_MAX_TOKENS], nwords;
	size_t verbs[SC_FUZZ_MAX_TOKENS], nverbs;
	unsigned long applied[SC_MUT_COUNT];	/* mutations made, per kind */
};

/* sc_mutator_init - a mutator with an empty dictionary */
void sc_mutator_init(struct sc_mutator *m, unsigned long long seed);
/* sc_mutator_add_token - add one dictionary entry (copied) */
int sc_mutator_add_token(struct sc_mutator *m, const char *tok, size_t len);
/*
 * sc_mutator_load_dict - entries of a libFuzzer/AFL dictionary text:
 * `name="value"` or `"value"` lines, `#` comments, escapes \\ \" \xHH.
 * A malformed line is an SC_ERR_SYNTAX at file:line.
 */
int sc_mutator_load_dict(struct sc_mutator *m, const char *text,
			 size_t len, const char *file, struct sc_error *err);
/*
 * sc_mutator_load_default_dict - the dictionary a fuzz target uses:
 * the file $SMTPCONF_FUZZ_DICT names, else smtp.dict beside the
 * running program (where fuzz/oss-fuzz-build.sh puts it: libFuzzer's
 * -dict= does not reach a custom mutator).  SC_OK with nothing loaded
 * when neither exists; errors for a file that is there but unreadable
 * or malformed.
 */
int sc_mutator_load_default_dict(struct sc_mutator *m, struct sc_error *err);
/* sc_mutator_free - release the dictionary */
void sc_mutator_free(struct sc_mutator *m);

/*
 * sc_mutate_session - mutate the session data[0..size) in place (the
 * buffer holds max bytes) with one to four mutations; other, when not
 * NULL, is a second session to splice from.  Returns the new size,
 * at most max.
 */
size_t sc_mutate_session(struct sc_mutator *m, char *data, size_t size,
			 size_t max, const char *other, size_t other_len);
/*
 * sc_mutate_one - apply mutation k once to the session data[0..size)
 * (buffer of max bytes); the new size, or size when k does not apply.
 * For tests of one mutation; sc_mutate_session picks them itself.
 */
size_t sc_mutate_one(struct sc_mutator *m, enum sc_mutation k, char *data,
		     size_t size, size_t max);
/* sc_mutation_name - "insert", "drop", ... for statistics */
const char *sc_mutation_name(enum sc_mutation k);

/* sc_fuzz_seed_count - how many built-in seed sessions there are */
size_t sc_fuzz_seed_count(void);
/* sc_fuzz_seed - built-in seed session i (same as corpora/live/) */
const char *sc_fuzz_seed(size_t i, size_t *len);

#endif
