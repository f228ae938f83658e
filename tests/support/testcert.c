/*
 * testcert.c - throwaway TLS identities for tests (see testcert.h).
 */
#include <stdio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "testcert.h"

/* add_san - a subjectAltName DNS entry, so name checks can pass */
static int add_san(X509 *cert, const char *name)
{
	char san[300];
	X509_EXTENSION *ext;
	int ok;

	snprintf(san, sizeof(san), "DNS:%s", name);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* testcert_make - a new key and a self-signed certificate for name */
int testcert_make(const char *name, EVP_PKEY **key, X509 **cert)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *c = X509_new();
	X509_NAME *n;

	if (k == NULL || c == NULL)
		goto fail;
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), 7L * 24 * 3600);
	X509_set_pubkey(c, k);
	n = X509_get_subject_name(c);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
				   (const unsigned char *)"smtpconf tests",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)name, -1, -1, 0);
	X509_set_issuer_name(c, n);
	if (add_san(c, name) < 0 || X509_sign(c, k, EVP_sha256()) == 0)
		goto fail;
	*key = k;
	*cert = c;
	return 0;
fail:
	EVP_PKEY_free(k);
	X509_free(c);
	return -1;
}

/* testcert_write - PEM to path (cert, then key when key is not NULL) */
int testcert_write(const char *path, X509 *cert, EVP_PKEY *key)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = PEM_write_X509(f, cert) == 1 && (key == NULL ||
	     PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1);
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* testcert_server_ctx - a server SSL_CTX using a fresh identity for name */
SSL_CTX *testcert_server_ctx(const char *name, X509 **cert_out)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;

	if (ctx == NULL || testcert_make(name, &key, &cert) < 0 ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1) {
		SSL_CTX_free(ctx);
		EVP_PKEY_free(key);
		X509_free(cert);
		return NULL;
	}
	EVP_PKEY_free(key);	/* the context holds its own references */
	if (cert_out != NULL)
		*cert_out = cert;
	else
		X509_free(cert);
	return ctx;
}
