/* job.c - one server call on a worker thread, for a UI that must not block.
 *
 * The UI starts a job, keeps drawing (a spinner) and polls em_pyro_job_fd
 * next to the terminal; the fd becomes readable when the job is done, and
 * em_pyro_job_finish collects the result. Esc is em_pyro_job_cancel: it
 * raises the job's flag and wakes the client's curl loop, so the transfer
 * stops at once with "cancelled". A newer request supersedes an older one
 * by cancelling it and starting a new job on a second client; the old job
 * is finished (freed) when its fd fires. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embers/pyroscope.h"

struct em_pyro_job {
	pthread_t thread;
	em_pyro_client *cl;
	em_pyro_job_fn fn;
	void *arg;
	volatile int cancel;
	volatile int done;
	int rc;
	em_error err;
	int pipe[2]; /* [0] for the UI's poll, [1] written once when done */
};

static void *job_main(void *ctx)
{
	em_pyro_job *j = ctx;
	char byte = 1;
	ssize_t w;

	j->err.msg[0] = '\0';
	j->rc = j->fn(j->cl, j->arg, &j->err);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	do
		w = write(j->pipe[1], &byte, 1);
	while (w < 0 && errno == EINTR);
	return NULL;
}

em_pyro_job *em_pyro_job_start(em_pyro_client *cl, em_pyro_job_fn fn, void *arg,
    em_error *err)
{
	em_pyro_job *j = calloc(1, sizeof(*j));
	int e;

	if (j == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	if (pipe(j->pipe) < 0) {
		em_error_set(err, "cannot create a pipe: %s", em_strerror_lc(errno));
		free(j);
		return NULL;
	}
	fcntl(j->pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(j->pipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(j->pipe[0], F_SETFL, O_NONBLOCK);
	j->cl = cl;
	j->fn = fn;
	j->arg = arg;
	em_pyro_client_set_cancel(cl, &j->cancel);
	e = pthread_create(&j->thread, NULL, job_main, j);
	if (e != 0) {
		em_pyro_client_set_cancel(cl, NULL);
		close(j->pipe[0]);
		close(j->pipe[1]);
		free(j);
		em_error_set(err, "cannot start a thread: %s", em_strerror_lc(e));
		return NULL;
	}
	return j;
}

int em_pyro_job_fd(const em_pyro_job *j)
{
	return j->pipe[0];
}

int em_pyro_job_done(const em_pyro_job *j)
{
	return __atomic_load_n(&j->done, __ATOMIC_ACQUIRE);
}

void em_pyro_job_cancel(em_pyro_job *j)
{
	__atomic_store_n(&j->cancel, 1, __ATOMIC_RELEASE);
	em_pyro_client_wakeup(j->cl);
}

int em_pyro_job_finish(em_pyro_job *j, em_error *err)
{
	int rc;

	pthread_join(j->thread, NULL);
	em_pyro_client_set_cancel(j->cl, NULL);
	rc = j->rc;
	if (rc < 0)
		em_error_set(err, "%s", j->err.msg[0] ? j->err.msg : "request failed");
	close(j->pipe[0]);
	close(j->pipe[1]);
	free(j);
	return rc;
}
