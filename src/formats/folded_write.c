/* folded_write.c - writing folded stacks ("root;...;leaf value" lines).
 *
 * The output matches the corpus oracle byte for byte: frames named by
 * function, a location's lines expanded root first, tab/CR/LF in names
 * written as \t \r \n, samples of value 0 left out, stacks whose text is
 * identical merged, lines sorted bytewise by the stack text.
 *
 * Rather than building one string per stack (hundreds of MB on a big heap
 * profile), the sample indexes are merge-sorted with a comparator that
 * walks two stacks' text lazily, skipping shared locations and frames
 * first. Equal stacks end up adjacent and are summed on output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "embers/writer.h"

typedef struct name_ref {
	const char *s;
	size_t len;
} name_ref;

typedef struct folded_ctx {
	const em_profile *p;
	name_ref *names; /* escaped name per function */
	char *escaped;   /* storage for the names that needed escaping */
} folded_ctx;

static const name_ref unknown_name = { "<unknown>", 9 };

static int needs_escape(char c)
{
	return c == '\t' || c == '\r' || c == '\n';
}

static size_t escaped_len(const char *s, size_t n)
{
	size_t i, len = n;

	for (i = 0; i < n; i++)
		len += needs_escape(s[i]);
	return len;
}

static char *escape_into(char *dst, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!needs_escape(s[i])) {
			*dst++ = s[i];
			continue;
		}
		*dst++ = '\\';
		*dst++ = s[i] == '\t' ? 't' : s[i] == '\r' ? 'r' : 'n';
	}
	return dst;
}

/* Point names[] at the string table, copying only the names that need
 * escaping (rare) into one buffer. */
static int names_init(folded_ctx *c, em_error *err)
{
	const em_profile *p = c->p;
	size_t extra = 0, n;
	uint32_t f;
	char *dst;

	c->names = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof(*c->names));
	if (c->names == NULL)
		return em_error_set(err, "out of memory");
	for (f = 0; f < p->nfuncs; f++) {
		n = em_strtab_len(p->strs, p->funcs[f].name);
		c->names[f].s = em_profile_cstr(p, p->funcs[f].name);
		c->names[f].len = n;
		if (escaped_len(c->names[f].s, n) != n)
			extra += escaped_len(c->names[f].s, n);
	}
	if (extra == 0)
		return 0;
	dst = c->escaped = malloc(extra);
	if (dst == NULL)
		return em_error_set(err, "out of memory");
	for (f = 0; f < p->nfuncs; f++) {
		n = escaped_len(c->names[f].s, c->names[f].len);
		if (n == c->names[f].len)
			continue;
		escape_into(dst, c->names[f].s, c->names[f].len);
		c->names[f].s = dst;
		c->names[f].len = n;
		dst += n;
	}
	return 0;
}

/* A sample to sort: its locations are pointed at directly so that a
 * comparison touches only the two stacks (the sort is memory-bound). */
typedef struct stack_ref {
	const uint32_t *locs; /* root first */
	uint32_t depth;
	uint32_t sample;
} stack_ref;

/* A position in one sample's frame sequence (root first). */
typedef struct frame_cur {
	const em_profile *p;
	const uint32_t *locs;
	size_t nlocs, li; /* current location */
	uint32_t ln;      /* current line inside it */
} frame_cur;

static void cur_init(frame_cur *c, const em_profile *p, const stack_ref *r, size_t skip)
{
	c->p = p;
	c->locs = r->locs;
	c->nlocs = r->depth;
	c->li = skip;
	c->ln = 0;
}

static int cur_end(const frame_cur *c)
{
	return c->li >= c->nlocs;
}

static em_func_id cur_func(const frame_cur *c)
{
	const em_location *l = &c->p->locs[c->locs[c->li]];

	return c->p->lines[l->first_line + c->ln].func;
}

static void cur_next(frame_cur *c)
{
	if (++c->ln >= c->p->locs[c->locs[c->li]].nlines) {
		c->ln = 0;
		c->li++;
	}
}

static name_ref frame_name(const folded_ctx *fc, em_func_id f)
{
	return f < fc->p->nfuncs ? fc->names[f] : unknown_name;
}

/* Byte stream of the rest of a stack: name, then ";name" per frame. */
typedef struct byte_cur {
	frame_cur fr;
	name_ref cur;
	size_t pos;
} byte_cur;

/* Next byte, or -1 at the end of the stack text. */
static int byte_next(const folded_ctx *fc, byte_cur *b)
{
	if (b->pos < b->cur.len)
		return (unsigned char)b->cur.s[b->pos++];
	if (cur_end(&b->fr))
		return -1;
	b->cur = frame_name(fc, cur_func(&b->fr));
	b->pos = 0;
	cur_next(&b->fr);
	return ';';
}

