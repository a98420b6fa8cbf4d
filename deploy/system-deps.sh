#!/usr/bin/env bash
# Installs the Debian packages backchannel's tests need, if missing: Java 17 and Maven (Kafka
# broker from Maven Central), prometheus + promtool, prometheus-alertmanager, kcat.
# Needs root (or sudo); does nothing when everything is already there.
set -euo pipefail

need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v kcat >/dev/null || need+=(kcat)
command -v kubectl >/dev/null || need+=(kubectl)  # renders deploy/k8s (kustomize v5 inside)

if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: all present" >&2
  exit 0
fi
# shellcheck disable=SC2207
need=($(printf '%s\n' "${need[@]}" | sort -u))
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "system-deps: need root to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "system-deps: installing ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
