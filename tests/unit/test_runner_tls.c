/*
 * test_runner_tls.c - the `starttls` step, --tls starttls and --tls
 * implicit, against an in-memory SMTP server that speaks real TLS
 * (OpenSSL on memory BIOs, fed synchronously by each client write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/runner.h"
#include "testcert.h"

enum srv_kind {
	SRV_GOOD,		/* STARTTLS advertised, real handshake */
	SRV_GARBAGE,		/* 220, then plaintext instead of TLS */
	SRV_NO_STARTTLS,	/* does not advertise STARTTLS */
	SRV_IMPLICIT		/* TLS from the first byte, greeting inside */
};

struct srv {
	enum srv_kind kind;
	SSL *ssl;		/* NULL until TLS starts */
	BIO *rb, *wb;
	int tls_lines;		/* command lines received inside TLS */
	int plain_ehlo;		/* EHLO lines received in plaintext */
};

static SSL_CTX *g_ctx;

/* srv_send - a reply, encrypted once TLS is on */
static void srv_send(struct srv *v, struct sc_transport *t, const char *r)
{
	char buf[16384];
	int n;

	if (v->ssl == NULL) {
		sc_mem_queue(t, r, strlen(r));
		return;
	}
	SSL_write(v->ssl, r, (int)strlen(r));
	while ((n = BIO_read(v->wb, buf, sizeof(buf))) > 0)
		sc_mem_queue(t, buf, (size_t)n);
}

/* srv_tls_begin - a server SSL on memory BIOs */
static void srv_tls_begin(struct srv *v)
{
	v->ssl = SSL_new(g_ctx);
	v->rb = BIO_new(BIO_s_mem());
	v->wb = BIO_new(BIO_s_mem());
	BIO_set_mem_eof_return(v->rb, -1);
	SSL_set_bio(v->ssl, v->rb, v->wb);
	SSL_set_accept_state(v->ssl);
}

/* srv_line - answer one command line */
static void srv_line(struct srv *v, const char *line, size_t len,
		     struct sc_transport *t)
{
	if (v->ssl != NULL)
		v->tls_lines++;
	if (len >= 5 && strncmp(line, "EHLO ", 5) == 0) {
		v->plain_ehlo += v->ssl == NULL;
		srv_send(v, t, v->ssl != NULL || v->kind == SRV_NO_STARTTLS
			 ? "250-mx.test\r\n250 PIPELINING\r\n"
			 : "250-mx.test\r\n250 STARTTLS\r\n");
	} else if (len == 8 && strncmp(line, "STARTTLS", 8) == 0 &&
		   v->ssl == NULL && v->kind != SRV_NO_STARTTLS) {
		srv_send(v, t, "220 go ahead\r\n");
		if (v->kind != SRV_GARBAGE)
			srv_tls_begin(v);
	} else if (len == 4 && strncmp(line, "QUIT", 4) == 0) {
		srv_send(v, t, "221 bye\r\n");
		sc_mem_hangup(t);
	} else {
		srv_send(v, t, "503 no\r\n");
	}
}

/* srv_lines - split plaintext into CRLF lines */
static void srv_lines(struct srv *v, const char *d, size_t len,
		      struct sc_transport *t)
{
	size_t start = 0, i;

	for (i = 0; i + 1 < len; i++)
		if (d[i] == '\r' && d[i + 1] == '\n') {
			srv_line(v, d + start, i - start, t);
			start = i + 2;
		}
}

/* srv_on_write - plaintext lines, or TLS records to decrypt */
static void srv_on_write(void *ctx, const char *data, size_t len,
			 struct sc_transport *t)
{
	struct srv *v = ctx;
	char buf[4096];
	int n, was_init;

