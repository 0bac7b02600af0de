// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Clients that arrive and leave every second over every transport the bridge
 * serves, each doing something real before it goes: a bridge socket
 * registers for {@code mypoll.events} and waits for one event, an HTTP client
 * gets a 200. Every connection is a new one (no keep-alive), so each arrival
 * is a connection the bridge opens and must release.
 */
final class Churn {
    /** How each kind of client arrives, does its part and leaves. */
    enum Transport {
        WS_CLOSED("WebSocket closed (1000)"),
        WS_DROPPED("WebSocket dropped (FIN or reset, no close frame)"),
        XHR_STREAMING("SockJS xhr-streaming"),
        XHR_POLLING("SockJS xhr-polling"),
        HTTP("HTTP GET /health, /api/devices");

        final String label;

        Transport(String label) {
            this.label = label;
        }
    }

    /** Of each transport, this many arrivals a second. */
    static final int PER_SECOND = 2;
    private static final long DEADLINE_MS = 10_000;
    private static final String REGISTER = new JsonObject().put("type", "register").put("address", Addresses.EVENTS)
            .encode();

    /** One transport's arrivals and failures, and the last failure's reason. */
    static final class Counts {
        final AtomicLong arrivals = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        volatile String lastFailure;
    }

    private final Vertx vertx;
    private final int port;
    private final Map<Transport, Counts> counts = new EnumMap<>(Transport.class);
    private final AtomicLong inFlight = new AtomicLong();
    private final WebSocketClient webSockets;
    private final HttpClient http;
    private final NetClient fin;
    private final NetClient reset;
    private long timer = -1;
    private long arrivalsSoFar;

