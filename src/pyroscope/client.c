/* client.c - Connect unary calls to a Pyroscope server with libcurl.
 *
 * Wire (reference pyroscope-api.md section 1): POST {base}/querier.v1.
 * QuerierService/METHOD, Content-Type application/proto, the bare
 * serialized message as body, Connect-Protocol-Version 1. Replies may be
 * gzip (curl undoes it: CURLOPT_ACCEPT_ENCODING ""). Errors are JSON
 * {"code","message"} whatever the request codec; anything else non-200
 * (a proxy, a load balancer, a wrong base path) is mapped from the HTTP
 * status the way connect-go clients do, and an HTML page is named as such.
 *
 * The transfer runs on a private curl multi handle so that a request can
 * be cancelled at once from another thread (curl_multi_wakeup) and the
 * reply size is capped while it arrives. Every message names the server by
 * its base URL, which never holds credentials; server texts are cleaned
 * of control bytes and of our own secrets before they are shown. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "embers/pyroscope.h"
#include "embers/vec.h"
#include "pyroscope/internal.h"

#define SERVICE "querier.v1.QuerierService"

struct em_pyro_client {
	em_pyro_conf conf;
	CURL *easy;
	CURLM *multi;
	struct curl_slist *headers;
	volatile int *cancel;
	char errbuf[CURL_ERROR_SIZE];
	/* the reply being received */
	uint8_t *buf;
	size_t len, cap;
	int too_large;
	/* outcome of the last call */
	em_pyro_status status;
	char code[32];
	long http;
	unsigned quirks;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- setup ----------------------------------------------------------- */

static char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

static int copy_conf(em_pyro_conf *dst, const em_pyro_conf *src)
{
	int oom = 0;

	*dst = *src;
	dst->url = dup_or_null(src->url, &oom);
	dst->username = dup_or_null(src->username, &oom);
	dst->password = dup_or_null(src->password, &oom);
	dst->token = dup_or_null(src->token, &oom);
	dst->tenant = dup_or_null(src->tenant, &oom);
	dst->ca_cert = dup_or_null(src->ca_cert, &oom);
	dst->server = dup_or_null(src->server, &oom);
	return oom ? -1 : 0;
}

static int add_header(em_pyro_client *cl, const char *name, const char *value)
{
	char line[1024];
	struct curl_slist *l;

	if (snprintf(line, sizeof(line), "%s: %s", name, value) >= (int)sizeof(line))
		return -1;
	l = curl_slist_append(cl->headers, line);
	if (l == NULL)
		return -1;
	cl->headers = l;
	return 0;
}

