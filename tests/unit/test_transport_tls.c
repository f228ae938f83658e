/*
 * test_transport_tls.c - the TLS layer over the in-memory and TCP
 * transports, against an in-process OpenSSL server.
 *
 * The in-memory server is synchronous: each client write is fed to a
 * server SSL on memory BIOs and whatever it produces is queued for the
 * client, so whole handshakes run without sockets or threads.  The TCP
 * cases (garbage, silence, close, reset) use a loopback listener whose
 * accepted end the test drives itself, before the client reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "cunit_main.h"
#include "smtpconf/transport.h"
#include "testcert.h"

#define NAME "mx.test.example"

/* How the in-memory server behaves. */
enum srv_mode {
	SRV_GOOD,	/* handshake, then echo each record back */
	SRV_GARBAGE,	/* answer the ClientHello with plaintext */
	SRV_CUT,	/* send half of its first flight, then hang up */
	SRV_CLOSE,	/* hang up on the ClientHello */
	SRV_BYE		/* handshake, then close_notify and hang up */
};

struct srv {
	enum srv_mode mode;
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rb, *wb;
	int want_client_cert;
	int got_client_cert;
	char got[256];		/* plaintext received after the handshake */
	size_t gotlen;
};

static SSL_CTX *g_srv_ctx;
static X509 *g_srv_cert;
static char g_dir[] = "/tmp/smtpconf-tls-XXXXXX";
static char g_ca[300];

/* accept_any - the test server takes any client certificate */
static int accept_any(int ok, X509_STORE_CTX *x)
{
	return 1;
}

/* srv_drain - queue what the server SSL produced; at most max bytes, then hang up */
static void srv_drain(struct srv *v, struct sc_transport *t, size_t max)
{
	char buf[16384];
	size_t sent = 0;
	int n;

	while ((n = BIO_read(v->wb, buf, sizeof(buf))) > 0) {
		size_t k = (size_t)n;

		if (sent + k > max)
			k = max - sent;
		sc_mem_queue(t, buf, k);
		sent += k;
		if (sent >= max) {
			sc_mem_hangup(t);
			return;
		}
	}
}

/* srv_on_write - feed the client's bytes to the server SSL */
static void srv_on_write(void *ctx, const char *data, size_t len,
			 struct sc_transport *t)
{
	struct srv *v = ctx;
	char buf[256];
	int n;

	if (data == NULL)
		return;
	if (v->mode == SRV_GARBAGE) {
		sc_mem_queue(t, "220 this is not TLS\r\n", 21);
		return;
	}
	if (v->mode == SRV_CLOSE) {
		sc_mem_hangup(t);
		return;
	}
	BIO_write(v->rb, data, (int)len);
	if (!SSL_is_init_finished(v->ssl)) {
		SSL_do_handshake(v->ssl);
		srv_drain(v, t, v->mode == SRV_CUT ? 40 : (size_t)-1);
		if (!SSL_is_init_finished(v->ssl))
			return;
		v->got_client_cert = SSL_get0_peer_certificate(v->ssl) != NULL;
		if (v->mode == SRV_BYE) {
			SSL_shutdown(v->ssl);
			srv_drain(v, t, (size_t)-1);
			sc_mem_hangup(t);
			return;
		}
	}
	while ((n = SSL_read(v->ssl, buf, sizeof(buf))) > 0) {
		if (v->gotlen + (size_t)n < sizeof(v->got)) {
			memcpy(v->got + v->gotlen, buf, (size_t)n);
			v->gotlen += (size_t)n;
		}
		SSL_write(v->ssl, buf, n);
	}
	srv_drain(v, t, (size_t)-1);
}

/* srv_open - an in-memory transport to a fresh server SSL */
static void srv_open(struct srv *v, enum srv_mode mode,
		     struct sc_transport *t)
{
	struct sc_mem_server ms = { srv_on_write, v };
	struct sc_error err;

	memset(v, 0, sizeof(*v));
	v->mode = mode;
	v->ssl = SSL_new(g_srv_ctx);
	v->rb = BIO_new(BIO_s_mem());
	v->wb = BIO_new(BIO_s_mem());
	BIO_set_mem_eof_return(v->rb, -1);
	SSL_set_bio(v->ssl, v->rb, v->wb);
	SSL_set_accept_state(v->ssl);
	CU_ASSERT_FATAL(sc_mem_open(&ms, t, &err) == SC_OK);
}

