/* srv.h - the server viewer: `embers --url URL` on a live Pyroscope.
 *
 * A curses-free state machine around the file viewer (ui.h): a picker of
 * services and their profile types, then the merged profile of the query
 * (profile type, label selector, time range) in the same flame graph and
 * top table, under a header that always shows the selector and a timeline
 * pane (SelectSeries) with range presets, a cursor and a sub-range to zoom
 * the query into. A label filter editor (LabelNames, then an operator,
 * then LabelValues) and a line editor for the whole selector change the
 * query.
 *
 * Requests never block the screen: each runs as an em_pyro_job on a
 * worker thread, on one of six channels (lists, profile, timeline, full
 * profile, a diff's base and new side); a newer request on a channel
 * cancels the older one, whose job is reaped when it ends. Every job
 * writes a byte to one wake pipe when done: the event loop polls
 * em_srv_wake_fd next to the terminal and calls em_srv_dispatch. Esc
 * cancels what is in flight.
 *
 * A profile is drawn first from the server's flame graph
 * (SelectMergeStacktraces, at most max_nodes nodes, small ones folded into
 * "other"), then the full pprof (SelectMergeProfile) is fetched in the
 * background and replaces it, keeping zoom and selection, unless
 * --max-nodes asked to stay with the flame graph. While the view is
 * truncated, zooming into a frame whose subtree holds "other" re-queries
 * with a stack trace selector for its path so its detail comes back.
 *
 * Two queries (ranges, selectors or both) are compared in the diff view
 * (srv_diff.h).
 *
 * srv.c: state, query changes, keys; srv_req.c: jobs and replies;
 * srv_draw.c: drawing; ui_swap.c: replacing the ui's profile; srv_diff.c:
 * the diff of two queries. */
#ifndef EMBERS_TUI_SRV_H
#define EMBERS_TUI_SRV_H

#include <stdint.h>

#include "embers/pyroscope.h"
#include "embers/source.h"
#include "lineedit.h"
#include "picker.h"
#include "screen.h"
#include "theme.h"
#include "timeline.h"
#include "ui.h"

enum em_srv_screen { EM_SRV_PICK, EM_SRV_VIEW };
enum em_srv_modal {
	EM_MODAL_NONE, EM_MODAL_LABEL_NAME, EM_MODAL_LABEL_OP, EM_MODAL_LABEL_VALUE,
	EM_MODAL_SELECTOR,
	EM_MODAL_COMPARE, EM_MODAL_COMPARE_SEL  /* srv_diff.c: its menu, its selector line */
};
/* The two sides of a diff (srv_diff.c) have a channel each. */
enum em_srv_chan {
	EM_CH_LIST, EM_CH_PROFILE, EM_CH_SERIES, EM_CH_FULL, EM_CH_DIFF_BASE, EM_CH_DIFF_NEW,
	EM_CH_COUNT
};
enum em_req_kind {
	EM_REQ_SERVICES, EM_REQ_LABEL_NAMES, EM_REQ_LABEL_VALUES, EM_REQ_PROFILE,
	EM_REQ_SERIES, EM_REQ_FULL, EM_REQ_DIFF_BASE, EM_REQ_DIFF_NEW
};

#define EM_SRV_POOL 6
#define EM_FOLLOW_FULL 1          /* the full profile after the server's flame graph */
#define EM_FOLLOW_DEFERRED 2      /* the timeline and services after the first profile */
#define EM_SRV_TL_H 4     /* timeline rows: title, 2 bar rows, axis */

struct em_srv_req;
struct em_srv_diff;

struct em_srv_slot {
	struct em_srv_req *req;
	em_pyro_job *job;
	em_pyro_client *cl;
};

/* One service and profile type of the picker. */
struct em_srv_pair {
	char *service;   /* "" for series without service_name */
	char *type;
};

struct em_srv {
	/* connection and requests (srv_req.c) */
	em_pyro_client *proto;        /* settings for new clients; never runs jobs */
	em_pyro_client *pool[EM_SRV_POOL];
	int npool;
	int wake[2];                  /* a byte per finished job */
	struct em_srv_slot active[EM_CH_COUNT];
	struct em_srv_slot *zombies;  /* cancelled, waiting for their thread */
	size_t nzombies, zcap;
	double since[EM_CH_COUNT];    /* when the active request started */
	int last_kind[EM_CH_COUNT];

	/* the query */
	char *ptype;                  /* profile type ID, NULL until picked */
	char *selector;               /* "{...}" */
	int64_t start_ms, end_ms;
	int64_t rel_ms;               /* > 0: the last rel_ms, re-anchored on refresh */
	int64_t max_nodes;            /* 0 = server default (8192) */
	int fetch_full;               /* replace the flame graph by the full pprof */
	char **call_site;             /* of the profile shown */
	size_t ncall_site;
	char **want;                  /* the zoom path (names) to get back to */
	size_t nwant;
	uint64_t gen;                 /* bumped on every query change */
	uint64_t full_gen;            /* the query the full profile was asked for */
	uint64_t said_gen;            /* the query "no profiles match" was said for */
	int deferred;                 /* timeline and service list wait for the first profile */
	int follow_up;                /* EM_FOLLOW_*: to start once the frame is shown */

