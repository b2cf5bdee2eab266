// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "srv6_maps.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "util/array.h"

/* The kernel answers ENOTSUPP (524, not in libc) for batch ops a map type lacks. */
#define KERNEL_ENOTSUPP 524

static bool batch_unsupported(int err)
{
	return err == -EINVAL || err == -KERNEL_ENOTSUPP || err == -EOPNOTSUPP;
}

static int open_pinned(const char *dir, const char *name, int *fd)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	*fd = bpf_obj_get(path);
	return *fd < 0 ? -errno : 0;
}

static int map_max_entries(int fd, __u32 *max)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*max = info.max_entries;
	return 0;
}

/* -EPROTO when the pinned map's values are not value_size bytes. */
static int map_value_size_is(int fd, __u32 value_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	return info.value_size == value_size ? 0 : -EPROTO;
}

static void close_fds(int **fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* A map that older versions did not pin: its absence beside the others means
 * pins of another version (-EPROTO), not a missing datapath. */
static int open_pinned_since(const char *pin_dir, const char *name, int *fd)
{
	int err = open_pinned(pin_dir, name, fd);

	return err == -ENOENT ? -EPROTO : err;
}

int srv6_maps_open(const char *pin_dir, struct srv6_maps *maps)
{
	int err;

	maps->peers_fd = maps->path_ctrs_fd = maps->encap_ctrs_fd = maps->config_fd = -1;
	maps->path_state_fd = -1;
	maps->local_sids_fd = maps->sid_ctrs_fd = maps->decap_ctrs_fd = -1;
	if ((err = open_pinned(pin_dir, SRV6_MAP_PEERS, &maps->peers_fd)) ||
	    (err = open_pinned(pin_dir, SRV6_MAP_PATH_CTRS, &maps->path_ctrs_fd)) ||
	    (err = open_pinned_since(pin_dir, SRV6_MAP_PATH_STATE, &maps->path_state_fd)) ||
	    (err = open_pinned(pin_dir, SRV6_MAP_ENCAP_CTRS, &maps->encap_ctrs_fd)) ||
	    (err = open_pinned(pin_dir, SRV6_MAP_CONFIG, &maps->config_fd)) ||
	    (err = map_max_entries(maps->peers_fd, &maps->peers_max)) ||
	    (err = map_max_entries(maps->path_ctrs_fd, &maps->path_ctrs_max)) ||
	    (err = map_value_size_is(maps->peers_fd, sizeof(struct srv6_peer))) ||
	    (err = map_value_size_is(maps->path_ctrs_fd, sizeof(struct srv6_path_counters))) ||
	    (err = map_value_size_is(maps->path_state_fd, sizeof(struct srv6_path_state))) ||
	    (err = map_value_size_is(maps->encap_ctrs_fd, sizeof(struct srv6_encap_counters))) ||
	    (err = map_value_size_is(maps->config_fd, sizeof(struct srv6_config)))) {
		srv6_maps_close(maps);
		return err;
	}
	/* All three or none: a datapath loaded with `xdp off` has no decap maps. */
	if (open_pinned(pin_dir, SRV6_MAP_LOCAL_SIDS, &maps->local_sids_fd) ||
	    open_pinned(pin_dir, SRV6_MAP_SID_CTRS, &maps->sid_ctrs_fd) ||
	    open_pinned(pin_dir, SRV6_MAP_DECAP_CTRS, &maps->decap_ctrs_fd))
		close_fds((int *[]){ &maps->local_sids_fd, &maps->sid_ctrs_fd, &maps->decap_ctrs_fd }, 3);
	else if ((err = map_value_size_is(maps->local_sids_fd, sizeof(struct srv6_local_sid))) ||
		 (err = map_value_size_is(maps->decap_ctrs_fd, sizeof(struct srv6_decap_counters)))) {
		srv6_maps_close(maps);
		return err;
	}
	return 0;
}

void srv6_maps_close(struct srv6_maps *maps)
{
	int *fds[] = { &maps->peers_fd,	&maps->path_ctrs_fd, &maps->path_state_fd, &maps->encap_ctrs_fd,
		       &maps->config_fd,	&maps->local_sids_fd, &maps->sid_ctrs_fd,
		       &maps->decap_ctrs_fd };

	close_fds(fds, ARRAY_SIZE(fds));
}

int srv6_config_read_pinned(const char *pin_dir, struct srv6_config *cfg)
{
	__u32 zero = 0;
	int fd, err = open_pinned(pin_dir, SRV6_MAP_CONFIG, &fd);

	if (err)
		return err;
	err = map_value_size_is(fd, sizeof(*cfg));
	if (!err && bpf_map_lookup_elem(fd, &zero, cfg))
		err = -errno;
	close(fd);
	return err;
}

int srv6_config_read(const struct srv6_maps *maps, struct srv6_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(maps->config_fd, &zero, cfg) ? -errno : 0;
}

int srv6_config_write(const struct srv6_maps *maps, const struct srv6_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(maps->config_fd, &zero, cfg, BPF_ANY) ? -errno : 0;
}

/* Fallback for kernels without batch ops on this map type. */
static int peers_dump_iter(const struct srv6_maps *maps, struct srv6_peer_entry *out,
			   size_t cap, size_t *count)
{
	struct srv6_peer_key key, next;
	void *prev = NULL;
	size_t n = 0;

	while (n < cap && bpf_map_get_next_key(maps->peers_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(maps->peers_fd, &next, &out[n].value) == 0) {
			out[n].key = next;
			n++;
		}
		key = next;
		prev = &key;
	}
	*count = n;
	return 0;
}

/* Peers fetched per bpf_map_lookup_batch call. */
#define DUMP_CHUNK 4096

int srv6_peer_lookup(const struct srv6_maps *maps, const struct srv6_peer_key *key,
		     struct srv6_peer *value)
{
	return bpf_map_lookup_elem(maps->peers_fd, key, value) ? -errno : 0;
}

int srv6_peers_dump(const struct srv6_maps *maps, struct srv6_peer_entry **entries,
		    size_t *count)
{
	struct srv6_peer_key *keys = malloc(DUMP_CHUNK * sizeof(*keys));
	struct srv6_peer *values = malloc(DUMP_CHUNK * sizeof(*values));
	struct srv6_peer_entry *out = NULL;
	size_t n = 0, cap = 0;
	__u32 batch = 0;
	bool first = true, last = false;
	int err = 0;

	*entries = NULL;
	*count = 0;
	if (!keys || !values) {
		err = -ENOMEM;
		goto done;
	}
	while (!last) {
		__u32 got = DUMP_CHUNK;
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		if (bpf_map_lookup_batch(maps->peers_fd, first ? NULL : &batch, &batch, keys, values,
					 &got, &opts)) {
			err = -errno;
			if (err != -ENOENT)
				break;
			err = 0;
			last = true; /* ENOENT: this was the final batch */
		}
		first = false;
		if (n + got > cap) {
			size_t ncap = cap ? cap * 2 : DUMP_CHUNK;
			struct srv6_peer_entry *nout;

			while (ncap < n + got)
				ncap *= 2;
			nout = realloc(out, ncap * sizeof(*out));
			if (!nout) {
				err = -ENOMEM;
				break;
			}
			out = nout;
			cap = ncap;
		}
		for (__u32 i = 0; i < got; i++) {
			out[n].key = keys[i];
			out[n++].value = values[i];
		}
	}
	if (batch_unsupported(err)) {
		free(out);
		out = calloc(maps->peers_max ? maps->peers_max : 1, sizeof(*out));
		err = out ? peers_dump_iter(maps, out, maps->peers_max, &n) : -ENOMEM;
	}
done:
	free(keys);
	free(values);
	if (err) {
		free(out);
		return err;
	}
	*entries = out;
	*count = n;
	return 0;
}

int srv6_peers_update_kv(const struct srv6_maps *maps, const struct srv6_peer_key *keys,
			 const struct srv6_peer *values, size_t n)
{
	__u32 count = (__u32)n;
	int err;

	if (n == 0)
		return 0;
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	if (bpf_map_update_batch(maps->peers_fd, keys, values, &count, &opts) == 0)
		return 0;
	err = -errno;
	if (!batch_unsupported(err))
		return err;
	/* No batch support: one element at a time, from where the batch stopped. */
	for (size_t i = count; i < n; i++) {
		if (bpf_map_update_elem(maps->peers_fd, &keys[i], &values[i], BPF_ANY))
			return -errno;
	}
	return 0;
}

int srv6_peers_update(const struct srv6_maps *maps, const struct srv6_peer_entry *entries,
		      size_t n)
{
	size_t chunk = n < SRV6_PEERS_CHUNK ? n : SRV6_PEERS_CHUNK;
	struct srv6_peer_key *keys;
	struct srv6_peer *values;
	int err = 0;

	if (n == 0)
		return 0;
	keys = calloc(chunk, sizeof(*keys));
	values = calloc(chunk, sizeof(*values));
	if (!keys || !values) {
		err = -ENOMEM;
		goto done;
	}
	for (size_t start = 0; start < n && !err; start += chunk) {
		size_t k = n - start < chunk ? n - start : chunk;

		for (size_t i = 0; i < k; i++) {
			keys[i] = entries[start + i].key;
			values[i] = entries[start + i].value;
		}
		err = srv6_peers_update_kv(maps, keys, values, k);
	}
done:
	free(keys);
	free(values);
	return err;
}

int srv6_peers_delete(const struct srv6_maps *maps, const struct srv6_peer_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_delete_elem(maps->peers_fd, &keys[i]) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

/*
 * Sum a per-CPU value made only of __u64 counters. The kernel hands back one
 * copy per possible CPU, each 8-byte aligned, which such a struct already is.
 */
static int percpu_sum_u64(int fd, __u32 index, __u64 *sum, size_t fields)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	__u64 *per_cpu;

	if (ncpus <= 0)
		return -EINVAL;
	per_cpu = calloc((size_t)ncpus * fields, sizeof(__u64));
	if (!per_cpu)
		return -ENOMEM;
	memset(sum, 0, fields * sizeof(__u64));
	if (bpf_map_lookup_elem(fd, &index, per_cpu))
		err = -errno;
	for (int cpu = 0; !err && cpu < ncpus; cpu++)
		for (size_t f = 0; f < fields; f++)
			sum[f] += per_cpu[(size_t)cpu * fields + f];
	free(per_cpu);
	return err;
}

#define U64_FIELDS(type) (sizeof(type) / sizeof(__u64))

int srv6_path_ctrs_read(const struct srv6_maps *maps, __u32 index,
			struct srv6_path_counters *sum)
{
	return percpu_sum_u64(maps->path_ctrs_fd, index, (__u64 *)sum,
			      U64_FIELDS(struct srv6_path_counters));
}

int srv6_encap_ctrs_read(const struct srv6_maps *maps, struct srv6_encap_counters *sum)
{
	return percpu_sum_u64(maps->encap_ctrs_fd, 0, (__u64 *)sum,
			      U64_FIELDS(struct srv6_encap_counters));
}

int srv6_sid_ctrs_read(const struct srv6_maps *maps, __u32 index, struct srv6_sid_counters *sum)
{
	return percpu_sum_u64(maps->sid_ctrs_fd, index, (__u64 *)sum,
			      U64_FIELDS(struct srv6_sid_counters));
}

int srv6_decap_ctrs_read(const struct srv6_maps *maps, struct srv6_decap_counters *sum)
{
	return percpu_sum_u64(maps->decap_ctrs_fd, 0, (__u64 *)sum,
			      U64_FIELDS(struct srv6_decap_counters));
}

/* Entries per batch: bounds the zero buffer at 4096 x CPUs x 24 bytes. */
#define ZERO_BATCH 4096

/* Zero the entries indexes of an array map whose entries (all CPUs' copies
 * for a per-CPU map) take entry_size bytes, with batched updates where the
 * kernel has them. */
static int zero_many(int fd, const __u32 *indexes, size_t n, size_t entry_size)
{
	void *zeros = calloc(n && n < ZERO_BATCH ? n : ZERO_BATCH, entry_size);
	int err = 0;

	if (!zeros)
		return -ENOMEM;
	for (size_t done = 0; done < n && !err;) {
		__u32 count = (__u32)(n - done < ZERO_BATCH ? n - done : ZERO_BATCH);
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		if (bpf_map_update_batch(fd, indexes + done, zeros, &count, &opts)) {
			err = -errno;
			if (!batch_unsupported(err))
				break;
			/* One at a time, from where the batch stopped. */
			err = 0;
			for (size_t i = done + count; i < n && !err; i++)
				if (bpf_map_update_elem(fd, &indexes[i], zeros, BPF_ANY))
					err = -errno;
			break;
		}
		done += count;
	}
	free(zeros);
	return err;
}

/* zero_many for a per-CPU array of value_size values: every CPU's copy. */
static int percpu_zero_many(int fd, const __u32 *indexes, size_t n, size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();

	return ncpus <= 0 ? -EINVAL : zero_many(fd, indexes, n, (size_t)ncpus * value_size);
}

int srv6_path_ctrs_zero_many(const struct srv6_maps *maps, const __u32 *indexes, size_t n)
{
	return percpu_zero_many(maps->path_ctrs_fd, indexes, n, sizeof(struct srv6_path_counters));
}

int srv6_path_state_read(const struct srv6_maps *maps, __u32 slot, struct srv6_path_state *st)
{
	return bpf_map_lookup_elem(maps->path_state_fd, &slot, st) ? -errno : 0;
}

int srv6_path_state_write(const struct srv6_maps *maps, __u32 slot,
			  const struct srv6_path_state *st)
{
	return bpf_map_update_elem(maps->path_state_fd, &slot, st, BPF_ANY) ? -errno : 0;
}

int srv6_path_state_reset_many(const struct srv6_maps *maps, const __u32 *slots, size_t n)
{
	return zero_many(maps->path_state_fd, slots, n, sizeof(struct srv6_path_state));
}

int srv6_sid_ctrs_zero(const struct srv6_maps *maps, __u32 index)
{
	return percpu_zero_many(maps->sid_ctrs_fd, &index, 1, sizeof(struct srv6_sid_counters));
}

int srv6_sids_dump(const struct srv6_maps *maps, struct srv6_sid_entry **entries, size_t *count)
{
	struct srv6_sid_entry *out = calloc(SRV6_SIDS_MAX, sizeof(*out));
	struct srv6_sid_key key, next;
	void *prev = NULL;
	size_t n = 0;

	*entries = out;
	*count = 0;
	if (!out)
		return -ENOMEM;
	/* An LPM trie has no batch ops; it holds at most SRV6_SIDS_MAX entries. */
	while (n < SRV6_SIDS_MAX && bpf_map_get_next_key(maps->local_sids_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(maps->local_sids_fd, &next, &out[n].value) == 0)
			out[n++].key = next;
		key = next;
		prev = &key;
	}
	*count = n;
	return 0;
}

int srv6_sid_update(const struct srv6_maps *maps, const struct srv6_sid_entry *entry, bool create)
{
	if (bpf_map_update_elem(maps->local_sids_fd, &entry->key, &entry->value,
				create ? BPF_NOEXIST : BPF_ANY))
		return -errno;
	return 0;
}

int srv6_sid_delete(const struct srv6_maps *maps, const struct srv6_sid_key *key)
{
	return bpf_map_delete_elem(maps->local_sids_fd, key) ? -errno : 0;
}