/* client_ctx - a TLS context from options; asserts success */
static struct sc_tls_ctx *client_ctx(const struct sc_tls_options *o)
{
	struct sc_tls_ctx *ctx = NULL;
	struct sc_error err;

	sc_error_clear(&err);
	if (sc_tls_ctx_new(o, &ctx, &err) != SC_OK)
		fprintf(stderr, "sc_tls_ctx_new: %s\n", err.msg);
	CU_ASSERT_FATAL(ctx != NULL);
	return ctx;
}

static void test_handshake_and_echo(void)
{
	struct sc_tls_options o = { 0 };
	struct sc_tls_ctx *ctx = client_ctx(&o);
	struct sc_tls_info info;
	struct sc_transport t;
	struct sc_error err;
	struct srv v;
	char buf[64];
	ssize_t n;

	srv_open(&v, SRV_GOOD, &t);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_tls_start(ctx, &t, NAME, sc_now_ms() + 5000,
					   &info, &err), SC_OK);
	CU_ASSERT_TRUE(sc_tls_active(&t));
	CU_ASSERT_TRUE(info.done);
	CU_ASSERT_STRING_EQUAL(info.protocol, "TLSv1.3");
	CU_ASSERT(info.cipher[0] != '\0');
	CU_ASSERT_TRUE(info.have_cert);
	CU_ASSERT(strstr(info.subject, "CN=" NAME) != NULL);
	CU_ASSERT(strstr(info.issuer, "O=smtpconf tests") != NULL);
	/* Self-signed and not in any trusted store: recorded, not fatal. */
	CU_ASSERT_FALSE(info.verify_ok);
	CU_ASSERT(strstr(info.verify, "self-signed") != NULL);
	CU_ASSERT_EQUAL(t.ops->write(&t, "EHLO x\r\n", 8, sc_now_ms() + 5000,
				     &err), SC_OK);
	CU_ASSERT_EQUAL(v.gotlen, 8);
	n = t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 5000, &err);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT(n == 8 && memcmp(buf, "EHLO x\r\n", 8) == 0);
	/* Nothing more: the in-memory transport reports a timeout. */
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 5000,
				    &err), -1);
	CU_ASSERT_EQUAL(err.status, SC_ERR_TIMEOUT);
	t.ops->close(&t);
	SSL_free(v.ssl);
	sc_tls_ctx_free(ctx);
}

static void test_close_notify_is_eof(void)
{
	struct sc_tls_options o = { 0 };
	struct sc_tls_ctx *ctx = client_ctx(&o);
	struct sc_transport t;
	struct sc_error err;
	struct srv v;
	char buf[64];

	srv_open(&v, SRV_BYE, &t);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_tls_start(ctx, &t, NAME, sc_now_ms() + 5000,
					   NULL, &err), SC_OK);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 5000,
				    &err), 0);
	t.ops->close(&t);
	SSL_free(v.ssl);
	sc_tls_ctx_free(ctx);
}

/* failed_start - run a handshake that must fail; returns its status */
static int failed_start(enum srv_mode mode, struct sc_error *err)
{
	struct sc_tls_options o = { 0 };
	struct sc_tls_ctx *ctx = client_ctx(&o);
	struct sc_tls_info info;
	struct sc_transport t;
	struct srv v;
	int rc;

	srv_open(&v, mode, &t);
	sc_error_clear(err);
	rc = sc_tls_start(ctx, &t, NAME, sc_now_ms() + 5000, &info, err);
	/* On failure the inner transport is still the caller's. */
	CU_ASSERT_FALSE(sc_tls_active(&t));
	CU_ASSERT_FALSE(info.done);
	t.ops->close(&t);
	SSL_free(v.ssl);
	sc_tls_ctx_free(ctx);
	return rc;
}

static void test_garbage_cut_close(void)
{
	struct sc_error err;

	CU_ASSERT_EQUAL(failed_start(SRV_GARBAGE, &err), SC_ERR_TLS);
	CU_ASSERT(strstr(err.msg, "TLS handshake with memory failed: ")
		  != NULL);
	CU_ASSERT(strstr(err.msg, "wrong version number") != NULL);
	CU_ASSERT_EQUAL(failed_start(SRV_CUT, &err), SC_ERR_EOF);
	CU_ASSERT(strstr(err.msg, "closed the connection during the TLS "
			 "handshake") != NULL);
	CU_ASSERT_EQUAL(failed_start(SRV_CLOSE, &err), SC_ERR_EOF);
	CU_ASSERT(strstr(err.msg, "during the TLS handshake") != NULL);
}

