import socket
import unittest

import support  # noqa: F401
from srv6_bpf import membership
from srv6_bpf.config import Options


def node(rank, address, name, local_rank=0, addresses=None):
    return {"rank": rank, "local_rank": local_rank, "hostname": name, "address": address,
            "addresses": addresses or [address], "error": None}


def host(name, rank, address, addresses=None):
    return membership.Host(name, rank, address, addresses or [address])


class Names(unittest.TestCase):
    def test_plugin_rule(self):
        self.assertEqual(membership.local_host_name(3, {"HOSTNAME": "gpu7"}), "gpu7")
        self.assertEqual(membership.local_host_name(3, {}), "host03")
        self.assertEqual(membership.local_host_name(3, {"HOSTNAME_PREFIX": "node"}), "node03")
        # torchrun: the node rank, so that two workers of one node agree
        self.assertEqual(membership.local_host_name(5, {"GROUP_RANK": "2"}), "host02")

    def test_local_rank(self):
        self.assertEqual(membership.local_rank({}), 0)
        self.assertEqual(membership.local_rank({"LOCAL_RANK": "3"}), 3)


class NodeInfo(unittest.TestCase):
    def test_from_interface(self):
        # Both families by default; MASTER_ADDR's family names the host.
        info = membership.node_info(1, Options(env={}, interface="lo"), socket.AF_INET,
                                    {"RANK": "1", "LOCAL_RANK": "1"})
        self.assertEqual(info, {"rank": 1, "local_rank": 1, "hostname": "host01",
                                "address": "127.0.0.1", "addresses": ["::1", "127.0.0.1"],
                                "error": None})
        info = membership.node_info(1, Options(env={}, interface="lo"), socket.AF_INET6, {})
        self.assertEqual((info["address"], info["addresses"]), ("::1", ["::1", "127.0.0.1"]))
        info = membership.node_info(1, Options(env={}, interface="lo", family="4"),
                                    socket.AF_INET6, {})
        self.assertEqual((info["address"], info["addresses"]), ("127.0.0.1", ["127.0.0.1"]))

    def test_explicit_addresses_are_the_hosts_and_the_interface_is_not_read(self):
        o = Options(env={}, interface="nosuchdev0", address="192.0.2.1")
        info = membership.node_info(0, o, socket.AF_INET6, {})
        self.assertEqual((info["error"], info["address"], info["addresses"]),
                         (None, "192.0.2.1", ["192.0.2.1"]))
        o = Options(env={}, interface="nosuchdev0", address="192.0.2.1,2001:DB8::7")
        info = membership.node_info(0, o, socket.AF_INET6, {})
        self.assertEqual((info["address"], info["addresses"]), ("2001:db8::7", ["2001:db8::7", "192.0.2.1"]))
        # --family narrows them.
        o = Options(env={}, interface="nosuchdev0", address="192.0.2.1,2001:db8::7", family="4")
        info = membership.node_info(0, o, socket.AF_INET6, {})
        self.assertEqual((info["address"], info["addresses"]), ("192.0.2.1", ["192.0.2.1"]))

    def test_errors_are_reported_not_raised(self):
        info = membership.node_info(0, Options(env={}, interface="nosuchdev0"),
                                    socket.AF_INET6, {})
        self.assertIn("nosuchdev0", info["error"])
        info = membership.node_info(0, Options(env={}, interface="lo"), socket.AF_INET,
                                    {"HOSTNAME": "bad name"})
        self.assertIn("not valid", info["error"])


class Grouping(unittest.TestCase):
    def test_one_entry_per_address_lowest_rank_names_it(self):
        nodes = [node(3, "2001:db8::2", "b", 1), node(0, "2001:db8::1", "a", 0),
                 node(2, "2001:db8::2", "b", 0), node(1, "2001:db8::1", "a", 1)]
        hosts, programmers = membership.group_hosts(nodes)
        self.assertEqual(hosts, [host("a", 0, "2001:db8::1"), host("b", 2, "2001:db8::2")])
        self.assertEqual(programmers, {("2001:db8::1",): 0, ("2001:db8::2",): 2})

    def test_lowest_local_rank_programs(self):
        # LOCAL_RANK 0 programs even when it does not hold the host's lowest rank.
        nodes = [node(4, "192.0.2.1", "x", 1), node(5, "192.0.2.1", "x", 0)]
        hosts, programmers = membership.group_hosts(nodes)
        self.assertEqual(hosts, [host("x", 4, "192.0.2.1")])
        self.assertEqual(programmers, {("192.0.2.1",): 5})

    def test_order_of_gathering_does_not_matter(self):
        nodes = [node(r, "2001:db8::%d" % (r // 2 + 1), "h%d" % (r // 2), r % 2)
                 for r in range(8)]
        a = membership.group_hosts(nodes)
        b = membership.group_hosts(list(reversed(nodes)))
        self.assertEqual(a, b)

    def test_dual_stack_hosts_keep_every_address(self):
        nodes = [node(1, "192.0.2.2", "b", 0, ["2001:db8::2", "192.0.2.2"]),
                 node(0, "192.0.2.1", "a", 0, ["2001:db8::1", "192.0.2.1"])]
        hosts, _ = membership.group_hosts(nodes)
        self.assertEqual(hosts[0], host("a", 0, "192.0.2.1", ["2001:db8::1", "192.0.2.1"]))

    def test_processes_are_one_host_only_with_all_addresses_alike(self):
        nodes = [node(0, "192.0.2.1", "a", 0, ["2001:db8::1", "192.0.2.1"]),
                 node(1, "192.0.2.1", "a", 1, ["2001:db8::9", "192.0.2.1"])]
        with self.assertRaises(ValueError) as cm:
            membership.group_hosts(nodes)
        self.assertIn("ranks 0 and 1 share the address 192.0.2.1 but not the others",
                      str(cm.exception))

    def test_hosts_file(self):
        text = membership.hosts_file_text([host("a", 0, "2001:db8::1", ["2001:db8::1", "192.0.2.1"]),
                                           host("b", 2, "2001:db8::2")])
        self.assertEqual(text, "# srv6-bpf job membership: name rank address...\n"
                               "a 0 2001:db8::1 192.0.2.1\nb 2 2001:db8::2\n")


if __name__ == "__main__":
    unittest.main()
