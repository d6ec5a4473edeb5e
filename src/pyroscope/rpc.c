/* rpc.c - the QuerierService calls embers makes, as C functions.
 *
 * Each wrapper fills a protobuf-c request, runs em_pyro_call and copies
 * the reply into plain structs (em_pyro_result) or a profile. Listing
 * replies are small; profiles are built straight from the reply.
 *
 * Older or differently configured servers are met halfway (reference
 * pyroscope-api.md sections 2.1 and 5.2):
 *   - at most one selector string is sent in `matchers` (v1 ORs several,
 *     v2 ANDs them), none for "{}" so v2 can answer Series from metadata;
 *   - SelectMergeProfile missing (unimplemented / 404): SelectMergeStacktraces
 *     with the pprof format, and if that is ignored too, its flame graph;
 *   - a flame graph with a stack trace selector that the server ignored
 *     (v1 read path drops it): SelectMergeProfile, which honours it;
 *   - no Diff: two flame graphs merged here.
 * Each discovered gap is remembered on the client (internal.h). */
#include <stdlib.h>
#include <string.h>

#include "embers/levels.h"
#include "embers/reader.h"
#include "formats/pprof_wire.h"
#include "pyroscope/internal.h"
#include "querier.pb-c.h"

#define MAX_CALL_SITE 256

/* ---- plumbing -------------------------------------------------------- */

/* Pack req and call method: the reply's bytes (the caller frees them), or
 * NULL with err. */
