/*
 * transport_tls.c - a TLS client layered over another transport.
 *
 * RFC 3207 (STARTTLS) starts TLS in the middle of an SMTP connection,
 * RFC 8314 3 right after the TCP connect.  Either way the TLS records
 * travel through the inner transport: OpenSSL works on a pair of
 * memory BIOs, and this module moves bytes between them and the inner
 * transport's read and write.  So every wait keeps the caller's
 * deadline and Ctrl-C flag, a byte tap on the inner transport sees the
 * encrypted bytes actually sent, and nothing here touches a socket.
 *
 * The server is untrusted: reads are one TLS record's worth at a time
 * (SC_TLS_READ_CHUNK), writes are cut into records and flushed one by
 * one, and every failure (garbage instead of a handshake, a close or
 * reset mid-handshake) becomes an error value with OpenSSL's reason.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "smtpconf/limits.h"
#include "smtpconf/transport.h"

struct sc_tls_ctx {
	SSL_CTX *ssl_ctx;
	FILE *keylog;		/* SSLKEYLOGFILE lines, or NULL */
	char sni[256];		/* empty: derive from the host */
};

struct tls_impl {
	SSL *ssl;
	BIO *rbio;		/* bytes from the server, for OpenSSL */
	BIO *wbio;		/* bytes OpenSSL wants sent */
	struct sc_transport inner;
	int peer_eof;		/* the inner transport reached EOF */
};

/* SSL records are at most 16 KiB of plaintext (RFC 8446 5.1). */
enum { TLS_WRITE_CHUNK = 16384 };

static const struct sc_transport_ops tls_ops;

/* openssl_reason - the first reason OpenSSL queued (the cause), or fallback */
static void openssl_reason(char *out, size_t n, const char *fallback)
{
	unsigned long first = ERR_get_error();
	const char *r = first ? ERR_reason_error_string(first) : NULL;

	if (r != NULL)
		snprintf(out, n, "%s", r);
	else if (first)
		ERR_error_string_n(first, out, n);
	else
		snprintf(out, n, "%s", fallback);
	ERR_clear_error();
}

/* flush_out - hand every byte OpenSSL produced to the inner transport */
static int flush_out(struct tls_impl *im, long long deadline_ms,
		     struct sc_error *err)
{
	char buf[4096];
	int n;

	while ((n = BIO_read(im->wbio, buf, sizeof(buf))) > 0)
		if (im->inner.ops->write(&im->inner, buf, (size_t)n,
					 deadline_ms, err) != SC_OK)
			return err->status;
	return SC_OK;
}

/* fill_in - one read from the inner transport into OpenSSL: 1, 0 EOF, -1 */
static int fill_in(struct tls_impl *im, long long deadline_ms,
		   struct sc_error *err)
{
	char buf[SC_TLS_READ_CHUNK];
	ssize_t n;

	if (im->peer_eof)
		return 0;
	n = im->inner.ops->read(&im->inner, buf, sizeof(buf), deadline_ms,
				err);
	if (n == 0)
		im->peer_eof = 1;
	if (n <= 0)
		return n == 0 ? 0 : -1;
	if (BIO_write(im->rbio, buf, (int)n) != (int)n) {
		sc_error_set(err, SC_ERR_NOMEM, "out of memory");
		return -1;
	}
	return 1;
}

/* tls_read - decrypt up to len bytes; 0 on close_notify or EOF */
static ssize_t tls_read(struct sc_transport *t, void *buf, size_t len,
			long long deadline_ms, struct sc_error *err)
{
	struct tls_impl *im = t->impl;
	char why[256];
	int n, e, r;

	for (;;) {
		ERR_clear_error();
		n = SSL_read(im->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
		if (n > 0)
			return n;
		e = SSL_get_error(im->ssl, n);
		if (e == SSL_ERROR_SSL || e == SSL_ERROR_SYSCALL)
			openssl_reason(why, sizeof(why), "TLS error");
		/* Post-handshake messages may need an answer (key update). */
		if (flush_out(im, deadline_ms, err) != SC_OK)
			return -1;
		if (e == SSL_ERROR_ZERO_RETURN)
			return 0;
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			if (e != SSL_ERROR_SSL && e != SSL_ERROR_SYSCALL)
				snprintf(why, sizeof(why), "TLS error %d", e);
			sc_error_set(err, SC_ERR_TLS, "TLS record from %s: %s",
				     t->peer, why);
			return -1;
		}
		if (e == SSL_ERROR_WANT_READ) {
			r = fill_in(im, deadline_ms, err);
			if (r <= 0)
				return r;
		}
	}
}

