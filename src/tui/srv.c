/* srv.c - the server viewer's state: the query (profile type, selector,
 * range), what each reply changes, and when the profile is re-queried
 * (range and selector changes, zooms into truncated frames). Keys are in
 * srv_keys.c, drawing in srv_draw.c, requests in srv_req.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/units.h"
#include "embers/vec.h"
#include "selector.h"
#include "srcpane.h"
#include "srv.h"
#include "srv_diff.h"

void em_srv_say(struct em_srv *s, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	s->msg_error = error;
}

/* --- the query ------------------------------------------------------------ */

const char *em_srv_service(const struct em_srv *s)
{
	static char buf[512];
	struct em_selector sel;
	const char *v;
	em_error err;

	em_sel_init(&sel);
	if (s->selector == NULL || em_sel_parse(&sel, s->selector, &err) < 0)
		return NULL;
	v = em_sel_get(&sel, "service_name", EM_OP_EQ);
	if (v != NULL)
		snprintf(buf, sizeof(buf), "%s", v);
	em_sel_free(&sel);
	return v != NULL ? buf : NULL;
}

void em_srv_title(const struct em_srv *s, char *buf, size_t n)
{
	const char *svc = em_srv_service(s);

	snprintf(buf, n, "%s", svc != NULL ? svc : s->selector ? s->selector : "{}");
}

void em_srv_set_range(struct em_srv *s, int64_t start_ms, int64_t end_ms, int64_t rel_ms)
{
	if (end_ms <= start_ms)
		end_ms = start_ms + 1000;
	s->start_ms = start_ms;
	s->end_ms = end_ms;
	s->rel_ms = rel_ms;
}

int em_srv_set_selector(struct em_srv *s, const char *text, em_error *err)
{
	struct em_selector sel;
	char *norm;

	em_sel_init(&sel);
	if (em_sel_parse(&sel, text, err) < 0)
		return -1;
	norm = em_sel_format(&sel);
	em_sel_free(&sel);
	if (norm == NULL)
		return em_error_set(err, "out of memory");
	free(s->selector);
	s->selector = norm;
	return 0;
}

void em_srv_set_ptype(struct em_srv *s, const char *ptype)
{
	char *d = strdup(ptype);

	if (d == NULL)
		return;
	free(s->ptype);
	s->ptype = d;
}

/* The timeline follows the range and the width; ask for its data when
 * what it shows is not what was last asked for. */
void em_srv_timeline_sync(struct em_srv *s)
{
	if (s->tl_h <= 0 || s->ptype == NULL || s->screen != EM_SRV_VIEW)
		return;
	if (em_tl_setup(&s->tl, s->start_ms, s->end_ms, s->w) < 0 || s->deferred)
		return; /* the axis now, the data after the first profile */
	if (s->tl.start_ms == s->tl_req_start && s->tl.end_ms == s->tl_req_end &&
	    s->tl.step_ms == s->tl_req_step)
		return;
	em_srv_request(s, EM_REQ_SERIES, NULL);
}

void em_srv_reload(struct em_srv *s)
{
	if (s->ptype == NULL)
		return;
	if (s->rel_ms > 0) {
		int64_t now = s->now_ms();
		em_srv_set_range(s, now - s->rel_ms, now, s->rel_ms);
	}
	s->gen++;
	s->load_err[0] = '\0';
	s->screen = EM_SRV_VIEW;
	if (s->ui != NULL) {
		char **z;
		size_t n;
		/* keep the zoom unless a deeper one is still to be reached */
		if (em_ui_zoom_names(s->ui, &z, &n) == 0) {
			if (n >= s->nwant) {
				em_names_free(s->want, s->nwant);
				s->want = z;
				s->nwant = n;
			} else {
				em_names_free(z, n);
			}
		}
	}
	em_srv_drop(s, EM_CH_FULL);
	em_srv_request_profile(s, NULL, 0);
	s->tl_req_start = s->tl_req_end = s->tl_req_step = 0;
	em_srv_layout(s);
	/* the first frame comes first: until a profile is shown the server
	 * works on nothing else (the timeline follows it) */
	s->deferred = s->ui == NULL;
	em_srv_timeline_sync(s);
}

