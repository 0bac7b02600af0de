// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.testkit.BridgeNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's paths to clients beyond the browser, beside its WebSocket, in one bridge and one run: from the
 * emulated device to a client of the SockJS WebSocket, of the TCP event-bus bridge, and, when the bridge
 * publishes to MQTT, to a subscriber of a mosquitto broker. For each path, one client at a time: latency from
 * each event's tsNs to the client at a paced rate, and the lossless burst rate; losses and gaps counted.
 * The bridge is its {@code Main} in a JVM of its own; the clients are in this JVM, each with the same
 * counting ({@link PathClient}), so the paths differ and the clients do not.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.ClientPathBenchmark [options] (--help lists them)</pre>
 */
public final class ClientPathBenchmark {
    private static final String USAGE = """
            usage: ClientPathBenchmark [options]
              --paths LIST             the paths measured, in order (default websocket,tcp,mqtt)
              --mosquitto PATH         the MQTT broker that mqtt starts (default mosquitto, from PATH)
              --rate HZ                the paced rate, events/s (default 1000)
              --warmup S               seconds of the paced run before its measured window (default 2)
              --seconds S              the paced run's measured window (default 10)
              --burst N                events per burst (default 16384); halved while a path loses events
              --bursts K               measured bursts (default 10), after one that is not
              --bridge-java-opts OPTS  the bridge JVM's options, space-separated (bench.sh: conf/jvm.options)""";
    private static final int SMALLEST_BURST_TRIED = 1024;
    /** A burst is over when this long passes with no new event of it (events were lost). */
    private static final long BURST_QUIET_MS = 1_000;
    private static final String NODE = "bench-clients";
    /** mqtt.topicPrefix's default, the node, the device. */
    private static final String EVENT_TOPIC = "mypoll/" + NODE + "/" + BridgeWebServer.DEVICE + "/event";
    /**
     * The one setting of the broker changed from Debian's: a subscriber's queue (1,000 messages by default,
     * past which the broker drops QoS 1 messages for it) holds a whole burst, so that a burst measures the
     * bridge's path rather than the broker's default.
     */
    private static final String BROKER_QUEUE = "max_queued_messages 100000\n";
    private static final Pattern TCP_SERVING = Pattern.compile("serving the TCP event-bus bridge on .*:(\\d+)");

