package io.mypoll.bridge.web;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A device verticle over one emulated device "d", and the HTTP verticle on a free loopback port. */
public final class WebFixture {
    final Vertx vertx;
    final EmulatedDevice device;
    final HttpVerticle http;
    final HttpClient client;
    final BridgeConfig config;

    WebFixture(Vertx vertx, boolean allowControl, int periodUs) throws Exception {
        this(vertx, new JsonObject().put("bridge", new JsonObject().put("allowControl", allowControl)), periodUs);
    }

    /** @param settings merged over the fixture's own (node web-test, a free port, device "d") */
    WebFixture(Vertx vertx, JsonObject settings, int periodUs) throws Exception {
        this.vertx = vertx;
        config = BridgeConfig.from(new JsonObject()
                .put("node", "web-test")
                .put("statusIntervalMs", 200)
                .put("http", new JsonObject().put("port", 0))
                .put("devices", new JsonArray().add(new JsonObject().put("id", "d").put("type", "emulator")))
                .mergeIn(settings, true));
        device = new EmulatedDevice("d", periodUs, 1 << 16);
        vertx.deployVerticle(new DirectoryVerticle()).await();
        vertx.deployVerticle(new DeviceVerticle(config, dc -> device),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
        http = new HttpVerticle(config);
        vertx.deployVerticle(http).await();
        client = vertx.createHttpClient();
    }

    /** The device's count of events made, once it reaches {@code expected} or 2 s have passed. */
    long generated(long expected) throws Exception {
        long deadline = System.currentTimeMillis() + 2_000;
        while (device.stats().generated() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return device.stats().generated();
    }

    /** One HTTP exchange: status, headers and body. */
    record Response(int status, String contentType, String cacheControl, String body, io.vertx.core.MultiMap headers) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    Response call(HttpMethod method, String path, String contentType, String body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(http.port())
                .setURI(path);
        if (contentType != null) {
            options.putHeader("Content-Type", contentType);
        }
        return call(options, body == null ? null : Buffer.buffer(body));
    }

    /** One exchange of a request made as the test needs it (headers, bytes). */
    Response call(RequestOptions options, Buffer body) {
        String what = options.getMethod() + " " + options.getURI();
        try {
            return client.request(options.setTimeout(10_000))
                    .compose(req -> body == null ? req.send() : req.send(body))
                    .compose(resp -> resp.body().map(b -> response(resp, b)))
                    .await(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + ": no response within 15 s", e);
        }
    }

    private static Response response(HttpClientResponse resp, Buffer body) {
        return new Response(resp.statusCode(), resp.getHeader("Content-Type"), resp.getHeader("Cache-Control"),
                body.toString(), resp.headers());
    }

    /** A raw SockJS WebSocket client of the event-bus bridge: JSON frames as the bridge protocol defines them. */
    EventBusSocket socket() {
        return EventBusSocket.connect(vertx, http.port()).await();
    }

    /** A socket registered on that address, and on the status, whose first frame shows the register was handled. */
    EventBusSocket registered(String address) throws InterruptedException {
        EventBusSocket socket = socket();
        socket.register(address);
        socket.register(Addresses.STATUS);
        // The bridge handles a socket's frames in order.
        socket.await(f -> Addresses.STATUS.equals(f.getString("address")), 5_000);
        return socket;
    }

    public static final class EventBusSocket {
        /** Kept with its socket: Vert.x closes a client, and its WebSockets, once the client is garbage. */
        private final WebSocketClient client;
        public final WebSocket ws;
        public final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

        /** A socket of the bridge on {@code 127.0.0.1:port}; fails if the handshake takes over 10 s. */
        public static Future<EventBusSocket> connect(Vertx vertx, int port) {
            WebSocketClient client = vertx.createWebSocketClient();
            return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/eventbus/websocket").setTimeout(10_000)).map(ws -> new EventBusSocket(client, ws));
        }

        private EventBusSocket(WebSocketClient client, WebSocket ws) {
            this.client = client;
            this.ws = ws;
            // The bridge sends its frames as binary WebSocket messages of JSON text.
            ws.handler(data -> frames.add(data.toJsonObject()));
        }

        public void send(JsonObject frame) {
            try {
                ws.writeTextMessage(frame.encode()).await(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("frame not written within 10 s: " + frame.encode(), e);
            }
        }

        public void register(String address) {
            send(new JsonObject().put("type", "register").put("address", address));
        }

        public void request(String address, Object body, String replyAddress) {
            send(new JsonObject().put("type", "send").put("address", address).put("body", body)
                    .put("replyAddress", replyAddress));
        }

        /** The next frame that matches, skipping others. */
        public JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
            return awaitEach(timeoutMs, match).get(0);
        }

        /**
         * The first frame that matches each predicate, in the predicates'
         * order, whatever order they arrive in (a request's reply and the
         * event it causes race); other frames are skipped.
         */
        @SafeVarargs
        public final List<JsonObject> awaitEach(long timeoutMs, Predicate<JsonObject>... matches)
                throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            JsonObject[] found = new JsonObject[matches.length];
            int missing = matches.length;
            while (missing > 0) {
                long left = deadline - System.currentTimeMillis();
                JsonObject frame = left > 0 ? frames.poll(left, TimeUnit.MILLISECONDS) : null;
                if (frame == null) {
                    throw new AssertionError(missing + " of " + matches.length + " frames did not come within "
                            + timeoutMs + " ms");
                }
                for (int i = 0; i < matches.length; i++) {
                    if (found[i] == null && matches[i].test(frame)) {
                        found[i] = frame;
                        missing--;
                        break;
                    }
                }
            }
            return List.of(found);
        }

        public static Predicate<JsonObject> event(String type) {
            return f -> "rec".equals(f.getString("type")) && Addresses.EVENTS.equals(f.getString("address"))
                    && type.equals(f.getJsonObject("body").getString("type"));
        }
    }
}
