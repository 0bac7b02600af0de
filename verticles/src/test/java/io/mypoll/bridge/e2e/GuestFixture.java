// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.web.HeadlessChromium;
import io.mypoll.bridge.web.WebFixture;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;

/**
 * The bridge of a QEMU guest as the host's tests reach it: the forwarded
 * port (HTTP, SockJS), headless Chromium, and requests to the guest's init,
 * which it runs between the bridge's start and stop (type on the virtual
 * keyboard, destroy it, create it again).
 *
 * <p>Set by scripts/qemu-e2e.sh: {@code -Dmypoll.e2e.port=HOSTPORT},
 * {@code -Dmypoll.e2e.mode=sigio|poll}, {@code -Dmypoll.e2e.work=DIR} (the
 * directory shared with the guest).
 */
final class GuestFixture implements AutoCloseable {
    static final String EVENTS = "mypoll.events";

    final int port;
    final String mode;
    private final Path work;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client = vertx.createHttpClient();
    /** Where the exchanges start: see {@link WebFixture#startedOn}. */
    private final Context clientContext = vertx.getOrCreateContext();
    private int requests;

    private GuestFixture(int port, String mode, Path work) {
        this.port = port;
        this.mode = mode;
        this.work = work;
    }

    /** The guest's bridge, once the host sees it healthy. */
    static GuestFixture fromProperties() {
        String p = System.getProperty("mypoll.e2e.port");
        assertNotNull(p, "-Dmypoll.e2e.port=HOSTPORT is required (scripts/qemu-e2e.sh sets it)");
        String w = System.getProperty("mypoll.e2e.work");
        GuestFixture guest = new GuestFixture(Integer.parseInt(p), System.getProperty("mypoll.e2e.mode", "sigio"),
                w == null ? null : Path.of(w));
        guest.awaitHealthThroughTheForwardedPort();
        return guest;
    }

