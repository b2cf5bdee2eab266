"""Addresses of this host's interfaces, read over rtnetlink (standard library only).

A host is a peer under every address it has on the backend interface, one a family (IPv6
and IPv4 by default): gloo announces the interface's first address, which may be of either
family whatever MASTER_ADDR's is. MASTER_ADDR's family (the plugin's rule: IPv6 if it
contains ':', or if there is none) only picks the address a host is named by in the logs.
"""

import ipaddress
import os
import socket
import struct

_NLMSG_ERROR = 2
_NLMSG_DONE = 3
_RTM_NEWADDR = 20
_RTM_GETADDR = 22
_NLM_F_REQUEST = 0x1
_NLM_F_DUMP = 0x300
_IFA_ADDRESS = 1
_IFA_LOCAL = 2
_IFA_FLAGS = 8

_IFA_F_SECONDARY = 0x01  # IPv4 secondary, IPv6 temporary (privacy) address
_IFA_F_DADFAILED = 0x08
_IFA_F_DEPRECATED = 0x20
_IFA_F_TENTATIVE = 0x40

_RT_SCOPE_UNIVERSE = 0
_RT_SCOPE_LINK = 253
_RT_SCOPE_NOWHERE = 255

_NLMSGHDR = struct.Struct("=IHHII")
_IFADDRMSG = struct.Struct("=BBBBI")
_RTATTR = struct.Struct("=HH")


class NetInfoError(Exception):
    """An interface or address that cannot be found; the message says what to set."""


def family_for_master(master_addr):
    """AF_INET6 for an IPv6 (or no) MASTER_ADDR, AF_INET for any other (the plugin's rule)."""
    if master_addr and ":" not in master_addr:
        return socket.AF_INET
    return socket.AF_INET6


FAMILY_ORDER = (socket.AF_INET6, socket.AF_INET)  # a host's addresses: IPv6 first


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def family_name(family):
    return "IPv6" if family == socket.AF_INET6 else "IPv4"


def unbracket(host):
    """'[::1]' -> '::1'; anything else unchanged."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host


def bracket(host):
    """An IPv6 literal in URL form ('::1' -> '[::1]'); names and IPv4 unchanged."""
    host = unbracket(host)
    return "[%s]" % host if ":" in host else host


def _align(n):
    return (n + 3) & ~3


def _dump_addresses(family):
    """Every address of this network namespace: (ifindex, family, scope, flags, address), in
    the kernel's dump order (which is also the order getifaddrs(3) returns)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
    try:
        sock.bind((0, 0))
        seq = 1
        body = _IFADDRMSG.pack(family, 0, 0, 0, 0)
        sock.send(_NLMSGHDR.pack(_NLMSGHDR.size + len(body), _RTM_GETADDR,
                                 _NLM_F_REQUEST | _NLM_F_DUMP, seq, 0) + body)
        out = []
        while True:
            data = sock.recv(1 << 16)
            off = 0
            while off + _NLMSGHDR.size <= len(data):
                length, mtype, _flags, mseq, _pid = _NLMSGHDR.unpack_from(data, off)
                if length < _NLMSGHDR.size or off + length > len(data):
                    raise NetInfoError("rtnetlink: malformed address dump")
                if mseq == seq:
                    if mtype == _NLMSG_DONE:
                        return out
                    if mtype == _NLMSG_ERROR:
                        errno = -struct.unpack_from("=i", data, off + _NLMSGHDR.size)[0]
                        raise NetInfoError("rtnetlink: address dump failed: %s" % os.strerror(errno))
                    if mtype == _RTM_NEWADDR:
                        out.append(_parse_addr(data[off + _NLMSGHDR.size:off + length]))
                off += _align(length)
    finally:
        sock.close()


def _parse_addr(msg):
    fam, _plen, flags, scope, index = _IFADDRMSG.unpack_from(msg, 0)
    attrs = {}
    off = _IFADDRMSG.size
    while off + _RTATTR.size <= len(msg):
        alen, atype = _RTATTR.unpack_from(msg, off)
        if alen < _RTATTR.size:
            break
        attrs[atype] = msg[off + _RTATTR.size:off + alen]
        off += _align(alen)
    if _IFA_FLAGS in attrs and len(attrs[_IFA_FLAGS]) >= 4:
        flags = struct.unpack("=I", attrs[_IFA_FLAGS][:4])[0]  # the full 32-bit flags
    # IFA_LOCAL is the local end of a point-to-point IPv4 address; IFA_ADDRESS otherwise.
    raw = attrs.get(_IFA_LOCAL) or attrs.get(_IFA_ADDRESS)
    addr = socket.inet_ntop(fam, raw) if raw else None
    return index, fam, scope, flags, addr


def interface_index(ifname):
    try:
        return socket.if_nametoindex(ifname)
    except OSError:
        raise NetInfoError("no interface %r in this network namespace "
                           "(set BACKEND_INTERFACE to the backend interface)" % ifname) from None


def interface_addresses(ifname, family):
    """ifname's usable addresses of one family, best first: global before host scope,
    stable before deprecated, tentative or temporary; never link-local or DAD-failed."""
    index = interface_index(ifname)
    found = []
    for pos, (idx, fam, scope, flags, addr) in enumerate(_dump_addresses(family)):
        if idx != index or fam != family or addr is None:
            continue
        if scope in (_RT_SCOPE_LINK, _RT_SCOPE_NOWHERE) or flags & _IFA_F_DADFAILED:
            continue
        if family == socket.AF_INET6 and ipaddress.ip_address(addr).is_link_local:
            continue
        rank = (scope != _RT_SCOPE_UNIVERSE, bool(flags & _IFA_F_DEPRECATED),
                bool(flags & _IFA_F_TENTATIVE), bool(flags & _IFA_F_SECONDARY), pos)
        found.append((rank, addr))
    return [addr for _rank, addr in sorted(found)]


def backend_addresses(ifname, families):
    """{family: best address} of ifname, for each of families it has an address of."""
    out = {}
    for family in families:
        addrs = interface_addresses(ifname, family)
        if addrs:
            out[family] = addrs[0]
    if not out:
        raise NetInfoError("interface %s has no usable %s address (set SRV6_BPF_ADDRESS to "
                           "choose one)" % (ifname, " or ".join(family_name(f) for f in families)))
    return out


def normalize_address(text, family=None):
    """The canonical text of an address ('2001:DB8::01' -> '2001:db8::1'); ValueError if it is
    not one, or not of family."""
    addr = ipaddress.ip_address(unbracket(text))
    if family is not None and addr.version != (6 if family == socket.AF_INET6 else 4):
        raise ValueError("%s is not an %s address" % (text, family_name(family)))
    return addr.compressed


def gloo_addresses(env=None):
    """The address(es) gloo will announce to the other ranks, found the way gloo finds them:
    the first address of each GLOO_SOCKET_IFNAME interface, else this machine's host name
    resolved. None when that cannot be told. Only used to warn that traffic would miss the
    backend interface, never to decide anything."""
    env = os.environ if env is None else env
    ifnames = [n for n in env.get("GLOO_SOCKET_IFNAME", "").split(",") if n]
    try:
        if ifnames:
            out = []
            dump = _dump_addresses(socket.AF_UNSPEC)
            for name in ifnames:
                index = socket.if_nametoindex(name)
                first = next((a for i, _f, _s, _fl, a in dump if i == index and a), None)
                if first:
                    out.append(first)
            return out
        infos = socket.getaddrinfo(socket.gethostname(), None, 0, socket.SOCK_STREAM)
        return [infos[0][4][0]] if infos else []
    except (OSError, NetInfoError):
        return None