    Churn(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
        for (Transport t : Transport.values()) {
            counts.put(t, new Counts());
        }
        webSockets = vertx.createWebSocketClient();
        // No keep-alive: every request is a connection of its own, opened and closed.
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setDefaultHost("127.0.0.1")
                .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(64));
        fin = vertx.createNetClient();
        reset = vertx.createNetClient(new NetClientOptions().setSoLinger(0));
    }

    void start() {
        timer = vertx.setPeriodic(1_000, id -> {
            for (int i = 0; i < PER_SECOND; i++) {
                for (Transport t : Transport.values()) {
                    arrive(t, arrivalsSoFar++);
                }
            }
        });
    }

    /** No more arrivals; those under way go on to their end (a deadline each). */
    void stop() {
        vertx.cancelTimer(timer);
    }

    /** Clients still under way. */
    long inFlight() {
        return inFlight.get();
    }

    long arrivals() {
        return counts.values().stream().mapToLong(c -> c.arrivals.get()).sum();
    }

    long failures() {
        return counts.values().stream().mapToLong(c -> c.failures.get()).sum();
    }

    /** Per transport: arrivals, failures and the last failure's reason. */
    String summary() {
        return counts.entrySet().stream().map(e -> String.format("  %-50s %7d arrivals, %d failed%s", e.getKey().label,
                e.getValue().arrivals.get(), e.getValue().failures.get(), e.getValue().lastFailure == null ? ""
                        : " (last: " + e.getValue().lastFailure + ")")).collect(Collectors.joining("\n"));
    }

    private void arrive(Transport transport, long n) {
        Counts c = counts.get(transport);
        c.arrivals.incrementAndGet();
        inFlight.incrementAndGet();
        Future<Void> visit = switch (transport) {
            case WS_CLOSED -> webSocketClosed();
            case WS_DROPPED -> webSocketDropped(n % 2 == 0 ? fin : reset);
            case XHR_STREAMING -> xhrStreaming();
            case XHR_POLLING -> xhrPolling();
            case HTTP -> get(n % 2 == 0 ? "/health" : "/api/devices");
        };
        visit.onComplete(ar -> {
            inFlight.decrementAndGet();
            if (ar.failed()) {
                c.failures.incrementAndGet();
                c.lastFailure = String.valueOf(ar.cause().getMessage());
            }
        });
    }

    /** Registers, takes an event, and closes with 1000 as a page that goes away does. */
    private Future<Void> webSocketClosed() {
        return webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/eventbus/websocket").setTimeout(DEADLINE_MS)).compose(ws -> {
                    Promise<Void> event = Promise.promise();
                    ws.handler(data -> {
                        if (isEvent(data.toString(StandardCharsets.UTF_8))) {
                            event.tryComplete();
                        }
                    });
                    ws.closeHandler(v -> event.tryFail("closed by the bridge before an event"));
                    ws.exceptionHandler(event::tryFail);
                    ws.writeTextMessage(REGISTER);
                    return closeAfter(event.future().timeout(DEADLINE_MS, TimeUnit.MILLISECONDS),
                            () -> ws.close((short) 1000));
                });
    }

    /** Registers, takes an event, and goes without a close frame: a FIN, or a reset from {@code client}. */
    private Future<Void> webSocketDropped(NetClient client) {
        return RawWebSocket.connect(client, port, "/eventbus/websocket", false).compose(ws -> {
            Promise<Void> event = Promise.promise();
            ws.frames(frame -> {
                if (frame.message() && isEvent(frame.text())) {
                    event.tryComplete();
                }
            });
            ws.closed().onComplete(code -> event.tryFail("closed by the bridge (" + code.result() + ") before "
                    + "an event"));
            ws.sendText(REGISTER);
            return closeAfter(event.future().timeout(DEADLINE_MS, TimeUnit.MILLISECONDS), ws::drop);
        });
    }

    /**
     * Opens the stream, registers through {@code xhr_send} once the stream is
     * open, takes an event from the stream, and closes its connection.
     */
    private Future<Void> xhrStreaming() {
        String session = sessionPath();
        return http.request(post(session + "/xhr_streaming")).compose(request -> request.send().compose(response -> {
            if (response.statusCode() != 200) {
                return Future.failedFuture("xhr_streaming: " + response.statusCode());
            }
            Promise<Void> event = Promise.promise();
            // The prelude (2,048 'h' and a newline), then the open frame "o", then message frames "a[...]".
            StringBuilder beforeOpen = new StringBuilder();
            response.handler(data -> {
                String text = data.toString(StandardCharsets.UTF_8);
                if (beforeOpen.indexOf("\no\n") < 0) {
                    beforeOpen.append(text);
                    if (beforeOpen.indexOf("\no\n") >= 0) {
                        send(session, REGISTER).onFailure(event::tryFail);
                    }
                } else if (text.contains(Addresses.EVENTS)) {
                    event.tryComplete();
                }
            });
            response.exceptionHandler(event::tryFail);
            response.endHandler(v -> event.tryFail("the stream ended before an event"));
            return closeAfter(event.future().timeout(DEADLINE_MS, TimeUnit.MILLISECONDS),
                    () -> request.connection().close());
        }));
    }

    /** Opens a session, registers, and polls until an event comes; the session then times out at the bridge. */
    private Future<Void> xhrPolling() {
        String session = sessionPath();
        return poll(session).compose(open -> open.startsWith("o")
                        ? send(session, REGISTER) : Future.failedFuture("xhr: no open frame but " + open.trim()))
                .compose(v -> pollForEvent(session, 3))
                .timeout(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private Future<Void> pollForEvent(String session, int polls) {
        return poll(session).compose(body -> body.contains(Addresses.EVENTS) ? Future.succeededFuture()
                : polls > 1 ? pollForEvent(session, polls - 1)
                : Future.failedFuture("xhr: no event in " + body.trim()));
    }

    private Future<String> poll(String session) {
        return http.request(post(session + "/xhr")).compose(request -> request.send())
                .compose(response -> response.statusCode() == 200 ? response.body()
                        : Future.failedFuture("xhr: " + response.statusCode()))
                .map(Buffer::toString);
    }

    /** A frame to the session through {@code xhr_send}, which answers 204. */
    private Future<Void> send(String session, String frame) {
        return http.request(post(session + "/xhr_send"))
                .compose(request -> request.send(new JsonArray().add(frame).encode()))
                .compose(response -> response.statusCode() == 204 ? response.body().<Void>mapEmpty()
                        : Future.failedFuture("xhr_send: " + response.statusCode()));
    }

    private Future<Void> get(String path) {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(path))
                .compose(request -> request.send())
                .compose(response -> response.statusCode() == 200 ? response.body().<Void>mapEmpty()
                        : Future.failedFuture("GET " + path + ": " + response.statusCode()))
                .timeout(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private static RequestOptions post(String uri) {
        return new RequestOptions().setMethod(HttpMethod.POST).setURI(uri);
    }

    /** A new SockJS session's path, {@code /eventbus/<server>/<session>}, as sockjs-client makes them. */
    private static String sessionPath() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("/eventbus/%03d/%016x", random.nextInt(1000), random.nextLong());
    }

    private static boolean isEvent(String frame) {
        return frame.contains("\"address\":\"" + Addresses.EVENTS + "\"");
    }

    /** Runs {@code close} once {@code work} ends either way; fails with work's failure, else close's. */
    private static Future<Void> closeAfter(Future<Void> work, Supplier<Future<?>> close) {
        return work.transform(w -> close.get().transform(c -> {
            Throwable failure = w.failed() ? w.cause() : c.cause();
            return failure == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(failure);
        }));
    }
}
