/*
 * import.c - `smtpconf import`: a capture file (pcap or pcapng, read
 * by libpcap's pcap_open_offline) into SMTP sessions.  Packets are
 * decoded (pcap_decode.c), reassembled per TCP connection
 * (tcp_reasm.c) and each connection judged and turned into a scenario
 * (import_smtp.c).  Every generated scenario is parsed back before it
 * is handed out, so a file import writes is one `run` accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "smtpconf/import.h"
#include "smtpconf/limits.h"
#include "smtpconf/scenario.h"
#include "smtpconf/vars.h"

/* read_packets - every frame through the reassembler */
static int read_packets(pcap_t *p, struct sc_reasm *r, struct sc_import *im,
			struct sc_error *err)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	struct sc_tcp_seg seg;
	int dlt = pcap_datalink(p), rc;
	long long ts;

	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		if (++im->packets > SC_IMPORT_MAX_PACKETS)
			return sc_error_set(err, SC_ERR_LIMIT, "more than %d "
					    "packets", SC_IMPORT_MAX_PACKETS);
		if (!sc_packet_decode(dlt, d, h->caplen, &seg))
			continue;
		im->tcp_segments++;
		ts = (long long)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		if (sc_reasm_add(r, &seg, ts, err) != SC_OK)
			return err->status;
	}
	if (rc == PCAP_ERROR)
		return sc_error_set(err, SC_ERR_SYNTAX, "%s (truncated or "
				    "damaged capture?)", pcap_geterr(p));
	return SC_OK;
}

/* check_scenario - the generated text parses as a scenario */
static int check_scenario(const struct sc_import_session *s,
			  struct sc_error *err)
{
	struct sc_scenario sc;
	struct sc_vars vars;
	struct sc_error perr;
	char id[32], why[1200];
	int rc;

	sc_vars_init(&vars);
	snprintf(id, sizeof(id), "imported-%u", s->conn);
	memset(&sc, 0, sizeof(sc));
	sc_error_clear(&perr);
	rc = sc_scenario_parse(sc_buf_cstr(&s->scenario), s->scenario.len,
			       id, id, &vars, &sc, &perr);
	sc_scenario_free(&sc);
	if (rc == SC_OK)
		return SC_OK;
	sc_error_format(&perr, why, sizeof(why));
	return sc_error_set(err, rc, "internal error: the scenario of "
			    "connection %u does not parse: %s", s->conn, why);
}

/* add_sessions - one session per connection that is worth reporting */
static int add_sessions(struct sc_tcp_conn **conns, size_t n,
			const struct sc_import_options *o,
			struct sc_import *im, struct sc_error *err)
{
	struct sc_import_session *s;
	size_t i;

	im->sessions = calloc(n ? n : 1, sizeof(*im->sessions));
	if (im->sessions == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		s = &im->sessions[im->count];
		if (sc_import_smtp(conns[i], o, s, err) != SC_OK)
			return err->status;
		im->count++;
		if (s->kind == SC_IMPORT_SCENARIO && s->replies == 0)
			s->kind = SC_IMPORT_NOT_SMTP;
		if (s->kind == SC_IMPORT_SCENARIO &&
		    (s->scenario.truncated ||
		     s->scenario.len > SC_SCENARIO_FILE_MAX)) {
			s->kind = SC_IMPORT_TOO_LARGE;
			snprintf(s->note, sizeof(s->note), "its scenario would "
				 "be over the %d-byte limit of a scenario "
				 "file", SC_SCENARIO_FILE_MAX);
			sc_buf_free(&s->scenario);
		}
		if (s->kind == SC_IMPORT_SCENARIO &&
		    check_scenario(s, err) != SC_OK)
			return err->status;
	}
	return SC_OK;
}

/* import_from - the whole pipeline over an open capture */
static int import_from(pcap_t *p, const struct sc_import_options *o,
		       struct sc_import *out, struct sc_error *err)
{
	struct sc_tcp_conn **conns;
	struct sc_reasm *r;
	size_t n;
	int rc;

	if (sc_reasm_new(&r, err) != SC_OK)
		return err->status;
	rc = read_packets(p, r, out, err);
	if (rc == SC_OK) {
		conns = sc_reasm_finish(r, &n);
		out->connections = (unsigned)n;
		rc = add_sessions(conns, n, o, out, err);
	}
	sc_reasm_free(r);
	return rc;
}

/* sc_import_pcap - every SMTP session in the capture file at path */
int sc_import_pcap(const char *path, const struct sc_import_options *o,
		   struct sc_import *out, struct sc_error *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	memset(out, 0, sizeof(*out));
	ebuf[0] = '\0';
	p = pcap_open_offline(path, ebuf);
	if (p == NULL)
		return sc_error_set(err, SC_ERR_SYNTAX, "not a capture libpcap "
				    "can read: %s", ebuf);
	rc = import_from(p, o, out, err);
	pcap_close(p);
	return rc;
}

/* sc_import_memory - the same, from a capture in memory (fuzzing) */
int sc_import_memory(const void *data, size_t len,
		     const struct sc_import_options *o, struct sc_import *out,
		     struct sc_error *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	FILE *fp;
	pcap_t *p;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return sc_error_set(err, SC_ERR_SYNTAX, "empty file, not a "
				    "capture");
	fp = fmemopen((void *)data, len, "rb");
	if (fp == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "fmemopen failed");
	ebuf[0] = '\0';
	p = pcap_fopen_offline(fp, ebuf);
	if (p == NULL) {
		fclose(fp);
		return sc_error_set(err, SC_ERR_SYNTAX, "not a capture: %s",
				    ebuf);
	}
	rc = import_from(p, o, out, err);
	pcap_close(p);	/* closes fp */
	return rc;
}

/* sc_import_free - release the sessions */
void sc_import_free(struct sc_import *im)
{
	size_t i;

	for (i = 0; i < im->count; i++) {
		sc_buf_free(&im->sessions[i].scenario);
		sc_buf_free(&im->sessions[i].seeds);
	}
	free(im->sessions);
	memset(im, 0, sizeof(*im));
}
