/* srv_req.c - the server viewer's requests: one worker-thread job per
 * request, a pool of clients (a job owns its client until it is reaped),
 * one active job per channel, superseded jobs cancelled and reaped when
 * their thread ends, and the wake pipe that tells the event loop.
 *
 * A profile reply is turned into a whole ui (call tree, top table) on the
 * worker thread, so a big profile never stalls the screen; the main thread
 * only carries the view over (ui_swap.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "embers/vec.h"
#include "selector.h"
#include "srv.h"
#include "srv_diff.h"

struct em_srv_req {
	int kind, chan;
	uint64_t gen;
	char *ptype, *selector, *name;
	int64_t start_ms, end_ms, step_ms, max_nodes;
	char **cs;
	size_t ncs;
	const struct em_theme *theme;
	char title[256];
	int wake_fd;
	/* outputs */
	em_pyro_result res;
	int have_res;
	struct em_ui *ui;
	em_profile *prof;        /* a diff side */
	int status;              /* em_pyro_status of the last call */
	int ended;               /* atomic: fn returned */
};

double em_srv_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int chan_of(int kind)
{
	switch (kind) {
	case EM_REQ_PROFILE: return EM_CH_PROFILE;
	case EM_REQ_SERIES: return EM_CH_SERIES;
	case EM_REQ_FULL: return EM_CH_FULL;
	case EM_REQ_DIFF_BASE: return EM_CH_DIFF_BASE;
	case EM_REQ_DIFF_NEW: return EM_CH_DIFF_NEW;
	default: return EM_CH_LIST;
	}
}

static char **names_dup(char *const *v, size_t n)
{
	char **d = calloc(n ? n : 1, sizeof(*d));

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((d[i] = strdup(v[i])) == NULL) {
			em_names_free(d, i);
			return NULL;
		}
	return d;
}

static void req_free(struct em_srv_req *r)
{
	if (r == NULL)
		return;
	free(r->ptype);
	free(r->selector);
	free(r->name);
	em_names_free(r->cs, r->ncs);
	if (r->have_res)
		em_pyro_result_free(&r->res);
	if (r->ui != NULL) {
		em_ui_free(r->ui);
		free(r->ui);
	}
	if (r->prof != NULL)
		em_profile_free(r->prof);
	free(r);
}

/* --- the job (worker thread) ------------------------------------------------ */

static void fill_query(const struct em_srv_req *r, em_pyro_query *q)
{
	memset(q, 0, sizeof(*q));
	q->profile_type = r->ptype;
	q->selector = r->selector;
	q->start_ms = r->start_ms;
	q->end_ms = r->end_ms;
	q->max_nodes = r->max_nodes;
	q->call_site = (const char *const *)r->cs;
	q->ncall_site = r->ncs;
}

/* The profile (and its tree when the reply gave it) into a ui, here on
 * the worker thread. */
static int profile_ui(struct em_srv_req *r, em_profile *p, em_tree *tree, em_error *err)
{
	if (p == NULL)
		return -1;
	r->ui = calloc(1, sizeof(*r->ui));
	if (r->ui == NULL) {
		em_profile_free(p);
		return em_error_set(err, "out of memory");
	}
	if (em_ui_init_tree(r->ui, p, tree, r->title, -1, r->theme, err) < 0) {
		em_profile_free(p);
		free(r->ui);
		r->ui = NULL;
		return -1;
	}
	return 0;
}

