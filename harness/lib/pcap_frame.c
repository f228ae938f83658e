/*
 * pcap_frame.c - Ethernet, IPv4/IPv6 and TCP headers for the frames of
 * a synthesized capture.
 *
 * Implements just enough of RFC 791 (IPv4 header and checksum), RFC
 * 8200 (IPv6 header), RFC 9293 3.1 (TCP header, pseudo-header
 * checksum) and RFC 1071 (the Internet checksum) for Wireshark to
 * accept every frame without a warning.  Sequence numbers follow RFC
 * 9293 3.4: SYN and FIN each take one number, data takes one a byte.
 */
#include <string.h>
#include <netinet/in.h>
#include "smtpconf/limits.h"
#include "smtpconf/pcap.h"

#define ETH_HDR		14
#define IP4_HDR		20
#define IP6_HDR		40
#define TCP_HDR		20
#define ETHERTYPE_IP4	0x0800
#define ETHERTYPE_IP6	0x86dd
#define FRAME_TTL		64
#define FRAME_WINDOW	65535

/* Locally administered MAC addresses (IEEE 802 U/L bit set), one per
 * side, so the frames name no real interface. */
static const unsigned char mac[2][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },	/* client */
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },	/* server */
};

/* put16 - a 16-bit value in network byte order */
static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* put32 - a 32-bit value in network byte order */
static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* csum_add - RFC 1071 one's-complement sum of len bytes onto sum */
static uint32_t csum_add(uint32_t sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* csum_fold - fold the carries and complement */
static unsigned csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* addr_of - the raw address and port of a socket address */
static int addr_of(const struct sockaddr *sa, int family,
		   unsigned char *addr, uint16_t *port)
{
	const struct sockaddr_in *s4 = (const void *)sa;
	const struct sockaddr_in6 *s6 = (const void *)sa;

	if (sa->sa_family != family)
		return -1;
	if (family == AF_INET) {
		memcpy(addr, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	} else {
		memcpy(addr, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
	}
	return 0;
}

/*
 * Flows started in this process.  A port pair can come back within one
 * capture (the server closed first, so the client's port is free at
 * once); its new connection must start at another sequence number
 * (RFC 9293 3.4.1), or tshark takes the new SYN for a retransmission
 * of the old one and merges the two connections.
 */
static uint32_t flows_started;

/* isn_of - an initial sequence number: a hash of the port pair, moved
 * on by 2^26 per flow started, so two runs of the same dialogue (-j 1)
 * still give the same numbers */
static uint32_t isn_of(uint16_t a, uint16_t b, uint32_t flow)
{
	return (((uint32_t)a * 2654435761u) ^ ((uint32_t)b << 16) ^
		0x5c0f0000u) + (flow << 26);
}

/* sc_tcp_flow_init - a flow between client and server, before the SYN */
int sc_tcp_flow_init(struct sc_tcp_flow *f, const struct sockaddr *client,
		     const struct sockaddr *server, struct sc_error *err)
{
	uint32_t flow;

	memset(f, 0, sizeof(*f));
	f->family = client->sa_family;
	if (f->family != AF_INET && f->family != AF_INET6)
		return sc_error_set(err, SC_ERR_UNSUPPORTED,
				    "capture: not an IPv4 or IPv6 connection");
	if (addr_of(client, f->family, f->addr[SC_SIDE_CLIENT],
		    &f->port[SC_SIDE_CLIENT]) < 0 ||
	    addr_of(server, f->family, f->addr[SC_SIDE_SERVER],
		    &f->port[SC_SIDE_SERVER]) < 0)
		return sc_error_set(err, SC_ERR_UNSUPPORTED,
				    "capture: the two ends differ in family");
	f->mss = f->family == AF_INET ? SC_PCAP_MSS_V4 : SC_PCAP_MSS_V6;
	flow = __atomic_fetch_add(&flows_started, 1, __ATOMIC_RELAXED);
	f->seq[SC_SIDE_CLIENT] = isn_of(f->port[0], f->port[1], flow);
	f->seq[SC_SIDE_SERVER] = isn_of(f->port[1], f->port[0], flow);
	f->ip_id = 1;
	return SC_OK;
}

/* put_ip4 - the IPv4 header, checksum included; returns its size */
static size_t put_ip4(struct sc_tcp_flow *f, enum sc_tcp_side from,
		      size_t tcp_len, unsigned char *p)
{
	memset(p, 0, IP4_HDR);
	p[0] = 0x45;			/* version 4, 5 words */
	put16(p + 2, (unsigned)(IP4_HDR + tcp_len));
	put16(p + 4, f->ip_id++);
	p[6] = 0x40;			/* don't fragment */
	p[8] = FRAME_TTL;
	p[9] = IPPROTO_TCP;
	memcpy(p + 12, f->addr[from], 4);
	memcpy(p + 16, f->addr[!from], 4);
	put16(p + 10, csum_fold(csum_add(0, p, IP4_HDR)));
	return IP4_HDR;
}

/* put_ip6 - the IPv6 header; returns its size */
static size_t put_ip6(const struct sc_tcp_flow *f, enum sc_tcp_side from,
		      size_t tcp_len, unsigned char *p)
{
	memset(p, 0, IP6_HDR);
	p[0] = 0x60;			/* version 6 */
	put16(p + 4, (unsigned)tcp_len);
	p[6] = IPPROTO_TCP;
	p[7] = FRAME_TTL;
	memcpy(p + 8, f->addr[from], 16);
	memcpy(p + 24, f->addr[!from], 16);
	return IP6_HDR;
}

/* tcp_checksum - RFC 9293 3.1 checksum over pseudo-header and segment */
static unsigned tcp_checksum(const struct sc_tcp_flow *f,
			     enum sc_tcp_side from, const unsigned char *seg,
			     size_t len)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	unsigned char pl[4];
	uint32_t sum;

	sum = csum_add(0, f->addr[from], alen);
	sum = csum_add(sum, f->addr[!from], alen);
	put32(pl, (uint32_t)len);
	sum = csum_add(sum, pl, 4);
	sum += IPPROTO_TCP;
	return csum_fold(csum_add(sum, seg, len));
}

/* put_tcp - header and data; the checksum needs the addresses */
static void put_tcp(struct sc_tcp_flow *f, enum sc_tcp_side from,
		    unsigned flags, const void *data, size_t len,
		    unsigned char *p)
{
	memset(p, 0, TCP_HDR);
	put16(p, f->port[from]);
	put16(p + 2, f->port[!from]);
	put32(p + 4, f->seq[from]);
	/* Every frame but the first SYN acknowledges all the peer sent. */
	put32(p + 8, flags & SC_TCP_ACK ? f->seq[!from] : 0);
	p[12] = (TCP_HDR / 4) << 4;
	p[13] = (unsigned char)flags;
	put16(p + 14, FRAME_WINDOW);
	if (len > 0)
		memcpy(p + TCP_HDR, data, len);
	put16(p + 16, tcp_checksum(f, from, p, TCP_HDR + len));
}

/* sc_tcp_frame - one Ethernet frame from side `from`; see pcap.h */
size_t sc_tcp_frame(struct sc_tcp_flow *f, enum sc_tcp_side from,
		    unsigned flags, const void *data, size_t len,
		    unsigned char *frame, size_t cap)
{
	size_t ip_len = f->family == AF_INET ? IP4_HDR : IP6_HDR;
	size_t total = ETH_HDR + ip_len + TCP_HDR + len;
	unsigned char *p = frame;

	if (len > f->mss || total > cap)
		return 0;
	memcpy(p, mac[!from], 6);
	memcpy(p + 6, mac[from], 6);
	put16(p + 12, f->family == AF_INET ? ETHERTYPE_IP4 : ETHERTYPE_IP6);
	p += ETH_HDR;
	if (f->family == AF_INET)
		p += put_ip4(f, from, TCP_HDR + len, p);
	else
		p += put_ip6(f, from, TCP_HDR + len, p);
	put_tcp(f, from, flags, data, len, p);
	f->seq[from] += (uint32_t)len;
	if (flags & (SC_TCP_SYN | SC_TCP_FIN))
		f->seq[from]++;
	if (flags & SC_TCP_FIN)
		f->fin[from] = 1;
	if (flags & SC_TCP_RST)
		f->reset = 1;
	return total;
}
