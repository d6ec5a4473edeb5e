/* srv_bench.c - the server viewer's time to its first frame: from the
 * moment the query starts to the first screen that shows the profile,
 * drawn on a virtual 200x60 screen exactly as the terminal would get it
 * (bench/srv-bench.sh compares it with curl downloading the same reply).
 *
 *   srv_bench URL PROFILE_TYPE SELECTOR FROM_MS TO_MS RUNS [MAX_NODES]
 *
 * Each run is a new viewer (new connections, as curl makes). Without
 * MAX_NODES the viewer draws the server's flame graph first and then
 * fetches the full pprof in the background: both times are printed, the
 * first frame and the exact frame. Prints the fastest and median runs, and
 * the very first run apart: the process's first query meets cold caches
 * and a heap still to be faulted in, as a viewer's first query does. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/tui/srv.h"

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

struct run {
	double first, exact;
	size_t nodes;
};

static int one_run(const em_pyro_conf *conf, const struct em_theme *th, char **argv,
    long long max_nodes, struct run *r)
{
	struct em_srv s;
	struct em_screen scr = { 0, 0, NULL, 1 };
	em_error err;
	double t0, end;
	int rc = -1;

	if (em_srv_init(&s, conf, th, &err) < 0) {
		fprintf(stderr, "srv_bench: %s\n", err.msg);
		return -1;
	}
	em_screen_resize(&scr, 200, 60);
	em_srv_resize(&s, 200, 60);
	r->first = r->exact = -1;
	t0 = now_s();
	em_srv_begin(&s, argv[2], argv[3], strtoll(argv[4], NULL, 10), strtoll(argv[5], NULL, 10),
	    0, max_nodes, NULL, 0);
	end = t0 + 120;
	while (now_s() < end) {
		int fd = em_srv_wake_fd(&s);
		struct pollfd p = { fd, POLLIN, 0 };

		if (fd < 0)
			break;
		poll(&p, 1, 100);
		if (!em_srv_dispatch(&s))
			continue;
		if (s.load_err[0] != '\0') {
			fprintf(stderr, "srv_bench: %s\n", s.load_err);
			goto out;
		}
		if (s.ui == NULL)
			continue;
		em_srv_draw(&s, &scr);
		if (r->first < 0) {
			r->first = now_s() - t0;
			r->nodes = s.ui->tree.n;
		}
		em_srv_after_draw(&s); /* as the viewer's loop does after showing it */
		if (s.exact && r->exact < 0)
			r->exact = now_s() - t0;
		if (r->first >= 0 && (max_nodes > 0 || r->exact >= 0))
			break;
	}
	rc = r->first >= 0 ? 0 : -1;
	if (rc < 0)
		fprintf(stderr, "srv_bench: no frame (%s)\n", s.msg);
out:
	em_srv_free(&s);
	em_screen_free(&scr);
	return rc;
}

int main(int argc, char **argv)
{
	em_pyro_conf conf;
	struct em_theme th;
	em_error err;
	struct run r;
	long long max_nodes = argc > 7 ? strtoll(argv[7], NULL, 10) : 0;
	int runs = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 0, n = 0;
	double *first, *exact, cold = -1;
	size_t nodes = 0;

	if (argc < 7 || runs < 1) {
		fprintf(stderr, "usage: srv_bench URL TYPE SELECTOR FROM_MS TO_MS RUNS [MAX_NODES]\n");
		return 2;
	}
	em_theme_builtin(&th, "dark");
	em_pyro_conf_init(&conf);
	if (em_pyro_conf_set(&conf, EM_PK_URL, argv[1], &err) < 0) {
		fprintf(stderr, "srv_bench: %s\n", err.msg);
		return 2;
	}
	first = calloc((size_t)runs, sizeof(*first));
	exact = calloc((size_t)runs, sizeof(*exact));
	for (int i = 0; first && exact && i < runs; i++) {
		if (one_run(&conf, &th, argv, max_nodes, &r) < 0)
			break;
		if (n == 0)
			cold = r.first;
		first[n] = r.first;
		exact[n] = r.exact;
		nodes = r.nodes;
		n++;
	}
	em_pyro_conf_free(&conf);
	if (n == 0)
		return 1;
	qsort(first, (size_t)n, sizeof(*first), cmp_double);
	qsort(exact, (size_t)n, sizeof(*exact), cmp_double);
	printf("viewer first frame (%zu nodes): min %.1f ms  median %.1f ms  (%d runs)\n", nodes,
	    first[0] * 1e3, first[n / 2] * 1e3, n);
	printf("viewer first frame of the process's first query: %.1f ms\n", cold * 1e3);
	if (max_nodes == 0)
		printf("viewer exact frame (full pprof): min %.1f ms  median %.1f ms\n",
		    exact[0] * 1e3, exact[n / 2] * 1e3);
	free(first);
	free(exact);
	return 0;
}
