// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The WebSocket path of the bridge beside websocketd streaming the C reader
 * of the same kind of emulated device, measured in the same run and printed
 * side by side:
 * <ul>
 * <li>latency from each event's tsNs to one client, at each paced rate (1,000 and 10,000 events/s);</li>
 * <li>the lossless burst rate to one client;</li>
 * <li>fan-out: N clients at 1,000 events/s each, with per-client latency, loss, the server's CPU seconds
 * per 100,000 delivered events and its peak resident memory.</li>
 * </ul>
 * The client is Node's {@code ws} in a process of its own ({@code testkit/ws-client/client.mjs}); one
 * process holds all the sockets of a fan-out. The bridge is its {@code Main} in a JVM of its own. When the
 * {@code --batch-address} names the address of the "bridge batched" rows (mypoll.events.batched).
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.WebBenchmark [options] (--help lists them)</pre>
 */
public final class WebBenchmark {
    private static final String USAGE = """
            usage: WebBenchmark [options]
              --c-tool PATH            the C reader (default driver/tools/sigio_eventfd_epoll)
              --client DIR             the Node client, with node_modules installed (default testkit/ws-client)
              --websocketd PATH        (default websocketd, from PATH)
              --rates LIST             one client's paced rates, events/s (default 1000,10000)
              --warmup S               seconds of a one-client paced run before its measured window (default 2)
              --fanout-warmup S        the same for a fan-out, whose servers have just started (default 5)
              --seconds S              the measured window of each paced run (default 10)
              --burst N                events per burst (default 16384); halved while the bridge loses events
              --bursts K               measured bursts (default 10), after one that is not
              --fanout LIST            numbers of clients (default 10,100)
              --fanout-rate HZ         events/s of the fan-out (default 1000)
              --batch-address A        the address of the "bridge batched" rows (bench.sh: mypoll.events.batched)
              --bridge-java-opts OPTS  the bridge JVM's options, space-separated (bench.sh: conf/jvm.options)""";
    /** A lossy burst size is halved down to this, then the smallest lossy result is shown. */
    private static final int SMALLEST_BURST_TRIED = 1024;
    private static final String WEBSOCKETD_NAME = "websocketd + C reader";

    /** What was asked for on the command line. */
    private record Settings(String cTool, Path clientDir, String websocketd, List<Integer> rates, double warmupS,
            double seconds, int burst, int bursts, List<Integer> fanOut, int fanOutRate, double fanOutWarmupS,
            String batchAddress, List<String> bridgeJvmOptions) {

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
            Settings s = new Settings(
                    given.getOrDefault("c-tool", "driver/tools/sigio_eventfd_epoll"),
                    Path.of(given.getOrDefault("client", "testkit/ws-client")),
                    given.getOrDefault("websocketd", "websocketd"),
                    list(given, "rates", "1000,10000"),
                    number(given, "warmup", "2", 0, 3600),
                    number(given, "seconds", "10", 0.1, 3600),
                    (int) number(given, "burst", "16384", 1, 1 << 20),
                    (int) number(given, "bursts", "10", 1, 100_000),
                    list(given, "fanout", "10,100"),
                    (int) number(given, "fanout-rate", "1000", 1, 1_000_000),
                    number(given, "fanout-warmup", "5", 0, 3600),
                    blankToNull(given.get("batch-address")),
                    Arrays.stream(given.getOrDefault("bridge-java-opts", "").trim().split("\\s+"))
                            .filter(o -> !o.isEmpty()).toList());
            Set<String> known = Set.of("c-tool", "client", "websocketd", "rates", "warmup", "seconds", "burst",
                    "bursts", "fanout", "fanout-rate", "fanout-warmup", "batch-address", "bridge-java-opts");
            for (String name : given.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
                }
            }
            return s;
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

