#!/usr/bin/env bash
# Throwaway OCI registry (Debian docker-registry = distribution v2.8) on 127.0.0.1, for tests. Idempotent.
# Usage: registry-test.sh start|stop|port [--clean]
# env:   REG_DIR   state directory (default ${TMPDIR:-/tmp}/regtest-$UID)
#        REG_PORT  port (default: a free port from 5001 up, remembered in $REG_DIR/port)
#        REG_AUTH  none (default) | htpasswd | token
#        REG_USER / REG_PASS       for htpasswd (default scanner / s3cret)
#        REG_TOKEN_REALM, REG_TOKEN_CRT, REG_TOKEN_SERVICE, REG_TOKEN_ISSUER   for token
# Prints "registry up: 127.0.0.1:<port> (pid N)". Stop kills exactly the PID it started.
set -euo pipefail
DIR="${REG_DIR:-${TMPDIR:-/tmp}/regtest-$(id -u)}"
AUTH="${REG_AUTH:-none}"

alive() { [ -s "$DIR/registry.pid" ] && kill -0 "$(cat "$DIR/registry.pid")" 2>/dev/null; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  if [ -n "${REG_PORT:-}" ]; then echo "$REG_PORT"; return; fi
  local p
  for p in $(seq 5001 5999); do port_free "$p" && { echo "$p"; return; }; done
  echo "no free port in 5001-5999" >&2; exit 1
}
bcrypt_line() {
  if command -v htpasswd >/dev/null; then htpasswd -Bbn "$1" "$2"; return; fi
  # libxcrypt (Debian 12) implements bcrypt ($2b$) in crypt(3); perl exposes it.
  USER_="$1" PASS_="$2" perl -e '
    my @c = ("." , "/", "A".."Z", "a".."z", "0".."9");
    my $salt = join "", map { $c[int rand 64] } 1..22;
    my $h = crypt($ENV{PASS_}, "\$2b\$05\$$salt");
    die "bcrypt not supported by crypt(3)\n" unless defined $h && $h =~ /^\$2b\$/;
    print "$ENV{USER_}:$h\n";'
}

case "${1:-start}" in
  start)
    command -v docker-registry >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null)
    if alive; then echo "registry already up: 127.0.0.1:$(cat "$DIR/port") (pid $(cat "$DIR/registry.pid"))"; exit 0; fi
    PORT="$(pick_port)"
    mkdir -p "$DIR/storage"
    echo "$PORT" > "$DIR/port"
    AUTH_YAML=""
    case "$AUTH" in
      none) ;;
      htpasswd)
        bcrypt_line "${REG_USER:-scanner}" "${REG_PASS:-s3cret}" > "$DIR/htpasswd"
        AUTH_YAML="auth: { htpasswd: { realm: test-realm, path: $DIR/htpasswd } }" ;;
      token)
        AUTH_YAML="auth: { token: { realm: \"${REG_TOKEN_REALM:?}\", service: ${REG_TOKEN_SERVICE:-test-registry}, issuer: ${REG_TOKEN_ISSUER:-test-issuer}, rootcertbundle: ${REG_TOKEN_CRT:?} } }" ;;
      *) echo "REG_AUTH must be none, htpasswd or token" >&2; exit 2 ;;
    esac
    cat > "$DIR/config.yml" <<YAML
version: 0.1
log: { level: warn, accesslog: { disabled: true } }
storage:
  filesystem: { rootdirectory: $DIR/storage }
  delete: { enabled: true }
  maintenance: { uploadpurging: { enabled: false } }
http:
  addr: 127.0.0.1:$PORT
$AUTH_YAML
YAML
    nohup docker-registry serve "$DIR/config.yml" > "$DIR/registry.log" 2>&1 &
    echo $! > "$DIR/registry.pid"
    # Any HTTP answer (200, or 401 with auth) means it listens.
    for _ in $(seq 1 100); do
      code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v2/" || true)"
      [ "$code" = 200 ] || [ "$code" = 401 ] && break
      alive || { cat "$DIR/registry.log" >&2; exit 1; }
      sleep 0.05
    done
    echo "registry up: 127.0.0.1:$PORT (pid $(cat "$DIR/registry.pid"))" ;;
  stop)
    if [ -s "$DIR/registry.pid" ]; then kill "$(cat "$DIR/registry.pid")" 2>/dev/null || true; fi
    rm -f "$DIR/registry.pid"
    [ "${2:-}" = "--clean" ] && rm -rf "$DIR"
    echo "registry stopped" ;;
  port) cat "$DIR/port" ;;
  *) echo "usage: $0 start|stop [--clean]|port" >&2; exit 2 ;;
esac
