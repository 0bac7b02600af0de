package io.mypoll.bridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The bridge running in a QEMU guest against the real kernel module, seen
 * from the host through a forwarded port: its SockJS event-bus bridge, its
 * REST status and its dashboard in headless Chromium.
 *
 * <p>Run by scripts/qemu-e2e.sh (not by {@code mvn verify}) with
 * {@code -Dmypoll.e2e.port=HOSTPORT}, {@code -Dmypoll.e2e.mode=sigio|poll} and
 * {@code -Dmypoll.e2e.periodMs=N}, the timer period of the guest's config.
 */
@Tag("e2e")
class GuestBridgeE2E {
    private static final String EVENTS = "mypoll.events";
    private static final String DEVICE = "mypoll";
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private static Vertx vertx;
    private static HttpClient client;
    /** Held for the whole test: Vert.x closes a client, and its WebSockets, once the client is garbage. */
    private static WebSocketClient webSockets;
    private static int port;
    private static String mode;
    private static int periodMs;

    @BeforeAll
    static void setUp() {
        String p = System.getProperty("mypoll.e2e.port");
        assertNotNull(p, "-Dmypoll.e2e.port=HOSTPORT is required (scripts/qemu-e2e.sh sets it)");
        port = Integer.parseInt(p);
        mode = System.getProperty("mypoll.e2e.mode", "sigio");
        periodMs = Integer.parseInt(System.getProperty("mypoll.e2e.periodMs", "100"));
        vertx = Vertx.vertx();
        client = vertx.createHttpClient();
        webSockets = vertx.createWebSocketClient();
        awaitHealthThroughTheForwardedPort();
    }