/* --- replies ---------------------------------------------------------------- */

static int cmp_pair(const void *a, const void *b)
{
	const struct em_srv_pair *x = a, *y = b;
	int c = strcmp(x->service, y->service);

	return c ? c : strcmp(x->type, y->type);
}

static const char *label_of(const em_pyro_labelset *ls, const char *name)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->v[i].name, name) == 0)
			return ls->v[i].value;
	return NULL;
}

static void pairs_free(struct em_srv *s)
{
	for (size_t i = 0; i < s->npairs; i++) {
		free(s->pairs[i].service);
		free(s->pairs[i].type);
	}
	s->npairs = 0;
}

void em_srv_got_pairs(struct em_srv *s, const em_pyro_labelset *sets, size_t n)
{
	const char *svc = em_srv_service(s);
	size_t k = 0;

	pairs_free(s);
	em_picker_clear(&s->pick);
	for (size_t i = 0; i < n; i++) {
		const char *sv = label_of(&sets[i], "service_name"), *ty;
		struct em_srv_pair *p;

		ty = label_of(&sets[i], "__profile_type__");
		if (ty == NULL || EM_VEC_RESERVE(s->pairs, s->pairs_cap, s->npairs + 1) < 0)
			continue;
		p = &s->pairs[s->npairs];
		p->service = strdup(sv ? sv : "");
		p->type = strdup(ty);
		if (p->service == NULL || p->type == NULL) {
			free(p->service);
			free(p->type);
			continue;
		}
		s->npairs++;
	}
	if (s->npairs > 0)
		qsort(s->pairs, s->npairs, sizeof(*s->pairs), cmp_pair);
	for (size_t i = 0; i < s->npairs; i++) {
		if (k > 0 && cmp_pair(&s->pairs[k - 1], &s->pairs[i]) == 0) {
			free(s->pairs[i].service);
			free(s->pairs[i].type);
			continue;
		}
		s->pairs[k++] = s->pairs[i];
	}
	s->npairs = k;
	for (size_t i = 0; i < s->npairs; i++)
		em_picker_add(&s->pick, s->pairs[i].service[0] ? s->pairs[i].service
		    : "(no service_name)", s->pairs[i].type, i);
	s->have_pairs = 1;
	s->pick.loading = 0;
	em_picker_refilter(&s->pick);
	if (s->npairs == 0)
		em_picker_set_note(&s->pick, 0, "no profiles on the server in %s; "
		    "1-6 pick another range", s->rel_ms ? "this range" : "the range");
	else
		s->pick.note[0] = '\0';
	/* start on the current service and type */
	for (size_t i = 0; svc != NULL && i < s->pick.nvis; i++) {
		const struct em_srv_pair *p = &s->pairs[s->pick.items[s->pick.vis[i]].tag];
		if (strcmp(p->service, svc) == 0 && (s->ptype == NULL ||
		    strcmp(p->type, s->ptype) == 0)) {
			s->pick.cur = i;
			break;
		}
	}
}

static void lab_vals_free(struct em_srv *s)
{
	em_names_free(s->lab_vals, s->nlab_vals);
	s->lab_vals = NULL;
	s->nlab_vals = 0;
	s->have_lab_vals = 0;
}

/* The label editor's list of values, from what LabelValues said. */
void em_srv_fill_values(struct em_srv *s)
{
	em_picker_clear(&s->lab);
	for (size_t i = 0; i < s->nlab_vals; i++)
		em_picker_add(&s->lab, s->lab_vals[i], NULL, i);
	s->lab.loading = !s->have_lab_vals;
	if (!s->have_lab_vals)
		em_picker_set_note(&s->lab, 0, "loading the values of %s...", s->lab_name);
	else if (s->nlab_vals == 0)
		em_picker_set_note(&s->lab, 0, "no values; type one");
	else
		s->lab.note[0] = '\0';
	em_picker_refilter(&s->lab);
}

