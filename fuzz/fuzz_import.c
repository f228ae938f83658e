/*
 * fuzz_import.c - libFuzzer target for capture import (import.c,
 * pcap_decode.c, tcp_reasm.c, import_smtp.c).
 *
 * The input is a capture file (pcap or pcapng) as `smtpconf import`
 * would read it.  Any result is fine but a broken promise: a
 * scenario import.c hands out must parse (import.c checks, and says
 * "internal error" when it does not), session counts stay within the
 * connections seen, and every session's text stays within its bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/import.h"
#include "smtpconf/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fail - report a broken promise and crash so the fuzzer keeps the input */
static void fail(const char *what)
{
	fprintf(stderr, "fuzz_import: %s\n", what);
	abort();
}

/* check_session - the bounds import.h promises for one session */
static void check_session(const struct sc_import_session *s)
{
	if (memchr(s->client, '\0', sizeof(s->client)) == NULL ||
	    memchr(s->server, '\0', sizeof(s->server)) == NULL ||
	    memchr(s->note, '\0', sizeof(s->note)) == NULL)
		fail("unterminated string in a session");
	if (s->kind == SC_IMPORT_SCENARIO &&
	    (s->scenario.len == 0 || s->replies == 0))
		fail("a scenario without a reply");
	if (s->kind == SC_IMPORT_SCENARIO &&
	    s->scenario.len > SC_SCENARIO_FILE_MAX)
		fail("a scenario over the file limit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_import_options o;
	struct sc_import im;
	struct sc_error err;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.source = "fuzz.pcap";
	o.port = 2525;
	sc_error_clear(&err);
	if (sc_import_memory(data, size, &o, &im, &err) != SC_OK) {
		if (strstr(err.msg, "internal error") != NULL)
			fail(err.msg);
		if (err.msg[0] == '\0')
			fail("an error without a message");
	}
	if (im.count > im.connections)
		fail("more sessions than connections");
	for (i = 0; i < im.count; i++)
		check_session(&im.sessions[i]);
	sc_import_free(&im);
	return 0;
}
