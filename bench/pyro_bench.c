/* pyro_bench.c - how long a merged profile takes from request to parsed
 * profile (bench/pyro-bench.sh compares it with curl's download time).
 *
 *   pyro_bench URL PROFILE_TYPE SELECTOR FROM TO RUNS [MAX_NODES]
 *
 * With PYRO_BENCH_REQ=FILE (the request body) it also times the transfer
 * alone (em_pyro_call), which splits the total into download and parse.
 *
 * Each run opens a new client (a new connection, as curl does), calls
 * SelectMergeProfile (or SelectMergeStacktraces with MAX_NODES) and builds
 * the profile. Prints the fastest and the median run and the reply size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embers/pyroscope.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int one_run(const em_pyro_conf *conf, const em_pyro_query *q, double *secs,
    size_t *bytes, size_t *samples)
{
	em_pyro_client *cl;
	em_profile *p;
	em_error err;
	double t0 = now_s();

	err.msg[0] = '\0';
	cl = em_pyro_client_new(conf, &err);
	if (cl == NULL) {
		fprintf(stderr, "pyro_bench: %s\n", err.msg);
		return -1;
	}
	p = q->max_nodes ? em_pyro_flamegraph(cl, q, &err) : em_pyro_merge_profile(cl, q, &err);
	*secs = now_s() - t0;
	*bytes = em_pyro_client_bytes(cl);
	em_pyro_client_free(cl);
	if (p == NULL) {
		fprintf(stderr, "pyro_bench: %s\n", err.msg);
		return -1;
	}
	*samples = p->nsamples;
	em_profile_free(p);
	return 0;
}

/* Download only: the raw call with the request body in path. */
static void transfer_only(const em_pyro_conf *conf, const char *path, const char *method,
    int runs)
{
	static uint8_t req[1 << 16];
	double *t = calloc((size_t)runs, sizeof(*t));
	FILE *f = fopen(path, "rb");
	size_t n;
	int i;

	if (f == NULL || t == NULL) {
		free(t);
		return;
	}
	n = fread(req, 1, sizeof(req), f);
	fclose(f);
	for (i = 0; i < runs; i++) {
		em_error err;
		em_pyro_client *cl = em_pyro_client_new(conf, &err);
		uint8_t *resp = NULL;
		size_t len;
		double t0 = now_s();

		if (cl == NULL || em_pyro_call(cl, method, req, n, &resp, &len, &err) < 0) {
			fprintf(stderr, "pyro_bench: %s\n", err.msg);
			em_pyro_client_free(cl);
			free(t);
			return;
		}
		t[i] = now_s() - t0;
		free(resp);
		em_pyro_client_free(cl);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	printf("embers transfer only: min %.1f ms, median %.1f ms\n", t[0] * 1e3,
	    t[runs / 2] * 1e3);
	free(t);
}

int main(int argc, char **argv)
{
	em_pyro_conf conf;
	em_pyro_query q;
	em_error err;
	double *t;
	size_t bytes = 0, samples = 0;
	int runs, i;

	if (argc < 7) {
		fprintf(stderr, "usage: pyro_bench URL PROFILE_TYPE SELECTOR FROM TO RUNS [MAX_NODES]\n");
		return 2;
	}
	em_pyro_conf_init(&conf);
	memset(&q, 0, sizeof(q));
	runs = (int)strtol(argv[6], NULL, 10);
	if (runs < 1 || em_pyro_conf_set(&conf, EM_PK_URL, argv[1], &err) < 0 ||
	    em_time_range(argv[4], argv[5], em_now_ms(), &q.start_ms, &q.end_ms, &err) < 0) {
		fprintf(stderr, "pyro_bench: bad arguments\n");
		return 2;
	}
	q.profile_type = argv[2];
	q.selector = argv[3];
	q.max_nodes = argc > 7 ? strtol(argv[7], NULL, 10) : 0;
	t = calloc((size_t)runs, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < runs; i++)
		if (one_run(&conf, &q, &t[i], &bytes, &samples) < 0)
			return 1;
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	if (getenv("PYRO_BENCH_REQ") != NULL)
		transfer_only(&conf, getenv("PYRO_BENCH_REQ"),
		    q.max_nodes ? "SelectMergeStacktraces" : "SelectMergeProfile", runs);
	printf("embers: %zu bytes, %zu samples, min %.1f ms, median %.1f ms (%d runs)\n", bytes,
	    samples, t[0] * 1e3, t[runs / 2] * 1e3, runs);
	free(t);
	em_pyro_conf_free(&conf);
	return 0;
}
