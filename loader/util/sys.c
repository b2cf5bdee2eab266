// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

int sys_check_kernel_release(const char *release, struct err *e)
{
	unsigned int major, minor;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return errf(e, "cannot read the kernel version from \"%s\"", release);
	if (major < SRV6_KERNEL_MIN_MAJOR ||
	    (major == SRV6_KERNEL_MIN_MAJOR && minor < SRV6_KERNEL_MIN_MINOR))
		return errf(e, "kernel %s is too old: srv6-bpf needs Linux %d.%d or newer", release,
			    SRV6_KERNEL_MIN_MAJOR, SRV6_KERNEL_MIN_MINOR);
	return 0;
}

int sys_check_kernel(struct err *e)
{
	struct utsname u;

	if (uname(&u))
		return errf(e, "uname: %s", strerror(errno));
	return sys_check_kernel_release(u.release, e);
}

static bool cap_has(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1u << (cap % 32));
}

static int effective_caps(struct __user_cap_data_struct data[2], struct err *e)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(data, 0, 2 * sizeof(*data));
	return syscall(SYS_capget, &hdr, data) ? errf(e, "capget: %s", strerror(errno)) : 0;
}

int sys_check_net_raw(struct err *e)
{
	struct __user_cap_data_struct data[2];

	if (effective_caps(data, e))
		return -1;
	return cap_has(data, CAP_NET_RAW) ? 0 :
		errf(e, "permission denied: probing needs CAP_NET_RAW (raw sockets)");
}

int sys_check_caps(struct err *e)
{
	struct __user_cap_data_struct data[2];

	if (effective_caps(data, e))
		return -1;
	if (!cap_has(data, CAP_NET_ADMIN) ||
	    !(cap_has(data, CAP_BPF) || cap_has(data, CAP_SYS_ADMIN)))
		return errf(e, "permission denied: run as root (needs CAP_BPF and CAP_NET_ADMIN)");
	return 0;
}

int sys_check_load_caps(struct err *e)
{
	struct __user_cap_data_struct data[2];

	if (sys_check_caps(e) || effective_caps(data, e))
		return -1;
	/* The verifier takes the programs' packet pointer arithmetic only from a
	 * loader that may see kernel pointers. */
	if (!cap_has(data, CAP_PERFMON) && !cap_has(data, CAP_SYS_ADMIN))
		return errf(e, "permission denied: loading needs CAP_PERFMON too (with CAP_BPF and CAP_NET_ADMIN)");
	return 0;
}

int sys_check_net_admin(struct err *e)
{
	struct __user_cap_data_struct data[2];

	if (effective_caps(data, e))
		return -1;
	if (!cap_has(data, CAP_NET_ADMIN))
		return errf(e, "permission denied: run as root (needs CAP_NET_ADMIN)");
	return 0;
}

int sys_check_bpffs(const char *dir, bool is_default, struct err *e)
{
	struct statfs st;

	if (statfs(dir, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (!is_default) {
		if (statfs(dir, &st))
			return errf(e, "bpffs %s: %s", dir, strerror(errno));
		return errf(e, "%s is not a bpffs mount (mount -t bpf bpf %s)", dir, dir);
	}
	/* As bpftool does: the standard location gets a bpffs when it has none. */
	if (mkdir(dir, 0700) && errno != EEXIST)
		return errf(e, "bpffs %s: %s", dir, strerror(errno));
	if (mount("bpf", dir, "bpf", 0, "mode=0700"))
		return errf(e, "cannot mount bpffs on %s: %s", dir, strerror(errno));
	return 0;
}

int sys_netns_id(char *buf, unsigned long len, struct err *e)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return errf(e, "cannot identify the network namespace: %s", strerror(errno));
	snprintf(buf, len, "netns-%lu", (unsigned long)st.st_ino);
	return 0;
}