/* The matchers the selector has for a label, e.g. `= "prod"`. */
static void current_filter(const struct em_srv *s, const char *name, char *buf, size_t n)
{
	struct em_selector sel;
	em_error err;
	size_t off = 0;

	buf[0] = '\0';
	em_sel_init(&sel);
	if (em_sel_parse(&sel, s->selector, &err) < 0)
		return;
	for (size_t i = 0; i < sel.n && off + 8 < n; i++) {
		char q[256];
		int r;
		if (strcmp(sel.m[i].name, name) != 0)
			continue;
		em_sel_quote(q, sizeof(q), sel.m[i].value);
		r = snprintf(buf + off, n - off, "%s%s%s", off ? " " : "",
		    em_match_op_str(sel.m[i].op), q);
		if (r > 0)
			off += (size_t)r < n - off ? (size_t)r : n - off - 1;
	}
	em_sel_free(&sel);
}

void em_srv_got_strings(struct em_srv *s, int kind, const char *const *strs, size_t n)
{
	if (kind == EM_REQ_LABEL_VALUES) {
		lab_vals_free(s);
		s->lab_vals = calloc(n ? n : 1, sizeof(*s->lab_vals));
		for (size_t i = 0; s->lab_vals != NULL && i < n; i++)
			if ((s->lab_vals[s->nlab_vals] = strdup(strs[i])) != NULL)
				s->nlab_vals++;
		s->have_lab_vals = 1;
		if (s->modal == EM_MODAL_LABEL_VALUE)
			em_srv_fill_values(s);
		return;
	}
	if (s->modal != EM_MODAL_LABEL_NAME)
		return;
	em_picker_clear(&s->lab);
	for (size_t i = 0; i < n; i++) {
		char cur[256];
		if (strncmp(strs[i], "__", 2) == 0)
			continue; /* the server's own labels */
		current_filter(s, strs[i], cur, sizeof(cur));
		em_picker_add(&s->lab, strs[i], cur[0] ? cur : NULL, i);
	}
	s->lab.loading = 0;
	if (s->lab.n == 0)
		em_picker_set_note(&s->lab, 0, "no labels in this range");
	else
		s->lab.note[0] = '\0';
	em_picker_refilter(&s->lab);
}

void em_srv_got_series(struct em_srv *s, const em_pyro_timeseries *ts, size_t n,
    int64_t start_ms, int64_t end_ms, int64_t step_ms)
{
	double *sum, *v;
	size_t cnt = 0;

	if (start_ms != s->tl.start_ms || end_ms != s->tl.end_ms || step_ms != s->tl.step_ms ||
	    s->tl.n == 0)
		return; /* the range moved on meanwhile */
	sum = calloc(s->tl.n, sizeof(*sum));
	v = calloc(s->tl.n, sizeof(*v));
	if (sum != NULL && v != NULL) {
		for (size_t i = 0; i < n; i++) {
			if (em_pyro_series_dense(&ts[i], start_ms, end_ms, step_ms, v, s->tl.n, &cnt) < 0)
				continue;
			for (size_t k = 0; k < cnt; k++)
				sum[k] += v[k];
		}
		em_tl_set_values(&s->tl, sum, s->tl.n);
	}
	free(sum);
	free(v);
}

/* --- profiles --------------------------------------------------------------- */

static int names_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* a[0..na) starts b[0..nb)? */
static int names_prefix(char *const *a, size_t na, char *const *b, size_t nb)
{
	return na <= nb && names_eq(a, na, b, na);
}

static size_t cut_at_other(char *const *z, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(z[i], "other") == 0)
			return i;
	return n;
}

/* Ask for the detail of the zoomed call site when the shown profile lacks
 * it: zoomed out of the call site the profile was cut to, or into a
 * subtree where the server folded frames into "other". */
void em_srv_detail(struct em_srv *s)
{
	char **z;
	size_t n, m;

	if (s->ui == NULL || s->exact || s->ptype == NULL)
		return;
	if (em_ui_zoom_names(s->ui, &z, &n) < 0)
		return;
	m = cut_at_other(z, n);
	if (names_eq(z, m, s->call_site, s->ncall_site) ||
	    (names_prefix(s->call_site, s->ncall_site, z, m) &&
	    !em_ui_zoom_holds(s->ui, "other"))) {
		em_names_free(z, n);
		return;
	}
	em_srv_request_profile(s, z, m);
	em_names_free(z, n);
}