static int make_headers(em_pyro_client *cl)
{
	char ms[32];

	if (add_header(cl, "Content-Type", "application/proto") < 0 ||
	    add_header(cl, "Connect-Protocol-Version", "1") < 0 ||
	    /* UTF-8 label names such as service.name (Pyroscope >= 1.16) */
	    add_header(cl, "Accept", "*/*;allow-utf8-labelnames=true") < 0 ||
	    add_header(cl, "Expect", "") < 0)
		return -1;
	if (cl->conf.timeout_ms > 0) {
		snprintf(ms, sizeof(ms), "%ld", cl->conf.timeout_ms);
		if (add_header(cl, "Connect-Timeout-Ms", ms) < 0)
			return -1;
	}
	if (cl->conf.tenant != NULL && cl->conf.tenant[0] != '\0' &&
	    add_header(cl, "X-Scope-OrgID", cl->conf.tenant) < 0)
		return -1;
	return 0;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
	em_pyro_client *cl = ctx;
	size_t n = size * nmemb;

	if (n > cl->conf.max_reply - cl->len) {
		cl->too_large = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (EM_VEC_RESERVE(cl->buf, cl->cap, cl->len + n + 1) < 0)
		return 0;
	memcpy(cl->buf + cl->len, data, n);
	cl->len += n;
	return n;
}

static void set_auth(em_pyro_client *cl)
{
	const em_pyro_conf *c = &cl->conf;

	if (c->username != NULL || c->password != NULL) {
		curl_easy_setopt(cl->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(cl->easy, CURLOPT_USERNAME, c->username ? c->username : "");
		curl_easy_setopt(cl->easy, CURLOPT_PASSWORD, c->password ? c->password : "");
	} else if (c->token != NULL) {
		curl_easy_setopt(cl->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(cl->easy, CURLOPT_XOAUTH2_BEARER, c->token);
	}
}

static void set_options(em_pyro_client *cl)
{
	CURL *e = cl->easy;
	const em_pyro_conf *c = &cl->conf;

	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, cl->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "embers/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, cl);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, cl->errbuf);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_cert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_cert);
	set_auth(cl);
}

em_pyro_client *em_pyro_client_new(const em_pyro_conf *conf, em_error *err)
{
	em_pyro_client *cl;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		em_error_set(err, "cannot initialise libcurl: %s", curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	if (conf->url == NULL) {
		em_error_set(err, "no server URL");
		return NULL;
	}
	if (conf->ca_cert != NULL && access(conf->ca_cert, R_OK) != 0) {
		em_error_set(err, "'%s': cannot read CA certificates: %s", conf->ca_cert,
		    em_strerror_lc(errno));
		return NULL;
	}
	cl = calloc(1, sizeof(*cl));
	if (cl == NULL || copy_conf(&cl->conf, conf) < 0 ||
	    (cl->easy = curl_easy_init()) == NULL ||
	    (cl->multi = curl_multi_init()) == NULL || make_headers(cl) < 0) {
		em_pyro_client_free(cl);
		em_error_set(err, "out of memory");
		return NULL;
	}
	if (cl->conf.max_reply == 0)
		cl->conf.max_reply = (size_t)1 << 30;
	set_options(cl);
	return cl;
}

void em_pyro_client_free(em_pyro_client *cl)
{
	if (cl == NULL)
		return;
	if (cl->easy != NULL)
		curl_easy_cleanup(cl->easy);
	if (cl->multi != NULL)
		curl_multi_cleanup(cl->multi);
	curl_slist_free_all(cl->headers);
	free(cl->buf);
	em_pyro_conf_free(&cl->conf);
	free(cl);
}

const em_pyro_conf *em_pyro_client_conf(const em_pyro_client *cl)
{
	return &cl->conf;
}

void em_pyro_client_set_cancel(em_pyro_client *cl, volatile int *flag)
{
	cl->cancel = flag;
}

void em_pyro_client_wakeup(em_pyro_client *cl)
{
	curl_multi_wakeup(cl->multi);
}

em_pyro_status em_pyro_client_status(const em_pyro_client *cl)
{
	return cl->status;
}

const char *em_pyro_client_code(const em_pyro_client *cl)
{
	return cl->code;
}

long em_pyro_client_http_status(const em_pyro_client *cl)
{
	return cl->http;
}

unsigned *em_pyro_client_quirks(em_pyro_client *cl)
{
	return &cl->quirks;
}

size_t em_pyro_client_bytes(const em_pyro_client *cl)
{
	return cl->len;
}

/* ---- server text ----------------------------------------------------- */

/* Replace every occurrence of secret in s by "***". */
static void scrub(char *s, size_t cap, const char *secret)
{
	size_t slen = secret ? strlen(secret) : 0;
	char *hit;

	if (slen < 3) /* too short to tell from ordinary text */
		return;
	while ((hit = strstr(s, secret)) != NULL) {
		size_t tail = strlen(hit + slen) + 1;

		if ((size_t)(hit - s) + 3 + tail > cap)
			break;
		memmove(hit + 3, hit + slen, tail);
		memcpy(hit, "***", 3);
	}
}

/* Server text made safe for one terminal line: control bytes become
 * spaces, runs of spaces shrink, at most n - 1 bytes, no secrets. */
static void clean_text(const em_pyro_client *cl, char *out, size_t n,
    const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = (char)c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	scrub(out, n, cl->conf.password);
	scrub(out, n, cl->conf.token);
}

static const char *reason(long status)
{
	static const struct { long code; const char *text; } tab[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 407, "Proxy Authentication Required" }, { 408, "Request Timeout" },
		{ 413, "Payload Too Large" }, { 415, "Unsupported Media Type" },
		{ 429, "Too Many Requests" }, { 499, "Client Closed Request" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].code == status)
			return tab[i].text;
	return "";
}

/* connect-go's httpToCode, for replies that are not Connect errors. */
static const char *code_from_http(long status)
{
	switch (status) {
	case 400: return "internal";
	case 401: return "unauthenticated";
	case 403: return "permission_denied";
	case 404: return "unimplemented";
	case 429: case 502: case 503: case 504: return "unavailable";
	default: return "unknown";
	}
}

/* ---- classifying a finished transfer --------------------------------- */

static int fail(em_pyro_client *cl, em_pyro_status st, const char *code,
    em_error *err, const char *fmt, ...) EM_PRINTF(5, 6);

static int fail(em_pyro_client *cl, em_pyro_status st, const char *code,
    em_error *err, const char *fmt, ...)
{
	char msg[EM_ERROR_MAX];
	va_list ap;

	cl->status = st;
	snprintf(cl->code, sizeof(cl->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return em_error_set(err, "%s", msg);
}

/* What to do about a Connect error, as a short hint. */
static const char *connect_hint(const em_pyro_client *cl, const char *code,
    const char *msg)
{
	const em_pyro_conf *c = &cl->conf;
	int creds = c->username || c->password || c->token;

	if (strcmp(code, "unauthenticated") == 0) {
		if (strstr(msg, "org id") != NULL && c->tenant == NULL)
			return " (the server is multi-tenant: set --tenant-id)";
		return creds ? " (check --username/--password or --token)"
		    : " (the server wants credentials: --username/--password or --token)";
	}
	if (strcmp(code, "permission_denied") == 0)
		return c->tenant ? " (check --tenant-id and the credentials' rights)"
		    : " (missing --tenant-id, or the credentials lack rights)";
	if (strcmp(code, "unimplemented") == 0)
		return " (the server is older or has the feature off)";
	return "";
}

/* A Connect error body {"code": ..., "message": ...}; -1 if it is not one. */
static int connect_error(em_pyro_client *cl, const char *method, em_error *err)
{
	cJSON *doc = cJSON_ParseWithLength((const char *)cl->buf, cl->len);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "code");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(doc, "message");
	char ccode[32], cmsg[320];

	if (!cJSON_IsString(code) || code->valuestring[0] == '\0') {
		cJSON_Delete(doc);
		return 0;
	}
	clean_text(cl, ccode, sizeof(ccode), code->valuestring, strlen(code->valuestring));
	if (cJSON_IsString(msg))
		clean_text(cl, cmsg, sizeof(cmsg), msg->valuestring, strlen(msg->valuestring));
	else
		snprintf(cmsg, sizeof(cmsg), "HTTP %ld", cl->http);
	cJSON_Delete(doc);
	fail(cl, EM_PYRO_E_SERVER, ccode, err, "'%s': %s: %s (%s)%s", cl->conf.url,
	    method, cmsg, ccode, connect_hint(cl, ccode, cmsg));
	return 1;
}

static int looks_html(const em_pyro_client *cl, const char *ctype)
{
	size_t i = 0;

	if (ctype != NULL && strncasecmp(ctype, "text/html", 9) == 0)
		return 1;
	while (i < cl->len && (cl->buf[i] == ' ' || cl->buf[i] == '\n' ||
	    cl->buf[i] == '\r' || cl->buf[i] == '\t'))
		i++;
	return cl->len - i >= 5 && (strncasecmp((const char *)cl->buf + i, "<!doc", 5) == 0 ||
	    strncasecmp((const char *)cl->buf + i, "<html", 5) == 0);
}

/* The <title> of an HTML page, cleaned; "" when none. */
static void html_title(const em_pyro_client *cl, char *out, size_t n)
{
	const char *s = (const char *)cl->buf, *end = s + cl->len, *t, *close;

	out[0] = '\0';
	for (t = s; t + 7 <= end; t++)
		if (strncasecmp(t, "<title>", 7) == 0)
			break;
	if (t + 7 > end)
		return;
	t += 7;
	for (close = t; close + 8 <= end; close++)
		if (strncasecmp(close, "</title>", 8) == 0)
			break;
	if (close + 8 > end)
		close = end;
	clean_text(cl, out, n, t, (size_t)(close - t));
}

static int http_error(em_pyro_client *cl, const char *method, const char *ctype,
    em_error *err)
{
	const char *code = code_from_http(cl->http);
	char text[200];

	if (looks_html(cl, ctype)) {
		html_title(cl, text, sizeof(text));
		return fail(cl, EM_PYRO_E_HTTP, code, err,
		    "'%s': got an HTML page (HTTP %ld%s%s%s%s%s) instead of a Pyroscope "
		    "reply; a proxy or login page in between, or the wrong URL?",
		    cl->conf.url, cl->http, reason(cl->http)[0] ? " " : "", reason(cl->http),
		    text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
	}
	if (cl->http == 404)
		return fail(cl, EM_PYRO_E_HTTP, code, err,
		    "'%s/" SERVICE "/%s': HTTP 404 Not Found (is '%s' the Pyroscope base URL?)",
		    cl->conf.url, method, cl->conf.url);
	if (cl->http == 401 || cl->http == 403)
		return fail(cl, EM_PYRO_E_HTTP, code, err, "'%s': HTTP %ld %s%s",
		    cl->conf.url, cl->http, reason(cl->http), connect_hint(cl, code, ""));
	clean_text(cl, text, 120, (const char *)cl->buf, cl->len);
	return fail(cl, EM_PYRO_E_HTTP, code, err, "'%s': %s: HTTP %ld%s%s%s%s", cl->conf.url,
	    method, cl->http, reason(cl->http)[0] ? " " : "", reason(cl->http),
	    text[0] ? ": " : "", text);
}

static int tls_error(em_pyro_client *cl, CURLcode rc, em_error *err)
{
	const char *hint = "";

	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		hint = " (use --ca-cert FILE, or --insecure to skip the check)";
	else if (strstr(cl->errbuf, "wrong version number") != NULL ||
	    strstr(cl->errbuf, "packet length too long") != NULL)
		hint = " (is it a plain http:// server?)";
	return fail(cl, EM_PYRO_E_TLS, "unavailable", err, "'%s': TLS handshake failed: %s%s",
	    cl->conf.url, cl->errbuf[0] ? cl->errbuf : curl_easy_strerror(rc), hint);
}

static int timeout_error(em_pyro_client *cl, em_error *err)
{
	curl_off_t connected = 0;

	curl_easy_getinfo(cl->easy, CURLINFO_CONNECT_TIME_T, &connected);
	if (connected == 0)
		return fail(cl, EM_PYRO_E_CONNECT, "unavailable", err,
		    "cannot connect to '%s': no answer within %.1f s (--connect-timeout)",
		    cl->conf.url, cl->conf.connect_timeout_ms / 1000.0);
	return fail(cl, EM_PYRO_E_TIMEOUT, "deadline_exceeded", err,
	    "'%s': no complete reply within %.1f s (--timeout)", cl->conf.url,
	    cl->conf.timeout_ms / 1000.0);
}

static int transfer_error(em_pyro_client *cl, CURLcode rc, em_error *err)
{
	long oserr = 0;
	char why[128];

	if (cl->cancel != NULL && *cl->cancel)
		return fail(cl, EM_PYRO_E_CANCELLED, "canceled", err, "cancelled");
	if (cl->too_large)
		return fail(cl, EM_PYRO_E_TOO_LARGE, "resource_exhausted", err,
		    "'%s': reply is larger than %zu bytes (--max-reply-size)",
		    cl->conf.url, cl->conf.max_reply);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return fail(cl, EM_PYRO_E_CONNECT, "unavailable", err,
		    "cannot connect to '%s': unknown host", cl->conf.url);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(cl->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr)
			snprintf(why, sizeof(why), "%s", em_strerror_lc((int)oserr));
		else
			snprintf(why, sizeof(why), "connection failed");
		return fail(cl, EM_PYRO_E_CONNECT, "unavailable", err,
		    "cannot connect to '%s': %s", cl->conf.url, why);
	case CURLE_OPERATION_TIMEDOUT:
		return timeout_error(cl, err);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		return tls_error(cl, rc, err);
	case CURLE_BAD_CONTENT_ENCODING:
		return fail(cl, EM_PYRO_E_REPLY, "internal", err,
		    "'%s': corrupt compressed reply", cl->conf.url);
	case CURLE_WRITE_ERROR:
		return fail(cl, EM_PYRO_E_REPLY, "resource_exhausted", err, "out of memory");
	default:
		return fail(cl, EM_PYRO_E_CONNECT, "unavailable", err, "'%s': %s",
		    cl->conf.url, cl->errbuf[0] ? cl->errbuf : curl_easy_strerror(rc));
	}
}

/* ---- the call -------------------------------------------------------- */

static int cancelled(const em_pyro_client *cl)
{
	return cl->cancel != NULL && *cl->cancel;
}

/* Run the easy handle on the multi handle until done or cancelled. */
static CURLcode run_transfer(em_pyro_client *cl)
{
	CURLcode res = CURLE_ABORTED_BY_CALLBACK;
	CURLMsg *m;
	int running = 1, left;

	if (curl_multi_add_handle(cl->multi, cl->easy) != CURLM_OK)
		return CURLE_OUT_OF_MEMORY;
	while (running && !cancelled(cl)) {
		if (curl_multi_perform(cl->multi, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(cl->multi, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	while ((m = curl_multi_info_read(cl->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE && m->easy_handle == cl->easy)
			res = m->data.result;
	curl_multi_remove_handle(cl->multi, cl->easy);
	return res;
}

static int finish(em_pyro_client *cl, const char *method, em_error *err)
{
	char *ctype = NULL;

	curl_easy_getinfo(cl->easy, CURLINFO_RESPONSE_CODE, &cl->http);
	curl_easy_getinfo(cl->easy, CURLINFO_CONTENT_TYPE, &ctype);
	if (cl->http == 200) {
		if (ctype == NULL || strncasecmp(ctype, "application/proto", 17) == 0 ||
		    strncasecmp(ctype, "application/x-protobuf", 22) == 0)
			return 0;
		if (looks_html(cl, ctype))
			return http_error(cl, method, ctype, err);
		return fail(cl, EM_PYRO_E_REPLY, "internal", err,
		    "'%s': %s: unexpected reply type '%.60s' (not a Pyroscope server?)",
		    cl->conf.url, method, ctype);
	}
	if (cl->http >= 300 && cl->http < 400)
		return fail(cl, EM_PYRO_E_HTTP, "unknown", err,
		    "'%s': HTTP %ld redirect (use the final URL, e.g. https://)", cl->conf.url,
		    cl->http);
	if (connect_error(cl, method, err))
		return -1;
	return http_error(cl, method, ctype, err);
}

int em_pyro_call(em_pyro_client *cl, const char *method, const uint8_t *req,
    size_t reqlen, uint8_t **resp, size_t *resplen, em_error *err)
{
	char url[4096];
	CURLcode rc;

	*resp = NULL;
	*resplen = 0;
	cl->len = 0;
	cl->too_large = 0;
	cl->http = 0;
	cl->errbuf[0] = '\0';
	cl->status = EM_PYRO_OK;
	cl->code[0] = '\0';
	if (snprintf(url, sizeof(url), "%s/%s%s", cl->conf.url,
	    strchr(method, '/') ? "" : SERVICE "/", method) >= (int)sizeof(url))
		return fail(cl, EM_PYRO_E_USAGE, "invalid_argument", err, "URL too long");
	curl_easy_setopt(cl->easy, CURLOPT_URL, url);
	curl_easy_setopt(cl->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)reqlen);
	curl_easy_setopt(cl->easy, CURLOPT_POSTFIELDS, reqlen ? (const char *)req : "");
	rc = run_transfer(cl);
	if (rc != CURLE_OK || cancelled(cl))
		return transfer_error(cl, rc, err);
	if (finish(cl, method, err) < 0)
		return -1;
	/* hand the buffer over; the next call grows a new one */
	if (cl->buf == NULL && EM_VEC_RESERVE(cl->buf, cl->cap, 1) < 0)
		return fail(cl, EM_PYRO_E_REPLY, "resource_exhausted", err, "out of memory");
	*resp = cl->buf;
	*resplen = cl->len;
	cl->buf = NULL;
	cl->cap = 0;
	return 0;
}
