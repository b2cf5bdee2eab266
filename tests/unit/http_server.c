// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The unit tests' HTTP server (see http_server.h). */
#include "http_server.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "util/array.h"

struct uts_conn {
	struct uts_server *s;
	int fd;
	pthread_t thread;
	struct uts_conn *next;
};

static bool stopping(struct uts_server *s)
{
	bool v;

	pthread_mutex_lock(&s->lock);
	v = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return v;
}

/* Sleep, but wake early when the server stops. */
static void sleep_ms(struct uts_server *s, unsigned int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000000 };

	for (unsigned int t = 0; t < ms && !stopping(s); t += 10)
		nanosleep(&ts, NULL);
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static unsigned int count_path(struct uts_server *s, const char *target)
{
	size_t len = strcspn(target, "?");
	unsigned int n = 0;

	pthread_mutex_lock(&s->lock);
	s->requests++;
	for (size_t i = 0; i < s->npaths; i++) {
		if (strlen(s->paths[i].path) == len && !strncmp(s->paths[i].path, target, len)) {
			n = ++s->paths[i].n;
			break;
		}
	}
	if (!n && s->npaths < ARRAY_SIZE(s->paths) && len < sizeof(s->paths[0].path)) {
		memcpy(s->paths[s->npaths].path, target, len);
		s->paths[s->npaths].path[len] = '\0';
		n = s->paths[s->npaths++].n = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Answer one request; false: close the connection. */
static bool serve_one(struct uts_server *s, int fd, const char *target, const char *headers)
{
	struct uts_reply r = { .action = UTS_ANSWER, .status = 200, .body = "",
			       .content_type = "application/json" };
	unsigned int n = count_path(s, target);
	char head[512];
	size_t len;

	s->handler(target, headers, n, s->arg, &r);
	len = r.body_len ? r.body_len : strlen(r.body);
	switch (r.action) {
	case UTS_CLOSE:
		return false;
	case UTS_SLOW:
		sleep_ms(s, r.delay_ms);
		break;
	case UTS_HUGE: {
		char chunk[4096];
		size_t left = r.huge;

		memset(chunk, 'x', sizeof(chunk));
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %zu\r\n\r\n",
			 r.huge);
		if (!send_all(fd, head, strlen(head)))
			return false;
		while (left) {
			size_t k = left < sizeof(chunk) ? left : sizeof(chunk);

			if (!send_all(fd, chunk, k))
				return false;
			left -= k;
		}
		return true;
	}
	case UTS_TRUNCATE:
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\ncontent-type: %s\r\ncontent-length: %zu\r\n\r\n",
			 r.content_type, len);
		send_all(fd, head, strlen(head));
		send_all(fd, r.body, len / 2);
		return false;
	case UTS_ANSWER:
		break;
	}
	snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\ncontent-type: %s\r\ncontent-length: %zu\r\n\r\n",
		 r.status, r.content_type, len);
	return send_all(fd, head, strlen(head)) && send_all(fd, r.body, len);
}

static void *conn_main(void *arg)
{
	struct uts_conn *c = arg;
	char buf[16384];
	size_t have = 0;

	for (;;) {
		char *end = memmem(buf, have, "\r\n\r\n", 4), target[2048], *sp1, *sp2;
		size_t used;
		ssize_t r;

		if (!end) {
			if (have == sizeof(buf))
				break;
			r = recv(c->fd, buf + have, sizeof(buf) - have, 0);
			if (r <= 0)
				break;
			have += (size_t)r;
			continue;
		}
		*end = '\0';
		used = (size_t)(end - buf) + 4;
		sp1 = strchr(buf, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp2 || (size_t)(sp2 - sp1 - 1) >= sizeof(target))
			break;
		memcpy(target, sp1 + 1, (size_t)(sp2 - sp1 - 1));
		target[sp2 - sp1 - 1] = '\0';
		if (!serve_one(c->s, c->fd, target, buf))
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	shutdown(c->fd, SHUT_RDWR);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct uts_server *s = arg;

	for (;;) {
		int fd = accept(s->fd, NULL, NULL);
		struct uts_conn *c;

		if (fd < 0 || stopping(s)) {
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		c = calloc(1, sizeof(*c));
		cr_assert(c);
		c->s = s;
		c->fd = fd;
		pthread_mutex_lock(&s->lock);
		s->connections++;
		c->next = s->conns;
		s->conns = c;
		cr_assert_eq(pthread_create(&c->thread, NULL, conn_main, c), 0);
		pthread_mutex_unlock(&s->lock);
	}
}

void uts_stop(struct uts_server *s)
{
	struct uts_conn *c;

	if (!s->handler)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	for (c = s->conns; c; c = c->next)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&s->lock);
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->fd);
	while ((c = s->conns)) {
		s->conns = c->next;
		pthread_join(c->thread, NULL);
		close(c->fd);
		free(c);
	}
	pthread_mutex_destroy(&s->lock);
	s->handler = NULL;
}

void uts_start(struct uts_server *s, uts_handler handler, void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->handler = handler;
	s->arg = arg;
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(s->fd >= 0);
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s->fd, 128), 0);
	cr_assert_eq(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	cr_assert_eq(pthread_create(&s->thread, NULL, accept_main, s), 0);
}

unsigned int uts_count(struct uts_server *s, const char *path)
{
	unsigned int n = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->npaths; i++)
		if (!strcmp(s->paths[i].path, path))
			n = s->paths[i].n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

const char *uts_url(const struct uts_server *s, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "http://127.0.0.1:%d%s", s->port, suffix);
	return buf;
}

int uts_closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	close(fd);
	return ntohs(a.sin_port);
}
