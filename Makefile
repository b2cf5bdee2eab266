# srv6-bpf: BPF objects -> skeletons -> the srv6-bpf loader, plus tests and benchmarks.
# Debian 12 packages only (make deps installs them).

BUILD    ?= build
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PREFIX   ?= /usr/local
VERSION  := 0.1.0

PKGS     := libbpf libnl-3.0 libnl-route-3.0 libcurl libcjson libmicrohttpd zlib
STRICT   := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
CFLAGS   += $(STRICT) -MMD -MP -Iinclude -Imaps -Iloader -I$(BUILD) \
            -DSRV6_BPF_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread

# Our BPF code is C11 too; libbpf's headers spell two GNU keywords, which we map
# to their reserved forms instead of switching the whole program to gnu11.
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 $(STRICT) -MMD -MP -Dtypeof=__typeof__ -Dasm=__asm__ \
              -Ivmlinux -Iinclude -Ibpf

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELETONS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
# loader/<concern>/*.c (the README's code map): everything but main() is a
# library the unit tests link too.
LIB_SRCS   := $(filter-out loader/cli/main.c,$(wildcard loader/*/*.c maps/*.c))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LOADER     := $(BUILD)/srv6-bpf

UNIT_SRCS  := $(wildcard tests/unit/*.c tests/unit/*/*.c)

# Debian 12 packages the build, tests, benchmarks and demo use.
DEPS := make gcc libc6-dev clang llvm libbpf-dev bpftool libnl-3-dev libnl-route-3-dev \
        libcurl4-openssl-dev libcjson-dev libmicrohttpd-dev libcriterion-dev pkg-config zlib1g-dev \
        libclang-rt-14-dev curl openssl \
        iproute2 iputils-ping tcpdump iperf3 ethtool procps util-linux valgrind python3 \
        python3-torch prometheus tshark python3-scapy

.SECONDARY:

.PHONY: all deps vmlinux demo test test-unit test-asan test-valgrind test-kernel test-python test-fuzz test-deploy \
        bench install clean

all: $(LOADER)

deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Regenerate the committed vmlinux.h from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* > $@

# Each object depends on the headers it includes (-MMD writes $(BUILD)/X.d);
# the skeletons come first because the platform code includes them.
$(BUILD)/%.o: %.c | $(SKELETONS) $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LOADER): $(BUILD)/loader/cli/main.o $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD):
	mkdir -p $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- tests -------------------------------------------------------------------

UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRCS))
$(UNIT_OBJS): CFLAGS += -Itests/unit
$(BUILD)/unit-tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lcriterion

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(BUILD)/asan/unit-tests: $(UNIT_SRCS) $(LIB_SRCS) $(SKELETONS) \
		$(shell find include loader maps tests/unit -name '*.h')
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(ASAN_FLAGS) -Itests/unit $(UNIT_SRCS) $(LIB_SRCS) -o $@ \
		$(LDLIBS) -lcriterion

test-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests --jobs 2

