"""program_job with N ranks as threads (no torch needed): who programs, with what, and
what every rank concludes."""

import logging
import unittest

import support
from srv6_bpf import distributed
from srv6_bpf.config import Options


class Flow(unittest.TestCase):
    def setUp(self):
        self.fresh_fake()
        logging.getLogger("srv6_bpf").setLevel(logging.CRITICAL)  # quiet; asserted below
        self.addCleanup(logging.getLogger("srv6_bpf").setLevel, logging.NOTSET)

    def fresh_fake(self):
        self.fake = support.FakeLoader()
        self.addCleanup(self.fake.cleanup)

    def run_job(self, envs, backend="gloo", fake=None, **options):
        """envs[rank]: that rank's environment (on top of the fake loader's)."""
        def rank_body(rank, dist):
            env = support.package_env(fake or self.fake.env())
            env.update(envs[rank])
            opts = Options(env=env, **options)
            return distributed.program_job(opts, env=env, dist=dist)

        results, world = support.run_ranks(len(envs), rank_body, backend)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        return results, world

    @staticmethod
    def two_hosts_two_workers(extra=None):
        envs = []
        for rank in range(4):
            env = {"MASTER_ADDR": "2001:db8::1", "RANK": str(rank), "LOCAL_RANK": str(rank % 2),
                   "GLOO_SOCKET_IFNAME": "lo",
                   "HOSTNAME": "node%d" % (rank // 2),
                   "SRV6_BPF_ADDRESS": "2001:db8::%d" % (rank // 2 + 1)}
            env.update(extra or {})
            envs.append(env)
        return envs

    def test_socket_interface_default(self):
        env = {}
        self.assertEqual(distributed.default_socket_ifname("net1", env),
                         ["GLOO_SOCKET_IFNAME", "NCCL_SOCKET_IFNAME"])
        self.assertEqual(env, {"GLOO_SOCKET_IFNAME": "net1", "NCCL_SOCKET_IFNAME": "net1"})
        for mine in ({"GLOO_SOCKET_IFNAME": "eth0"}, {"NCCL_SOCKET_IFNAME": "ib0"}):
            env = dict(mine)
            self.assertEqual(distributed.default_socket_ifname("net1", env), [])
            self.assertEqual(env, mine, "an explicit setting wins")

    def test_one_programmer_per_host_and_same_membership_everywhere(self):
        results, _ = self.run_job(self.two_hosts_two_workers())
        expected = [("node0", 0, "2001:db8::1", ["2001:db8::1"]),
                    ("node1", 2, "2001:db8::2", ["2001:db8::2"])]
        for r in results:
            self.assertTrue(r.ok, r.message)
            self.assertEqual([tuple(h) for h in r.hosts], expected)
        self.assertEqual([r.programmed_here for r in results], [True, False, True, False])
        loads, syncs = self.fake.calls("load"), self.fake.calls("sync")
        self.assertEqual(sorted(c["env"]["HOSTNAME"] for c in loads), ["node0", "node1"])
        self.assertEqual(sorted(c["env"]["HOSTNAME"] for c in syncs), ["node0", "node1"])
        text = ("# srv6-bpf job membership: name rank address...\n"
                "node0 0 2001:db8::1\nnode1 2 2001:db8::2\n")
        self.assertEqual([c["hosts"] for c in syncs], [text, text])
        for c in loads + syncs:
            self.assertIn("net1", c["argv"])
        # the datapath is loaded before the peers are synced, on each host
        for name in ("node0", "node1"):
            load = [c for c in loads if c["env"]["HOSTNAME"] == name][0]
            sync = [c for c in syncs if c["env"]["HOSTNAME"] == name][0]
            self.assertLessEqual(load["end"], sync["start"])

    def test_a_loaded_datapath_is_not_loaded_again(self):
        self.run_job(self.two_hosts_two_workers())
        self.assertEqual(len(self.fake.calls("load")), 2)
        results, _ = self.run_job(self.two_hosts_two_workers())  # the next job, same hosts
        self.assertTrue(all(r.ok for r in results))
        self.assertEqual(len(self.fake.calls("load")), 2)
        self.assertEqual(len(self.fake.calls("show")), 4)
        self.assertEqual(len(self.fake.calls("sync")), 4)

    def test_load_failure(self):
        fake = self.fake.env(fail="load@node0:1:srv6-bpf: cannot attach to tc egress on net1")
        results, _ = self.run_job(self.two_hosts_two_workers(), fake=fake)
        self.assertEqual(results[1].failures,
                         [("node0", "srv6-bpf: cannot attach to tc egress on net1")])
        self.assertEqual(sorted(c["env"]["HOSTNAME"] for c in self.fake.calls("sync")),
                         ["node1"])  # node0 stopped at load

    def test_local_rank_zero_programs_even_if_not_the_lowest_rank(self):
        envs = self.two_hosts_two_workers()
        envs[0]["LOCAL_RANK"], envs[1]["LOCAL_RANK"] = "1", "0"
        results, _ = self.run_job(envs)
        self.assertEqual([r.programmed_here for r in results], [False, True, True, False])
        self.assertEqual(len(self.fake.calls("sync")), 2)

    def test_one_host_fails_every_rank_says_so(self):
        fake = self.fake.env(fail="sync@node1:1:srv6-bpf: sync: hosts/node0: no path found")
        results, _ = self.run_job(self.two_hosts_two_workers(), fake=fake)
        for r in results:
            self.assertFalse(r.ok)
            self.assertEqual(r.failures, [("node1", "srv6-bpf: sync: hosts/node0: no path found")])
            self.assertIn("failed on 1 of 2 hosts (node1: srv6-bpf: sync", r.message)
        self.assertEqual(len(self.fake.calls("sync")), 2)  # node0 was programmed all the same

    def test_an_unknown_address_stops_everyone_before_programming(self):
        envs = self.two_hosts_two_workers()
        del envs[3]["SRV6_BPF_ADDRESS"]
        envs[3]["BACKEND_INTERFACE"] = "nosuchdev0"
        results, _ = self.run_job(envs)
        for r in results:
            self.assertFalse(r.ok)
            self.assertIn("rank 3: no interface 'nosuchdev0'", r.message)
        self.assertEqual(self.fake.calls(), [])

    def test_loader_missing(self):
        fake = self.fake.env()
        fake["SRV6_BPF"] = self.fake.dir + "/missing"
        results, _ = self.run_job(self.two_hosts_two_workers(), fake=fake)
        for r in results:
            self.assertFalse(r.ok)
            self.assertIn("is not an executable srv6-bpf", r.message)

    def test_addresses_from_the_interface_named_by_master_family(self):
        # Every address of the interface is the host's; MASTER_ADDR's family names it.
        every = support.lo_addresses()
        ipv6 = next((a for a in every if ":" in a), None)
        for master, address in (("127.0.0.1", "127.0.0.1"), ("::1", ipv6)):
            if address is None:
                continue
            with self.subTest(master=master):
                self.fresh_fake()
                envs = [{"MASTER_ADDR": master, "RANK": str(r), "BACKEND_INTERFACE": "lo",
                         "GLOO_SOCKET_IFNAME": "lo"}
                        for r in range(2)]
                results, _ = self.run_job(envs)
                # Two processes on one address are one host, named after the lowest rank.
                self.assertEqual([tuple(h) for h in results[0].hosts],
                                 [("host00", 0, address, every)])
                self.assertEqual(len(self.fake.calls("sync")), 1)
                self.assertEqual(self.fake.calls("sync")[0]["hosts"].splitlines()[1],
                                 " ".join(["host00", "0"] + every))
                argv = self.fake.calls("sync")[0]["argv"]
                self.assertEqual(argv[argv.index("--family") + 1], "both")
                self.assertEqual(self.fake.calls("sync")[0]["argv"][:3], ["sync", "dev", "lo"])

    def test_kernel_platform_and_dry_run_skip_load(self):
        results, _ = self.run_job(self.two_hosts_two_workers({"ROUTE_PLATFORM": "linux"}))
        self.assertTrue(all(r.ok for r in results))
        self.assertEqual(self.fake.calls("load"), [])
        self.assertEqual(len(self.fake.calls("sync")), 2)
        self.fresh_fake()
        results, _ = self.run_job(self.two_hosts_two_workers(), dry_run=True)
        self.assertEqual(self.fake.calls("load"), [])
        self.assertTrue(all("--dry-run" in c["argv"] for c in self.fake.calls("sync")))
        self.assertIn("dry run", results[0].message)

    def test_master_addr_given_to_loader_when_only_in_init_method(self):
        envs = [{"RANK": str(r), "SRV6_BPF_ADDRESS": "192.0.2.%d" % (r + 1),
                 "GLOO_SOCKET_IFNAME": "lo"} for r in range(2)]

        def rank_body(rank, dist):
            env = support.package_env(self.fake.env())
            env.update(envs[rank])
            return distributed.program_job(Options(env=env), master_addr="192.0.2.1", env=env,
                                           dist=dist)

        results, _ = support.run_ranks(2, rank_body)
        self.assertTrue(all(r.ok for r in results), results)
        self.assertEqual({c["env"]["MASTER_ADDR"] for c in self.fake.calls("sync")}, {"192.0.2.1"})

    def test_explicit_address_brings_its_family(self):
        # MASTER_ADDR is a DNS name (the IPv4 rule) but the job's addresses are IPv6.
        envs = self.two_hosts_two_workers({"MASTER_ADDR": "master-0"})
        results, _ = self.run_job(envs)
        self.assertTrue(all(r.ok for r in results), results[0].message)
        self.assertEqual(results[0].hosts[1].address, "2001:db8::2")

    def test_nccl_job_gathers_over_a_gloo_group(self):
        results, world = self.run_job(self.two_hosts_two_workers(), backend="nccl")
        self.assertTrue(all(r.ok for r in results))
        self.assertEqual(world.new_groups, 4)  # FakeDist asserts the group on every gather

    def test_log_lines(self):
        logger = logging.getLogger("srv6_bpf")
        logger.setLevel(logging.INFO)
        fake = self.fake.env(fail="sync@node1:1:srv6-bpf: sync: API down")
        with self.assertLogs(logger, logging.INFO) as logs:
            self.run_job(self.two_hosts_two_workers(), fake=fake)
        lines = logs.output
        self.assertTrue(all("\n" not in line for line in lines))
        self.assertIn("ERROR:srv6_bpf:rank 2: node1: srv6-bpf failed: srv6-bpf: sync: API down",
                      lines)
        self.assertIn("INFO:srv6_bpf:rank 0: node0: datapath loaded on net1", lines)
        self.assertEqual(sum("training continues unsteered" in line for line in lines), 4)
        # gloo would use lo's 127.0.0.1, not the backend address: each host's programmer warns
        warn = sorted(line for line in lines if line.startswith("WARNING"))
        self.assertEqual(len(warn), 2)
        self.assertIn("rank 0: gloo announces 127.0.0.1 (GLOO_SOCKET_IFNAME=lo), not a "
                      "backend address (2001:db8::1)", warn[0])
        self.assertIn("rank 2: gloo announces 127.0.0.1", warn[1])


if __name__ == "__main__":
    unittest.main()
