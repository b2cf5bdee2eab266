// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "prober.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include "packet.h"
#include "verdict.h"
#include "platform/datapath.h"
#include "util/addr.h"
#include "util/array.h"
#include "util/clock.h"
#include "util/log.h"

#define REFRESH_MS 1000 /* how often the paths are read again (routes change) */
#define PROBE_TARGETS_MAX 32768
/* Sequence numbers' low bits -> target: more than probes can be in flight
 * (max rate x VERDICT_TIMEOUT_MAX_NS). */
#define OWNER_BITS 18

/* A peer's path that a target's verdict applies to. */
struct probe_user {
	struct srv6_peer_key peer;
	__u32 slot;  /* srv6_path_state entry: counters_base / SRV6_MAX_PATHS */
	__u32 index; /* the path's index in the peer */
};

/* One distinct U-turn (the routers of one or more paths), probed once. */
struct probe_target {
	struct srv6_path path;  /* the first path it was made for, for the log */
	struct srv6_path uturn; /* what the probe follows */
	struct srv6_peer_key peer;
	__u16 routers[PROBE_USIDS_MAX]; /* the walk: what the planner's suspects are made of */
	unsigned int nrouters;
	struct probe_user *users; /* none: a dead U-turn kept until it comes back */
	size_t nusers, cap;
	bool carried; /* this refresh found it again */
	struct probe_verdict v; /* its probes and what they say (verdict.h) */
	__u32 changes;          /* down or up, since the prober started */
	__u64 since_ns;         /* CLOCK_BOOTTIME of the last change, 0: never */
};

struct prober {
	struct ctx *c;
	const struct probe_opts *o;
	struct srv6_maps maps;
	struct srv6_config cfg;
	struct probe_home home; /* where probes come back to */
	struct probe_target *t;
	size_t n;
	unsigned int interval_ms; /* o's, or longer to stay under o->max_rate */
	/* What the daemon's planner should go around: made from the verdicts
	 * after each round that changed one, read from the daemon's thread. */
	pthread_mutex_t lock;
	struct suspects suspects;
	bool suspects_stale;
	int tx, rx, sig;
	bool maps_open;
	__u32 next_seq; /* the echo's identifier and sequence number, as one */
	__u64 nonce;    /* this run's, in every probe */
	bool capped; /* more distinct U-turns than PROBE_TARGETS_MAX: the rest not probed */
	__u32 *owner; /* sequence number's low OWNER_BITS -> index + 1 of the target that sent it */
	/* This round's probes, sent with one sendmmsg a batch. */
	struct mmsghdr batch[64];
	struct iovec iov[64];
	struct sockaddr_in6 to[64];
	__u8 frames[64][PROBE_FRAME_MAX];
	unsigned int nbatch;
};

static __u64 boot_ns(void)
{
	return now_ns(CLOCK_BOOTTIME);
}

static void targets_free(struct probe_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].users);
	free(t);
}

static bool target_same(const struct probe_target *t, const struct srv6_path *uturn)
{
	return t->uturn.seg_count == uturn->seg_count &&
	       !memcmp(t->uturn.segs, uturn->segs, sizeof(uturn->segs[0]) * uturn->seg_count);
}

/* Targets by U-turn, so a reading of many paths is linear in them: open
 * addressing over a vector of targets, a slot holds an index + 1. */
struct uturn_index {
	size_t *slot;
	size_t mask;
};

static size_t uturn_hash(const struct srv6_path *u)
{
	const __u8 *b = (const __u8 *)u->segs;
	__u64 h = 14695981039346656037ull; /* FNV-1a */

	for (size_t i = 0; i < sizeof(u->segs[0]) * u->seg_count && i < sizeof(u->segs); i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 32);
}

/* Room for n targets (at most half full). */
static int index_open(struct uturn_index *ix, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	ix->mask = size - 1;
	ix->slot = calloc(size, sizeof(*ix->slot));
	return ix->slot ? 0 : -1;
}

/* The slot where u is, or the empty one where it would go. */
static size_t *index_find(const struct uturn_index *ix, const struct probe_target *v,
			  const struct srv6_path *u)
{
	for (size_t h = uturn_hash(u);; h++) {
		size_t *at = &ix->slot[h & ix->mask];

		if (!*at || target_same(&v[*at - 1], u))
			return at;
	}
}

