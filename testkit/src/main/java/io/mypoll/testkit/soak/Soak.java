// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.BridgeOptions;
import io.mypoll.testkit.BridgeNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge under steady load for a long time, to see whether anything grows
 * or gets lost: a device node (emulator at 1,000 events/s) with 10 reading
 * SockJS clients, one paused client, and a trigger every 10 ms; a second
 * cluster node whose SockJS client gets the events through the relay. Around
 * them, clients that arrive and leave every second over every transport
 * ({@link Churn}) and a hostile client ({@link HostileClient}). Every minute
 * a row: the nodes' resident memory, the device node's heap after a full GC,
 * events delivered, lost and dropped, the device node's open connections, the
 * churn's arrivals and failures, and how the bridge closed the hostile
 * sockets. At the end, every client gone: whether both nodes' connections
 * (and bridge sockets) came back to 0, and whether any accepted trigger never
 * arrived as an event.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.soak.Soak MINUTES [NODE_JVM_OPTIONS...]</pre>
 */
public final class Soak {
    private static final int READERS = 10;
    private static final String DEVICE = "soak";
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /**
     * The HTTP client's pool warns of every connection it loses ("Connection evicted"); the churn's
     * connections all close, by design (no keep-alive), and the churn counts its failures itself. Held here:
     * a logger nobody holds forgets its level.
     */
    private static final java.util.logging.Logger CLIENT_POOL_LOG =
            java.util.logging.Logger.getLogger("io.vertx.core.http.impl.HttpClientConnectionInternal");
    /** For the events of the last accepted triggers to arrive. */
    private static final long TRIGGERS_DEADLINE_MS = 60_000;
    /** For the last connections to close once every client has gone: longer than any of the bridge's timeouts. */
    private static final long SETTLE_MS = 90_000;

    /** One reading client: what it got, by seq. */
    private static final class Reader {
        final AtomicLong events = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final Set<String> manual = ConcurrentHashMap.newKeySet();
        long lastSeq;

