// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* srv6-bpf check: the probes that fill a check_report (see check.h). */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/lwtunnel.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_local.h>
#include <linux/sockios.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include "util/addr.h"
#include "util/array.h"
#include "util/sys.h"

/* The netdev generic netlink family (linux/netdev.h, Linux 6.3+). */
#define NETDEV_FAMILY "netdev"
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_A_DEV_MAX 16

#define NEEDS_ROOT_BPF "needs root (CAP_BPF and CAP_NET_ADMIN)"

/* --- probes: the kernel ----------------------------------------------------------- */

static void probe_kernel(struct check_report *r)
{
	struct check_answer *a = &r->cap[CHECK_KERNEL];
	struct utsname u;
	unsigned int major, minor;
	struct err e = { "" };

	if (uname(&u)) {
		check_answer(a, CHECK_UNKNOWN, "uname: %s", strerror(errno));
		return;
	}
	snprintf(r->release, sizeof(r->release), "%s", u.release);
	if (sscanf(u.release, "%u.%u", &major, &minor) != 2)
		check_answer(a, CHECK_UNKNOWN, "cannot read the version from \"%.64s\"", u.release);
	else if (sys_check_kernel_release(u.release, &e))
		check_answer(a, CHECK_NO, "%.180s", e.msg);
	else
		check_answer(a, CHECK_YES, "Linux %.64s (srv6-bpf needs %d.%d or newer)", u.release,
			     SRV6_KERNEL_MIN_MAJOR, SRV6_KERNEL_MIN_MINOR);
}

/* option in the running kernel's config (/boot/config-RELEASE, else
 * /proc/config.gz; zlib reads both): yes (=y or =m), no, or unknown when
 * neither is readable. */
static enum check_state kconfig(const char *release, const char *option)
{
	char boot[128], line[256];
	const char *paths[] = { boot, "/proc/config.gz" };
	size_t len = strlen(option);

	snprintf(boot, sizeof(boot), "/boot/config-%s", release);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		enum check_state s = CHECK_NO; /* a config without the line: not set */
		gzFile f = gzopen(paths[i], "rb");

		if (!f)
			continue;
		while (gzgets(f, line, sizeof(line)))
			if (!strncmp(line, option, len) && line[len] == '=')
				s = line[len + 1] == 'y' || line[len + 1] == 'm' ? CHECK_YES
										 : CHECK_NO;
		gzclose(f);
		return s;
	}
	return CHECK_UNKNOWN;
}

/* "r0 = 0; exit": the smallest program of any type. */
static int load_trivial(enum bpf_prog_type type, __u32 flags)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = flags);

	return bpf_prog_load(type, NULL, "GPL", insns, ARRAY_SIZE(insns), &opts);
}

/* Whether a loaded program got machine code: yes, no, or unknown. */
static enum check_state jit_compiles(void)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = load_trivial(BPF_PROG_TYPE_SOCKET_FILTER, 0);
	enum check_state s = CHECK_UNKNOWN;

	memset(&info, 0, sizeof(info));
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
		s = info.jited_prog_len ? CHECK_YES : CHECK_NO;
	if (fd >= 0)
		close(fd);
	return s;
}

/* net.core.bpf_jit_enable exists in the initial network namespace only, so
 * elsewhere a loaded program tells (privileged), or CONFIG_BPF_JIT_ALWAYS_ON. */