/* tls_write - encrypt and send all len bytes, one record at a time */
static int tls_write(struct sc_transport *t, const void *buf, size_t len,
		     long long deadline_ms, struct sc_error *err)
{
	struct tls_impl *im = t->impl;
	const char *p = buf;
	char why[256];
	int n, e;

	while (len > 0) {
		ERR_clear_error();
		n = SSL_write(im->ssl, p, len > TLS_WRITE_CHUNK ?
			      TLS_WRITE_CHUNK : (int)len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
		e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(im->ssl, n);
		snprintf(why, sizeof(why), "TLS error %d", e);
		if (e == SSL_ERROR_SSL || e == SSL_ERROR_SYSCALL)
			openssl_reason(why, sizeof(why), "TLS error");
		if (flush_out(im, deadline_ms, err) != SC_OK)
			return err->status;
		if (n > 0)
			continue;
		if (e == SSL_ERROR_WANT_READ) {
			if (fill_in(im, deadline_ms, err) < 0)
				return err->status;
			if (im->peer_eof)
				return sc_error_set(err, SC_ERR_EOF, "write to "
						    "%s: connection closed",
						    t->peer);
			continue;
		}
		return sc_error_set(err, SC_ERR_TLS, "TLS write to %s: %s",
				    t->peer, why);
	}
	return SC_OK;
}

/* tls_close - best-effort close_notify, then close the inner transport */
static void tls_close(struct sc_transport *t)
{
	struct tls_impl *im = t->impl;
	struct sc_error err;

	if (im == NULL)
		return;
	sc_error_clear(&err);
	if (!im->peer_eof) {
		ERR_clear_error();
		SSL_shutdown(im->ssl);
		flush_out(im, sc_now_ms() + SC_TLS_CLOSE_NOTIFY_MS, &err);
	}
	ERR_clear_error();
	SSL_free(im->ssl);	/* frees both BIOs */
	im->inner.ops->close(&im->inner);
	free(im);
	t->impl = NULL;
}

static const struct sc_transport_ops tls_ops = {
	.read = tls_read,
	.write = tls_write,
	.close = tls_close,
};

/* keylog_line - OpenSSL hands us one SSLKEYLOGFILE line per secret */
static void keylog_line(const SSL *ssl, const char *line)
{
	struct sc_tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

	if (ctx != NULL && ctx->keylog != NULL) {
		fputs(line, ctx->keylog);
		fputc('\n', ctx->keylog);
		fflush(ctx->keylog);
	}
}

/* file_error - a usage error about path; err->file names it too */
static int file_error(const char *what, const char *path, const char *why,
		      struct sc_error *err)
{
	sc_error_set(err, SC_ERR_USAGE, "%s '%s': %s", what, path, why);
	snprintf(err->file, sizeof(err->file), "%s", path);
	return SC_ERR_USAGE;
}

/* file_readable - SC_OK, or a usage error naming what and why */
static int file_readable(const char *what, const char *path,
			 struct sc_error *err)
{
	FILE *f = fopen(path, "r");
	char why[200];

	if (f == NULL) {
		snprintf(why, sizeof(why), "cannot open: %s", strerror(errno));
		return file_error(what, path, why, err);
	}
	fclose(f);
	return SC_OK;
}

/* load_file_error - a usage error with OpenSSL's reason for a bad file */
static int load_file_error(const char *what, const char *path,
			   struct sc_error *err)
{
	char why[256];

	openssl_reason(why, sizeof(why), "not usable");
	/* OpenSSL's words for "this is not PEM at all". */
	if (strcmp(why, "no start line") == 0)
		snprintf(why, sizeof(why), "not a PEM file (no BEGIN line)");
	return file_error(what, path, why, err);
}

/* ctx_load - CAs, client certificate and key into the SSL_CTX */
static int ctx_load(struct sc_tls_ctx *ctx, const struct sc_tls_options *o,
		    struct sc_error *err)
{
	SSL_CTX *sc = ctx->ssl_ctx;
	const char *key = o->key_file ? o->key_file : o->cert_file;

	if (o->ca_file != NULL) {
		if (file_readable("CA file", o->ca_file, err) != SC_OK)
			return err->status;
		if (SSL_CTX_load_verify_locations(sc, o->ca_file, NULL) != 1)
			return load_file_error("CA file", o->ca_file, err);
	} else {
		SSL_CTX_set_default_verify_paths(sc);
	}
	if (o->key_file != NULL && o->cert_file == NULL)
		return file_error("client key", o->key_file, "a client key "
				  "needs a client certificate", err);
	if (o->cert_file == NULL)
		return SC_OK;
	if (file_readable("client certificate", o->cert_file, err) != SC_OK ||
	    file_readable("client key", key, err) != SC_OK)
		return err->status;
	if (SSL_CTX_use_certificate_chain_file(sc, o->cert_file) != 1)
		return load_file_error("client certificate", o->cert_file,
				       err);
	if (SSL_CTX_use_PrivateKey_file(sc, key, SSL_FILETYPE_PEM) != 1)
		return load_file_error("client key", key, err);
	if (SSL_CTX_check_private_key(sc) != 1)
		return load_file_error("client key", key, err);
	return SC_OK;
}

/* sc_tls_ctx_new - load CAs, client certificate and key log; SC_ERR_USAGE names the bad file */
int sc_tls_ctx_new(const struct sc_tls_options *o, struct sc_tls_ctx **out,
		   struct sc_error *err)
{
	struct sc_tls_ctx *ctx = calloc(1, sizeof(*ctx));

	*out = NULL;
	if (ctx == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	ERR_clear_error();
	ctx->ssl_ctx = SSL_CTX_new(TLS_client_method());
	if (ctx->ssl_ctx == NULL) {
		free(ctx);
		return sc_error_set(err, SC_ERR_TLS, "cannot set up TLS");
	}
	SSL_CTX_set_app_data(ctx->ssl_ctx, ctx);
	/* Test servers use self-signed certificates: verification is
	 * recorded either way, and fails the handshake only on request. */
	SSL_CTX_set_verify(ctx->ssl_ctx, o->verify ? SSL_VERIFY_PEER
			   : SSL_VERIFY_NONE, NULL);
	if (o->sni != NULL)
		snprintf(ctx->sni, sizeof(ctx->sni), "%s", o->sni);
	if (ctx_load(ctx, o, err) != SC_OK) {
		sc_tls_ctx_free(ctx);
		return err->status;
	}
	if (o->keylog_file != NULL) {
		ctx->keylog = fopen(o->keylog_file, "a");
		if (ctx->keylog == NULL) {
			char why[200];

			snprintf(why, sizeof(why), "cannot open: %s",
				 strerror(errno));
			file_error("key log file", o->keylog_file, why, err);
			sc_tls_ctx_free(ctx);
			return SC_ERR_USAGE;
		}
		SSL_CTX_set_keylog_callback(ctx->ssl_ctx, keylog_line);
	}
	*out = ctx;
	return SC_OK;
}

/* sc_tls_ctx_free - release the context (NULL is fine) */
void sc_tls_ctx_free(struct sc_tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->keylog != NULL)
		fclose(ctx->keylog);
	SSL_CTX_free(ctx->ssl_ctx);
	free(ctx);
}

/* is_ip_literal - 1 when host is an IPv4 or IPv6 address */
static int is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	       inet_pton(AF_INET6, host, buf) == 1;
}

