/*
 * hostile_tls.c - TLS handshakes that go wrong on purpose.
 *
 * The tls-* modes misbehave right after the TCP connect (implicit TLS,
 * RFC 8314 3.3), the starttls-* modes after their "220 Ready to start
 * TLS" (RFC 3207 4): the client has been told that a handshake follows
 * and gets garbage, a record header and a close, a ServerHello and a
 * close, a record cut in half and then silence, or records without end.
 * The ServerHello of cut-hello and half-record is real: OpenSSL plays
 * the server on memory BIOs with a throwaway certificate (testcert.h),
 * and only part of its first flight goes out, so the client is truly
 * in the middle of a handshake when the server stops.  The tls-late-*
 * modes complete the first connection's handshake for real (so the
 * probe gets through) and break every later one.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <openssl/ssl.h>
#include "hostile.h"
#include "testcert.h"

#define HELLO_CAP	(64 * 1024)	/* bytes of ClientHello accepted */
#define FLIGHT_CAP	(64 * 1024)	/* bytes of first flight kept */
#define RECORD_HEADER	5		/* type, version, length */
#define RECORD_MAX	16384		/* plaintext bound, RFC 8446 5.1 */

/* Not TLS at all: a plaintext reply with terminal and HTML poison in
 * it, then binary bytes, as a misconfigured or hostile port sends. */
static const char garbage[] =
	"220 hostile.example.org ESMTP \x1b[2J<script>hostile()</script>\r\n"
	"\x00\xff\xfe\x80 not a TLS record \x1b]0;title\x07\r\n";

/* send_all - write every byte in whole sends; -1 once the client is gone */
static int send_all(int fd, const void *bytes, size_t len)
{
	return hostile_send_all(fd, bytes, len, len);
}

/* drain_all - read and discard until the client closes */
static void drain_all(int fd)
{
	char buf[4096];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0)
		if (r < 0 && errno != EINTR)
			return;
}

/* record_end - the offset after the TLS record at off, or 0 if cut */
static size_t record_end(const unsigned char *b, size_t n, size_t off)
{
	size_t len;

	if (off + RECORD_HEADER > n)
		return 0;
	len = (size_t)b[off + 3] << 8 | b[off + 4];
	return off + RECORD_HEADER + len <= n ? off + RECORD_HEADER + len : 0;
}

/* read_client_hello - the client's first TLS record into buf; its size,
 * or 0 when the client closed or sent no record within HELLO_CAP */
static size_t read_client_hello(int fd, unsigned char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (record_end(buf, n, 0) == 0 && n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		n += (size_t)r;
	}
	return record_end(buf, n, 0) ? n : 0;
}

/* first_flight - what a real server answers to hello (ServerHello
 * first), into out; its size, or 0 */
