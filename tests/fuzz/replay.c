/* replay.c - the fuzz targets without libFuzzer: a deterministic test.
 *
 * For every entry point of fuzz.h it runs the seed files, the saved
 * regressions and a fixed set of mutations of each (every truncation of a
 * small file, evenly spaced ones of a big file, byte changes from a fixed
 * PRNG), so a plain gcc + ASan build runs the same checks the fuzzers do.
 *
 *   tests/fuzz/seeds/<target>/NAME        must be accepted (rejected when
 *                                         NAME starts with "bad-")
 *   tests/fuzz/regressions/<target>/FILE  saved crashes: must not crash
 *   $TESTDATA (recursively)                the test corpus, through "read"
 *                                         (and, gunzipped, through "pprof")
 *
 * Output is TAP. On a crash the death callback names the input and writes
 * it to replay-crash-<target>.bin in the current directory, ready to be
 * copied into tests/fuzz/regressions/<target>/.
 *
 * Usage: replay [TARGET...]; environment top_srcdir, TESTDATA,
 * EM_REPLAY_FLIPS (byte changes per file, default 256). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz.h"
#include "../unit/tap.h"

#define TRUNC_ALL_MAX 2048  /* files up to this size: every truncation */
#define TRUNC_SPACED 64     /* bigger files: this many evenly spaced ones */
#define BIG_FILE (64 * 1024)  /* and fewer byte changes past this size */
#define CORPUS_FLIPS 16     /* byte changes per $TESTDATA file */

struct target {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
};

static const struct target targets[] = {
	{ "read", em_fuzz_read },
	{ "pprof", em_fuzz_pprof },
	{ "folded", em_fuzz_folded },
	{ "flamebearer", em_fuzz_flamebearer },
	{ "gzip", em_fuzz_gzip },
	{ "levels", em_fuzz_levels },
	{ "flamegraph_pb", em_fuzz_flamegraph_pb },
};

/* What is running now, for the death callback. */
static struct {
	const char *target;
	const char *path;
	char what[64];
	const uint8_t *data;
	size_t n;
} cur;

static unsigned long flips_per_file = 256;

/* --- crash reporting ---------------------------------------------------- */

static void on_death(void)
{
	char out[128];
	int fd;

	fprintf(stderr, "replay: crashed in target '%s' on '%s' (%s, %zu bytes)\n",
	    cur.target ? cur.target : "?", cur.path ? cur.path : "?", cur.what, cur.n);
	if (cur.data == NULL || cur.target == NULL)
		return;
	snprintf(out, sizeof(out), "replay-crash-%s.bin", cur.target);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, cur.data, cur.n) == (ssize_t)cur.n)
			fprintf(stderr, "replay: input saved as '%s'\n", out);
		close(fd);
	}
}

/* The sanitizers call this before they exit; absent without them. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

/* --- files -------------------------------------------------------------- */

struct paths {
	char **v;
	size_t n, cap;
};

static void paths_add(struct paths *ps, const char *path)
{
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 64;
		char **nv = realloc(ps->v, ncap * sizeof(*nv));

		if (nv == NULL)
			em_fuzz_fail("out of memory");
		ps->v = nv;
		ps->cap = ncap;
	}
	ps->v[ps->n] = strdup(path);
	if (ps->v[ps->n] == NULL)
		em_fuzz_fail("out of memory");
	ps->n++;
}

static void paths_free(struct paths *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->v[i]);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file under dir (recursively) but README.md, sorted. A
 * missing dir is no error: it has no files yet. */
static void list_files(const char *dir, struct paths *ps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	struct stat st;
	size_t start = ps->n;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			list_files(path, ps);
		else if (S_ISREG(st.st_mode))
			paths_add(ps, path);
	}
	closedir(d);
	qsort(ps->v + start, ps->n - start, sizeof(*ps->v), cmp_str);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, got;

	if (f == NULL)
		em_fuzz_fail("cannot open '%s': %s", path, strerror(errno));
	do {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL)
				em_fuzz_fail("out of memory");
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f))
		em_fuzz_fail("cannot read '%s'", path);
	fclose(f);
	*n = len;
	return buf;
}

/* Gunzip with zlib alone (so a bug in em_gunzip cannot hide seeds); NULL
 * when data is not one clean gzip stream. */
