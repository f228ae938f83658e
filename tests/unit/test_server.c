/*
 * test_server.c - the managed server under test (server.c): start by
 * greeting, stop by signal and by escalation to SIGKILL, exits and
 * signals told apart, output kept bounded, sanitizer and valgrind
 * reports found in canned text and across reads.
 *
 * The "server" is a shell command; a helper process forked here owns
 * the port and greets, so a command like `echo hi; sleep 30` counts as
 * up once the helper listens (the start needs a 2xx greeting,
 * RFC 5321 3.1).
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "cunit_main.h"
#include "smtpconf/server.h"
#include "smtpconf/transport.h"

static pid_t helper_pid;

/* bound_socket - a socket bound to 127.0.0.1:0, not listening; port out */
static int bound_socket(char *port, size_t n)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	snprintf(port, n, "%u", (unsigned)ntohs(sin.sin_port));
	return fd;
}

/*
 * greeter_start - a child that starts listening after 200 ms (so the
 * "nothing listens yet" check passes) and greets every connection.
 */
static void greeter_start(int fd)
{
	static const char hello[] = "220 test.example.org ready\r\n";
	int c;

	helper_pid = fork();
	CU_ASSERT_FATAL(helper_pid >= 0);
	if (helper_pid > 0) {
		close(fd);
		return;
	}
	usleep(200000);
	if (listen(fd, 16) < 0)
		_exit(1);
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (write(c, hello, sizeof(hello) - 1) < 0) {
			/* the harness went away; next */
		}
		close(c);
	}
}

/* greeter_stop - end the helper */
static void greeter_stop(void)
{
	if (helper_pid > 0) {
		kill(helper_pid, SIGKILL);
		waitpid(helper_pid, NULL, 0);
	}
	helper_pid = 0;
}

/* open_server - options for cmd on a fresh port; greeter on request */
static void open_server(struct sc_server *s, const char *cmd, int greet)
{
	struct sc_server_options o;
	struct sc_error err;
	int fd;

	sc_server_options_init(&o);
	o.spawn_cmd = cmd;
	o.spawn_timeout_ms = 5000;
	o.stop_timeout_ms = 3000;
	fd = bound_socket(o.port, sizeof(o.port));
	if (greet)
		greeter_start(fd);
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_server_init(s, &o, &err) == SC_OK);
	if (!greet)
		close(fd);	/* nothing will listen: connects are refused */
}

/* output_has - 1 when the captured output contains text */
static int output_has(const struct sc_server *s, const char *text)
{
	size_t len;
	char *out = sc_server_output(s, SIZE_MAX, &len);
	int hit = out != NULL && strstr(out, text) != NULL;

	free(out);
	return hit;
}

/* test_scan_canned - each checker's first report line is recognised */
static void test_scan_canned(void)
{
	static const struct {
		const char *text;
		const char *want;	/* NULL: no report */
	} cases[] = {
		{ "==31337==ERROR: AddressSanitizer: heap-buffer-overflow on "
		  "address 0x602000000011", "AddressSanitizer" },
		{ "x.c:10:5: runtime error: signed integer overflow: "
		  "2147483647 + 1", "UndefinedBehaviorSanitizer" },
		{ "==9==ERROR: LeakSanitizer: detected memory leaks",
		  "LeakSanitizer" },
		{ "WARNING: ThreadSanitizer: data race (pid=7)",
		  "ThreadSanitizer" },
		{ "==4242== Invalid read of size 4", "valgrind" },
		{ "==4242== Conditional jump or move depends on "
		  "uninitialised value(s)", "valgrind" },
		{ "log line\n==1== Invalid free() / delete", "valgrind" },
		/* Not reports: valgrind's banner, near misses, plain text. */
		{ "==4242== Memcheck, a memory error detector", NULL },
		{ "== 42== Invalid read", NULL },
		{ "==42==Invalid read", NULL },
		{ "====== Invalid", NULL },
		{ "open: Invalid argument", NULL },
		{ "AddressSanitizer is enabled", NULL },
		{ "ERROR: Address Sanitizer", NULL },
		{ "", NULL },
		{ "==", NULL },
		{ "==12", NULL },
		{ "==12==", NULL },
	};
	const char *got;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sc_server_scan(cases[i].text, strlen(cases[i].text));
		if (cases[i].want == NULL) {
			CU_ASSERT_PTR_NULL(got);
		} else {
			CU_ASSERT(got != NULL &&
				  strcmp(got, cases[i].want) == 0);
		}
	}
}

