/* test_units.c - how values and percentages are printed. */
#include "embers/units.h"
#include "tap.h"

static void v(int64_t x, const char *unit, const char *want)
{
	char buf[32];

	is_str(em_fmt_value(buf, sizeof(buf), x, unit), want, want);
}

int main(void)
{
	char buf[32];
	double scale;

	v(0, "nanoseconds", "0");
	v(0, "bytes", "0");
	v(999, "nanoseconds", "999ns");
	v(1500, "nanoseconds", "1.50us");
	v(12300000, "nanoseconds", "12.3ms");
	v(1500000000, "nanoseconds", "1.50s");
	v(90000000000LL, "nanoseconds", "1.50min");
	v(7200000000000LL, "nanoseconds", "2.00h");
	v(250, "milliseconds", "250ms");
	v(3, "seconds", "3.00s");
	v(512, "bytes", "512B");
	v(1536, "bytes", "1.50KiB");
	v(282190688, "bytes", "269MiB");
	v(5LL << 30, "bytes", "5.00GiB");
	v(999, "count", "999");
	v(457884, "count", "458k");
	v(12345678, "count", "12.3M");
	v(-1536, "bytes", "-1.50KiB");
	v(42, "widgets", "42");
	is_str(em_fmt_pct(buf, sizeof(buf), 1, 3), "33.33%", "percent of total");
	is_str(em_fmt_pct(buf, sizeof(buf), 5, 0), "0%", "zero total");
	ok(em_unit_classify("microseconds", &scale) == EM_UNIT_TIME && scale == 1e3,
	    "microseconds are time scaled by 1000");
	ok(em_unit_classify("bytes", NULL) == EM_UNIT_BYTES, "bytes");
	ok(em_unit_classify("count", NULL) == EM_UNIT_COUNT, "count");
	return done();
}
