/* units.h - numbers formatted the way people read them.
 *
 * nanoseconds/microseconds/milliseconds/seconds as time (ns, us, ms, s,
 * min, h), bytes as B/KiB/MiB/GiB/TiB, everything else as a count with
 * k/M/G suffixes. All writers are bounded and return buf. */
#ifndef EMBERS_UNITS_H
#define EMBERS_UNITS_H

#include <stddef.h>
#include <stdint.h>

typedef enum em_unit_kind { EM_UNIT_COUNT, EM_UNIT_TIME, EM_UNIT_BYTES } em_unit_kind;

/* Kind of unit and the factor to nanoseconds / bytes / 1. */
em_unit_kind em_unit_classify(const char *unit, double *scale);
char *em_fmt_value(char *buf, size_t n, int64_t v, const char *unit);
/* "12.34%"; "-" style handling of total == 0 gives "0%". */
char *em_fmt_pct(char *buf, size_t n, int64_t v, int64_t total);

#endif