/* test_scan_binary - NUL bytes before a report do not hide it */
static void test_scan_binary(void)
{
	static const char text[] = "\0\0\xff garbage \0==1==ERROR: "
				   "AddressSanitizer: SEGV";
	const char *got = sc_server_scan(text, sizeof(text) - 1);

	CU_ASSERT(got != NULL && strcmp(got, "AddressSanitizer") == 0);
	/* A bound that cuts the pattern finds nothing. */
	CU_ASSERT_PTR_NULL(sc_server_scan(text, sizeof(text) - 20));
}

/* test_signal_names - table lookups and what --stop-signal accepts */
static void test_signal_names(void)
{
	CU_ASSERT_STRING_EQUAL(sc_signal_name(SIGSEGV), "SIGSEGV");
	CU_ASSERT_STRING_EQUAL(sc_signal_name(SIGABRT), "SIGABRT");
	CU_ASSERT_STRING_EQUAL(sc_signal_name(999), "signal");
	CU_ASSERT_EQUAL(sc_signal_parse("TERM"), SIGTERM);
	CU_ASSERT_EQUAL(sc_signal_parse("SIGINT"), SIGINT);
	CU_ASSERT_EQUAL(sc_signal_parse("quit"), SIGQUIT);
	CU_ASSERT_EQUAL(sc_signal_parse("KILL"), SIGKILL);
	CU_ASSERT_EQUAL(sc_signal_parse("HUP"), -1);
	CU_ASSERT_EQUAL(sc_signal_parse("SEGV"), -1);
	CU_ASSERT_EQUAL(sc_signal_parse("15"), -1);
	CU_ASSERT_EQUAL(sc_signal_parse(""), -1);
	CU_ASSERT_EQUAL(sc_signal_parse("SIG"), -1);
}

/* test_start_stop_signal - greets, runs, stops by SIGTERM to the group */
static void test_start_stop_signal(void)
{
	struct sc_server s;
	struct sc_error err;
	long long t0;
	pid_t pid;

	open_server(&s, "echo hi; sleep 30", 1);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_server_start(&s, &err), SC_OK);
	pid = s.pid;
	CU_ASSERT_EQUAL(sc_server_poll(&s), SC_SERVER_RUNNING);
	CU_ASSERT(sc_server_settle(&s, 300) == SC_SERVER_RUNNING);
	CU_ASSERT(output_has(&s, "hi\n"));
	CU_ASSERT(!sc_server_crashed(&s));
	t0 = sc_now_ms();
	CU_ASSERT_EQUAL(sc_server_stop(&s, &err), SC_OK);
	/* SIGTERM ends sleep and sh at once: no wait for the SIGKILL. */
	CU_ASSERT(sc_now_ms() - t0 < 2500);
	CU_ASSERT_EQUAL(s.fate, SC_SERVER_STOPPED);
	CU_ASSERT(!sc_server_crashed(&s));
	CU_ASSERT(kill(-pid, 0) < 0 && errno == ESRCH);
	sc_server_free(&s);
	greeter_stop();
}

/* test_stop_escalates - a stop command that does nothing: SIGKILL */
static void test_stop_escalates(void)
{
	struct sc_server_options o;
	struct sc_server s;
	struct sc_error err;
	pid_t pid;
	int fd;

	sc_server_options_init(&o);
	o.spawn_cmd = "trap '' TERM; sleep 30";
	o.stop_cmd = "true";
	o.stop_timeout_ms = 300;
	fd = bound_socket(o.port, sizeof(o.port));
	greeter_start(fd);
	sc_error_clear(&err);
	CU_ASSERT_FATAL(sc_server_init(&s, &o, &err) == SC_OK);
	CU_ASSERT_EQUAL_FATAL(sc_server_start(&s, &err), SC_OK);
	pid = s.pid;
	CU_ASSERT_EQUAL(sc_server_stop(&s, &err), SC_ERR_TIMEOUT);
	CU_ASSERT(strstr(err.msg, "killed") != NULL);
	CU_ASSERT(kill(-pid, 0) < 0 && errno == ESRCH);
	CU_ASSERT(!sc_server_crashed(&s));
	sc_server_free(&s);
	greeter_stop();
}

