/* test_pyroscope.c - server mode without a server: time strings, settings
 * precedence and config.yaml, flame graph levels, series buckets, and the
 * client against canned replies from a loopback socket (Connect errors,
 * HTML pages, secrets, size caps, cancelling a job). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "embers/levels.h"
#include "embers/pyroscope.h"
#include "tap.h"

#define NOW 1714564800000LL /* 2024-05-01T12:00:00Z */

/* ---- time strings ---------------------------------------------------- */

static int64_t t(const char *s)
{
	int64_t v = -1;
	em_error err;

	if (em_time_parse(s, NOW, &v, &err) < 0)
		return -1;
	return v;
}

static void test_times(void)
{
	em_error err;
	int64_t a, b;
	char buf[64];

	is_int(t("now"), NOW, "now");
	is_int(t("now-15m"), NOW - 15 * 60000, "now-15m");
	is_int(t("now-1h30m"), NOW - 90 * 60000, "now-1h30m");
	is_int(t("now-7d"), NOW - 7 * 86400000LL, "now-7d");
	is_int(t("now-1w2d"), NOW - 9 * 86400000LL, "now-1w2d");
	is_int(t("now+5m"), NOW + 5 * 60000, "now+5m");
	is_int(t("now-1y"), NOW - 365 * 86400000LL, "now-1y");
	is_int(t("now-90s"), NOW - 90000, "now-90s");
	is_int(t("now-1s500ms"), NOW - 1500, "now-1s500ms (ms after s)");
	is_int(t("now-"), -1, "now- is an error");
	is_int(t("now-15"), -1, "a duration needs a unit");
	is_int(t("now-1m1h"), -1, "units must go from large to small");
	is_int(t("now-1h1h"), -1, "a unit at most once");
	is_int(t("now-1x"), -1, "unknown unit");
	is_int(t("now 1h"), -1, "junk after now");
	is_int(t("nowish"), -1, "nowish");
	is_int(t(""), -1, "empty string");
	is_int(t("now-99999999999999999999d"), -1, "huge duration overflows cleanly");
	is_int(t("2024-05-01T12:00:00Z"), NOW, "RFC 3339 Z");
	is_int(t("2024-05-01t12:00:00z"), NOW, "RFC 3339 lower case t and z");
	is_int(t("2024-05-01T14:00:00+02:00"), NOW, "RFC 3339 with offset");
	is_int(t("2024-05-01T11:30:00-00:30"), NOW, "RFC 3339 negative offset");
	is_int(t("2024-05-01T12:00:00.250Z"), NOW + 250, "fraction of a second");
	is_int(t("2024-05-01T12:00:00.1234567Z"), NOW + 123, "long fraction cut to ms");
	is_int(t("2024-05-01"), NOW - 12 * 3600000LL, "a bare date is midnight UTC");
	is_int(t("1970-01-01T00:00:00Z"), 0, "the epoch");
	is_int(t("2000-02-29T00:00:00Z"), 951782400000LL, "leap day 2000");
	is_int(t("2023-02-29T00:00:00Z"), -1, "no 29 Feb in 2023");
	is_int(t("1900-02-29T00:00:00Z"), -1, "no 29 Feb in 1900");
	is_int(t("2024-13-01T00:00:00Z"), -1, "month 13");
	is_int(t("2024-05-01T24:00:00Z"), -1, "hour 24");
	is_int(t("2024-05-01T12:00:00"), -1, "RFC 3339 needs a zone");
	is_int(t("2024-05-01T12:00Z"), -1, "RFC 3339 needs seconds");
	is_int(t("1714564800"), NOW, "unix seconds (10 digits)");
	is_int(t("1714564800000"), NOW, "unix ms (13 digits)");
	is_int(t("1714564800000000"), NOW, "unix us (16 digits)");
	is_int(t("1714564800000000000"), NOW, "unix ns (19 digits)");
	is_int(t("86400"), 86400000, "short unix seconds");
	is_int(t("12345678901234567890"), -1, "20 digits");
	is_int(t("-5"), -1, "negative number");
	em_time_parse("yesterday", NOW, &a, &err);
	ok(strstr(err.msg, "'yesterday'") != NULL && strstr(err.msg, "now-15m") != NULL,
	    "error names the input and the forms: %s", err.msg);
	is_int(em_time_range(NULL, NULL, NOW, &a, &b, &err), 0, "default range");
	is_int(a, NOW - 3600000, "default from is now-1h");
	is_int(b, NOW, "default to is now");
	is_int(em_time_range("now", "now-1h", NOW, &a, &b, &err), -1, "from after to");
	ok(strstr(err.msg, "empty time range") != NULL, "says why: %s", err.msg);
	is_int(em_time_range("now-1h", "now-1h", NOW, &a, &b, &err), -1, "from equal to to");
	em_time_format(buf, sizeof(buf), NOW);
	is_str(buf, "2024-05-01T12:00:00Z", "format whole seconds");
	em_time_format(buf, sizeof(buf), NOW + 5);
	is_str(buf, "2024-05-01T12:00:00.005Z", "format with ms");
	is_int(t(buf), NOW + 5, "format and parse round trip");
	is_int(em_duration_parse("0", &a, &err), 0, "duration 0");
	is_int(a, 0, "duration 0 value");
}

