#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what building and testing the project needs, from Debian's packages,
# when it is missing: a JDK 17 or newer, Maven, a C compiler, make, Node.js
# and npm (to fetch the dashboard's libraries), OpenSSL (the tests make TLS
# certificates), Mosquitto, its clients (the MQTT tests run a broker and mosquitto_sub), the Prometheus project's Python client (the metrics test
# parses /metrics with its text-format parser), Chromium and its driver (for
# the browser test; MYPOLL_BROWSER=0 leaves them out, for run.sh and
# bench.sh), and with
# MYPOLL_WEBSOCKETD=1 websocketd (the peer reference of bench.sh --web).
set -euo pipefail

missing=()
if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | awk '{split($2, v, "."); exit !(v[1] >= 17)}'; then
	missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The MQTT tests start a broker of their own and subscribe with mosquitto_sub.
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
/usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1 || missing+=(python3 python3-prometheus-client)
# The dashboard's browser test drives Debian's Chromium.
if [ "${MYPOLL_BROWSER:-1}" = 1 ]; then
	command -v chromium >/dev/null 2>&1 || missing+=(chromium)
	command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fi
# bench.sh --web measures the bridge beside websocketd streaming the C reader.
if [ "${MYPOLL_WEBSOCKETD:-0}" = 1 ]; then
	command -v websocketd >/dev/null 2>&1 || missing+=(websocketd)
fi

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