/* test_exit_before_greeting - status and output, ${port} replaced */
static void test_exit_before_greeting(void)
{
	struct sc_server s;
	struct sc_error err;
	char want[64], what[160];

	open_server(&s, "echo port=${port}; exit 3", 0);
	snprintf(want, sizeof(want), "port=%s\n", s.o.port);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_server_start(&s, &err), SC_ERR_CONNECT);
	CU_ASSERT(strstr(err.msg, "exited with status 3") != NULL);
	CU_ASSERT_EQUAL(s.fate, SC_SERVER_EXITED);
	CU_ASSERT_EQUAL(s.exit_status, 3);
	CU_ASSERT(sc_server_crashed(&s));
	CU_ASSERT(output_has(&s, want));
	sc_server_describe(&s, what, sizeof(what));
	CU_ASSERT_STRING_EQUAL(what, "exited with status 3");
	sc_server_free(&s);
}

/* test_signals - the shell killed, and a child killed behind the shell */
static void test_signals(void)
{
	struct rlimit none = {0, 0};
	struct sc_server s;
	struct sc_error err;
	char what[160];

	/* The crashes are on purpose: no core files in the test tree. */
	setrlimit(RLIMIT_CORE, &none);
	open_server(&s, "kill -SEGV $$", 0);
	sc_error_clear(&err);
	CU_ASSERT_NOT_EQUAL(sc_server_start(&s, &err), SC_OK);
	CU_ASSERT_EQUAL(s.fate, SC_SERVER_SIGNALED);
	CU_ASSERT_EQUAL(s.term_signal, SIGSEGV);
	sc_server_describe(&s, what, sizeof(what));
	CU_ASSERT_STRING_EQUAL(what, "killed by signal 11 (SIGSEGV)");
	sc_server_free(&s);

	/* dash reports a child's death by SIGABRT as status 134. */
	open_server(&s, "sh -c 'kill -ABRT $$'; exit $?", 0);
	CU_ASSERT_NOT_EQUAL(sc_server_start(&s, &err), SC_OK);
	CU_ASSERT_EQUAL(s.fate, SC_SERVER_SIGNALED);
	CU_ASSERT_EQUAL(s.term_signal, SIGABRT);
	CU_ASSERT_EQUAL(s.exit_status, 128 + SIGABRT);
	sc_server_free(&s);
}

/* test_crash_while_running - an exit after the start is a crash */
static void test_crash_while_running(void)
{
	struct sc_server s;
	struct sc_error err;

	open_server(&s, "sleep 1; echo dying >&2; exit 2", 1);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_server_start(&s, &err), SC_OK);
	CU_ASSERT_EQUAL(sc_server_settle(&s, 5000), SC_SERVER_EXITED);
	CU_ASSERT_EQUAL(s.exit_status, 2);
	CU_ASSERT(sc_server_crashed(&s));
	CU_ASSERT(output_has(&s, "dying"));
	sc_server_free(&s);
	greeter_stop();
}

/* test_report_split - a report split over two writes is still seen */
static void test_report_split(void)
{
	struct sc_server s;
	struct sc_error err;
	char what[160];

	open_server(&s, "sleep 0.5; printf '==1==ERROR: Address'; sleep 0.3; "
		    "printf 'Sanitizer: heap-use-after-free\\n'; sleep 30", 1);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_server_start(&s, &err), SC_OK);
	CU_ASSERT_EQUAL(sc_server_settle(&s, 5000), SC_SERVER_SANITIZER);
	CU_ASSERT(sc_server_crashed(&s));
	sc_server_describe(&s, what, sizeof(what));
	CU_ASSERT_STRING_EQUAL(what, "printed an AddressSanitizer report");
	/* Stopping does not wash the report away. */
	CU_ASSERT_EQUAL(sc_server_stop(&s, &err), SC_OK);
	CU_ASSERT_EQUAL(s.fate, SC_SERVER_SANITIZER);
	sc_server_free(&s);
	greeter_stop();
}

