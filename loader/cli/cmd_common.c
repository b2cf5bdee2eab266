// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What several commands share: [dev DEV], the platform's privileges, the
 * kernel platform's "nothing to do". */
#include "commands.h"

#include <stdio.h>
#include <string.h>
#include "util/sys.h"

int parse_opt_dev(int argc, char **argv, const char **dev, const char *cmd, struct err *e)
{
	*dev = NULL;
	if (argc == 0)
		return 0;
	if (argc == 2 && !strcmp(argv[0], "dev")) {
		*dev = argv[1];
		return 0;
	}
	return errf(e, "%s: unexpected \"%s\": give [dev DEV]", cmd, argv[0]);
}

int check_caps(const struct ctx *c, struct err *e)
{
	return c->ops->check_caps(e);
}

int kernel_platform_note(struct ctx *c, const char *cmd)
{
	fprintf(stderr,
		"srv6-bpf: %s: nothing to do on the kernel platform (routes go straight to the kernel: ip route show proto %d table %u)\n",
		cmd, SRV6_RTPROT, c->table);
	if (c->json && (!strcmp(cmd, "show") || !strcmp(cmd, "stats")))
		puts("[]");
	return 0;
}

int dev_view(struct ctx *c, int argc, char **argv, const char *cmd, dev_view_fn *view,
	     bool bpf_only, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, cmd, e))
		return -1;
	if (bpf_only && !c->ops->datapath)
		return kernel_platform_note(c, cmd);
	return check_caps(c, e) || view(c, dev, e) ? -1 : 0;
}
