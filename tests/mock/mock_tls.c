/*
 * mock_tls.c - STARTTLS (RFC 3207) and implicit TLS (RFC 8314) in the
 * mock server, with one misbehaviour per rule the rfc3207 scenarios
 * check.
 *
 * The identity is made in memory when the server starts (a fresh
 * P-256 key and a self-signed certificate for mock.example.org,
 * tests/support/testcert.c): no key is ever committed or written.
 * The protocol side (the STARTTLS command, what EHLO lists, the reset
 * after the handshake) works on the session like the rest of the
 * protocol; the I/O side (the handshake and records on the socket) is
 * called by mock_server.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "mock.h"
#include "testcert.h"

static SSL_CTX *tls_ctx;

/* on - 1 when mode f is switched on */
static int on(const struct mock_modes *m, enum mock_flag f)
{
	return m->on[f];
}

/* mock_tls_offered - 1 when the modes make the mock offer STARTTLS */
int mock_tls_offered(const struct mock_modes *m)
{
	static const enum mock_flag offering[] = {
		MF_STARTTLS, MF_TLS_INJECT, MF_TLS_KEEP_STATE,
		MF_TLS_KEEP_EHLO, MF_TLS_READVERTISE, MF_STARTTLS_ARG_OK, MF_STARTTLS_TWICE_OK,
		MF_TLS_GARBAGE, MF_TLS_CUT,
	};
	size_t i;

	for (i = 0; i < sizeof(offering) / sizeof(offering[0]); i++)
		if (on(m, offering[i]))
			return 1;
	return 0;
}

/*
 * mock_tls_advertise - RFC 3207 4.2: "A server MUST NOT return the
 * STARTTLS extension in response to an EHLO command received after a
 * TLS handshake has completed" (tls-readvertise does).
 */
int mock_tls_advertise(const struct mock_session *s)
{
	if (!mock_tls_offered(s->modes) || on(s->modes, MF_IMPLICIT_TLS))
		return 0;
	return !s->tls || on(s->modes, MF_TLS_READVERTISE);
}

/* mock_starttls_cmd - STARTTLS (RFC 3207 4), with its modes */
void mock_starttls_cmd(struct mock_session *s, const char *arg, size_t alen)
{
	const struct mock_modes *m = s->modes;

	if (!mock_tls_offered(m) && !on(m, MF_STARTTLS_UNADVERTISED) &&
	    !on(m, MF_IMPLICIT_TLS)) {
		mock_reply(s, 500, "5.5.2", "Error: command not recognized");
		return;
	}
	/* Postfix's answer; RFC 3207 names no code for this case. */
	if (s->tls && !on(m, MF_STARTTLS_TWICE_OK)) {
		mock_reply(s, 554, "5.5.1", "Error: TLS already active");
		return;
	}
	/* RFC 3207 4: "501 Syntax error (no parameters allowed)". */
	if (alen > 0 && !on(m, MF_STARTTLS_ARG_OK)) {
		mock_reply(s, 501, "5.5.4", "Syntax: STARTTLS");
		return;
	}
	mock_reply(s, 220, "2.0.0", "Ready to start TLS");
	if (!s->tls)
		s->tls_start = 1;
}

/* mock_tls_stop_feed - after 220 to STARTTLS: keep or drop the rest */
void mock_tls_stop_feed(struct mock_session *s, const char *rest, size_t n)
{
	/* The CVE-2011-0411 bug: plaintext read with the STARTTLS line is
	 * acted on later as if it had come through TLS. */
	if (!on(s->modes, MF_TLS_INJECT))
		return;
	if (n > sizeof(s->tls_pending) - s->ntls_pending)
		n = sizeof(s->tls_pending) - s->ntls_pending;
	memcpy(s->tls_pending + s->ntls_pending, rest, n);
	s->ntls_pending += n;
}

/*
 * mock_tls_started - RFC 3207 4.2: "the SMTP protocol is reset to the
 * initial state ... The server MUST discard any knowledge obtained
 * from the client" (tls-keep-state keeps EHLO and the transaction,
 * tls-keep-ehlo only EHLO); then tls-inject runs what was pipelined
 * in plaintext.
 */
