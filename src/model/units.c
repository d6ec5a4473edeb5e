/* units.c - human-readable values: time, bytes and counts. */
#include <stdio.h>
#include <string.h>

#include "embers/units.h"

struct unit_name {
	const char *name;
	em_unit_kind kind;
	double scale;
};

static const struct unit_name units[] = {
	{ "nanoseconds", EM_UNIT_TIME, 1 }, { "nanosecond", EM_UNIT_TIME, 1 },
	{ "ns", EM_UNIT_TIME, 1 },
	{ "microseconds", EM_UNIT_TIME, 1e3 }, { "microsecond", EM_UNIT_TIME, 1e3 },
	{ "us", EM_UNIT_TIME, 1e3 },
	{ "milliseconds", EM_UNIT_TIME, 1e6 }, { "millisecond", EM_UNIT_TIME, 1e6 },
	{ "ms", EM_UNIT_TIME, 1e6 },
	{ "seconds", EM_UNIT_TIME, 1e9 }, { "second", EM_UNIT_TIME, 1e9 },
	{ "s", EM_UNIT_TIME, 1e9 },
	{ "bytes", EM_UNIT_BYTES, 1 }, { "byte", EM_UNIT_BYTES, 1 }, { "B", EM_UNIT_BYTES, 1 },
	{ "kilobytes", EM_UNIT_BYTES, 1024 }, { "megabytes", EM_UNIT_BYTES, 1048576 },
};

em_unit_kind em_unit_classify(const char *unit, double *scale)
{
	size_t i;

	for (i = 0; unit && i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i].name) == 0) {
			if (scale)
				*scale = units[i].scale;
			return units[i].kind;
		}
	if (scale)
		*scale = 1;
	return EM_UNIT_COUNT;
}

/* Three significant digits, trailing zeros kept short: 1.50, 12.3, 450. */
static char *fmt_scaled(char *buf, size_t n, const char *sign, double v, const char *suffix)
{
	if (v < 9.995)
		snprintf(buf, n, "%s%.2f%s", sign, v, suffix);
	else if (v < 99.95)
		snprintf(buf, n, "%s%.1f%s", sign, v, suffix);
	else
		snprintf(buf, n, "%s%.0f%s", sign, v, suffix);
	return buf;
}

static char *fmt_time(char *buf, size_t n, const char *sign, double ns)
{
	if (ns < 1e3)
		return fmt_scaled(buf, n, sign, ns, "ns");
	if (ns < 1e6 - 500)
		return fmt_scaled(buf, n, sign, ns / 1e3, "us");
	if (ns < 1e9 - 5e5)
		return fmt_scaled(buf, n, sign, ns / 1e6, "ms");
	if (ns < 60e9)
		return fmt_scaled(buf, n, sign, ns / 1e9, "s");
	if (ns < 3600e9)
		return fmt_scaled(buf, n, sign, ns / 60e9, "min");
	return fmt_scaled(buf, n, sign, ns / 3600e9, "h");
}

static char *fmt_step(char *buf, size_t n, const char *sign, double v, double base,
    const char *const *suffix, size_t nsuffix)
{
	size_t i = 0;

	while (i + 1 < nsuffix && v >= base) {
		v /= base;
		i++;
	}
	if (i == 0) {
		snprintf(buf, n, "%s%.0f%s", sign, v, suffix[0]);
		return buf;
	}
	return fmt_scaled(buf, n, sign, v, suffix[i]);
}

char *em_fmt_value(char *buf, size_t n, int64_t v, const char *unit)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const char *const counts[] = { "", "k", "M", "G", "T", "P", "E" };
	double scale, x;
	const char *sign = v < 0 ? "-" : "";
	em_unit_kind kind = em_unit_classify(unit, &scale);

	if (v == 0) { /* as go tool pprof -top: a bare 0, whatever the unit */
		snprintf(buf, n, "0");
		return buf;
	}
	x = v < 0 ? -(double)v : (double)v;
	x *= scale;
	switch (kind) {
	case EM_UNIT_TIME:
		return fmt_time(buf, n, sign, x);
	case EM_UNIT_BYTES:
		return fmt_step(buf, n, sign, x, 1024, bytes, 7);
	default:
		return fmt_step(buf, n, sign, x, 1000, counts, 7);
	}
}

char *em_fmt_pct(char *buf, size_t n, int64_t v, int64_t total)
{
	if (total == 0)
		snprintf(buf, n, "0%%");
	else
		snprintf(buf, n, "%.2f%%", 100.0 * (double)v / (double)total);
	return buf;
}
