/* job.c - em_source_find on a thread, so that a terminal UI never waits
 * for the network: the thread writes one byte to a pipe when it is done
 * (the UI polls the pipe's read end with its keyboard), a cancel flag
 * interrupts transfers, and finish joins the thread and hands the
 * result over. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embers/source.h"
#include "source/path.h"

struct em_source_job {
	em_source *s;
	char *func, *path;
	pthread_t thread;
	int pipe[2];
	volatile int cancel;
	int rc;
	em_source_file result;
};

static void *run(void *arg)
{
	em_source_job *j = arg;
	char byte = 1;
	ssize_t w;

	j->rc = em_source_find(j->s, j->func, j->path, &j->cancel, &j->result);
	do
		w = write(j->pipe[1], &byte, 1);
	while (w < 0 && errno == EINTR);
	return NULL;
}

static void job_free(em_source_job *j)
{
	if (j->pipe[0] >= 0)
		close(j->pipe[0]);
	if (j->pipe[1] >= 0)
		close(j->pipe[1]);
	free(j->func);
	free(j->path);
	free(j);
}

em_source_job *em_source_job_start(em_source *s, const char *func, const char *path,
    em_error *err)
{
	em_source_job *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	j->s = s;
	j->pipe[0] = j->pipe[1] = -1;
	j->func = em_strdup(func ? func : "");
	j->path = em_strdup(path ? path : "");
	if (j->func == NULL || j->path == NULL) {
		em_error_set(err, "out of memory");
		job_free(j);
		return NULL;
	}
	if (pipe(j->pipe) < 0) {
		em_error_set(err, "pipe: %s", em_strerror_lc(errno));
		job_free(j);
		return NULL;
	}
	fcntl(j->pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(j->pipe[1], F_SETFD, FD_CLOEXEC);
	if (pthread_create(&j->thread, NULL, run, j) != 0) {
		em_error_set(err, "cannot start a thread");
		job_free(j);
		return NULL;
	}
	return j;
}

int em_source_job_fd(const em_source_job *j)
{
	return j->pipe[0];
}

int em_source_job_done(const em_source_job *j)
{
	struct pollfd p = { j->pipe[0], POLLIN, 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

void em_source_job_cancel(em_source_job *j)
{
	j->cancel = 1;
}

int em_source_job_finish(em_source_job *j, em_source_file *out)
{
	int rc;

	pthread_join(j->thread, NULL);
	rc = j->rc;
	*out = j->result;
	job_free(j);
	return rc;
}
