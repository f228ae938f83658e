/*
 * test_transport.c - target parsing, TCP deadlines and the in-memory
 * transport.
 */
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "cunit_main.h"
#include "smtpconf/transport.h"

/* parse - sc_target_parse into host and port; returns its status */
static int parse(const char *spec, char *host, char *port)
{
	struct sc_error err;

	sc_error_clear(&err);
	return sc_target_parse(spec, host, 256, port, 16, &err);
}

static void test_target_parse(void)
{
	char host[256], port[16];

	CU_ASSERT_EQUAL(parse("127.0.0.1:2525", host, port), SC_OK);
	CU_ASSERT_STRING_EQUAL(host, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(port, "2525");
	CU_ASSERT_EQUAL(parse("mx.example.org", host, port), SC_OK);
	CU_ASSERT_STRING_EQUAL(port, "25");
	CU_ASSERT_EQUAL(parse("[::1]:587", host, port), SC_OK);
	CU_ASSERT_STRING_EQUAL(host, "::1");
	CU_ASSERT_STRING_EQUAL(port, "587");
	CU_ASSERT_EQUAL(parse("[::1]", host, port), SC_OK);
	CU_ASSERT_STRING_EQUAL(port, "25");
	CU_ASSERT_EQUAL(parse("", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse(":25", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("h:0", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("h:65536", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("h:25x", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("h:", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("::1:25", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("[::1:25", host, port), SC_ERR_USAGE);
	CU_ASSERT_EQUAL(parse("[::1]x25", host, port), SC_ERR_USAGE);
}

/* listen_any - a listening loopback socket on a free port */
static int listen_any(char *port, size_t n)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	snprintf(port, n, "%u", ntohs(sa.sin_port));
	return fd;
}

static void test_tcp_refused(void)
{
	struct sc_transport t;
	struct sc_error err;
	char port[16];
	int fd = listen_any(port, sizeof(port));

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);	/* nothing listens there any more */
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_tcp_connect("127.0.0.1", port, sc_now_ms() + 2000,
				       NULL, &t, &err), SC_ERR_CONNECT);
	CU_ASSERT(strstr(err.msg, "refused") != NULL);
}

static void test_tcp_read_deadline_and_eof(void)
{
	struct sc_transport t;
	struct sc_error err;
	char port[16], buf[16];
	long long t0;
	ssize_t n;
	int lfd = listen_any(port, sizeof(port)), cfd;

	CU_ASSERT_FATAL(lfd >= 0);
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_tcp_connect("127.0.0.1", port, sc_now_ms() + 2000,
				       NULL, &t, &err) == SC_OK);
	cfd = accept(lfd, NULL, NULL);
	CU_ASSERT_FATAL(cfd >= 0);
	/* A silent server: the read gives up at its deadline, not later. */
	t0 = sc_now_ms();
	n = t.ops->read(&t, buf, sizeof(buf), t0 + 200, &err);
	CU_ASSERT_EQUAL(n, -1);
	CU_ASSERT_EQUAL(err.status, SC_ERR_TIMEOUT);
	CU_ASSERT(sc_now_ms() - t0 >= 190);
	CU_ASSERT(write(cfd, "220 x\r\n", 7) == 7);
	n = t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 2000, &err);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT(t.ops->write(&t, "QUIT\r\n", 6, sc_now_ms() + 2000,
			       &err) == SC_OK);
	/* Read the QUIT first: closing with unread data would send RST. */
	CU_ASSERT(read(cfd, buf, sizeof(buf)) == 6);
	close(cfd);
	n = t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 2000, &err);
	CU_ASSERT_EQUAL(n, 0);
	t.ops->close(&t);
	close(lfd);
}

static void test_tcp_interrupted(void)
{
	static volatile sig_atomic_t flag;
	struct sc_transport t;
	struct sc_error err;
	char port[16], buf[4];
	int lfd = listen_any(port, sizeof(port)), cfd;

	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_FATAL(sc_tcp_connect("127.0.0.1", port, sc_now_ms() + 2000,
				       &flag, &t, &err) == SC_OK);
	cfd = accept(lfd, NULL, NULL);
	flag = 1;
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), sc_now_ms() + 60000,
				    &err), -1);
	CU_ASSERT_EQUAL(err.status, SC_ERR_INTERRUPTED);
	t.ops->close(&t);
	close(cfd);
	close(lfd);
}

/* echo_upper - an in-memory server that greets and answers each write */
static void echo_upper(void *ctx, const char *data, size_t len,
		       struct sc_transport *t)
{
	int *writes = ctx;

	if (data == NULL) {
		sc_mem_queue(t, "220 mem\r\n", 9);
		return;
	}
	(*writes)++;
	if (len >= 4 && memcmp(data, "QUIT", 4) == 0) {
		sc_mem_queue(t, "221 bye\r\n", 9);
		sc_mem_hangup(t);
		return;
	}
	sc_mem_queue(t, "250 ok\r\n", 8);
}

static void test_memory_transport(void)
{
	int writes = 0;
	struct sc_mem_server srv = { echo_upper, &writes };
	struct sc_transport t;
	struct sc_error err;
	char buf[64];

	CU_ASSERT_FATAL(sc_mem_open(&srv, &t, &err) == SC_OK);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, 4, 0, &err), 4);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), 0, &err), 5);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), 0, &err), -1);
	CU_ASSERT_EQUAL(err.status, SC_ERR_TIMEOUT);
	CU_ASSERT(t.ops->write(&t, "NOOP\r\n", 6, 0, &err) == SC_OK);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), 0, &err), 8);
	CU_ASSERT(t.ops->write(&t, "QUIT\r\n", 6, 0, &err) == SC_OK);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), 0, &err), 9);
	CU_ASSERT_EQUAL(t.ops->read(&t, buf, sizeof(buf), 0, &err), 0);
	CU_ASSERT_EQUAL(t.ops->write(&t, "NOOP\r\n", 6, 0, &err), SC_ERR_EOF);
	CU_ASSERT_EQUAL(writes, 2);
	t.ops->close(&t);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "target parse", test_target_parse },
		{ "tcp refused", test_tcp_refused },
		{ "tcp read deadline and eof", test_tcp_read_deadline_and_eof },
		{ "tcp interrupted", test_tcp_interrupted },
		{ "memory transport", test_memory_transport },
		{ NULL, NULL }
	};

	return test_add_suite("transport", cases);
}
