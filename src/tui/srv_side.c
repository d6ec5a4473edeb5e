/* srv_side.c - the sides of the server viewer's diff (srv_diff.h): a
 * label selector and a time range, absolute or relative to now; the
 * current query as a side, a side moved back as a compare preset says,
 * and their labels. No I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_diff.h"

void em_srv_side_free(struct em_srv_side *sd)
{
	free(sd->selector);
	memset(sd, 0, sizeof(*sd));
}

void em_srv_side_range(const struct em_srv_side *sd, int64_t now_ms, int64_t *from_ms,
    int64_t *to_ms)
{
	if (sd->len_ms > 0) {
		*to_ms = now_ms - sd->back_ms;
		*from_ms = *to_ms - sd->len_ms;
	} else {
		*from_ms = sd->from_ms;
		*to_ms = sd->to_ms;
	}
}

int em_srv_side_shift(const struct em_srv_side *nw, const char *how, int64_t now_ms,
    struct em_srv_side *base, em_error *err)
{
	int64_t from, to, back;

	em_srv_side_range(nw, now_ms, &from, &to);
	if (em_time_compare_back(how, from, to, &back, err) < 0)
		return -1;
	memset(base, 0, sizeof(*base));
	if ((base->selector = strdup(nw->selector ? nw->selector : "{}")) == NULL)
		return em_error_set(err, "out of memory");
	if (nw->len_ms > 0) {
		base->len_ms = nw->len_ms;
		base->back_ms = nw->back_ms + back;
	} else {
		base->from_ms = nw->from_ms - back;
		base->to_ms = nw->to_ms - back;
	}
	return 0;
}

int em_srv_side_current(const struct em_srv *s, struct em_srv_side *sd)
{
	memset(sd, 0, sizeof(*sd));
	if ((sd->selector = strdup(s->selector ? s->selector : "{}")) == NULL)
		return -1;
	if (s->tl.mark >= 0 && s->tl.n > 0) {
		em_tl_selection(&s->tl, &sd->from_ms, &sd->to_ms);
		return 1;
	}
	if (s->rel_ms > 0) {
		sd->len_ms = s->rel_ms; /* the last hour stays the last hour */
		return 0;
	}
	sd->from_ms = s->start_ms;
	sd->to_ms = s->end_ms;
	return 0;
}

void em_srv_span_label(int64_t from_ms, int64_t to_ms, int64_t now_ms, int utf8, char *buf,
    size_t n)
{
	const char *dash = utf8 ? "\xe2\x80\x93" : "-";
	int fmt = from_ms % 60000 != 0 || to_ms % 60000 != 0 ? 0 : 1;
	char a[32], b[32], da[16], db[16], today[16];

	em_tl_clock(a, sizeof(a), from_ms, fmt);
	em_tl_clock(b, sizeof(b), to_ms, fmt);
	em_tl_clock(da, sizeof(da), from_ms, 2);
	em_tl_clock(db, sizeof(db), to_ms, 2);
	em_tl_clock(today, sizeof(today), now_ms, 2);
	if (strcmp(da, db) != 0)
		snprintf(buf, n, "%s %s%s%s %s", da, a, dash, db, b);
	else if (strcmp(da, today) != 0)
		snprintf(buf, n, "%s %s%s%s", da, a, dash, b);
	else
		snprintf(buf, n, "%s%s%s", a, dash, b);
}

void em_srv_side_label(const struct em_srv_side *sd, int64_t now_ms, int utf8, char *buf,
    size_t n)
{
	int64_t from, to;
	char span[96];

	em_srv_side_range(sd, now_ms, &from, &to);
	em_srv_span_label(from, to, now_ms, utf8, span, sizeof(span));
	snprintf(buf, n, "%s %s", sd->selector ? sd->selector : "{}", span);
}
