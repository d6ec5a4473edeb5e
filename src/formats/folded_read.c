/* folded_read.c - the folded ("collapsed") stack format of Brendan Gregg's
 * stackcollapse scripts, inferno, py-spy, async-profiler and friends.
 *
 * One stack per line, root first: "main;work;leaf 42". The rules follow the
 * common convention (and our oracle, corpus folded_oracle.py):
 *   - the count is the last whitespace-separated token; frames may hold
 *     spaces; LF or CRLF; blank lines and lines starting with '#' are
 *     skipped;
 *   - "stack [v]" and "stack [v1 v2]" (pyroscope jfr-parser) are accepted;
 *   - differential files ("stack before after") are recognised when at
 *     least 90% of the data lines end in two numbers; they give the sample
 *     types "before" and "after", other files one type "samples";
 *   - any other line is skipped and counted (a profile comment says how
 *     many); a file without one good line is an error.
 * Counts are int64 in the model. Fractional counts ("31.23") are kept
 * exactly by scaling every value of the file by 10^d, d being the most
 * decimals seen (at most 9, beyond that rounded); a profile comment then
 * says "counts scaled by 10^d", so ratios and percentages are exact.
 * Trailing zeros do not count as decimals: "19.0" is 19.
 *
 * Speed: one parsing pass over the buffer (plus a cheap pre-pass that only
 * looks at line ends to decide "differential"), no allocation per line,
 * and the frames a line shares with the line before it (folded files are
 * usually sorted) are not looked up again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/reader.h"
#include "embers/vec.h"

#define MAX_DECIMALS 9
#define SNIFF_LINES 1000
#define SNIFF_BYTES ((size_t)1 << 20)
#define PROGRESS_EVERY 8192

enum line_kind { LINE_BLANK, LINE_COMMENT, LINE_DATA };

/* What one line holds. The stack of the one-count reading ends at stack1,
 * of the two-count reading at stack2 (0 = that reading does not apply). */
struct fline {
	enum line_kind kind;
	int bracket;              /* count(s) in [] */
	int nbracket;             /* 1 or 2 values in the brackets */
	size_t stack1, stack2;    /* stack lengths */
	const char *tok[2];       /* [0] last number, [1] the one before */
	size_t toklen[2];
};

/* A number as mant * 10^exp10. */
struct fnum {
	int64_t mant;
	int exp10;
};