static void test_verify_with_ca_and_name(void)
{
	struct sc_tls_options o = { .ca_file = g_ca, .verify = 1,
				    .sni = NAME };
	struct sc_tls_ctx *ctx = client_ctx(&o);
	struct sc_tls_info info;
	struct sc_transport t;
	struct sc_error err;
	struct srv v;

	srv_open(&v, SRV_GOOD, &t);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_tls_start(ctx, &t, "127.0.0.1", sc_now_ms() + 5000,
				     &info, &err), SC_OK);
	CU_ASSERT_TRUE(info.verify_ok);
	CU_ASSERT_STRING_EQUAL(info.verify, "ok");
	t.ops->close(&t);
	SSL_free(v.ssl);
	sc_tls_ctx_free(ctx);
	/* The same CA, but the name the user expects is another one. */
	o.sni = "other.example";
	ctx = client_ctx(&o);
	srv_open(&v, SRV_GOOD, &t);
	CU_ASSERT_EQUAL(sc_tls_start(ctx, &t, "127.0.0.1", sc_now_ms() + 5000,
				     &info, &err), SC_ERR_TLS);
	CU_ASSERT(strstr(err.msg, "certificate verify failed") != NULL);
	CU_ASSERT(strstr(err.msg, "hostname mismatch") != NULL);
	t.ops->close(&t);
	SSL_free(v.ssl);
	sc_tls_ctx_free(ctx);
}

static void test_client_cert_and_keylog(void)
{
	char pem[300], keylog[300], line[512];
	struct sc_tls_options o = { 0 };
	struct sc_tls_ctx *ctx;
	struct sc_transport t;
	struct sc_error err;
	EVP_PKEY *key;
	X509 *cert;
	struct srv v;
	FILE *f;
	int found = 0;

	snprintf(pem, sizeof(pem), "%s/client.pem", g_dir);
	snprintf(keylog, sizeof(keylog), "%s/keys.log", g_dir);
	CU_ASSERT_FATAL(testcert_make("client.example", &key, &cert) == 0);
	CU_ASSERT_FATAL(testcert_write(pem, cert, key) == 0);
	EVP_PKEY_free(key);
	X509_free(cert);
	o.cert_file = pem;
	o.keylog_file = keylog;
	ctx = client_ctx(&o);
	srv_open(&v, SRV_GOOD, &t);
	SSL_set_verify(v.ssl, SSL_VERIFY_PEER, accept_any);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_tls_start(ctx, &t, NAME, sc_now_ms() + 5000, NULL,
				     &err), SC_OK);
	CU_ASSERT_EQUAL(t.ops->write(&t, "x", 1, sc_now_ms() + 5000, &err),
			SC_OK);
	CU_ASSERT_TRUE(v.got_client_cert);
	t.ops->close(&t);
	SSL_free(v.ssl);
	sc_tls_ctx_free(ctx);
	f = fopen(keylog, "r");
	CU_ASSERT_FATAL(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		found |= strncmp(line, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ",
				 32) == 0;
	fclose(f);
	CU_ASSERT_TRUE(found);
}

/* bad_ctx - sc_tls_ctx_new must refuse o; returns the message */
static const char *bad_ctx(const struct sc_tls_options *o)
{
	static struct sc_error err;
	struct sc_tls_ctx *ctx = NULL;

	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_tls_ctx_new(o, &ctx, &err), SC_ERR_USAGE);
	CU_ASSERT_PTR_NULL(ctx);
	return err.msg;
}

static void test_bad_files(void)
{
	char text[300];
	struct sc_tls_options o = { 0 };
	FILE *f;

	o.ca_file = "/nonexistent/ca.pem";
	CU_ASSERT(strstr(bad_ctx(&o), "CA file '/nonexistent/ca.pem': "
			 "cannot open: No such file") != NULL);
	snprintf(text, sizeof(text), "%s/not-pem.txt", g_dir);
	f = fopen(text, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("this is not a certificate\n", f);
	fclose(f);
	o.ca_file = text;
	CU_ASSERT(strstr(bad_ctx(&o), "CA file '") != NULL);
	o.ca_file = NULL;
	o.cert_file = text;
	CU_ASSERT(strstr(bad_ctx(&o), "client certificate '") != NULL);
	/* A certificate whose key is elsewhere and not given. */
	o.cert_file = g_ca;
	CU_ASSERT(strstr(bad_ctx(&o), "client key '") != NULL);
	o.cert_file = NULL;
	o.key_file = text;
	CU_ASSERT(strstr(bad_ctx(&o), "needs a client certificate") != NULL);
	o.key_file = NULL;
	o.keylog_file = "/nonexistent/keys.log";
	CU_ASSERT(strstr(bad_ctx(&o), "key log file '/nonexistent/keys.log'")
		  != NULL);
}

/* tcp_pair - a client TCP transport and the accepted server fd */
static int tcp_pair(struct sc_transport *t)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct sc_error err;
	char port[16];
	int lfd = socket(AF_INET, SOCK_STREAM, 0), fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	if (sc_tcp_connect("127.0.0.1", port, sc_now_ms() + 5000, NULL, t,
			   &err) != SC_OK)
		return -1;
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	return fd;
}

