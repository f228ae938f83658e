/*
 * test_pcap.c - synthesized frames (headers, checksums, sequence and
 * acknowledgement numbers), the capture writer read back through
 * libpcap, and the TCP tap on a real loopback connection.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include "cunit_main.h"
#include "smtpconf/limits.h"
#include "smtpconf/pcap.h"

#define ETH 14

/* get16 - a big-endian 16-bit field */
static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* get32 - a big-endian 32-bit field */
static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* sum16 - RFC 1071 sum, folded, not complemented: 0xffff when valid */
static unsigned sum16(uint32_t sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sum += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* tcp_ok - the TCP checksum of a frame verifies (pseudo-header too) */
static int tcp_ok(const unsigned char *f, size_t n)
{
	int v6 = get16(f + 12) == 0x86dd;
	size_t ip = v6 ? 40 : 20, alen = v6 ? 16 : 4;
	const unsigned char *ipp = f + ETH;
	size_t seg = n - ETH - ip;
	uint32_t sum = 0;

	sum = sum16(sum, ipp + (v6 ? 8 : 12), 2 * alen);
	sum += 6 + (uint32_t)seg;
	return sum16(sum, f + ETH + ip, seg) == 0xffff;
}

/* v4 - a sockaddr_in for 127.0.0.1:port */
static struct sockaddr_in v4(unsigned port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

/* v6 - a sockaddr_in6 for [::1]:port */
static struct sockaddr_in6 v6(unsigned port)
{
	struct sockaddr_in6 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons((uint16_t)port);
	sa.sin6_addr = in6addr_loopback;
	return sa;
}

static void test_ipv4_handshake_and_data(void)
{
	struct sockaddr_in c = v4(40000), s = v4(25);
	unsigned char f[SC_PCAP_FRAME_MAX];
	const unsigned char *tcp = f + ETH + 20;
	struct sc_tcp_flow fl;
	struct sc_error err;
	uint32_t cisn, sisn;
	size_t n;

	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_tcp_flow_init(&fl, (void *)&c, (void *)&s,
					 &err) == SC_OK);
	CU_ASSERT_EQUAL(fl.mss, SC_PCAP_MSS_V4);
	cisn = fl.seq[SC_SIDE_CLIENT];
	sisn = fl.seq[SC_SIDE_SERVER];
	n = sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_SYN, NULL, 0, f,
			 sizeof(f));
	CU_ASSERT_EQUAL(n, 54);
	CU_ASSERT_EQUAL(get16(f + 12), 0x0800);
	CU_ASSERT_EQUAL(f[ETH], 0x45);
	CU_ASSERT_EQUAL(get16(f + ETH + 2), 40);
	CU_ASSERT_EQUAL(sum16(0, f + ETH, 20), 0xffff);
	CU_ASSERT(tcp_ok(f, n));
	CU_ASSERT_EQUAL(get16(tcp), 40000);
	CU_ASSERT_EQUAL(get16(tcp + 2), 25);
	CU_ASSERT_EQUAL(get32(tcp + 4), cisn);
	CU_ASSERT_EQUAL(get32(tcp + 8), 0);
	CU_ASSERT_EQUAL(tcp[13], SC_TCP_SYN);
	/* RFC 9293 3.4: the SYN takes one sequence number. */
	n = sc_tcp_frame(&fl, SC_SIDE_SERVER, SC_TCP_SYN | SC_TCP_ACK, NULL,
			 0, f, sizeof(f));
	CU_ASSERT_EQUAL(get16(tcp), 25);
	CU_ASSERT_EQUAL(get32(tcp + 4), sisn);
	CU_ASSERT_EQUAL(get32(tcp + 8), cisn + 1);
	n = sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_ACK | SC_TCP_PSH,
			 "EHLO x\r\n", 8, f, sizeof(f));
	CU_ASSERT_EQUAL(n, 62);
	CU_ASSERT(tcp_ok(f, n));
	CU_ASSERT_EQUAL(get32(tcp + 4), cisn + 1);
	CU_ASSERT_EQUAL(get32(tcp + 8), sisn + 1);
	CU_ASSERT_EQUAL(memcmp(tcp + 20, "EHLO x\r\n", 8), 0);
	/* Data takes one number a byte, the FIN one more. */
	n = sc_tcp_frame(&fl, SC_SIDE_SERVER, SC_TCP_ACK, NULL, 0, f,
			 sizeof(f));
	CU_ASSERT_EQUAL(get32(tcp + 8), cisn + 9);
	n = sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_FIN | SC_TCP_ACK, NULL,
			 0, f, sizeof(f));
	CU_ASSERT_EQUAL(get32(tcp + 4), cisn + 9);
	CU_ASSERT(fl.fin[SC_SIDE_CLIENT]);
	n = sc_tcp_frame(&fl, SC_SIDE_SERVER, SC_TCP_ACK, NULL, 0, f,
			 sizeof(f));
	CU_ASSERT_EQUAL(get32(tcp + 8), cisn + 10);
	CU_ASSERT(tcp_ok(f, n));
}

