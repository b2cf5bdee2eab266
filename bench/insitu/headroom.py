"""Print a network device's needed_headroom (IFLA_HEADROOM), as the kernel reports it.

  headroom.py DEV     (in the network namespace it runs in)

iproute2 before 6.3 does not show it; this asks rtnetlink directly (standard
library only). The in-situ section reads h0's eth0 with it to prove its
headroom mode: the bytes of headroom the stack reserves in front of the
link-layer header of the packets it builds (LL_RESERVED_SPACE).
"""
import errno
import socket
import struct
import sys

RTM_GETLINK, RTM_NEWLINK, NLMSG_ERROR, NLMSG_DONE = 18, 16, 2, 3
NLM_F_REQUEST = 1
IFLA_IFNAME, IFLA_HEADROOM = 3, 68


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    name = sys.argv[1].encode() + b"\0"
    attr = struct.pack("HH", 4 + len(name), IFLA_IFNAME) + name
    attr += b"\0" * (-len(attr) % 4)
    body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0) + attr
    msg = struct.pack("IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST, 1, 0) + body
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.send(msg)
        data = s.recv(65536)
    length, kind = struct.unpack_from("IH", data)
    if kind == NLMSG_ERROR:
        err = -struct.unpack_from("i", data, 16)[0]
        sys.exit(f"headroom.py: {sys.argv[1]}: {errno.errorcode.get(err, err)}")
    off = 16 + 16
    while off + 4 <= length:
        alen, atype = struct.unpack_from("HH", data, off)
        if alen < 4:
            break
        if atype == IFLA_HEADROOM:
            print(struct.unpack_from("H", data, off + 4)[0])
            return
        off += (alen + 3) & ~3
    sys.exit(f"headroom.py: the kernel does not report {sys.argv[1]}'s headroom (IFLA_HEADROOM)")


if __name__ == "__main__":
    main()