/* tcp_start - a handshake over TCP whose server end was set up by the test */
static int tcp_start(struct sc_transport *t, long long ms,
		     struct sc_error *err)
{
	struct sc_tls_options o = { 0 };
	struct sc_tls_ctx *ctx = client_ctx(&o);
	int rc;

	sc_error_clear(err);
	rc = sc_tls_start(ctx, t, "127.0.0.1", sc_now_ms() + ms, NULL, err);
	CU_ASSERT_FALSE(sc_tls_active(t));
	t->ops->close(t);
	sc_tls_ctx_free(ctx);
	return rc;
}

static void test_tcp_failures(void)
{
	struct linger lg = { 1, 0 };
	struct sc_transport t;
	struct sc_error err;
	int fd;

	fd = tcp_pair(&t);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, "garbage garbage garbage\r\n", 25) == 25);
	CU_ASSERT_EQUAL(tcp_start(&t, 5000, &err), SC_ERR_TLS);
	CU_ASSERT(strstr(err.msg, "TLS handshake with 127.0.0.1:") != NULL);
	close(fd);
	/* A silent server: the deadline ends the wait. */
	fd = tcp_pair(&t);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(tcp_start(&t, 200, &err), SC_ERR_TIMEOUT);
	/* The message wraps the transport's in itself: whole, once. */
	CU_ASSERT(strstr(err.msg, "TLS handshake with 127.0.0.1:") == err.msg);
	CU_ASSERT(strstr(err.msg + 1, "TLS handshake with") == NULL);
	CU_ASSERT(strstr(err.msg, "before the deadline") != NULL);
	close(fd);
	fd = tcp_pair(&t);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(tcp_start(&t, 5000, &err), SC_ERR_EOF);
	fd = tcp_pair(&t);
	CU_ASSERT_FATAL(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);	/* with linger 0: a reset */
	CU_ASSERT_EQUAL(tcp_start(&t, 5000, &err), SC_ERR_EOF);
	CU_ASSERT(strstr(err.msg, "reset") != NULL ||
		  strstr(err.msg, "closed") != NULL);
}

/* suite_setup - one server identity for all cases, its cert as a CA file */
static void suite_setup(void)
{
	g_srv_ctx = testcert_server_ctx(NAME, &g_srv_cert);
	CU_ASSERT_FATAL(g_srv_ctx != NULL);
	CU_ASSERT_FATAL(mkdtemp(g_dir) != NULL);
	snprintf(g_ca, sizeof(g_ca), "%s/ca.pem", g_dir);
	CU_ASSERT_FATAL(testcert_write(g_ca, g_srv_cert, NULL) == 0);
}

static void test_setup(void)
{
	suite_setup();
}

static void test_cleanup(void)
{
	char cmd[400];

	SSL_CTX_free(g_srv_ctx);
	X509_free(g_srv_cert);
	snprintf(cmd, sizeof(cmd), "%s/ca.pem", g_dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/client.pem", g_dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/keys.log", g_dir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/not-pem.txt", g_dir);
	unlink(cmd);
	rmdir(g_dir);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "setup", test_setup },
		{ "handshake and echo", test_handshake_and_echo },
		{ "close_notify is eof", test_close_notify_is_eof },
		{ "garbage, cut, close", test_garbage_cut_close },
		{ "verify with ca and name", test_verify_with_ca_and_name },
		{ "client cert and key log", test_client_cert_and_keylog },
		{ "bad files", test_bad_files },
		{ "tcp failures", test_tcp_failures },
		{ "cleanup", test_cleanup },
		{ NULL, NULL }
	};

	return test_add_suite("transport_tls", cases);
}