        private static List<Integer> list(Map<String, String> given, String name, String dflt) {
            String text = given.getOrDefault(name, dflt);
            try {
                List<Integer> values = Arrays.stream(text.split(",")).map(String::trim).map(Integer::parseInt).toList();
                if (values.stream().allMatch(v -> v > 0)) {
                    return values;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("--" + name + ": '" + text + "' is not a list of whole numbers above 0, "
                    + "such as " + dflt);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }

        /** An emulator queue that holds a whole burst: a burst is then lost, if at all, after the device. */
        int queueLen() {
            return Math.max(1024, Integer.highestOneBit(burst) * 2);
        }
    }

    /** One row of the tables: a server, and for the bridge the address its client registers. */
    private record Variant(String name, boolean bridge, String address) {
    }

    /** A figure, or why it could not be measured. */
    private record Measured<T>(T value, String failure) {
        static <T> Measured<T> of(T value) {
            return new Measured<>(value, null);
        }

        static <T> Measured<T> failed(String why) {
            return new Measured<>(null, why);
        }

        boolean ok() {
            return failure == null;
        }
    }

    /** One client at a paced rate; latency in microseconds. */
    private record Latency(double p50, double p99, double p999, long samples, long lost, long outOfOrder) {
    }

    private record Burst(int size, double eventsPerS, long received, long lost, long frames) {
    }

    /**
     * N clients: p50 and p99 are the median client's, worstP99 the highest client's; silent clients got no
     * event in the measured window (a server far behind), and have no latency of their own.
     */
    private record FanOut(int clients, double p50, double p99, double worstP99, long lost, long outOfOrder,
            int silentClients, double deliveredPerS, double cpuPer100k, double peakRssMb) {
    }

    /** A figure's measurement, which may fail: a server that does not start, a client that fails. */
    private interface Measurement<T> {
        T measure() throws Exception;
    }

    private final Settings settings;
    private final WsClient client;
    private final List<Variant> variants = new ArrayList<>();
    private final Map<Variant, Map<Integer, Measured<Latency>>> latency = new LinkedHashMap<>();
    private final Map<Variant, List<Measured<Burst>>> bursts = new LinkedHashMap<>();
    private final Map<Variant, Map<Integer, Measured<FanOut>>> fanOut = new LinkedHashMap<>();
    private int failures;

    private WebBenchmark(Settings settings) {
        this.settings = settings;
        this.client = new WsClient(settings.clientDir());
        variants.add(new Variant(WEBSOCKETD_NAME, false, null));
        variants.add(new Variant("bridge per-event", true, "mypoll.events"));
        if (settings.batchAddress() != null) {
            variants.add(new Variant("bridge batched", true, settings.batchAddress()));
        }
        for (Variant v : variants) {
            latency.put(v, new LinkedHashMap<>());
            bursts.put(v, new ArrayList<>());
            fanOut.put(v, new LinkedHashMap<>());
        }
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Settings settings;
        try {
            settings = Settings.parse(args);
            checkClientInstalled(settings.clientDir());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("WebBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        WebBenchmark bench = new WebBenchmark(settings);
        bench.run();
        System.exit(bench.failures == 0 ? 0 : 1);
    }

    private static void checkClientInstalled(Path dir) {
        if (!Files.isRegularFile(dir.resolve("client.mjs"))) {
            throw new IllegalStateException(dir.resolve("client.mjs") + " does not exist (--client)");
        }
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("ws"))) {
            throw new IllegalStateException(dir + "/node_modules/ws is missing: run npm ci in " + dir);
        }
    }

    private void run() throws Exception {
        printSettings();
        measureOneClient();
        measureFanOut();
        System.out.println();
        printLatency();
        System.out.println();
        printBursts();
        System.out.println();
        printFanOut();
        System.out.println();
        printGoals();
        if (failures > 0) {
            System.out.println();
            System.out.println(failures + " measurement(s) failed; their errors are above");
        }
    }

    private void printSettings() throws IOException, InterruptedException {
        System.out.println(CReference.machine());
        System.out.printf(Locale.ROOT, "client: Node %s, ws %s, one process for all sockets, no compression; "
                + "websocketd %s%n", commandOutput("node", "--version"), wsVersion(settings.clientDir()),
                websocketdVersion());
        System.out.printf(Locale.ROOT, "paced: %s events/s to one client, %.0f s warm-up then %.0f s measured; "
                + "bursts: %d x %d events after one not measured; fan-out: %s clients at %d events/s each, %.0f s "
                + "warm-up then %.0f s measured%n", settings.rates(), settings.warmupS(), settings.seconds(),
                settings.bursts(), settings.burst(), settings.fanOut(), settings.fanOutRate(),
                settings.fanOutWarmupS(), settings.seconds());
        System.out.println("bridge JVM options: " + (settings.bridgeJvmOptions().isEmpty() ? "none"
                : String.join(" ", settings.bridgeJvmOptions())) + "; bridge batched: "
                + (settings.batchAddress() == null ? "not measured (no --batch-address)" : settings.batchAddress()));
        System.out.println();
    }

    // ---- measuring ----------------------------------------------------------------------------

    /** One websocketd and one bridge serve every one-client run, as a long-running server would. */
    private void measureOneClient() throws Exception {
        Measured<WebServer> websocketd = measure("starting websocketd", this::startWebsocketd);
        Measured<WebServer> bridge = measure("starting the bridge", this::startBridge);
        try {
            for (int rate : settings.rates()) {
                for (Variant v : variants) {
                    Measured<WebServer> server = v.bridge() ? bridge : websocketd;
                    String what = fmt("%s, one client, %d events/s", v.name(), rate);
                    System.out.println(what + " ...");
                    latency.get(v).put(rate, on(server, what, s -> paced(s, v, rate)));
                }
            }
            Set<Integer> bridgeSizes = new TreeSet<>(Comparator.reverseOrder());
            for (Variant v : variants) {
                if (v.bridge()) {
                    String what = v.name() + ", bursts to one client";
                    System.out.println(what + " ...");
                    Measured<Burst> b = on(bridge, what, s -> losslessBurst(s, v));
                    bursts.get(v).add(b);
                    if (b.ok()) {
                        bridgeSizes.add(b.value().size());
                    }
                }
            }
            // websocketd at the bridge's sizes too: a smaller burst pays its round trip more often.
            Set<Integer> sizes = new LinkedHashSet<>(List.of(settings.burst()));
            sizes.addAll(bridgeSizes);
            Variant wsd = variants.get(0);
            for (int size : sizes) {
                String what = fmt("%s, bursts of %d to one client", wsd.name(), size);
                System.out.println(what + " ...");
                bursts.get(wsd).add(on(websocketd, what, s -> burst(s, wsd, size)));
            }
        } finally {
            closeQuietly(websocketd);
            closeQuietly(bridge);
        }
    }

    /** Each fan-out has servers of its own, started for it: its peak memory is its own. */
    private void measureFanOut() throws Exception {
        for (int clients : settings.fanOut()) {
            for (Variant v : variants) {
                String what = fmt("%s, %d clients at %d events/s", v.name(), clients, settings.fanOutRate());
                System.out.println(what + " ...");
                Measured<WebServer> server = v.bridge() ? measure("starting the bridge", this::startBridge)
                        : measure("starting websocketd", this::startWebsocketd);
                try {
                    fanOut.get(v).put(clients, on(server, what, s -> fanOut(s, v, clients)));
                } finally {
                    closeQuietly(server);
                }
            }
        }
    }

    private WebServer startWebsocketd() throws IOException, InterruptedException {
        return WebsocketdServer.start(settings.websocketd(), settings.cTool());
    }

    private WebServer startBridge() throws IOException, InterruptedException {
        return BridgeWebServer.start(settings.queueLen(), settings.bridgeJvmOptions());
    }

    private Latency paced(WebServer server, Variant v, int rate) throws Exception {
        JsonObject r = client.run(server, pacedArgs(v, 1, rate, settings.warmupS()), timeout()).result();
        JsonObject lat = r.getJsonObject("latencyUs");
        JsonObject one = r.getJsonArray("perClient").getJsonObject(0);
        return new Latency(us(lat, "p50"), us(lat, "p99"), us(lat, "p999"), lat.getLong("samples"),
                one.getLong("lost"), one.getLong("outOfOrder"));
    }

    private FanOut fanOut(WebServer server, Variant v, int clients) throws Exception {
        WsClient.Run run = client.run(server, pacedArgs(v, clients, settings.fanOutRate(), settings.fanOutWarmupS()),
                timeout());
        JsonObject r = run.result();
        List<JsonObject> all = r.getJsonArray("perClient").stream().map(JsonObject.class::cast).toList();
        List<JsonObject> heard = all.stream().filter(c -> c.getJsonObject("latencyUs").getLong("samples") > 0)
                .toList();
        long delivered = all.stream().mapToLong(c -> c.getLong("received")).sum();
        return new FanOut(clients,
                median(heard, c -> us(c.getJsonObject("latencyUs"), "p50")),
                median(heard, c -> us(c.getJsonObject("latencyUs"), "p99")),
                heard.stream().mapToDouble(c -> us(c.getJsonObject("latencyUs"), "p99")).max().orElse(Double.NaN),
                all.stream().mapToLong(c -> c.getLong("lost")).sum(),
                all.stream().mapToLong(c -> c.getLong("outOfOrder")).sum(),
                all.size() - heard.size(),
                delivered / r.getDouble("seconds"),
                delivered == 0 ? Double.NaN : run.serverCpuSeconds() * 100_000 / delivered,
                run.serverPeakRssKb() / 1024.0);
    }

    /** Bursts of the set size, halved while events are lost (down to SMALLEST_BURST_TRIED). */
    private Burst losslessBurst(WebServer server, Variant v) throws Exception {
        int size = settings.burst();
        while (true) {
            Burst b = burst(server, v, size);
            if (b.lost() == 0 || size / 2 < SMALLEST_BURST_TRIED) {
                return b;
            }
            System.out.printf(Locale.ROOT, "  bursts of %d lost %d events; trying %d%n", size, b.lost(), size / 2);
            size /= 2;
        }
    }

    private Burst burst(WebServer server, Variant v, int size) throws Exception {
        List<String> args = new ArrayList<>(List.of("--mode", "burst", "--burst", Integer.toString(size), "--bursts",
                Integer.toString(settings.bursts()), "--warmup-bursts", "1"));
        addAddress(args, v);
        JsonObject r = client.run(server, args, 120 + settings.bursts() * 10L).result();
        return new Burst(size, r.getDouble("eventsPerS", Double.NaN), r.getLong("received"), r.getLong("lost"),
                r.getLong("frames"));
    }

    private List<String> pacedArgs(Variant v, int clients, int rate, double warmupS) {
        List<String> args = new ArrayList<>(List.of("--mode", "paced", "--clients", Integer.toString(clients),
                "--rate", Integer.toString(rate), "--warmup", Double.toString(warmupS), "--seconds",
                Double.toString(settings.seconds())));
        addAddress(args, v);
        return args;
    }

    private static void addAddress(List<String> args, Variant v) {
        if (v.bridge()) {
            args.addAll(List.of("--address", v.address(), "--device", BridgeWebServer.DEVICE));
        }
    }

    /** Enough for connecting, the warm-up, the window and stopping, on a busy machine. */
    private long timeout() {
        return (long) (Math.max(settings.warmupS(), settings.fanOutWarmupS()) + settings.seconds()) + 60;
    }

    private <T> Measured<T> measure(String what, Measurement<T> measurement) {
        try {
            return Measured.of(measurement.measure());
        } catch (Exception e) {
            failures++;
            String why = what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
            System.out.println("FAILED " + why);
            return Measured.failed(why.lines().findFirst().orElse(why));
        }
    }

    private interface OnServer<T> {
        T measure(WebServer server) throws Exception;
    }

    /** A measurement on a server that may not have started. */
    private <T> Measured<T> on(Measured<WebServer> server, String what, OnServer<T> measurement) {
        if (!server.ok()) {
            return Measured.failed(server.failure());
        }
        return measure(what, () -> measurement.measure(server.value()));
    }

    private static void closeQuietly(Measured<WebServer> server) {
        if (server.ok()) {
            try {
                server.value().close();
            } catch (Exception e) {
                System.out.println("stopping a server failed: " + e);
            }
        }
    }

    // ---- printing -----------------------------------------------------------------------------

    private void printLatency() {
        StringBuilder top = new StringBuilder(String.format(Locale.ROOT, "%-36s", "latency from tsNs, one client (us)"));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-36s", ""));
        for (int rate : settings.rates()) {
            top.append(String.format(Locale.ROOT, " %29s  %6s", "---- " + rate + " events/s ----", ""));
            head.append(String.format(Locale.ROOT, " %9s %9s %9s  %6s", "p50", "p99", "p99.9", "lost"));
        }
        System.out.println(top.toString().stripTrailing());
        System.out.println(head);
        for (Variant v : variants) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-36s", v.name()));
            List<String> notes = new ArrayList<>();
            for (int rate : settings.rates()) {
                Measured<Latency> m = latency.get(v).get(rate);
                if (m == null || !m.ok()) {
                    row.append(String.format(Locale.ROOT, " %9s %9s %9s  %6s", "failed", "", "", ""));
                    continue;
                }
                Latency l = m.value();
                row.append(String.format(Locale.ROOT, " %9.1f %9.1f %9.1f  %6d", l.p50(), l.p99(), l.p999(),
                        l.lost()));
                if (l.outOfOrder() > 0) {
                    notes.add(l.outOfOrder() + " out of order at " + rate + "/s");
                }
            }
            System.out.println(row + (notes.isEmpty() ? "" : "  (" + String.join(", ", notes) + ")"));
        }
    }

