/* http.c - one GET with libcurl for source lookup: bounded body size,
 * connect and total time-outs, a cancel flag, and a GitHub token that only
 * ever goes to the configured origin. Redirects are followed here, not by
 * libcurl, so that the token decision is made again for every hop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/fetch.h"
#include "source/path.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define MAX_REDIRECTS 5

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void em_http_global_init(void)
{
	pthread_once(&curl_once, curl_init_once);
}

char *em_url_origin(const char *url)
{
	const char *sep = strstr(url, "://"), *host, *end;
	char *o;
	size_t i;

	if (sep == NULL || sep == url)
		return NULL;
	host = sep + 3;
	end = host + strcspn(host, "/?#");
	if (end == host)
		return NULL;
	o = em_strndup(url, (size_t)(end - url));
	for (i = 0; o != NULL && o[i]; i++)
		o[i] = (char)tolower((unsigned char)o[i]);
	return o;
}

char *em_url_append(char *url, const char *s, int keep_slash)
{
	size_t lu = url ? strlen(url) : 0, ls = strlen(s), w;
	char *out;

	if (ls > ((size_t)-1 - lu - 1) / 3)
		return NULL;
	out = realloc(url, lu + ls * 3 + 1);
	if (out == NULL) {
		free(url);
		return NULL;
	}
	w = lu;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
		    (keep_slash && c == '/')) {
			out[w++] = (char)c;
		} else {
			static const char hex[] = "0123456789ABCDEF";

			out[w++] = '%';
			out[w++] = hex[c >> 4];
			out[w++] = hex[c & 15];
		}
	}
	out[w] = '\0';
	return out;
}

struct body {
	char *data;
	size_t len, cap, max;
	int too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t n = size * nmemb;

	if (n > b->max - b->len) {
		b->too_big = 1;
		return 0; /* aborts the transfer */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (d == NULL)
			return 0;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	volatile int *cancel = ctx;

	(void)dt; (void)dn; (void)ut; (void)un;
	return cancel != NULL && *cancel;
}

/* Options shared by every hop. */
static void setup(CURL *c, const em_http_opts *o, struct body *b, struct curl_slist *hdr)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_USERAGENT, "embers/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)o->cancel);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
}

/* The Authorization header for url, or NULL when the token stays home. */
static struct curl_slist *auth_header(const em_http_opts *o, const char *url, int *oom)
{
	char *origin, line[1024];
	struct curl_slist *h = NULL;
	int same;

	*oom = 0;
	if (o->token == NULL || o->token[0] == '\0' || o->token_origin == NULL)
		return NULL;
	origin = em_url_origin(url);
	same = origin != NULL && strcmp(origin, o->token_origin) == 0;
	free(origin);
	if (!same || strpbrk(o->token, "\r\n") != NULL ||
	    snprintf(line, sizeof(line), "Authorization: token %s", o->token) >= (int)sizeof(line))
		return NULL;
	h = curl_slist_append(NULL, line);
	*oom = h == NULL;
	return h;
}

/* The status line an error message gives, e.g. "HTTP 401". */
static int status_error(const char *url, long code, int sent_token, em_error *err)
{
	if ((code == 401 || code == 403) && !sent_token)
		return em_error_set(err, "'%s': HTTP %ld (a private repository needs GITHUB_TOKEN)", url, code);
	if (code == 401 || code == 403)
		return em_error_set(err, "'%s': HTTP %ld (the token was refused)", url, code);
	return em_error_set(err, "'%s': HTTP %ld", url, code);
}

/* One hop: EM_GOT, EM_MISSING, EM_FAILED, or 2 with *next set (redirect). */
static int hop(CURL *c, const em_http_opts *o, const char *url, struct body *b,
    char **next, em_error *err)
{
	struct curl_slist *hdr;
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *loc = NULL;
	long code = 0;
	int oom, sent;
	CURLcode rc;

	hdr = auth_header(o, url, &oom);
	if (oom)
		return em_error_set(err, "out of memory");
	sent = hdr != NULL;
	curl_easy_reset(c);
	setup(c, o, b, hdr);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK && code >= 300 && code < 400)
		curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
	if (loc != NULL && (*next = em_strdup(loc)) == NULL)
		rc = CURLE_OUT_OF_MEMORY;
	curl_slist_free_all(hdr);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return em_error_set(err, "cancelled");
	if (b->too_big)
		return em_error_set(err, "'%s': file larger than %zu bytes", url, b->max);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return em_error_set(err, "'%s': timed out", url);
	if (rc != CURLE_OK)
		return em_error_set(err, "'%s': %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (*next != NULL)
		return 2;
	if (code == 200)
		return EM_GOT;
	if (code == 404 || code == 410)
		return em_error_set(err, "'%s': not found", url), EM_MISSING;
	return status_error(url, code, sent, err);
}

int em_http_get(const em_http_opts *o, const char *url, char **body, size_t *len,
    em_error *err)
{
	struct body b;
	CURL *c;
	char *cur, *next = NULL;
	int r = EM_FAILED, i;

	*body = NULL;
	*len = 0;
	em_http_global_init();
	c = curl_easy_init();
	cur = em_strdup(url);
	if (c == NULL || cur == NULL) {
		curl_easy_cleanup(c);
		free(cur);
		return em_error_set(err, "out of memory");
	}
	for (i = 0; i <= MAX_REDIRECTS; i++) {
		memset(&b, 0, sizeof(b));
		b.max = o->max_bytes ? o->max_bytes : 8u << 20;
		next = NULL;
		r = hop(c, o, cur, &b, &next, err);
		if (r != 2)
			break;
		free(b.data);
		free(cur);
		cur = next;
		r = em_error_set(err, "'%s': too many redirects", url);
	}
	if (r == EM_GOT && b.data == NULL)
		b.data = calloc(1, 1);
	if (r == EM_GOT && b.data == NULL)
		r = em_error_set(err, "out of memory");
	if (r == EM_GOT) {
		*body = b.data;
		*len = b.len;
	} else {
		free(b.data);
	}
	free(cur);
	curl_easy_cleanup(c);
	return r;
}
