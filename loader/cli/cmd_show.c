// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* `srv6-bpf show`, `stats` and `metrics`: what the datapath holds and counts. */
#include "commands.h"

#include <stdio.h>
#include "device/metrics.h"
#include "device/show.h"
#include "util/sys.h"

const char usage_show[] =
	"Usage: srv6-bpf show [dev DEV]\n"
	"\n"
	"Attachment, config and pin paths of the datapath on DEV (default: all).\n";

const char usage_stats[] =
	"Usage: srv6-bpf stats [dev DEV]\n"
	"\n"
	"Datapath counters by reason (encap_*, pass_*, drop_*) on DEV (default: all).\n";

const char usage_metrics[] =
	"Usage: srv6-bpf metrics [dev DEV]\n"
	"\n"
	"The datapath's counters in the Prometheus text exposition format (the same\n"
	"families `srv6-bpf run --metrics` serves), for DEV or every loaded device.\n";

int cmd_show(struct ctx *c, int argc, char **argv, struct err *e)
{
	return dev_view(c, argc, argv, "show", show_datapath, true, e);
}

int cmd_stats(struct ctx *c, int argc, char **argv, struct err *e)
{
	return dev_view(c, argc, argv, "stats", show_stats, true, e);
}

int cmd_metrics(struct ctx *c, int argc, char **argv, struct err *e)
{
	const char *dev;

	if (parse_opt_dev(argc, argv, &dev, "metrics", e))
		return -1;
	if (!c->ops->datapath)
		return errf(e, "metrics: the kernel platform has no datapath counters");
	return sys_check_caps(e) || metrics_write(c, dev, stdout, e) ? -1 : 0;
}
