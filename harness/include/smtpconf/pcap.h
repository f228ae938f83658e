/*
 * pcap.h - captures of the sessions smtpconf holds, and reading the
 * captures of others.
 *
 * The writer turns what a TCP tap saw (transport.h) into frames that
 * look as if they had been sniffed on an Ethernet: a three-way
 * handshake, data split at the MSS with correct sequence and
 * acknowledgement numbers (RFC 9293 3.4), and the FIN at the end.
 * The file is written through libpcap's dump API to a temporary name
 * and renamed into place when it is closed.
 */
#ifndef SMTPCONF_PCAP_H
#define SMTPCONF_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "smtpconf/status.h"
#include "smtpconf/transport.h"

/* TCP flags (RFC 9293 3.1), as they sit in the header's 14th byte. */
enum sc_tcp_flag {
	SC_TCP_FIN = 0x01,
	SC_TCP_SYN = 0x02,
	SC_TCP_RST = 0x04,
	SC_TCP_PSH = 0x08,
	SC_TCP_ACK = 0x10
};

/* The two ends of a synthesized connection. */
enum sc_tcp_side { SC_SIDE_CLIENT = 0, SC_SIDE_SERVER = 1 };

/* One synthesized TCP connection: addresses and the next sequence
 * number each side will send; an ack always names all the peer sent. */
struct sc_tcp_flow {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[2][16];	/* indexed by enum sc_tcp_side */
	uint16_t port[2];
	uint32_t seq[2];
	int fin[2];			/* this side has sent its FIN */
	int reset;			/* a RST was sent */
	uint16_t ip_id;
	size_t mss;			/* payload bytes per segment */
};

/* sc_tcp_flow_init - a flow between client and server, before the SYN */
int sc_tcp_flow_init(struct sc_tcp_flow *f, const struct sockaddr *client,
		     const struct sockaddr *server, struct sc_error *err);

/*
 * sc_tcp_frame - one Ethernet frame sent by side `from`: flags, up to
 * f->mss bytes of data; advances that side's sequence number by the
 * data (and by one for SYN or FIN).  Returns the frame's length, 0
 * when cap is too small.
 */
size_t sc_tcp_frame(struct sc_tcp_flow *f, enum sc_tcp_side from,
		    unsigned flags, const void *data, size_t len,
		    unsigned char *frame, size_t cap);

/* A capture file being written. */
struct sc_pcap;

/* sc_pcap_open - start a capture that will appear at path on close */
int sc_pcap_open(const char *path, struct sc_pcap **out,
		 struct sc_error *err);
/* sc_pcap_tap - an observer that records one connection into p */
int sc_pcap_tap(struct sc_pcap *p, struct sc_tcp_tap *out,
		struct sc_error *err);
/* sc_pcap_close - flush, rename into place, free; the first error seen */
int sc_pcap_close(struct sc_pcap *p, struct sc_error *err);

#endif
