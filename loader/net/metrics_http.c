// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "util/addr.h"

struct metrics_http {
	struct MHD_Daemon *daemon;
	struct metrics_http_ops ops;
};

int metrics_listen_parse(const char *listen, void *sockaddr, unsigned int *len, struct err *e)
{
	struct sockaddr_in6 *sin6 = sockaddr;
	struct sockaddr_in *sin = sockaddr;
	const char *colon = strrchr(listen ? listen : "", ':');
	char host[ADDR_STR_LEN + 2];
	unsigned long port;
	size_t hlen;

	if (!colon || parse_uint(colon + 1, 1, 65535, &port))
		return errf(e, "invalid --metrics \"%s\": give ADDR:PORT, [IPV6]:PORT or :PORT",
			    listen ? listen : "");
	hlen = (size_t)(colon - listen);
	if (hlen >= 2 && listen[0] == '[' && listen[hlen - 1] == ']') {
		listen++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return errf(e, "invalid --metrics \"%s\": address too long", listen);
	memcpy(host, listen, hlen);
	host[hlen] = '\0';
	memset(sockaddr, 0, sizeof(struct sockaddr_in6));
	if (hlen == 0 || inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		/* Every address, IPv4 too (IPV6_V6ONLY off), when none is given. */
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*sin6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		*len = sizeof(*sin);
		return 0;
	}
	return errf(e, "invalid --metrics \"%s\": \"%s\" is not an IP address", listen, host);
}

static enum MHD_Result answer(struct MHD_Response *r, struct MHD_Connection *conn,
			      unsigned int status, const char *type)
{
	enum MHD_Result rc;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result text(struct MHD_Connection *conn, unsigned int status, const char *body)
{
	return answer(MHD_create_response_from_buffer(strlen(body), (void *)body,
						      MHD_RESPMEM_PERSISTENT),
		      conn, status, "text/plain; charset=utf-8");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct metrics_http *srv = cls;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	(void)version, (void)upload, (void)state;
	if (*upload_size)
		return MHD_NO;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (!strcmp(url, "/healthz"))
		return text(conn, MHD_HTTP_OK, "ok\n");
	if (!strcmp(url, "/readyz"))
		return srv->ops.ready(srv->ops.arg) ? text(conn, MHD_HTTP_OK, "ready\n")
						    : text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
							   "not synced yet or last sync failed\n");
	if (strcmp(url, "/metrics"))
		return text(conn, MHD_HTTP_NOT_FOUND, "not found: /metrics, /healthz, /readyz\n");
	out = open_memstream(&buf, &len);
	if (!out)
		return text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	rc = srv->ops.render(out, srv->ops.arg);
	fclose(out);
	if (rc) {
		free(buf);
		return text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the datapath\n");
	}
	return answer(MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE), conn,
		      MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8");
}

int metrics_http_start(struct metrics_http **out, const char *listen,
		       const struct metrics_http_ops *ops, struct err *e)
{
	struct sockaddr_in6 addr;
	unsigned int len;
	struct metrics_http *srv;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (metrics_listen_parse(listen, &addr, &len, e))
		return -1;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return errf(e, "out of memory");
	srv->ops = *ops;
	if (addr.sin6_family == AF_INET6)
		flags |= MHD_USE_DUAL_STACK;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR, &addr,
				       MHD_OPTION_CONNECTION_LIMIT, 16U,
				       MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	if (!srv->daemon) {
		free(srv);
		return errf(e, "cannot serve metrics on %s (address in use or not local?)", listen);
	}
	*out = srv;
	return 0;
}

void metrics_http_stop(struct metrics_http *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	free(srv);
}
