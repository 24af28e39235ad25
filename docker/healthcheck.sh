#!/usr/bin/env bash
# Docker HEALTHCHECK for nitelog: GET /q/health/live on the local HTTP port and succeed on a 200.
#
# The eclipse-temurin 17 Ubuntu images still carry curl and wget, but only as leftovers of their
# own build: upstream removed curl from the 22+ images and builds 25 without either, so a base
# bump would silently break a curl check. A second JVM every interval costs more than the check
# is worth. bash is part of Ubuntu itself, so this speaks HTTP/1.0 over bash's /dev/tcp.
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