static void probe_jit(struct check_report *r, bool privileged)
{
	struct check_answer *a = &r->cap[CHECK_BPF_JIT];
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	enum check_state jited;
	char sysctl[64] = "";
	const char *always;

	r->jit_enable = -1;
	if (f) {
		if (fscanf(f, "%d", &r->jit_enable) != 1)
			r->jit_enable = -1;
		fclose(f);
	}
	if (r->jit_enable >= 0)
		snprintf(sysctl, sizeof(sysctl), "net.core.bpf_jit_enable %d, ", r->jit_enable);
	r->jit_always_on = kconfig(r->release, "CONFIG_BPF_JIT_ALWAYS_ON");
	always = r->jit_always_on == CHECK_YES	? "always on (CONFIG_BPF_JIT_ALWAYS_ON)"
		 : r->jit_always_on == CHECK_NO ? "not always on"
						: "always-on not visible (no kernel config)";
	jited = privileged ? jit_compiles() : CHECK_UNKNOWN;
	if (jited == CHECK_UNKNOWN && r->jit_enable >= 0)
		jited = r->jit_enable ? CHECK_YES : CHECK_NO;
	if (jited == CHECK_UNKNOWN && r->jit_always_on == CHECK_YES)
		jited = CHECK_YES;

	if (jited == CHECK_YES)
		check_answer(a, CHECK_YES, "programs are JIT-compiled: %s%s", sysctl, always);
	else if (jited == CHECK_NO)
		check_answer(
			a, CHECK_NO,
			"%sprograms run in the interpreter (slower): sysctl -w net.core.bpf_jit_enable=1",
			sysctl);
	else
		check_answer(
			a, CHECK_UNKNOWN,
			"needs root (net.core.bpf_jit_enable is visible in the initial network namespace only)");
}

static void probe_btf(struct check_report *r)
{
	static const char path[] = "/sys/kernel/btf/vmlinux";
	struct stat st;

	if (!stat(path, &st))
		check_answer(&r->cap[CHECK_BTF], CHECK_YES,
			     "%s (the programs' CO-RE relocations need it)", path);
	else if (errno == ENOENT)
		check_answer(&r->cap[CHECK_BTF], CHECK_NO,
			     "no %s: kernel built without CONFIG_DEBUG_INFO_BTF", path);
	else
		check_answer(&r->cap[CHECK_BTF], CHECK_UNKNOWN, "%s: %s", path, strerror(errno));
}

/* XDP, multi-buffer XDP, SCHED_CLS and bpf_redirect_neigh; *sched_cls says
 * whether SCHED_CLS programs load (tc_bpf goes on in the throwaway namespace). */
static void probe_bpf(struct check_report *r, bool privileged, bool *sched_cls)
{
	struct check_answer *xdp = &r->cap[CHECK_XDP], *frags = &r->cap[CHECK_XDP_FRAGS];
	struct check_answer *neigh = &r->cap[CHECK_REDIRECT_NEIGH];
	int rc, fd;

	*sched_cls = false;
	if (!privileged) {
		/* Unprivileged loads fail whatever the kernel has: do not guess. */
		check_answer(&r->cap[CHECK_TC_BPF], CHECK_UNKNOWN, NEEDS_ROOT_BPF);
		check_answer(xdp, CHECK_UNKNOWN, NEEDS_ROOT_BPF);
		check_answer(frags, CHECK_UNKNOWN, NEEDS_ROOT_BPF);
		check_answer(neigh, CHECK_UNKNOWN, NEEDS_ROOT_BPF);
		return;
	}
	rc = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL);
	if (rc == 1)
		check_answer(xdp, CHECK_YES, "XDP programs load");
	else if (rc == 0)
		check_answer(xdp, CHECK_NO, "the kernel refuses XDP programs");
	else
		check_answer(xdp, CHECK_UNKNOWN, "probe failed: %s", strerror(-rc));

	if (xdp->state != CHECK_YES) {
		check_answer(frags, xdp->state, "needs xdp");
	} else if ((fd = load_trivial(BPF_PROG_TYPE_XDP, BPF_F_XDP_HAS_FRAGS)) >= 0) {
		close(fd);
		check_answer(frags, CHECK_YES,
			     "multi-buffer XDP programs (BPF_F_XDP_HAS_FRAGS) load");
	} else {
		check_answer(frags, CHECK_NO,
			     "the kernel refuses BPF_F_XDP_HAS_FRAGS (%s): Linux 5.18+ has it",
			     strerror(-fd));
	}

	rc = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SCHED_CLS, NULL);
	*sched_cls = rc == 1;
	if (rc != 1) {
		check_answer(&r->cap[CHECK_TC_BPF], rc == 0 ? CHECK_NO : CHECK_UNKNOWN,
			     rc == 0 ? "the kernel refuses SCHED_CLS programs (CONFIG_NET_CLS_BPF)"
				     : "SCHED_CLS probe failed");
		check_answer(neigh, rc == 0 ? CHECK_NO : CHECK_UNKNOWN, "needs SCHED_CLS programs");
		return;
	}
	rc = libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_redirect_neigh, NULL);
	if (rc == 1)
		check_answer(neigh, CHECK_YES, "TC programs may call bpf_redirect_neigh");
	else if (rc == 0)
		check_answer(neigh, CHECK_NO,
			     "the kernel lacks bpf_redirect_neigh for TC (Linux 5.10+ has it)");
	else
		check_answer(neigh, CHECK_UNKNOWN, "probe failed: %s", strerror(-rc));
}

