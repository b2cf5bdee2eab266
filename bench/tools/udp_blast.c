// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * udp-blast: send UDP datagrams of one size as fast as sendmmsg(2) goes, for
 * a fixed time, and say how many left. The in-situ benchmark (bench/insitu)
 * drives the TC egress hook with it: every datagram is one skb through the
 * hook, built by the kernel's UDP stack like any application's.
 *
 *   udp-blast --dst ADDR [--port N] [--size BYTES] [--seconds S] [--batch N]
 *             [--cpu N] [--json FILE]
 *
 * One connected socket; each sendmmsg call sends --batch messages of --size
 * payload bytes (the same buffer). ENOBUFS/EAGAIN (a full queue) and
 * ECONNREFUSED (an ICMP error from an earlier datagram) are counted and the
 * loop goes on; any other error ends it with status 1.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cjson/cJSON.h>
#include "command.h"

#define MAX_BATCH 1024
#define MAX_SIZE 65507

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: udp-blast --dst ADDR [--port N] [--size BYTES] [--seconds S] [--batch N]\n"
	      "                 [--cpu N] [--json FILE]\n"
	      "Sends UDP datagrams of BYTES payload (default 64) to ADDR (IPv6 or IPv4),\n"
	      "port N (default 9), for S seconds (default 3), BATCH (default 64) per\n"
	      "sendmmsg call, optionally pinned to CPU N; prints packets, seconds and pps.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct mmsghdr msgs[MAX_BATCH];
	static char payload[MAX_SIZE];
	unsigned long port = 9, size = 64, seconds = 3, batch = 64, cpu = 0;
	unsigned long long sent = 0, calls = 0, full = 0, refused = 0;
	const char *dst = NULL, *json_path = NULL;
	struct sockaddr_storage ss = { 0 };
	socklen_t ss_len;
	struct iovec iov;
	double t0, t1, end;
	bool pin = false;
	int c, li = 0, fd, rc = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
		switch (c) {
		case 'd': dst = optarg; break;
		case 'p':
			if (parse_uint(optarg, 1, 65535, &port))
				goto bad;
			break;
		case 's':
			if (parse_uint(optarg, 1, MAX_SIZE, &size))
				goto bad;
			break;
		case 't':
			if (parse_uint(optarg, 1, 3600, &seconds))
				goto bad;
			break;
		case 'b':
			if (parse_uint(optarg, 1, MAX_BATCH, &batch))
				goto bad;
			break;
		case 'c':
			if (parse_uint(optarg, 0, CPU_SETSIZE - 1, &cpu))
				goto bad;
			pin = true;
			break;
		case 'j': json_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (!dst || optind != argc) {
		usage(stderr);
		return 1;
	}
	if (inet_pton(AF_INET6, dst, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)port);
		ss_len = sizeof(*a);
	} else if (inet_pton(AF_INET, dst, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)port);
		ss_len = sizeof(*a);
	} else {
		fprintf(stderr, "udp-blast: %s is not an IPv6 or IPv4 address\n", dst);
		return 1;
	}
	if (pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET((int)cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "udp-blast: cannot pin to CPU %lu: %s\n", cpu, strerror(errno));
			return 1;
		}
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, ss_len)) {
		fprintf(stderr, "udp-blast: cannot connect to %s port %lu: %s\n", dst, port,
			strerror(errno));
		return 1;
	}
	memset(payload, 0xa5, size);
	iov.iov_base = payload;
	iov.iov_len = size;
	for (unsigned long i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	t0 = now_s();
	end = t0 + (double)seconds;
	do {
		int n = sendmmsg(fd, msgs, (unsigned int)batch, 0);

		calls++;
		if (n > 0) {
			sent += (unsigned long long)n;
		} else if (errno == ENOBUFS || errno == EAGAIN) {
			full++;
		} else if (errno == ECONNREFUSED) {
			refused++;
		} else if (errno != EINTR) {
			fprintf(stderr, "udp-blast: sendmmsg: %s\n", strerror(errno));
			rc = 1;
			break;
		}
	} while ((t1 = now_s()) < end);
	t1 = now_s();
	close(fd);

	cJSON *out = cJSON_CreateObject();

	cJSON_AddStringToObject(out, "dst", dst);
	cJSON_AddNumberToObject(out, "port", (double)port);
	cJSON_AddNumberToObject(out, "size", (double)size);
	cJSON_AddNumberToObject(out, "batch", (double)batch);
	cJSON_AddNumberToObject(out, "packets", (double)sent);
	cJSON_AddNumberToObject(out, "seconds", t1 - t0);
	cJSON_AddNumberToObject(out, "pps", (double)sent / (t1 - t0));
	cJSON_AddNumberToObject(out, "calls", (double)calls);
	cJSON_AddNumberToObject(out, "queue_full", (double)full);
	cJSON_AddNumberToObject(out, "refused", (double)refused);
	if (bench_json_write("udp-blast", json_path, out))
		rc = 1;
	cJSON_Delete(out);
	return rc;
bad:
	fprintf(stderr, "udp-blast: bad value for --%s: %s\n", longopts[li].name, optarg);
	usage(stderr);
	return 1;
}