static size_t first_flight(const unsigned char *hello, size_t hlen,
			   unsigned char *out, size_t cap)
{
	SSL_CTX *ctx = testcert_server_ctx("hostile.example.org", NULL);
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	BIO *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(BIO_s_mem());
	int n = 0;

	if (ssl == NULL || rbio == NULL || wbio == NULL) {
		BIO_free(rbio);
		BIO_free(wbio);
	} else {
		SSL_set_bio(ssl, rbio, wbio);
		BIO_write(rbio, hello, (int)hlen);
		SSL_set_accept_state(ssl);
		SSL_do_handshake(ssl);	/* wants the client's Finished */
		n = BIO_read(wbio, out, (int)cap);
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return n > 0 ? (size_t)n : 0;
}

/* trick_garbage - bytes that are no TLS record, then wait */
static void trick_garbage(int fd, const unsigned char *fl, size_t n)
{
	(void)fl;
	(void)n;
	if (send_all(fd, garbage, sizeof(garbage) - 1) == 0)
		drain_all(fd);
}

/* trick_header_close - a handshake record's header, then a close */
static void trick_header_close(int fd, const unsigned char *fl, size_t n)
{
	static const unsigned char header[RECORD_HEADER] = {
		0x16, 0x03, 0x03, 0x00, 0x7a
	};

	(void)fl;
	(void)n;
	send_all(fd, header, sizeof(header));
}

/* trick_cut_hello - the real ServerHello record alone, then a close */
static void trick_cut_hello(int fd, const unsigned char *fl, size_t n)
{
	size_t end = record_end(fl, n, 0);

	if (end > 0)
		send_all(fd, fl, end);
}

/* trick_half_record - the ServerHello and half of what follows it (a
 * record cut in the middle), then silence until the client leaves */
static void trick_half_record(int fd, const unsigned char *fl, size_t n)
{
	size_t end = record_end(fl, n, 0);

	if (end > 0 && send_all(fd, fl, end + (n - end) / 2) == 0)
		drain_all(fd);
}

/* trick_endless - full-size handshake records of junk, until the
 * client goes away */
static void trick_endless(int fd, const unsigned char *fl, size_t n)
{
	static unsigned char rec[RECORD_HEADER + RECORD_MAX];
	uint32_t x = 0x9e3779b9u;
	size_t i;

	(void)fl;
	(void)n;
	rec[0] = 0x16;
	rec[1] = 0x03;
	rec[2] = 0x03;
	rec[3] = RECORD_MAX >> 8;
	rec[4] = RECORD_MAX & 0xff;
	do {
		for (i = RECORD_HEADER; i < sizeof(rec); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			rec[i] = (unsigned char)x;
		}
	} while (send_all(fd, rec, sizeof(rec)) == 0);
}

/* What each trick needs before it starts, and what it does. */
static const struct trick_row {
	int needs_hello;	/* wait for the ClientHello first */
	int needs_flight;	/* and answer it for real */
	void (*run)(int fd, const unsigned char *flight, size_t n);
} tricks[] = {
	[TLS_TRICK_GARBAGE] = { 0, 0, trick_garbage },
	[TLS_TRICK_HEADER_CLOSE] = { 1, 0, trick_header_close },
	[TLS_TRICK_CUT_HELLO] = { 1, 1, trick_cut_hello },
	[TLS_TRICK_HALF_RECORD] = { 1, 1, trick_half_record },
	[TLS_TRICK_ENDLESS] = { 1, 0, trick_endless },
};

/* hostile_tls_trick - play one broken handshake on fd, then return */
void hostile_tls_trick(int fd, enum tls_trick t)
{
	static unsigned char hello[HELLO_CAP], flight[FLIGHT_CAP];
	const struct trick_row *row = &tricks[t];
	size_t hlen = 0, n = 0;

	if (row->run == NULL)
		return;
	if (row->needs_hello) {
		hlen = read_client_hello(fd, hello, sizeof(hello));
		if (hlen == 0)
			return;
	}
	if (row->needs_flight) {
		n = first_flight(hello, hlen, flight, sizeof(flight));
		if (n == 0)
			return;
	}
	row->run(fd, flight, n);
}

/* relay - copy plaintext between the TLS session and the responder's
 * socket until either side closes */
static void relay(SSL *ssl, int fd, int plain)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { plain, POLLIN, 0 } };
	char buf[4096];
	int n;

	for (;;) {
		if (SSL_pending(ssl) == 0 && poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (SSL_pending(ssl) > 0 || (p[0].revents & (POLLIN | POLLHUP))) {
			n = SSL_read(ssl, buf, sizeof(buf));
			if (n <= 0 || send_all(plain, buf, (size_t)n) < 0)
				return;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = (int)read(plain, buf, sizeof(buf));
			if (n <= 0 || SSL_write(ssl, buf, n) <= 0)
				return;
		}
	}
}

/* hostile_tls_serve - a working TLS session on fd whose plaintext
 * side is served by mode, until either side closes */
void hostile_tls_serve(int fd, hostile_mode_fn mode,
		       const struct hostile_opts *o)
{
	SSL_CTX *ctx = testcert_server_ctx("hostile.example.org", NULL);
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	int sp[2];
	pid_t pid;

	if (ssl == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		goto out;
	pid = fork();
	if (pid == 0) {
		/* The responder, on the plaintext end. */
		close(sp[0]);
		close(fd);
		mode(sp[1], o);
		_exit(0);
	}
	close(sp[1]);
	if (pid > 0 && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1)
		relay(ssl, fd, sp[0]);
	close(sp[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}