/* encap seg6 and encap seg6local: the kernel answers a harmless route delete. */
static void probe_lwt(struct nlx *nl, struct check_report *r, bool net_admin)
{
	static const struct {
		enum check_cap cap;
		unsigned int type;
		const char *what;
	} probes[] = {
		{ CHECK_SEG6_ROUTES, LWTUNNEL_ENCAP_SEG6, "encap seg6" },
		{ CHECK_SEG6LOCAL, LWTUNNEL_ENCAP_SEG6_LOCAL, "encap seg6local" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		struct check_answer *a = &r->cap[probes[i].cap];
		struct err e = { "" };
		int rc;

		if (!net_admin) {
			check_answer(a, CHECK_UNKNOWN, "needs root (CAP_NET_ADMIN)");
			continue;
		}
		rc = nlx_probe_lwt_encap(nl, probes[i].type, &e);
		if (rc == 1)
			check_answer(a, CHECK_YES, "%s routes (CONFIG_IPV6_SEG6_LWTUNNEL)",
				     probes[i].what);
		else if (rc == 0)
			check_answer(
				a, CHECK_NO,
				"the kernel refuses %s routes (CONFIG_IPV6_SEG6_LWTUNNEL is off)",
				probes[i].what);
		else
			check_answer(a, CHECK_UNKNOWN, "%.180s", e.msg);
	}
}

/* --- probes in a throwaway network namespace -------------------------------------- */

/* clsact on lo and a cls_bpf filter running a SCHED_CLS program. */
static void scratch_tc(struct check_answer *a)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)if_nametoindex("lo"),
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1);
	int rc = bpf_tc_hook_create(&hook), fd;

	if (rc) {
		check_answer(a, CHECK_NO,
			     "cannot create a clsact qdisc (CONFIG_NET_SCH_INGRESS): %s",
			     strerror(-rc));
		return;
	}
	fd = load_trivial(BPF_PROG_TYPE_SCHED_CLS, 0);
	if (fd < 0) {
		check_answer(a, CHECK_NO, "the kernel refuses SCHED_CLS programs: %s",
			     strerror(-fd));
		return;
	}
	opts.prog_fd = fd;
	rc = bpf_tc_attach(&hook, &opts);
	close(fd);
	if (rc)
		check_answer(a, CHECK_NO, "cannot attach a cls_bpf filter (CONFIG_NET_CLS_BPF): %s",
			     strerror(-rc));
	else
		check_answer(a, CHECK_YES,
			     "clsact with a cls_bpf filter (made in a throwaway namespace)");
}

struct local_sid_route check_next_csid_route(int ifindex)
{
	struct local_sid_route r = {
		.key = { .prefixlen = CHECK_CSID_PREFIXLEN },
		.action = SEG6_LOCAL_ACTION_END,
		.ifindex = ifindex,
		.table = RT_TABLE_MAIN,
		.lblen = CHECK_CSID_LBLEN,
		.nflen = CHECK_CSID_NFLEN,
	};

	inet_pton(AF_INET6, CHECK_CSID_PREFIX, r.key.addr);
	return r;
}

