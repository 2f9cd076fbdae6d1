#!/usr/bin/env bash
# Install what tests/docker needs to build and run the image without a Docker engine:
# rootful podman (buildah inside), runc, and debootstrap for a local Debian base image.
# Idempotent and quiet: does nothing when the tools are already there, prints apt's output
# only when apt fails.
set -euo pipefail

missing=()
for tool in podman buildah debootstrap runc newuidmap; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "docker-setup: missing ${missing[*]}; run as root to install them" >&2
    exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        podman buildah debootstrap runc uidmap ca-certificates; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "docker-setup: apt-get failed" >&2
    exit 1
fi
echo "docker-setup: installed $(podman --version), debootstrap, runc"
