/*
 * test_import.c - capture import: frame decoding per link type, TCP
 * reassembly (out of order, retransmission, overlap, gap, port reuse),
 * the scenario written for a session (STARTTLS cut, implicit TLS, not
 * SMTP) and bad captures from memory.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include "cunit_main.h"
#include "smtpconf/import.h"
#include "smtpconf/limits.h"
#include "smtpconf/pcap.h"

#define ETH 14

static const unsigned char client_ip[4] = { 192, 0, 2, 1 };
static const unsigned char server_ip[4] = { 192, 0, 2, 25 };
static const uint32_t cisn = 1000, sisn = 5000;

/* frame4 - an Ethernet/IPv4 frame client -> server:25 with data */
static size_t frame4(unsigned char *f, size_t cap, const char *data)
{
	struct sockaddr_in c, s;
	struct sc_tcp_flow fl;
	struct sc_error err;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	c.sin_family = s.sin_family = AF_INET;
	c.sin_port = htons(40000);
	s.sin_port = htons(25);
	memcpy(&c.sin_addr, client_ip, 4);
	memcpy(&s.sin_addr, server_ip, 4);
	sc_error_clear(&err);
	if (sc_tcp_flow_init(&fl, (void *)&c, (void *)&s, &err) != SC_OK)
		return 0;
	return sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_ACK | SC_TCP_PSH,
			    data, strlen(data), f, cap);
}

/* check_seg - the segment decoded from one of frame4's frames */
static void check_seg(int dlt, const unsigned char *p, size_t len)
{
	struct sc_tcp_seg s;

	CU_ASSERT_FATAL(sc_packet_decode(dlt, p, len, &s) == 1);
	CU_ASSERT_EQUAL(s.family, AF_INET);
	CU_ASSERT_EQUAL(memcmp(s.src, client_ip, 4), 0);
	CU_ASSERT_EQUAL(memcmp(s.dst, server_ip, 4), 0);
	CU_ASSERT_EQUAL(s.sport, 40000);
	CU_ASSERT_EQUAL(s.dport, 25);
	CU_ASSERT_EQUAL(s.len, 6);
	CU_ASSERT_EQUAL(s.wire_len, 6);
	CU_ASSERT_EQUAL(memcmp(s.data, "NOOP\r\n", 6), 0);
}

static void test_decode_link_types(void)
{
	unsigned char f[SC_PCAP_FRAME_MAX], g[SC_PCAP_FRAME_MAX + 32];
	size_t n = frame4(f, sizeof(f), "NOOP\r\n"), ip = n - ETH;

	CU_ASSERT_FATAL(n > ETH);
	check_seg(DLT_EN10MB, f, n);
	/* 802.1Q: a tag between the addresses and the ethertype. */
	memcpy(g, f, 12);
	g[12] = 0x81, g[13] = 0x00, g[14] = 0x00, g[15] = 0x07;
	memcpy(g + 16, f + 12, n - 12);
	check_seg(DLT_EN10MB, g, n + 4);
	/* Linux cooked v1: protocol in the last two of 16 bytes. */
	memset(g, 0, 16);
	g[14] = 0x08;
	memcpy(g + 16, f + ETH, ip);
	check_seg(DLT_LINUX_SLL, g, 16 + ip);
	/* Linux cooked v2: protocol in the first two of 20 bytes. */
	memset(g, 0, 20);
	g[0] = 0x08;
	memcpy(g + 20, f + ETH, ip);
	check_seg(DLT_LINUX_SLL2, g, 20 + ip);
	/* Raw IP and BSD loopback. */
	check_seg(DLT_RAW, f + ETH, ip);
	memset(g, 0, 4);
	g[0] = 2;
	memcpy(g + 4, f + ETH, ip);
	check_seg(DLT_NULL, g, 4 + ip);
}