/* dst = a copy of o (dst's old strings are not freed). -1 on OOM. */
static int copy_source_opts(em_source_opts *dst, const em_source_opts *o)
{
	memset(dst, 0, sizeof(*dst));
	dst->offline = o->offline;
	dst->max_bytes = o->max_bytes;
	dst->connect_timeout_ms = o->connect_timeout_ms;
	dst->timeout_ms = o->timeout_ms;
	if (em_source_opts_set(&dst->source_dir, o->source_dir) < 0 ||
	    em_source_opts_set(&dst->repo, o->repo) < 0 ||
	    em_source_opts_set(&dst->ref, o->ref) < 0 ||
	    em_source_opts_set(&dst->root_path, o->root_path) < 0 ||
	    em_source_opts_set(&dst->raw_url, o->raw_url) < 0 ||
	    em_source_opts_set(&dst->token, o->token) < 0 ||
	    em_source_opts_set(&dst->cache_dir, o->cache_dir) < 0 ||
	    em_source_opts_set(&dst->googlesource_url, o->googlesource_url) < 0)
		return -1;
	return 0;
}

/* Every new ui gets its own copy of the settings (it takes the strings). */
static void give_source_opts(struct em_srv *s, struct em_ui *ui)
{
	em_source_opts c;

	if (!s->have_srcopts)
		return;
	if (copy_source_opts(&c, &s->srcopts) < 0 || em_ui_source_settings(ui, &c) < 0)
		em_source_opts_free(&c);
}

int em_srv_source_opts(struct em_srv *s, const em_source_opts *o)
{
	if (s->have_srcopts)
		em_source_opts_free(&s->srcopts);
	s->have_srcopts = 1;
	return copy_source_opts(&s->srcopts, o);
}

/* The ui is busy with something a swap would break: a prompt, the help,
 * the function details pane. */
int em_srv_ui_captured(const struct em_ui *ui)
{
	return ui != NULL && (ui->prompt != EM_PROMPT_NONE || ui->help || em_srcpane_is_open(ui));
}

static void install(struct em_srv *s, struct em_ui *ui, int exact, char **cs, size_t ncs)
{
	int first = s->ui == NULL;
	size_t reached = 0;

	give_source_opts(s, ui);
	ui->utf8 = s->utf8;
	ui->mono = s->mono;
	if (first)
		em_ui_resize(ui, s->w, s->h - s->ui_y > 0 ? s->h - s->ui_y : 1);
	s->ui = em_ui_swap(s->ui, ui);
	if (s->nwant > 0) {
		char **z;
		size_t n;
		if (em_ui_zoom_names(s->ui, &z, &n) == 0) {
			if (n < s->nwant && names_prefix(z, n, s->want, s->nwant))
				reached = em_ui_zoom_to_names(s->ui, s->want, s->nwant);
			else
				reached = n;
			em_names_free(z, n);
		}
		s->ui->msg[0] = '\0';
	}
	em_names_free(s->call_site, s->ncall_site);
	s->call_site = cs;
	s->ncall_site = ncs;
	if (s->deferred)
		s->follow_up |= EM_FOLLOW_DEFERRED;
	s->exact = exact;
	s->truncated = !exact && em_profile_find_func(s->ui->p, "other", 5) != EM_FUNC_NONE;
	if (s->ui->tree.total[0] == 0 && s->said_gen != s->gen) {
		s->said_gen = s->gen; /* once per query, not again for the full profile */
		snprintf(s->msg, sizeof(s->msg), "no %s profiles match %s in this range",
		    s->ptype, s->selector);
		s->msg_error = 0;
	}
	/* the wanted zoom is cut off by "other": get its detail (once per
	 * reply, so a path the server does not have cannot loop) */
	if (!exact && reached < s->nwant && (s->truncated || ncs > 0) &&
	    !names_eq(cs, ncs, s->want, cut_at_other(s->want, s->nwant)))
		em_srv_request_profile(s, s->want, cut_at_other(s->want, s->nwant));
}