static uint8_t *plain_gunzip(const uint8_t *data, size_t n, size_t *outlen)
{
	z_stream zs;
	size_t cap = 1 << 16;
	uint8_t *out = malloc(cap);
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (out == NULL || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		em_fuzz_fail("out of memory");
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)n;
	do {
		if (zs.total_out == cap) {
			uint8_t *no = realloc(out, cap * 2);

			if (no == NULL)
				em_fuzz_fail("out of memory");
			out = no;
			cap *= 2;
		}
		zs.next_out = out + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		ret = inflate(&zs, Z_NO_FLUSH);
	} while (ret == Z_OK);
	*outlen = zs.total_out;
	inflateEnd(&zs);
	if (ret != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

/* --- mutations ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed per file, so every run is the same */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void rng_seed(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the file's base name */
	const char *base = strrchr(name, '/');

	for (base = base ? base + 1 : name; *base; base++)
		h = (h ^ (uint8_t)*base) * 0x100000001b3ULL;
	rng_state = h ? h : 1;
}

struct tally {
	unsigned long runs, accepted;
};

static int run_one(const struct target *t, const uint8_t *data, size_t n, const char *what,
    struct tally *tl)
{
	int r;

	cur.data = data;
	cur.n = n;
	snprintf(cur.what, sizeof(cur.what), "%s", what);
	r = t->fn(data, n);
	tl->runs++;
	tl->accepted += r == EM_FUZZ_ACCEPTED;
	return r;
}

/* One byte change at a random place: a flipped bit, 0x00, 0xff, 0x80
 * (a varint that goes on) or a random byte. */
static void mutate_byte(uint8_t *buf, size_t n, char *what, size_t wn)
{
	static const uint8_t special[] = { 0x00, 0xff, 0x80, 0x7f };
	size_t pos = (size_t)(rng() % n);
	uint64_t op = rng() % 6;
	uint8_t v;

	if (op == 0)
		v = buf[pos] ^ (uint8_t)(1u << (rng() % 8));
	else if (op == 5)
		v = (uint8_t)rng();
	else
		v = special[op - 1];
	snprintf(what, wn, "byte %zu: 0x%02x -> 0x%02x", pos, buf[pos], v);
	buf[pos] = v;
}

/* The input, its truncations and `flips` byte changes of it. */
static void run_mutations(const struct target *t, const uint8_t *data, size_t n,
    unsigned long flips, struct tally *tl)
{
	uint8_t *buf = malloc(n ? n : 1);
	char what[64];
	size_t len, k;
	unsigned long f;

	if (buf == NULL)
		em_fuzz_fail("out of memory");
	if (n <= TRUNC_ALL_MAX) {
		for (len = 0; len < n; len++) {
			memcpy(buf, data, len);
			snprintf(what, sizeof(what), "truncated to %zu", len);
			run_one(t, buf, len, what, tl);
		}
	} else {
		for (k = 0; k < TRUNC_SPACED; k++) {
			len = n / TRUNC_SPACED * k + (size_t)(rng() % (n / TRUNC_SPACED));
			memcpy(buf, data, len);
			snprintf(what, sizeof(what), "truncated to %zu", len);
			run_one(t, buf, len, what, tl);
		}
	}
	for (f = 0; n > 0 && f < flips; f++) {
		memcpy(buf, data, n);
		mutate_byte(buf, n, what, sizeof(what));
		if (f % 4 == 3) /* now and then a second change */
			mutate_byte(buf, n, what, sizeof(what));
		run_one(t, buf, n, what, tl);
	}
	free(buf);
}

static unsigned long flips_for(size_t n)
{
	return n > BIG_FILE ? flips_per_file / 8 : flips_per_file;
}

/* --- the three kinds of input ------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Seeds: each must be accepted (or rejected when named bad-*), then is
 * mutated. */
static void run_seeds(const struct target *t, const char *srcdir)
{
	struct paths ps = { 0 };
	struct tally tl = { 0, 0 };
	char dir[4096];
	size_t i, nverdict = 0, nwrong = 0;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/seeds/%s", srcdir, t->name);
	list_files(dir, &ps);
	for (i = 0; i < ps.n; i++) {
		size_t n;
		uint8_t *data = slurp(ps.v[i], &n);
		int want_bad = strncmp(base_name(ps.v[i]), "bad-", 4) == 0;
		int r;

		cur.path = ps.v[i];
		memset(&em_fuzz_last_error, 0, sizeof(em_fuzz_last_error));
		r = run_one(t, data, n, "as is", &tl);
		nverdict++;
		if ((r == EM_FUZZ_ACCEPTED) == want_bad) {
			nwrong++;
			printf("# %s: '%s' %s%s\n", t->name, ps.v[i],
			    want_bad ? "accepted, want an error" : "rejected: ",
			    want_bad ? "" : em_fuzz_last_error.msg);
		}
		rng_seed(ps.v[i]);
		run_mutations(t, data, n, flips_for(n), &tl);
		free(data);
	}
	ok(ps.n > 0, "%s: seeds in %s", t->name, dir);
	ok(nwrong == 0, "%s: %zu of %zu seeds give the expected verdict", t->name,
	    nverdict - nwrong, nverdict);
	ok(1, "%s: %lu seed runs (%lu accepted), no crash", t->name, tl.runs, tl.accepted);
	paths_free(&ps);
}

/* Saved crashes: no verdict, must not crash; mutated too. */
static void run_regressions(const struct target *t, const char *srcdir)
{
	struct paths ps = { 0 };
	struct tally tl = { 0, 0 };
	char dir[4096];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions/%s", srcdir, t->name);
	list_files(dir, &ps);
	for (i = 0; i < ps.n; i++) {
		size_t n;
		uint8_t *data = slurp(ps.v[i], &n);

		cur.path = ps.v[i];
		run_one(t, data, n, "as is", &tl);
		rng_seed(ps.v[i]);
		run_mutations(t, data, n, flips_for(n), &tl);
		free(data);
	}
	ok(1, "%s: %zu regressions, %lu runs, no crash", t->name, ps.n, tl.runs);
	paths_free(&ps);
}

/* The test corpus through read (and, gunzipped, through pprof): as is,
 * plus a few truncations and byte changes each. */
static void run_corpus(const struct target *t, const char *testdata)
{
	struct paths ps = { 0 };
	struct tally tl = { 0, 0 };
	size_t i;

	list_files(testdata, &ps);
	for (i = 0; i < ps.n; i++) {
		size_t n, rawn;
		uint8_t *data = slurp(ps.v[i], &n), *raw = NULL;
		const uint8_t *in = data;

		cur.path = ps.v[i];
		if (strcmp(t->name, "pprof") == 0) {
			raw = plain_gunzip(data, n, &rawn);
			if (raw == NULL) {
				free(data);
				continue;
			}
			in = raw;
			n = rawn;
		}
		run_one(t, in, n, "as is", &tl);
		rng_seed(ps.v[i]);
		if (n > TRUNC_ALL_MAX) /* spaced truncations only */
			run_mutations(t, in, n, CORPUS_FLIPS, &tl);
		else
			run_mutations(t, in, n, flips_for(n), &tl);
		free(raw);
		free(data);
	}
	ok(ps.n > 0, "%s: %zu files of %s, %lu runs (%lu accepted), no crash", t->name, ps.n,
	    testdata, tl.runs, tl.accepted);
	paths_free(&ps);
}

static int wanted(const struct target *t, int argc, char **argv)
{
	int i;

	if (argc == 0)
		return 1;
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], t->name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("top_srcdir");
	const char *testdata = getenv("TESTDATA");
	const char *fl = getenv("EM_REPLAY_FLIPS");
	char tdbuf[4096];
	size_t i;

	if (srcdir == NULL)
		srcdir = ".";
	if (testdata == NULL) {
		snprintf(tdbuf, sizeof(tdbuf), "%s/tests/data", srcdir);
		testdata = tdbuf;
	}
	if (fl != NULL)
		flips_per_file = strtoul(fl, NULL, 10);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(on_death);
	em_fuzz_on_fail = on_death;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		const struct target *t = &targets[i];

		if (!wanted(t, argc - 1, argv + 1))
			continue;
		cur.target = t->name;
		run_seeds(t, srcdir);
		run_regressions(t, srcdir);
		if (strcmp(t->name, "read") == 0 || strcmp(t->name, "pprof") == 0)
			run_corpus(t, testdata);
	}
	return done();
}