struct folded {
	em_profile *p;
	const em_read_opts *opts;
	int kind;                 /* 1 one count, 2 [v1 v2] seen, 3 differential */
	int scale;                /* decimals the values carry */
	uint64_t maxabs;          /* largest |value| so far */
	uint64_t lineno, invalid, first_invalid, valid;
	uint32_t *locs;           /* frames of the current line */
	size_t locs_cap;
	size_t *ends;             /* end offset of each frame of the previous line */
	size_t ends_cap, nframes;
	const char *prev;         /* previous stack */
	size_t prev_len;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* [-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)? exactly, like the oracle. */
static int is_num(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

/* Start of the whitespace run that ends at e (e itself when none). */
static size_t space_back(const char *s, size_t e)
{
	while (e > 0 && is_space(s[e - 1]))
		e--;
	return e;
}

static int is_num_char(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
	    c == 'E';
}

/* Start of the number token that ends at e, or SIZE_MAX when the token
 * there is not made of number characters. Stops at the first other byte,
 * so a line is not scanned whole (frames hold no white space mostly). */
static size_t num_back(const char *s, size_t e)
{
	size_t b = e;

	while (b > 0 && is_num_char(s[b - 1]))
		b--;
	if (b == e || (b > 0 && !is_space(s[b - 1])) || !is_num(s + b, e - b))
		return SIZE_MAX;
	return b;
}

/* "stack [v]" or "stack [v1 v2]" ending at e (s[e-1] is ']'). */
static int parse_bracket(const char *s, size_t e, struct fline *l)
{
	size_t close = e - 1, open, b, w;

	for (open = close; open > 0 && s[open - 1] != '[' && s[open - 1] != ']'; open--)
		;
	if (open == 0 || s[open - 1] != '[')
		return 0;
	/* inside: NUM, or NUM white space NUM */
	for (b = close; b > open && !is_space(s[b - 1]); b--)
		;
	if (!is_num(s + b, close - b))
		return 0;
	l->tok[0] = s + b;
	l->toklen[0] = close - b;
	l->nbracket = 1;
	if (b > open) {
		for (w = b; w > open && is_space(s[w - 1]); w--)
			;
		if (w == open || !is_num(s + open, w - open))
			return 0;
		l->tok[1] = s + open;
		l->toklen[1] = w - open;
		l->nbracket = 2;
	}
	w = space_back(s, open - 1);
	if (w == open - 1 || w == 0)
		return 0; /* needs white space before '[' and a stack */
	l->bracket = 1;
	l->stack1 = w;
	return 1;
}

/* Classify a line (without its '\n'); see struct fline. */
static void parse_line(const char *s, size_t n, struct fline *l)
{
	size_t e, b, w;

	memset(l, 0, sizeof(*l));
	e = space_back(s, n);
	if (e == 0) {
		l->kind = LINE_BLANK;
		return;
	}
	for (b = 0; is_space(s[b]); b++)
		;
	l->kind = s[b] == '#' ? LINE_COMMENT : LINE_DATA;
	if (l->kind != LINE_DATA)
		return;
	if (s[e - 1] == ']' && parse_bracket(s, e, l))
		return;
	b = num_back(s, e);
	if (b == SIZE_MAX || (w = space_back(s, b)) == b)
		return;
	l->tok[0] = s + b;
	l->toklen[0] = e - b;
	l->stack1 = w;
	if (w == 0 || (b = num_back(s, w)) == SIZE_MAX)
		return;
	l->tok[1] = s + b;
	l->toklen[1] = w - b;
	l->stack2 = space_back(s, b) < b ? space_back(s, b) : 0;
}

/* Next line of buf from *pos; its length without '\n'. */
static const char *next_line(const char *buf, size_t n, size_t *pos, size_t *len)
{
	const char *s = buf + *pos, *nl = memchr(s, '\n', n - *pos);

	*len = nl ? (size_t)(nl - s) : n - *pos;
	*pos += *len + (nl != NULL);
	return s;
}

int em_folded_sniff(const uint8_t *buf, size_t n)
{
	size_t pos = 0, len, lines = 0, data = 0, good = 0;
	const char *s;
	struct fline l;

	while (pos < n && lines < SNIFF_LINES && pos < SNIFF_BYTES) {
		s = next_line((const char *)buf, n, &pos, &len);
		parse_line(s, len, &l);
		lines++;
		if (l.kind != LINE_DATA)
			continue;
		data++;
		if (l.bracket || l.stack1)
			good++;
	}
	return good > 0 || data == 0;
}

/* The pre-pass: differential when >= 90% of the data lines end in two
 * numbers (with a stack before them); two types also when some bracket
 * holds two values. */
static int count_types(const char *buf, size_t n)
{
	size_t pos = 0, len;
	uint64_t data = 0, two = 0, br2 = 0;
	const char *s;
	struct fline l;

	while (pos < n) {
		s = next_line(buf, n, &pos, &len);
		parse_line(s, len, &l);
		if (l.kind != LINE_DATA)
			continue;
		data++;
		if (!l.bracket && l.stack2)
			two++;
		if (l.bracket && l.nbracket == 2)
			br2++;
	}
	if (data > 0 && two * 10 >= data * 9)
		return 3; /* differential */
	return br2 ? 2 : 1;
}

/* Parse a token known to match is_num into mant * 10^exp10. Fraction
 * digits past int64 precision are dropped; -1 when the integer part does
 * not fit. */
static int parse_num(const char *s, size_t n, struct fnum *v)
{
	size_t i = 0;
	int neg = 0, in_frac = 0, eneg = 0, full = 0;
	int64_t m = 0, ex = 0, frac = 0, t;

	if (s[i] == '-' || s[i] == '+')
		neg = s[i++] == '-';
	for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			in_frac = 1;
		} else if (!full && !__builtin_mul_overflow(m, 10, &t) &&
		    !__builtin_add_overflow(t, s[i] - '0', &t)) {
			m = t;
			frac += in_frac;
		} else if (in_frac) {
			full = 1;
		} else {
			return -1;
		}
	}
	if (i < n && ++i < n && (s[i] == '-' || s[i] == '+'))
		eneg = s[i++] == '-';
	for (; i < n; i++)
		if (ex < 100000)
			ex = ex * 10 + (s[i] - '0');
	ex = (eneg ? -ex : ex) - frac;
	while (m != 0 && m % 10 == 0 && ex < 0) {
		m /= 10;
		ex++;
	}
	if (m == 0 || ex < -100)
		m = ex = 0;
	if (ex > 18)
		return -1;
	v->mant = neg ? -m : m;
	v->exp10 = (int)ex;
	return 0;
}

