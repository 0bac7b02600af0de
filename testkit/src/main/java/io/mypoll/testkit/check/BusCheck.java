// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.check;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser's view of a running bridge, from outside its machine: {@code GET /health} must answer 200 with status
 * ok, then a raw WebSocket of the SockJS event-bus bridge (the frames vertx-eventbus.js sends) registers for
 * {@code mypoll.events} and must receive COUNT events of DEVICE with consecutive seqs and no overrun. Prints one
 * {@code PASS|FAIL <name>/<check>: detail} line per check.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.check.BusCheck HOST PORT DEVICE COUNT NAME</pre>
 *
 * <p>The bridge may still be settling when this starts (a guest's forwarded port answers before its bridge does):
 * the health check retries for 60 s; the events must then come within 120 s. Exit status 0 when both checks
 * passed, 1 when one failed, 2 on bad arguments.
 */
public final class BusCheck {
    private static final String EVENTS = "mypoll.events";
    private static final long HEALTH_WAIT_MS = 60_000;
    private static final long EVENTS_WAIT_MS = 120_000;
    /** Under the bridge's ping timeout, as the official client's 5 s. */
    private static final long PING_MS = 3_000;
    private static final String PING = new JsonObject().put("type", "ping").encode();

    private final Vertx vertx = Vertx.vertx();
    private final String host;
    private final int port;
    private final String device;
    private final int count;
    private final String name;
    private boolean failed;

    private record Answer(int status, Buffer body) {
    }

    private BusCheck(String host, int port, String device, int count, String name) {
        this.host = host;
        this.port = port;
        this.device = device;
        this.count = count;
        this.name = name;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: BusCheck HOST PORT DEVICE COUNT NAME");
            System.exit(2);
        }
        BusCheck check;
        try {
            check = new BusCheck(args[0], Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]), args[4]);
        } catch (NumberFormatException e) {
            System.err.println("BusCheck: PORT and COUNT are numbers: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = check.run();
        } finally {
            closeQuietly(check.vertx.close());
        }
        System.exit(status);
    }

    private int run() throws InterruptedException {
        if (health()) {
            events();
        }
        return failed ? 1 : 0;
    }

    private void say(boolean pass, String check, String detail) {
        failed |= !pass;
        System.out.println((pass ? "PASS " : "FAIL ") + name + "/" + check + ": " + detail);
        System.out.flush();
    }

    private boolean health() throws InterruptedException {
        HttpClient client = vertx.createHttpClient();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(HEALTH_WAIT_MS);
        String last = "no answer";
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            attempts++;
            try {
                // The body is asked for in the response's own callback: asked later, from this thread, it may
                // have gone by already, and its future would never complete.
                Answer answer = client.request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setHost(host).setPort(port).setURI("/health").setTimeout(10_000))
                        .compose(request -> request.send().compose(response -> response.body()
                                .map(body -> new Answer(response.statusCode(), body))))
                        .await(15, TimeUnit.SECONDS);
                last = answer.status() + " " + answer.body().toString().trim();
                if (answer.status() == 200 && "ok".equals(answer.body().toJsonObject().getString("status"))) {
                    say(true, "http-health", "GET http://" + host + ":" + port + "/health: " + last + " after "
                            + seconds(start) + " s (" + attempts + " attempts)");
                    closeQuietly(client.close());
                    return true;
                }
            } catch (Exception e) {
                // await() rethrows a timeout as the checked TimeoutException.
                last = e.toString();
            }
            Thread.sleep(1_000);
        }
        closeQuietly(client.close());
        say(false, "http-health", "no 200 {\"status\": \"ok\"} from GET http://" + host + ":" + port + "/health within "
                + HEALTH_WAIT_MS / 1000 + " s (" + attempts + " attempts); last: " + last);
        return false;
    }

    private void events() throws InterruptedException {
        BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        WebSocketClient client = vertx.createWebSocketClient();
        WebSocket ws;
        try {
            ws = client.connect(new WebSocketConnectOptions().setHost(host).setPort(port)
                    .setURI("/eventbus/websocket").setTimeout(10_000)).await(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            say(false, "sockjs-events", "WebSocket /eventbus/websocket: " + e);
            return;
        }
        ws.handler(data -> frames.add(data.toJsonObject()));
        long pinger = vertx.setPeriodic(PING_MS, id -> ws.writeTextMessage(PING));
        ws.writeTextMessage(new JsonObject().put("type", "register").put("address", EVENTS).encode());

        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(EVENTS_WAIT_MS);
        long firstSeq = -1;
        long lastSeq = -1;
        long firstNs = 0;
        int received = 0;
        int gaps = 0;
        int overruns = 0;
        long lost = 0;
        String firstGap = null;
        String error = null;
        while (received < count) {
            long left = deadline - System.nanoTime();
            JsonObject frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (frame == null) {
                break;
            }
            if ("err".equals(frame.getString("type"))) {
                error = frame.encode();
                break;
            }
            if (!"rec".equals(frame.getString("type")) || !EVENTS.equals(frame.getString("address"))) {
                continue;
            }
            JsonObject event = frame.getJsonObject("body");
            if (!device.equals(event.getString("device"))) {
                continue;
            }
            long seq = event.getLong("seq");
            if (received == 0) {
                firstSeq = seq;
                firstNs = System.nanoTime();
            } else if (seq != lastSeq + 1) {
                gaps++;
                if (firstGap == null) {
                    firstGap = lastSeq + " -> " + seq;
                }
            }
            if ("overrun".equals(event.getString("type"))) {
                overruns++;
            }
            Long eventLost = event.getLong("lost");
            lost += eventLost == null ? 0 : eventLost;
            lastSeq = seq;
            received++;
        }
        vertx.cancelTimer(pinger);
        closeQuietly(ws.close());
        closeQuietly(client.close());

        double spanS = received > 1 ? (System.nanoTime() - firstNs) / 1e9 : 0;
        String detail = received + " of " + count + " events of " + device + " on " + EVENTS
                + (received > 0 ? ", seq " + firstSeq + " to " + lastSeq : "")
                + String.format(Locale.ROOT, " in %.1f s (%.0f/s)", spanS, spanS > 0 ? (received - 1) / spanS : 0.0)
                + (received > 0 ? String.format(Locale.ROOT, ", the first %.1f s after registering",
                        (firstNs - start) / 1e9) : "")
                + ", gaps=" + gaps + (firstGap != null ? " (first " + firstGap + ")" : "")
                + ", overruns=" + overruns + ", lost=" + lost;
        if (error != null) {
            say(false, "sockjs-events", "the bridge answered with an error frame " + error + "; " + detail);
        } else if (received < count) {
            say(false, "sockjs-events", "only " + detail + " within " + EVENTS_WAIT_MS / 1000 + " s");
        } else {
            say(gaps == 0 && overruns == 0 && lost == 0, "sockjs-events", detail);
        }
    }

    /** Waits a while for a close, whose failure changes no result. */
    private static void closeQuietly(Future<Void> close) {
        try {
            close.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("BusCheck: close: " + e);
        }
    }

    private static String seconds(long startNs) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNs) / 1e9);
    }
}