bool check_next_csid_kept(const struct local_sid_route *routes, size_t n)
{
	const struct local_sid_route want = check_next_csid_route(0);

	for (size_t i = 0; i < n; i++)
		if (addr_sid_key_eq(&routes[i].key, &want.key) && routes[i].action == want.action &&
		    routes[i].lblen == want.lblen && routes[i].nflen == want.nflen)
			return true;
	return false;
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* nlx_local_sid_set's error is the kernel's errno as strerror text, unless the
 * request never got there ("netlink: ...") or its answer was lost (then it says
 * strerror(EIO), which no route add is refused with). */
static bool kernel_refused(const char *msg)
{
	return strncmp(msg, "netlink:", strlen("netlink:")) && strcmp(msg, strerror(EIO));
}

/* The kernel platform's own End next-csid request (what `sid add ... action
 * end lblen 32 nflen 16` sends) for CHECK_CSID_PREFIX on lo, then read back:
 * check proves the very message the platform sends. */
static void scratch_next_csid(struct check_answer *a)
{
	struct local_sid_route route = check_next_csid_route((int)if_nametoindex("lo"));
	struct local_sid_route *routes = NULL;
	struct nlx nl = { .sk = NULL };
	struct err e = { "" };
	size_t n = 0;

	if (!route.ifindex || lo_up()) {
		check_answer(a, CHECK_UNKNOWN, "cannot set up the throwaway namespace: %s",
			     strerror(errno));
		return;
	}
	if (nlx_open(&nl, &e)) {
		check_answer(a, CHECK_UNKNOWN, "cannot set up the throwaway namespace: %.140s",
			     e.msg);
		return;
	}
	if (nlx_local_sid_set(&nl, &route, true, &e)) {
		if (kernel_refused(e.msg))
			check_answer(
				a, CHECK_NO,
				"the kernel refuses End flavors next-csid (Linux 6.1+ has it): %.100s",
				e.msg);
		else
			check_answer(a, CHECK_UNKNOWN, "netlink: cannot add the End route (%.120s)",
				     e.msg);
	} else if (nlx_local_sids(&nl, RT_TABLE_MAIN, &routes, &n, &e)) {
		check_answer(a, CHECK_UNKNOWN, "netlink: cannot read the End route back");
	} else if (check_next_csid_kept(routes, n)) {
		check_answer(
			a, CHECK_YES,
			"End flavors next-csid lblen %d nflen %d (made in a throwaway namespace)",
			CHECK_CSID_LBLEN, CHECK_CSID_NFLEN);
	} else {
		check_answer(a, CHECK_NO,
			     "the kernel took End but not flavors next-csid (Linux 6.1+ has them)");
	}
	free(routes);
	nlx_close(&nl);
}

struct scratch_answers {
	struct check_answer tc, csid;
};

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static bool read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The caller's namespace must not change: a forked child unshares a network
 * namespace of its own, tries there and reports over a pipe; the namespace
 * goes away with the child. */
static void scratch_probes(struct check_answer *tc, struct check_answer *csid)
{
	struct scratch_answers got;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		if (tc)
			check_answer(tc, CHECK_UNKNOWN, "pipe: %s", strerror(errno));
		if (csid)
			check_answer(csid, CHECK_UNKNOWN, "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();
	if (pid == 0) {
		struct scratch_answers res;

		memset(&res, 0, sizeof(res));
		close(fds[0]);
		if (unshare(CLONE_NEWNET)) {
			const char *why =
				errno == EPERM
					? "needs root (CAP_SYS_ADMIN for a throwaway network namespace)"
					: strerror(errno);

			check_answer(&res.tc, CHECK_UNKNOWN, "%s", why);
			check_answer(&res.csid, CHECK_UNKNOWN, "%s", why);
		} else {
			if (tc)
				scratch_tc(&res.tc);
			if (csid)
				scratch_next_csid(&res.csid);
		}
		write_all(fds[1], &res, sizeof(res));
		_exit(0);
	}
	close(fds[1]);
	if (pid > 0 && read_all(fds[0], &got, sizeof(got))) {
		got.tc.detail[sizeof(got.tc.detail) - 1] = '\0';
		got.csid.detail[sizeof(got.csid.detail) - 1] = '\0';
		if (tc)
			*tc = got.tc;
		if (csid)
			*csid = got.csid;
	} else {
		const char *why = pid < 0 ? "fork failed" : "the throwaway namespace probe died";

		if (tc)
			check_answer(tc, CHECK_UNKNOWN, "%s", why);
		if (csid)
			check_answer(csid, CHECK_UNKNOWN, "%s", why);
	}
	close(fds[0]);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

/* --- probes: the device ------------------------------------------------------------ */

static void dev_driver(struct check_report *r)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&info };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->dev);
	if (fd >= 0 && !ioctl(fd, SIOCETHTOOL, &ifr))
		snprintf(r->driver, sizeof(r->driver), "%.31s", info.driver);
	if (fd >= 0)
		close(fd);
}