    /**
     * The guest saw its bridge healthy on its own loopback; the first
     * connections through QEMU's port forward can still be refused while the
     * guest's network settles, so wait until the host sees it healthy too.
     */
    private void awaitHealthThroughTheForwardedPort() {
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
                // The poll interval of this wait, inside its deadline.
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the guest's bridge is not healthy through 127.0.0.1:" + port + " within 60 s",
                last);
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    JsonObject get(String path) {
        return WebFixture.startedOn(clientContext, () -> client.request(new RequestOptions()
                        .setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path))
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(Buffer::toJsonObject)))
                .await();
    }

    /** POSTs a JSON body; the answer's status code and its body as JSON. */
    Map.Entry<Integer, JsonObject> post(String path, JsonObject body) {
        return WebFixture.startedOn(clientContext, () -> client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(path)
                        .putHeader("content-type", "application/json"))
                .compose(req -> req.send(body.encode()))
                .compose(resp -> resp.body().map(b -> Map.entry(resp.statusCode(), b.toJsonObject()))))
                .await();
    }

    /** The device's entry in /api/status. */
    JsonObject device(String id) {
        for (Object o : get("/api/status").getJsonArray("devices")) {
            JsonObject d = (JsonObject) o;
            if (id.equals(d.getString("id"))) {
                return d;
            }
        }
        throw new AssertionError("no device '" + id + "' in /api/status");
    }

    /** Polls the device's entry until it matches; the last entry. */
    JsonObject awaitDevice(String id, Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject d = device(id);
        while (!match.test(d)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("device " + id + " still " + d.encode() + " after " + timeoutMs + " ms");
            }
            Thread.sleep(50); // the poll interval of this wait, inside its deadline
            d = device(id);
        }
        return d;
    }

    /**
     * Asks the guest's init to do something and returns its one-line answer.
     * The request file is written whole (renamed into place), since the guest
     * polls for it.
     */
    String request(String command, long timeoutMs) throws IOException, InterruptedException {
        assertNotNull(work, "-Dmypoll.e2e.work=DIR is required for requests to the guest");
        int n = ++requests;
        String tag = mode + "-" + ProcessHandle.current().pid();
        Path tmp = work.resolve("request-" + mode + ".tmp");
        Files.writeString(tmp, tag + "-" + n + " " + command + "\n");
        Files.move(tmp, work.resolve("request-" + mode), StandardCopyOption.ATOMIC_MOVE);
        Path reply = work.resolve("reply-" + mode);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(reply)) {
                String line = Files.readString(reply, StandardCharsets.UTF_8).trim();
                if (line.startsWith(tag + "-" + n + " ")) {
                    String answer = line.substring(line.indexOf(' ') + 1);
                    if (answer.startsWith("failed")) {
                        throw new AssertionError("the guest could not '" + command + "': " + answer);
                    }
                    return answer;
                }
            }
            Thread.sleep(50); // the poll interval of this wait for the reply file, inside its deadline
        }
        throw new AssertionError("the guest did not answer '" + command + "' within " + timeoutMs + " ms");
    }

    /** The value of {@code key=value} in a guest's answer. */
    static String field(String answer, String key) {
        for (String part : answer.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + "= in the guest's answer '" + answer + "'");
    }

    Socket socket() {
        return new Socket();
    }

    /** A raw SockJS WebSocket of the event-bus bridge, pinging as the official client does. */
    final class Socket implements AutoCloseable {
        private static final String PING = new JsonObject().put("type", "ping").encode();
        private final EventBusSocket bus;
        private final long pinger;

        private Socket() {
            bus = EventBusSocket.connect(vertx, port).await();
            // The bridge closes a socket that stays silent past its ping timeout.
            pinger = vertx.setPeriodic(3_000, id -> bus.ws.writeTextMessage(PING));
        }

        void send(JsonObject frame) {
            bus.send(frame);
        }

        void register(String address) {
            bus.register(address);
        }

        JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
            return bus.await(match, timeoutMs);
        }

        @SafeVarargs
        final List<JsonObject> awaitEach(long timeoutMs, Predicate<JsonObject>... matches)
                throws InterruptedException {
            return bus.awaitEach(timeoutMs, matches);
        }

        /** The bodies of the events that arrive within {@code ms}. */
        List<JsonObject> events(long ms) throws InterruptedException {
            return events(ms, e -> true, Integer.MAX_VALUE);
        }

        /** The bodies of the matching events that arrive within {@code ms}, at most {@code max} of them. */
        List<JsonObject> events(long ms, Predicate<JsonObject> match, int max) throws InterruptedException {
            List<JsonObject> events = new ArrayList<>();
            long deadline = System.currentTimeMillis() + ms;
            while (events.size() < max) {
                long left = deadline - System.currentTimeMillis();
                JsonObject frame = left > 0 ? bus.frames.poll(left, TimeUnit.MILLISECONDS) : null;
                if (frame == null) {
                    break;
                }
                if (isEvent(frame) && match.test(frame.getJsonObject("body"))) {
                    events.add(frame.getJsonObject("body"));
                }
            }
            return events;
        }

        @Override
        public void close() {
            vertx.cancelTimer(pinger);
            bus.ws.close().await();
        }
    }

    static boolean isEvent(JsonObject frame) {
        return "rec".equals(frame.getString("type")) && EVENTS.equals(frame.getString("address"));
    }

    static ChromeDriver browser() throws IOException {
        return HeadlessChromium.start();
    }

    /**
     * Waits 90 s for the page to get there; a screenshot named after {@code shot} when it does not. The guest
     * runs under TCG: on a loaded host its bridge took 81 s to start, and its first page, connected, showed no
     * event for 30 s.
     */
    static void waitFor(ChromeDriver browser, String what, String shot, Supplier<Boolean> condition)
            throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                screenshot(browser, "e2e-" + shot + "-failure.png");
                throw new AssertionError("timed out waiting for " + what + "; connection "
                        + browser.findElement(By.id("connection")).getText() + "; console: "
                        + browser.manage().logs().get(LogType.BROWSER).getAll());
            }
            Thread.sleep(100); // the poll interval of this wait, inside its deadline
        }
    }

    static void screenshot(ChromeDriver browser, String name) throws IOException {
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", name),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
