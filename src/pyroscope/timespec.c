/* timespec.c - the --from/--to time strings of server queries.
 *
 * The Connect API takes only integer milliseconds, so every "now-1h" is
 * resolved here. Accepted forms follow profilecli (pkg/operations ParseTime)
 * with Prometheus durations (y w d h m s ms, largest unit first, each at
 * most once): now, now-DURATION, now+DURATION, RFC 3339, and unix time as
 * a bare number whose digit count gives the unit. Calendar arithmetic is
 * done here (no timegm, which is not standard C). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "embers/pyroscope.h"

#define MS_PER_DAY (86400LL * 1000)

int64_t em_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL) * 1000;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- durations ------------------------------------------------------- */

static const struct unit {
	const char *name;
	int64_t ms;
} units[] = {
	{ "y", 365 * MS_PER_DAY }, { "w", 7 * MS_PER_DAY }, { "d", MS_PER_DAY },
	{ "h", 3600 * 1000LL }, { "ms", 1 }, { "m", 60 * 1000LL }, { "s", 1000 },
};

/* Rank of a unit in size order (y=0 ... ms=6), for the ordering rule. */
static int unit_rank(const struct unit *u)
{
	static const char *const order[] = { "y", "w", "d", "h", "m", "s", "ms" };
	int i;

	for (i = 0; i < 7; i++)
		if (strcmp(order[i], u->name) == 0)
			return i;
	return 7;
}

/* The unit at *p ("ms" before "m"); advances *p. NULL when none. */
static const struct unit *take_unit(const char **p)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t len = strlen(units[i].name);

		if (strncmp(*p, units[i].name, len) == 0) {
			*p += len;
			return &units[i];
		}
	}
	return NULL;
}

int em_duration_parse(const char *s, int64_t *out_ms, em_error *err)
{
	const char *p = s;
	int64_t total = 0;
	int last_rank = -1;

	if (strcmp(s, "0") == 0) {
		*out_ms = 0;
		return 0;
	}
	if (*p == '\0')
		goto bad;
	while (*p != '\0') {
		int64_t n = 0, part;
		const struct unit *u;

		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p)) {
			if (__builtin_mul_overflow(n, 10, &n) ||
			    __builtin_add_overflow(n, *p - '0', &n))
				goto range;
			p++;
		}
		u = take_unit(&p);
		if (u == NULL || unit_rank(u) <= last_rank)
			goto bad;
		last_rank = unit_rank(u);
		if (__builtin_mul_overflow(n, u->ms, &part) ||
		    __builtin_add_overflow(total, part, &total))
			goto range;
	}
	*out_ms = total;
	return 0;
bad:
	return em_error_set(err, "invalid duration '%s' (use e.g. 15m, 1h30m, 7d; units y w d h m s ms)", s);
range:
	return em_error_set(err, "duration '%s' is too long", s);
}

/* ---- calendar -------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (shifting the year to start in March puts the leap day last). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

/* Exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* "Z", "z" or "+hh:mm"/"-hh:mm" into an offset in minutes. */
static int parse_zone(const char **p, int *minutes)
{
	int sign, hh, mm;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*minutes = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, 2, &hh) < 0 || expect(p, ':') < 0 || digits(p, 2, &mm) < 0 ||
	    hh > 23 || mm > 59)
		return -1;
	*minutes = sign * (hh * 60 + mm);
	return 0;
}

/* Fraction of a second after '.', to milliseconds (extra digits cut). */
static int parse_fraction(const char **p, int *ms)
{
	int n = 0;

	*ms = 0;
	if (**p != '.')
		return 0;
	(*p)++;
	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		if (n < 3)
			*ms = *ms * 10 + (**p - '0');
		n++;
		(*p)++;
	}
	for (; n < 3; n++)
		*ms *= 10;
	return 0;
}