/* The target of path i of peer (made on first sight), with this user added;
 * a path with no U-turn (not micro-SIDs of our block) is left alone. */
static int target_add(struct prober *p, struct probe_target **v, size_t *n, size_t *cap,
		      const struct uturn_index *ix, const struct srv6_peer_entry *peer, unsigned int i)
{
	struct probe_user u = { peer->key, peer->value.counters_base / SRV6_MAX_PATHS, i };
	struct probe_target *t = NULL;
	struct srv6_path uturn;
	size_t *at;

	if (probe_uturn(&peer->value.paths[i], &p->home, &uturn))
		return 0;
	at = index_find(ix, *v, &uturn);
	if (*at)
		t = &(*v)[*at - 1];
	if (!t) {
		struct probe_target fresh = { .path = peer->value.paths[i], .uturn = uturn,
					      .peer = peer->key };

		probe_routers(&fresh.path, &p->home, fresh.routers, &fresh.nrouters);

		if (*n >= PROBE_TARGETS_MAX) {
			p->capped = true;
			return 0;
		}
		if (!array_append((void **)v, n, cap, &fresh, sizeof(fresh)))
			return -1;
		t = &(*v)[*n - 1];
		*at = *n;
	}
	return array_append((void **)&t->users, &t->nusers, &t->cap, &u, sizeof(u)) ? 0 : -1;
}

/* Whether user u still has a path with t's U-turn there: routes change
 * between two readings of the paths, and a stale verdict must not land on a
 * new path (or on another peer in a reused slot). */
static bool user_current(struct prober *p, const struct probe_target *t,
			 const struct probe_user *u)
{
	struct srv6_peer peer;
	struct srv6_path uturn;

	return srv6_peer_lookup(&p->maps, &u->peer, &peer) == 0 &&
	       peer.counters_base / SRV6_MAX_PATHS == u->slot && u->index < peer.path_count &&
	       u->index < SRV6_MAX_PATHS &&
	       probe_uturn(&peer.paths[u->index], &p->home, &uturn) == 0 &&
	       target_same(t, &uturn);
}

/* Write what t says into each user's srv6_path_state entry. */
static void target_publish(struct prober *p, const struct probe_target *t)
{
	for (size_t i = 0; i < t->nusers; i++) {
		const struct probe_user *u = &t->users[i];
		struct srv6_path_state st;

		if (!user_current(p, t, u) || srv6_path_state_read(&p->maps, u->slot, &st))
			continue;
		if (t->v.down)
			st.down_mask |= 1u << u->index;
		else
			st.down_mask &= ~(1u << u->index);
		st.probes_lost[u->index] = t->v.lost;
		st.changes[u->index] = t->changes;
		st.since_ns[u->index] = t->since_ns;
		st.probes_answered[u->index] = t->v.probes_answered;
		st.rtt_ns_sum[u->index] = t->v.rtt_ns_sum;
		srv6_path_state_write(&p->maps, u->slot, &st);
	}
}

/* The state of the target of the last reading (in old) with t's U-turn, if
 * any, goes to t. */
static void target_carry(struct prober *p, const struct uturn_index *old, struct probe_target *t)
{
	size_t *at = index_find(old, p->t, &t->uturn);
	struct probe_user *users = t->users;
	size_t nusers = t->nusers, cap = t->cap;

	if (!*at)
		return;
	*t = p->t[*at - 1]; /* its state and counters; this reading's users */
	t->users = users;
	t->nusers = nusers;
	t->cap = cap;
	t->carried = false;
	p->t[*at - 1].carried = true;
}

/* Every path of the peers read, as targets into v (one per distinct U-turn). */
static int targets_read(struct prober *p, const struct srv6_peer_entry *peers, size_t npeers,
			struct probe_target **v, size_t *n, size_t *cap)
{
	struct uturn_index ix;
	size_t paths = 0;
	int rc = 0;

	for (size_t i = 0; i < npeers; i++)
		paths += peers[i].value.path_count;
	if (index_open(&ix, paths < PROBE_TARGETS_MAX ? paths : PROBE_TARGETS_MAX))
		return -1;
	for (size_t i = 0; i < npeers && rc == 0; i++)
		for (unsigned int k = 0; k < peers[i].value.path_count && k < SRV6_MAX_PATHS; k++)
			if ((rc = target_add(p, v, n, cap, &ix, &peers[i], k)))
				break;
	free(ix.slot);
	return rc;
}