# Criterion runs every test in its own child process and ignores a child's exit
# status once the test has passed, so a leak (LeakSanitizer, valgrind) or a
# valgrind error in a passing test would not fail the run: send each process's
# report to a log directory and fail when any report was written.
SAN_LOGS := $(BUILD)/asan/logs
test-asan: $(BUILD)/asan/unit-tests
	@rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	ASAN_OPTIONS=detect_leaks=1:log_path=$(abspath $(SAN_LOGS))/asan \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(abspath $(SAN_LOGS))/ubsan \
		$(BUILD)/asan/unit-tests --jobs 2
	@if [ -n "$$(ls -A $(SAN_LOGS))" ]; then cat $(SAN_LOGS)/*; \
		echo "sanitizers reported errors (logs in $(SAN_LOGS))" >&2; exit 1; fi

VALGRIND_LOGS := $(BUILD)/valgrind
test-valgrind: $(BUILD)/unit-tests
	@rm -rf $(VALGRIND_LOGS) && mkdir -p $(VALGRIND_LOGS)
	valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --trace-children=yes -q \
		--log-file=$(abspath $(VALGRIND_LOGS))/%p.log $(BUILD)/unit-tests --jobs 1
	@if grep -q . $(VALGRIND_LOGS)/*.log; then cat $(VALGRIND_LOGS)/*.log; \
		echo "valgrind reported errors (logs in $(VALGRIND_LOGS))" >&2; exit 1; fi

test-kernel: $(LOADER)
	tests/kernel/run.sh $(KTESTS)

# The Python package, under Debian's python3 (the one with python3-torch).
PYTHON ?= /usr/bin/python3
test-python:
	$(PYTHON) -m unittest discover -s python/tests
	$(PYTHON) tests/jalapeno/test_server.py

# libFuzzer on the response parser and the SID builder, bounded in time.
FUZZ_SECONDS ?= 30
test-fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# Kubernetes manifests (schemas), YAML lint, the image build, the dashboard's
# queries and the capabilities the containers get (installs its own tools).
test-deploy: $(LOADER)
	deploy/validate.sh

# Everything: what the README's test command and CI run.
test: deps
	$(MAKE) test-unit test-asan test-valgrind test-python test-fuzz test-deploy test-kernel

# The README's first command (needs root): ECMP against srv6-bpf on a leaf-spine
# lab of Linux routers in network namespaces (tests/lab/demo.sh).
demo: deps
	$(MAKE) all
	tests/lab/demo.sh

# --- benchmarks (not tests) ---------------------------------------------------

# bench/lib: what the BPF_PROG_TEST_RUN benchmarks share: the driver (options,
# trials, output check, JSON), the test packets and the small helpers.
BENCH_LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard bench/lib/*.c)) $(BUILD)/maps/srv6_maps.o

# bench/prog_run: the TC program's ns per packet through BPF_PROG_TEST_RUN.
BENCH_PROG_RUN  := $(BUILD)/bench/prog-run
BENCH_PROG_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard bench/prog_run/*.c))
$(BENCH_PROG_RUN): $(BENCH_PROG_OBJS) $(BENCH_LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# bench/xdp_run: the XDP program's ns per packet (its frames wrap bench/lib's packets).
BENCH_XDP_RUN  := $(BUILD)/bench/xdp-run
BENCH_XDP_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard bench/xdp_run/*.c))
$(BENCH_XDP_RUN): $(BENCH_XDP_OBJS) $(BENCH_LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# bench/tools/live_stats: ns per packet of the attached program under real traffic.
BENCH_LIVE_STATS := $(BUILD)/bench/live-stats
$(BENCH_LIVE_STATS): $(BUILD)/bench/tools/live_stats.o $(BUILD)/bench/tools/command.o
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# bench/insitu: a UDP sender (sendmmsg), run-time statistics of given programs
# around a command, and the section's small TC programs (an empty one, a
# receiver that drops, and the headroom experiment).
BENCH_UDP_BLAST  := $(BUILD)/bench/udp-blast
BENCH_PROG_TIME  := $(BUILD)/bench/prog-time
BENCH_INSITU_BPF := $(patsubst bench/insitu/%.bpf.c,$(BUILD)/bench/insitu/%.bpf.o,\
                    $(wildcard bench/insitu/*.bpf.c))
$(BENCH_UDP_BLAST): $(BUILD)/bench/tools/udp_blast.o $(BUILD)/bench/tools/command.o
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)
$(BENCH_PROG_TIME): $(BUILD)/bench/tools/prog_time.o $(BUILD)/bench/tools/command.o
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)
$(BUILD)/bench/insitu/%.bpf.o: bench/insitu/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# bench/tools/resync: a re-sync changing a few of many peers, through the
# loader's own route_sync (with the daemon's memo and without).
BENCH_RESYNC := $(BUILD)/bench/resync
$(BENCH_RESYNC): $(BUILD)/bench/tools/resync.o $(BUILD)/bench/tools/command.o $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# Every section in bench/ (see bench/README.md); BENCH_ARGS go to bench/run.sh,
# which runs the binaries of this BUILD.
bench: $(LOADER) $(BENCH_PROG_RUN) $(BENCH_XDP_RUN) $(BENCH_LIVE_STATS) $(BENCH_UDP_BLAST) \
       $(BENCH_PROG_TIME) $(BENCH_INSITU_BPF) $(BENCH_RESYNC)
	BENCH_BUILD=$(abspath $(BUILD)) bench/run.sh $(BENCH_ARGS)

PYTHON_SITEDIR ?= $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
install: $(LOADER)
	install -D -m 0755 $(LOADER) $(DESTDIR)$(PREFIX)/sbin/srv6-bpf
	install -d $(DESTDIR)$(PYTHON_SITEDIR)/srv6_bpf/_boot
	install -m 0644 python/srv6_bpf/*.py $(DESTDIR)$(PYTHON_SITEDIR)/srv6_bpf/
	install -m 0644 python/srv6_bpf/_boot/sitecustomize.py $(DESTDIR)$(PYTHON_SITEDIR)/srv6_bpf/_boot/

clean:
	rm -rf $(BUILD)