static int pow10_mul(int64_t v, int k, int64_t *out)
{
	while (k-- > 0)
		if (__builtin_mul_overflow(v, 10, &v))
			return -1;
	*out = v;
	return 0;
}

/* v in units of 10^-scale, rounding half away from zero past the scale. */
static int scaled_value(const struct fnum *v, int scale, int64_t *out)
{
	int k = v->exp10 + scale;
	int64_t q, r, d = 1;

	if (k >= 0)
		return pow10_mul(v->mant, k, out);
	if (k < -18) {
		*out = 0;
		return 0;
	}
	while (k++ < 0)
		d *= 10;
	q = v->mant / d;
	r = v->mant % d;
	if (r >= d - r)
		q++;
	else if (r < 0 && -r >= d + r)
		q--;
	*out = q;
	return 0;
}

/* The most decimals (<= want) the values read so far can take without
 * overflowing. */
static int feasible_scale(const struct folded *f, int want)
{
	int64_t big;
	int k;

	for (k = want; k > f->scale; k--)
		if (f->maxabs <= INT64_MAX && pow10_mul((int64_t)f->maxabs, k - f->scale, &big) == 0)
			break;
	return k;
}

/* Grow the file's scale to `want` decimals: the values read so far are
 * multiplied to match (feasible_scale made sure they fit). */
static void rescale(struct folded *f, int want)
{
	em_profile *p = f->p;
	size_t i, nv = p->nsamples * p->ntypes;

	int64_t m;

	for (i = 0; i < nv; i++)
		pow10_mul(p->values[i], want - f->scale, &p->values[i]);
	if (pow10_mul((int64_t)f->maxabs, want - f->scale, &m) == 0)
		f->maxabs = (uint64_t)m;
	f->scale = want;
}