static int compare_bytes(const folded_ctx *fc, const frame_cur *a, const frame_cur *b)
{
	byte_cur x = { *a, { "", 0 }, 0 }, y = { *b, { "", 0 }, 0 };
	int cx, cy;

	/* both sit at the same frame boundary; the ';' before it is shared */
	x.cur = frame_name(fc, cur_func(&x.fr));
	cur_next(&x.fr);
	y.cur = frame_name(fc, cur_func(&y.fr));
	cur_next(&y.fr);
	do {
		cx = byte_next(fc, &x);
		cy = byte_next(fc, &y);
	} while (cx == cy && cx != -1);
	return cx < cy ? -1 : cx > cy;
}

/* Compare the folded text of two samples. */
static int stack_cmp(const folded_ctx *fc, const stack_ref *ra, const stack_ref *rb)
{
	const uint32_t *la = ra->locs, *lb = rb->locs;
	size_t n = ra->depth < rb->depth ? ra->depth : rb->depth, k = 0;
	frame_cur a, b;

	while (k < n && la[k] == lb[k])
		k++;
	cur_init(&a, fc->p, ra, k);
	cur_init(&b, fc->p, rb, k);
	while (!cur_end(&a) && !cur_end(&b) && cur_func(&a) == cur_func(&b)) {
		cur_next(&a);
		cur_next(&b);
	}
	if (cur_end(&a) || cur_end(&b))
		return cur_end(&b) - cur_end(&a);
	return compare_bytes(fc, &a, &b);
}

static void merge(const folded_ctx *fc, const stack_ref *src, stack_ref *dst,
    size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi) {
		/* the next comparison reads one of these stacks: fetch both */
		if (i + 1 < mid)
			__builtin_prefetch(src[i + 1].locs);
		if (j + 1 < hi)
			__builtin_prefetch(src[j + 1].locs);
		dst[k++] = stack_cmp(fc, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
	}
	while (i < mid)
		dst[k++] = src[i++];
	while (j < hi)
		dst[k++] = src[j++];
}

/* Bottom-up merge sort; returns whichever buffer holds the result. */
static stack_ref *sort_samples(const folded_ctx *fc, stack_ref *a, stack_ref *tmp, size_t n)
{
	size_t width, lo;
	stack_ref *t;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;

			merge(fc, a, tmp, lo, mid, hi);
		}
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

static void write_stack(FILE *out, const folded_ctx *fc, const stack_ref *r)
{
	frame_cur c;
	int first = 1;

	cur_init(&c, fc->p, r, 0);
	for (; !cur_end(&c); cur_next(&c)) {
		name_ref n = frame_name(fc, cur_func(&c));

		if (!first)
			putc(';', out);
		fwrite(n.s, 1, n.len, out);
		first = 0;
	}
}

static int write_lines(FILE *out, const folded_ctx *fc, const stack_ref *r,
    size_t n, uint32_t type, em_error *err)
{
	size_t i = 0, j;

	while (i < n) {
		int64_t sum = em_sample_value(fc->p, r[i].sample, type);

		for (j = i + 1; j < n && stack_cmp(fc, &r[i], &r[j]) == 0; j++)
			if (__builtin_add_overflow(sum, em_sample_value(fc->p, r[j].sample, type), &sum))
				return em_error_set(err, "sample values overflow a 64-bit total");
		write_stack(out, fc, &r[i]);
		fprintf(out, " %lld\n", (long long)sum);
		if (ferror(out))
			break;
		i = j;
	}
	if (fflush(out) != 0 || ferror(out))
		return em_error_set(err, "write error: %s", em_strerror_lc(errno ? errno : EIO));
	return 0;
}

int em_write_folded(FILE *out, const em_profile *p, uint32_t type, em_error *err)
{
	folded_ctx fc = { p, NULL, NULL };
	stack_ref *refs = NULL, *tmp = NULL, *sorted;
	size_t n = 0, s;
	int rc = -1;

	if (type >= p->ntypes)
		return em_error_set(err, "no sample type %u", (unsigned)type);
	if (p->nsamples >= UINT32_MAX)
		return em_error_set(err, "too many samples to fold");
	if (names_init(&fc, err) < 0)
		goto out;
	refs = malloc((p->nsamples ? p->nsamples : 1) * sizeof(*refs));
	tmp = malloc((p->nsamples ? p->nsamples : 1) * sizeof(*tmp));
	if (refs == NULL || tmp == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	for (s = 0; s < p->nsamples; s++) {
		if (em_sample_value(p, s, type) == 0)
			continue;
		if (em_sample_depth(p, s) > UINT32_MAX) {
			em_error_set(err, "stack too deep to fold");
			goto out;
		}
		refs[n].locs = em_sample_locs(p, s);
		refs[n].depth = (uint32_t)em_sample_depth(p, s);
		refs[n++].sample = (uint32_t)s;
	}
	sorted = sort_samples(&fc, refs, tmp, n);
	errno = 0;
	rc = write_lines(out, &fc, sorted, n, type, err);
out:
	free(refs);
	free(tmp);
	free(fc.names);
	free(fc.escaped);
	return rc;
}
