// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A scrape of {@code /metrics} read by the Prometheus project's own parser of
 * the text format (its Python client, Debian's python3-prometheus-client,
 * installed by scripts/prerequisites.sh): an exposition it cannot parse fails
 * the test, and so does a missing parser.
 */
final class PrometheusText {
    static final File PYTHON = new File("/usr/bin/python3");

    /** One sample: {@code name{labels} value}. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusText parse(String exposition) throws IOException, InterruptedException {
        Path script;
        try {
            script = Path.of(PrometheusText.class.getResource("/prometheus_parse.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (!PYTHON.canExecute()) {
            throw new AssertionError(PYTHON + " is missing: scripts/prerequisites.sh installs python3 and "
                    + "python3-prometheus-client");
        }
        Process p = new ProcessBuilder(PYTHON.getPath(), script.toString()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("the Prometheus parser refused the exposition (or is missing: "
                    + "scripts/prerequisites.sh installs python3-prometheus-client): " + err);
        }
        List<Sample> samples = new ArrayList<>();
        for (Object f : new JsonArray(out)) {
            JsonObject family = (JsonObject) f;
            for (Object s : family.getJsonArray("samples")) {
                JsonObject sample = (JsonObject) s;
                Map<String, String> labels = new java.util.TreeMap<>();
                sample.getJsonObject("labels").forEach(e -> labels.put(e.getKey(), (String) e.getValue()));
                samples.add(new Sample(family.getString("name"), family.getString("type"),
                        sample.getString("name"), labels, number(sample.getString("value"))));
            }
        }
        return new PrometheusText(samples);
    }

    /** Python's repr of a float. */
    private static double number(String repr) {
        return switch (repr) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(repr);
        };
    }

    List<Sample> samples(String name, Predicate<Map<String, String>> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && labels.test(s.labels())).toList();
    }

    /** The value of the one sample of that name whose labels include these. */
    double value(String name, Map<String, String> labels) {
        List<Sample> found = samples(name, l -> l.entrySet().containsAll(labels.entrySet()));
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + labels + ": " + found);
        }
        return found.get(0).value();
    }

    /** Whether any sample's name starts with that. */
    boolean has(String prefix) {
        return samples.stream().anyMatch(s -> s.name().startsWith(prefix));
    }

    String type(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).map(Sample::type).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name));
    }
}
