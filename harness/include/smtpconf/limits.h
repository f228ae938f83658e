/*
 * limits.h - every bound smtpconf places on input, in one place.
 *
 * The server under test is untrusted: each read is bounded in bytes,
 * lines and time.  RFC 5321 4.5.3.1 gives the protocol's own limits;
 * our buffers are a little larger so that an over-long line can be
 * measured and reported as a violation instead of being cut silently.
 */
#ifndef SMTPCONF_LIMITS_H
#define SMTPCONF_LIMITS_H

/* RFC 5321 4.5.3.1.4: "The maximum total length of a command line
 * including the command word and the <CRLF> is 512 octets." */
#define SC_RFC_COMMAND_LINE_MAX	512
/* RFC 5321 4.5.3.1.5: "The maximum total length of a reply line
 * including the reply code and the <CRLF> is 512 octets." */
#define SC_RFC_REPLY_LINE_MAX	512
/* RFC 5321 4.5.3.1.6: "The maximum total length of a text line
 * including the <CRLF> is 1000 octets (not counting the leading dot
 * duplicated for transparency)." */
#define SC_RFC_TEXT_LINE_MAX	1000

/* Reply parsing: bytes of one reply line kept for display and matching;
 * the rest of an over-long line is counted, not stored. */
#define SC_REPLY_LINE_KEEP	2048
/* Lines one multiline reply may have before we call it a flood. */
#define SC_REPLY_MAX_LINES	512
/* Bytes one reply may have, all lines together, before it is a flood. */
#define SC_REPLY_MAX_BYTES	(256 * 1024)

/* EHLO capabilities kept, and the size of one keyword / parameter list. */
#define SC_EHLO_MAX_CAPS	64
#define SC_EHLO_KEYWORD_MAX	64
#define SC_EHLO_PARAMS_MAX	512

/* Scenario files. */
#define SC_SCENARIO_FILE_MAX	(1024 * 1024)	/* bytes per file */
#define SC_SCENARIO_MAX_STEPS	4096
#define SC_SCENARIO_MAX_SESSIONS	64
#define SC_SESSION_NAME_MAX	32
#define SC_EXPECT_MAX_ALTS	16
#define SC_SEND_MAX_BYTES	(64 * 1024 * 1024) /* one expanded send */
#define SC_SEND_BLOCK_BYTES	(256 * 1024)	/* one write of a longer send */
#define SC_REPEAT_MAX		(16 * 1024 * 1024)
#define SC_VARS_MAX		128
#define SC_VAR_NAME_MAX		64
#define SC_VAR_VALUE_MAX	4096

/* Waiver files: one waiver a line; a larger file is a mistake (or not
 * a waiver file at all). */
#define SC_WAIVER_LINE_MAX	4096
#define SC_WAIVER_FILE_MAX	(1024 * 1024)

/* Scenario files: lines, conditions, tags, regexes, durations, walks. */
#define SC_SCENARIO_LINE_MAX	(64 * 1024)	/* bytes of a line, no EOL */
#define SC_SCENARIO_MAX_CONDS	64	/* when: terms, all lines together */
#define SC_SCENARIO_MAX_TAGS	64
#define SC_SCENARIO_TAG_MAX	64	/* bytes per tag */
#define SC_SCENARIO_REGEX_MAX	1024	/* bytes of one /regex/ */
#define SC_SCENARIO_REGEX_COST_MAX	1000	/* {n,m} and + copies */
#define SC_DURATION_MAX_MS	(60u * 60u * 1000u)	/* one hour */
#define SC_SUITE_MAX_FILES		100000
#define SC_SUITE_MAX_DEPTH		64	/* directory levels below the root */

/* Transcripts kept per scenario result (the rest is summarised). */
#define SC_TRANSCRIPT_MAX_ENTRIES	1024
#define SC_TRANSCRIPT_ENTRY_KEEP	4096	/* bytes kept of one send/reply */
#define SC_TRANSCRIPT_MAX_BYTES	(1024 * 1024)

/* Default deadlines, in milliseconds.  Postfix delays each error reply
 * by one second after ten errors, so the step default stays well above. */
#define SC_DEFAULT_CONNECT_TIMEOUT_MS	5000
#define SC_DEFAULT_STEP_TIMEOUT_MS	10000
#define SC_DEFAULT_SCENARIO_TIMEOUT_MS	120000
/* After a 421 or 221, how long we wait for the server to close. */
#define SC_DEFAULT_CLOSE_TIMEOUT_MS	5000

/* TLS: bytes read from the inner transport at a time (one maximal
 * TLS record with its overhead, RFC 8446 5.2), so the memory BIO never
 * holds more than a record the engine has not consumed yet. */
#define SC_TLS_READ_CHUNK	(16384 + 2048)
/* TLS: handshakes recorded per scenario result (one per session). */
#define SC_TLS_MAX_RECORDS	SC_SCENARIO_MAX_SESSIONS
/* TLS: how long closing waits to hand our close_notify to the peer. */
#define SC_TLS_CLOSE_NOTIFY_MS	200
/* TLS: handshake deadline when the step timeout is not what bounds it. */
#define SC_DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS	10000

/* Default cap of a struct sc_buf. */
#define SC_BUF_DEFAULT_LIMIT	(64 * 1024 * 1024)
/* A report streamed to its file (sc_buf_init_sink) is written in
 * chunks of this size, and may grow to SC_REPORT_FILE_MAX in all: the
 * bound is on disk, memory stays one chunk whatever the suite's size. */
