/*
 * shard.h - splitting a suite across CI machines (--shard K/N).
 *
 * A scenario's shard depends only on its id and N (a hash), so that
 * adding or removing scenarios moves no other scenario to another
 * shard, and every machine computes the same split on its own.
 */
#ifndef SMTPCONF_SHARD_H
#define SMTPCONF_SHARD_H

/* sc_shard_of - 0-based shard of the scenario id among n (n >= 1) */
unsigned sc_shard_of(const char *id, unsigned n);

#endif