        synchronized void onFrame(JsonObject frame) {
            if (!Addresses.EVENTS.equals(frame.getString("address"))) {
                return;
            }
            JsonObject event = frame.getJsonObject("body");
            long seq = event.getLong("seq");
            long lostHere = event.getLong("lost", 0L);
            if (lastSeq != 0 && seq != lastSeq + Math.max(1, lostHere)) {
                gaps.incrementAndGet();
            }
            lastSeq = seq;
            lost.addAndGet(lostHere);
            events.incrementAndGet();
            if ("manual".equals(event.getString("type"))) {
                manual.add(event.getString("payload"));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        List<String> nodeOptions = new ArrayList<>(List.of(args).subList(Math.min(1, args.length), args.length));
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        CLIENT_POOL_LOG.setLevel(java.util.logging.Level.SEVERE);
        String cluster = "mypoll-soak-" + ThreadLocalRandom.current().nextInt(1_000_000);
        JsonObject clusterSettings = new JsonObject().put("enabled", true).put("name", cluster)
                .put("failureTimeoutSeconds", 10);
        JsonObject deviceConfig = new JsonObject().put("node", "soak-device").put("logEvents", false)
                .put("http", new JsonObject().put("port", 0)).put("cluster", clusterSettings.copy())
                .put("devices", new JsonArray().add(new JsonObject().put("id", DEVICE).put("type", "emulator")
                        .put("periodMs", 1).put("queueLen", 4096)));
        JsonObject relayConfig = new JsonObject().put("node", "soak-relay").put("logEvents", false)
                .put("http", new JsonObject().put("port", 0)).put("cluster", clusterSettings.copy())
                .put("devices", new JsonArray());
        // A bridge with a health listener serves /metrics there too, on connections its own gauge leaves out.
        if (BridgeConfig.defaults().containsKey("health")) {
            deviceConfig.put("health", new JsonObject().put("port", freePort()));
            relayConfig.put("health", new JsonObject().put("port", freePort()));
        }
        List<String> jvm = new ArrayList<>(nodeOptions);
        jvm.addAll(List.of("--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        System.out.printf(Locale.ROOT, "soak: %d min; device node: emulator at 1000/s, %d readers, 1 paused, "
                + "a trigger every 10 ms; relay node: 1 reader; node JVM options: %s%n", minutes, READERS, nodeOptions);
        Vertx vertx = Vertx.vertx();
        boolean lostNothing;
        boolean connectionsBack;
        boolean clientsKept;
        try (BridgeNode device = BridgeNode.start("device node", deviceConfig, jvm);
             BridgeNode relay = BridgeNode.start("relay node", relayConfig, jvm)) {
            ConnectionGauge deviceConnections = gauge(device);
            ConnectionGauge relayConnections = gauge(relay);
            System.out.printf(Locale.ROOT, "connections: %s; with no client it reads %d%s%n",
                    deviceConnections.describe(), deviceConnections.atRest(), deviceConnections.atRest() == 0
                            ? " (the reading's own connection is not counted)" : " (the reading's own connection)");
            // Made first: deflating its bomb takes a CPU for a moment.
            HostileClient hostile = new HostileClient(vertx, device.port(), BridgeOptions.DEFAULT_MAX_FRAME_BYTES);
            List<Reader> readers = new ArrayList<>();
            List<BusSocket> sockets = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                Reader reader = new Reader();
                BusSocket socket = BusSocket.connect(vertx, device.port(), reader::onFrame).await();
                socket.register(Addresses.EVENTS);
                readers.add(reader);
                sockets.add(socket);
            }
            BusSocket paused = BusSocket.connect(vertx, device.port(), f -> { }).await();
            paused.register(Addresses.EVENTS);
            sockets.add(paused);
            Reader relayed = new Reader();
            BusSocket relaySocket = BusSocket.connect(vertx, relay.port(), relayed::onFrame).await();
            relaySocket.register(Addresses.EVENTS);
            sockets.add(relaySocket);
            Thread.sleep(1_000);
            paused.ws.pause();

            Set<String> accepted = ConcurrentHashMap.newKeySet();
            Map<Integer, AtomicLong> refused = new ConcurrentHashMap<>();
            AtomicLong sent = new AtomicLong();
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            org.HdrHistogram.Histogram roundTripUs = new org.HdrHistogram.Histogram(60_000_000L, 2);
            BusSocket triggers = BusSocket.connect(vertx, device.port(), frame -> {
                String address = frame.getString("address");
                if (address != null && address.startsWith("t")) {
                    Long at = sentAt.remove(address);
                    if (at != null) {
                        synchronized (roundTripUs) {
                            roundTripUs.recordValue(Math.min((System.nanoTime() - at) / 1000, 60_000_000L));
                        }
                    }
                    if ("rec".equals(frame.getString("type"))) {
                        accepted.add(address);
                    } else {
                        refused.computeIfAbsent(frame.getInteger("failureCode", 0), c -> new AtomicLong())
                                .incrementAndGet();
                    }
                }
            }).await();
            sockets.add(triggers);
            long trigger = vertx.setPeriodic(10, id -> {
                String payload = "t" + sent.incrementAndGet();
                sentAt.put(payload, System.nanoTime());
                triggers.request(Addresses.trigger(DEVICE), new JsonObject().put("payload", payload), payload);
            });
            Churn churn = new Churn(vertx, device.port());
            churn.start();
            hostile.start();
            System.out.printf(Locale.ROOT, "churn: %d arrivals a second of each of %d transports; hostile: one socket "
                    + "every %d s (bad frames, a frame over %d bytes, a bomb of %d bytes inflating to %d MiB)%n",
                    Churn.PER_SECOND, Churn.Transport.values().length, HostileClient.EVERY_MS / 1000,
                    BridgeOptions.DEFAULT_MAX_FRAME_BYTES, hostile.bombBytes(), HostileClient.BOMB_INFLATED_BYTES >> 20);

            System.out.println("minute  rss device MB  heap after GC MB  rss relay MB  delivered/min  relayed/min"
                    + "  lost  dropped  gaps  triggers accepted  clients  conns  churn/min  churn failed   load"
                    + "  hostile closes");
            long[] last = new long[3];
            double[] firstRss = new double[2];
            double[] lastRss = new double[2];
            for (int minute = 1; minute <= minutes; minute++) {
                Thread.sleep(60_000);
                if (!device.alive() || !relay.alive()) {
                    throw new IllegalStateException("a node died:\n" + String.join("\n", device.lines()));
                }
                long delivered = readers.stream().mapToLong(r -> r.events.get()).sum();
                long relayedNow = relayed.events.get();
                long arrivals = churn.arrivals();
                long gaps = readers.stream().mapToLong(r -> r.gaps.get()).sum() + relayed.gaps.get();
                ConnectionGauge.Reading open = readOrNull(deviceConnections);
                double rss = residentMb(device.pid());
                double heap = heapAfterGcMb(device.pid());
                lastRss[0] = rss;
                lastRss[1] = heap;
                if (minute == 1) {
                    firstRss[0] = rss;
                    firstRss[1] = heap;
                }
                System.out.printf(Locale.ROOT, "%6d %13.0f %17.1f %13.0f %14d %12d %5d %8d %5d %18d %8s %6s %10d %13d "
                                + "%6s  %s%n", minute, rss, heap, residentMb(relay.pid()), delivered - last[0],
                        relayedNow - last[1], readers.get(0).lost.get(), open == null ? -1 : open.dropped(), gaps,
                        accepted.size(), sockets.stream().filter(BusSocket::open).count() + "/" + sockets.size(),
                        open == null ? "-" : Long.toString(open.connections()), arrivals - last[2],
                        churn.failures(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0],
                        hostile.closes());
                last[0] = delivered;
                last[1] = relayedNow;
                last[2] = arrivals;
            }
            vertx.cancelTimer(trigger);
            churn.stop();
            hostile.stop();
            // Under load the events of the last accepted triggers may still be on their way: lost is what has
            // not come by the deadline.
            // Readers the bridge closed are counted apart (below): lost is what a connected reader never got.
            List<Reader> connected = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                if (sockets.get(i).open()) {
                    connected.add(readers.get(i));
                }
            }
            waitFor(() -> missing(accepted, connected) == 0 && missing(accepted, List.of(relayed)) == 0,
                    TRIGGERS_DEADLINE_MS);
            long missing = missing(accepted, connected);
            long missingRelayed = missing(accepted, List.of(relayed));
            long refusedAll = refused.values().stream().mapToLong(AtomicLong::get).sum();
            System.out.printf(Locale.ROOT, "triggers: %d sent, %d accepted, refused by code %s, %d unanswered; "
                    + "accepted but never seen: %d (worst connected reader), %d (relay node)%n", sent.get(),
                    accepted.size(), refused, sent.get() - accepted.size() - refusedAll, missing, missingRelayed);
            synchronized (roundTripUs) {
                System.out.printf(Locale.ROOT, "trigger round trip (ms): p50 %.1f, p99 %.1f, max %.1f%n",
                        roundTripUs.getValueAtPercentile(50) / 1000.0, roundTripUs.getValueAtPercentile(99) / 1000.0,
                        roundTripUs.getMaxValue() / 1000.0);
            }
            lostNothing = missing == 0 && missingRelayed == 0;
            long closedByBridge = sockets.stream().filter(socket -> !socket.open()).count();
            if (closedByBridge > 0) {
                System.out.printf(Locale.ROOT, "soak: THE BRIDGE CLOSED %d OF THE %d LONG-LIVED CLIENTS (readers, "
                        + "paused, relay, triggers)%n", closedByBridge, sockets.size());
            }
            clientsKept = closedByBridge == 0;

            // Every client leaves: the churn's and the hostile client's last ones end (a deadline each), the
            // long-lived sockets close with 1000 (the paused one reads again first, to take the bridge's close).
            waitFor(() -> churn.inFlight() == 0 && hostile.inFlight() == 0, 20_000);
            System.out.printf(Locale.ROOT, "churn: %d arrivals, %d failed%n%s%n", churn.arrivals(), churn.failures(),
                    churn.summary());
            System.out.printf(Locale.ROOT, "hostile: closes by code: %s; %d error replies to bad frames; %d of the "
                    + "bombs on sockets that refused permessage-deflate%n", hostile.closes(), hostile.errorReplies(),
                    hostile.bombsDeflateRefused());
            paused.ws.resume();
            List<Future<Void>> closing = new ArrayList<>();
            for (BusSocket socket : sockets) {
                closing.add(socket.ws.close((short) 1000).eventually(() -> socket.client().close()));
            }
            Future.join(closing).await(30, TimeUnit.SECONDS);
            String deviceSettled = settle(deviceConnections);
            String relaySettled = settle(relayConnections);
            connectionsBack = deviceSettled.startsWith("yes") && relaySettled.startsWith("yes");
            System.out.printf(Locale.ROOT, "soak: connections back to 0: device node %s, relay node %s; rss device "
                            + "node %.0f MB in minute 1, %.0f MB in minute %d (heap after GC %.1f, %.1f MB)%n",
                    deviceSettled, relaySettled, firstRss[0], lastRss[0], minutes, firstRss[1], lastRss[1]);
        } finally {
            vertx.close().await();
        }
        System.out.println(lostNothing ? "soak: nothing accepted was lost" : "soak: ACCEPTED TRIGGERS WERE LOST");
        System.exit(lostNothing && connectionsBack && clientsKept ? 0 : 1);
    }