/* test_output_bounded - 600 kB of output: the ring keeps the last part */
static void test_output_bounded(void)
{
	struct sc_server s;
	struct sc_error err;
	long long end;
	size_t len;
	char *out;

	open_server(&s, "head -c 600000 /dev/zero | tr '\\0' a; echo END; "
		    "sleep 30", 1);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_server_start(&s, &err), SC_OK);
	end = sc_now_ms() + 5000;
	while (s.total < 600004 && sc_now_ms() < end)
		sc_server_settle(&s, 50);
	CU_ASSERT_EQUAL(s.total, 600004);
	out = sc_server_output(&s, SIZE_MAX, &len);
	CU_ASSERT_EQUAL(len, SC_SERVER_OUTPUT_RING);
	CU_ASSERT(out != NULL && strcmp(out + len - 4, "END\n") == 0);
	CU_ASSERT(out != NULL && out[0] == 'a');
	free(out);
	out = sc_server_output(&s, 10, &len);
	CU_ASSERT_EQUAL(len, 10);
	CU_ASSERT(out != NULL && strcmp(out, "aaaaaaEND\n") == 0);
	free(out);
	/* Since a mark: only what came after it, within max and the ring. */
	out = sc_server_output_since(&s, 600000, SIZE_MAX, &len);
	CU_ASSERT(out != NULL && len == 4 && strcmp(out, "END\n") == 0);
	free(out);
	out = sc_server_output_since(&s, 600004, SIZE_MAX, &len);
	CU_ASSERT(out != NULL && len == 0);
	free(out);
	out = sc_server_output_since(&s, 0, 6, &len);
	CU_ASSERT(out != NULL && len == 6 && strcmp(out, "aaEND\n") == 0);
	free(out);
	out = sc_server_output_since(&s, 0, SIZE_MAX, &len);
	CU_ASSERT_EQUAL(len, SC_SERVER_OUTPUT_RING);
	free(out);
	sc_server_free(&s);
	greeter_stop();
}

/* test_core_watch - where core_pattern sends cores, and the name part */
static void test_core_watch(void)
{
	struct sc_core_watch w;

	sc_core_watch_init(&w, "core", "/srv/mta", NULL);
	CU_ASSERT_STRING_EQUAL(w.dir, "/srv/mta");
	CU_ASSERT_STRING_EQUAL(w.prefix, "core");
	CU_ASSERT_FALSE(w.piped);
	sc_core_watch_init(&w, "/var/crash/core.%e.%p", "/srv/mta", NULL);
	CU_ASSERT_STRING_EQUAL(w.dir, "/var/crash");
	CU_ASSERT_STRING_EQUAL(w.prefix, "core.");
	sc_core_watch_init(&w, "/core.%p", "/srv", NULL);
	CU_ASSERT_STRING_EQUAL(w.dir, "/");
	sc_core_watch_init(&w, "cores/%e-%p.core", "/srv", NULL);
	CU_ASSERT_STRING_EQUAL(w.dir, "/srv/cores");
	CU_ASSERT_STRING_EQUAL(w.prefix, "");
	sc_core_watch_init(&w, "|/usr/lib/systemd/systemd-coredump %P", "/srv",
			   NULL);
	CU_ASSERT_TRUE(w.piped);
	/* --core-dir wins over the pattern's directory. */
	sc_core_watch_init(&w, "/var/crash/core.%p", "/srv", "/tmp/c");
	CU_ASSERT_STRING_EQUAL(w.dir, "/tmp/c");
	sc_core_watch_init(&w, "", "/srv", NULL);
	CU_ASSERT_STRING_EQUAL(w.prefix, "core");
}

/* cores_land_here - 1 when core_pattern writes plain files we can find */
static int cores_land_here(void)
{
	struct sc_core_watch w;
	struct rlimit rl;

	sc_core_watch_init(&w, NULL, ".", NULL);
	return !w.piped && getrlimit(RLIMIT_CORE, &rl) == 0 &&
	       rl.rlim_max != 0;
}

/*
 * test_core_file - a server killed by SIGSEGV in a directory of its
 * own: the wait status says "core dumped", and the core file is found
 * there with the server's PID and name (where the system writes core
 * files as plain files at all)
 */