static void test_ipv6_frame(void)
{
	struct sockaddr_in6 c = v6(41000), s = v6(587);
	unsigned char f[SC_PCAP_FRAME_MAX], data[SC_PCAP_MSS_V6 + 1];
	const unsigned char *tcp = f + ETH + 40;
	struct sc_tcp_flow fl;
	struct sc_error err;
	size_t n;

	memset(data, 'x', sizeof(data));
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_tcp_flow_init(&fl, (void *)&c, (void *)&s,
					 &err) == SC_OK);
	CU_ASSERT_EQUAL(fl.mss, SC_PCAP_MSS_V6);
	n = sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_ACK, data,
			 SC_PCAP_MSS_V6, f, sizeof(f));
	CU_ASSERT_EQUAL(n, 14 + 40 + 20 + SC_PCAP_MSS_V6);
	CU_ASSERT_EQUAL(get16(f + 12), 0x86dd);
	CU_ASSERT_EQUAL(f[ETH] >> 4, 6);
	CU_ASSERT_EQUAL(get16(f + ETH + 4), 20 + SC_PCAP_MSS_V6);
	CU_ASSERT_EQUAL(f[ETH + 6], 6);
	CU_ASSERT_EQUAL(get16(tcp + 2), 587);
	CU_ASSERT(tcp_ok(f, n));
	/* A segment over the MSS, or a buffer too small, is refused. */
	CU_ASSERT_EQUAL(sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_ACK, data,
				     sizeof(data), f, sizeof(f)), 0);
	CU_ASSERT_EQUAL(sc_tcp_frame(&fl, SC_SIDE_CLIENT, SC_TCP_ACK, data,
				     10, f, 60), 0);
}

static void test_family_mismatch(void)
{
	struct sockaddr_in c = v4(1);
	struct sockaddr_in6 s = v6(2);
	struct sc_tcp_flow fl;
	struct sc_error err;

	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_tcp_flow_init(&fl, (void *)&c, (void *)&s, &err),
			SC_ERR_UNSUPPORTED);
}

/* The bytes of one direction and the frame count of a read-back file. */
struct readback {
	unsigned char dir[2][8192];
	size_t len[2];
	unsigned frames, syn, fin;
	long first_usec, last_usec;
};

/* read_back - every frame of path through libpcap */
static int read_back(const char *path, struct readback *rb)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, ebuf);
	int side;
	size_t pl;

	memset(rb, 0, sizeof(*rb));
	if (p == NULL || pcap_datalink(p) != DLT_EN10MB)
		return -1;
	while (pcap_next_ex(p, &h, &d) == 1) {
		const unsigned char *tcp = d + ETH + 20;

		if (rb->frames++ == 0)
			rb->first_usec = (long)h->ts.tv_usec;
		rb->last_usec = (long)h->ts.tv_usec;
		rb->syn += (tcp[13] & SC_TCP_SYN) != 0;
		rb->fin += (tcp[13] & SC_TCP_FIN) != 0;
		side = get16(tcp) == 25;
		pl = h->caplen - ETH - 20 - 20;
		if (pl > 0 && rb->len[side] + pl <= sizeof(rb->dir[0])) {
			memcpy(rb->dir[side] + rb->len[side], tcp + 20, pl);
			rb->len[side] += pl;
		}
	}
	pcap_close(p);
	return 0;
}