/* What the last reading knew of each target goes to v's. */
static int targets_carry(struct prober *p, struct probe_target *v, size_t n)
{
	struct uturn_index old;

	if (index_open(&old, p->n))
		return -1;
	for (size_t k = 0; k < p->n; k++)
		*index_find(&old, p->t, &p->t[k].uturn) = k + 1;
	for (size_t i = 0; i < n; i++)
		target_carry(p, &old, &v[i]);
	free(old.slot);
	return 0;
}

/* The interval that keeps the probes under o->max_rate a second (one line
 * when that changes it). */
static void interval_fit(struct prober *p)
{
	unsigned int rate = p->o->max_rate ? p->o->max_rate : PROBE_MAX_RATE_DEFAULT;
	__u64 need = ((__u64)p->n * 1000 + rate - 1) / rate;
	unsigned int iv = need > p->o->interval_ms ? (unsigned int)need : p->o->interval_ms;

	if (iv == p->interval_ms)
		return;
	if (iv > p->o->interval_ms)
		log_event(LOG_LEVEL_WARN, "probe-capped",
			  "dev=%s u_turns=%zu max_rate=%u interval_ms=%u (not %u): a dead path is found after %u ms",
			  p->o->dev, p->n, rate, iv, p->o->interval_ms, iv * (p->o->loss + 1));
	else if (p->interval_ms)
		log_event(LOG_LEVEL_INFO, "probe-capped", "dev=%s u_turns=%zu interval_ms=%u again",
			  p->o->dev, p->n, iv);
	p->interval_ms = iv;
}

/* Read the device's paths again; a segment list seen before keeps its state. */
static int targets_refresh(struct prober *p, struct err *e)
{
	struct srv6_peer_entry *peers = NULL;
	struct probe_target *v = NULL;
	size_t npeers = 0, n = 0, cap = 0, dropped = 0;
	int rc = srv6_peers_dump(&p->maps, &peers, &npeers);

	if (rc)
		return errf(e, "cannot read the peers of %s: %s", p->o->dev, strerror(-rc));
	if (targets_read(p, peers, npeers, &v, &n, &cap) || targets_carry(p, v, n))
		rc = errf(e, "out of memory");
	free(peers);
	if (p->capped && !p->n)
		log_event(LOG_LEVEL_WARN, "probe-capped", "dev=%s only the first %d distinct U-turns are probed",
			  p->o->dev, PROBE_TARGETS_MAX);
	/* A dead U-turn no path uses any more is still probed: when it comes
	 * back, the planner may use its links again. */
	for (size_t k = 0; k < p->n && rc == 0; k++) {
		struct probe_target kept = p->t[k];

		if (!kept.v.down || kept.carried)
			continue;
		if (n >= PROBE_TARGETS_MAX) {
			dropped++;
			continue;
		}
		kept.users = NULL;
		kept.nusers = kept.cap = 0;
		if (!array_append((void **)&v, &n, &cap, &kept, sizeof(kept)))
			rc = errf(e, "out of memory");
	}
	if (dropped)
		log_event(LOG_LEVEL_WARN, "probe-capped",
			  "dev=%s %zu dead U-turns no path uses any more are no longer probed (%d at most)",
			  p->o->dev, dropped, PROBE_TARGETS_MAX);
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* Every second: the RTTs, and the state for peers new to the list. */
		target_publish(p, &v[i]);
		/* Replies on their way find it here now (not a sequence number
		 * so old that a newer probe may have its owner slot). */
		for (int k = 0; k < VERDICT_INFLIGHT; k++)
			if (verdict_waiting(&v[i].v, k) &&
			    p->next_seq - v[i].v.sent[k].seq < (1u << OWNER_BITS))
				p->owner[v[i].v.sent[k].seq & ((1u << OWNER_BITS) - 1)] = (__u32)i + 1;
	}
	if (rc) {
		targets_free(v, n);
		return -1;
	}
	targets_free(p->t, p->n);
	p->t = v;
	p->n = n;
	p->suspects_stale = true;
	interval_fit(p);
	return 0;
}