static void test_decode_refuses(void)
{
	unsigned char f[SC_PCAP_FRAME_MAX];
	struct sc_tcp_seg s;
	size_t n = frame4(f, sizeof(f), "NOOP\r\n");

	/* Cut before the end of the TCP header. */
	CU_ASSERT_EQUAL(sc_packet_decode(DLT_EN10MB, f, ETH + 30, &s), 0);
	/* Cut inside the payload: what was captured, and what was sent. */
	CU_ASSERT_EQUAL(sc_packet_decode(DLT_EN10MB, f, n - 2, &s), 1);
	CU_ASSERT_EQUAL(s.len, 4);
	CU_ASSERT_EQUAL(s.wire_len, 6);
	/* An unknown link type, UDP, and an IPv4 fragment. */
	CU_ASSERT_EQUAL(sc_packet_decode(9999, f, n, &s), 0);
	f[ETH + 9] = 17;
	CU_ASSERT_EQUAL(sc_packet_decode(DLT_EN10MB, f, n, &s), 0);
	f[ETH + 9] = 6;
	f[ETH + 6] = 0x20;	/* more fragments */
	CU_ASSERT_EQUAL(sc_packet_decode(DLT_EN10MB, f, n, &s), 0);
}

/* seg - a segment of the test connection; from 0 client, 1 server */
static struct sc_tcp_seg seg(int from, uint32_t rel, unsigned flags,
			     const char *data)
{
	struct sc_tcp_seg s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	memcpy(s.src, from ? server_ip : client_ip, 4);
	memcpy(s.dst, from ? client_ip : server_ip, 4);
	s.sport = from ? 25 : 40000;
	s.dport = from ? 40000 : 25;
	s.seq = (from ? sisn : cisn) + rel;
	s.flags = flags;
	s.data = (const unsigned char *)data;
	s.len = s.wire_len = strlen(data);
	return s;
}

/* feed - add segments in order at times 1, 2, 3 ... */
static struct sc_tcp_conn **feed(struct sc_reasm **r,
				 const struct sc_tcp_seg *segs, size_t n,
				 size_t *count)
{
	struct sc_error err;
	size_t i;

	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_reasm_new(r, &err) == SC_OK);
	for (i = 0; i < n; i++)
		CU_ASSERT(sc_reasm_add(*r, &segs[i], (long long)i + 1,
				       &err) == SC_OK);
	return sc_reasm_finish(*r, count);
}

/* stream - the concatenated bytes of side `from` */
static void stream(const struct sc_tcp_conn *c, int from, char *out,
		   size_t cap)
{
	size_t i, len = 0;

	for (i = 0; i < c->nev; i++)
		if (c->ev[i].from == from && len + c->ev[i].len < cap) {
			memcpy(out + len, c->data.data + c->ev[i].off,
			       c->ev[i].len);
			len += c->ev[i].len;
		}
	out[len] = '\0';
}

static void test_reasm_out_of_order(void)
{
	const struct sc_tcp_seg segs[] = {
		seg(0, 0, SC_TCP_SYN, ""),
		seg(1, 0, SC_TCP_SYN | SC_TCP_ACK, ""),
		seg(1, 1, SC_TCP_ACK, "220 hi\r\n"),
		seg(0, 5, SC_TCP_ACK, " a.ex\r\n"),	/* ahead of a gap */
		seg(0, 1, SC_TCP_ACK, "EHLO"),
		seg(0, 1, SC_TCP_ACK, "EHLO"),		/* retransmitted */
		seg(0, 3, SC_TCP_ACK, "LO a.e"),	/* overlaps both */
		seg(1, 9, SC_TCP_ACK, "250 ok\r\n"),
		seg(0, 12, SC_TCP_ACK | SC_TCP_FIN, ""),
		seg(1, 17, SC_TCP_ACK | SC_TCP_FIN, ""),
	};
	struct sc_tcp_conn **c;
	struct sc_reasm *r;
	size_t n;
	char buf[64];

	c = feed(&r, segs, sizeof(segs) / sizeof(segs[0]), &n);
	CU_ASSERT_FATAL(n == 1);
	CU_ASSERT_EQUAL(c[0]->syn_from, 0);
	stream(c[0], 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "EHLO a.ex\r\n");
	stream(c[0], 1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "220 hi\r\n250 ok\r\n");
	/* In time order: greeting, command, reply. */
	CU_ASSERT_EQUAL(c[0]->nev, 3);
	CU_ASSERT_EQUAL(c[0]->ev[1].from, 0);
	CU_ASSERT(c[0]->fin_us[0] != 0 && c[0]->fin_us[1] != 0);
	CU_ASSERT_EQUAL(c[0]->note[0], '\0');
	CU_ASSERT_EQUAL(c[0]->gap_us, 0);
	sc_reasm_free(r);
}

