/* srv_diff_build.c - building a server diff's view on its own thread.
 *
 * Both sides of a server diff are whole merged profiles; aligning them
 * builds two call trees, two top tables and the diff (em_dview_init),
 * which takes a second on big ones. That must not freeze the screen, so
 * it runs here, and the thread's end writes a byte to the viewer's wake
 * pipe like a request's. A build cannot be stopped half way: one that is
 * no longer wanted (cancelled, superseded) is left to end and then freed
 * (em_srv_dbuild_reap, or em_srv_dbuild_finish at exit). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv_diff.h"

struct em_srv_dbuild {
	pthread_t th;
	int threaded;
	int done;                  /* atomic: the thread's work is over */
	em_profile *p[2];
	uint32_t type[2];
	char title[2][600];
	const struct em_theme *theme;
	int wake_fd;
	struct em_dview *v;
	em_error err;
	int rc;
};

static void build(struct em_srv_dbuild *b)
{
	b->v = calloc(1, sizeof(*b->v));
	if (b->v == NULL) {
		b->rc = em_error_set(&b->err, "out of memory");
		return;
	}
	b->rc = em_dview_init(b->v, b->p[EM_BASE], b->type[EM_BASE], b->title[EM_BASE],
	    b->p[EM_NEW], b->type[EM_NEW], b->title[EM_NEW], b->theme, &b->err);
	if (b->rc == 0) {
		b->p[0] = b->p[1] = NULL; /* the view has them */
	} else {
		free(b->v);
		b->v = NULL;
	}
}

static void *run(void *arg)
{
	struct em_srv_dbuild *b = arg;
	char byte = 1;
	ssize_t w;

	build(b);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	do
		w = write(b->wake_fd, &byte, 1);
	while (w < 0 && errno == EINTR);
	return NULL;
}

struct em_srv_dbuild *em_srv_dbuild_start(em_profile *const p[2], const uint32_t type[2],
    const char *const title[2], const struct em_theme *theme, int wake_fd)
{
	struct em_srv_dbuild *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	for (int i = 0; i < 2; i++) {
		b->p[i] = p[i];
		b->type[i] = type[i];
		snprintf(b->title[i], sizeof(b->title[i]), "%s", title[i]);
	}
	b->theme = theme;
	b->wake_fd = wake_fd;
	b->threaded = pthread_create(&b->th, NULL, run, b) == 0;
	if (!b->threaded) /* no thread to be had: do it here, late but right */
		run(b);
	return b;
}

int em_srv_dbuild_done(const struct em_srv_dbuild *b)
{
	return __atomic_load_n(&b->done, __ATOMIC_ACQUIRE);
}

struct em_dview *em_srv_dbuild_finish(struct em_srv_dbuild *b, em_error *err)
{
	struct em_dview *v;

	if (b->threaded)
		pthread_join(b->th, NULL);
	v = b->v;
	if (v == NULL && err != NULL)
		*err = b->err;
	for (int i = 0; i < 2; i++)
		if (b->p[i] != NULL)
			em_profile_free(b->p[i]);
	free(b);
	return v;
}

void em_srv_dbuild_discard(struct em_srv_dbuild *b)
{
	struct em_dview *v = em_srv_dbuild_finish(b, NULL);

	if (v != NULL) {
		em_dview_free(v);
		free(v);
	}
}

size_t em_srv_dbuild_reap(struct em_srv_dbuild **list, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (em_srv_dbuild_done(list[i]))
			em_srv_dbuild_discard(list[i]);
		else
			list[k++] = list[i];
	}
	return k;
}