/* only_file - dir holds exactly one entry, named name */
static int only_file(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, found = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		found |= strcmp(e->d_name, name) == 0;
	}
	closedir(d);
	return n == 1 && found;
}

static void test_writer_round_trip(void)
{
	char dir[] = "/tmp/smtpconf-pcap.XXXXXX", path[64];
	struct sockaddr_in c = v4(40001), s = v4(25);
	struct timespec t1 = { 1700000000, 1000 }, t2 = { 1700000000, 5000 };
	static unsigned char big[3000];
	struct sc_pcap *p;
	struct sc_tcp_tap tap;
	struct sc_error err;
	struct readback rb;

	memset(big, 'D', sizeof(big));
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s.pcap", dir);
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_pcap_open(path, &p, &err) == SC_OK);
	CU_ASSERT_FATAL(sc_pcap_tap(p, &tap, &err) == SC_OK);
	tap.connect(tap.ctx, (void *)&c, (void *)&s, &t1);
	tap.recv(tap.ctx, "220 hi\r\n", 8, &t1);
	tap.send(tap.ctx, big, sizeof(big), &t2);
	tap.recv(tap.ctx, "", 0, &t2);
	tap.recv(tap.ctx, "", 0, &t2);	/* a second EOF adds nothing */
	tap.close(tap.ctx, &t2);
	/* Nothing at the final name until the capture is closed. */
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	CU_ASSERT_EQUAL(sc_pcap_close(p, &err), SC_OK);
	CU_ASSERT(only_file(dir, "s.pcap"));
	CU_ASSERT_FATAL(read_back(path, &rb) == 0);
	/* 3 handshake, 1+1 greeting and ACK, 3+1 data split at the MSS
	 * (1460 + 1460 + 80) and ACK, 2 server FIN, 2 client FIN. */
	CU_ASSERT_EQUAL(rb.frames, 3 + 2 + 4 + 2 + 2);
	CU_ASSERT_EQUAL(rb.syn, 2);
	CU_ASSERT_EQUAL(rb.fin, 2);
	CU_ASSERT_EQUAL(rb.first_usec, 1);
	CU_ASSERT_EQUAL(rb.last_usec, 5);
	CU_ASSERT_EQUAL(rb.len[1], 8);
	CU_ASSERT_EQUAL(memcmp(rb.dir[1], "220 hi\r\n", 8), 0);
	CU_ASSERT_EQUAL(rb.len[0], sizeof(big));
	CU_ASSERT_EQUAL(memcmp(rb.dir[0], big, sizeof(big)), 0);
	unlink(path);
	rmdir(dir);
}

static void test_writer_bad_dir(void)
{
	struct sc_pcap *p;
	struct sc_error err;

	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_pcap_open("/nonexistent-dir/x.pcap", &p, &err),
			SC_ERR_IO);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT(strstr(err.msg, "/nonexistent-dir/x.pcap") != NULL);
}

/* What the recording tap saw. */
struct seen {
	int connected, closed, fins;
	char sent[64], got[64];
	size_t nsent, ngot;
	unsigned short local_port;
};

/* Recording tap callbacks. */
static void rec_connect(void *ctx, const struct sockaddr *l,
			const struct sockaddr *p, const struct timespec *ts)
{
	struct seen *s = ctx;

	s->connected++;
	s->local_port = ntohs(((const struct sockaddr_in *)(const void *)l)
			      ->sin_port);
}

static void rec_send(void *ctx, const void *d, size_t n,
		     const struct timespec *ts)
{
	struct seen *s = ctx;

	if (s->nsent + n <= sizeof(s->sent)) {
		memcpy(s->sent + s->nsent, d, n);
		s->nsent += n;
	}
}

static void rec_recv(void *ctx, const void *d, size_t n,
		     const struct timespec *ts)
{
	struct seen *s = ctx;

	s->fins += n == 0;
	if (s->ngot + n <= sizeof(s->got)) {
		memcpy(s->got + s->ngot, d, n);
		s->ngot += n;
	}
}

static void rec_close(void *ctx, const struct timespec *ts)
{
	((struct seen *)ctx)->closed++;
}