void mock_tls_started(struct mock_session *s)
{
	char pending[MOCK_TLS_PENDING];
	size_t n = s->ntls_pending;

	s->tls = 1;
	s->tls_start = 0;
	if (!on(s->modes, MF_TLS_KEEP_STATE)) {
		if (!on(s->modes, MF_TLS_KEEP_EHLO))
			s->helo = 0;
		s->mail = 0;
		s->nrcpt = 0;
		s->tx_utf8 = 0;
		s->tx_binary = 0;
		s->bdat = 0;
		s->auth_done = 0;
	}
	s->ntls_pending = 0;
	if (n > 0) {
		memcpy(pending, s->tls_pending, n);
		mock_session_feed(s, pending, n);
	}
}

/* mock_tls_init - make the server's TLS identity, once, before forking */
int mock_tls_init(void)
{
	if (tls_ctx != NULL)
		return 0;
	tls_ctx = testcert_server_ctx(MOCK_HOSTNAME, NULL);
	return tls_ctx != NULL ? 0 : -1;
}

/* set_rcv_timeout - bound each blocking read of the handshake */
static void set_rcv_timeout(int fd, unsigned seconds)
{
	struct timeval tv = {(time_t)seconds, 0};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* mock_tls_accept - the server side of a handshake on fd; NULL on failure */
void *mock_tls_accept(int fd, unsigned long id, int verbose)
{
	SSL *ssl;
	char why[256];

	if (tls_ctx == NULL || (ssl = SSL_new(tls_ctx)) == NULL)
		return NULL;
	set_rcv_timeout(fd, MOCK_TLS_HANDSHAKE_S);
	SSL_set_fd(ssl, fd);
	ERR_clear_error();
	if (SSL_accept(ssl) != 1) {
		ERR_error_string_n(ERR_get_error(), why, sizeof(why));
		if (verbose)
			fprintf(stderr, "mock_smtpd[%lu] TLS handshake "
				"failed: %s\n", id, why);
		SSL_free(ssl);
		return NULL;
	}
	set_rcv_timeout(fd, 0);
	if (verbose)
		fprintf(stderr, "mock_smtpd[%lu] TLS %s %s\n", id,
			SSL_get_version(ssl), SSL_get_cipher_name(ssl));
	return ssl;
}

/*
 * mock_tls_misbehave - after the 220: tls-garbage answers the
 * ClientHello with plaintext; tls-cut sends the first bytes of a
 * handshake record and hangs up.  1 when it acted (the session ends).
 */
int mock_tls_misbehave(const struct mock_modes *m, int fd)
{
	static const char garbage[] = "this is not TLS\r\n";
	/* A handshake record header promising 64 bytes, then 3 of them. */
	static const char cut[] = "\x16\x03\x03\x00\x40\x02\x00\x00";
	char buf[4096];

	if (!on(m, MF_TLS_GARBAGE) && !on(m, MF_TLS_CUT))
		return 0;
	set_rcv_timeout(fd, MOCK_TLS_HANDSHAKE_S);
	if (read(fd, buf, sizeof(buf)) <= 0)
		return 1;
	if (on(m, MF_TLS_GARBAGE) &&
	    write(fd, garbage, sizeof(garbage) - 1) < 0)
		return 1;
	if (on(m, MF_TLS_CUT) && write(fd, cut, sizeof(cut) - 1) < 0)
		return 1;
	return 1;
}

/* mock_tls_read - one SSL_read: bytes, 0 at close, -1 on error */
long mock_tls_read(void *ssl, char *buf, size_t len)
{
	int n = SSL_read(ssl, buf, (int)len);

	if (n > 0)
		return n;
	if (SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (SSL_get_error(ssl, n) == SSL_ERROR_SYSCALL && errno == EINTR)
		return -2;
	return -1;
}

/* mock_tls_write - the whole buffer through the SSL; 0 or -1 */
int mock_tls_write(void *ssl, const char *buf, size_t len)
{
	return SSL_write(ssl, buf, (int)len) == (int)len ? 0 : -1;
}

/* mock_tls_pending - decrypted bytes buffered in the SSL */
int mock_tls_pending(void *ssl)
{
	return SSL_pending(ssl);
}

/* mock_tls_free - close_notify (best effort) and free */
void mock_tls_free(void *ssl)
{
	if (ssl == NULL)
		return;
	SSL_shutdown(ssl);
	SSL_free(ssl);
}
