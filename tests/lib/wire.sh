# shellcheck shell=bash
# wire.sh: the encapsulations test_wire.sh and test_wire_kernel.sh put on the
# wire from h0 to h1 in srv6lab.sh's line (source srv6lab.sh first).

# wire_sids N FUNC: a list of N SIDs (1 to 4) ending at h1's decap function
# FUNC (e006 IPv6, e004 IPv4). One SID packs r1's uN and h1's function in one
# carrier; longer lists visit r1's uNs one SRH entry each, then h1.
wire_sids() {
	case $1 in
	1) echo "fc00:0:100:2:$2::" ;;
	2) echo "fc00:0:100::,fc00:0:2:$2::" ;;
	3) echo "fc00:0:100::,fc00:0:101::,fc00:0:2:$2::" ;;
	4) echo "fc00:0:100::,fc00:0:101::,fc00:0:102::,fc00:0:2:$2::" ;;
	*) fail "wire_sids: no list of $1 SIDs" ;;
	esac
}

# wire_family FAM: set peer (h1's address), func (its decap function), nh (the
# next header for that inner family) and plen (a host prefix length) for FAM 6 or 4.
# shellcheck disable=SC2034 # read by the tests
wire_family() {
	case $1 in
	6) peer=$H1_6 func=e006 nh=41 plen=128 ;;
	4) peer=$H1_4 func=e004 nh=4 plen=32 ;;
	*) fail "wire_family: IPv$1?" ;;
	esac
}
