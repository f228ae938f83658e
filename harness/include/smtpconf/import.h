/*
 * import.h - SMTP sessions out of a capture (pcap or pcapng): packets
 * decoded, TCP reassembled per connection, and each SMTP session
 * turned into a scenario that replays the client's side and expects
 * the reply codes the server gave.
 */
#ifndef SMTPCONF_IMPORT_H
#define SMTPCONF_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include "smtpconf/buf.h"
#include "smtpconf/status.h"

/* One TCP segment as it came off the wire (pointers into the packet). */
struct sc_tcp_seg {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq;
	unsigned flags;			/* enum sc_tcp_flag bits (pcap.h) */
	const unsigned char *data;
	size_t len;			/* payload captured */
	size_t wire_len;		/* payload the IP header announced */
};

/*
 * sc_packet_decode - the TCP segment in one captured frame of link
 * type dlt (Ethernet, Linux cooked v1/v2, raw IP, BSD loopback/NULL);
 * 1 with *out filled, 0 when the frame holds no TCP we can read (other
 * protocols, IP fragments, frames cut short before the TCP header).
 */
int sc_packet_decode(int dlt, const unsigned char *p, size_t caplen,
		     struct sc_tcp_seg *out);

/* Reassembly of every connection, in capture order. */
struct sc_reasm;

/* One direction's delivery: bytes in order, with the time they came. */
struct sc_conn_event {
	int from;			/* 0: the connection's first speaker side */
	size_t off, len;		/* into the connection's data */
	long long ts_us;
};

/* One reassembled TCP connection. */
struct sc_tcp_conn {
	unsigned index;			/* 1-based, in order of first packet */
	int family;
	unsigned char addr[2][16];
	uint16_t port[2];
	int syn_from;			/* side that sent the SYN, or -1 */
	long long first_us;
	struct sc_buf data;		/* both directions' bytes, by events */
	struct sc_conn_event *ev;
	size_t nev, evcap;
	long long fin_us[2];		/* when each side's FIN was reached, 0 */
	int reset;			/* an RST was seen */
	long long gap_us;		/* data went missing here, or 0 */
	char note[512];			/* missing data, truncation: for users */
	/* reassembly state, private to tcp_reasm.c */
	void *priv;
};

/* sc_reasm_new - an empty reassembler */
int sc_reasm_new(struct sc_reasm **out, struct sc_error *err);
/* sc_reasm_add - one segment at time ts_us; SC_ERR_LIMIT past the bounds */
int sc_reasm_add(struct sc_reasm *r, const struct sc_tcp_seg *s,
		 long long ts_us, struct sc_error *err);
/* sc_reasm_finish - flush what waits behind gaps (noted); the connections */
struct sc_tcp_conn **sc_reasm_finish(struct sc_reasm *r, size_t *count);
/* sc_reasm_free - release everything */
void sc_reasm_free(struct sc_reasm *r);

/* What import does with one connection. */
enum sc_import_kind {
	SC_IMPORT_SCENARIO,		/* an SMTP session: scenario written */
	SC_IMPORT_TLS,			/* implicit TLS: not importable */
	SC_IMPORT_NOT_SMTP,		/* no SMTP greeting: ignored */
	SC_IMPORT_TOO_LARGE		/* over the scenario file limit */
};

struct sc_import_session {
	enum sc_import_kind kind;
	unsigned conn;			/* connection index in the capture */
	char client[64], server[64];	/* "ADDR:PORT", "[v6]:PORT" */
	struct sc_buf scenario;		/* the scenario file's text */
	unsigned commands, replies;	/* steps written */
	char note[640];			/* STARTTLS cut, missing data, ... */
	struct sc_buf seeds;		/* client command lines, each ending in LF */
};

struct sc_import_options {
	const char *source;		/* the capture's name, for headers */
	unsigned port;			/* --port: another server port, or 0 */
};

struct sc_import {
	struct sc_import_session *sessions;
	size_t count;
	unsigned long packets, tcp_segments;
	unsigned connections;
};

/*
 * sc_import_smtp - the session of one reassembled connection: kind,
 * addresses and, for SMTP, the scenario text and seeds.
 */
int sc_import_smtp(const struct sc_tcp_conn *c,
		   const struct sc_import_options *o,
		   struct sc_import_session *out, struct sc_error *err);

/* sc_import_pcap - every SMTP session in the capture file at path */
int sc_import_pcap(const char *path, const struct sc_import_options *o,
		   struct sc_import *out, struct sc_error *err);
/* sc_import_memory - the same, from a capture in memory (fuzzing) */
int sc_import_memory(const void *data, size_t len,
		     const struct sc_import_options *o, struct sc_import *out,
		     struct sc_error *err);
/* sc_import_free - release the sessions */
void sc_import_free(struct sc_import *im);

#endif
