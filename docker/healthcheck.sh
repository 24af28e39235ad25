#!/usr/bin/env bash
# Docker HEALTHCHECK for nitelog: GET /q/health/live on the local HTTP port and succeed on a 200.
#
# The eclipse-temurin JRE images do not promise curl or wget (upstream has been dropping both as
# build-only tools), and a second JVM every interval would cost more than the check is worth, so
# this speaks HTTP/1.0 over bash's /dev/tcp: no extra package, nothing to patch for CVEs.
set -euo pipefail
port="${NITELOG_HTTP_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /q/health/live HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
exec 3<&-
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "nitelog liveness: ${status:-no answer}" >&2; exit 1 ;;
esac