	if (data == NULL) {
		if (v->kind == SRV_IMPLICIT)
			srv_tls_begin(v);
		else
			srv_send(v, t, "220 mx.test ESMTP\r\n");
		return;
	}
	if (v->ssl == NULL) {
		if (v->kind == SRV_GARBAGE && len > 0 && data[0] == 0x16) {
			sc_mem_queue(t, "500 what is this\r\n", 18);
			return;
		}
		srv_lines(v, data, len, t);
		return;
	}
	BIO_write(v->rb, data, (int)len);
	was_init = SSL_is_init_finished(v->ssl);
	if (!was_init) {
		SSL_do_handshake(v->ssl);
		while ((n = BIO_read(v->wb, buf, sizeof(buf))) > 0)
			sc_mem_queue(t, buf, (size_t)n);
		if (SSL_is_init_finished(v->ssl) && v->kind == SRV_IMPLICIT)
			srv_send(v, t, "220 mx.test ESMTP over TLS\r\n");
	}
	while ((n = SSL_read(v->ssl, buf, sizeof(buf))) > 0)
		srv_lines(v, buf, (size_t)n, t);
	while ((n = BIO_read(v->wb, buf, sizeof(buf))) > 0)
		sc_mem_queue(t, buf, (size_t)n);
}

/* srv_connect - the runner's connect hook: a fresh server */
static int srv_connect(void *ctx, const char *session, long long deadline,
		       struct sc_transport *out, struct sc_error *err)
{
	struct srv *v = ctx;
	struct sc_mem_server ms = { srv_on_write, v };
	enum srv_kind kind = v->kind;

	if (v->ssl != NULL)
		SSL_free(v->ssl);
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	return sc_mem_open(&ms, out, err);
}

struct run {
	struct sc_scenario s;
	struct sc_result r;
	struct sc_vars vars;
	struct sc_run_options o;
	struct sc_capabilities caps;
};

/* run_text - parse and run a scenario against v in the given --tls mode */
static void run_text(struct run *rn, const char *text, struct srv *v,
		     enum sc_tls_mode mode)
{
	struct sc_error err;

	memset(rn, 0, sizeof(*rn));
	sc_vars_init(&rn->vars);
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_scenario_parse(text, strlen(text), "t.smtp", "t",
					  &rn->vars, &rn->s, &err) == SC_OK);
	sc_run_options_init(&rn->o, &rn->vars);
	rn->o.connect = srv_connect;
	rn->o.connect_ctx = v;
	rn->o.close_timeout_ms = 200;
	rn->o.step_timeout_ms = 2000;
	rn->o.tls_mode = mode;
	CU_ASSERT(sc_run_scenario(&rn->s, &rn->o, &rn->caps, &rn->r) == SC_OK);
}

/* run_free - release a run and the server's SSL */
static void run_free(struct run *rn, struct srv *v)
{
	sc_result_free(&rn->r);
	sc_scenario_free(&rn->s);
	SSL_free(v->ssl);
	v->ssl = NULL;
}

/* reason_has - the explanation mentions a phrase */
static int reason_has(const struct run *rn, const char *phrase)
{
	return rn->r.reason != NULL && strstr(rn->r.reason, phrase) != NULL;
}

#define HEADER "title: t\nrfc: 3207 4\nlevel: SHOULD\n\n"
#define STARTTLS_STEPS \
	"S: 220\nC: EHLO x\nS: 250 /STARTTLS/\nC: STARTTLS\nS: 220\n" \
	"starttls\n"

static void test_starttls_step(void)
{
	struct srv v = { .kind = SRV_GOOD };
	struct run rn;

	run_text(&rn, HEADER STARTTLS_STEPS "C: EHLO x\nS: 250\n"
		 "C: QUIT\nS: 221 closed\n", &v, SC_TLS_NONE);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(v.tls_lines, 2);
	CU_ASSERT_EQUAL_FATAL(rn.r.ntls, 1);
	CU_ASSERT_STRING_EQUAL(rn.r.tls[0].session, "main");
	CU_ASSERT_EQUAL(rn.r.tls[0].line, 10);
	CU_ASSERT_STRING_EQUAL(rn.r.tls[0].info.protocol, "TLSv1.3");
	CU_ASSERT(strstr(rn.r.tls[0].info.subject, "CN=mx.test.example")
		  != NULL);
	run_free(&rn, &v);
}