static int job_fn(em_pyro_client *cl, void *arg, em_error *err)
{
	static const char *const pair_labels[] = { "service_name", "__profile_type__" };
	struct em_srv_req *r = arg;
	em_pyro_query q;
	char byte = 1;
	int rc = -1;
	ssize_t w;

	fill_query(r, &q);
	r->have_res = 1;
	memset(&r->res, 0, sizeof(r->res));
	switch (r->kind) {
	case EM_REQ_DIFF_BASE:
	case EM_REQ_DIFF_NEW:
		/* the whole merged profile: the diff is computed here, exactly */
		r->have_res = 0;
		q.max_nodes = 0;
		r->prof = em_pyro_merge_profile(cl, &q, err);
		rc = r->prof != NULL ? 0 : -1;
		break;
	case EM_REQ_SERVICES:
		rc = em_pyro_series(cl, "{}", pair_labels, 2, r->start_ms, r->end_ms, &r->res, err);
		break;
	case EM_REQ_LABEL_NAMES:
		rc = em_pyro_label_names(cl, r->selector, r->start_ms, r->end_ms, &r->res, err);
		break;
	case EM_REQ_LABEL_VALUES:
		rc = em_pyro_label_values(cl, r->name, r->selector, r->start_ms, r->end_ms,
		    &r->res, err);
		break;
	case EM_REQ_SERIES:
		rc = em_pyro_select_series(cl, &q, (double)r->step_ms / 1000.0, NULL, 0,
		    EM_PYRO_SUM, &r->res, err);
		break;
	case EM_REQ_PROFILE: {
		em_tree tree;
		em_profile *p = em_pyro_flamegraph_tree(cl, &q, &tree, err);

		r->have_res = 0;
		rc = profile_ui(r, p, &tree, err);
		em_tree_free(&tree); /* what the ui did not take */
		break;
	}
	case EM_REQ_FULL:
		r->have_res = 0;
		q.max_nodes = 0;
		q.ncall_site = 0;
		rc = profile_ui(r, em_pyro_merge_profile(cl, &q, err), NULL, err);
		break;
	}
	if (rc < 0)
		r->have_res = 0; /* the wrappers free their result on failure */
	r->status = em_pyro_client_status(cl);
	__atomic_store_n(&r->ended, 1, __ATOMIC_RELEASE);
	do
		w = write(r->wake_fd, &byte, 1);
	while (w < 0 && errno == EINTR);
	return rc;
}

/* --- clients ---------------------------------------------------------------- */

static em_pyro_client *acquire(struct em_srv *s, em_error *err)
{
	if (s->npool > 0)
		return s->pool[--s->npool];
	return em_pyro_client_new(em_pyro_client_conf(s->proto), err);
}

static void release(struct em_srv *s, em_pyro_client *cl)
{
	if (s->npool < EM_SRV_POOL)
		s->pool[s->npool++] = cl;
	else
		em_pyro_client_free(cl);
}

/* --- slots ------------------------------------------------------------------ */

static void reap(struct em_srv *s, struct em_srv_slot *sl, int deliver);

/* Cancel the channel's job; it is reaped when its thread ends. */
static void supersede(struct em_srv *s, int ch)
{
	struct em_srv_slot *sl = &s->active[ch];

	if (sl->job == NULL)
		return;
	em_pyro_job_cancel(sl->job);
	if (EM_VEC_RESERVE(s->zombies, s->zcap, s->nzombies + 1) < 0) {
		reap(s, sl, 0); /* no room to wait: wait now (cancel is quick) */
	} else {
		s->zombies[s->nzombies++] = *sl;
	}
	memset(sl, 0, sizeof(*sl));
}

static int start(struct em_srv *s, struct em_srv_req *r)
{
	struct em_srv_slot *sl = &s->active[r->chan];
	em_error err;
	em_pyro_client *cl;

	err.msg[0] = '\0';
	supersede(s, r->chan);
	cl = acquire(s, &err);
	if (cl == NULL) {
		em_srv_failed(s, r->kind, 0, err.msg);
		req_free(r);
		return -1;
	}
	r->wake_fd = s->wake[1];
	sl->job = em_pyro_job_start(cl, job_fn, r, &err);
	if (sl->job == NULL) {
		release(s, cl);
		em_srv_failed(s, r->kind, 0, err.msg);
		req_free(r);
		return -1;
	}
	sl->req = r;
	sl->cl = cl;
	s->since[r->chan] = em_srv_clock();
	s->last_kind[r->chan] = r->kind;
	return 0;
}