/* RFC 3339 date-time, or a bare date (midnight UTC). */
static int parse_rfc3339(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, zone = 0;

	if (digits(&p, 4, &y) < 0 || expect(&p, '-') < 0 || digits(&p, 2, &mo) < 0 ||
	    expect(&p, '-') < 0 || digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (digits(&p, 2, &h) < 0 || expect(&p, ':') < 0 ||
		    digits(&p, 2, &mi) < 0 || expect(&p, ':') < 0 ||
		    digits(&p, 2, &sec) < 0 || parse_fraction(&p, &ms) < 0 ||
		    parse_zone(&p, &zone) < 0 || *p != '\0')
			return -1;
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
	}
	*out = days_from_civil(y, mo, d) * MS_PER_DAY +
	    ((int64_t)h * 3600 + mi * 60 + sec - (int64_t)zone * 60) * 1000 + ms;
	return 0;
}

/* A bare number: the digit count picks seconds, ms, us or ns. */
static int parse_unix(const char *s, int64_t *out)
{
	size_t len = strlen(s), i;
	uint64_t v = 0; /* 19 digits stay below 10^19 < 2^64 */

	if (len == 0 || len > 19)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > INT64_MAX)
		return -1;
	if (len <= 11)
		*out = (int64_t)v * 1000;
	else if (len <= 14)
		*out = (int64_t)v;
	else if (len <= 16)
		*out = (int64_t)(v / 1000);
	else
		*out = (int64_t)(v / 1000000);
	return 0;
}

int em_time_parse(const char *s, int64_t now_ms, int64_t *out_ms, em_error *err)
{
	int64_t d;

	if (strncmp(s, "now", 3) == 0) {
		char sign = s[3];

		if (sign == '\0') {
			*out_ms = now_ms;
			return 0;
		}
		if ((sign != '-' && sign != '+') || s[4] == '\0')
			goto bad;
		if (em_duration_parse(s + 4, &d, err) < 0)
			return -1;
		if (sign == '-' ? __builtin_sub_overflow(now_ms, d, out_ms)
		    : __builtin_add_overflow(now_ms, d, out_ms))
			return em_error_set(err, "time '%s' is out of range", s);
		return 0;
	}
	if (parse_unix(s, out_ms) == 0 || parse_rfc3339(s, out_ms) == 0)
		return 0;
bad:
	return em_error_set(err, "invalid time '%s' (use now, now-15m, now-1h30m, "
	    "RFC 3339 such as 2024-05-01T10:00:00Z, or unix seconds or milliseconds)", s);
}

int em_time_range(const char *from, const char *to, int64_t now_ms,
    int64_t *start_ms, int64_t *end_ms, em_error *err)
{
	if (em_time_parse(from ? from : "now-1h", now_ms, start_ms, err) < 0 ||
	    em_time_parse(to ? to : "now", now_ms, end_ms, err) < 0)
		return -1;
	if (*start_ms <= 0)
		return em_error_set(err, "start time '%s' is not after 1970", from ? from : "now-1h");
	if (*start_ms >= *end_ms)
		return em_error_set(err, "empty time range: from '%s' is not before to '%s'",
		    from ? from : "now-1h", to ? to : "now");
	return 0;
}

int em_time_compare_back(const char *how, int64_t start_ms, int64_t end_ms,
    int64_t *back_ms, em_error *err)
{
	if (strcmp(how, "previous") == 0) {
		*back_ms = end_ms - start_ms;
		return *back_ms > 0 ? 0 : em_error_set(err, "empty time range");
	}
	if (em_duration_parse(how, back_ms, err) < 0 || *back_ms <= 0)
		return em_error_set(err, "invalid comparison '%s' (use previous or a duration "
		    "such as 24h or 7d)", how);
	return 0;
}

void em_time_format(char *buf, size_t n, int64_t ms)
{
	int64_t secs = ms / 1000, rem = ms % 1000;
	time_t t;
	struct tm tm;

	if (rem < 0) {
		rem += 1000;
		secs--;
	}
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, n, "%" PRId64, ms);
		return;
	}
	if (rem)
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)rem);
	else
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
