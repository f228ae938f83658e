/*
 * pool.c - worker threads that run scenarios side by side (-j N).
 *
 * Each worker takes the oldest queued job, runs it with
 * sc_run_scenario() into the caller's result and puts it on the
 * finished list.  Signals are blocked in the workers: Ctrl-C reaches
 * the main thread, whose handler sets the flag every step checks, so
 * the workers stop at their next step as the serial runner does.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smtpconf/limits.h"
#include "smtpconf/pool.h"

struct pool_job {
	size_t tag;
	const struct sc_scenario *s;
	struct sc_result *res;
	int rc;
};

/* A FIFO of at most SC_JOBS_MAX jobs. */
struct job_queue {
	struct pool_job items[SC_JOBS_MAX];
	size_t head, len;
};

struct sc_pool {
	unsigned workers;
	const struct sc_run_options *o;
	const struct sc_capabilities *caps;
	pthread_t threads[SC_JOBS_MAX];
	unsigned nthreads;
	pthread_mutex_t mu;
	pthread_cond_t work;		/* a job was queued, or stop */
	pthread_cond_t done;		/* a job finished */
	struct job_queue pending, finished;
	size_t busy;			/* submitted, not yet taken back */
	int stop;
};

/* sc_jobs_default - online CPUs, within 1..SC_JOBS_DEFAULT_MAX */
unsigned sc_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > SC_JOBS_DEFAULT_MAX ? SC_JOBS_DEFAULT_MAX : (unsigned)n;
}

/*
 * sc_scenario_runs_alone - `exclusive: yes`, or a `shutdown` step
 * (it takes the server away from whatever runs beside it, even when
 * its author forgot to say so).
 */
int sc_scenario_runs_alone(const struct sc_scenario *s)
{
	size_t i;

	if (s->exclusive)
		return 1;
	for (i = 0; i < s->nsteps; i++)
		if (s->steps[i].kind == SC_STEP_SHUTDOWN)
			return 1;
	return 0;
}

/* queue_push - append; the caller checked there is room */
static void queue_push(struct job_queue *q, const struct pool_job *j)
{
	q->items[(q->head + q->len) % SC_JOBS_MAX] = *j;
	q->len++;
}

/* queue_pop - take the oldest job */
static struct pool_job queue_pop(struct job_queue *q)
{
	struct pool_job j = q->items[q->head];

	q->head = (q->head + 1) % SC_JOBS_MAX;
	q->len--;
	return j;
}

/* run_job - the scenario itself, outside the lock */
static void run_job(struct sc_pool *p, struct pool_job *j)
{
	j->rc = sc_run_scenario(j->s, p->o, p->caps, j->res);
}

/* worker_main - take jobs until the pool stops */
static void *worker_main(void *arg)
{
	struct sc_pool *p = arg;
	struct pool_job j;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->pending.len == 0)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->pending.len == 0)
			break;
		j = queue_pop(&p->pending);
		pthread_mutex_unlock(&p->mu);
		run_job(p, &j);
		pthread_mutex_lock(&p->mu);
		queue_push(&p->finished, &j);
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* start_threads - workers inherit a mask that blocks the stop signals */
static int start_threads(struct sc_pool *p, struct sc_error *err)
{
	sigset_t block, old;
	int rc = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	while (p->nthreads < p->workers && rc == 0) {
		rc = pthread_create(&p->threads[p->nthreads], NULL,
				    worker_main, p);
		if (rc == 0)
			p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return sc_error_set(err, SC_ERR_NOMEM, "cannot start worker "
				    "thread %u of %u", p->nthreads + 1,
				    p->workers);
	return SC_OK;
}

/* sc_pool_new - a pool of `workers` running with o and caps */
int sc_pool_new(unsigned workers, const struct sc_run_options *o,
		const struct sc_capabilities *caps, struct sc_pool **out,
		struct sc_error *err)
{
	struct sc_pool *p;

	*out = NULL;
	if (workers < 1 || workers > SC_JOBS_MAX)
		return sc_error_set(err, SC_ERR_USAGE, "jobs must be 1 to "
				    "%d", SC_JOBS_MAX);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	p->workers = workers;
	p->o = o;
	p->caps = caps;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	/* One worker: no thread; sc_pool_wait() runs the job in place. */
	if (workers > 1 && start_threads(p, err) != SC_OK) {
		sc_pool_free(p);
		return err->status;
	}
	*out = p;
	return SC_OK;
}

/* sc_pool_idle - 1 when another job can be submitted without waiting */
int sc_pool_idle(const struct sc_pool *p)
{
	return p->busy < p->workers;
}

/* sc_pool_busy - jobs submitted and not yet taken back */
size_t sc_pool_busy(const struct sc_pool *p)
{
	return p->busy;
}

/* sc_pool_submit - queue scenario s, its result into *res */
int sc_pool_submit(struct sc_pool *p, size_t tag, const struct sc_scenario *s,
		   struct sc_result *res)
{
	struct pool_job j;

	if (p->busy >= p->workers)
		return SC_ERR_LIMIT;
	memset(&j, 0, sizeof(j));
	j.tag = tag;
	j.s = s;
	j.res = res;
	pthread_mutex_lock(&p->mu);
	queue_push(&p->pending, &j);
	p->busy++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return SC_OK;
}

/* sc_pool_wait - block until a job has finished; its tag and status */
int sc_pool_wait(struct sc_pool *p, size_t *tag, int *rc)
{
	struct pool_job j;

	if (p->busy == 0)
		return SC_ERR_USAGE;
	pthread_mutex_lock(&p->mu);
	if (p->nthreads == 0) {
		j = queue_pop(&p->pending);
		pthread_mutex_unlock(&p->mu);
		run_job(p, &j);
		pthread_mutex_lock(&p->mu);
	} else {
		while (p->finished.len == 0)
			pthread_cond_wait(&p->done, &p->mu);
		j = queue_pop(&p->finished);
	}
	p->busy--;
	pthread_mutex_unlock(&p->mu);
	*tag = j.tag;
	*rc = j.rc;
	return SC_OK;
}

/* sc_pool_free - let running jobs finish, stop the threads, release */
void sc_pool_free(struct sc_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