static void test_reasm_gap_and_reuse(void)
{
	const struct sc_tcp_seg segs[] = {
		seg(0, 0, SC_TCP_SYN, ""),
		seg(1, 1, SC_TCP_ACK, "220 hi\r\n"),
		seg(0, 1, SC_TCP_ACK, "NOOP\r\n"),
		seg(0, 13, SC_TCP_ACK, "QUIT\r\n"),	/* 6 bytes lost */
		seg(0, 19, SC_TCP_ACK | SC_TCP_FIN, ""),
		seg(1, 9, SC_TCP_ACK | SC_TCP_FIN, ""),
		seg(0, 0, SC_TCP_SYN, ""),		/* same ports again */
		seg(1, 1, SC_TCP_ACK, "554 no\r\n"),
	};
	struct sc_import_options o;
	struct sc_import_session s;
	struct sc_tcp_conn **c;
	struct sc_reasm *r;
	struct sc_error err;
	size_t n;
	char buf[64];

	c = feed(&r, segs, sizeof(segs) / sizeof(segs[0]), &n);
	CU_ASSERT_FATAL(n == 2);
	stream(c[0], 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "NOOP\r\n");
	CU_ASSERT(strstr(c[0]->note, "6 bytes missing") != NULL);
	CU_ASSERT_EQUAL(c[0]->gap_us, 4);
	stream(c[1], 1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "554 no\r\n");
	/* The scenario stops at the hole and says so. */
	memset(&o, 0, sizeof(o));
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_import_smtp(c[0], &o, &s, &err) == SC_OK);
	CU_ASSERT_EQUAL(s.kind, SC_IMPORT_SCENARIO);
	CU_ASSERT(strstr(sc_buf_cstr(&s.scenario), "missing") != NULL);
	CU_ASSERT(strstr(sc_buf_cstr(&s.scenario), "QUIT") == NULL);
	CU_ASSERT(strstr(s.note, "missing") != NULL);
	sc_buf_free(&s.scenario);
	sc_buf_free(&s.seeds);
	sc_reasm_free(r);
}

/* import_one - the session of a one-connection segment list */
static void import_one(const struct sc_tcp_seg *segs, size_t nsegs,
		       unsigned port, struct sc_import_session *s)
{
	struct sc_import_options o;
	struct sc_tcp_conn **c;
	struct sc_reasm *r;
	struct sc_error err;
	size_t n;

	c = feed(&r, segs, nsegs, &n);
	CU_ASSERT_FATAL(n == 1);
	memset(&o, 0, sizeof(o));
	o.source = "t.pcap";
	o.port = port;
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_import_smtp(c[0], &o, s, &err) == SC_OK);
	sc_reasm_free(r);
}

static void test_scenario_text(void)
{
	const struct sc_tcp_seg segs[] = {
		seg(1, 1, SC_TCP_ACK, "220 hi\r\n"),
		seg(0, 1, SC_TCP_ACK, "EHLO a\r\n"),
		seg(1, 9, SC_TCP_ACK, "250-x\r\n250 y\r\n"),
		seg(0, 9, SC_TCP_ACK, "MAIL FROM:<$x>\r\nRCPT TO:<b>\r\n"),
		seg(1, 23, SC_TCP_ACK, "250 a\r\n550 b\r\n"),
		seg(0, 38, SC_TCP_ACK, "NOOP\n"),
		seg(1, 37, SC_TCP_ACK, "250 c\r\n"),
		seg(0, 43, SC_TCP_ACK, "STARTTLS\r\n"),
		seg(1, 44, SC_TCP_ACK, "220 go\r\n"),
		seg(0, 53, SC_TCP_ACK, "\x16\x03\x01 hello"),
	};
	struct sc_import_session s;
	const char *t;

	import_one(segs, sizeof(segs) / sizeof(segs[0]), 0, &s);
	CU_ASSERT_FATAL(s.kind == SC_IMPORT_SCENARIO);
	t = sc_buf_cstr(&s.scenario);
	CU_ASSERT(strstr(t, "# Imported by `smtpconf import` from t.pcap")
		  != NULL);
	CU_ASSERT(strstr(t, "\nS: 220\nC: EHLO a\nS: 250\nbatch\n"
			 "  C: MAIL FROM:<$$x>\n  C: RCPT TO:<b>\nend\n"
			 "S: 250\nS: 550\nR: \"NOOP\\n\"\nS: 250\n"
			 "C: STARTTLS\nS: 220\n# STARTTLS") != NULL);
	CU_ASSERT(strstr(t, "hello") == NULL);
	CU_ASSERT(strstr(s.note, "STARTTLS") != NULL);
	CU_ASSERT_STRING_EQUAL(s.client, "192.0.2.1:40000");
	CU_ASSERT_STRING_EQUAL(s.server, "192.0.2.25:25");
	CU_ASSERT_EQUAL(s.replies, 6);
	CU_ASSERT_STRING_EQUAL(sc_buf_cstr(&s.seeds), "EHLO a\r\n"
			       "MAIL FROM:<$x>\r\nRCPT TO:<b>\r\nNOOP\n"
			       "STARTTLS\r\n");
	sc_buf_free(&s.scenario);
	sc_buf_free(&s.seeds);
}

