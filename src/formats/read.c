/* read.c - from a file name or a buffer to a profile.
 *
 * Owns the input plumbing: reading files and stdin with a bounded loop,
 * undoing gzip (by magic, never by name), turning UTF-16 text into UTF-8,
 * guessing the format from the content and handing the bytes to the
 * reader of that format. Formats we recognise but do not read (the legacy
 * pprof text and binary encodings) get an error that names them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embers/reader.h"

#define READ_CHUNK ((size_t)1 << 20)
#define SNIFF_TEXT 4096  /* bytes looked at to tell text from binary */
#define SNIFF_JSON ((size_t)1 << 20) /* bytes searched for pprof JSON keys */
#define MAX_GZIP_LAYERS 2

const char *em_format_name(em_format f)
{
	switch (f) {
	case EM_FORMAT_PPROF:
		return "pprof";
	case EM_FORMAT_FOLDED:
		return "folded";
	case EM_FORMAT_FLAMEBEARER:
		return "flamebearer";
	case EM_FORMAT_FLAMEGRAPH:
		return "flamegraph";
	default:
		return "unknown";
	}
}

/* --- content sniffing ------------------------------------------------ */

/* Text has no NUL and no control bytes but tab, CR, LF, VT, FF and ESC.
 * Every real pprof has such bytes in its first few (tags and lengths). */
static int looks_text(const uint8_t *buf, size_t n)
{
	size_t i;

	if (n > SNIFF_TEXT)
		n = SNIFF_TEXT;
	for (i = 0; i < n; i++)
		if (buf[i] < 0x20 && (buf[i] < '\t' || buf[i] > '\r') && buf[i] != 0x1b)
			return 0;
	return 1;
}

static int pb_varint(const uint8_t *buf, size_t n, size_t *pos, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64; shift += 7) {
		if (*pos >= n)
			return -1;
		*v |= (uint64_t)(buf[*pos] & 0x7f) << shift;
		if ((buf[(*pos)++] & 0x80) == 0)
			return 0;
	}
	return -1;
}

/* Wire type that field f of perftools.profiles.Profile uses (2 = bytes,
 * 0 = varint), or -1 for a field number the message does not have. */
static int pprof_wire_type(uint64_t f)
{
	switch (f) {
	case 1: case 2: case 3: case 4: case 5: case 6: case 11:
		return 2;
	case 7: case 8: case 9: case 10: case 12: case 14: case 15:
		return 0;
	case 13:
		return 3; /* comment: varint or packed */
	default:
		return -1;
	}
}

/* Walk the top-level fields: each must be a Profile field with its wire
 * type. A length running past the end still counts (a truncated pprof is
 * for the pprof reader to report) once one field was whole. */
static int looks_pprof(const uint8_t *buf, size_t n)
{
	size_t pos = 0, whole = 0;
	uint64_t key, v;
	int want;

	if (n == 0 || looks_text(buf, n))
		return 0;
	while (pos < n) {
		if (pb_varint(buf, n, &pos, &key) < 0)
			return whole > 0;
		want = pprof_wire_type(key >> 3);
		if (want < 0 || (want != 3 && (int)(key & 7) != want) ||
		    (want == 3 && (key & 7) != 0 && (key & 7) != 2))
			return 0;
		if (pb_varint(buf, n, &pos, &v) < 0)
			return whole > 0;
		if ((key & 7) == 2) {
			if (v > n - pos)
				return whole > 0;
			pos += (size_t)v;
		}
		whole++;
	}
	return 1;
}

