/* fuzz_gzip.c - fuzz target for em_gunzip, checked against zlib itself.
 *
 * em_gunzip adds member concatenation, NUL padding and a size cap around
 * zlib; whatever it returns must start with what plain zlib inflates from
 * the first member, must respect the cap, and must not exist at all when
 * zlib finds the first member corrupt or cut. The cap is small here so
 * that the "exceeds" path is reached too. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "embers/reader.h"

#include "fuzz.h"

#define FUZZ_GZ_CAP ((size_t)1 << 20)

/* Inflate the first gzip member with zlib alone into out (cap bytes).
 * 1 when it ended cleanly, 0 when zlib says corrupt or cut, -1 when it
 * needs more than cap bytes (no verdict). *outlen is what came out. */
static int zlib_first_member(const uint8_t *data, size_t n, uint8_t *out, size_t cap,
    size_t *outlen)
{
	z_stream zs;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		em_fuzz_fail("inflateInit2 failed");
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ret = inflate(&zs, Z_FINISH);
	*outlen = cap - zs.avail_out;
	inflateEnd(&zs);
	if (ret == Z_STREAM_END)
		return 1;
	if (ret == Z_BUF_ERROR && zs.avail_out == 0)
		return -1;
	return 0;
}

int em_fuzz_gzip(const uint8_t *data, size_t n)
{
	em_error err = { { 0 } };
	uint8_t *out = NULL, *ref;
	size_t outlen = 0, reflen = 0;
	int rc = em_gunzip(data, n, FUZZ_GZ_CAP, &out, &outlen, &err);
	int zrc;

	if (rc < 0) {
		em_fuzz_rejected("em_gunzip", &err);
		if (out != NULL)
			em_fuzz_fail("em_gunzip failed but returned a buffer");
		return EM_FUZZ_REJECTED;
	}
	if (!em_is_gzip(data, n))
		em_fuzz_fail("em_gunzip accepted data without the gzip magic");
	if (outlen > FUZZ_GZ_CAP)
		em_fuzz_fail("em_gunzip returned %zu bytes, over its cap of %zu", outlen, FUZZ_GZ_CAP);
	if (n <= (size_t)UINT32_MAX) {
		ref = malloc(FUZZ_GZ_CAP + 1);
		if (ref == NULL)
			em_fuzz_fail("out of memory");
		zrc = zlib_first_member(data, n, ref, FUZZ_GZ_CAP + 1, &reflen);
		if (zrc == 0)
			em_fuzz_fail("em_gunzip accepted a first member zlib refuses");
		if (zrc == 1 && (reflen > outlen || memcmp(ref, out, reflen) != 0))
			em_fuzz_fail("em_gunzip output differs from zlib's first member");
		free(ref);
	}
	free(out);
	return EM_FUZZ_ACCEPTED;
}

EM_FUZZ_TARGET(em_fuzz_gzip)