void em_srv_apply_pending(struct em_srv *s)
{
	struct em_ui *ui = s->pending;

	if (ui == NULL || em_srv_ui_captured(s->ui))
		return;
	s->pending = NULL;
	install(s, ui, s->pending_exact, s->pending_cs, s->pending_ncs);
	s->pending_cs = NULL;
	s->pending_ncs = 0;
}

/* What a reply asked for starts once its frame is on the screen: started
 * at once, the full profile's download and decoding (and the server's
 * work on it) took a core from that frame's drawing. */
void em_srv_after_draw(struct em_srv *s)
{
	int f = s->follow_up;

	s->follow_up = 0;
	if ((f & EM_FOLLOW_FULL) && s->full_gen == s->gen)
		em_srv_request(s, EM_REQ_FULL, NULL);
	if ((f & EM_FOLLOW_DEFERRED) && s->deferred) {
		s->deferred = 0;
		em_srv_timeline_sync(s);
		if (!s->have_pairs && s->active[EM_CH_LIST].job == NULL)
			em_srv_request(s, EM_REQ_SERVICES, NULL); /* for t and T */
	}
}

void em_srv_got_ui(struct em_srv *s, struct em_ui *ui, int exact, char **cs, size_t ncs)
{
	if (exact)
		em_srv_drop(s, EM_CH_PROFILE); /* a detail query is moot now */
	if (s->pending != NULL) {
		/* an older held reply: the newer one wins */
		em_ui_free(s->pending);
		free(s->pending);
		em_names_free(s->pending_cs, s->pending_ncs);
		s->pending = NULL;
	}
	s->screen = EM_SRV_VIEW;
	s->load_err[0] = '\0';
	if (!exact && ncs == 0 && s->fetch_full && s->full_gen != s->gen) {
		s->full_gen = s->gen;
		s->follow_up |= EM_FOLLOW_FULL;
	}
	if (em_srv_ui_captured(s->ui)) {
		s->pending = ui;
		s->pending_exact = exact;
		s->pending_cs = cs;
		s->pending_ncs = ncs;
		return;
	}
	install(s, ui, exact, cs, ncs);
}

void em_srv_failed(struct em_srv *s, int kind, int cancelled, const char *msg)
{
	const char *what = kind == EM_REQ_SERVICES ? "services" : kind == EM_REQ_LABEL_NAMES
	    ? "label names" : kind == EM_REQ_LABEL_VALUES ? "label values" : kind == EM_REQ_SERIES
	    ? "timeline" : kind == EM_REQ_FULL ? "full profile" : "profile";

	/* the profile's error matters most, then what the user is looking at
	 * (a picker, label lists), then the timeline and background lists */
	int rank = kind == EM_REQ_PROFILE ? 3 : kind == EM_REQ_LABEL_NAMES ||
	    kind == EM_REQ_LABEL_VALUES || (kind == EM_REQ_SERVICES && s->screen == EM_SRV_PICK)
	    ? 2 : 1;

	if (em_srv_diff_failed(s, kind, cancelled, msg))
		return; /* a side of a diff: its own line */
	if (!cancelled && s->msg[0] != '\0' && s->msg_error && s->msg_rank > rank) {
		if (kind == EM_REQ_SERVICES)
			em_picker_set_note(&s->pick, 1, "services: %s; Ctrl-R retries", msg);
		return; /* a weightier error is on screen */
	}
	s->msg_rank = rank;
	if (cancelled)
		snprintf(s->msg, sizeof(s->msg), "%s request cancelled%s", what,
		    kind == EM_REQ_FULL ? " (showing the server's flame graph)"
		    : s->ui == NULL && kind == EM_REQ_PROFILE ? "; r retries" : "");
	else
		snprintf(s->msg, sizeof(s->msg), "%s: %s", what, msg && *msg ? msg : "failed");
	s->msg_error = !cancelled;
	switch (kind) {
	case EM_REQ_SERVICES:
		s->pick.loading = 0;
		em_picker_set_note(&s->pick, !cancelled, "%s; Ctrl-R retries", s->msg);
		break;
	case EM_REQ_LABEL_NAMES:
	case EM_REQ_LABEL_VALUES:
		s->lab.loading = 0;
		if (kind == EM_REQ_LABEL_VALUES)
			s->have_lab_vals = 1; /* typing a value still works */
		em_picker_set_note(&s->lab, !cancelled, "%s", s->msg);
		break;
	case EM_REQ_PROFILE:
		if (s->ui == NULL)
			snprintf(s->load_err, sizeof(s->load_err), "%s", s->msg);
		break;
	default:
		break;
	}
}

