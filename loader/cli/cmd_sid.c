// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf sid`: local SIDs the XDP program (or the kernel) ends. */
#include "commands.h"

#include <string.h>
#include "device/route_parse.h"
#include "device/sid.h"

const char usage_sid[] =
	"Usage: srv6-bpf sid add|replace SID/LEN dev DEV action decap|decap4|decap6\n"
	"       srv6-bpf sid add|replace SID/LEN dev DEV action end [lblen N nflen N]\n"
	"       srv6-bpf sid del SID/LEN dev DEV\n"
	"       srv6-bpf sid show [dev DEV]\n"
	"\n"
	"Local SIDs the XDP program on DEV ends (longest prefix wins):\n"
	"  decap   a packet whose outer destination falls in SID/LEN and that carries no\n"
	"          SRH, or an SRH with Segments Left 0, loses its outer IPv6 header and\n"
	"          SRH; the inner packet goes to the stack on DEV. decap takes IPv4 and\n"
	"          IPv6 inside, decap4 and decap6 one of them. Typical: the host's\n"
	"          micro-SID locator (fc00:0:2::/48) and its function SIDs\n"
	"          (fc00:0:2:e006::/64).\n"
	"  end     End with the NEXT-C-SID flavour (uN, RFC 9800): the destination's\n"
	"          argument (the micro-SIDs after lblen block bits and nflen node bits,\n"
	"          default 32 and 16, whole bytes) is shifted in and the kernel forwards\n"
	"          the packet (hop limit one lower); with no argument left, classic End\n"
	"          on the SRH (Segments Left - 1, destination from the list). A packet\n"
	"          with hop limit <= 1 goes to the stack unchanged, which answers Time\n"
	"          Exceeded. SID/LEN is the block and node ID: LEN = lblen + nflen. On\n"
	"          a router, add the SID on every interface traffic enters (load those\n"
	"          with xdp tc on veth or macvlan). The prefix gets a kernel route\n"
	"          (protocol 206, via 100::1 onlink) for what End leaves to the stack.\n"
	"          Kernel platform: seg6local End flavors next-csid.\n"
	"Anything else passes unchanged and is counted (srv6-bpf stats).\n";

int cmd_sid(struct ctx *c, int argc, char **argv, struct err *e)
{
	enum route_verb verb;
	struct sid_req req;

	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return dev_view(c, argc ? argc - 1 : 0, argv + 1, "sid show", sid_show, false, e);
	if (route_verb_parse(argv[0], &verb))
		return errf(e, "sid: unknown command \"%s\" (add, replace, del, show)", argv[0]);
	if (sid_req_parse(verb, argc - 1, argv + 1, &req, e)) {
		err_prefix(e, "sid %s", argv[0]);
		return -1;
	}
	return check_caps(c, e) || sid_apply(c, &req, e) ? -1 : 0;
}