/* ---- settings -------------------------------------------------------- */

static char dir[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static void clear_env(void)
{
	static const char *const vars[] = { "EMBERS_URL", "PROFILECLI_URL", "PROFILECLI_USERNAME",
		"PROFILECLI_PASSWORD", "PROFILECLI_TOKEN", "PROFILECLI_TENANT_ID" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

/* Resolve with flags (NULL-terminated pairs key, value) and a config. */
static int resolve(em_pyro_conf *c, const char *server, const char *cfg, em_error *err,
    int k1, const char *v1, int k2, const char *v2)
{
	const char *flags[EM_PK_N] = { 0 };

	if (k1 >= 0)
		flags[k1] = v1;
	if (k2 >= 0)
		flags[k2] = v2;
	err->msg[0] = '\0';
	return em_pyro_conf_resolve(c, flags, server, cfg, err);
}

static void test_settings(void)
{
	char cfg[512], bad[512], missing[512];
	em_pyro_conf c;
	em_error err;

	snprintf(cfg, sizeof(cfg), "%s/config.yaml", dir);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
	snprintf(missing, sizeof(missing), "%s/none.yaml", dir);
	write_file(cfg,
	    "default: prod\n"
	    "servers:\n"
	    "  prod:\n"
	    "    url: https://pyro.example.net/api/datasources/proxy/uid/abc/\n"
	    "    token: prod-token\n"
	    "    tenant_id: team-a\n"
	    "    timeout: 2.5\n"
	    "    max-reply-size: 64K\n"
	    "    insecure: yes\n"
	    "  local:\n"
	    "    url: http://127.0.0.1:4040\n"
	    "  nourl:\n"
	    "    token: x\n");
	clear_env();

	is_int(resolve(&c, NULL, missing, &err, -1, NULL, -1, NULL), 0, "no file, no env");
	is_str(c.url, "http://localhost:4040", "built-in default URL");
	ok(c.server == NULL && c.token == NULL && c.tenant == NULL, "nothing else set");
	is_int(c.timeout_ms, 120000, "default timeout");
	is_int(c.connect_timeout_ms, 10000, "default connect timeout");
	em_pyro_conf_free(&c);

	setenv("PROFILECLI_URL", "http://profilecli:4040", 1);
	setenv("PROFILECLI_TOKEN", "env-token", 1);
	setenv("PROFILECLI_TENANT_ID", "env-tenant", 1);
	resolve(&c, NULL, cfg, &err, -1, NULL, -1, NULL);
	is_str(c.url, "http://profilecli:4040", "PROFILECLI_URL beats the default server");
	is_str(c.token, "env-token", "PROFILECLI_TOKEN");
	is_str(c.tenant, "env-tenant", "PROFILECLI_TENANT_ID");
	ok(c.server == NULL, "no server entry used with an env URL");
	em_pyro_conf_free(&c);

	setenv("EMBERS_URL", "http://embers:4040/", 1);
	resolve(&c, NULL, cfg, &err, -1, NULL, -1, NULL);
	is_str(c.url, "http://embers:4040", "EMBERS_URL beats PROFILECLI_URL (trailing / cut)");
	em_pyro_conf_free(&c);

	resolve(&c, NULL, cfg, &err, EM_PK_URL, "http://flag:1/base/path", EM_PK_TENANT, "flag-t");
	is_str(c.url, "http://flag:1/base/path", "--url beats the environment, path kept");
	is_str(c.tenant, "flag-t", "--tenant-id beats PROFILECLI_TENANT_ID");
	is_str(c.token, "env-token", "the env token still applies without an entry");
	em_pyro_conf_free(&c);

	is_int(resolve(&c, "prod", cfg, &err, -1, NULL, -1, NULL), 0, "--server prod");
	is_str(c.url, "https://pyro.example.net/api/datasources/proxy/uid/abc", "entry URL");
	is_str(c.token, "prod-token", "entry token, not the env one");
	is_str(c.tenant, "team-a", "tenant_id spelled with _");
	is_int(c.timeout_ms, 2500, "timeout 2.5 s");
	is_int((long long)c.max_reply, 65536, "max-reply-size 64K");
	is_int(c.insecure, 1, "insecure: yes");
	is_str(c.server, "prod", "the entry is named");
	em_pyro_conf_free(&c);

	resolve(&c, "local", cfg, &err, -1, NULL, -1, NULL);
	ok(c.token == NULL && c.tenant == NULL,
	    "an entry never picks up PROFILECLI_TOKEN or _TENANT_ID");
	em_pyro_conf_free(&c);

	resolve(&c, "prod", cfg, &err, EM_PK_TENANT, "other", EM_PK_TIMEOUT, "0");
	is_str(c.tenant, "other", "flags beat the entry");
	is_int(c.timeout_ms, 0, "--timeout 0 means none");
	em_pyro_conf_free(&c);

	clear_env();
	resolve(&c, NULL, cfg, &err, -1, NULL, -1, NULL);
	is_str(c.server, "prod", "without any URL the default entry is used");
	em_pyro_conf_free(&c);

	is_int(resolve(&c, "nope", cfg, &err, -1, NULL, -1, NULL), -1, "unknown --server");
	ok(strstr(err.msg, "no server 'nope'") != NULL, "says so: %s", err.msg);
	is_int(resolve(&c, "nourl", cfg, &err, -1, NULL, -1, NULL), -1, "entry without url");
	is_int(resolve(&c, "x", missing, &err, -1, NULL, -1, NULL), -1, "--server without a file");
	ok(strstr(err.msg, "does not exist") != NULL, "says so: %s", err.msg);

	write_file(bad, "servers:\n  a:\n    url: http://x\n    colour: red\n");
	is_int(resolve(&c, "a", bad, &err, -1, NULL, -1, NULL), -1, "unknown setting");
	ok(strstr(err.msg, "unknown setting 'colour'") != NULL && strstr(err.msg, bad) != NULL,
	    "names setting and file: %s", err.msg);
	write_file(bad, "servers:\n  a: [1, 2\n");
	is_int(resolve(&c, "a", bad, &err, -1, NULL, -1, NULL), -1, "YAML syntax error");
	ok(strstr(err.msg, "line ") != NULL, "with a line number: %s", err.msg);
	write_file(bad, "servers:\n  a:\n    url: http://x\n    timeout: soon\n");
	is_int(resolve(&c, "a", bad, &err, -1, NULL, -1, NULL), -1, "bad timeout in a file");
	ok(strstr(err.msg, "'soon'") != NULL, "names the value: %s", err.msg);
	write_file(bad, "");
	is_int(resolve(&c, NULL, bad, &err, -1, NULL, -1, NULL), 0, "an empty file is fine");
	em_pyro_conf_free(&c);

	/* URLs and secrets */
	resolve(&c, NULL, missing, &err, EM_PK_URL, "http://alice:s%3Acret@h:4040/p/", -1, NULL);
	is_str(c.url, "http://h:4040/p", "credentials leave the URL");
	is_str(c.username, "alice", "user from the URL");
	is_str(c.password, "s:cret", "password from the URL, decoded");
	em_pyro_conf_free(&c);
	is_int(resolve(&c, NULL, missing, &err, EM_PK_URL, "ftp://bob:hunter22@h/", -1, NULL), -1,
	    "ftp is refused");
	ok(strstr(err.msg, "hunter22") == NULL && strstr(err.msg, "***@") != NULL,
	    "the password is masked: %s", err.msg);
	is_int(resolve(&c, NULL, missing, &err, EM_PK_URL, "http://h/?a=b", -1, NULL), -1,
	    "a query in the base URL is refused");
	is_int(resolve(&c, NULL, missing, &err, EM_PK_URL, "not a url", -1, NULL), -1, "junk URL");
	ok(strncmp(err.msg, "'--url': ", 9) == 0, "error says where it came from: %s", err.msg);
	is_int(resolve(&c, NULL, missing, &err, EM_PK_TENANT, "a\r\nX-Evil: 1", -1, NULL), -1,
	    "CR LF in a tenant is refused");
	ok(strstr(err.msg, "Evil") == NULL, "and not echoed: %s", err.msg);
	is_int(resolve(&c, NULL, missing, &err, EM_PK_PASSWORD, "p\nw", -1, NULL), -1,
	    "newline in a password is refused");
	is_int(resolve(&c, NULL, missing, &err, EM_PK_MAX_REPLY, "12Q", -1, NULL), -1, "size junk");
	is_int(resolve(&c, NULL, missing, &err, EM_PK_MAX_REPLY, "2M", -1, NULL), 0, "size 2M");
	is_int((long long)c.max_reply, 2 << 20, "2M is 2 MiB");
	em_pyro_conf_free(&c);
	is_int(resolve(&c, NULL, missing, &err, EM_PK_CONNECT_TIMEOUT, "0", -1, NULL), -1,
	    "connect-timeout 0 is refused");
	is_int(resolve(&c, NULL, missing, &err, EM_PK_INSECURE, "maybe", -1, NULL), -1, "bad bool");

	/* $XDG_CONFIG_HOME/embers/config.yaml */
	{
		char sub[512], path[600];

		snprintf(sub, sizeof(sub), "%s/embers", dir);
		ok(mkdir(sub, 0700) == 0 || errno == EEXIST, "mkdir %s", sub);
		snprintf(path, sizeof(path), "%s/config.yaml", sub);
		write_file(path, "servers:\n  xdg:\n    url: http://xdg:1\n");
		setenv("XDG_CONFIG_HOME", dir, 1);
		is_int(resolve(&c, "xdg", NULL, &err, -1, NULL, -1, NULL), 0, "XDG config found");
		is_str(c.url, "http://xdg:1", "XDG entry URL");
		em_pyro_conf_free(&c);
	}
}

/* ---- flame graph levels ---------------------------------------------- */

/* "a;b;e=1 a;c=2 ..." of a profile's samples (per sample, in order). */
static void folded(const em_profile *p, char *buf, size_t n)
{
	size_t s, d, o = 0;

	buf[0] = '\0';
	for (s = 0; s < p->nsamples && o + 1 < n; s++) {
		const uint32_t *locs = em_sample_locs(p, s);

		for (d = 0; d < em_sample_depth(p, s); d++) {
			const em_location *l = &p->locs[locs[d]];

			o += (size_t)snprintf(buf + o, n - o, "%s%s", d ? ";" : (s ? " " : ""),
			    em_func_name(p, p->lines[l->first_line].func));
			if (o >= n)
				return;
		}
		if (p->ntypes == 2)
			o += (size_t)snprintf(buf + o, n - o, "=%lld/%lld",
			    (long long)em_sample_value(p, s, 0), (long long)em_sample_value(p, s, 1));
		else
			o += (size_t)snprintf(buf + o, n - o, "=%lld",
			    (long long)em_sample_value(p, s, 0));
	}
}

static int decode(const int64_t *const *rows, const size_t *lens, size_t nrows, int stride,
    const char *const *names, size_t nnames, char *out, size_t n, em_error *err)
{
	em_profile *p = em_profile_new();
	em_levels lv;
	int rc;

	memset(&lv, 0, sizeof(lv));
	lv.rows = rows;
	lv.row_len = lens;
	lv.nrows = nrows;
	lv.stride = stride;
	lv.names = names;
	lv.nnames = nnames;
	em_profile_add_type(p, "cpu", "nanoseconds");
	if (stride == 7)
		em_profile_add_type(p, "right", "nanoseconds");
	err->msg[0] = '\0';
	rc = em_levels_to_profile(p, &lv, err);
	folded(p, out, n);
	em_profile_free(p);
	return rc;
}

static void test_levels(void)
{
	/* pyroscope-api.md 3.1: a;b;e = 1, a;c = 2, a;c;d = 1 */
	static const char *const names[] = { "total", "a", "c", "d", "b", "e" };
	static const int64_t l0[] = { 0, 4, 0, 0 }, l1[] = { 0, 4, 0, 1 };
	static const int64_t l2[] = { 0, 1, 0, 4, 0, 3, 2, 2 };
	static const int64_t l3[] = { 0, 1, 1, 5, 2, 1, 1, 3 };
	static const int64_t bad3[] = { 0, 1, 1, 5, 3, 1, 1, 3 }; /* d past c's end */
	static const int64_t neg[] = { 0, 1, 2, 5 };              /* self > total */
	static const int64_t idx[] = { 0, 1, 1, 9 };              /* name 9 of 6 */
	static const int64_t over[] = { 0, 1, 1, 5, 0, 3, 3, 3 }; /* 1 + 3 children > 3 */
	const int64_t *rows[4] = { l0, l1, l2, l3 };
	size_t lens[4] = { 4, 4, 8, 8 };
	/* diff: left a;b = 2, right a;b = 1 and a;c = 3 */
	static const char *const dnames[] = { "total", "a", "b", "c" };
	static const int64_t d0[] = { 0, 2, 0, 0, 4, 0, 0 }, d1[] = { 0, 2, 0, 0, 4, 0, 1 };
	static const int64_t d2[] = { 0, 2, 2, 0, 1, 1, 2, 0, 0, 0, 0, 3, 3, 3 };
	const int64_t *drows[3] = { d0, d1, d2 };
	size_t dlens[3] = { 7, 7, 14 };
	char out[512];
	em_error err;

	is_int(decode(rows, lens, 4, 4, names, 6, out, sizeof(out), &err), 0, "worked example");
	is_str(out, "a;b;e=1 a;c=2 a;c;d=1", "samples rebuilt from the levels (depth first)");
	lens[3] = 7;
	is_int(decode(rows, lens, 4, 4, names, 6, out, sizeof(out), &err), -1, "row not 4-aligned");
	ok(strstr(err.msg, "level 3") != NULL, "names the level: %s", err.msg);
	lens[3] = 8;
	rows[3] = bad3;
	is_int(decode(rows, lens, 4, 4, names, 6, out, sizeof(out), &err), -1, "child outside parent");
	ok(strstr(err.msg, "outside") != NULL, "says so: %s", err.msg);
	rows[3] = over;
	is_int(decode(rows, lens, 4, 4, names, 6, out, sizeof(out), &err), -1,
	    "self + children above total");
	rows[3] = neg;
	lens[3] = 4;
	is_int(decode(rows, lens, 4, 4, names, 6, out, sizeof(out), &err), -1, "self above total");
	rows[3] = idx;
	is_int(decode(rows, lens, 4, 4, names, 6, out, sizeof(out), &err), -1, "name index range");
	ok(strstr(err.msg, "name index 9") != NULL, "says which: %s", err.msg);
	is_int(decode(rows, lens, 1, 4, names, 6, out, sizeof(out), &err), 0, "root only");
	is_str(out, "", "no samples");
	is_int(decode(drows, dlens, 3, 7, dnames, 4, out, sizeof(out), &err), 0, "diff levels");
	is_str(out, "a;b=2/1 a;c=0/3", "diff samples carry left/right self");
}

static void test_dense(void)
{
	em_pyro_point pts[] = { { 1000, 5 }, { 3000, 7 }, { 9000, 1 } };
	em_pyro_timeseries s = { { NULL, 0 }, pts, 3 };
	double v[8];
	size_t n;

	is_int(em_pyro_series_dense(&s, 1000, 5000, 1000, v, 8, &n), 0, "dense series");
	is_int(n, 5, "buckets start..end inclusive");
	ok(v[0] == 5 && v[1] == 0 && v[2] == 7 && v[3] == 0 && v[4] == 0, "gaps are 0");
	is_int(em_pyro_series_dense(&s, 1000, 5000, 0, v, 8, &n), -1, "step 0 refused");
	is_int(em_pyro_series_dense(&s, 0, 100000, 1000, v, 8, &n), 0, "capped");
	is_int(n, 8, "at most max buckets");
}

static void test_type_split(void)
{
	char buf[128];
	const char *p[5];

	is_int(em_pyro_type_split("process_cpu:cpu:nanoseconds:cpu:nanoseconds", buf, sizeof(buf), p),
	    0, "five parts");
	is_str(p[0], "process_cpu", "name");
	is_str(p[4], "nanoseconds", "period unit");
	is_int(em_pyro_type_split("memory:alloc_in_new_tlab_bytes:bytes::", buf, sizeof(buf), p), 0,
	    "empty parts kept");
	is_str(p[3], "", "empty period type");
	is_int(em_pyro_type_split("a:b:c:d:e:delta", buf, sizeof(buf), p), 0, "6th part ignored");
	is_int(em_pyro_type_split("a:b:c:d", buf, sizeof(buf), p), -1, "four parts");
	is_int(em_pyro_type_split("a:b:c:d:e:f:g", buf, sizeof(buf), p), -1, "seven parts");
}

/* ---- the client against canned replies ------------------------------- */

struct canned {
	int fd;
	const char *reply; /* NULL: accept and never answer */
	char request[4096];
};

static int listen_loopback(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* Serve one connection: read the request head, write the reply. */
static void *serve_one(void *arg)
{
	struct canned *c = arg;
	size_t got = 0;
	int fd = accept(c->fd, NULL, NULL);

	if (fd < 0)
		return NULL;
	while (got + 1 < sizeof(c->request)) {
		ssize_t r = read(fd, c->request + got, sizeof(c->request) - 1 - got);

		if (r <= 0)
			break;
		got += (size_t)r;
		c->request[got] = '\0';
		if (strstr(c->request, "\r\n\r\n") != NULL)
			break;
	}
	if (c->reply != NULL) {
		if (write(fd, c->reply, strlen(c->reply)) < 0)
			perror("write");
		close(fd);
	} else {
		sleep(3); /* a server that never answers */
		close(fd);
	}
	return NULL;
}

static em_pyro_client *client_for(int port, const char *password, size_t max_reply)
{
	em_pyro_conf conf;
	em_pyro_client *cl;
	em_error err;
	char url[64];

	em_pyro_conf_init(&conf);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	em_pyro_conf_set(&conf, EM_PK_URL, url, &err);
	if (password) {
		em_pyro_conf_set(&conf, EM_PK_USERNAME, "alice", &err);
		em_pyro_conf_set(&conf, EM_PK_PASSWORD, password, &err);
	}
	em_pyro_conf_set(&conf, EM_PK_TENANT, "team-a", &err);
	if (max_reply)
		conf.max_reply = max_reply;
	conf.timeout_ms = 10000;
	cl = em_pyro_client_new(&conf, &err);
	em_pyro_conf_free(&conf);
	return cl;
}

/* One call of ProfileTypes against a canned reply; err and status out. */
static int canned_call(const char *reply, const char *password, size_t max_reply,
    em_error *err, em_pyro_status *st, char *request, size_t reqn)
{
	struct canned c;
	pthread_t th;
	em_pyro_client *cl;
	em_pyro_result r;
	int port, rc;

	memset(&c, 0, sizeof(c));
	c.reply = reply;
	c.fd = listen_loopback(&port);
	if (c.fd < 0 || pthread_create(&th, NULL, serve_one, &c) != 0)
		return -9;
	cl = client_for(port, password, max_reply);
	err->msg[0] = '\0';
	rc = em_pyro_profile_types(cl, NOW - 3600000, NOW, &r, err);
	if (rc == 0)
		em_pyro_result_free(&r);
	*st = em_pyro_client_status(cl);
	em_pyro_client_free(cl);
	pthread_join(th, NULL);
	close(c.fd);
	if (request)
		snprintf(request, reqn, "%s", c.request);
	return rc;
}

static void test_client(void)
{
	char req[4096], big[700];
	em_pyro_status st;
	em_error err;
	int rc;

	rc = canned_call("HTTP/1.1 200 OK\r\nContent-Type: application/proto\r\n"
	    "Content-Length: 50\r\n\r\n"
	    "\x0a\x30\x0a\x2bprocess_cpu:cpu:nanoseconds:cpu:nanoseconds\x12\x01" "c",
	    "pw-secret", 0, &err, &st, req, sizeof(req));
	is_int(rc, 0, "a proto reply decodes");
	ok(strstr(req, "POST /querier.v1.QuerierService/ProfileTypes HTTP/1.1") != NULL,
	    "POST to the Connect path");
	ok(strstr(req, "Content-Type: application/proto") != NULL, "application/proto body");
	ok(strstr(req, "Connect-Protocol-Version: 1") != NULL, "Connect-Protocol-Version");
	ok(strstr(req, "X-Scope-OrgID: team-a") != NULL, "tenant header");
	ok(strstr(req, "Authorization: Basic ") != NULL, "basic auth");
	ok(strstr(req, "Accept-Encoding: ") != NULL && strstr(req, "gzip") != NULL,
	    "gzip accepted");
	ok(strstr(req, "Connect-Timeout-Ms: 10000") != NULL, "deadline sent");

	rc = canned_call("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
	    "Connection: close\r\n\r\n"
	    "{\"code\":\"invalid_argument\",\"message\":\"the query time range exceeds the limit "
	    "(max_query_length, actual: 48h0m0s, limit: 24h0m0s)\\u001b[31m pw-secret\"}",
	    "pw-secret", 0, &err, &st, NULL, 0);
	is_int(rc, -1, "a Connect error fails");
	is_int(st, EM_PYRO_E_SERVER, "status: server error");
	ok(strstr(err.msg, "exceeds the limit") != NULL && strstr(err.msg, "(invalid_argument)"),
	    "message and code shown: %s", err.msg);
	ok(strstr(err.msg, "pw-secret") == NULL && strstr(err.msg, "***") != NULL,
	    "our password echoed by the server is hidden");
	ok(strchr(err.msg, '\x1b') == NULL, "escape bytes from the server are dropped");

	rc = canned_call("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
	    "Connection: close\r\n\r\n{\"code\":\"unauthenticated\",\"message\":\"no org id\"}",
	    NULL, 0, &err, &st, NULL, 0);
	ok(rc == -1 && strstr(err.msg, "no org id") != NULL, "401 Connect error: %s", err.msg);

	rc = canned_call("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
	    "Connection: close\r\n\r\n<html><head><title>502 Bad\nGateway</title></head></html>",
	    NULL, 0, &err, &st, NULL, 0);
	ok(rc == -1 && strstr(err.msg, "HTML page") != NULL &&
	    strstr(err.msg, "\"502 Bad Gateway\"") != NULL, "HTML page named: %s", err.msg);
	is_int(st, EM_PYRO_E_HTTP, "status: HTTP error");

	rc = canned_call("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
	    "Connection: close\r\n\r\n404 page not found\n", NULL, 0, &err, &st, NULL, 0);
	ok(rc == -1 && strstr(err.msg, "404") != NULL && strstr(err.msg, "base URL") != NULL,
	    "404 hints at the base path: %s", err.msg);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/proto\r\n"
		    "Connection: close\r\n\r\n";

		memcpy(big, head, strlen(head));
	}
	rc = canned_call(big, NULL, 100, &err, &st, NULL, 0);
	ok(rc == -1 && st == EM_PYRO_E_TOO_LARGE && strstr(err.msg, "100 bytes") != NULL,
	    "reply over --max-reply-size: %s", err.msg);

	rc = canned_call("HTTP/1.1 200 OK\r\nContent-Type: application/proto\r\n"
	    "Connection: close\r\n\r\n\x0a\xff\xff\xff", NULL, 0, &err, &st, NULL, 0);
	ok(rc == -1 && strstr(err.msg, "cannot decode") != NULL, "corrupt proto: %s", err.msg);
}

static int call_types(em_pyro_client *cl, void *arg, em_error *err)
{
	em_pyro_result r;

	(void)arg;
	if (em_pyro_profile_types(cl, NOW - 3600000, NOW, &r, err) < 0)
		return -1;
	em_pyro_result_free(&r);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_job_cancel(void)
{
	struct canned c;
	pthread_t th;
	em_pyro_client *cl;
	em_pyro_job *j;
	struct pollfd pfd;
	em_error err;
	double t0;
	int port, rc;

	memset(&c, 0, sizeof(c));
	c.fd = listen_loopback(&port);
	if (c.fd < 0 || pthread_create(&th, NULL, serve_one, &c) != 0) {
		ok(0, "loopback listener");
		return;
	}
	cl = client_for(port, NULL, 0);
	j = em_pyro_job_start(cl, call_types, NULL, &err);
	ok(j != NULL, "job started");
	usleep(200 * 1000);
	is_int(em_pyro_job_done(j), 0, "still waiting for the silent server");
	t0 = now_s();
	em_pyro_job_cancel(j);
	pfd.fd = em_pyro_job_fd(j);
	pfd.events = POLLIN;
	rc = poll(&pfd, 1, 2000);
	ok(rc == 1 && (now_s() - t0) < 0.5, "the fd fires soon after cancel (%.3f s)",
	    now_s() - t0);
	is_int(em_pyro_job_finish(j, &err), -1, "job result is an error");
	is_str(err.msg, "cancelled", "the error is 'cancelled'");
	em_pyro_client_free(cl);
	pthread_join(th, NULL);
	close(c.fd);
}

static void test_refused(void)
{
	em_pyro_client *cl;
	em_pyro_result r;
	em_error err;
	int port, fd = listen_loopback(&port);

	close(fd); /* nobody listens there now */
	cl = client_for(port, NULL, 0);
	is_int(em_pyro_profile_types(cl, NOW - 1000, NOW, &r, &err), -1, "closed port");
	ok(strstr(err.msg, "cannot connect to 'http://127.0.0.1:") != NULL &&
	    strstr(err.msg, "connection refused") != NULL, "connection refused: %s", err.msg);
	is_int(em_pyro_client_status(cl), EM_PYRO_E_CONNECT, "status: connect");
	em_pyro_client_free(cl);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/embers-test-pyro-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_times();
	test_settings();
	test_levels();
	test_dense();
	test_type_split();
	test_client();
	test_job_cancel();
	test_refused();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", dir);
	}
	return done();
}