/* name_print - an X509 name in RFC 2253 form into out */
static void name_print(X509_NAME *name, char *out, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	int len;

	out[0] = '\0';
	if (b == NULL)
		return;
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253);
	len = BIO_read(b, out, (int)n - 1);
	out[len > 0 ? len : 0] = '\0';
	BIO_free(b);
}

/* info_fill - what the handshake established, for the reports */
static void info_fill(SSL *ssl, struct sc_tls_info *info)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	long v = SSL_get_verify_result(ssl);

	snprintf(info->protocol, sizeof(info->protocol), "%s",
		 SSL_get_version(ssl));
	snprintf(info->cipher, sizeof(info->cipher), "%s",
		 SSL_get_cipher_name(ssl));
	info->have_cert = cert != NULL;
	if (cert != NULL) {
		name_print(X509_get_subject_name(cert), info->subject,
			   sizeof(info->subject));
		name_print(X509_get_issuer_name(cert), info->issuer,
			   sizeof(info->issuer));
		X509_free(cert);
	}
	info->verify_ok = cert != NULL && v == X509_V_OK;
	snprintf(info->verify, sizeof(info->verify), "%s",
		 cert == NULL ? "no certificate" : v == X509_V_OK ? "ok"
		 : X509_verify_cert_error_string(v));
}

