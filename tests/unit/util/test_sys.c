// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/util/sys.c: kernel version check and the namespace id used in pin paths. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "util/sys.h"
#include "unit_helpers.h"

static void release_ok(const char *release)
{
	struct err e = { "" };

	cr_assert_eq(sys_check_kernel_release(release, &e), 0, "\"%s\" refused: %s", release,
		     e.msg);
}

/* Refused as too old, with the message naming the release and the minimum. */
static void release_too_old(const char *release)
{
	struct err e = { "" };
	char want[ERR_LEN];

	snprintf(want, sizeof(want), "kernel %s is too old: srv6-bpf needs Linux %d.%d or newer",
		 release, SRV6_KERNEL_MIN_MAJOR, SRV6_KERNEL_MIN_MINOR);
	cr_assert_eq(sys_check_kernel_release(release, &e), -1, "\"%s\" accepted", release);
	cr_assert_str_eq(e.msg, want);
}

static void release_unreadable(const char *release)
{
	struct err e = { "" };
	char want[ERR_LEN];

	snprintf(want, sizeof(want), "cannot read the kernel version from \"%s\"", release);
	cr_assert_eq(sys_check_kernel_release(release, &e), -1, "\"%s\" accepted", release);
	cr_assert_str_eq(e.msg, want);
}

/* "MAJOR.MINOR<tail>" relative to the minimum the loader states in sys.h. */
static const char *release_at(int dmajor, int minor, const char *tail)
{
	static char buf[4][64];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%d.%d%s", SRV6_KERNEL_MIN_MAJOR + dmajor, minor, tail);
	return b;
}

Test(sys_kernel, minimum_is_at_least_5_15)
{
	/* bpf_check_mtu, bpf_redirect_neigh and adjust_room ENCAP_L3_IPV6 need 5.15. */
	cr_assert(SRV6_KERNEL_MIN_MAJOR > 5 ||
		  (SRV6_KERNEL_MIN_MAJOR == 5 && SRV6_KERNEL_MIN_MINOR >= 15));
}

Test(sys_kernel, new_enough)
{
	release_ok("6.18.44-fc");
	release_ok("10.0.1");
	release_ok(release_at(0, SRV6_KERNEL_MIN_MINOR, ".0"));
	release_ok(release_at(0, SRV6_KERNEL_MIN_MINOR, ""));
	release_ok(release_at(0, SRV6_KERNEL_MIN_MINOR + 1, ".17-generic"));
	/* A newer major with a smaller minor. */
	release_ok(release_at(1, 0, ".0"));
	release_ok(release_at(1, 0, "-18-amd64"));
}

Test(sys_kernel, too_old)
{
	release_too_old("5.14.21");
	release_too_old("4.19");
	release_too_old("5.4.0-150-generic");
	release_too_old(release_at(0, SRV6_KERNEL_MIN_MINOR - 1, ".99"));
	/* An older major with a larger minor. */
	release_too_old(release_at(-1, 99, ".0"));
}

Test(sys_kernel, unreadable)
{
	release_unreadable("garbage");
	release_unreadable("");
	release_unreadable("6");
	release_unreadable("v6.1");
}

Test(sys_kernel, running_kernel_is_judged_by_its_release)
{
	struct err e1 = { "" }, e2 = { "" };
	struct utsname u;

	/* Same verdict and message as the release uname reports, whatever this host runs. */
	cr_assert_eq(uname(&u), 0);
	cr_assert_eq(sys_check_kernel(&e1), sys_check_kernel_release(u.release, &e2));
	cr_assert_str_eq(e1.msg, e2.msg);
}

Test(sys_netns, id_is_the_namespace_inode)
{
	struct err e = { "" };
	struct stat st;
	char got[64], want[64];

	cr_assert_eq(stat("/proc/self/ns/net", &st), 0);
	snprintf(want, sizeof(want), "netns-%lu", (unsigned long)st.st_ino);
	memset(got, 0, sizeof(got));
	cr_assert_eq(sys_netns_id(got, sizeof(got), &e), 0, "%s", e.msg);
	cr_assert_str_eq(got, want);
}