    private record Settings(List<String> paths, String mosquitto, int rate, double warmupS, double seconds, int burst, int bursts,
            List<String> bridgeJvmOptions) {

        static Settings parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("-h") || args[i].equals("--help")) {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("'" + args[i] + "' is not an option with a value\n" + USAGE);
                }
                given.put(args[i].substring(2), args[++i]);
            }
            Set<String> known = Set.of("paths", "mosquitto", "rate", "warmup", "seconds", "burst", "bursts", "bridge-java-opts");
            for (String name : given.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
                }
            }
            List<String> paths = Arrays.stream(given.getOrDefault("paths", "websocket,tcp,mqtt").split(","))
                    .map(String::trim).toList();
            for (String path : paths) {
                if (!Path.NAMES.contains(path)) {
                    throw new IllegalArgumentException("--paths: '" + path + "' is not one of " + Path.NAMES);
                }
            }
            return new Settings(paths, given.getOrDefault("mosquitto", "mosquitto"),
                    (int) number(given, "rate", "1000", 1, 100_000),
                    number(given, "warmup", "2", 0, 3600),
                    number(given, "seconds", "10", 0.1, 3600),
                    (int) number(given, "burst", "16384", 1, 1 << 20),
                    (int) number(given, "bursts", "10", 1, 100_000),
                    Arrays.stream(given.getOrDefault("bridge-java-opts", "").trim().split("\\s+"))
                            .filter(o -> !o.isEmpty()).toList());
        }

        private static double number(Map<String, String> given, String name, String dflt, double min, double max) {
            String text = given.getOrDefault(name, dflt);
            try {
                double v = Double.parseDouble(text);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("--" + name + ": '" + text + "' is not a number from " + min + " to "
                    + max);
        }

        /** An emulator queue that holds a whole burst: a burst is then lost, if at all, after the device. */
        int queueLen() {
            return Math.max(1024, Integer.highestOneBit(burst) * 2);
        }
    }

    /** A path to a client: its row's name, and how a client of it is made on the running bridge. */
    private record Path(String key, String name, Function<Ports, PathClient> client) {
        static final List<String> NAMES = List.of("websocket", "tcp", "mqtt");
    }

    /** Where the bridge listens, and the broker it publishes to (0: none). */
    private record Ports(Vertx vertx, int http, int tcp, int mqtt) {
    }

    /** A figure, or why it could not be measured. */
    private record Measured<T>(T value, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private record Latency(double p50, double p99, double p999, long samples, long lost, long gaps,
            long outOfOrder) {
    }

    private record Burst(int size, double eventsPerS, long received, long lost, long gaps) {
    }

    private final Settings settings;
    private final List<Path> paths = new ArrayList<>();
    private final Map<Path, Measured<Latency>> latency = new LinkedHashMap<>();
    private final Map<Path, Measured<Burst>> bursts = new LinkedHashMap<>();
    private int failures;

    private ClientPathBenchmark(Settings settings) {
        this.settings = settings;
        for (String key : settings.paths()) {
            paths.add(switch (key) {
                case "websocket" -> new Path(key, "WebSocket (SockJS), mypoll.events",
                        p -> new PathClient.WebSocketPath(p.vertx(), p.http(), "mypoll.events"));
                case "tcp" -> new Path(key, "TCP bridge, mypoll.events",
                        p -> new PathClient.TcpBridgePath(p.vertx(), p.tcp(), "mypoll.events"));
                case "mqtt" -> new Path(key, "MQTT via mosquitto, QoS 1",
                        p -> new PathClient.MqttPath(p.vertx(), p.mqtt(), EVENT_TOPIC));
                default -> throw new IllegalArgumentException(key);
            });
        }
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ClientPathBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        ClientPathBenchmark bench = new ClientPathBenchmark(settings);
        bench.run();
        System.exit(bench.failures == 0 ? 0 : 1);
    }

    private void run() throws Exception {
        System.out.println(CReference.machine());
        System.out.printf(Locale.ROOT, "clients: Vert.x %s in one JVM of their own, one at a time; paced: %d "
                + "events/s, %.0f s warm-up then %.0f s measured; bursts: %d x %d events after one not measured%n",
                vertxVersion(), settings.rate(), settings.warmupS(), settings.seconds(),
                settings.bursts(), settings.burst());
        System.out.println("bridge JVM options: " + (settings.bridgeJvmOptions().isEmpty() ? "none"
                : String.join(" ", settings.bridgeJvmOptions())) + (settings.paths().contains("mqtt")
                        ? "; MQTT: mosquitto " + MosquittoBroker.version(settings.mosquitto()) + " on loopback, "
                                + BROKER_QUEUE.strip() + ", no persistence; the bridge publishes every event at QoS 1"
                                + " in every row" : ""));
        System.out.println();
        Vertx vertx = Vertx.vertx();
        MosquittoBroker broker = null;
        BridgeNode bridge = null;
        try {
            if (settings.paths().contains("mqtt")) {
                broker = MosquittoBroker.start(settings.mosquitto(), BROKER_QUEUE);
            }
            bridge = BridgeNode.start("bridge", config(broker), settings.bridgeJvmOptions());
            Ports ports = new Ports(vertx, bridge.port(), tcpPort(bridge), broker == null ? 0 : broker.port());
            try (PathClient.Control control = new PathClient.Control(vertx, BridgeWebServer.DEVICE)
                    .open(ports.tcp())) {
                // The bridge and these clients have just started: each path's code is run once, unmeasured,
                // before any is measured, so that the first path measured does not pay for the JIT alone.
                for (Path path : paths) {
                    warmUp(path, ports, control);
                }
                for (Path path : paths) {
                    measurePath(path, ports, control);
                }
            }
        } catch (Exception e) {
            failures++;
            System.out.println("FAILED starting the bridge or the broker: " + e.getMessage());
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            if (broker != null) {
                broker.close();
            }
            vertx.close().await();
        }
        System.out.println();
        printRows();
        if (failures > 0) {
            System.out.println();
            System.out.println(failures + " measurement(s) failed; their errors are above");
        }
    }

    /**
     * {@link BridgeWebServer}'s bridge, with the TCP bridge on a free port and, with a broker, MQTT publishing
     * to it with the defaults (QoS 1, one message per event).
     */
    private JsonObject config(MosquittoBroker broker) {
        JsonObject config = BridgeWebServer.config(settings.queueLen()).put("node", NODE);
        config.put("tcp", new JsonObject().put("enabled", true).put("port", 0));
        if (broker != null) {
            config.put("mqtt", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
                    .put("port", broker.port()));
        }
        return config;
    }

    /** The TCP bridge listens after HTTP: its line follows the one BridgeNode waited for. */
    private static int tcpPort(BridgeNode bridge) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && bridge.alive()) {
            for (String line : bridge.lines()) {
                Matcher m = TCP_SERVING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the bridge did not say where the TCP bridge listens:\n"
                + String.join("\n", bridge.lines()));
    }

    /** A client of the path, at the paced rate for the warm-up time, then two bursts. */
    private void warmUp(Path path, Ports ports, PathClient.Control control) {
        System.out.println(path.name() + ", warming up ...");
        try (PathClient client = path.client().apply(ports)) {
            client.open();
            control.rate(settings.rate());
            try {
                Thread.sleep((long) (settings.warmupS() * 1000)); // the warm-up itself: nothing is measured
            } finally {
                control.rate(0);
            }
            oneBurst(client, control, settings.burst());
            oneBurst(client, control, settings.burst());
        } catch (Exception e) {
            // The measurement that follows fails too, and says why.
            System.out.println("  warming up failed: " + e.getMessage());
        }
    }

    /** One path: a client of its own, paced then bursts. */
    private void measurePath(Path path, Ports ports, PathClient.Control control) {
        System.out.println(path.name() + " ...");
        try (PathClient client = path.client().apply(ports)) {
            client.open();
            latency.put(path, measure(path.name() + ", paced", () -> paced(client, control)));
            bursts.put(path, measure(path.name() + ", bursts", () -> losslessBurst(client, control)));
        } catch (Exception e) {
            failures++;
            System.out.println("FAILED " + path.name() + ": " + e.getMessage());
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("?");
            latency.putIfAbsent(path, new Measured<>(null, why));
            bursts.putIfAbsent(path, new Measured<>(null, why));
        }
    }

    private interface Measurement<T> {
        T measure() throws Exception;
    }

    private <T> Measured<T> measure(String what, Measurement<T> measurement) {
        try {
            return new Measured<>(measurement.measure(), null);
        } catch (Exception e) {
            failures++;
            System.out.println("FAILED " + what + ": " + e.getMessage());
            return new Measured<>(null, String.valueOf(e.getMessage()));
        }
    }

    private Latency paced(PathClient client, PathClient.Control control) throws Exception {
        control.rate(settings.rate());
        try {
            Thread.sleep((long) (settings.warmupS() * 1000)); // the warm-up itself: nothing is asserted after it
            client.startRecording();
            Thread.sleep((long) (settings.seconds() * 1000)); // the measured window
            client.stopRecording();
        } finally {
            control.rate(0);
        }
        PathClient.Counts c = client.counts();
        return new Latency(LatencyConsumer.us(c.latencyNs(), 50), LatencyConsumer.us(c.latencyNs(), 99),
                LatencyConsumer.us(c.latencyNs(), 99.9), c.received(), c.lost(), c.gaps(), c.outOfOrder());
    }

    /** Bursts of the set size, halved while events are lost (down to SMALLEST_BURST_TRIED). */
    private Burst losslessBurst(PathClient client, PathClient.Control control) throws Exception {
        int size = settings.burst();
        while (true) {
            Burst b = bursts(client, control, size);
            if (b.lost() == 0 || size / 2 < SMALLEST_BURST_TRIED) {
                return b;
            }
            System.out.printf(Locale.ROOT, "  bursts of %d lost %d events; trying %d%n", size, b.lost(), size / 2);
            size /= 2;
        }
    }

    /**
     * One burst not counted, then the set number, each received completely (or nothing new for
     * BURST_QUIET_MS) before the next is asked for; the rate is from the first counted request to the last
     * event's arrival.
     */
    private Burst bursts(PathClient client, PathClient.Control control, int size) throws Exception {
        oneBurst(client, control, size);
        client.startRecording();
        long started = System.nanoTime();
        for (int i = 0; i < settings.bursts(); i++) {
            oneBurst(client, control, size);
        }
        client.stopRecording();
        PathClient.Counts c = client.counts();
        long expected = (long) size * settings.bursts();
        double seconds = (client.lastBurstEventNs() - started) / 1e9;
        // What never came, by count: a drop at the end of a burst leaves no seq gap to see.
        return new Burst(size, seconds > 0 ? c.received() / seconds : Double.NaN, c.received(),
                Math.max(expected - c.received(), c.lost()), c.gaps());
    }

    private static void oneBurst(PathClient client, PathClient.Control control, int size) throws Exception {
        long target = client.burstEvents() + size;
        // Not awaited: the events may come before the reply; a failed request is seen below.
        var reply = control.request(new JsonObject().put("burst", size));
        long seen = -1;
        long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BURST_QUIET_MS);
        while (client.burstEvents() < target) {
            if (reply.failed()) {
                throw new IllegalStateException("the burst request failed: " + reply.cause().getMessage());
            }
            long have = client.burstEvents();
            if (have != seen) {
                seen = have;
                quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BURST_QUIET_MS);
            } else if (System.nanoTime() > quietUntil) {
                return; // events were lost: the counts say how many
            }
            // Sleep, not spin: a spinning thread would take a core from the bridge.
            LockSupport.parkNanos(200_000);
        }
    }

    /** vertx-core's version, from the file it ships. */
    private static String vertxVersion() {
        try (var in = Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
            return in == null ? "?" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    // ---- printing -----------------------------------------------------------------------------

    private void printRows() {
        System.out.printf(Locale.ROOT, "%-38s %29s %6s %6s | %33s %6s%n", "one client, from the device (us)",
                "---- " + settings.rate() + " events/s ----", "", "", "---- lossless burst ----", "");
        System.out.printf(Locale.ROOT, "%-38s %9s %9s %9s %6s %6s | %8s %12s %6s %6s%n", "", "p50", "p99", "p99.9",
                "lost", "gaps", "burst", "events/s", "lost", "gaps");
        for (Path path : paths) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-38s", path.name()));
            List<String> notes = new ArrayList<>();
            Measured<Latency> l = latency.get(path);
            if (l == null || !l.ok()) {
                row.append(String.format(Locale.ROOT, " %9s %9s %9s %6s %6s", "failed", "", "", "", ""));
            } else {
                Latency v = l.value();
                row.append(String.format(Locale.ROOT, " %9.1f %9.1f %9.1f %6d %6d", v.p50(), v.p99(), v.p999(),
                        v.lost(), v.gaps()));
                if (v.outOfOrder() > 0) {
                    notes.add(v.outOfOrder() + " out of order");
                }
                notes.add(v.samples() + " samples");
            }
            Measured<Burst> b = bursts.get(path);
            if (b == null || !b.ok()) {
                row.append(String.format(Locale.ROOT, " | %8s", "failed"));
            } else {
                Burst v = b.value();
                row.append(String.format(Locale.ROOT, " | %8d %12.0f %6d %6d", v.size(), v.eventsPerS(), v.lost(),
                        v.gaps()));
                if (v.lost() > 0) {
                    notes.add("burst NOT lossless");
                }
            }
            System.out.println(row + "  (" + String.join(", ", notes) + ")");
        }
        System.out.println("lost: events missing from the seq sequence (and overruns' lost) in the window; gaps: "
                + "where they were missing; one client connected at a time");
    }
}
