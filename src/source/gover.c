/* gover.c - Go module versions to git refs: pseudo-versions give their
 * commit, semantic versions their canonical vX.Y.Z[-pre] (golang.org/x/mod
 * semver rules: "v1.2" is v1.2.0, "+build" is dropped, numbers have no
 * leading zeros), anything else is used as it is. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/golang.h"
#include "source/path.h"

struct semver {
	const char *major, *minor, *patch; /* digits, NULL for a missing part */
	size_t lmajor, lminor, lpatch;
	const char *pre;  /* "-..." or NULL */
	size_t lpre;
};

/* A number without leading zeros; its length or 0. */
static size_t sv_num(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (n > 1 && s[0] == '0')
		return 0;
	return n;
}

/* Dot-separated identifiers of [0-9A-Za-z-]; numeric ones (prerelease
 * only) without leading zeros. Length or 0. */
static size_t sv_idents(const char *s, int prerelease)
{
	size_t n = 0;

	for (;;) {
		size_t k = 0;
		int num = 1;

		while (isalnum((unsigned char)s[n + k]) || s[n + k] == '-') {
			num &= isdigit((unsigned char)s[n + k]) != 0;
			k++;
		}
		if (k == 0 || (prerelease && num && k > 1 && s[n] == '0'))
			return 0;
		n += k;
		if (s[n] != '.')
			return n;
		n++;
	}
}

static int sv_parse(const char *v, struct semver *sv)
{
	const char *s = v;
	size_t n;

	memset(sv, 0, sizeof(*sv));
	if (*s++ != 'v' || (n = sv_num(s)) == 0)
		return 0;
	sv->major = s;
	sv->lmajor = n;
	s += n;
	if (*s == '\0')
		return 1;
	if (*s != '.' || (n = sv_num(s + 1)) == 0)
		return 0;
	sv->minor = s + 1;
	sv->lminor = n;
	s += n + 1;
	if (*s == '\0')
		return 1;
	if (*s != '.' || (n = sv_num(s + 1)) == 0)
		return 0;
	sv->patch = s + 1;
	sv->lpatch = n;
	s += n + 1;
	if (*s == '-') {
		if ((n = sv_idents(s + 1, 1)) == 0)
			return 0;
		sv->pre = s;
		sv->lpre = n + 1;
		s += n + 1;
	}
	if (*s == '+') {
		if ((n = sv_idents(s + 1, 0)) == 0)
			return 0;
		s += n + 1;
	}
	return *s == '\0';
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* module.IsPseudoVersion: a valid semver matching
 * ^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+)?$
 * Sets *rev and *rlen to the commit part. */
static int pseudo_rev(const char *v, const char **rev, size_t *rlen)
{
	struct semver sv;
	const char *plus = strchr(v, '+'), *end = plus ? plus : v + strlen(v);
	const char *dash, *ts, *t;
	size_t i;

	if (!sv_parse(v, &sv) || sv.patch == NULL || sv.pre == NULL)
		return 0;
	if (plus != NULL && strchr(plus + 1, '+') != NULL)
		return 0;
	for (dash = end; dash > v && dash[-1] != '-'; dash--)
		;
	if (dash == v || dash == end)
		return 0;
	for (i = 0; dash + i < end; i++)
		if (!isalnum((unsigned char)dash[i]))
			return 0;
	/* 14 digits before "-REV" */
	if (dash - 1 - v < 14 || !all_digits(dash - 15, 14))
		return 0;
	ts = dash - 15;
	/* what comes before: "vN.0.0-", or "vN.N.N-" then "0." (maybe after "pre.") */
	t = sv.pre + 1; /* after "vN.N.N-" */
	if (ts == t && sv.lminor == 1 && sv.minor[0] == '0' && sv.lpatch == 1 && sv.patch[0] == '0') {
		*rev = dash;
		*rlen = (size_t)(end - dash);
		return 1;
	}
	if (ts - t < 2 || ts[-2] != '0' || ts[-1] != '.')
		return 0;
	if (ts - 2 != t && ts[-3] != '.')
		return 0;
	*rev = dash;
	*rlen = (size_t)(end - dash);
	return 1;
}

char *em_go_version_ref(const char *version, const char *dflt)
{
	struct semver sv;
	const char *rev;
	size_t rlen;
	char buf[256];
	int w;

	if (version == NULL || version[0] == '\0')
		return em_strdup(dflt);
	if (pseudo_rev(version, &rev, &rlen))
		return em_strndup(rev, rlen);
	if (!sv_parse(version, &sv))
		return em_strdup(version);
	w = snprintf(buf, sizeof(buf), "v%.*s.%.*s.%.*s%.*s",
	    (int)sv.lmajor, sv.major,
	    (int)(sv.minor ? sv.lminor : 1), sv.minor ? sv.minor : "0",
	    (int)(sv.patch ? sv.lpatch : 1), sv.patch ? sv.patch : "0",
	    (int)sv.lpre, sv.pre ? sv.pre : "");
	if (w < 0 || (size_t)w >= sizeof(buf))
		return em_strdup(version);
	return em_strdup(buf);
}