/* --- the first query -------------------------------------------------------- */

int em_srv_begin(struct em_srv *s, const char *ptype, const char *selector,
    int64_t start_ms, int64_t end_ms, int64_t rel_ms, int64_t max_nodes,
    const char *const *call_site, size_t ncall_site)
{
	em_error err;
	const char *svc;

	if (selector != NULL && em_srv_set_selector(s, selector, &err) < 0) {
		snprintf(s->msg, sizeof(s->msg), "%s", err.msg);
		s->msg_error = 1;
	}
	if (ptype != NULL)
		em_srv_set_ptype(s, ptype);
	em_srv_set_range(s, start_ms, end_ms, rel_ms);
	if (max_nodes > 0) {
		s->max_nodes = max_nodes;
		s->fetch_full = 0; /* the user asked for the server's flame graph */
	}
	if (ncall_site > 0) {
		s->want = calloc(ncall_site, sizeof(*s->want));
		for (size_t i = 0; s->want != NULL && i < ncall_site; i++)
			if ((s->want[s->nwant] = strdup(call_site[i])) != NULL)
				s->nwant++;
	}
	svc = em_srv_service(s);
	s->pick.loading = 1;
	em_picker_set_note(&s->pick, 0, "loading services and profile types...");
	if (ptype != NULL && selector != NULL) {
		em_srv_reload(s); /* the service list follows the profile */
		return 0;
	}
	em_srv_request(s, EM_REQ_SERVICES, NULL);
	s->screen = EM_SRV_PICK;
	if (svc != NULL || ptype != NULL)
		em_picker_set_filter(&s->pick, svc != NULL ? svc : ptype);
	return 0;
}

/* --- picking ---------------------------------------------------------------- */

/* The picker's choice: its service into the selector, its type. */
void em_srv_pick(struct em_srv *s, size_t i)
{
	const struct em_srv_pair *p = &s->pairs[i];
	struct em_selector sel;
	em_error err;
	char *text;

	em_sel_init(&sel);
	if (em_sel_parse(&sel, s->selector, &err) < 0)
		em_sel_init(&sel);
	em_sel_remove(&sel, "service_name");
	if (p->service[0] != '\0' && em_sel_set(&sel, "service_name", EM_OP_EQ, p->service) < 0) {
		em_sel_free(&sel);
		return;
	}
	text = em_sel_format(&sel);
	em_sel_free(&sel);
	if (text == NULL)
		return;
	free(s->selector);
	s->selector = text;
	em_srv_set_ptype(s, p->type);
	s->msg[0] = '\0';
	em_srv_reload(s);
}

/* The next (dir 1) or previous profile type of the current service. */
int em_srv_cycle_type(struct em_srv *s, int dir)
{
	const char *svc = em_srv_service(s);
	long first = -1, last = -1, cur = -1;

	if (svc == NULL || s->ptype == NULL)
		return -1;
	for (size_t i = 0; i < s->npairs; i++) {
		if (strcmp(s->pairs[i].service, svc) != 0)
			continue;
		if (first < 0)
			first = (long)i;
		last = (long)i;
		if (strcmp(s->pairs[i].type, s->ptype) == 0)
			cur = (long)i;
	}
	if (first < 0 || first == last)
		return -1;
	if (cur < 0)
		cur = first;
	else if (dir > 0)
		cur = cur == last ? first : cur + 1;
	else
		cur = cur == first ? last : cur - 1;
	em_srv_set_ptype(s, s->pairs[cur].type);
	snprintf(s->msg, sizeof(s->msg), "profile type %s", s->ptype);
	s->msg_error = 0;
	em_srv_reload(s);
	return 0;
}