static void test_not_importable(void)
{
	const struct sc_tcp_seg tls[] = {
		seg(0, 1, SC_TCP_ACK, "\x16\x03\x01\x02\x00 hello"),
		seg(1, 1, SC_TCP_ACK, "\x16\x03\x03\x00\x7a"),
	};
	const struct sc_tcp_seg http[] = {
		seg(0, 1, SC_TCP_ACK, "GET / HTTP/1.1\r\n"),
		seg(1, 1, SC_TCP_ACK, "HTTP/1.1 200 OK\r\n"),
	};
	struct sc_import_session s;

	import_one(tls, 2, 0, &s);
	CU_ASSERT_EQUAL(s.kind, SC_IMPORT_TLS);
	CU_ASSERT(strstr(s.note, "implicit TLS") != NULL);
	CU_ASSERT_EQUAL(s.scenario.len, 0);
	sc_buf_free(&s.scenario);
	sc_buf_free(&s.seeds);
	/* On port 25 but no reply: not SMTP. */
	import_one(http, 2, 0, &s);
	CU_ASSERT_EQUAL(s.kind, SC_IMPORT_NOT_SMTP);
	sc_buf_free(&s.scenario);
	sc_buf_free(&s.seeds);
}

/* put32le - little-endian 32 bits, as a pcap file written here */
static void put32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void test_memory_captures(void)
{
	unsigned char file[24 + 16 + SC_PCAP_FRAME_MAX];
	struct sc_import im;
	struct sc_import_options o;
	struct sc_error err;
	size_t n;

	memset(&o, 0, sizeof(o));
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_import_memory("hello", 5, &o, &im, &err),
			SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(sc_import_memory("", 0, &o, &im, &err),
			SC_ERR_SYNTAX);
	/* A pcap header (LINKTYPE_ETHERNET) and one record. */
	memset(file, 0, 24);
	put32le(file, 0xa1b2c3d4);
	file[4] = 2, file[6] = 4;
	put32le(file + 16, 65535);
	put32le(file + 20, 1);
	n = frame4(file + 40, SC_PCAP_FRAME_MAX, "220 hi\r\n");
	put32le(file + 32, (uint32_t)n);
	put32le(file + 36, (uint32_t)n);
	CU_ASSERT_EQUAL(sc_import_memory(file, 40 + n, &o, &im, &err), SC_OK);
	CU_ASSERT_EQUAL(im.packets, 1);
	CU_ASSERT_EQUAL(im.tcp_segments, 1);
	sc_import_free(&im);
	/* The same record cut short: an error that says so. */
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_import_memory(file, 40 + n - 3, &o, &im, &err),
			SC_ERR_SYNTAX);
	CU_ASSERT(strstr(err.msg, "truncated") != NULL);
	sc_import_free(&im);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "decode link types", test_decode_link_types },
		{ "decode refuses", test_decode_refuses },
		{ "reasm out of order", test_reasm_out_of_order },
		{ "reasm gap and reuse", test_reasm_gap_and_reuse },
		{ "scenario text", test_scenario_text },
		{ "not importable", test_not_importable },
		{ "memory captures", test_memory_captures },
		{ NULL, NULL }
	};

	return test_add_suite("import", cases);
}
