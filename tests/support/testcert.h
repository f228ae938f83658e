/*
 * testcert.h - throwaway TLS identities for tests, made in memory.
 *
 * The unit tests and the mock server need a certificate to speak TLS.
 * Nothing secret is committed: each process makes a fresh P-256 key
 * and a self-signed certificate when it starts, and writes them to a
 * file only when a test needs to hand the certificate to smtpconf
 * (--tls-ca) or the key to another program.
 */
#ifndef SMTPCONF_TESTCERT_H
#define SMTPCONF_TESTCERT_H

#include <openssl/ssl.h>

/* testcert_make - a new key and a self-signed certificate for name (CN and DNS SAN); 0 or -1 */
int testcert_make(const char *name, EVP_PKEY **key, X509 **cert);
/* testcert_write - PEM to path (cert, then key when key is not NULL); 0 or -1 */
int testcert_write(const char *path, X509 *cert, EVP_PKEY *key);
/* testcert_server_ctx - a server SSL_CTX using a fresh identity for name, or NULL */
SSL_CTX *testcert_server_ctx(const char *name, X509 **cert_out);

#endif