    /**
     * The guest saw its bridge healthy on its own loopback; the first
     * connections through QEMU's port forward can still be refused while the
     * guest's network settles, so wait until the host sees it healthy too.
     */
    private static void awaitHealthThroughTheForwardedPort() {
        long deadline = System.currentTimeMillis() + 60_000;
        Throwable last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                int status = client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/health"))
                        .compose(req -> req.send()).map(resp -> resp.statusCode()).await();
                if (status == 200) {
                    return;
                }
                last = new AssertionError("GET /health: " + status);
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the guest's bridge is not healthy through 127.0.0.1:" + port + " within 60 s",
                last);
    }

    @AfterAll
    static void tearDown() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    /** A raw SockJS WebSocket of the event-bus bridge. */
    private static final class Socket implements AutoCloseable {
        final WebSocket ws;
        final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        private static final String PING = new JsonObject().put("type", "ping").encode();
        private final long pinger;

        Socket() {
            ws = webSockets.connect(port, "127.0.0.1", "/eventbus/websocket").await();
            ws.handler(data -> frames.add(data.toJsonObject()));
            // As the official client does: the bridge closes a socket that stays silent past its ping timeout.
            pinger = vertx.setPeriodic(3_000, id -> ws.writeTextMessage(PING));
        }

        void send(JsonObject frame) {
            ws.writeTextMessage(frame.encode()).await();
        }

        void register(String address) {
            send(new JsonObject().put("type", "register").put("address", address));
        }

        JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (true) {
                long left = deadline - System.currentTimeMillis();
                JsonObject frame = left > 0 ? frames.poll(left, TimeUnit.MILLISECONDS) : null;
                if (frame == null) {
                    throw new AssertionError("no matching frame within " + timeoutMs + " ms");
                }
                if (match.test(frame)) {
                    return frame;
                }
            }
        }

        /** The bodies of the events that arrive within {@code ms}. */
        List<JsonObject> events(long ms) throws InterruptedException {
            List<JsonObject> events = new ArrayList<>();
            long deadline = System.currentTimeMillis() + ms;
            while (true) {
                long left = deadline - System.currentTimeMillis();
                JsonObject frame = left > 0 ? frames.poll(left, TimeUnit.MILLISECONDS) : null;
                if (frame == null) {
                    return events;
                }
                if (isEvent(frame)) {
                    events.add(frame.getJsonObject("body"));
                }
            }
        }

        @Override
        public void close() {
            vertx.cancelTimer(pinger);
            ws.close().await();
        }
    }

    private static boolean isEvent(JsonObject frame) {
        return "rec".equals(frame.getString("type")) && EVENTS.equals(frame.getString("address"));
    }

    private static JsonObject get(String path) {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                        .setURI(path))
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(Buffer::toJsonObject))
                .await();
    }

    private static JsonObject deviceStatus() {
        for (Object o : get("/api/status").getJsonArray("devices")) {
            JsonObject d = (JsonObject) o;
            if (DEVICE.equals(d.getString("id"))) {
                return d;
            }
        }
        throw new AssertionError("no device '" + DEVICE + "' in /api/status");
    }

    @Test
    void theGuestRunsTheRealDeviceInTheExpectedMode() {
        JsonObject d = deviceStatus();
        assertEquals("mypoll", d.getString("type"), d.encode());
        assertEquals("/dev/mypoll", d.getString("path"), d.encode());
        assertEquals(mode, d.getString("mode"), d.encode());
        assertEquals(true, d.getBoolean("open"), d.encode());
        assertEquals(periodMs * 1000, d.getJsonObject("driver").getInteger("periodUs"), d.encode());
    }

    @Test
    void timerEventsArriveAtTheConfiguredPeriodWithNoSeqGap() throws Exception {
        try (Socket socket = new Socket()) {
            socket.register(EVENTS);
            socket.await(GuestBridgeE2E::isEvent, 10_000);
            long windowMs = Math.max(3_000, periodMs * 30L);
            List<JsonObject> events = socket.events(windowMs);
            List<JsonObject> timers = events.stream().filter(e -> "timer".equals(e.getString("type")))
                    .collect(Collectors.toList());
            long gaps = 0;
            for (int i = 1; i < events.size(); i++) {
                if (events.get(i).getLong("seq") != events.get(i - 1).getLong("seq") + 1) {
                    gaps++;
                }
            }
            long expected = windowMs / periodMs;
            assertTrue(timers.size() >= 2, "timer events in " + windowMs + " ms: " + timers.size());
            double meanMs = (timers.get(timers.size() - 1).getLong("tsNs") - timers.get(0).getLong("tsNs"))
                    / 1e6 / (timers.size() - 1);
            String detail = timers.size() + " timer events in " + windowMs + " ms (expected about " + expected
                    + "), mean interval " + String.format(java.util.Locale.ROOT, "%.2f", meanMs) + " ms, gaps "
                    + gaps;
            System.out.println("[" + mode + "] " + detail);
            assertEquals(0, gaps, detail);
            assertTrue(Math.abs(meanMs - periodMs) <= periodMs * 0.1, detail);
            assertTrue(timers.size() >= expected * 6 / 10 && timers.size() <= expected * 14 / 10, detail);
            for (JsonObject e : timers) {
                assertEquals(DEVICE, e.getString("device"));
                assertEquals("timer", e.getString("payload"));
            }
        }
    }

    @Test
    void aTriggerFromTheHostArrivesAsAManualEventAndTheDriverCountsIt() throws Exception {
        String payload = "host " + mode + " " + (System.nanoTime() % 100000);
        JsonObject manual;
        try (Socket socket = new Socket()) {
            socket.register(EVENTS);
            socket.await(GuestBridgeE2E::isEvent, 10_000);
            socket.send(new JsonObject().put("type", "send").put("address", "mypoll.trigger." + DEVICE)
                    .put("body", new JsonObject().put("payload", payload)).put("replyAddress", "r1"));
            JsonObject reply = socket.await(f -> "r1".equals(f.getString("address"))
                    || "err".equals(f.getString("type")), 10_000);
            assertEquals(true, reply.getJsonObject("body").getBoolean("accepted"), reply.encode());
            manual = socket.await(f -> isEvent(f) && "manual".equals(f.getJsonObject("body").getString("type"))
                    && payload.equals(f.getJsonObject("body").getString("payload")), 10_000).getJsonObject("body");
        }
        long seq = manual.getLong("seq");
        // The status of an interval after the event.
        long deadline = System.currentTimeMillis() + 15_000;
        JsonObject d = deviceStatus();
        while (d.getLong("lastSeq") < seq) {
            assertTrue(System.currentTimeMillis() < deadline, "no status after seq " + seq + ": " + d.encode());
            Thread.sleep(200);
            d = deviceStatus();
        }
        JsonObject driver = d.getJsonObject("driver");
        JsonObject events = d.getJsonObject("events");
        String detail = "manual seq " + seq + "; bridge " + events.encode() + " lastSeq " + d.getLong("lastSeq")
                + " gaps " + d.getLong("gaps") + " lost " + d.getLong("lost") + "; driver " + driver.encode();
        System.out.println("[" + mode + "] " + detail);
        assertTrue(events.getLong("manual") >= 1, detail);
        assertEquals(0L, d.getLong("gaps"), detail);
        assertEquals(0L, d.getLong("lost"), detail);
        assertEquals(0L, driver.getLong("lost"), detail);
        assertEquals(1, driver.getInteger("readers"), detail);
        // The bridge's reader was opened before the first event: it read every event, seq 1 .. lastSeq.
        assertEquals(d.getLong("lastSeq"), events.getLong("total"), detail);
        assertTrue(driver.getLong("generated") >= d.getLong("lastSeq"), detail);
        assertTrue(driver.getLong("delivered") >= events.getLong("total"), detail);
        assertEquals(driver.getLong("generated"), driver.getLong("delivered") + driver.getLong("queued"), detail);
    }

    @Test
    void theDashboardServedFromTheGuestShowsEvents() throws Exception {
        assertTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "needs Debian's chromium and chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + Files.createTempDirectory("mypoll-e2e-chromium"));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, Level.ALL.getName()));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get("http://127.0.0.1:" + port + "/");
            waitFor(browser, "the connection",
                    () -> "connected".equals(browser.findElement(By.id("connection")).getText()));
            waitFor(browser, "timer events in the table", () -> !rows(browser, "timer").isEmpty());
            String payload = "from chromium " + mode;
            WebElement input = browser.findElement(By.id("trigger-payload"));
            input.clear();
            input.sendKeys(payload);
            browser.findElement(By.id("trigger-button")).click();
            waitFor(browser, "the manual event", () -> rows(browser, "manual").stream()
                    .anyMatch(row -> row.get(2).equals(payload)));
            assertEquals("", browser.findElement(By.id("trigger-error")).getText());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(),
                    Path.of("target", "e2e-dashboard-" + mode + ".png"), StandardCopyOption.REPLACE_EXISTING);
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .collect(Collectors.toList());
            assertTrue(errors.isEmpty(), "console errors: " + errors);
        } finally {
            browser.quit();
        }
    }

    private static void waitFor(ChromeDriver browser, String what, Supplier<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(),
                        Path.of("target", "e2e-dashboard-failure-" + mode + ".png"),
                        StandardCopyOption.REPLACE_EXISTING);
                throw new AssertionError("timed out waiting for " + what + "; connection "
                        + browser.findElement(By.id("connection")).getText() + "; console: "
                        + browser.manage().logs().get(LogType.BROWSER).getAll());
            }
            Thread.sleep(100);
        }
    }

    /** The shown rows of that type as [type, seq, payload], read in one script run. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(ChromeDriver browser, String type) {
        List<List<String>> all = (List<List<String>>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#events tbody tr:not([hidden])'))"
                        + ".map(tr => ['type', 'seq', 'payload'].map(c => tr.querySelector('td.' + c).textContent));");
        return all.stream().filter(r -> r.get(0).equals(type)).collect(Collectors.toList());
    }
}
