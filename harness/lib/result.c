/*
 * result.c - scenario results and their bounded transcripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/result.h"

/* verdict_names - indexed by enum sc_verdict; these strings are the JSON values */
static const char *const verdict_names[] = {
	[SC_VERDICT_PASS] = "pass",
	[SC_VERDICT_FAIL] = "fail",
	[SC_VERDICT_SKIP] = "skip",
	[SC_VERDICT_ERROR] = "error",
	[SC_VERDICT_WAIVED] = "waived",
	[SC_VERDICT_NOTRUN] = "notrun",
};

/* sc_verdict_name - "pass", "fail", "skip", "error", "waived", "notrun" */
const char *sc_verdict_name(enum sc_verdict v)
{
	if ((size_t)v >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "unknown";
	return verdict_names[v];
}

/* sc_result_free - release a result's strings and transcript */
void sc_result_free(struct sc_result *r)
{
	size_t i;

	for (i = 0; i < r->ntx; i++)
		free(r->tx[i].bytes);
	free(r->tx);
	free(r->reason);
	free(r->expected);
	free(r->observed);
	free(r->waiver);
	free(r->server_output);
	free(r->tls);
	memset(r, 0, sizeof(*r));
}

/* sc_result_release - free the heavy parts, keep verdict and flags */
void sc_result_release(struct sc_result *r)
{
	struct sc_result keep = *r;

	sc_result_free(r);
	r->scenario = keep.scenario;
	r->verdict = keep.verdict;
	r->fail_level = keep.fail_level;
	r->fail_line = keep.fail_line;
	r->unreachable = keep.unreachable;
	r->crashed = keep.crashed;
	r->hung = keep.hung;
	r->duration_ms = keep.duration_ms;
}

/* tx_grow - make room for one more transcript entry */
static int tx_grow(struct sc_result *r)
{
	size_t cap;
	struct sc_tx_entry *p;

	if (r->ntx < r->tx_cap)
		return 0;
	cap = r->tx_cap ? r->tx_cap * 2 : 16;
	p = realloc(r->tx, cap * sizeof(*p));
	if (p == NULL)
		return -1;
	r->tx = p;
	r->tx_cap = cap;
	return 0;
}

/* sc_result_add_tx - append a transcript entry within the bounds; returns its index or -1 */
long sc_result_add_tx(struct sc_result *r, enum sc_tx_kind kind,
		      const char *session, const char *bytes, size_t len,
		      size_t wire_len, long long t_ms, unsigned line)
{
	struct sc_tx_entry *e;
	size_t keep = len;

	if (r->ntx >= SC_TRANSCRIPT_MAX_ENTRIES ||
	    r->tx_bytes >= SC_TRANSCRIPT_MAX_BYTES) {
		r->tx_dropped++;
		return -1;
	}
	if (keep > SC_TRANSCRIPT_ENTRY_KEEP)
		keep = SC_TRANSCRIPT_ENTRY_KEEP;
	if (tx_grow(r) < 0) {
		r->tx_dropped++;
		return -1;
	}
	e = &r->tx[r->ntx];
	memset(e, 0, sizeof(*e));
	e->bytes = malloc(keep + 1);
	if (e->bytes == NULL) {
		r->tx_dropped++;
		return -1;
	}
	if (keep)
		memcpy(e->bytes, bytes, keep);
	e->bytes[keep] = '\0';
	e->kind = kind;
	strncpy(e->session, session ? session : "", sizeof(e->session) - 1);
	e->len = keep;
	e->wire_len = wire_len;
	e->t_ms = t_ms;
	e->line = line;
	r->tx_bytes += keep;
	return (long)r->ntx++;
}

/* sc_result_add_tls - record a handshake (dropped past the bound) */
int sc_result_add_tls(struct sc_result *r, const char *session, unsigned line,
		      const struct sc_tls_info *info)
{
	struct sc_tls_record *rec;

	if (r->ntls >= SC_TLS_MAX_RECORDS)
		return SC_OK;
	rec = realloc(r->tls, (r->ntls + 1) * sizeof(*rec));
	if (rec == NULL)
		return SC_ERR_NOMEM;
	r->tls = rec;
	rec = &r->tls[r->ntls++];
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->session, sizeof(rec->session), "%s", session);
	rec->line = line;
	rec->info = *info;
	return SC_OK;
}