	/* what is shown */
	int screen;                   /* enum em_srv_screen */
	struct em_ui *ui;             /* NULL until a profile arrived */
	int exact;                    /* ui holds the full pprof */
	int truncated;                /* ui holds a flame graph with "other" */
	struct em_ui *pending;        /* a reply held while a prompt or pane is open */
	int pending_exact;
	char **pending_cs;
	size_t pending_ncs;
	const struct em_theme *theme;
	struct em_screen sub;         /* the ui draws here */
	struct em_timeline tl;
	int tl_y, tl_h;               /* where the timeline is (0 rows: hidden) */
	int ui_y;                     /* first row of the ui */
	int64_t tl_req_start, tl_req_end, tl_req_step;

	/* pickers and editors */
	struct em_picker pick;        /* services x profile types */
	struct em_srv_pair *pairs;
	size_t npairs, pairs_cap;
	int have_pairs;
	struct em_picker lab;         /* the label filter editor's lists */
	char *lab_name;
	int lab_op;
	char **lab_vals;              /* LabelValues of lab_name */
	size_t nlab_vals;
	int have_lab_vals;
	int modal;                    /* enum em_srv_modal */
	struct em_lineedit sel_edit;
	struct em_srv_diff *diff;     /* A/B, compare menu, diff view (srv_diff.h); NULL until used */

	/* status */
	char msg[512];
	int msg_error;
	int msg_rank;                 /* an error only gives way to a weightier one */
	char load_err[512];           /* why there is no profile to show */
	unsigned spin;
	int w, h, utf8, mono;
	int64_t (*now_ms)(void);      /* em_now_ms; tests pin the clock */
	em_source_opts srcopts;       /* handed (copied) to every new ui */
	int have_srcopts;
	double t_first_draw;          /* when a profile was first drawn (bench) */
};

/* The first query, from the command line. */
struct em_srv_start {
	const char *ptype, *selector;  /* NULL: the picker opens */
	int64_t start_ms, end_ms, rel_ms;
	int64_t max_nodes;
	const char *const *call_site;
	size_t ncall_site;
};

/* srv_main.c (in the program, with the terminal): does the command line
 * (server options, or EMBERS_URL / PROFILECLI_URL / a default server in
 * config.yaml with a terminal on stdin) ask for the server viewer? Then
 * settings and range are checked (errors printed, an exit status
 * returned) before the terminal is taken over, and em_srv_session runs
 * the event loop until the user quits. */
struct em_srv_args;
int em_srv_wanted(const struct em_srv_args *a);
int em_srv_prepare(struct em_srv *s, const struct em_srv_args *a, struct em_srv_start *st);
int em_srv_session(struct em_srv *s, const struct em_srv_start *st,
    const struct em_theme *th, em_source_opts *src, struct em_screen *scr, int utf8);

/* Connect (a client for conf is made to check the settings) and start
 * empty. -1 with err. */
int em_srv_init(struct em_srv *s, const em_pyro_conf *conf, const struct em_theme *th,
    em_error *err);
void em_srv_free(struct em_srv *s);
/* Source lookup settings for the function details pane (copied). */
int em_srv_source_opts(struct em_srv *s, const em_source_opts *o);

/* The first query: profile type and selector may be NULL (then the
 * picker opens; a service_name in selector pre-fills its filter); rel_ms
 * > 0 makes the range relative to now. Starts the first requests. */
int em_srv_begin(struct em_srv *s, const char *ptype, const char *selector,
    int64_t start_ms, int64_t end_ms, int64_t rel_ms, int64_t max_nodes,
    const char *const *call_site, size_t ncall_site);

void em_srv_resize(struct em_srv *s, int w, int h);
/* A key (enum em_key or a byte); EM_UI_* flags as em_ui_key. */
int em_srv_key(struct em_srv *s, int key);
int em_srv_mouse(struct em_srv *s, int ev, int x, int y);
void em_srv_draw(struct em_srv *s, struct em_screen *scr);
/* Once the frame is on the terminal: start what the last reply asked for
 * (the full profile, the timeline), which waited for that frame. */
void em_srv_after_draw(struct em_srv *s);