static void target_log(const struct prober *p, const struct probe_target *t)
{
	char segs[ADDR_SEGS_STR_LEN], peer[ADDR_STR_LEN];

	log_event(t->v.down ? LOG_LEVEL_WARN : LOG_LEVEL_INFO, t->v.down ? "path-down" : "path-up",
		  "dev=%s segs=%s peer=%s probes_lost=%u", p->o->dev, addr_segs_str(&t->path, segs),
		  addr_key_str(&t->peer, peer), t->v.lost);
}

static void batch_flush(struct prober *p)
{
	/* A send error (no route, no neighbour yet) is a lost probe like any
	 * other. Never blocking: probes held for a first hop's neighbour that
	 * does not answer fill the socket's buffer, and a prober waiting there
	 * would judge nothing (nor stop). */
	for (unsigned int done = 0; done < p->nbatch;) {
		int sent = sendmmsg(p->tx, p->batch + done, p->nbatch - done, MSG_DONTWAIT);

		if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break; /* the buffer is full: the rest of this batch is lost */
		/* sendmmsg stops at the first that fails: that one is lost, the
		 * rest still go. */
		done += sent > 0 ? (unsigned int)sent : 1;
	}
	p->nbatch = 0;
}

/* A probe for target index i into this round's batch. */
static void batch_add(struct prober *p, size_t i, __u32 seq)
{
	const struct probe_target *t = &p->t[i];
	unsigned int b = p->nbatch;

	p->iov[b].iov_base = p->frames[b];
	p->iov[b].iov_len = probe_build(&p->home, p->cfg.src, &t->uturn,
					&(struct probe_tag){ (__u16)(seq >> 16), (__u16)seq, p->nonce },
					p->frames[b]);
	p->to[b] = (struct sockaddr_in6){ .sin6_family = AF_INET6 };
	memcpy(&p->to[b].sin6_addr, t->uturn.segs[0], SRV6_ADDR_LEN);
	p->batch[b].msg_hdr = (struct msghdr){ .msg_name = &p->to[b], .msg_namelen = sizeof(p->to[b]),
					       .msg_iov = &p->iov[b], .msg_iovlen = 1 };
	p->owner[seq & ((1u << OWNER_BITS) - 1)] = (__u32)i + 1;
	if (++p->nbatch == ARRAY_SIZE(p->batch))
		batch_flush(p);
}

static struct verdict_opts verdict_opts_of(const struct prober *p)
{
	return (struct verdict_opts){ p->interval_ms * 1000000ull, p->o->loss, p->o->recover };
}

/* A verdict changed: count, log and write it. */
static void target_changed(struct prober *p, struct probe_target *t, enum verdict_change c)
{
	if (c == VERDICT_SAME)
		return;
	t->changes++;
	t->since_ns = boot_ns();
	target_log(p, t);
	target_publish(p, t);
	p->suspects_stale = true;
}

/* Target i's probes past their timeout are lost (a verdict is written when
 * it changes; the loss counts with the round trips, once a second), then a
 * new probe if a slot is free. */
static void target_tick(struct prober *p, size_t i, __u64 now)
{
	struct probe_target *t = &p->t[i];
	struct verdict_opts o = verdict_opts_of(p);

	target_changed(p, t, verdict_judge(&t->v, &o, now));
	if (verdict_send(&t->v, p->next_seq, now))
		batch_add(p, i, p->next_seq++);
}