    private void printBursts() {
        System.out.printf(Locale.ROOT, "%-36s %8s %12s %13s %8s%n", "lossless burst, one client", "burst",
                "events/s", "events/frame", "lost");
        for (Variant v : variants) {
            for (Measured<Burst> m : bursts.get(v)) {
                if (!m.ok()) {
                    System.out.printf(Locale.ROOT, "%-36s %8s%n", v.name(), "failed");
                    continue;
                }
                Burst b = m.value();
                System.out.printf(Locale.ROOT, "%-36s %8d %12.0f %13.1f %8d%s%n", v.name(), b.size(), b.eventsPerS(),
                        b.frames() == 0 ? Double.NaN : (double) b.received() / b.frames(), b.lost(),
                        b.lost() > 0 ? "  (NOT lossless)" : "");
            }
        }
    }

    private void printFanOut() {
        System.out.printf(Locale.ROOT, "%-36s %7s %11s %11s %11s %7s %11s %11s %9s%n",
                "fan-out at " + settings.fanOutRate() + " events/s (us)", "clients", "p50", "p99", "worst p99", "lost",
                "delivered/s", "CPU s/100k", "peak RSS");
        for (int clients : settings.fanOut()) {
            for (Variant v : variants) {
                Measured<FanOut> m = fanOut.get(v).get(clients);
                if (m == null || !m.ok()) {
                    System.out.printf(Locale.ROOT, "%-36s %7d %11s%n", v.name(), clients, "failed");
                    continue;
                }
                FanOut f = m.value();
                List<String> notes = new ArrayList<>();
                if (f.outOfOrder() > 0) {
                    notes.add(f.outOfOrder() + " out of order");
                }
                if (f.silentClients() > 0) {
                    notes.add(f.silentClients() + " clients got no event in the window");
                }
                System.out.printf(Locale.ROOT, "%-36s %7d %11.1f %11.1f %11.1f %7d %11.0f %11.2f %6.0f MB%s%n", v.name(),
                        clients, f.p50(), f.p99(), f.worstP99(), f.lost(), f.deliveredPerS(), f.cpuPer100k(),
                        f.peakRssMb(), notes.isEmpty() ? "" : "  (" + String.join(", ", notes) + ")");
            }
        }
        System.out.println("p50, p99: the median client's; worst p99: the highest client's; CPU: the server's "
                + "processes (websocketd and its readers) in the measured window; peak RSS: VmHWM since the "
                + "server started (websocketd: the sum of its processes')");
    }

