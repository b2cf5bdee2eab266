/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Userspace access to the pinned srv6-bpf maps: open by pin directory, read and
 * batch-write peers, sum per-CPU counters. No policy here; the loader decides.
 */
#ifndef SRV6_MAPS_H
#define SRV6_MAPS_H

#include <stddef.h>
#include <stdbool.h>
#include "srv6_bpf.h"

struct srv6_maps {
	int peers_fd;
	int path_ctrs_fd;
	int path_state_fd;
	int encap_ctrs_fd;
	int config_fd;
	/* The decapsulation program's maps; -1 when it was not loaded (xdp off). */
	int local_sids_fd;
	int sid_ctrs_fd;
	int decap_ctrs_fd;
	__u32 peers_max;
	__u32 path_ctrs_max;
};

struct srv6_sid_entry {
	struct srv6_sid_key key;
	struct srv6_local_sid value;
};

struct srv6_peer_entry {
	struct srv6_peer_key key;
	struct srv6_peer value;
};

/* Opens every map pinned in pin_dir. Returns 0 or -errno (-ENOENT: not loaded;
 * -EPROTO: a map's layout is not this build's, the pins come from another
 * version of srv6-bpf). */
int srv6_maps_open(const char *pin_dir, struct srv6_maps *maps);
void srv6_maps_close(struct srv6_maps *maps);

int srv6_config_read(const struct srv6_maps *maps, struct srv6_config *cfg);
/* The config pinned in pin_dir alone, whatever the other maps' layouts (unload
 * of another version's datapath needs only it): 0, or -errno (-EPROTO: its own
 * layout differs). */
int srv6_config_read_pinned(const char *pin_dir, struct srv6_config *cfg);
int srv6_config_write(const struct srv6_maps *maps, const struct srv6_config *cfg);

/* 0 and *value filled, -ENOENT when absent, other -errno on failure. */
int srv6_peer_lookup(const struct srv6_maps *maps, const struct srv6_peer_key *key,
		     struct srv6_peer *value);

/* Every peer, in map order. *entries is malloc'ed; free() it. */
int srv6_peers_dump(const struct srv6_maps *maps, struct srv6_peer_entry **entries,
		    size_t *count);

/* Writes n entries with bpf_map_update_batch where the kernel has it, in
 * chunks of SRV6_PEERS_CHUNK (a batch's buffers are copied; fresh memory is
 * what a big batch pays for most). Each element is replaced atomically
 * (readers see the old or the new value). On failure some chunks may have
 * been written: the caller restores. */
#define SRV6_PEERS_CHUNK 128
int srv6_peers_update_kv(const struct srv6_maps *maps, const struct srv6_peer_key *keys,
			 const struct srv6_peer *values, size_t n);
int srv6_peers_update(const struct srv6_maps *maps, const struct srv6_peer_entry *entries,
		      size_t n);
int srv6_peers_delete(const struct srv6_maps *maps, const struct srv6_peer_key *keys,
		      size_t n);

/* Local SIDs (needs the decap maps). */
int srv6_sids_dump(const struct srv6_maps *maps, struct srv6_sid_entry **entries, size_t *count);
int srv6_sid_update(const struct srv6_maps *maps, const struct srv6_sid_entry *entry, bool create);
int srv6_sid_delete(const struct srv6_maps *maps, const struct srv6_sid_key *key);

/* Sum over CPUs. */
int srv6_path_ctrs_read(const struct srv6_maps *maps, __u32 index,
			struct srv6_path_counters *sum);
/* Zero many entries with batched updates. */
int srv6_path_ctrs_zero_many(const struct srv6_maps *maps, const __u32 *indexes, size_t n);

/* A peer slot's path liveness (srv6_path_state; slot = counters_base / SRV6_MAX_PATHS). */
int srv6_path_state_read(const struct srv6_maps *maps, __u32 slot, struct srv6_path_state *st);
int srv6_path_state_write(const struct srv6_maps *maps, __u32 slot,
			  const struct srv6_path_state *st);
/* Every path up, never changed: the slots of new peers. */
int srv6_path_state_reset_many(const struct srv6_maps *maps, const __u32 *slots, size_t n);
int srv6_encap_ctrs_read(const struct srv6_maps *maps, struct srv6_encap_counters *sum);
int srv6_sid_ctrs_read(const struct srv6_maps *maps, __u32 index, struct srv6_sid_counters *sum);
int srv6_sid_ctrs_zero(const struct srv6_maps *maps, __u32 index);
int srv6_decap_ctrs_read(const struct srv6_maps *maps, struct srv6_decap_counters *sum);

/* Counter slots: peer slot s owns path counters s * SRV6_MAX_PATHS ... + 7. */
static inline __u32 srv6_slot_of(const struct srv6_peer *peer)
{
	return peer->counters_base / SRV6_MAX_PATHS;
}

#endif