#define SC_BUF_SINK_CHUNK	(64 * 1024)
#define SC_REPORT_FILE_MAX	((size_t)1 << 31)

/* Bytes of peer data shown in one message (terminal, report text). */
#define SC_DISPLAY_CLIP		400

/* The server under test, when smtpconf starts it (--spawn): the last
 * bytes of its stdout and stderr are kept in a ring, and a crash
 * report carries the tail of that ring. */
#define SC_SERVER_OUTPUT_RING	(256 * 1024)
#define SC_SERVER_OUTPUT_TAIL	(16 * 1024)
#define SC_SERVER_CMD_MAX	4096	/* --spawn/--stop after ${port} */
#define SC_DEFAULT_SPAWN_TIMEOUT_MS	30000	/* until it greets */
#define SC_DEFAULT_STOP_TIMEOUT_MS	10000	/* then SIGKILL */
/* Core files of the server (core.c): the path of one, the literal
 * start of their names, cores remembered as reported, and what is
 * read of one (it is untrusted too): note bytes, program headers,
 * directory entries scanned per look. */
#define SC_CORE_PATH_MAX	4096
#define SC_CORE_NAME_MAX	64
#define SC_CORE_SEEN_MAX	32
#define SC_CORE_NOTES_MAX	(16 * 1024)
#define SC_CORE_PHDR_MAX	1024
#define SC_CORE_SCAN_MAX	100000
/* "killed by signal 6 (SIGABRT), core dumped: PATH (pid N, NAME)" */
#define SC_SERVER_DESCRIBE_MAX	(SC_CORE_PATH_MAX + 256)
/* After a session saw the server vanish, how long we wait for the
 * process to be reaped before judging that it did not crash. */
#define SC_SERVER_SETTLE_MS	1000

/* Captures (--pcap): synthesized frames carry at most one Ethernet
 * MSS (RFC 9293 3.7.1: 1500 bytes MTU less the IP and TCP headers). */
#define SC_PCAP_MSS_V4		1460
#define SC_PCAP_MSS_V6		1440
#define SC_PCAP_FRAME_MAX	1600	/* Ethernet + IP + TCP + MSS */
#define SC_PCAP_SNAPLEN		65535

/* smtpconf import: what one capture may make us hold.  A capture is
 * input from anywhere (a customer's mail server, a fuzzer). */
#define SC_IMPORT_MAX_PACKETS	(10 * 1000 * 1000)
#define SC_IMPORT_MAX_STREAMS	4096	/* TCP connections tracked */
#define SC_IMPORT_STREAM_BYTES	(16 * 1024 * 1024) /* kept per direction */
#define SC_IMPORT_TOTAL_BYTES	(256 * 1024 * 1024) /* kept in all */
#define SC_IMPORT_SEEDS_MAX	(64 * 1024)	/* seed bytes per session */
#define SC_IMPORT_MAX_HELD	1024	/* out-of-order segments waiting */
#define SC_IMPORT_HELD_BYTES	(4 * 1024 * 1024) /* their bytes */
#define SC_IMPORT_MAX_SESSIONS	1000	/* scenarios written from one capture */
#define SC_IMPORT_RSTRING_MAX	256	/* raw bytes per R: string written */
#define SC_IMPORT_RUN_MIN	16	/* a byte or line this often: "x" * N */
#define SC_IMPORT_REPEAT_LINE_MAX	4096	/* longest line so repeated */

/* The live fuzzer (`smtpconf fuzz`, mutate.c and fuzz_live.c).  A
 * session is the bytes a client sends, one write per line. */
#define SC_FUZZ_SESSION_MAX	(16 * 1024)	/* bytes of one session */
#define SC_FUZZ_MAX_LINES	128	/* lines (writes) of one session */
#define SC_FUZZ_MAX_REPLIES	256	/* replies kept per session */
#define SC_FUZZ_MAX_TOKENS	1024	/* dictionary entries kept */
#define SC_FUZZ_TOKEN_MAX	128	/* bytes of one dictionary entry */
#define SC_FUZZ_DICT_MAX	(256 * 1024)	/* bytes of a dictionary file */
#define SC_FUZZ_CORPUS_MAX	512	/* sessions kept by the loop */
/* No reply within this bound is a hang.  Postfix sleeps 1 s before
 * each error reply once a session made 10 errors, so it stays well
 * above that. */
#define SC_DEFAULT_HANG_TIMEOUT_MS	5000
/* A line ended by a bare LF or CR may or may not be a command to the
 * server (RFC 5321 2.3.8): its reply is waited for this long only. */
#define SC_FUZZ_UNSURE_WAIT_MS	100
/* Minimizing one finding: attempts and time, whichever ends first. */
#define SC_FUZZ_MINIMIZE_ATTEMPTS	300
#define SC_FUZZ_MINIMIZE_MS	120000

/* -j N: scenarios run at once.  The default is the number of online
 * CPUs, at most SC_JOBS_DEFAULT_MAX: a local server under test shares
 * the CPUs with us, and more connections than CPUs only queue.  Going
 * beyond SC_JOBS_MAX would mostly trip servers' per-client limits. */
#define SC_JOBS_MAX		64
#define SC_JOBS_DEFAULT_MAX	8
/* Under -j with --spawn, a scenario that failed may have lost its
 * connection to a server that another scenario was killing: we give
 * the death this long to show before the failure counts as its own. */
#define SC_JOBS_CRASH_SETTLE_MS	250
/* --shard K/N: at most this many shards. */
#define SC_SHARDS_MAX		64

#endif
