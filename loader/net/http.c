// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#ifndef SRV6_BPF_VERSION
#define SRV6_BPF_VERSION "dev"
#endif

enum slot_state {
	SLOT_IDLE,
	SLOT_ACTIVE,  /* added to the multi handle */
	SLOT_WAITING, /* backing off before a retry */
};

/* One connection's worth of work: an easy handle reused for request after request. */
struct slot {
	CURL *h;
	enum slot_state state;
	struct http_req *req;
	long long due_ms; /* SLOT_WAITING: when to try again */
	size_t cap;
	bool too_big;
	size_t max_body;
	unsigned int seed; /* for backoff jitter (rand_r: no global state touched) */
	char errbuf[CURL_ERROR_SIZE];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	struct http_req *r = s->req;
	size_t n = size * nmemb;

	if (n > s->max_body - r->len) {
		s->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (r->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *p;

		while (cap < r->len + n + 1)
			cap *= 2;
		p = realloc(r->body, cap);
		if (!p)
			return 0;
		r->body = p;
		s->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

bool http_header_valid(const char *header)
{
	const char *colon = strchr(header, ':');

	if (!colon || colon == header)
		return false;
	for (const char *p = header; p < colon; p++)
		if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+-.^_`|~", *p))
			return false;
	for (const char *p = colon + 1; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return false;
	return true;
}

int http_query_escape(const char *text, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		bool keep = isalnum(*p) || strchr("-._~", *p);

		if (o + (keep ? 1 : 3) >= len)
			return -1;
		if (keep) {
			buf[o++] = (char)*p;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	if (o >= len)
		return -1;
	buf[o] = '\0';
	return 0;
}

static int slot_setup(struct slot *s, const struct http_opts *o, struct curl_slist *headers)
{
	CURL *h = curl_easy_init();

	s->h = h;
	if (!h)
		return -1;
	s->max_body = o->max_body;
	/* Every setopt below only fails for an unknown option or out of memory. */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "srv6-bpf/" SRV6_BPF_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
	return 0;
}

static int slot_start(struct slot *s, CURLM *multi)
{
	struct http_req *r = s->req;

	free(r->body);
	r->body = NULL;
	r->len = 0;
	r->status = 0;
	r->error[0] = '\0';
	s->cap = 0;
	s->too_big = false;
	s->errbuf[0] = '\0';
	r->attempts++;
	if (curl_easy_setopt(s->h, CURLOPT_URL, r->url) != CURLE_OK ||
	    curl_multi_add_handle(multi, s->h) != CURLM_OK)
		return -1;
	s->state = SLOT_ACTIVE;
	return 0;
}

/* May a request whose attempt ended with rc be tried again? */
static bool retryable(const struct slot *s, CURLcode rc, long status)
{
	curl_off_t sent = 0;

	if (rc == CURLE_OK)
		return status >= 500 && s->req->retry == HTTP_RETRY_IDEMPOTENT;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return true; /* nothing reached the server */
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
		if (s->req->retry == HTTP_RETRY_IDEMPOTENT)
			return true;
		/* Request bytes written on this attempt: none means the server
		 * cannot have acted on it (a connect timeout, a failed handshake). */
		curl_easy_getinfo(s->h, CURLINFO_REQUEST_SIZE, &sent);
		return sent == 0;
	default:
		return false; /* certificates, bad URL, too big, out of memory: final */
	}
}

static void describe_failure(const struct slot *s, CURLcode rc)
{
	struct http_req *r = s->req;

	if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(r->error, sizeof(r->error), "answer larger than %zu bytes", s->max_body);
	else
		snprintf(r->error, sizeof(r->error), "%.200s",
			 s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
}

/* An attempt ended: schedule a retry, or hand the final outcome to done. */
static int attempt_done(struct slot *s, CURLM *multi, CURLcode rc, const struct http_opts *o,
			http_done_fn done, void *arg, struct err *e)
{
	struct http_req *r = s->req;
	long status = 0;
	int ret;

	curl_multi_remove_handle(multi, s->h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
	if (r->attempts <= o->retries && retryable(s, rc, status)) {
		long delay = o->backoff_ms << (r->attempts - 1 < 3 ? r->attempts - 1 : 3);

		/* Jitter keeps a thousand hosts from retrying in step. */
		delay += delay ? rand_r(&s->seed) % (delay / 2 + 1) : 0;
		s->state = SLOT_WAITING;
		s->due_ms = now_ms() + delay;
		return 0;
	}
	if (rc == CURLE_OK)
		r->status = status;
	else
		describe_failure(s, rc);
	if (!r->body) {
		r->body = calloc(1, 1);
		if (!r->body)
			return errf(e, "out of memory");
	}
	ret = done(r, arg, e);
	free(r->body);
	r->body = NULL;
	s->state = SLOT_IDLE;
	s->req = NULL;
	return ret;
}

/* The easy handles of one http_run and the multi handle that drives them. */
struct pool {
	struct slot *slots;
	unsigned int nslots;
	CURLM *multi;
	struct curl_slist *headers;
};

static void pool_close(struct pool *p)
{
	for (unsigned int i = 0; p->slots && i < p->nslots; i++) {
		struct slot *s = &p->slots[i];

		if (!s->h)
			continue;
		if (s->state == SLOT_ACTIVE)
			curl_multi_remove_handle(p->multi, s->h);
		if (s->req) {
			free(s->req->body);
			s->req->body = NULL;
		}
		curl_easy_cleanup(s->h);
	}
	curl_multi_cleanup(p->multi);
	curl_slist_free_all(p->headers);
	free(p->slots);
}

static int pool_open(struct pool *p, const struct http_opts *o, struct err *e)
{
	struct curl_slist *more;

	p->slots = calloc(p->nslots, sizeof(*p->slots));
	p->multi = curl_multi_init();
	p->headers = curl_slist_append(NULL, "Accept: application/json");
	if (p->headers && o->header) {
		more = curl_slist_append(p->headers, o->header);
		if (!more) {
			curl_slist_free_all(p->headers);
			p->headers = NULL;
		}
	}
	if (!p->slots || !p->multi || !p->headers)
		return errf(e, "out of memory");
	curl_multi_setopt(p->multi, CURLMOPT_MAXCONNECTS, (long)p->nslots);
	for (unsigned int i = 0; i < p->nslots; i++) {
		p->slots[i].seed = (unsigned int)(getpid() ^ now_ms()) + i;
		if (slot_setup(&p->slots[i], o, p->headers))
			return errf(e, "cannot initialise libcurl");
	}
	return 0;
}

/* Fill idle slots in array order and wake those whose backoff is over; *busy
 * when any slot has work, *wait the ms until the next backoff ends (or -1). */
static int pool_fill(struct pool *p, struct http_req *reqs, size_t n, size_t *next, bool *busy,
		     long long *wait, struct err *e)
{
	long long now = now_ms();

	*busy = false;
	*wait = -1;
	for (unsigned int i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];

		if (s->state == SLOT_IDLE && *next < n) {
			s->req = &reqs[(*next)++];
			s->req->attempts = 0;
			s->req->body = NULL;
			if (slot_start(s, p->multi))
				return errf(e, "out of memory");
		} else if (s->state == SLOT_WAITING && s->due_ms <= now) {
			if (slot_start(s, p->multi))
				return errf(e, "out of memory");
		}
		if (s->state == SLOT_WAITING && (*wait < 0 || s->due_ms - now < *wait))
			*wait = s->due_ms - now;
		*busy |= s->state != SLOT_IDLE;
	}
	return 0;
}

/* Hand each finished transfer to attempt_done; 1 when any finished. */
static int pool_drain(struct pool *p, const struct http_opts *o, http_done_fn done, void *arg,
		      struct err *e)
{
	int left, finished = 0;
	CURLMsg *msg;

	while ((msg = curl_multi_info_read(p->multi, &left))) {
		char *priv = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		if (attempt_done((struct slot *)priv, p->multi, msg->data.result, o, done, arg, e))
			return -1;
		finished = 1;
	}
	return finished;
}

static int pool_run(struct pool *p, const struct http_opts *o, struct http_req *reqs, size_t n,
		    http_done_fn done, void *arg, struct err *e)
{
	size_t next = 0;

	for (;;) {
		long long wait;
		int running, finished;
		bool busy;

		if (pool_fill(p, reqs, n, &next, &busy, &wait, e))
			return -1;
		if (!busy)
			return 0;
		if (curl_multi_perform(p->multi, &running) != CURLM_OK)
			return errf(e, "libcurl failed");
		finished = pool_drain(p, o, done, arg, e);
		if (finished < 0)
			return -1;
		if (finished)
			continue;
		if (running)
			curl_multi_poll(p->multi, NULL, 0, wait >= 0 && wait < 1000 ? (int)wait : 1000,
					NULL);
		else if (wait > 0)
			usleep((useconds_t)wait * 1000);
	}
}

int http_run(const struct http_opts *o, struct http_req *reqs, size_t n, http_done_fn done,
	     void *arg, struct err *e)
{
	struct pool p = { .nslots = o->concurrency ? o->concurrency : 1 };
	int rc;

	if (n == 0)
		return 0;
	if (p.nslots > n)
		p.nslots = (unsigned int)n;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return errf(e, "cannot initialise libcurl");
	rc = pool_open(&p, o, e) || pool_run(&p, o, reqs, n, done, arg, e) ? -1 : 0;
	pool_close(&p);
	curl_global_cleanup();
	return rc;
}
