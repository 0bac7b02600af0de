package io.mypoll.testkit.soak;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.testkit.BridgeNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
 * cluster node whose SockJS client gets the events through the relay. Every
 * minute a row: the nodes' resident memory, the device node's heap after a
 * full GC, events delivered, lost and dropped. At the end: whether any
 * accepted trigger never arrived as an event.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.soak.Soak MINUTES [NODE_JVM_OPTIONS...]</pre>
 */
public final class Soak {
    private static final int READERS = 10;
    private static final String DEVICE = "soak";
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

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
        List<String> jvm = new ArrayList<>(nodeOptions);
        jvm.addAll(List.of("--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        System.out.printf(Locale.ROOT, "soak: %d min; device node: emulator at 1000/s, %d readers, 1 paused, "
                + "a trigger every 10 ms; relay node: 1 reader; node JVM options: %s%n", minutes, READERS, nodeOptions);
        Vertx vertx = Vertx.vertx();
        boolean lostNothing;
        try (BridgeNode device = BridgeNode.start("device node", deviceConfig, jvm);
             BridgeNode relay = BridgeNode.start("relay node", relayConfig, jvm)) {
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
            Reader relayed = new Reader();
            BusSocket relaySocket = BusSocket.connect(vertx, relay.port(), relayed::onFrame).await();
            relaySocket.register(Addresses.EVENTS);
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
            long trigger = vertx.setPeriodic(10, id -> {
                String payload = "t" + sent.incrementAndGet();
                sentAt.put(payload, System.nanoTime());
                triggers.request(Addresses.trigger(DEVICE), new JsonObject().put("payload", payload), payload);
            });

            System.out.println("minute  rss device MB  heap after GC MB  rss relay MB  delivered/min  relayed/min"
                    + "  lost  dropped  gaps  triggers accepted  load");
            long[] last = new long[2];
            for (int minute = 1; minute <= minutes; minute++) {
                Thread.sleep(60_000);
                long delivered = readers.stream().mapToLong(r -> r.events.get()).sum();
                long relayedNow = relayed.events.get();
                long gaps = readers.stream().mapToLong(r -> r.gaps.get()).sum() + relayed.gaps.get();
                System.out.printf(Locale.ROOT, "%6d %13.0f %17.1f %13.0f %14d %12d %5d %8d %5d %18d %5s%n", minute,
                        residentMb(device.pid()), heapAfterGcMb(device.pid()), residentMb(relay.pid()),
                        delivered - last[0], relayedNow - last[1], readers.get(0).lost.get(), dropped(device.port()), gaps,
                        accepted.size(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                last[0] = delivered;
                last[1] = relayedNow;
                if (!device.alive() || !relay.alive()) {
                    throw new IllegalStateException("a node died:\n" + String.join("\n", device.lines()));
                }
            }
            vertx.cancelTimer(trigger);
            Thread.sleep(3_000);
            long missing = readers.stream().mapToLong(r -> accepted.stream().filter(t -> !r.manual.contains(t))
                    .count()).max().orElse(0);
            long missingRelayed = accepted.stream().filter(t -> !relayed.manual.contains(t)).count();
            System.out.printf(Locale.ROOT, "triggers: %d sent, %d accepted, refused by code %s; accepted but never "
                    + "seen: %d (worst reader), %d (relay node)%n", sent.get(), accepted.size(), refused, missing,
                    missingRelayed);
            synchronized (roundTripUs) {
                System.out.printf(Locale.ROOT, "trigger round trip (ms): p50 %.1f, p99 %.1f, max %.1f%n",
                        roundTripUs.getValueAtPercentile(50) / 1000.0, roundTripUs.getValueAtPercentile(99) / 1000.0,
                        roundTripUs.getMaxValue() / 1000.0);
            }
            lostNothing = missing == 0 && missingRelayed == 0;
        } finally {
            vertx.close().await();
        }
        System.out.println(lostNothing ? "soak: nothing accepted was lost" : "soak: ACCEPTED TRIGGERS WERE LOST");
        System.exit(lostNothing ? 0 : 1);
    }

    /** The device node's count of messages dropped for its bridge sockets, from /api/status. */
    private static long dropped(int port) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/status"))
                        .timeout(java.time.Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).getJsonObject("sockets").getLong("dropped", -1L);
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