static void test_handshake_failure_is_must_fail(void)
{
	struct srv v = { .kind = SRV_GARBAGE };
	struct run rn;

	run_text(&rn, HEADER STARTTLS_STEPS "C: EHLO x\nS: 250\n", &v,
		 SC_TLS_NONE);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_FAIL);
	CU_ASSERT_EQUAL(rn.r.fail_level, SC_LEVEL_MUST);
	CU_ASSERT_EQUAL(rn.r.fail_line, 10);
	CU_ASSERT(reason_has(&rn, "answered STARTTLS with 220"));
	CU_ASSERT(reason_has(&rn, "wrong version number"));
	CU_ASSERT_EQUAL(rn.r.ntls, 0);
	run_free(&rn, &v);
}

static void test_starttls_twice_is_error(void)
{
	struct srv v = { .kind = SRV_GOOD };
	struct run rn;

	run_text(&rn, HEADER STARTTLS_STEPS "starttls\n", &v, SC_TLS_NONE);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_ERROR);
	CU_ASSERT(reason_has(&rn, "already inside TLS"));
	run_free(&rn, &v);
}

static void test_tls_starttls_mode(void)
{
	struct srv v = { .kind = SRV_GOOD };
	struct run rn;
	size_t i;
	int replayed = 0;

	run_text(&rn, HEADER "S: 220 /ESMTP/\nC: EHLO x\nS: 250 !/STARTTLS/\n"
		 "C: QUIT\nS: 221 closed\n", &v, SC_TLS_STARTTLS);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	/* The preamble's EHLO in plaintext, the scenario's inside TLS. */
	CU_ASSERT_EQUAL(v.plain_ehlo, 1);
	CU_ASSERT_EQUAL(v.tls_lines, 2);
	CU_ASSERT_EQUAL_FATAL(rn.r.ntls, 1);
	CU_ASSERT_EQUAL(rn.r.tls[0].line, 0);
	for (i = 0; i < rn.r.ntx; i++)
		replayed |= rn.r.tx[i].kind == SC_TX_EVENT &&
			    strstr(rn.r.tx[i].bytes, "before STARTTLS") != NULL;
	CU_ASSERT_TRUE(replayed);
	run_free(&rn, &v);
	/* No STARTTLS to use: the scenario cannot run. */
	v.kind = SRV_NO_STARTTLS;
	run_text(&rn, HEADER "S: 220\nC: QUIT\nS: 221\n", &v,
		 SC_TLS_STARTTLS);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_ERROR);
	CU_ASSERT(reason_has(&rn, "does not advertise STARTTLS"));
	run_free(&rn, &v);
}

static void test_tls_implicit_mode(void)
{
	struct srv v = { .kind = SRV_IMPLICIT };
	struct run rn;

	run_text(&rn, HEADER "S: 220 /over TLS/\nC: EHLO x\nS: 250\n"
		 "C: QUIT\nS: 221 closed\n", &v, SC_TLS_IMPLICIT);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_PASS);
	CU_ASSERT_EQUAL(v.tls_lines, 2);
	CU_ASSERT_EQUAL(rn.r.ntls, 1);
	run_free(&rn, &v);
	/* A plaintext server on an implicit-TLS run: an error, not a hang. */
	v.kind = SRV_GOOD;
	run_text(&rn, HEADER "S: 220\n", &v, SC_TLS_IMPLICIT);
	CU_ASSERT_EQUAL(rn.r.verdict, SC_VERDICT_ERROR);
	CU_ASSERT(reason_has(&rn, "--tls implicit"));
	run_free(&rn, &v);
}

static void test_setup(void)
{
	g_ctx = testcert_server_ctx("mx.test.example", NULL);
	CU_ASSERT_FATAL(g_ctx != NULL);
}

static void test_cleanup(void)
{
	SSL_CTX_free(g_ctx);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "setup", test_setup },
		{ "starttls step", test_starttls_step },
		{ "handshake failure is a MUST failure",
		  test_handshake_failure_is_must_fail },
		{ "starttls twice is an error", test_starttls_twice_is_error },
		{ "--tls starttls", test_tls_starttls_mode },
		{ "--tls implicit", test_tls_implicit_mode },
		{ "cleanup", test_cleanup },
		{ NULL, NULL }
	};

	return test_add_suite("runner_tls", cases);
}
