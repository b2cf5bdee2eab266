import os
import socket
import unittest

import support  # noqa: F401  (puts nothing on the path; tests run from python/tests)
from srv6_bpf import netinfo
from srv6_bpf.distributed import master_address, tcp_init_method


class FamilyAndBrackets(unittest.TestCase):
    def test_family_follows_master_addr_like_the_loader(self):
        self.assertEqual(netinfo.family_for_master("2001:db8::1"), socket.AF_INET6)
        self.assertEqual(netinfo.family_for_master("[::1]"), socket.AF_INET6)
        self.assertEqual(netinfo.family_for_master("192.0.2.1"), socket.AF_INET)
        self.assertEqual(netinfo.family_for_master("master-0"), socket.AF_INET)
        self.assertEqual(netinfo.family_for_master(None), socket.AF_INET6)
        self.assertEqual(netinfo.family_for_master(""), socket.AF_INET6)

    def test_bracket(self):
        self.assertEqual(netinfo.bracket("2001:db8::1"), "[2001:db8::1]")
        self.assertEqual(netinfo.bracket("[2001:db8::1]"), "[2001:db8::1]")
        self.assertEqual(netinfo.bracket("192.0.2.1"), "192.0.2.1")
        self.assertEqual(netinfo.bracket("master-0"), "master-0")

    def test_tcp_init_method_brackets_ipv6(self):
        self.assertEqual(tcp_init_method({"MASTER_ADDR": "2001:db8::1", "MASTER_PORT": "1234"}),
                         "tcp://[2001:db8::1]:1234")
        self.assertEqual(tcp_init_method({"MASTER_ADDR": "[::1]", "MASTER_PORT": "1"}),
                         "tcp://[::1]:1")
        self.assertEqual(tcp_init_method({"MASTER_ADDR": "192.0.2.1"}), "tcp://192.0.2.1:29500")
        self.assertEqual(tcp_init_method({}), "tcp://localhost:29500")

    def test_master_address(self):
        self.assertEqual(master_address({"MASTER_ADDR": "[2001:db8::1]"}), "2001:db8::1")
        self.assertEqual(master_address({}, "tcp://[2001:db8::2]:5"), "2001:db8::2")
        self.assertEqual(master_address({}, "tcp://192.0.2.9:5"), "192.0.2.9")
        self.assertIsNone(master_address({}, "env://"))

    def test_normalize_address(self):
        self.assertEqual(netinfo.normalize_address("2001:DB8:0::01"), "2001:db8::1")
        self.assertEqual(netinfo.normalize_address("[::1]", socket.AF_INET6), "::1")
        with self.assertRaises(ValueError):
            netinfo.normalize_address("192.0.2.1", socket.AF_INET6)
        with self.assertRaises(ValueError):
            netinfo.normalize_address("host00")


class Lookup(unittest.TestCase):
    def test_loopback_addresses(self):
        self.assertEqual(netinfo.backend_addresses("lo", (socket.AF_INET,)),
                         {socket.AF_INET: "127.0.0.1"})
        if os.path.exists("/proc/net/if_inet6"):
            with open("/proc/net/if_inet6") as f:
                has_v6_lo = any(line.split()[-1] == "lo" for line in f)
            if has_v6_lo:
                self.assertEqual(netinfo.backend_addresses("lo", (socket.AF_INET6, socket.AF_INET)),
                                 {socket.AF_INET6: "::1", socket.AF_INET: "127.0.0.1"})

    def test_ipv6_matches_proc(self):
        # Every non-link-local IPv6 address the kernel lists in /proc is found, per interface.
        if not os.path.exists("/proc/net/if_inet6"):
            self.skipTest("no IPv6")
        expected = {}
        with open("/proc/net/if_inet6") as f:
            for line in f:
                hexaddr, _idx, _plen, scope, _flags, name = line.split()
                if int(scope, 16) == 0x20:  # link
                    continue
                addr = socket.inet_ntop(socket.AF_INET6, bytes.fromhex(hexaddr))
                expected.setdefault(name, set()).add(addr)
        for name, addrs in expected.items():
            self.assertEqual(set(netinfo.interface_addresses(name, socket.AF_INET6)), addrs, name)

    def test_missing_interface_says_what_to_set(self):
        with self.assertRaises(netinfo.NetInfoError) as cm:
            netinfo.backend_addresses("nosuchdev0", (socket.AF_INET6,))
        self.assertIn("BACKEND_INTERFACE", str(cm.exception))

    def test_no_address_of_the_family(self):
        # A dummy interface would need privileges: use an interface without IPv4 if any.
        for _idx, name in socket.if_nameindex():
            if not netinfo.interface_addresses(name, socket.AF_INET):
                with self.assertRaises(netinfo.NetInfoError) as cm:
                    netinfo.backend_addresses(name, (socket.AF_INET,))
                self.assertIn("no usable IPv4 address", str(cm.exception))
                # Both families: the one it has is enough.
                if netinfo.interface_addresses(name, socket.AF_INET6):
                    both = netinfo.backend_addresses(name, (socket.AF_INET6, socket.AF_INET))
                    self.assertEqual(list(both), [socket.AF_INET6])
                return
        self.skipTest("every interface has an IPv4 address")

    def test_gloo_address_from_ifname(self):
        self.assertEqual(netinfo.gloo_addresses({"GLOO_SOCKET_IFNAME": "lo"}), ["127.0.0.1"])
        self.assertIsNone(netinfo.gloo_addresses({"GLOO_SOCKET_IFNAME": "nosuchdev0"}))


if __name__ == "__main__":
    unittest.main()
