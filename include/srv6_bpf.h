/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ABI between the srv6-bpf datapath (bpf/) and its userspace (maps/, loader/):
 * limits, map keys and values, counters. Defined once, here. Field names are what
 * `bpftool map dump` prints, so they are spelled for a reader without these headers.
 */
#ifndef SRV6_BPF_H
#define SRV6_BPF_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define SRV6_MAX_SEGS 4          /* SIDs per path (micro-SID carriers count as one) */
#define SRV6_MAX_PATHS 8         /* paths per peer */
#define SRV6_WEIGHT_MIN 1
#define SRV6_WEIGHT_MAX 255
#define SRV6_PEERS_MAX_DEFAULT 65536
#define SRV6_HOP_LIMIT_DEFAULT 64

#define SRV6_ADDR_LEN 16
#define SRV6_IPV6_HDR_LEN 40
#define SRV6_SRH_FIXED_LEN 8

/*
 * Bytes H.Encaps.Red puts in front of the inner packet: the outer IPv6 header,
 * plus an SRH holding every SID but the first when there is more than one.
 */
#define SRV6_ENCAP_LEN(nsegs)                                                      \
	((__u32)(SRV6_IPV6_HDR_LEN +                                               \
		 ((nsegs) > 1 ? SRV6_SRH_FIXED_LEN + SRV6_ADDR_LEN * ((nsegs) - 1) : 0)))
#define SRV6_ENCAP_LEN_MAX SRV6_ENCAP_LEN(SRV6_MAX_SEGS)

/* Key of srv6_peers: the inner destination; IPv4 peers as ::ffff:a.b.c.d. */
struct srv6_peer_key {
	__u8 addr[SRV6_ADDR_LEN];
};

/* srv6_path.flags */
enum {
	/* The first SID's next hop differs from the peer route's: the datapath
	 * asks the FIB for the outer destination's neighbour (bpf_redirect_neigh). */
	SRV6_PATH_F_REROUTE = 1 << 0,
};

/* One SID list. segs[0] is the first SID: it becomes the outer destination. */
struct srv6_path {
	__u8 seg_count; /* 1..SRV6_MAX_SEGS */
	__u8 weight;    /* 1..255: share of the peer's flows */
	__u8 flags;     /* SRV6_PATH_F_* */
	__u8 reserved;
	__u8 segs[SRV6_MAX_SEGS][SRV6_ADDR_LEN];
};

/* Value of srv6_peers: a peer's path set. */
struct srv6_peer {
	/* Index of this peer's first entry in srv6_path_ctrs; path i counts at
	 * counters_base + i. Owned by the loader. */
	__u32 counters_base;
	__u8 path_count; /* 1..SRV6_MAX_PATHS */
	__u8 reserved[3];
	struct srv6_path paths[SRV6_MAX_PATHS];
};

/* Value of srv6_path_ctrs (per CPU). Bytes are inner IP bytes (no Ethernet,
 * no outer header) as they leave: a GSO packet counts as its segments, each
 * with its own IP and TCP/UDP headers. */
struct srv6_path_counters {
	__u64 packets;
	__u64 bytes;
	/* Packets of this path's flows sent on another of the peer's paths
	 * because this one was down (they count there as packets and bytes). */
	__u64 failover_packets;
};

/* Value of srv6_path_state: the liveness of one peer's paths, one entry per
 * peer slot (index counters_base / SRV6_MAX_PATHS). Written by whoever probes
 * the paths; the TC program reads only down_mask, with one lookup. A new or
 * changed path starts up. */
struct srv6_path_state {
	__u32 down_mask;                       /* bit i: path i is down, its flows fail over */
	__u32 probes_lost[SRV6_MAX_PATHS];     /* consecutive probes lost, per path */
	__u32 changes[SRV6_MAX_PATHS];         /* times path i went down or up */
	__u32 reserved;
	__u64 since_ns[SRV6_MAX_PATHS];        /* CLOCK_BOOTTIME of path i's last change, 0: never */
	__u64 probes_answered[SRV6_MAX_PATHS]; /* answered probes, and ... */
	__u64 rtt_ns_sum[SRV6_MAX_PATHS];      /* ... the sum of their round trips */
};

/* Value of srv6_encap_ctrs (per CPU, one entry): what the TC program did, by reason. */
struct srv6_encap_counters {
	__u64 encap_packets;             /* encapsulated and sent on */
	__u64 encap_bytes;               /* their inner bytes */
	__u64 pass_no_peer;              /* IPv4/IPv6 to an address not in srv6_peers */
	__u64 pass_not_ip;               /* not IPv4 or IPv6 (ARP, LLDP, ...) */
	__u64 pass_already_encapsulated; /* our own output seen again after a re-route */
	__u64 pass_truncated;            /* IP header cut short: left to the stack */
	__u64 drop_no_room;              /* bpf_skb_adjust_room refused to grow the packet */
	__u64 drop_too_big;              /* encapsulated packet exceeds the device MTU */
	__u64 drop_bad_path;             /* path set without a usable path (corrupt entry) */
	__u64 pass_all_paths_down;       /* to a peer whose every path is down: plain routing */
};

/* Key of srv6_local_sids (LPM trie): a local SID prefix. */
struct srv6_sid_key {
	__u32 prefixlen; /* bits of addr that count */
	__u8 addr[SRV6_ADDR_LEN];
};

