// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Beyond loopback: HTTPS from PEM files, and the access token for everything but /health. */
@ExtendWith(VertxExtension.class)
class ExposureTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificateAndToken() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, openssl.waitFor(), "openssl (the test command installs it): " + output);
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    private static JsonObject exposed(String tokenFile) {
        return new JsonObject().put("http", new JsonObject()
                .put("host", "0.0.0.0")
                .put("tls", new JsonObject().put("certFile", dir.resolve("cert.pem").toString())
                        .put("keyFile", dir.resolve("key.pem").toString()))
                .put("auth", new JsonObject().put("tokenFile", tokenFile)));
    }

    private static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString((":" + token).getBytes(StandardCharsets.UTF_8));
    }

    private static int status(HttpClient https, WebFixture web, HttpMethod method, String path, String auth,
                              String body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(web.http.port())
                .setURI(path).putHeader("Content-Type", "text/plain");
        if (auth != null) {
            options.putHeader("Authorization", auth);
        }
        return https.request(options).compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .map(r -> r.statusCode()).await();
    }

    private static HttpClient https(Vertx vertx) {
        return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    }

    @Test
    void overHttpsATriggerWithoutTheTokenIsRefusedAndWithItWorks(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, exposed(dir.resolve("token").toString()), 0);
        HttpClient https = https(vertx);
        String trigger = "/api/devices/d/trigger";
        assertEquals(401, status(https, web, HttpMethod.POST, trigger, null, "no"));
        assertEquals(401, status(https, web, HttpMethod.POST, trigger, basic("wrong-token-0123456789"), "no"));
        assertEquals(0, web.device.stats().generated(), "nothing written without the token");
        assertEquals(200, status(https, web, HttpMethod.POST, trigger, basic(TOKEN), "yes"));
        assertEquals(1, web.generated(1));
        assertEquals(401, status(https, web, HttpMethod.GET, "/", null, null), "the page too");
        assertEquals(200, status(https, web, HttpMethod.GET, "/health", null, null), "health is for monitors");
    }

    @Test
    void overHttpsTheBridgeNeedsTheTokenForItsSocket(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, exposed(dir.resolve("token").toString()), 0);
        var wss = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false));
        WebSocketConnectOptions socket = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(web.http.port())
                .setURI("/eventbus/websocket").setTimeout(10_000);
        Throwable refused = wss.connect(socket).transform(ar -> Future.succeededFuture(ar.cause())).await();
        assertTrue(refused instanceof UpgradeRejectedException u && u.getStatus() == 401, String.valueOf(refused));

        WebSocket ws = wss.connect(socket.addHeader("Authorization", basic(TOKEN))).await();
        BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        ws.handler(data -> frames.add(data.toJsonObject()));
        ws.writeTextMessage(new JsonObject().put("type", "send").put("address", Addresses.trigger("d"))
                .put("replyAddress", "r1").put("body", new JsonObject().put("payload", "over wss")).encode());
        JsonObject reply = frames.poll(10, TimeUnit.SECONDS);
        assertEquals("r1", reply == null ? null : reply.getString("address"), String.valueOf(reply));
        assertEquals(true, reply.getJsonObject("body").getBoolean("accepted"));
        assertEquals(1, web.generated(1));
    }

    @Test
    void aShortTokenIsRefusedNamingTheKey(Vertx vertx) throws Exception {
        Path shortToken = dir.resolve("short");
        Files.writeString(shortToken, "secret");
        Exception e = assertThrows(Exception.class,
                () -> new WebFixture(vertx, exposed(shortToken.toString()), 0));
        Throwable cause = e;
        while (!(cause instanceof ConfigException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().startsWith("http.auth.tokenFile: " + shortToken + " must hold a token of at "
                + "least 16 characters"), String.valueOf(cause));
    }
}