/* Generic netlink for the netdev family (netlink.c's nlx_* speak rtnetlink
 * only). Send msg (the socket adds no ACK request of its own) and read until the
 * request is answered: each answer message goes to cb. Returns 0, a negative
 * errno from the kernel, or -EIO when netlink itself failed. */
static int nl_talk(struct nl_sock *sk, struct nl_msg *msg,
		   void (*cb)(struct nlmsghdr *h, void *arg), void *arg)
{
	bool done = false;
	int rc = 0;

	if (nl_send_auto(sk, msg) < 0)
		return -EIO;
	while (!done) {
		unsigned char *buf = NULL;
		struct sockaddr_nl peer;
		int n = nl_recv(sk, &peer, &buf, NULL);

		if (n <= 0) {
			free(buf);
			return -EIO;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; !done && nlmsg_ok(h, n);
		     h = nlmsg_next(h, &n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				rc = ((struct nlmsgerr *)nlmsg_data(h))->error;
				done = true;
			} else {
				if (cb)
					cb(h, arg);
				done = !(h->nlmsg_flags & NLM_F_MULTI);
			}
		}
		free(buf);
	}
	return rc;
}

static struct nl_sock *nl_open(int protocol)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (sk && nl_connect(sk, protocol) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	if (sk)
		nl_socket_disable_auto_ack(sk);
	return sk;
}

static struct nl_msg *genl_msg(int family, int flags, unsigned char cmd)
{
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	struct nl_msg *msg = nlmsg_alloc_simple(family, NLM_F_REQUEST | flags);