    /** The WebSocket goals, each with this run's figure. */
    private void printGoals() {
        System.out.println("goals (WebSocket):");
        Variant wsd = variants.get(0);
        double wsdBurst = bursts.get(wsd).stream().filter(Measured::ok).mapToDouble(m -> m.value().eventsPerS())
                .max().orElse(Double.NaN);
        for (Variant v : variants.subList(1, variants.size())) {
            Measured<Latency> at1k = latency.get(v).get(1000);
            if (at1k != null) {
                goal(v.name() + ", one client, p99 at 1000/s at most 1 ms", at1k.ok()
                        ? fmt("%.1f us", at1k.value().p99()) : null, at1k.ok() && at1k.value().p99() <= 1000);
            }
            boolean batched = v.address() != null && !v.address().equals("mypoll.events");
            double wanted = batched ? 160_000 : 100_000;
            Measured<Burst> b = bursts.get(v).isEmpty() ? null : bursts.get(v).get(0);
            if (b != null) {
                goal(fmt("%s, lossless burst at least %.0f events/s", v.name(), wanted), b.ok() ? fmt(
                        "%.0f events/s%s (websocketd here: %.0f)", b.value().eventsPerS(), b.value().lost() > 0
                                ? ", lost " + b.value().lost() : "", wsdBurst) : null,
                        b.ok() && b.value().lost() == 0 && b.value().eventsPerS() >= wanted);
            }
            Measured<FanOut> f = fanOut.get(v).get(100);
            if (f != null) {
                goal(v.name() + ", 100 clients: no loss, worst client's p99 at most 20 ms, peak RSS at most 256 MB",
                        f.ok() ? fmt("lost %d, %.1f ms, %.0f MB%s", f.value().lost(), f.value().worstP99() / 1000,
                                f.value().peakRssMb(), f.value().silentClients() > 0
                                        ? ", " + f.value().silentClients() + " clients got nothing" : "") : null,
                        f.ok() && f.value().lost() == 0 && f.value().silentClients() == 0
                                && f.value().worstP99() <= 20_000 && f.value().peakRssMb() <= 256);
            }
        }
        if (settings.batchAddress() == null) {
            System.out.println("  bridge batched: not measured (the bridge's batch address is given with "
                    + "--batch-address)");
        }
    }

