/* bench_phases.c - where `embers top` and the call tree spend time and
 * memory on one profile, phase by phase: read the file, gunzip, parse,
 * top table, call tree. For each phase it prints the wall time, the
 * process's resident and peak memory afterwards (Linux /proc/self/status)
 * and what the model's arrays hold, so a regression can be pinned to a
 * phase. Part of `make bench` (bench/run.sh); not a test.
 *
 * Usage: bench_phases FILE [SAMPLE_TYPE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embers/reader.h"
#include "embers/top.h"
#include "embers/tree.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* VmRSS or VmHWM in KiB, 0 when /proc is not there. */
static long status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(field);
	long v = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static double t_last;

static void phase(const char *name, const char *extra)
{
	double t = now_ms();

	printf("%-12s %9.1f ms %9.1f MiB rss %9.1f MiB peak  %s\n", name, t - t_last,
	    status_kib("VmRSS") / 1024.0, status_kib("VmHWM") / 1024.0, extra);
	fflush(stdout);
	t_last = now_ms();
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 20);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	*n = len;
	return buf;
}

/* Allocated (not just used) bytes of the profile's big arrays. */
static void print_arrays(const em_profile *p)
{
	const double mib = 1048576.0;

	printf("%12s stack %.1f (used %.1f), sample_off %.1f, values %.1f, labels %.1f, "
	    "label_off %.1f, strings %.1f, funcs+lines+locs %.1f MiB\n", "",
	    p->stack_cap * 4 / mib, p->nstack * 4 / mib, p->sample_off_cap * 8 / mib,
	    p->values_cap * 8 / mib, p->labels_cap * sizeof(*p->labels) / mib,
	    p->label_off_cap * 8 / mib, em_strtab_bytes(p->strs) / mib,
	    (p->funcs_cap * sizeof(*p->funcs) + p->func_by_name_cap * 4 +
	    p->lines_cap * sizeof(*p->lines) + p->locs_cap * sizeof(*p->locs)) / mib);
}

static int fail(const char *path, const em_error *err)
{
	fprintf(stderr, "bench_phases: '%s': %s\n", path, err->msg);
	return 1;
}

int main(int argc, char **argv)
{
	em_error err = { { 0 } };
	uint8_t *buf, *raw = NULL;
	size_t n, rawn;
	em_profile *p;
	em_top top;
	em_tree tree;
	int type;
	char extra[160];

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_phases FILE [SAMPLE_TYPE]\n");
		return 2;
	}
	t_last = now_ms();
	phase("start", "");
	if ((buf = slurp(argv[1], &n)) == NULL) {
		perror(argv[1]);
		return 1;
	}
	snprintf(extra, sizeof(extra), "%zu bytes", n);
	phase("read file", extra);
	if (em_is_gzip(buf, n)) {
		if (em_gunzip(buf, n, 0, &raw, &rawn, &err) < 0)
			return fail(argv[1], &err);
		free(buf);
		buf = raw;
		n = rawn;
		snprintf(extra, sizeof(extra), "%zu bytes", n);
		phase("gunzip", extra);
	}
	if ((p = em_profile_new()) == NULL || em_read_pprof(p, buf, n, NULL, &err) < 0)
		return fail(argv[1], &err);
	snprintf(extra, sizeof(extra), "profile arrays %.1f MiB: %zu samples, %zu frames, %u locs, %u funcs",
	    em_profile_bytes(p) / 1048576.0, p->nsamples, p->nstack, p->nlocs, p->nfuncs);
	phase("parse", extra);
	print_arrays(p);
	free(buf);
	phase("free input", "");
	type = argc == 3 ? em_profile_find_type(p, argv[2]) : (int)p->default_type;
	if (type < 0) {
		em_error_set(&err, "no sample type '%s'", argv[2]);
		return fail(argv[1], &err);
	}
	if (em_top_build(&top, p, (uint32_t)type, &err) < 0)
		return fail(argv[1], &err);
	snprintf(extra, sizeof(extra), "%u rows", top.n);
	phase("top", extra);
	em_top_free(&top);
	if (em_tree_build(&tree, p, (uint32_t)type, &err) < 0)
		return fail(argv[1], &err);
	snprintf(extra, sizeof(extra), "%u nodes, %u levels, %.1f MiB", tree.n, tree.nlevels,
	    ((double)tree.n * 16 + (double)tree.nlevels * 4) / 1048576.0);
	phase("tree", extra);
	em_tree_free(&tree);
	em_profile_free(p);
	return 0;
}