static void test_core_file(void)
{
	char dir[] = "/tmp/smtpconf-core.XXXXXX", cmd[256];
	char path[SC_CORE_PATH_MAX];
	char what[SC_SERVER_DESCRIBE_MAX], other[300];
	struct sc_server s;
	struct sc_error err;
	struct sc_core_found f;
	pid_t pid;
	FILE *junk;

	if (!cores_land_here())
		return;
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	/* A file named like a core that is none must not be taken. */
	snprintf(other, sizeof(other), "%s/core.txt", dir);
	junk = fopen(other, "w");
	CU_ASSERT_FATAL(junk != NULL);
	fputs("not a core\n", junk);
	fclose(junk);
	snprintf(cmd, sizeof(cmd), "cd %s && ulimit -c unlimited && "
		 "exec sleep 30", dir);
	open_server(&s, cmd, 1);
	sc_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(sc_server_start(&s, &err), SC_OK);
	pid = s.pid;
	CU_ASSERT_EQUAL(sc_server_check_cores(&s), 0);
	kill(pid, SIGSEGV);
	CU_ASSERT_EQUAL(sc_server_settle(&s, 5000), SC_SERVER_SIGNALED);
	CU_ASSERT_TRUE(s.core_dumped);
	CU_ASSERT_EQUAL(sc_server_check_cores(&s), 1);
	CU_ASSERT_EQUAL(s.core.pid, (long)pid);
	CU_ASSERT_STRING_EQUAL(s.core.comm, "sleep");
	sc_server_describe(&s, what, sizeof(what));
	CU_ASSERT_PTR_NOT_NULL(strstr(what, "killed by signal 11 (SIGSEGV), "
				      "core dumped: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(what, dir));
	/* Reported once: the same file is not found again. */
	s.has_core = 0;
	CU_ASSERT_EQUAL(sc_server_check_cores(&s), 0);
	CU_ASSERT_FALSE(sc_core_read(other, &f.pid, f.comm, sizeof(f.comm)));
	snprintf(path, sizeof(path), "%s", s.core.path);
	sc_server_free(&s);
	greeter_stop();
	unlink(path);
	unlink(other);
	rmdir(dir);
}

/* test_bad_options - a command too long, a port already taken */
static void test_bad_options(void)
{
	struct sc_server_options o;
	struct sc_server s;
	struct sc_error err;
	char *big = malloc(SC_SERVER_CMD_MAX + 10);
	int fd;

	CU_ASSERT_FATAL(big != NULL);
	memset(big, 'x', SC_SERVER_CMD_MAX + 9);
	big[SC_SERVER_CMD_MAX + 9] = '\0';
	sc_server_options_init(&o);
	o.spawn_cmd = big;
	sc_error_clear(&err);
	CU_ASSERT_EQUAL(sc_server_init(&s, &o, &err), SC_ERR_USAGE);
	sc_server_free(&s);
	free(big);

	/* Something greets on the port already: refuse to test it. */
	fd = bound_socket(o.port, sizeof(o.port));
	CU_ASSERT_FATAL(listen(fd, 4) == 0);
	o.spawn_cmd = "sleep 30";
	CU_ASSERT_FATAL(sc_server_init(&s, &o, &err) == SC_OK);
	CU_ASSERT_EQUAL(sc_server_start(&s, &err), SC_ERR_USAGE);
	CU_ASSERT(strstr(err.msg, "already listens") != NULL);
	CU_ASSERT_EQUAL(s.pid, 0);
	sc_server_free(&s);
	close(fd);
}

/* test_register - add this file's suites */
int test_register(void)
{
	static const struct test_case cases[] = {
		{ "scan canned reports", test_scan_canned },
		{ "scan binary text", test_scan_binary },
		{ "signal names", test_signal_names },
		{ "start and stop by signal", test_start_stop_signal },
		{ "stop escalates to SIGKILL", test_stop_escalates },
		{ "exit before greeting", test_exit_before_greeting },
		{ "signals", test_signals },
		{ "crash while running", test_crash_while_running },
		{ "report split over reads", test_report_split },
		{ "output bounded", test_output_bounded },
		{ "bad options", test_bad_options },
		{ "core pattern", test_core_watch },
		{ "core file", test_core_file },
		{ NULL, NULL }
	};

	return test_add_suite("server", cases);
}