static uint64_t abs64(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* The counts of a line as int64 in the file's scale. A value with more
 * decimals than the scale grows the scale when the values read so far
 * allow it, else it is rounded. */
static int line_values(struct folded *f, const struct fline *l, int two, int64_t *vals,
    em_error *err)
{
	struct fnum num[2];
	int i, want = f->scale;

	vals[0] = vals[1] = 0;
	for (i = 0; i < 1 + two; i++) {
		if (parse_num(l->tok[two - i], l->toklen[two - i], &num[i]) < 0)
			goto range;
		if (-num[i].exp10 > want)
			want = -num[i].exp10 > MAX_DECIMALS ? MAX_DECIMALS : -num[i].exp10;
	}
	if (want > f->scale && (want = feasible_scale(f, want)) > f->scale)
		rescale(f, want);
	for (i = 0; i < 1 + two; i++) {
		if (scaled_value(&num[i], f->scale, &vals[i]) < 0)
			goto range;
		if (abs64(vals[i]) > f->maxabs)
			f->maxabs = abs64(vals[i]);
	}
	return 0;
range:
	return em_error_set(err, "line %llu: count out of range",
	    (unsigned long long)f->lineno);
}

/* The location of one frame name, created on first sight. */
static uint32_t frame_loc(em_profile *p, const char *s, size_t n)
{
	em_func_id fn = em_profile_find_func(p, s, n);
	em_str name;

	if (fn == EM_FUNC_NONE) {
		name = em_profile_str(p, s, n);
		fn = em_profile_func(p, name, 0, 0, 0);
		if (fn == EM_FUNC_NONE)
			return UINT32_MAX;
	}
	return em_profile_func_location(p, fn);
}

/* Frames of the previous line that this one repeats: frame k is shared
 * when the bytes up to its end are the same and it ends here too. */
static size_t shared_frames(const struct folded *f, const char *s, size_t n)
{
	size_t c = 0, lim = n < f->prev_len ? n : f->prev_len, k = 0;

	while (c < lim && s[c] == f->prev[c])
		c++;
	while (k < f->nframes && f->ends[k] <= c && (f->ends[k] == n || s[f->ends[k]] == ';'))
		k++;
	return k;
}

/* Split the stack s[0..n) on ';' into f->locs; returns the depth. */
static int stack_locs(struct folded *f, const char *s, size_t n, size_t *depth, em_error *err)
{
	size_t k = shared_frames(f, s, n), start = k ? f->ends[k - 1] + 1 : 0, end;
	const char *semi;

	while (start <= n) {
		semi = memchr(s + start, ';', n - start);
		end = semi ? (size_t)(semi - s) : n;
		if (EM_VEC_RESERVE(f->locs, f->locs_cap, k + 1) < 0 ||
		    EM_VEC_RESERVE(f->ends, f->ends_cap, k + 1) < 0 ||
		    (f->locs[k] = frame_loc(f->p, s + start, end - start)) == UINT32_MAX)
			return em_error_set(err, "out of memory");
		f->ends[k++] = end;
		start = end + 1;
	}
	f->nframes = k;
	f->prev = s;
	f->prev_len = n;
	*depth = k;
	return 0;
}

static int add_line(struct folded *f, const char *s, size_t n, em_error *err)
{
	struct fline l;
	int two, diff = f->kind == 3;
	int64_t vals[2];
	size_t depth = 0, stack;

	parse_line(s, n, &l);
	if (l.kind != LINE_DATA)
		return 0;
	two = l.bracket ? l.nbracket == 2 : diff && l.stack2;
	stack = l.bracket || !two ? l.stack1 : l.stack2;
	if (!l.bracket && stack == 0) {
		if (f->invalid++ == 0)
			f->first_invalid = f->lineno;
		return 0;
	}
	if (line_values(f, &l, two, vals, err) < 0 || stack_locs(f, s, stack, &depth, err) < 0)
		return -1;
	f->valid++;
	if (em_profile_add_sample(f->p, f->locs, depth, vals, NULL, 0) < 0)
		return em_error_set(err, "out of memory");
	return 0;
}

/* Append a comment line to the profile. */
static int add_comment(em_profile *p, const char *text)
{
	em_str s = em_profile_str(p, text, strlen(text));
	em_str *c;

	if (s == EM_STR_NONE)
		return -1;
	c = realloc(p->comments, (p->ncomments + 1) * sizeof(*c));
	if (c == NULL)
		return -1;
	p->comments = c;
	p->comments[p->ncomments++] = s;
	return 0;
}

static int add_types(em_profile *p, int kind)
{
	if (kind == 1)
		return em_profile_add_type(p, "samples", "count") < 0 ? -1 : 0;
	if (em_profile_add_type(p, "before", "count") < 0 ||
	    em_profile_add_type(p, "after", "count") < 0)
		return -1;
	return 0;
}

/* Say in the profile what was skipped or scaled. */
static int add_notes(struct folded *f)
{
	char msg[128];

	if (f->invalid) {
		snprintf(msg, sizeof(msg), "skipped %llu invalid line%s (first: line %llu)",
		    (unsigned long long)f->invalid, f->invalid == 1 ? "" : "s",
		    (unsigned long long)f->first_invalid);
		if (add_comment(f->p, msg) < 0)
			return -1;
	}
	if (f->scale) {
		snprintf(msg, sizeof(msg), "fractional counts: values scaled by 1e%d", f->scale);
		if (add_comment(f->p, msg) < 0)
			return -1;
	}
	return 0;
}

static int check_cancel(struct folded *f, size_t pos, size_t n, em_error *err)
{
	if (f->opts == NULL)
		return 0;
	if (f->opts->cancel && *f->opts->cancel)
		return em_error_set(err, "cancelled");
	if (f->opts->progress)
		f->opts->progress(f->opts->ctx, (double)pos / (double)n);
	return 0;
}

static int read_lines(struct folded *f, const char *buf, size_t n, em_error *err)
{
	size_t pos = 0, len;
	const char *s;

	while (pos < n) {
		if (f->lineno % PROGRESS_EVERY == 0 && check_cancel(f, pos, n, err) < 0)
			return -1;
		s = next_line(buf, n, &pos, &len);
		f->lineno++;
		if (add_line(f, s, len, err) < 0)
			return -1;
	}
	if (f->valid == 0)
		return em_error_set(err, "no stacks found");
	if (add_notes(f) < 0)
		return em_error_set(err, "out of memory");
	return 0;
}

int em_read_folded(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err)
{
	struct folded f;
	int r;

	memset(&f, 0, sizeof(f));
	f.p = p;
	f.opts = opts;
	f.kind = count_types((const char *)buf, n);
	if (add_types(p, f.kind) < 0)
		return em_error_set(err, "out of memory");
	r = read_lines(&f, (const char *)buf, n, err);
	free(f.locs);
	free(f.ends);
	return r;
}
