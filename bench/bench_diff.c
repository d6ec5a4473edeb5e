/* bench_diff.c - how long diffing two profiles takes next to loading them:
 * load both files (read, gunzip, parse), then everything a diff view
 * needs: both call trees, the aligned diff tree, both top tables and the
 * diff table. Prints each phase (median of RUNS) and the goal of issue 5,
 * diff <= 1.5 x loading, read three ways:
 *   table  `embers diff`: load + tops + table vs load
 *   view   a diff view when the profiles are open (a profile is opened
 *          with its call tree): load + trees + align + tops + table vs
 *          load + trees
 *   all    everything from the files: the same vs load alone
 * Run by bench/diff.sh; not a test.
 *
 * Usage: bench_diff BASE NEW [SAMPLE_TYPE [RUNS]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embers/diff.h"
#include "embers/reader.h"
#include "embers/top.h"
#include "embers/tree.h"

#define MAX_RUNS 25
enum { P_LOAD, P_TREES, P_ALIGN, P_TOPS, P_TABLE, NPHASES };
static const char *const phase_names[NPHASES] = { "load both", "both trees", "align",
	"both tops", "diff table" };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long peak_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int type_of(const em_profile *p, const char *want, uint32_t *out)
{
	int t = want ? em_profile_find_type(p, want) : (int)p->default_type;

	if (t < 0 || (uint32_t)t >= p->ntypes)
		return -1;
	*out = (uint32_t)t;
	return 0;
}

/* One run; fills ms[phase]. */
static int run(const char *const path[2], const char *type, double *ms, uint32_t *nodes)
{
	em_profile *p[2] = { NULL, NULL };
	em_tree t[2];
	em_top top[2];
	em_diff d;
	em_diff_top dt;
	em_error err;
	uint32_t ty[2];
	double t0 = now_ms(), t1;
	int i;

	for (i = 0; i < 2; i++)
		if ((p[i] = em_read_file(path[i], NULL, &err)) == NULL) {
			fprintf(stderr, "bench_diff: %s\n", err.msg);
			return -1;
		}
	t1 = now_ms();
	ms[P_LOAD] = t1 - t0;
	for (i = 0; i < 2; i++)
		if (type_of(p[i], type, &ty[i]) < 0 || em_tree_build(&t[i], p[i], ty[i], &err) < 0) {
			fprintf(stderr, "bench_diff: '%s': no sample type '%s' or %s\n", path[i],
			    type ? type : "(default)", err.msg);
			return -1;
		}
	t0 = now_ms();
	ms[P_TREES] = t0 - t1;
	if (em_diff_build(&d, p[0], &t[0], p[1], &t[1], &err) < 0) {
		fprintf(stderr, "bench_diff: %s\n", err.msg);
		return -1;
	}
	t1 = now_ms();
	ms[P_ALIGN] = t1 - t0;
	*nodes = d.tree.n;
	for (i = 0; i < 2; i++)
		em_top_build(&top[i], p[i], ty[i], &err);
	t0 = now_ms();
	ms[P_TOPS] = t0 - t1;
	if (em_diff_top_build(&dt, p[0], &top[0], p[1], &top[1], &err) < 0) {
		fprintf(stderr, "bench_diff: %s\n", err.msg);
		return -1;
	}
	ms[P_TABLE] = now_ms() - t0;
	em_diff_top_free(&dt);
	em_diff_free(&d);
	for (i = 0; i < 2; i++) {
		em_top_free(&top[i]);
		em_tree_free(&t[i]);
		em_profile_free(p[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	double ms[NPHASES][MAX_RUNS], med[NPHASES], one[NPHASES], table, view, load;
	const char *path[2], *type;
	uint32_t nodes = 0;
	int runs, r, k;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_diff BASE NEW [SAMPLE_TYPE [RUNS]]\n");
		return 2;
	}
	path[0] = argv[1];
	path[1] = argv[2];
	type = argc > 3 && argv[3][0] ? argv[3] : NULL;
	runs = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 5;
	if (runs < 1 || runs > MAX_RUNS)
		runs = 5;
	for (r = 0; r < runs; r++) {
		if (run(path, type, one, &nodes) < 0)
			return 1;
		for (k = 0; k < NPHASES; k++)
			ms[k][r] = one[k];
	}
	for (k = 0; k < NPHASES; k++) {
		med[k] = median(ms[k], runs);
		printf("%-11s %9.1f ms (median of %d)\n", phase_names[k], med[k], runs);
	}
	printf("diff tree   %9u nodes, peak RSS %.1f MiB\n", nodes, peak_kib() / 1024.0);
	load = med[P_LOAD];
	table = med[P_TOPS] + med[P_TABLE];
	view = med[P_ALIGN] + table;
	printf("table: (load + tops + table) / load = %.2f (goal <= 1.50): %s\n",
	    (load + table) / load, table <= 0.5 * load ? "PASS" : "MISS");
	load += med[P_TREES];
	printf("view:  (load + trees + align + tops + table) / (load + trees) = %.2f "
	    "(goal <= 1.50): %s\n", (load + view) / load, view <= 0.5 * load ? "PASS" : "MISS");
	load = med[P_LOAD];
	printf("all:   (load + trees + align + tops + table) / load = %.2f\n",
	    (load + med[P_TREES] + view) / load);
	return 0;
}