/* Every probe of ours back home: its target answered. */
static void probes_read(struct prober *p)
{
	__u8 buf[512];
	ssize_t len;

	while ((len = recv(p->rx, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct verdict_opts o = verdict_opts_of(p);
		struct probe_target *t;
		struct probe_tag tag;
		enum verdict_change c;
		__u32 seq, who;
		bool ours;

		if (probe_parse(buf, (size_t)len, &tag) || tag.nonce != p->nonce)
			continue;
		seq = (__u32)tag.id << 16 | tag.seq;
		who = p->owner[seq & ((1u << OWNER_BITS) - 1)];
		if (!who || who > p->n)
			continue;
		t = &p->t[who - 1];
		c = verdict_answer(&t->v, &o, seq, boot_ns(), &ours);
		target_changed(p, t, c);
	}
}

/* The planner's suspects from the verdicts, when one changed (on failure the
 * last ones stay). */
static void suspects_update(struct prober *p)
{
	struct suspects s = { .block = p->suspects.block };
	struct suspect_walk *w = NULL;
	size_t down = 0;

	if (!p->suspects_stale)
		return;
	for (size_t i = 0; i < p->n; i++)
		down += p->t[i].v.down;
	if (down && !(w = calloc(p->n, sizeof(*w))))
		return;
	for (size_t i = 0; i < p->n && down; i++)
		w[i] = (struct suspect_walk){ p->t[i].routers, p->t[i].nrouters, p->t[i].v.down };
	if (down && suspects_find(w, p->n, &s)) {
		free(w);
		return;
	}
	free(w);
	pthread_mutex_lock(&p->lock);
	suspects_free(&p->suspects);
	p->suspects = s;
	pthread_mutex_unlock(&p->lock);
	p->suspects_stale = false;
}

int probe_suspects(struct prober *p, struct suspects *out)
{
	int rc;

	*out = (struct suspects){ .links = NULL };
	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	rc = suspects_copy(&p->suspects, out);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* What ends the prober: the caller's fd, else SIGTERM or SIGINT. */
static int stop_open(struct prober *p)
{
	sigset_t set;

	if (p->o->stop_fd >= 0)
		return dup(p->o->stop_fd);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int sockets_open(struct prober *p, struct err *e)
{
	int bufsize = 8 << 20;
	struct icmp6_filter filter;

	p->sig = stop_open(p);
	/* IPPROTO_RAW: the probe carries its own outer IPv6 header. */
	p->tx = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	/* The probes come back decapsulated: echo requests to this host. */
	p->rx = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (p->sig < 0 || p->tx < 0 || p->rx < 0)
		return errf(e, "cannot open the probe sockets: %s", strerror(errno));
	/* Room for a few intervals of probes coming back while this process waits
	 * for a CPU (root may go past rmem_max). */
	if (setsockopt(p->rx, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof(bufsize)))
		setsockopt(p->rx, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	/* And to send: probes held for a first hop's neighbour that does not
	 * answer must not leave the others no room. */
	if (setsockopt(p->tx, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize, sizeof(bufsize)))
		setsockopt(p->tx, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	ICMP6_FILTER_SETBLOCKALL(&filter);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &filter);
	if (setsockopt(p->rx, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) ||
	    setsockopt(p->tx, SOL_SOCKET, SO_BINDTODEVICE, p->o->dev, (socklen_t)strlen(p->o->dev)))
		return errf(e, "cannot set up the probe sockets on %s: %s", p->o->dev, strerror(errno));
	return 0;
}

/* What this prober took down goes back up: nothing proves it dead any more. */
static void paths_release(struct prober *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (!p->t[i].v.down)
			continue;
		p->t[i].v.down = false;
		target_publish(p, &p->t[i]);
	}
}

void probe_close(struct prober *p)
{
	int fds[3];

	if (!p)
		return;
	paths_release(p);
	fds[0] = p->tx;
	fds[1] = p->rx;
	fds[2] = p->sig;

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	targets_free(p->t, p->n);
	free(p->owner);
	suspects_free(&p->suspects);
	pthread_mutex_destroy(&p->lock);
	if (p->maps_open)
		srv6_maps_close(&p->maps);
	free(p);
}

/* Home: the first decapsulation SID of DEV that takes IPv6 and is micro-SIDs. */
static int home_find(struct prober *p, struct err *e)
{
	struct srv6_sid_entry *sids = NULL;
	size_t n = 0;
	int rc = -1;

	if (p->maps.local_sids_fd < 0)
		return errf(e, "probe: %s was loaded with xdp off: no decap SID for the probes to come back to (unload, then load without xdp off)",
			    p->o->dev);
	if (srv6_sids_dump(&p->maps, &sids, &n) == 0)
		for (size_t i = 0; i < n && rc; i++)
			if ((sids[i].value.action == SRV6_SID_DECAP ||
			     sids[i].value.action == SRV6_SID_DECAP6) &&
			    probe_home_of(&sids[i].key, &p->home) == 0)
				rc = 0;
	free(sids);
	if (rc)
		return errf(e, "probe: %s has no micro-SID decap SID for the probes to come back to (srv6-bpf sid add ... action decap6)",
			    p->o->dev);
	if (p->o->has_function && probe_home_function(&p->home, p->o->function))
		return errf(e, "probe: %s's decap SID has no room for the function micro-SID %x after it",
			    p->o->dev, p->o->function);
	memcpy(p->home.addr, p->cfg.src, SRV6_ADDR_LEN);
	memcpy(p->suspects.block.prefix, p->home.block, sizeof(p->home.block));
	p->suspects.block.bits = 8 * sizeof(p->home.block);
	p->home.hop_limit = p->cfg.hop_limit;
	return 0;
}

int probe_open(struct ctx *c, const struct probe_opts *o, struct prober **out, struct err *e)
{
	struct prober *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return errf(e, "out of memory");
	*p = (struct prober){ .c = c, .o = o, .tx = -1, .rx = -1, .sig = -1 };
	pthread_mutex_init(&p->lock, NULL);
	p->owner = calloc(1u << OWNER_BITS, sizeof(*p->owner));
	if (getrandom(&p->nonce, sizeof(p->nonce), 0) != sizeof(p->nonce))
		p->nonce = boot_ns() ^ (__u64)getpid() << 32;
	if (!p->owner) {
		probe_close(p);
		return errf(e, "out of memory");
	}
	if (dp_open(c, o->dev, &p->maps, e)) {
		probe_close(p);
		return -1;
	}
	p->maps_open = true;
	if (srv6_config_read(&p->maps, &p->cfg)) {
		probe_close(p);
		return errf(e, "cannot read the config of %s", o->dev);
	}
	if (home_find(p, e) || sockets_open(p, e)) {
		probe_close(p);
		return -1;
	}
	*out = p;
	return 0;
}

static int probe_rounds(struct prober *p, struct err *e)
{
	__u64 next_tick = boot_ns(), next_refresh = 0;

	for (;;) {
		struct pollfd fds[] = { { p->rx, POLLIN, 0 }, { p->sig, POLLIN, 0 } };
		__u64 now = boot_ns(), wake;

		if (now >= next_refresh) {
			if (targets_refresh(p, e))
				return -1;
			next_refresh = now + REFRESH_MS * 1000000ull;
		}
		if (now >= next_tick) {
			/* What came back while this process was not running counts:
			 * read it before judging, so a busy host is no lost probe. */
			probes_read(p);
			for (size_t i = 0; i < p->n; i++)
				target_tick(p, i, now);
			batch_flush(p);
			suspects_update(p);
			next_tick += p->interval_ms * 1000000ull;
			if (next_tick < now) /* we fell behind: no burst to catch up */
				next_tick = now + p->interval_ms * 1000000ull;
			continue;
		}
		wake = next_tick < next_refresh ? next_tick : next_refresh;
		if (poll(fds, ARRAY_SIZE(fds), (int)((wake - now + 999999) / 1000000)) < 0 &&
		    errno != EINTR)
			return errf(e, "poll: %s", strerror(errno));
		if (fds[1].revents)
			return 0;
		probes_read(p);
		suspects_update(p);
	}
}

int probe_loop(struct prober *p, struct err *e)
{
	int rc;

	log_event(LOG_LEVEL_INFO, "probe-start", "dev=%s interval_ms=%u loss=%u recover=%u max_rate=%u",
		  p->o->dev, p->o->interval_ms, p->o->loss, p->o->recover,
		  p->o->max_rate ? p->o->max_rate : PROBE_MAX_RATE_DEFAULT);
	rc = probe_rounds(p, e);
	if (rc) {
		/* Nothing will judge the paths any more: up, and nothing for the
		 * planner to avoid. */
		paths_release(p);
		pthread_mutex_lock(&p->lock);
		suspects_free(&p->suspects);
		pthread_mutex_unlock(&p->lock);
	}
	log_event(LOG_LEVEL_INFO, "probe-stop", "dev=%s", p->o->dev);
	return rc;
}

int probe_run(struct ctx *c, const struct probe_opts *o, struct err *e)
{
	struct prober *p;
	int rc = probe_open(c, o, &p, e);

	if (rc == 0) {
		rc = probe_loop(p, e);
		probe_close(p);
	}
	return rc;
}