/* srv6_local_sid.action */
enum srv6_sid_action {
	SRV6_SID_DECAP = 1,  /* strip outer IPv6 (+ SRH), deliver the inner IPv4 or IPv6 packet */
	SRV6_SID_DECAP4 = 2, /* the same, IPv4 inside only */
	SRV6_SID_DECAP6 = 3, /* the same, IPv6 inside only */
	SRV6_SID_END = 4,    /* End with the NEXT-C-SID flavour (uN): shift the micro-SIDs,
			      * else advance the SRH, and let the kernel forward */
};

/* Micro-SID layout of an End SID (RFC 9800): locator block and node function
 * lengths in bits; the argument (the next micro-SIDs) is what follows. */
#define SRV6_USID_LBLEN_DEFAULT 32
#define SRV6_USID_NFLEN_DEFAULT 16

/* Value of srv6_local_sids. */
struct srv6_local_sid {
	__u32 action;         /* enum srv6_sid_action */
	__u32 counters_index; /* entry in srv6_sid_ctrs */
	__u8 lblen;           /* End: locator block bits (multiple of 8) */
	__u8 nflen;           /* End: node function bits (multiple of 8); lblen + nflen <= 128 */
	__u8 reserved[2];
};

#define SRV6_SIDS_MAX 1024 /* local SIDs per interface */

/* Value of srv6_sid_ctrs (per CPU): packets one local SID handled: decapsulated
 * (bytes: inner IP bytes) or forwarded by End (bytes: IPv6 bytes). */
struct srv6_sid_counters {
	__u64 packets;
	__u64 bytes;
};

/* Value of srv6_decap_ctrs (per CPU, one entry): what the XDP program did, by reason. */
struct srv6_decap_counters {
	__u64 decap_packets;        /* decapsulated and handed to the stack */
	__u64 decap_bytes;          /* their inner bytes */
	__u64 pass_not_ipv6;        /* not IPv6: untouched */
	__u64 pass_no_sid;          /* outer destination is no local SID: untouched */
	__u64 pass_segments_left;   /* local SID but Segments Left > 0: not ours to end */
	__u64 pass_bad_srh;         /* malformed SRH (type, lengths, beyond the packet) */
	__u64 pass_unknown_nexthdr; /* neither IPv4 nor IPv6 inside */
	__u64 pass_wrong_family;    /* inner family the SID's action does not take */
	__u64 pass_truncated;       /* headers cut short */
	__u64 drop_adjust_failed;   /* bpf_xdp_adjust_head refused (never expected) */
	/* End SIDs: forwarded by the kernel to the rewritten destination. */
	__u64 end_next_csid;        /* DA argument shifted in (NEXT-C-SID) */
	__u64 end_srh;              /* Segments Left decremented, DA from the SRH */
	__u64 end_bytes;            /* their IPv6 bytes */
	__u64 pass_hop_limit;       /* hop limit <= 1: the kernel answers Time Exceeded */
	__u64 pass_last_sid;        /* argument 0, no SRH or Segments Left 0: for this node */
};

/* srv6_config.loader_flags: state the loader keeps with the datapath. */
enum {
	SRV6_LOADER_OWNS_CLSACT = 1 << 0,   /* load created the clsact qdisc */
	SRV6_LOADER_NO_PEER_ROUTES = 1 << 1, /* load ... peer-routes off */
};

/* Where the local-SID program runs (srv6_config.xdp_mode). */
enum srv6_xdp_mode {
	SRV6_XDP_OFF = 0,
	SRV6_XDP_NATIVE = 1,
	SRV6_XDP_GENERIC = 2,
	SRV6_XDP_TC = 3, /* no XDP: End SIDs on clsact ingress (veth, macvlan) */
};

/* Value of srv6_config (one entry): set at load time, read per packet. */
struct srv6_config {
	__u8 src[SRV6_ADDR_LEN]; /* outer source address */
	__u8 hop_limit;          /* outer hop limit */
	__u8 loader_flags;       /* SRV6_LOADER_* */
	__u8 xdp_mode;           /* enum srv6_xdp_mode the decap program runs in */
	__u8 reserved;
	__u32 ifindex;   /* interface the programs are attached to */
	__u32 peers_max; /* capacity of srv6_peers */
	/* Loader only: a fresh random value at every change of srv6_peers, so a
	 * daemon that remembers what it wrote knows whether anyone else wrote since. */
	__u64 peers_token;
};

/* Pinned object names below <bpffs>/srv6-bpf/<netns>/<dev>/. libbpf pins maps by
 * their name, so these are also the map names bpftool lists (15 characters at most). */
#define SRV6_MAP_PEERS "srv6_peers"
#define SRV6_MAP_PATH_CTRS "srv6_path_ctrs"
#define SRV6_MAP_PATH_STATE "srv6_path_state"
#define SRV6_MAP_ENCAP_CTRS "srv6_encap_ctrs"
#define SRV6_MAP_CONFIG "srv6_config"
#define SRV6_MAP_ENCAP_TAIL "srv6_encap_tail" /* srv6_encap's tail call: srv6_encap_write */
#define SRV6_MAP_ENCAP_WORK "srv6_encap_work" /* what srv6_encap hands it (per CPU) */
#define SRV6_MAP_LOCAL_SIDS "srv6_local_sids"
#define SRV6_MAP_SID_CTRS "srv6_sid_ctrs"
#define SRV6_MAP_DECAP_CTRS "srv6_decap_ctrs"
#define SRV6_PIN_ENCAP_PROG "srv6_encap_prog"
#define SRV6_PIN_DECAP_PROG "srv6_decap_prog"

#endif /* SRV6_BPF_H */
