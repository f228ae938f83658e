/*
 * signals.c - Ctrl-C for the commands that talk to a server.
 *
 * SIGINT and SIGTERM only set a flag: the runner and the fuzzer poll it
 * between steps, so reports of what ran are still written (exit 130).
 * SIGPIPE is ignored: a server that closes early gives a write error,
 * never a dead harness.
 */
#include <signal.h>
#include <string.h>
#include "cli.h"

volatile sig_atomic_t cli_interrupted;

/* on_signal - remember the request; the work loop stops soon */
static void on_signal(int sig)
{
	(void)sig;
	cli_interrupted = 1;
}

/* cli_install_signals - SIGINT/SIGTERM set cli_interrupted; SIGPIPE ignored */
void cli_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