	if (msg && nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void genl_family_parse(struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (!nlmsg_parse(h, GENL_HDRLEN, tb, CTRL_ATTR_MAX, NULL) && tb[CTRL_ATTR_FAMILY_ID])
		*(int *)arg = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
}

struct xdp_features_seen {
	bool found;
	uint64_t bits;
};

static void netdev_dev_parse(struct nlmsghdr *h, void *arg)
{
	struct xdp_features_seen *seen = arg;
	struct nlattr *tb[NETDEV_A_DEV_MAX + 1];

	if (!nlmsg_parse(h, GENL_HDRLEN, tb, NETDEV_A_DEV_MAX, NULL) &&
	    tb[NETDEV_A_DEV_XDP_FEATURES] && nla_len(tb[NETDEV_A_DEV_XDP_FEATURES]) >= 8) {
		seen->bits = nla_get_u64(tb[NETDEV_A_DEV_XDP_FEATURES]);
		seen->found = true;
	}
}

/* The driver's XDP features from the netdev family (raw generic netlink over
 * libnl-3). 1: known, 0: the kernel has no netdev family, -1: failed (why). */
static int dev_xdp_features(struct check_report *r, char *why, size_t len)
{
	struct nl_sock *sk = nl_open(NETLINK_GENERIC);
	struct xdp_features_seen seen = { .found = false };
	struct nl_msg *msg = NULL;
	int family = 0, rc = -1;

	if (!sk) {
		snprintf(why, len, "netlink: cannot open a generic netlink socket");
		return -1;
	}
	msg = genl_msg(GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	if (!msg || nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY) < 0) {
		snprintf(why, len, "netlink: out of memory");
		goto out;
	}
	rc = nl_talk(sk, msg, genl_family_parse, &family);
	nlmsg_free(msg);
	msg = NULL;
	if (rc == -ENOENT || (!rc && !family)) {
		rc = 0;
		goto out;
	}
	if (rc) {
		snprintf(why, len, "netlink: cannot resolve the netdev family: %s", strerror(-rc));
		rc = -1;
		goto out;
	}
	msg = genl_msg(family, 0, NETDEV_CMD_DEV_GET);
	if (!msg || nla_put_u32(msg, NETDEV_A_DEV_IFINDEX, (uint32_t)r->ifindex) < 0) {
		snprintf(why, len, "netlink: out of memory");
		rc = -1;
		goto out;
	}
	rc = nl_talk(sk, msg, netdev_dev_parse, &seen);
	if (rc || !seen.found) {
		snprintf(why, len, "netdev dev-get: %s",
			 rc ? strerror(-rc) : "no xdp-features in the answer");
		rc = -1;
		goto out;
	}
	r->xdp_features = seen.bits;
	r->xdp_features_known = true;
	rc = 1;
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return rc;
}

static void probe_dev(struct check_report *r)
{
	struct check_answer *native = &r->dev_cap[CHECK_DEV_XDP_NATIVE];
	struct check_answer *frags = &r->dev_cap[CHECK_DEV_XDP_FRAGS];
	char why[CHECK_TEXT_LEN] = "";
	const char *drv;
	int rc;

	dev_driver(r);
	drv = *r->driver ? r->driver : "its driver";
	rc = dev_xdp_features(r, why, sizeof(why));
	if (rc <= 0) {
		if (!rc)
			snprintf(why, sizeof(why),
				 "the kernel has no netdev netlink family to ask (Linux 6.3+)");
		check_answer(native, CHECK_UNKNOWN, "%s", why);
		check_answer(frags, CHECK_UNKNOWN, "%s", why);
		return;
	}
	if (!(r->xdp_features & CHECK_XDP_ACT_BASIC)) {
		check_answer(native, CHECK_NO, "%s has no native XDP: XDP runs in generic mode",
			     drv);
		check_answer(frags, CHECK_NO, "%s has no native XDP", drv);
		return;
	}
	check_answer(native, CHECK_YES, "%s runs XDP programs natively", drv);
	if (r->xdp_features & CHECK_XDP_ACT_RX_SG)
		check_answer(frags, CHECK_YES, "%s gives native XDP multi-buffer frames (rx-sg)",
			     drv);
	else
		check_answer(frags, CHECK_NO,
			     "%s gives native XDP single-buffer frames only (no rx-sg)", drv);
}

int check_probe(struct nlx *nl, const char *dev, struct check_report *r, struct err *e)
{
	struct check_answer *tc = &r->cap[CHECK_TC_BPF], *csid = &r->cap[CHECK_SEG6LOCAL_NEXT_CSID];
	struct err ignored = { "" };
	struct link_info li;
	bool privileged, sched_cls;

	memset(r, 0, sizeof(*r));
	if (dev) {
		if (nlx_link_get(nl, dev, &li, e))
			return errf(
				e,
				"check: interface \"%s\" not found in this network namespace (ip link lists them)",
				dev);
		r->has_dev = true;
		r->ifindex = li.ifindex;
		snprintf(r->dev, sizeof(r->dev), "%s", li.name);
	}
	privileged = sys_check_caps(&ignored) == 0;
	probe_kernel(r);
	probe_jit(r, privileged);
	probe_btf(r);
	probe_bpf(r, privileged, &sched_cls);
	probe_lwt(nl, r, sys_check_net_admin(&ignored) == 0);

	/* next-csid only where seg6local exists; tc_bpf goes on only where SCHED_CLS loads. */
	if (r->cap[CHECK_SEG6LOCAL].state == CHECK_NO)
		check_answer(csid, CHECK_NO, "needs seg6local");
	else if (r->cap[CHECK_SEG6LOCAL].state == CHECK_UNKNOWN)
		*csid = r->cap[CHECK_SEG6LOCAL];
	if (sched_cls || r->cap[CHECK_SEG6LOCAL].state == CHECK_YES)
		scratch_probes(sched_cls ? tc : NULL,
			       r->cap[CHECK_SEG6LOCAL].state == CHECK_YES ? csid : NULL);
	if (r->has_dev)
		probe_dev(r);
	return 0;
}