static const uint8_t *skip_space(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int starts_with(const uint8_t *p, const uint8_t *end, const char *s)
{
	size_t k = strlen(s);

	return (size_t)(end - p) >= k && memcmp(p, s, k) == 0;
}

/* The legacy Go binary CPU profile starts with the words 0, 3, 0 (header
 * count, version) in the machine's word size and byte order. */
static int legacy_binary_cpu(const uint8_t *b, size_t n)
{
	static const uint8_t w64le[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t w64be[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 };
	static const uint8_t w32le[12] = { 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t w32be[12] = { 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0 };

	return (n >= 40 && (memcmp(b, w64le, 16) == 0 || memcmp(b, w64be, 16) == 0)) ||
	    (n >= 20 && (memcmp(b, w32le, 12) == 0 || memcmp(b, w32be, 12) == 0));
}

/* "123 [running]:" after "goroutine ": the debug=2 goroutine dump. */
static int is_goroutine_header(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *digits = p;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p > digits && starts_with(p, end, " [");
}

/* Name of a legacy pprof encoding that buf is in, or NULL. These are the
 * formats go tool pprof reads besides protobuf (profile/legacy_profile.go). */
static const char *legacy_kind(const uint8_t *buf, size_t n)
{
	const uint8_t *end = buf + n, *p = skip_space(buf, end);

	if (legacy_binary_cpu(buf, n))
		return "legacy binary CPU profile";
	if (starts_with(p, end, "heap profile:"))
		return "legacy text heap profile";
	if (starts_with(p, end, "--- heap"))
		return "legacy Java heap profile";
	if (starts_with(p, end, "--- contention") || starts_with(p, end, "--- mutex"))
		return "legacy text contention profile";
	if (starts_with(p, end, "--- thread"))
		return "legacy text thread profile";
	if (starts_with(p, end, "--- cpu") || starts_with(p, end, "--- profile"))
		return "legacy text CPU profile";
	if (starts_with(p, end, "goroutine profile: total"))
		return "legacy text goroutine profile (debug=1)";
	if (starts_with(p, end, "threadcreate profile: total"))
		return "legacy text threadcreate profile (debug=1)";
	if (starts_with(p, end, "goroutine ") && is_goroutine_header(p + 10, end))
		return "goroutine dump (debug=2)";
	return NULL;
}

/* "{closure};main 5": a folded stack may start with a brace too. */
static int first_line_folded(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);

	return em_folded_sniff(p, nl ? (size_t)(nl - p) : n);
}

em_format em_format_detect(const uint8_t *buf, size_t n)
{
	const uint8_t *p;

	if (n >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf) {
		buf += 3;
		n -= 3;
	}
	if (n == 0 || legacy_kind(buf, n) != NULL)
		return EM_FORMAT_UNKNOWN;
	p = skip_space(buf, buf + n);
	if (p < buf + n && *p == '{' && !first_line_folded(p, (size_t)(buf + n - p)))
		return em_flamebearer_sniff(buf, n);
	if (looks_pprof(buf, n))
		return EM_FORMAT_PPROF;
	if (looks_text(buf, n) && em_folded_sniff(buf, n))
		return EM_FORMAT_FOLDED;
	return EM_FORMAT_UNKNOWN;
}

/* Whether the first SNIFF_JSON bytes of buf hold s. */
static int contains(const uint8_t *buf, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	if (n > SNIFF_JSON)
		n = SNIFF_JSON;
	for (i = 0; i + k <= n; i++)
		if (buf[i] == (uint8_t)s[0] && memcmp(buf + i, s, k) == 0)
			return 1;
	return 0;
}

/* Why em_format_detect said "unknown", as an error. */
static int explain_unknown(const uint8_t *buf, size_t n, em_error *err)
{
	const char *legacy = legacy_kind(buf, n);
	const uint8_t *p = skip_space(buf, buf + n);

	if (legacy && strncmp(legacy, "goroutine dump", 14) == 0)
		return em_error_set(err, "a goroutine dump (debug=2) is not a profile; "
		    "fetch /debug/pprof/goroutine without debug=2");
	if (legacy)
		return em_error_set(err, "%s is not supported; convert it with "
		    "'go tool pprof -proto'", legacy);
	if (p < buf + n && (*p == '{' || *p == '[')) {
		if (contains(p, (size_t)(buf + n - p), "\"sampleType\"") ||
		    contains(p, (size_t)(buf + n - p), "\"stringTable\""))
			return em_error_set(err, "pprof as JSON is not supported; "
			    "use the binary (protobuf) profile");
		return em_error_set(err, "JSON document without a 'flamebearer' or "
		    "'flamegraph' object");
	}
	return em_error_set(err, "unrecognized profile format");
}

/* --- transcoding ----------------------------------------------------- */

static size_t put_utf8(uint8_t *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (uint8_t)(0xc0 | c >> 6);
		o[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (uint8_t)(0xe0 | c >> 12);
		o[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		o[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | c >> 18);
	o[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
	o[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
	o[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

/* UTF-16 with a byte order mark to UTF-8. Unpaired surrogates and an odd
 * last byte become U+FFFD. Output is at most 3/2 of the input. */
static int utf16_to_utf8(const uint8_t *buf, size_t n, uint8_t **out, size_t *outlen,
    em_error *err)
{
	int be = buf[0] == 0xfe;
	size_t i, o = 0;
	uint32_t c, d;
	uint8_t *u;

	if (n / 2 > (SIZE_MAX - 8) / 3 || (u = malloc(n / 2 * 3 + 8)) == NULL)
		return em_error_set(err, "out of memory converting UTF-16 text");
	for (i = 2; i + 1 < n; i += 2) {
		c = be ? (uint32_t)buf[i] << 8 | buf[i + 1] : (uint32_t)buf[i + 1] << 8 | buf[i];
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n) {
			d = be ? (uint32_t)buf[i + 2] << 8 | buf[i + 3] :
			    (uint32_t)buf[i + 3] << 8 | buf[i + 2];
			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i += 2;
			}
		}
		if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		o += put_utf8(u + o, c);
	}
	if (i < n)
		o += put_utf8(u + o, 0xfffd);
	*out = u;
	*outlen = o;
	return 0;
}

/* --- reading --------------------------------------------------------- */

static int reader_for(em_format f, em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err)
{
	switch (f) {
	case EM_FORMAT_PPROF:
		return em_read_pprof(p, buf, n, opts, err);
	case EM_FORMAT_FOLDED:
		return em_read_folded(p, buf, n, opts, err);
	case EM_FORMAT_FLAMEBEARER:
	case EM_FORMAT_FLAMEGRAPH:
		return em_read_flamebearer(p, buf, n, opts, err);
	default:
		return explain_unknown(buf, n, err);
	}
}

/* Undo gzip (a gzip'd gzip too) and UTF-16; *owned is what to free. */
static int decode_input(const uint8_t **buf, size_t *n, uint8_t **owned,
    const em_read_opts *opts, em_error *err)
{
	uint8_t *tmp;
	size_t len;
	int layers;

	for (layers = 0; em_is_gzip(*buf, *n); layers++) {
		if (layers == MAX_GZIP_LAYERS)
			return em_error_set(err, "gzip data nested too deep");
		if (em_gunzip(*buf, *n, opts ? opts->max_bytes : 0, &tmp, &len, err) < 0)
			return -1;
		free(*owned);
		*owned = tmp;
		*buf = tmp;
		*n = len;
		if (len == 0)
			return em_error_set(err, "gzip data holds nothing");
	}
	if (*n >= 2 && (((*buf)[0] == 0xff && (*buf)[1] == 0xfe) ||
	    ((*buf)[0] == 0xfe && (*buf)[1] == 0xff))) {
		if (utf16_to_utf8(*buf, *n, &tmp, &len, err) < 0)
			return -1;
		free(*owned);
		*owned = tmp;
		*buf = tmp;
		*n = len;
	}
	if (*n >= 3 && (*buf)[0] == 0xef && (*buf)[1] == 0xbb && (*buf)[2] == 0xbf) {
		*buf += 3;
		*n -= 3;
	}
	return 0;
}

em_profile *em_read_buffer(const uint8_t *buf, size_t n, const em_read_opts *opts,
    em_error *err)
{
	uint8_t *owned = NULL;
	em_profile *p = NULL;
	em_format f;

	if (n == 0) {
		em_error_set(err, "empty input");
		return NULL;
	}
	if (decode_input(&buf, &n, &owned, opts, err) < 0)
		goto out;
	if (opts && opts->cancel && *opts->cancel) {
		em_error_set(err, "cancelled");
		goto out;
	}
	f = em_format_detect(buf, n);
	if (f == EM_FORMAT_UNKNOWN) {
		explain_unknown(buf, n, err);
		goto out;
	}
	if ((p = em_profile_new()) == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	if (reader_for(f, p, buf, n, opts, err) < 0) {
		em_profile_free(p);
		p = NULL;
		goto out;
	}
	p->format = em_format_name(f);
out:
	free(owned);
	return p;
}

static void set_errno_error(em_error *err, const char *what, int e)
{
	em_error_set(err, "%s: %s", what, em_strerror_lc(e));
}

/* Read all of fd, whatever stat says (pipes and stdin have no size). */
static int read_all(int fd, size_t hint, size_t limit, const em_read_opts *opts,
    uint8_t **out, size_t *outlen, em_error *err)
{
	size_t cap = hint && hint < limit ? hint + 1 : READ_CHUNK, len = 0, ncap;
	uint8_t *buf, *nb;
	ssize_t r;

	if (cap > limit)
		cap = limit + 1; /* one byte more than allowed reveals an excess */
	if ((buf = malloc(cap)) == NULL)
		return em_error_set(err, "out of memory");
	for (;;) {
		if (opts && opts->cancel && *opts->cancel) {
			free(buf);
			return em_error_set(err, "cancelled");
		}
		if (len == cap) {
			ncap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
			if (ncap > limit + 1)
				ncap = limit + 1;
			if (len > limit || (nb = realloc(buf, ncap)) == NULL) {
				free(buf);
				if (len > limit)
					return em_error_set(err, "input exceeds %zu bytes", limit);
				return em_error_set(err, "out of memory");
			}
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + len, cap - len < READ_CHUNK ? cap - len : READ_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			set_errno_error(err, "read error", e);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > limit) {
		free(buf);
		return em_error_set(err, "input exceeds %zu bytes", limit);
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static size_t read_limit(const em_read_opts *opts)
{
	if (opts && opts->max_bytes)
		return opts->max_bytes;
	return SIZE_MAX / 4 > ((size_t)1 << 30) ? (size_t)4 << 30 : SIZE_MAX - 1;
}

/* Open path ("-" is stdin) and read it whole. */
static int load_file(const char *path, const em_read_opts *opts, uint8_t **buf,
    size_t *len, em_error *err)
{
	int is_stdin = strcmp(path, "-") == 0, fd = STDIN_FILENO, r;
	struct stat st;
	size_t hint = 0;

	if (!is_stdin && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		set_errno_error(err, "cannot open", errno);
		return -1;
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			if (!is_stdin)
				close(fd);
			return em_error_set(err, "is a directory");
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX / 2)
			hint = (size_t)st.st_size;
	}
	r = read_all(fd, hint, read_limit(opts), opts, buf, len, err);
	if (!is_stdin)
		close(fd);
	if (r == 0 && *len == 0) {
		free(*buf);
		*buf = NULL;
		return em_error_set(err, "empty file");
	}
	return r;
}

em_profile *em_read_file(const char *path, const em_read_opts *opts, em_error *err)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	uint8_t *buf = NULL;
	size_t len = 0;
	em_profile *p;

	if (load_file(path, opts, &buf, &len, err) < 0) {
		em_error_prefix(err, name);
		return NULL;
	}
	p = em_read_buffer(buf, len, opts, err);
	free(buf);
	if (p == NULL)
		em_error_prefix(err, name);
	return p;
}