static uint8_t *call(em_pyro_client *cl, const char *method, const ProtobufCMessage *req,
    size_t *rlen, em_error *err)
{
	size_t n = protobuf_c_message_get_packed_size(req);
	uint8_t *body = malloc(n ? n : 1), *resp = NULL;
	int rc;

	if (body == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	protobuf_c_message_pack(req, body);
	rc = em_pyro_call(cl, method, body, n, &resp, rlen, err);
	free(body);
	return rc < 0 ? NULL : resp;
}

static ProtobufCMessage *rpc(em_pyro_client *cl, const char *method,
    const ProtobufCMessage *req, const ProtobufCMessageDescriptor *desc, em_error *err)
{
	size_t rlen;
	uint8_t *resp = call(cl, method, req, &rlen, err);
	ProtobufCMessage *msg;

	if (resp == NULL)
		return NULL;
	msg = protobuf_c_message_unpack(desc, NULL, rlen, resp);
	free(resp);
	if (msg == NULL)
		em_error_set(err, "'%s': %s: cannot decode the reply (%zu bytes)",
		    em_pyro_client_conf(cl)->url, method, rlen);
	return msg;
}

/* The flame graph (field 1) of a SelectMergeStacktraces or Diff reply,
 * decoded in place (levels_pb.c); -1 with err naming the reply. */
static int reply_graph(em_pyro_client *cl, const char *method, const uint8_t *reply,
    size_t rlen, int stride, em_levels_pb *d, em_error *err)
{
	em_error why;

	if (em_levels_pb_decode(d, reply, rlen, 1, stride, &why) == 0)
		return 0;
	return em_error_set(err, "'%s': %s: cannot decode the reply (%zu bytes): %s",
	    em_pyro_client_conf(cl)->url, method, rlen, why.msg);
}

/* The last call failed because the server lacks the method. */
static int missing_method(const em_pyro_client *cl)
{
	return strcmp(em_pyro_client_code(cl), "unimplemented") == 0 ||
	    em_pyro_client_http_status(cl) == 404;
}

static const char *sel_or_all(const char *sel)
{
	return sel == NULL || sel[0] == '\0' ? "{}" : sel;
}

/* matchers: the selector, or none when it matches everything. */
static void set_matchers(size_t *n, char ***v, const char **slot, const char *sel)
{
	sel = sel_or_all(sel);
	*n = 0;
	*v = NULL;
	if (strcmp(sel, "{}") == 0)
		return;
	*slot = sel;
	*v = (char **)slot;
	*n = 1;
}

static int result_init(em_pyro_result *r, em_error *err)
{
	memset(r, 0, sizeof(*r));
	r->arena = em_arena_new();
	return r->arena ? 0 : em_error_set(err, "out of memory");
}

void em_pyro_result_free(em_pyro_result *r)
{
	if (r == NULL)
		return;
	em_arena_free(r->arena);
	memset(r, 0, sizeof(*r));
}

static const char *adup(em_pyro_result *r, const char *s)
{
	return em_arena_strndup(r->arena, s ? s : "", s ? strlen(s) : 0);
}

static void *aalloc(em_pyro_result *r, size_t n, size_t size)
{
	if (n != 0 && size > SIZE_MAX / n)
		return NULL;
	return em_arena_alloc(r->arena, n && size ? n * size : 1);
}

static int copy_strs(em_pyro_result *r, char **v, size_t n, em_error *err)
{
	size_t i;

	r->strs = aalloc(r, n, sizeof(*r->strs));
	if (r->strs == NULL)
		return em_error_set(err, "out of memory");
	for (i = 0; i < n; i++)
		if ((r->strs[i] = adup(r, v[i])) == NULL)
			return em_error_set(err, "out of memory");
	r->nstrs = n;
	return 0;
}

static int copy_labels(em_pyro_result *r, em_pyro_labelset *dst, Pyro__LabelPair **v,
    size_t n, em_error *err)
{
	size_t i;

	dst->v = aalloc(r, n, sizeof(*dst->v));
	if (dst->v == NULL)
		return em_error_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		dst->v[i].name = adup(r, v[i]->name);
		dst->v[i].value = adup(r, v[i]->value);
		if (dst->v[i].name == NULL || dst->v[i].value == NULL)
			return em_error_set(err, "out of memory");
	}
	dst->n = n;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- listing calls --------------------------------------------------- */

int em_pyro_profile_types(em_pyro_client *cl, int64_t start_ms, int64_t end_ms,
    em_pyro_result *out, em_error *err)
{
	Pyro__ProfileTypesRequest req = PYRO__PROFILE_TYPES_REQUEST__INIT;
	Pyro__ProfileTypesResponse *resp;
	size_t i;
	int rc = -1;

	if (result_init(out, err) < 0)
		return -1;
	req.start = start_ms;
	req.end = end_ms;
	resp = (Pyro__ProfileTypesResponse *)rpc(cl, "ProfileTypes", &req.base,
	    &pyro__profile_types_response__descriptor, err);
	if (resp == NULL)
		goto out;
	out->strs = aalloc(out, resp->n_profile_types, sizeof(*out->strs));
	if (out->strs == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < resp->n_profile_types; i++)
		if ((out->strs[out->nstrs++] = adup(out, resp->profile_types[i]->id)) == NULL) {
			em_error_set(err, "out of memory");
			goto out;
		}
	qsort(out->strs, out->nstrs, sizeof(*out->strs), cmp_str); /* v1 does not sort */
	rc = 0;
out:
	if (resp != NULL)
		protobuf_c_message_free_unpacked(&resp->base, NULL);
	if (rc < 0)
		em_pyro_result_free(out);
	return rc;
}

int em_pyro_label_names(em_pyro_client *cl, const char *selector,
    int64_t start_ms, int64_t end_ms, em_pyro_result *out, em_error *err)
{
	Pyro__LabelNamesRequest req = PYRO__LABEL_NAMES_REQUEST__INIT;
	Pyro__LabelNamesResponse *resp;
	const char *slot;
	int rc = -1;

	if (result_init(out, err) < 0)
		return -1;
	set_matchers(&req.n_matchers, &req.matchers, &slot, selector);
	req.start = start_ms;
	req.end = end_ms;
	resp = (Pyro__LabelNamesResponse *)rpc(cl, "LabelNames", &req.base,
	    &pyro__label_names_response__descriptor, err);
	if (resp != NULL) {
		rc = copy_strs(out, resp->names, resp->n_names, err);
		protobuf_c_message_free_unpacked(&resp->base, NULL);
	}
	if (rc < 0)
		em_pyro_result_free(out);
	return rc;
}

int em_pyro_label_values(em_pyro_client *cl, const char *name,
    const char *selector, int64_t start_ms, int64_t end_ms,
    em_pyro_result *out, em_error *err)
{
	Pyro__LabelValuesRequest req = PYRO__LABEL_VALUES_REQUEST__INIT;
	Pyro__LabelValuesResponse *resp;
	const char *slot;
	int rc = -1;

	if (result_init(out, err) < 0)
		return -1;
	req.name = (char *)name;
	set_matchers(&req.n_matchers, &req.matchers, &slot, selector);
	req.start = start_ms;
	req.end = end_ms;
	resp = (Pyro__LabelValuesResponse *)rpc(cl, "LabelValues", &req.base,
	    &pyro__label_values_response__descriptor, err);
	if (resp != NULL) {
		rc = copy_strs(out, resp->names, resp->n_names, err);
		protobuf_c_message_free_unpacked(&resp->base, NULL);
	}
	if (rc < 0)
		em_pyro_result_free(out);
	return rc;
}

int em_pyro_series(em_pyro_client *cl, const char *selector,
    const char *const *label_names, size_t nlabel_names, int64_t start_ms,
    int64_t end_ms, em_pyro_result *out, em_error *err)
{
	Pyro__SeriesRequest req = PYRO__SERIES_REQUEST__INIT;
	Pyro__SeriesResponse *resp;
	const char *slot;
	size_t i;
	int rc = -1;

	if (result_init(out, err) < 0)
		return -1;
	set_matchers(&req.n_matchers, &req.matchers, &slot, selector);
	req.n_label_names = nlabel_names;
	req.label_names = (char **)label_names;
	req.start = start_ms;
	req.end = end_ms;
	resp = (Pyro__SeriesResponse *)rpc(cl, "Series", &req.base,
	    &pyro__series_response__descriptor, err);
	if (resp == NULL)
		goto out;
	out->sets = aalloc(out, resp->n_labels_set, sizeof(*out->sets));
	if (out->sets == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < resp->n_labels_set; i++, out->nsets++)
		if (copy_labels(out, &out->sets[i], resp->labels_set[i]->labels,
		    resp->labels_set[i]->n_labels, err) < 0)
			goto out;
	rc = 0;
out:
	if (resp != NULL)
		protobuf_c_message_free_unpacked(&resp->base, NULL);
	if (rc < 0)
		em_pyro_result_free(out);
	return rc;
}

static int copy_series(em_pyro_result *r, em_pyro_timeseries *dst, const Pyro__Series *s,
    em_error *err)
{
	size_t i;

	if (copy_labels(r, &dst->labels, s->labels, s->n_labels, err) < 0)
		return -1;
	dst->pts = aalloc(r, s->n_points, sizeof(*dst->pts));
	if (dst->pts == NULL)
		return em_error_set(err, "out of memory");
	for (i = 0; i < s->n_points; i++) {
		dst->pts[i].t_ms = s->points[i]->timestamp;
		dst->pts[i].value = s->points[i]->value;
	}
	dst->npts = s->n_points;
	return 0;
}

static Pyro__StackTraceSelector *call_site(const em_pyro_query *q,
    Pyro__StackTraceSelector *sts, Pyro__SelectorLocation *locs,
    Pyro__SelectorLocation **ptrs)
{
	size_t i;

	if (q->ncall_site == 0)
		return NULL;
	pyro__stack_trace_selector__init(sts);
	for (i = 0; i < q->ncall_site; i++) {
		pyro__selector_location__init(&locs[i]);
		locs[i].name = (char *)q->call_site[i];
		ptrs[i] = &locs[i];
	}
	sts->n_call_site = q->ncall_site;
	sts->call_site = ptrs;
	return sts;
}

static int check_query(const em_pyro_query *q, em_error *err)
{
	if (q->profile_type == NULL || q->profile_type[0] == '\0')
		return em_error_set(err, "no profile type given");
	if (q->ncall_site > MAX_CALL_SITE)
		return em_error_set(err, "call site too deep (at most %d frames)", MAX_CALL_SITE);
	return 0;
}

int em_pyro_select_series(em_pyro_client *cl, const em_pyro_query *q,
    double step_s, const char *const *group_by, size_t ngroup_by,
    enum em_pyro_agg agg, em_pyro_result *out, em_error *err)
{
	Pyro__SelectSeriesRequest req = PYRO__SELECT_SERIES_REQUEST__INIT;
	Pyro__SelectSeriesResponse *resp;
	Pyro__StackTraceSelector sts;
	Pyro__SelectorLocation locs[MAX_CALL_SITE], *ptrs[MAX_CALL_SITE];
	size_t i;
	int rc = -1;

	if (check_query(q, err) < 0)
		return -1;
	if (!(step_s >= 0.001))
		return em_error_set(err, "step must be at least 1 ms");
	if (result_init(out, err) < 0)
		return -1;
	req.profile_typeid = (char *)q->profile_type;
	req.label_selector = (char *)sel_or_all(q->selector);
	req.start = q->start_ms;
	req.end = q->end_ms;
	req.step = step_s;
	req.n_group_by = ngroup_by;
	req.group_by = (char **)group_by;
	req.aggregation = agg == EM_PYRO_AVG ? PYRO__TIME_SERIES_AGGREGATION_TYPE__TIME_SERIES_AGGREGATION_TYPE_AVERAGE
	    : PYRO__TIME_SERIES_AGGREGATION_TYPE__TIME_SERIES_AGGREGATION_TYPE_SUM;
	req.stack_trace_selector = call_site(q, &sts, locs, ptrs);
	resp = (Pyro__SelectSeriesResponse *)rpc(cl, "SelectSeries", &req.base,
	    &pyro__select_series_response__descriptor, err);
	if (resp == NULL)
		goto out;
	out->series = aalloc(out, resp->n_series, sizeof(*out->series));
	if (out->series == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < resp->n_series; i++, out->nseries++)
		if (copy_series(out, &out->series[i], resp->series[i], err) < 0)
			goto out;
	rc = 0;
out:
	if (resp != NULL)
		protobuf_c_message_free_unpacked(&resp->base, NULL);
	if (rc < 0)
		em_pyro_result_free(out);
	return rc;
}

int em_pyro_series_dense(const em_pyro_timeseries *s, int64_t start_ms,
    int64_t end_ms, int64_t step_ms, double *vals, size_t max, size_t *n)
{
	size_t i, count;

	*n = 0;
	if (step_ms <= 0 || end_ms < start_ms)
		return -1;
	count = (size_t)((end_ms - start_ms) / step_ms) + 1;
	if (count > max)
		count = max;
	for (i = 0; i < count; i++)
		vals[i] = 0;
	for (i = 0; i < s->npts; i++) {
		int64_t t = s->pts[i].t_ms, k;

		if (t < start_ms || t > end_ms)
			continue;
		k = (t - start_ms + step_ms / 2) / step_ms; /* stamps are start + k * step */
		if ((size_t)k < count)
			vals[k] += s->pts[i].value;
	}
	*n = count;
	return 0;
}

/* ---- profiles -------------------------------------------------------- */

int em_pyro_type_split(const char *id, char *buf, size_t n, const char *parts[5])
{
	size_t len = strlen(id), i, k = 0;

	if (len + 1 > n)
		return -1;
	memcpy(buf, id, len + 1);
	parts[k++] = buf;
	for (i = 0; i < len; i++) {
		if (buf[i] != ':')
			continue;
		buf[i] = '\0';
		if (k == 5) {
			/* a 6th part (":delta") is ignored; a 7th is an error */
			return strchr(buf + i + 1, ':') ? -1 : 0;
		}
		parts[k++] = buf + i + 1;
	}
	return k == 5 ? 0 : -1;
}

/* An empty profile whose sample type(s) come from the profile type ID. */
static em_profile *typed_profile(const char *type_id, int diff, em_error *err)
{
	char buf[1024];
	const char *part[5];
	em_profile *p;
	int ok;

	if (em_pyro_type_split(type_id, buf, sizeof(buf), part) < 0) {
		em_error_set(err, "invalid profile type '%s' (expected "
		    "name:sample_type:sample_unit:period_type:period_unit)", type_id);
		return NULL;
	}
	p = em_profile_new();
	if (p == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	if (diff)
		ok = em_profile_add_type(p, "left", part[2]) >= 0 &&
		    em_profile_add_type(p, "right", part[2]) >= 0;
	else
		ok = em_profile_add_type(p, part[1], part[2]) >= 0;
	p->period_type.type = em_profile_str(p, part[3], strlen(part[3]));
	p->period_type.unit = em_profile_str(p, part[4], strlen(part[4]));
	if (!ok || p->period_type.type == EM_STR_NONE || p->period_type.unit == EM_STR_NONE) {
		em_profile_free(p);
		em_error_set(err, "out of memory");
		return NULL;
	}
	p->format = "pyroscope";
	return p;
}

/* The rows of a decoded flame graph into p (and the tree); none: no data. */
static int graph_into(em_profile *p, const em_levels_pb *d, em_tree *tree, em_error *err)
{
	return d->present ? em_levels_to_profile_tree(p, &d->lv, tree, err) : 0;
}

/* Did the server apply the call site? Row d of the graph may only hold
 * call_site[d - 1] for d up to the call site's depth. */
static int honours_call_site(const em_levels_pb *g, const em_pyro_query *q)
{
	for (size_t d = 1; d <= q->ncall_site && d < g->nrows; d++) {
		size_t want = strlen(q->call_site[d - 1]);

		for (size_t i = 0; i + 3 < g->row_len[d]; i += 4) {
			int64_t ni = g->rows[d][i + 3];

			if (ni < 0 || (size_t)ni >= g->nnames || g->name_len[ni] != want ||
			    memcmp(g->names[ni], q->call_site[d - 1], want) != 0)
				return 0;
		}
	}
	return 1;
}

static void fill_stacktraces_req(Pyro__SelectMergeStacktracesRequest *req,
    const em_pyro_query *q)
{
	req->profile_typeid = (char *)q->profile_type;
	req->label_selector = (char *)sel_or_all(q->selector);
	req->start = q->start_ms;
	req->end = q->end_ms;
	req->max_nodes = q->max_nodes;
	req->format = PYRO__PROFILE_FORMAT__PROFILE_FORMAT_FLAMEGRAPH;
}

em_profile *em_pyro_flamegraph(em_pyro_client *cl, const em_pyro_query *q,
    em_error *err)
{
	return em_pyro_flamegraph_tree(cl, q, NULL, err);
}

em_profile *em_pyro_flamegraph_tree(em_pyro_client *cl, const em_pyro_query *q,
    em_tree *tree, em_error *err)
{
	Pyro__SelectMergeStacktracesRequest req = PYRO__SELECT_MERGE_STACKTRACES_REQUEST__INIT;
	Pyro__StackTraceSelector sts;
	Pyro__SelectorLocation locs[MAX_CALL_SITE], *ptrs[MAX_CALL_SITE];
	unsigned *quirks = em_pyro_client_quirks(cl);
	em_levels_pb g;
	em_profile *p;
	uint8_t *reply;
	size_t rlen;

	if (tree != NULL)
		memset(tree, 0, sizeof(*tree));
	if (check_query(q, err) < 0)
		return NULL;
	if (q->ncall_site > 0 && (*quirks & EM_QUIRK_FG_NO_CALL_SITE))
		return em_pyro_merge_profile(cl, q, err);
	fill_stacktraces_req(&req, q);
	req.stack_trace_selector = call_site(q, &sts, locs, ptrs);
	reply = call(cl, "SelectMergeStacktraces", &req.base, &rlen, err);
	if (reply == NULL)
		return NULL;
	if (reply_graph(cl, "SelectMergeStacktraces", reply, rlen, 4, &g, err) < 0) {
		free(reply);
		return NULL;
	}
	if (q->ncall_site > 0 && !honours_call_site(&g, q)) {
		em_levels_pb_free(&g);
		free(reply);
		*quirks |= EM_QUIRK_FG_NO_CALL_SITE;
		return em_pyro_merge_profile(cl, q, err);
	}
	p = typed_profile(q->profile_type, 0, err);
	if (p != NULL && graph_into(p, &g, tree, err) < 0) {
		em_error_prefix(err, "SelectMergeStacktraces reply");
		em_profile_free(p);
		p = NULL;
	}
	em_levels_pb_free(&g);
	free(reply);
	return p;
}

/* A pprof body (possibly empty: no data) into a profile. */
static em_profile *pprof_profile(const em_pyro_query *q, const uint8_t *buf, size_t n,
    em_error *err)
{
	em_profile *p;

	if (n == 0)
		return typed_profile(q->profile_type, 0, err);
	p = em_profile_new();
	if (p == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	if (em_read_pprof(p, buf, n, NULL, err) < 0) {
		em_error_prefix(err, "merged pprof");
		em_profile_free(p);
		return NULL;
	}
	p->format = "pprof";
	if (p->ntypes == 0) {
		em_profile_free(p);
		return typed_profile(q->profile_type, 0, err);
	}
	return p;
}

/* SelectMergeStacktracesResponse: bytes of pprof.profile (field 5, then
 * field 1), found without unpacking the whole profile. */
static int find_pprof(const uint8_t *buf, size_t n, const uint8_t **out, size_t *outn)
{
	pw_reader r, sub;
	pw_field f, g;
	int got;

	*out = NULL;
	*outn = 0;
	pw_init(&r, buf, n);
	while ((got = pw_next(&r, &f)) > 0) {
		if (f.num != 5 || f.wt != PW_LEN)
			continue;
		pw_sub(&sub, &r, &f);
		while ((got = pw_next(&sub, &g)) > 0)
			if (g.num == 1 && g.wt == PW_LEN) {
				*out = g.data;
				*outn = g.len;
			}
		if (got < 0)
			return -1;
	}
	return got;
}

/* The pprof format of SelectMergeStacktraces (Pyroscope >= 2.2); older
 * servers ignore the format and send a flame graph, which is used then. */
static em_profile *merge_via_stacktraces(em_pyro_client *cl, const em_pyro_query *q,
    em_error *err)
{
	Pyro__SelectMergeStacktracesRequest req = PYRO__SELECT_MERGE_STACKTRACES_REQUEST__INIT;
	Pyro__StackTraceSelector sts;
	Pyro__SelectorLocation locs[MAX_CALL_SITE], *ptrs[MAX_CALL_SITE];
	em_levels_pb g;
	const uint8_t *pp;
	uint8_t *body, *reply = NULL;
	size_t n, rlen, ppn;
	em_profile *p = NULL;

	fill_stacktraces_req(&req, q);
	req.format = PYRO__PROFILE_FORMAT__PROFILE_FORMAT_PPROF;
	req.stack_trace_selector = call_site(q, &sts, locs, ptrs);
	n = protobuf_c_message_get_packed_size(&req.base);
	body = malloc(n ? n : 1);
	if (body == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	protobuf_c_message_pack(&req.base, body);
	if (em_pyro_call(cl, "SelectMergeStacktraces", body, n, &reply, &rlen, err) < 0)
		goto out;
	if (find_pprof(reply, rlen, &pp, &ppn) < 0) {
		em_error_set(err, "'%s': SelectMergeStacktraces: cannot decode the reply "
		    "(%zu bytes)", em_pyro_client_conf(cl)->url, rlen);
		goto out;
	}
	if (pp != NULL) {
		p = pprof_profile(q, pp, ppn, err);
		goto out;
	}
	if (reply_graph(cl, "SelectMergeStacktraces", reply, rlen, 4, &g, err) < 0)
		goto out;
	p = typed_profile(q->profile_type, 0, err);
	if (p != NULL && graph_into(p, &g, NULL, err) < 0) {
		em_profile_free(p);
		p = NULL;
	}
	em_levels_pb_free(&g);
out:
	free(body);
	free(reply);
	return p;
}

em_profile *em_pyro_merge_profile(em_pyro_client *cl, const em_pyro_query *q,
    em_error *err)
{
	Pyro__SelectMergeProfileRequest req = PYRO__SELECT_MERGE_PROFILE_REQUEST__INIT;
	Pyro__StackTraceSelector sts;
	Pyro__SelectorLocation locs[MAX_CALL_SITE], *ptrs[MAX_CALL_SITE];
	unsigned *quirks = em_pyro_client_quirks(cl);
	uint8_t *body, *reply;
	size_t n, rlen;
	em_profile *p;
	em_error first;

	if (check_query(q, err) < 0)
		return NULL;
	if (*quirks & EM_QUIRK_NO_MERGE_PROFILE)
		return merge_via_stacktraces(cl, q, err);
	req.profile_typeid = (char *)q->profile_type;
	req.label_selector = (char *)sel_or_all(q->selector);
	req.start = q->start_ms;
	req.end = q->end_ms;
	req.max_nodes = q->max_nodes;
	req.stack_trace_selector = call_site(q, &sts, locs, ptrs);
	n = protobuf_c_message_get_packed_size(&req.base);
	body = malloc(n ? n : 1);
	if (body == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	protobuf_c_message_pack(&req.base, body);
	first.msg[0] = '\0';
	if (em_pyro_call(cl, "SelectMergeProfile", body, n, &reply, &rlen, &first) < 0) {
		free(body);
		if (!missing_method(cl)) {
			em_error_set(err, "%s", first.msg);
			return NULL;
		}
		p = merge_via_stacktraces(cl, q, err);
		if (p != NULL)
			*quirks |= EM_QUIRK_NO_MERGE_PROFILE;
		else if (missing_method(cl))
			em_error_set(err, "%s", first.msg); /* e.g. a wrong base path */
		return p;
	}
	free(body);
	p = pprof_profile(q, reply, rlen, err);
	free(reply);
	return p;
}

/* ---- diff ------------------------------------------------------------ */

/* Add src's samples to the two-type profile dst on side 0 or 1. */
static int add_side(em_profile *dst, const em_profile *src, int side, em_error *err)
{
	uint32_t *loc_of = malloc((src->nfuncs ? src->nfuncs : 1) * sizeof(*loc_of));
	uint32_t *path = NULL;
	size_t cap = 0, s, d;
	int rc = -1;

	if (loc_of == NULL)
		return em_error_set(err, "out of memory");
	memset(loc_of, 0xff, (src->nfuncs ? src->nfuncs : 1) * sizeof(*loc_of));
	for (s = 0; s < src->nsamples; s++) {
		size_t depth = em_sample_depth(src, s);
		const uint32_t *locs = em_sample_locs(src, s);
		int64_t v[2] = { 0, 0 };

		v[side] = em_sample_value(src, s, src->default_type);
		if (depth > cap) {
			uint32_t *np = realloc(path, depth * sizeof(*path));

			if (np == NULL)
				goto oom;
			path = np;
			cap = depth;
		}
		for (d = 0; d < depth; d++) {
			/* flame graph locations hold one line: its function */
			em_func_id f = src->lines[src->locs[locs[d]].first_line +
			    src->locs[locs[d]].nlines - 1].func;

			if (loc_of[f] == UINT32_MAX) {
				const char *name = em_func_name(src, f);
				em_str str = em_profile_str(dst, name,
				    em_strtab_len(src->strs, src->funcs[f].name));
				em_func_id df = str == EM_STR_NONE ? EM_FUNC_NONE
				    : em_profile_func(dst, str, 0, 0, 0);

				if (df == EM_FUNC_NONE)
					goto oom;
				loc_of[f] = em_profile_func_location(dst, df);
			}
			path[d] = loc_of[f];
		}
		if (em_profile_add_sample(dst, path, depth, v, NULL, 0) < 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	em_error_set(err, "out of memory");
out:
	free(loc_of);
	free(path);
	return rc;
}

static em_profile *diff_by_hand(em_pyro_client *cl, const em_pyro_query *left,
    const em_pyro_query *right, em_error *err)
{
	em_profile *l = em_pyro_flamegraph(cl, left, err), *r = NULL, *p = NULL;

	if (l == NULL || (r = em_pyro_flamegraph(cl, right, err)) == NULL)
		goto out;
	p = typed_profile(left->profile_type, 1, err);
	if (p != NULL && (add_side(p, l, 0, err) < 0 || add_side(p, r, 1, err) < 0)) {
		em_profile_free(p);
		p = NULL;
	}
out:
	em_profile_free(l);
	em_profile_free(r);
	return p;
}

em_profile *em_pyro_diff(em_pyro_client *cl, const em_pyro_query *left,
    const em_pyro_query *right, em_error *err)
{
	Pyro__DiffRequest req = PYRO__DIFF_REQUEST__INIT;
	Pyro__SelectMergeStacktracesRequest l = PYRO__SELECT_MERGE_STACKTRACES_REQUEST__INIT;
	Pyro__SelectMergeStacktracesRequest r = PYRO__SELECT_MERGE_STACKTRACES_REQUEST__INIT;
	unsigned *quirks = em_pyro_client_quirks(cl);
	em_levels_pb g;
	em_profile *p;
	em_error first;
	uint8_t *reply;
	size_t rlen;

	if (check_query(left, err) < 0 || check_query(right, err) < 0)
		return NULL;
	if (strcmp(left->profile_type, right->profile_type) != 0) {
		em_error_set(err, "a diff needs one profile type on both sides");
		return NULL;
	}
	if (*quirks & EM_QUIRK_NO_DIFF)
		return diff_by_hand(cl, left, right, err);
	fill_stacktraces_req(&l, left);
	fill_stacktraces_req(&r, right);
	req.left = &l;
	req.right = &r;
	first.msg[0] = '\0';
	reply = call(cl, "Diff", &req.base, &rlen, &first);
	if (reply == NULL) {
		if (!missing_method(cl)) {
			em_error_set(err, "%s", first.msg);
			return NULL;
		}
		p = diff_by_hand(cl, left, right, err);
		if (p != NULL)
			*quirks |= EM_QUIRK_NO_DIFF;
		return p;
	}
	if (reply_graph(cl, "Diff", reply, rlen, 7, &g, err) < 0) {
		free(reply);
		return NULL;
	}
	p = typed_profile(left->profile_type, 1, err);
	if (p != NULL && graph_into(p, &g, NULL, err) < 0) {
		em_error_prefix(err, "Diff reply");
		em_profile_free(p);
		p = NULL;
	}
	em_levels_pb_free(&g);
	free(reply);
	return p;
}
