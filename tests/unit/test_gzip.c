/* test_gzip.c - em_gunzip and gzip handling in em_read_buffer: round
 * trips, truncation at every offset, corrupt trailers and data,
 * concatenated members, trailing bytes, nested gzip and a bomb held off by
 * max_bytes. The gzip streams are made here with zlib. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "embers/reader.h"
#include "tap.h"

/* gzip src[0..n) into a malloc'd buffer. */
static uint8_t *gz(const void *src, size_t n, size_t *outlen)
{
	z_stream zs;
	size_t cap = deflateBound(NULL, (uLong)n) + 64;
	uint8_t *out = malloc(cap);

	memset(&zs, 0, sizeof(zs));
	if (out == NULL || deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* gzip of `zeros` zero bytes, made in pieces (a bomb). */
static uint8_t *gz_zeros(size_t zeros, size_t *outlen)
{
	static uint8_t block[1 << 16];
	z_stream zs;
	size_t cap = zeros / 500 + 4096, left = zeros;
	uint8_t *out = malloc(cap);
	int flush;

	memset(&zs, 0, sizeof(zs));
	if (out == NULL || deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	do {
		size_t k = left < sizeof(block) ? left : sizeof(block);

		zs.next_in = block;
		zs.avail_in = (uInt)k;
		left -= k;
		flush = left ? Z_NO_FLUSH : Z_FINISH;
		if (deflate(&zs, flush) == Z_STREAM_ERROR || zs.avail_out == 0)
			abort();
	} while (flush != Z_FINISH);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static const char text[] =
	"main;parse;lex 3\nmain;parse 5\nmain;eval;apply 7\nmain;eval 11\n"
	"main;eval;apply;lookup 13\nmain;gc 17\n";

static void test_round_trip(void)
{
	size_t n, outlen;
	uint8_t *z = gz(text, strlen(text), &n), *out;
	em_error err;

	ok(em_is_gzip(z, n), "gzip magic recognised");
	ok(!em_is_gzip((const uint8_t *)text, strlen(text)), "text is not gzip");
	ok(!em_is_gzip(z, 1), "one byte is not gzip");
	is_int(em_gunzip(z, n, 0, &out, &outlen, &err), 0, "gunzip succeeds");
	ok(outlen == strlen(text) && memcmp(out, text, outlen) == 0, "gunzip gives the input back");
	free(out);
	is_int(em_gunzip((const uint8_t *)text, 10, 0, &out, &outlen, &err), -1, "plain text refused");
	is_str(err.msg, "not gzip data", "plain text message");
	free(z);
}

/* Every proper prefix of the stream must fail as truncated, never crash. */
static void test_truncated_everywhere(void)
{
	size_t n, outlen, cut, bad = 0;
	uint8_t *z = gz(text, strlen(text), &n), *out;
	em_error err;

	for (cut = 2; cut < n; cut++) {
		err.msg[0] = '\0';
		if (em_gunzip(z, cut, 0, &out, &outlen, &err) != -1 ||
		    strcmp(err.msg, "truncated gzip data") != 0) {
			if (bad++ == 0)
				printf("# cut at %zu: %s\n", cut, err.msg);
		}
	}
	is_int(bad, 0, "every truncation is reported as 'truncated gzip data'");
	free(z);
}

static void test_corrupt(void)
{
	size_t n, outlen, i, fails = 0, wrong_msg = 0;
	uint8_t *z = gz(text, strlen(text), &n), *out;
	em_error err;

	z[n - 8] ^= 0xff; /* CRC32 */
	is_int(em_gunzip(z, n, 0, &out, &outlen, &err), -1, "bad CRC refused");
	is_str(err.msg, "corrupt gzip data: incorrect data check", "bad CRC message");
	z[n - 8] ^= 0xff;
	z[n - 1] ^= 0x01; /* ISIZE */
	is_int(em_gunzip(z, n, 0, &out, &outlen, &err), -1, "bad length refused");
	is_str(err.msg, "corrupt gzip data: incorrect length check", "bad length message");
	z[n - 1] ^= 0x01;
	z[2] = 7; /* compression method */
	is_int(em_gunzip(z, n, 0, &out, &outlen, &err), -1, "unknown method refused");
	ok(strncmp(err.msg, "corrupt gzip data: ", 19) == 0, "unknown method: %s", err.msg);
	z[2] = 8;
	/* flip each byte of the deflate data in turn: always an error */
	for (i = 10; i < n - 8; i++) {
		z[i] ^= 0x55;
		if (em_gunzip(z, n, 0, &out, &outlen, &err) == 0) {
			fails++;
			free(out);
		} else if (strncmp(err.msg, "corrupt gzip data", 17) != 0 &&
		    strcmp(err.msg, "truncated gzip data") != 0) {
			wrong_msg++;
		}
		z[i] ^= 0x55;
	}
	is_int(fails, 0, "no corrupted stream is accepted");
	is_int(wrong_msg, 0, "corruption is reported as corrupt or truncated");
	free(z);
}

static void test_members(void)
{
	size_t n1, n2, n, outlen;
	uint8_t *a = gz("hello ", 6, &n1), *b = gz("world\n", 6, &n2), *cat, *out;
	em_error err;

	cat = malloc(n1 + n2 + 8);
	memcpy(cat, a, n1);
	memcpy(cat + n1, b, n2);
	n = n1 + n2;
	is_int(em_gunzip(cat, n, 0, &out, &outlen, &err), 0, "two members accepted");
	ok(outlen == 12 && memcmp(out, "hello world\n", 12) == 0, "members are joined");
	free(out);
	is_int(em_gunzip(cat, n1 + 1, 0, &out, &outlen, &err), -1, "second member cut after 1 byte");
	is_str(err.msg, "truncated gzip data", "cut second member: truncated");
	is_int(em_gunzip(cat, n1 + 5, 0, &out, &outlen, &err), -1, "second member cut in header");
	is_str(err.msg, "truncated gzip data", "cut second header: truncated");
	memset(cat + n, 0, 8);
	is_int(em_gunzip(cat, n + 8, 0, &out, &outlen, &err), 0, "trailing NUL padding accepted");
	free(out);
	cat[n + 3] = 'x';
	is_int(em_gunzip(cat, n + 8, 0, &out, &outlen, &err), -1, "trailing garbage refused");
	ok(strstr(err.msg, "trailing garbage") != NULL, "trailing garbage message: %s", err.msg);
	free(a);
	free(b);
	free(cat);
}

static void test_bomb(void)
{
	size_t n, outlen, big = (size_t)64 << 20;
	uint8_t *z = gz_zeros(big, &n), *out = NULL;
	em_error err;
	em_read_opts opts;

	ok(n < big / 500, "64 MiB of zeros compress to %zu bytes", n);
	is_int(em_gunzip(z, n, (size_t)1 << 20, &out, &outlen, &err), -1, "bomb stopped at 1 MiB");
	is_str(err.msg, "decompressed size exceeds 1048576 bytes", "bomb message");
	ok(out == NULL, "nothing returned on error");
	is_int(em_gunzip(z, n, big, &out, &outlen, &err), 0, "exact limit is allowed");
	is_int(outlen, big, "all of it inflated");
	free(out);
	is_int(em_gunzip(z, n, big - 1, &out, &outlen, &err), -1, "one byte over the limit refused");
	memset(&opts, 0, sizeof(opts));
	opts.max_bytes = (size_t)1 << 20;
	ok(em_read_buffer(z, n, &opts, &err) == NULL, "em_read_buffer honours max_bytes");
	is_str(err.msg, "decompressed size exceeds 1048576 bytes", "em_read_buffer bomb message");
	free(z);
}

static void test_read_buffer(void)
{
	size_t n, n2, n3;
	uint8_t *z = gz(text, strlen(text), &n), *zz = gz(z, n, &n2), *e = gz("", 0, &n3);
	em_error err;
	em_profile *p;
	int64_t total = 0;

	p = em_read_buffer(z, n, NULL, &err);
	ok(p != NULL, "gzip'd folded text is read");
	if (p) {
		is_str(p->format, "folded", "format is folded after gunzip");
		em_profile_total(p, 0, &total, &err);
		is_int(total, 56, "total of the gzip'd folded text");
		em_profile_free(p);
	}
	p = em_read_buffer(zz, n2, NULL, &err);
	ok(p != NULL, "gzip inside gzip is read");
	em_profile_free(p);
	ok(em_read_buffer(e, n3, NULL, &err) == NULL, "gzip of nothing refused");
	is_str(err.msg, "gzip data holds nothing", "gzip of nothing message");
	ok(em_read_buffer(z, n - 3, NULL, &err) == NULL, "truncated gzip refused by em_read_buffer");
	is_str(err.msg, "truncated gzip data", "em_read_buffer truncated message");
	free(z);
	free(zz);
	free(e);
}

int main(void)
{
	test_round_trip();
	test_truncated_everywhere();
	test_corrupt();
	test_members();
	test_bomb();
	test_read_buffer();
	return done();
}
