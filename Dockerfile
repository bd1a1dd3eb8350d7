# metrogw container images. Build from the repository root:
#
#   docker build -t metrogw:0.1.0 .                        the node image (default target: runtime)
#   docker build --target redis -t metrogw-redis:0.1.0 .   Debian's Redis with deploy/redis/pool.conf
#   docker build --target build -t metrogw-build .         the unstripped build tree, for debugging
#
# Every stage starts from Debian 12, the distribution the project builds and tests on, and takes its
# packages from Debian's archive only (the same packages as deploy/install-deps.sh).
# deploy/DEPLOYMENT.md explains how the images are used (compose demo, Kubernetes).

ARG DEBIAN_IMAGE=debian:12

# ---------------------------------------------------------------------------------------------
# build: compiler, CMake and the -dev packages; builds metrogw and metrogw-sim.
# ---------------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS build
ARG DEBIAN_FRONTEND=noninteractive
# The top-level CMakeLists.txt always configures tests/, so GoogleTest is needed to configure even
# though no test is built here; Google Benchmark is not (METROGW_BENCH=OFF below).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config ca-certificates \
      libevent-dev libssl-dev libflatbuffers-dev flatbuffers-compiler \
      libhiredis-dev prometheus-cpp-dev libyaml-cpp-dev rapidjson-dev \
      libhttp-parser-dev libpugixml-dev libgtest-dev libgmock-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# JOBS: parallel compile jobs (default: every CPU the builder has; lower it on a small builder, the
# C++ translation units need about 1 GB of memory each).
ARG JOBS=
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETROGW_BENCH=OFF \
 && cmake --build build -j"${JOBS:-$(nproc)}" --target metrogw metrogw-sim \
 && mkdir -p /out \
 && strip --strip-debug -o /out/metrogw build/metrogw \
 && strip --strip-debug -o /out/metrogw-sim build/metrogw-sim

# ---------------------------------------------------------------------------------------------
# redis: Debian's redis-server (7.0, the version the pool's durability tests run against) with the
# pool's settings. Used by the compose demo and the Kubernetes manifests, which pass the listen
# address, data directory and replication settings on top of pool.conf. Sentinel is the same binary
# (`redis-server FILE --sentinel`); the Kubernetes start scripts also need redis-cli and timeout.
# ---------------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS redis
ARG DEBIAN_FRONTEND=noninteractive
# The redis user gets a fixed uid (the package's postinst keeps an existing system user), so that
# the image's USER is numeric and Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10002 redis \
 && useradd --system --uid 10002 --gid redis --home-dir /var/lib/redis --no-create-home \
      --shell /usr/sbin/nologin redis \
 && apt-get update \
 && apt-get install -y --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis -m 0750 /data
COPY deploy/redis/pool.conf /etc/metrogw/redis/pool.conf
USER 10002:10002
WORKDIR /data
EXPOSE 6379 26379
# As shipped, pool.conf listens on loopback only; deployments override --bind (see DEPLOYMENT.md).
CMD ["redis-server", "/etc/metrogw/redis/pool.conf", "--dir", "/data"]

# ---------------------------------------------------------------------------------------------
# runtime (default): only the shared libraries the two binaries link against.
# ---------------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# Runtime packages of the -dev packages used by the build (dpkg -S on each NEEDED library):
#   libevent_{core,extra,openssl,pthreads}-2.1.so.7  libevent-{core,extra,openssl,pthreads}-2.1-7
#   libssl.so.3, libcrypto.so.3                       libssl3
#   libhiredis.so.0.14                                libhiredis0.14
#   libprometheus-cpp-core.so.1.0                     libprometheus-cpp-core1.0
#   libyaml-cpp.so.0.7                                libyaml-cpp0.7
#   libpugixml.so.1                                   libpugixml1v5
#   libhttp_parser.so.2.9                             libhttp-parser2.9
# FlatBuffers needs no runtime package: the binaries do not link libflatbuffers.so (readelf -d shows
# no NEEDED entry for it), and RapidJSON is header-only. ca-certificates is for upstream TLS
# towards platforms whose cluster has no explicit `ca` (it also brings the openssl CLI, handy for
# inspecting mounted certificates).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libevent-core-2.1-7 libevent-extra-2.1-7 libevent-openssl-2.1-7 libevent-pthreads-2.1-7 \
      libssl3 libhiredis0.14 libprometheus-cpp-core1.0 libyaml-cpp0.7 libpugixml1v5 \
      libhttp-parser2.9 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 metrogw \
 && useradd --system --uid 10001 --gid metrogw --home-dir /var/lib/metrogw --no-create-home \
      --shell /usr/sbin/nologin metrogw \
 && install -d -o metrogw -g metrogw -m 0755 /var/lib/metrogw /var/lib/metrogw/audit \
 && install -d -m 0755 /etc/metrogw
# /var/lib/metrogw/audit only holds mount points: the audit directory itself (audit.directory, a
# subdirectory on a persistent volume) is created by the node with mode 0700. The parents stay 0755
# so that a container run under another uid (the compose demo runs as the host user) can reach it.
COPY --from=build /out/metrogw /out/metrogw-sim /usr/local/bin/
COPY deploy/docker/healthcheck.sh /usr/local/bin/metrogw-healthcheck
# Fail the build if a shared library is missing, rather than at the first start.
RUN ! ldd /usr/local/bin/metrogw /usr/local/bin/metrogw-sim | grep -F 'not found' \
 && metrogw --version \
 && metrogw-sim --help >/dev/null

# Numeric user, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /var/lib/metrogw
# Conventional ports of the container configurations (deploy/k8s): north API 8443 (TLS),
# federation 9443 (mutual TLS), admin 9901 (/healthz, /readyz, /metrics, /config). The compose
# demo keeps the quickstart's per-city ports (8201-8203, 8301-8303, 9201-9203); the configuration
# file decides.
EXPOSE 8443 9443 9901
ENV METROGW_ADMIN_ADDR=127.0.0.1 \
    METROGW_ADMIN_PORT=9901
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/metrogw-healthcheck", "/healthz"]
# SIGTERM drains (in-flight requests finish for up to limits.drain_timeout_ms); give the container
# runtime a stop timeout longer than that (docker run --stop-timeout 30, compose stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["metrogw"]
CMD ["--config", "/etc/metrogw/node.yaml"]