static void test_tap_on_tcp(void)
{
	struct sockaddr_in sa = v4(0);
	socklen_t len = sizeof(sa);
	struct sc_transport t;
	struct sc_tcp_tap tap;
	struct seen seen;
	struct sc_error err;
	char port[16], buf[16];
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd;

	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_FATAL(bind(lfd, (void *)&sa, sizeof(sa)) == 0 &&
			listen(lfd, 1) == 0 &&
			getsockname(lfd, (void *)&sa, &len) == 0);
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_tcp_connect("127.0.0.1", port, sc_now_ms() + 2000,
				       NULL, &t, &err) == SC_OK);
	cfd = accept(lfd, NULL, NULL);
	memset(&seen, 0, sizeof(seen));
	memset(&tap, 0, sizeof(tap));
	tap.connect = rec_connect;
	tap.send = rec_send;
	tap.recv = rec_recv;
	tap.close = rec_close;
	tap.ctx = &seen;
	CU_ASSERT_FATAL(sc_tcp_tap_attach(&t, &tap, &err) == SC_OK);
	CU_ASSERT_EQUAL(seen.connected, 1);
	CU_ASSERT(seen.local_port != 0);
	CU_ASSERT(write(cfd, "220 x\r\n", 7) == 7);
	CU_ASSERT(t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 2000,
			      &err) == 7);
	CU_ASSERT(t.ops->write(&t, "QUIT\r\n", 6, sc_now_ms() + 2000,
			       &err) == SC_OK);
	/* Read it first: closing with unread data would be a reset. */
	CU_ASSERT(read(cfd, buf, 6) == 6);
	close(cfd);
	CU_ASSERT(t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 2000,
			      &err) == 0);
	t.ops->close(&t);
	close(lfd);
	CU_ASSERT_EQUAL(seen.nsent, 6);
	CU_ASSERT_EQUAL(memcmp(seen.sent, "QUIT\r\n", 6), 0);
	CU_ASSERT_EQUAL(seen.ngot, 7);
	CU_ASSERT_EQUAL(seen.fins, 1);
	CU_ASSERT_EQUAL(seen.closed, 1);
}

static void noop_write(void *ctx, const char *d, size_t n,
		       struct sc_transport *t)
{
}

static void test_tap_needs_tcp(void)
{
	struct sc_mem_server srv = { noop_write, NULL };
	struct sc_transport t;
	struct sc_tcp_tap tap;
	struct sc_error err;

	memset(&tap, 0, sizeof(tap));
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_mem_open(&srv, &t, &err) == SC_OK);
	CU_ASSERT_EQUAL(sc_tcp_tap_attach(&t, &tap, &err), SC_ERR_USAGE);
	t.ops->close(&t);
}

/* test_register - add this file's suites */
/*
 * test_port_pair_reused - a second connection on the same port pair
 * (the client's port is free again once the server closed first)
 * starts at other sequence numbers, so tshark does not take its SYN
 * for a retransmission of the first one's.
 */
static void test_port_pair_reused(void)
{
	struct sockaddr_in c = v4(40001), s = v4(25);
	struct sc_tcp_flow a, b;
	struct sc_error err;

	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_tcp_flow_init(&a, (void *)&c, (void *)&s,
					 &err) == SC_OK);
	CU_ASSERT_FATAL(sc_tcp_flow_init(&b, (void *)&c, (void *)&s,
					 &err) == SC_OK);
	CU_ASSERT_NOT_EQUAL(a.seq[SC_SIDE_CLIENT], b.seq[SC_SIDE_CLIENT]);
	CU_ASSERT_NOT_EQUAL(a.seq[SC_SIDE_SERVER], b.seq[SC_SIDE_SERVER]);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "ipv4 handshake and data", test_ipv4_handshake_and_data },
		{ "ipv6 frame", test_ipv6_frame },
		{ "family mismatch", test_family_mismatch },
		{ "port pair reused", test_port_pair_reused },
		{ "writer round trip", test_writer_round_trip },
		{ "writer bad directory", test_writer_bad_dir },
		{ "tap on tcp", test_tap_on_tcp },
		{ "tap needs tcp", test_tap_needs_tcp },
		{ NULL, NULL }
	};

	return test_add_suite("pcap", cases);
}
