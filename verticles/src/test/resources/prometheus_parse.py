# SPDX-License-Identifier: Apache-2.0
# Parses the Prometheus text format on stdin with the Prometheus project's own
# Python client (Debian's python3-prometheus-client) and prints the metric
# families as JSON; an invalid exposition ends it with an error.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = [{
    "name": family.name,
    "type": family.type,
    # repr keeps inf and nan, which JSON has no numbers for
    "samples": [{"name": s.name, "labels": s.labels, "value": repr(s.value)} for s in family.samples],
} for family in text_string_to_metric_families(sys.stdin.read())]
json.dump(families, sys.stdout)