static void deliver(struct em_srv *s, struct em_srv_req *r, int rc, const char *msg)
{
	if (rc < 0) {
		em_srv_failed(s, r->kind, r->status == EM_PYRO_E_CANCELLED, msg);
		return;
	}
	switch (r->kind) {
	case EM_REQ_DIFF_BASE:
	case EM_REQ_DIFF_NEW: {
		em_profile *p = r->prof;

		r->prof = NULL;
		em_srv_diff_got(s, r->kind, p);
		break;
	}
	case EM_REQ_SERVICES:
		em_srv_got_pairs(s, r->res.sets, r->res.nsets);
		break;
	case EM_REQ_LABEL_NAMES:
	case EM_REQ_LABEL_VALUES:
		em_srv_got_strings(s, r->kind, r->res.strs, r->res.nstrs);
		break;
	case EM_REQ_SERIES:
		em_srv_got_series(s, r->res.series, r->res.nseries, r->start_ms, r->end_ms,
		    r->step_ms);
		break;
	case EM_REQ_PROFILE:
	case EM_REQ_FULL: {
		struct em_ui *ui = r->ui;
		char **cs = r->cs;
		size_t ncs = r->ncs;

		r->ui = NULL;
		r->cs = NULL;
		r->ncs = 0;
		em_srv_got_ui(s, ui, r->kind == EM_REQ_FULL, cs, ncs);
		break;
	}
	}
}

static void reap(struct em_srv *s, struct em_srv_slot *sl, int give)
{
	em_error err;
	int rc;

	err.msg[0] = '\0';
	rc = em_pyro_job_finish(sl->job, &err);
	release(s, sl->cl);
	if (give)
		deliver(s, sl->req, rc, err.msg);
	req_free(sl->req);
	memset(sl, 0, sizeof(*sl));
}

static int ended(const struct em_srv_slot *sl)
{
	return sl->job != NULL && __atomic_load_n(&sl->req->ended, __ATOMIC_ACQUIRE);
}

int em_srv_dispatch(struct em_srv *s)
{
	char buf[64];
	int changed = 0;
	size_t k = 0;

	while (read(s->wake[0], buf, sizeof(buf)) > 0)
		;
	for (size_t i = 0; i < s->nzombies; i++) {
		if (ended(&s->zombies[i]))
			reap(s, &s->zombies[i], 0);
		else
			s->zombies[k++] = s->zombies[i];
	}
	s->nzombies = k;
	changed = em_srv_diff_poll(s);
	for (int ch = 0; ch < EM_CH_COUNT; ch++) {
		if (!ended(&s->active[ch]))
			continue;
		/* take the slot out first: delivering may start the next request */
		struct em_srv_slot sl = s->active[ch];
		memset(&s->active[ch], 0, sizeof(s->active[ch]));
		reap(s, &sl, 1);
		changed = 1;
	}
	return changed;
}

int em_srv_wake_fd(const struct em_srv *s)
{
	return em_srv_busy(s) || s->nzombies > 0 || em_srv_diff_waiting(s) ? s->wake[0] : -1;
}

int em_srv_busy(const struct em_srv *s)
{
	for (int ch = 0; ch < EM_CH_COUNT; ch++)
		if (s->active[ch].job != NULL)
			return 1;
	return em_srv_diff_building(s);
}

void em_srv_drop(struct em_srv *s, int chan)
{
	supersede(s, chan);
}

void em_srv_cancel(struct em_srv *s)
{
	int n = 0, first = -1;

	em_srv_diff_cancel(s); /* its line, unless a request's follows */
	for (int ch = 0; ch < EM_CH_COUNT; ch++) {
		int kind = s->last_kind[ch];

		if (s->active[ch].job == NULL)
			continue;
		supersede(s, ch);
		em_srv_failed(s, kind, 1, "cancelled");
		if (first < 0 || kind == EM_REQ_PROFILE)
			first = kind;
		n++;
	}
	if (n > 1) /* one line for all of them, the profile's first */
		em_srv_failed(s, first, 1, "cancelled");
}