/* Readable when a job ended (-1 when nothing is in flight). */
int em_srv_wake_fd(const struct em_srv *s);
int em_srv_busy(const struct em_srv *s);
/* Take finished jobs in; 1 when the screen changed. Never blocks long. */
int em_srv_dispatch(struct em_srv *s);
/* Advance the spinner (call every ~100 ms while busy). */
void em_srv_tick(struct em_srv *s);
/* Cancel everything in flight. */
void em_srv_cancel(struct em_srv *s);

/* Requests (srv_req.c). */
int em_srv_request(struct em_srv *s, int kind, const char *arg);
/* Cancel one channel without a message (a newer answer made it moot). */
void em_srv_drop(struct em_srv *s, int chan);
int em_srv_request_profile(struct em_srv *s, char **call_site, size_t n);
/* A diff side (EM_REQ_DIFF_BASE or _NEW): the merged profile of the
 * current profile type for selector over [from, to]. */
int em_srv_request_side(struct em_srv *s, int kind, const char *selector, int64_t from_ms,
    int64_t to_ms);
const char *em_srv_busy_label(const struct em_srv *s, double *secs);
/* The status line's message (error: in the error style). */
void em_srv_say(struct em_srv *s, int error, const char *fmt, ...) EM_PRINTF(3, 4);
/* Seconds on a monotonic clock (the spinner's). */
double em_srv_clock(void);

/* Replies (srv.c): what a finished request changes. Tests call these with
 * canned data. A ui passed in is taken. */
void em_srv_got_pairs(struct em_srv *s, const em_pyro_labelset *sets, size_t n);
void em_srv_got_strings(struct em_srv *s, int kind, const char *const *strs, size_t n);
void em_srv_got_series(struct em_srv *s, const em_pyro_timeseries *ts, size_t n,
    int64_t start_ms, int64_t end_ms, int64_t step_ms);
void em_srv_got_ui(struct em_srv *s, struct em_ui *ui, int exact, char **call_site,
    size_t ncall_site);
void em_srv_failed(struct em_srv *s, int kind, int cancelled, const char *msg);

/* Query changes (srv.c). */
void em_srv_set_range(struct em_srv *s, int64_t start_ms, int64_t end_ms, int64_t rel_ms);
int em_srv_set_selector(struct em_srv *s, const char *sel, em_error *err);
void em_srv_set_ptype(struct em_srv *s, const char *ptype);
/* Re-run the profile and timeline requests for the current query. */
void em_srv_reload(struct em_srv *s);
/* The title the ui gets for the current query ("checkout" or the selector). */
void em_srv_title(const struct em_srv *s, char *buf, size_t n);
/* The service_name of the selector, or NULL (static buffer). */
const char *em_srv_service(const struct em_srv *s);

/* Between the srv files. */
void em_srv_detail(struct em_srv *s);          /* re-query a zoomed call site if needed */
void em_srv_fill_values(struct em_srv *s);     /* label editor: the values list */
int em_srv_ui_captured(const struct em_ui *ui); /* prompt, help or pane open */
void em_srv_apply_pending(struct em_srv *s);   /* install a held reply */
void em_srv_pick(struct em_srv *s, size_t pair);
int em_srv_cycle_type(struct em_srv *s, int dir);
void em_srv_timeline_sync(struct em_srv *s);
/* A key in a line editor on the bottom row: 1 on Enter (the caller takes
 * the text); Esc and Ctrl-C close it, other keys edit (srv_keys.c). */
int em_srv_prompt_key(struct em_srv *s, struct em_lineedit *le, int key);
/* A refused selector typed there: only what is wrong with it. */
void em_srv_selector_error(struct em_srv *s, const em_error *err);
/* A server view action (range, timeline, editors); 1 when it was one. */
int em_srv_action(struct em_srv *s, int action);

/* Drawing pieces (srv_draw.c). */
/* A line editor on the bottom row after pre, the message beside it. */
void em_srv_draw_prompt(const struct em_srv *s, struct em_screen *scr, const char *pre,
    const struct em_lineedit *le);
void em_srv_layout(struct em_srv *s);
void em_srv_format_range(const struct em_srv *s, char *buf, size_t n);
const char *em_srv_spinner(const struct em_srv *s);

/* ui_swap.c: carry what old shows over to nu, built on another profile
 * of the query (mode, focus, zoom history and selection by function
 * names, search, table sort, filter and cursor), free old; returns nu. */
struct em_ui *em_ui_swap(struct em_ui *old, struct em_ui *nu);
/* The zoom path of ui as names (malloc'd array of malloc'd strings). */
int em_ui_zoom_names(const struct em_ui *ui, char ***names, size_t *n);
/* Zoom ui along names as deep as the tree allows; the depth reached. */
size_t em_ui_zoom_to_names(struct em_ui *ui, char *const *names, size_t n);
/* Whether the subtree under the zoomed node holds a frame named name. */
int em_ui_zoom_holds(const struct em_ui *ui, const char *name);
void em_names_free(char **names, size_t n);

#endif