/* ssl_setup - a client SSL on two memory BIOs, with SNI and name checks */
static SSL *ssl_setup(struct sc_tls_ctx *ctx, const char *host,
		      struct tls_impl *im)
{
	SSL *ssl = SSL_new(ctx->ssl_ctx);
	const char *name = ctx->sni[0] ? ctx->sni
			   : is_ip_literal(host) ? NULL : host;

	if (ssl == NULL)
		return NULL;
	im->rbio = BIO_new(BIO_s_mem());
	im->wbio = BIO_new(BIO_s_mem());
	if (im->rbio == NULL || im->wbio == NULL) {
		BIO_free(im->rbio);
		BIO_free(im->wbio);
		SSL_free(ssl);
		return NULL;
	}
	/* Empty means "wait for more", not end of stream. */
	BIO_set_mem_eof_return(im->rbio, -1);
	SSL_set_bio(ssl, im->rbio, im->wbio);
	SSL_set_connect_state(ssl);
	if (name != NULL) {
		SSL_set_tlsext_host_name(ssl, name);
		SSL_set1_host(ssl, name);
	} else {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	}
	return ssl;
}

/* handshake_failed - the error for a failed SSL_do_handshake */
static int handshake_failed(struct tls_impl *im, const char *peer,
			    const char *why, struct sc_error *err)
{
	long v = SSL_get_verify_result(im->ssl);

	if (v != X509_V_OK && strstr(why, "certificate verify failed"))
		return sc_error_set(err, SC_ERR_TLS, "TLS handshake with %s "
				    "failed: certificate verify failed: %s",
				    peer, X509_verify_cert_error_string(v));
	return sc_error_set(err, SC_ERR_TLS, "TLS handshake with %s failed: "
			    "%s", peer, why);
}

/* handshake - drive SSL_do_handshake through the inner transport */
static int handshake(struct tls_impl *im, const char *peer,
		     long long deadline_ms, struct sc_error *err)
{
	struct sc_error werr;
	char why[256];
	int rc, e, r;

	for (;;) {
		ERR_clear_error();
		rc = SSL_do_handshake(im->ssl);
		e = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(im->ssl, rc);
		/* Take the reason before the alert goes out. */
		snprintf(why, sizeof(why), "TLS error %d", e);
		if (e == SSL_ERROR_SSL || e == SSL_ERROR_SYSCALL)
			openssl_reason(why, sizeof(why), "unknown reason");
		sc_error_clear(&werr);
		/* On failure this still sends our alert, best effort. */
		if (flush_out(im, deadline_ms, &werr) != SC_OK &&
		    e != SSL_ERROR_SSL && e != SSL_ERROR_SYSCALL)
			return sc_error_set(err, werr.status, "TLS handshake "
					    "with %s: %s", peer, werr.msg);
		if (rc == 1)
			return SC_OK;
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			return handshake_failed(im, peer, why, err);
		if (e != SSL_ERROR_WANT_READ)
			continue;
		r = fill_in(im, deadline_ms, err);
		if (r == 0)
			return sc_error_set(err, SC_ERR_EOF, "the server closed "
					    "the connection during the TLS "
					    "handshake");
		if (r < 0 && err->status == SC_ERR_EOF)
			return sc_error_set(err, SC_ERR_EOF, "the connection "
					    "was reset during the TLS "
					    "handshake (%s)", err->msg);
		if (r < 0)
			return sc_error_set(err, err->status, "TLS handshake "
					    "with %s: %s", peer, err->msg);
	}
}

/* sc_tls_start - TLS handshake over t; see transport.h */
int sc_tls_start(struct sc_tls_ctx *ctx, struct sc_transport *t,
		 const char *host, long long deadline_ms,
		 struct sc_tls_info *info, struct sc_error *err)
{
	struct tls_impl *im = calloc(1, sizeof(*im));
	struct sc_tls_info scratch;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (im == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	ERR_clear_error();
	im->ssl = ssl_setup(ctx, host, im);
	if (im->ssl == NULL) {
		free(im);
		return sc_error_set(err, SC_ERR_NOMEM, "cannot set up TLS");
	}
	im->inner = *t;
	if (handshake(im, t->peer, deadline_ms, err) != SC_OK) {
		info_fill(im->ssl, info);
		info->done = 0;
		SSL_free(im->ssl);
		free(im);
		ERR_clear_error();
		return err->status;
	}
	info_fill(im->ssl, info);
	info->done = 1;
	t->ops = &tls_ops;
	t->impl = im;
	return SC_OK;
}

/* sc_tls_active - 1 when t is a TLS transport */
int sc_tls_active(const struct sc_transport *t)
{
	return t->ops == &tls_ops;
}