const char *em_srv_busy_label(const struct em_srv *s, double *secs)
{
	static const int order[] = { EM_CH_DIFF_BASE, EM_CH_DIFF_NEW, EM_CH_PROFILE, EM_CH_LIST,
		EM_CH_SERIES, EM_CH_FULL };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int ch = order[i];
		const struct em_srv_req *r = s->active[ch].req;

		if (s->active[ch].job == NULL)
			continue;
		*secs = em_srv_clock() - s->since[ch];
		switch (r->kind) {
		case EM_REQ_SERVICES: return "loading services";
		case EM_REQ_LABEL_NAMES: return "loading label names";
		case EM_REQ_LABEL_VALUES: return "loading label values";
		case EM_REQ_SERIES: return "loading timeline";
		case EM_REQ_FULL: return "fetching the full profile";
		case EM_REQ_DIFF_BASE:
			return s->active[EM_CH_DIFF_NEW].job != NULL ? "fetching A and B"
			    : "fetching A (baseline)";
		case EM_REQ_DIFF_NEW: return "fetching B (comparison)";
		default: return r->ncs ? "loading the call site's detail" : "loading flame graph";
		}
	}
	if (em_srv_diff_building(s)) {
		*secs = em_srv_clock() - s->diff->build_since;
		return "comparing A and B";
	}
	*secs = 0;
	return NULL;
}

/* --- building requests ------------------------------------------------------ */

static struct em_srv_req *new_req(struct em_srv *s, int kind)
{
	struct em_srv_req *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->kind = kind;
	r->chan = chan_of(kind);
	r->gen = s->gen;
	r->start_ms = s->start_ms;
	r->end_ms = s->end_ms;
	r->max_nodes = s->max_nodes;
	r->theme = s->theme;
	r->ptype = s->ptype ? strdup(s->ptype) : NULL;
	r->selector = strdup(s->selector ? s->selector : "{}");
	em_srv_title(s, r->title, sizeof(r->title));
	if ((s->ptype && r->ptype == NULL) || r->selector == NULL) {
		req_free(r);
		return NULL;
	}
	return r;
}

/* The selector of the service alone: label names and values are listed
 * for the service, whatever the other filters. */
static char *service_selector(const struct em_srv *s)
{
	const char *svc = em_srv_service(s);
	em_error err;

	if (svc == NULL)
		return strdup("{}");
	return em_sel_with("{}", "service_name", EM_OP_EQ, svc, &err);
}

int em_srv_request(struct em_srv *s, int kind, const char *arg)
{
	struct em_srv_req *r = new_req(s, kind);

	if (r == NULL) {
		em_srv_failed(s, kind, 0, "out of memory");
		return -1;
	}
	if (kind == EM_REQ_LABEL_NAMES || kind == EM_REQ_LABEL_VALUES) {
		free(r->selector);
		r->selector = service_selector(s);
		r->name = arg ? strdup(arg) : NULL;
		if (r->selector == NULL || (arg && r->name == NULL)) {
			req_free(r);
			em_srv_failed(s, kind, 0, "out of memory");
			return -1;
		}
	}
	if (kind == EM_REQ_SERIES) {
		r->start_ms = s->tl.start_ms;
		r->end_ms = s->tl.end_ms;
		r->step_ms = s->tl.step_ms;
		s->tl_req_start = r->start_ms;
		s->tl_req_end = r->end_ms;
		s->tl_req_step = r->step_ms;
	}
	if ((kind == EM_REQ_SERIES || kind == EM_REQ_FULL) && s->ptype == NULL) {
		req_free(r);
		return -1;
	}
	return start(s, r);
}