    private static void goal(String what, String measured, boolean met) {
        System.out.printf(Locale.ROOT, "  %s: %s (%s)%n", what, measured == null ? "failed" : measured,
                measured == null ? "not measured" : met ? "met" : "NOT met");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** A percentile of the client's summary; NaN when it had no sample. */
    private static double us(JsonObject summary, String key) {
        Number n = (Number) summary.getValue(key);
        return n == null ? Double.NaN : n.doubleValue();
    }

    /** The median client's value (nearest rank). */
    private static double median(List<JsonObject> clients, ToDoubleFunction<JsonObject> value) {
        double[] sorted = clients.stream().mapToDouble(value).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (sorted.length + 1) / 2 - 1)];
    }

    /** The version of ws that npm ci installed for the client. */
    private static String wsVersion(Path clientDir) {
        try {
            return new JsonObject(Files.readString(clientDir.resolve("node_modules/ws/package.json")))
                    .getString("version");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Debian's package version (its --version says only "DEVBUILD"), else what --version says. */
    private String websocketdVersion() throws InterruptedException {
        String dpkg = commandOutput("dpkg-query", "-W", "-f", "${Version}", "websocketd");
        return dpkg.matches("[0-9][^ ]*") ? dpkg : commandOutput(settings.websocketd(), "--version");
    }

    /** A tool's first line of output; what failed, if it could not be run. */
    private static String commandOutput(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out.lines().findFirst().orElse("?");
        } catch (IOException e) {
            return "(" + command[0] + " cannot be run: " + e.getMessage() + ")";
        }
    }
}
