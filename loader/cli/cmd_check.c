// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf check [dev DEV]`: the probes' report as text or JSON. main() opens
 * no netlink socket for check: it opens its own once the arguments are good. */
#include "commands.h"

#include <stdio.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "net/netlink.h"
#include "platform/check.h"
#include "util/output.h"

const char usage_check[] =
	"Usage: srv6-bpf check [dev DEV]\n"
	"\n"
	"What this kernel offers srv6-bpf, one line per capability (yes, no, or\n"
	"unknown when the probe needs root), then what follows from it: the bpf\n"
	"platform, the kernel platform (seg6 and seg6local routes) and kernel End\n"
	"SIDs with next-csid. With dev DEV, also whether DEV's driver runs XDP\n"
	"natively and takes multi-buffer frames (kernel 6.3+ says). Changes nothing:\n"
	"what must be created to be believed is created in a throwaway network\n"
	"namespace. Exits 0 whenever the probes ran (the answers are data). -j prints\n"
	"JSON with stable field names; tests and CI decide what to run from it.\n";

static int print_report(const struct ctx *c, const struct check_report *r, struct err *e)
{
	cJSON *j;

	if (!c->json) {
		check_print_text(stdout, r);
		return 0;
	}
	j = check_json(r);
	if (!j)
		return errf(e, "check: out of memory");
	out_json(j);
	cJSON_Delete(j);
	return 0;
}

int cmd_check(struct ctx *c, int argc, char **argv, struct err *e)
{
	struct check_report r;
	struct nlx nl = { .sk = NULL };
	const char *dev = NULL;
	int rc;

	if (argc >= 1 && strcmp(argv[0], "dev"))
		return errf(e, "check: unexpected \"%s\": give [dev DEV]", argv[0]);
	if (argc == 1)
		return errf(e, "check: missing DEV after \"dev\" (srv6-bpf check [dev DEV])");
	if (argc > 2)
		return errf(e, "check: unexpected \"%s\" after dev %s: give [dev DEV]", argv[2],
			    argv[1]);
	dev = argc ? argv[1] : NULL;
	if (nlx_open(&nl, e))
		return -1;
	rc = check_probe(&nl, dev, &r, e);
	nlx_close(&nl);
	return rc ? -1 : print_report(c, &r, e);
}
