/*
 * peak_rss.c - run a command and report its peak resident set size.
 *
 * usage: peak_rss OUTFILE COMMAND [ARG...]
 *
 * Runs COMMAND, waits for it with wait4() and writes the peak RSS the
 * kernel measured for it (struct rusage ru_maxrss, in KiB on Linux) to
 * OUTFILE.  Exits with COMMAND's status, or 128 + the signal that
 * killed it, so the caller judges the command and its memory apart.
 * Only the command's own process is measured: wait4() on its pid.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* main - fork, exec, wait4, report */
int main(int argc, char **argv)
{
	struct rusage ru;
	FILE *out;
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: peak_rss OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peak_rss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("peak_rss: exec");
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("peak_rss: wait4");
			return 2;
		}
	out = fopen(argv[1], "w");
	if (out == NULL || fprintf(out, "%ld\n", ru.ru_maxrss) < 0 ||
	    fclose(out) != 0) {
		perror("peak_rss: write");
		return 2;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
