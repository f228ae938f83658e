/*
 * pcap_decode.c - from a captured frame to its TCP segment.
 *
 * Link layers (tcpdump.org link-layer header types): Ethernet with
 * 802.1Q tags, Linux cooked capture v1 and v2 (tcpdump -i any), raw IP
 * and the BSD loopback/NULL header.  Then IPv4 (RFC 791: fragments are
 * skipped, SMTP segments are never fragmented on a sane path), IPv6
 * (RFC 8200: hop-by-hop, routing and destination options headers are
 * walked; a fragment header is skipped) and the TCP header (RFC 9293
 * 3.1).  Every length is checked against what was captured: a frame
 * cut short is never read past its end.
 */
#include <string.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include "smtpconf/import.h"

#define ETHERTYPE_IP4	0x0800
#define ETHERTYPE_IP6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8
#define IP6_EXT_HOP	0
#define IP6_EXT_ROUTE	43
#define IP6_EXT_FRAG	44
#define IP6_EXT_DEST	60
#define MAX_VLAN_TAGS	4
#define MAX_IP6_EXT	8

/* get16 - big-endian 16 bits */
static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* decode_tcp - the TCP header and payload; ip_payload is what IP says */
static int decode_tcp(const unsigned char *p, size_t caplen,
		      size_t ip_payload, struct sc_tcp_seg *out)
{
	size_t hlen;

	if (caplen < 20 || ip_payload < 20)
		return 0;
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < 20 || hlen > ip_payload || hlen > caplen)
		return 0;
	out->sport = (uint16_t)get16(p);
	out->dport = (uint16_t)get16(p + 2);
	out->seq = (uint32_t)get16(p + 4) << 16 | get16(p + 6);
	out->flags = p[13];
	out->data = p + hlen;
	out->wire_len = ip_payload - hlen;
	out->len = caplen - hlen < out->wire_len ? caplen - hlen
		   : out->wire_len;
	return 1;
}

/* decode_ip4 - an IPv4 packet carrying TCP, not a fragment */
static int decode_ip4(const unsigned char *p, size_t caplen,
		      struct sc_tcp_seg *out)
{
	size_t hlen, total;

	if (caplen < 20 || p[0] >> 4 != 4)
		return 0;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	total = get16(p + 2);
	if (hlen < 20 || total < hlen || hlen > caplen || p[9] != IPPROTO_TCP)
		return 0;
	if ((get16(p + 6) & 0x3fff) != 0)	/* MF set or an offset */
		return 0;
	out->family = AF_INET;
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	return decode_tcp(p + hlen, caplen - hlen, total - hlen, out);
}

/* decode_ip6 - an IPv6 packet carrying TCP, extension headers walked */
static int decode_ip6(const unsigned char *p, size_t caplen,
		      struct sc_tcp_seg *out)
{
	size_t off = 40, payload, ext;
	unsigned next, i;

	if (caplen < 40 || p[0] >> 4 != 6)
		return 0;
	payload = get16(p + 4);
	next = p[6];
	for (i = 0; i < MAX_IP6_EXT && next != IPPROTO_TCP; i++) {
		if (next != IP6_EXT_HOP && next != IP6_EXT_ROUTE &&
		    next != IP6_EXT_DEST)
			return 0;	/* fragments and the rest: skipped */
		if (off + 8 > caplen)
			return 0;
		ext = ((size_t)p[off + 1] + 1) * 8;
		if (ext > payload)
			return 0;
		next = p[off];
		off += ext;
		payload -= ext;
	}
	if (next != IPPROTO_TCP || off > caplen)
		return 0;
	out->family = AF_INET6;
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	return decode_tcp(p + off, caplen - off, payload, out);
}

/* decode_ip - by the version nibble */
static int decode_ip(const unsigned char *p, size_t caplen,
		     struct sc_tcp_seg *out)
{
	if (caplen < 1)
		return 0;
	if (p[0] >> 4 == 4)
		return decode_ip4(p, caplen, out);
	if (p[0] >> 4 == 6)
		return decode_ip6(p, caplen, out);
	return 0;
}

/* decode_ethertype - the payload of a known ethertype */
static int decode_ethertype(unsigned type, const unsigned char *p,
			    size_t caplen, struct sc_tcp_seg *out)
{
	if (type == ETHERTYPE_IP4)
		return decode_ip4(p, caplen, out);
	if (type == ETHERTYPE_IP6)
		return decode_ip6(p, caplen, out);
	return 0;
}

/* decode_ether - Ethernet II with up to MAX_VLAN_TAGS 802.1Q tags */
static int decode_ether(const unsigned char *p, size_t caplen,
			struct sc_tcp_seg *out)
{
	size_t off = 12;
	unsigned type, i;

	for (i = 0; i <= MAX_VLAN_TAGS; i++) {
		if (off + 2 > caplen)
			return 0;
		type = get16(p + off);
		if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ)
			return decode_ethertype(type, p + off + 2,
						caplen - off - 2, out);
		off += 4;
	}
	return 0;
}

/* sc_packet_decode - the TCP segment of one frame; see import.h */
int sc_packet_decode(int dlt, const unsigned char *p, size_t caplen,
		     struct sc_tcp_seg *out)
{
	memset(out, 0, sizeof(*out));
	switch (dlt) {
	case DLT_EN10MB:
		return decode_ether(p, caplen, out);
	case DLT_LINUX_SLL:	/* 16-byte header, protocol last */
		return caplen >= 16 &&
		       decode_ethertype(get16(p + 14), p + 16, caplen - 16,
					out);
	case DLT_LINUX_SLL2:	/* 20-byte header, protocol first */
		return caplen >= 20 &&
		       decode_ethertype(get16(p), p + 20, caplen - 20, out);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_ip(p, caplen, out);
	case DLT_NULL:		/* 4-byte address family, either order */
	case DLT_LOOP:
		return caplen >= 4 && decode_ip(p + 4, caplen - 4, out);
	default:
		return 0;
	}
}