    /** The accepted triggers that the worst of these readers has not seen as events. */
    private static long missing(Set<String> accepted, List<Reader> readers) {
        return readers.stream().mapToLong(r -> accepted.stream().filter(t -> !r.manual.contains(t)).count()).max()
                .orElse(0);
    }

    /** A node's connections gauge, read once to choose the gauge; /metrics on its health listener if it has one. */
    private static ConnectionGauge gauge(BridgeNode node) throws IOException {
        ConnectionGauge gauge = new ConnectionGauge(node.pid(), node.port(),
                node.healthPort() != 0 ? node.healthPort() : node.port());
        gauge.read();
        return gauge;
    }

    /** A reading, or null when the node does not answer (a wedged bridge): the row shows "-". */
    private static ConnectionGauge.Reading readOrNull(ConnectionGauge gauge) {
        try {
            return gauge.read();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Waits, up to {@link #SETTLE_MS}, for the node's connections to read
     * what they read with no client and its bridge sockets 0: "yes (...)" or
     * "NO (...)" with the last reading.
     */
    private static String settle(ConnectionGauge gauge) throws InterruptedException {
        long start = System.nanoTime();
        ConnectionGauge.Reading reading = null;
        while (System.nanoTime() - start < SETTLE_MS * 1_000_000) {
            reading = readOrNull(gauge);
            if (reading != null && reading.connections() == gauge.atRest() && reading.sockets() == 0) {
                return String.format(Locale.ROOT, "yes (%d%s, bridge sockets 0, after %.1f s)",
                        reading.connections(), gauge.atRest() == 1 ? ", the reading's own" : "",
                        (System.nanoTime() - start) / 1e9);
            }
            Thread.sleep(500);
        }
        return reading == null ? "NO (no answer)" : String.format(Locale.ROOT, "NO (%d, bridge sockets %d, after "
                + "%d s)", reading.connections(), reading.sockets(), SETTLE_MS / 1000);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static double residentMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** Asks the JVM for a full GC, then for its heap's use (jcmd, beside this JVM's java). */
    private static double heapAfterGcMb(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        Matcher used = HEAP_USED.matcher(run(jcmd, Long.toString(pid), "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