int em_srv_request_profile(struct em_srv *s, char **cs, size_t n)
{
	struct em_srv_req *r;

	if (s->ptype == NULL)
		return -1;
	r = new_req(s, EM_REQ_PROFILE);
	if (r != NULL && (r->cs = names_dup(cs, n)) == NULL) {
		req_free(r);
		r = NULL;
	}
	if (r == NULL) {
		em_srv_failed(s, EM_REQ_PROFILE, 0, "out of memory");
		return -1;
	}
	r->ncs = n;
	return start(s, r);
}

int em_srv_request_side(struct em_srv *s, int kind, const char *selector, int64_t from_ms,
    int64_t to_ms)
{
	struct em_srv_req *r;

	if (s->ptype == NULL)
		return -1;
	r = new_req(s, kind);
	if (r != NULL) {
		free(r->selector);
		if ((r->selector = strdup(selector)) == NULL) {
			req_free(r);
			r = NULL;
		}
	}
	if (r == NULL) {
		em_srv_failed(s, kind, 0, "out of memory");
		return -1;
	}
	r->start_ms = from_ms;
	r->end_ms = to_ms;
	r->max_nodes = 0;
	return start(s, r);
}

/* --- life cycle ------------------------------------------------------------- */

int em_srv_init(struct em_srv *s, const em_pyro_conf *conf, const struct em_theme *th,
    em_error *err)
{
	memset(s, 0, sizeof(*s));
	s->wake[0] = s->wake[1] = -1;
	s->proto = em_pyro_client_new(conf, err);
	if (s->proto == NULL)
		return -1;
	if (pipe(s->wake) < 0) {
		em_pyro_client_free(s->proto);
		s->proto = NULL;
		return em_error_set(err, "cannot create a pipe: %s", em_strerror_lc(errno));
	}
	for (int i = 0; i < 2; i++) {
		fcntl(s->wake[i], F_SETFD, FD_CLOEXEC);
		fcntl(s->wake[i], F_SETFL, O_NONBLOCK);
	}
	s->theme = th;
	s->now_ms = em_now_ms;
	s->fetch_full = 1;
	s->utf8 = 1;
	s->lab_op = EM_OP_EQ;
	em_tl_init(&s->tl);
	em_picker_init(&s->pick, "Pick a service and profile type");
	em_picker_init(&s->lab, "Label filter");
	s->selector = strdup("{}");
	if (s->selector == NULL) {
		em_srv_free(s);
		return em_error_set(err, "out of memory");
	}
	return 0;
}

void em_srv_free(struct em_srv *s)
{
	for (int ch = 0; ch < EM_CH_COUNT; ch++)
		supersede(s, ch);
	for (size_t i = 0; i < s->nzombies; i++)
		reap(s, &s->zombies[i], 0);
	free(s->zombies);
	for (int i = 0; i < s->npool; i++)
		em_pyro_client_free(s->pool[i]);
	if (s->proto != NULL)
		em_pyro_client_free(s->proto);
	for (int i = 0; i < 2; i++)
		if (s->wake[i] >= 0)
			close(s->wake[i]);
	em_srv_diff_free(s);
	if (s->ui != NULL) {
		em_ui_free(s->ui);
		free(s->ui);
	}
	if (s->pending != NULL) {
		em_ui_free(s->pending);
		free(s->pending);
	}
	em_names_free(s->pending_cs, s->pending_ncs);
	em_names_free(s->lab_vals, s->nlab_vals);
	free(s->ptype);
	free(s->selector);
	free(s->lab_name);
	em_names_free(s->call_site, s->ncall_site);
	em_names_free(s->want, s->nwant);
	for (size_t i = 0; i < s->npairs; i++) {
		free(s->pairs[i].service);
		free(s->pairs[i].type);
	}
	free(s->pairs);
	em_picker_free(&s->pick);
	em_picker_free(&s->lab);
	em_tl_free(&s->tl);
	em_screen_free(&s->sub);
	if (s->have_srcopts)
		em_source_opts_free(&s->srcopts);
	memset(s, 0, sizeof(*s));
}
