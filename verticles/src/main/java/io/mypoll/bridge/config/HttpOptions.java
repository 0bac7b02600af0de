// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The HTTP server ({@code http}).
 *
 * @param allowedOrigins origins besides the page's own that may use /eventbus and /api
 * @param allowedHosts   Host names served besides the loopback names and {@code host} itself
 * @param insecure       serve a non-loopback address without TLS and authentication
 * @param tls            PEM files; null for plain HTTP
 * @param authTokenFile  the file holding the access token; null for no authentication
 * @param headerTimeoutSeconds a request's headers must arrive within this, from the connection's opening
 *                       or the first byte of a later request
 */
public record HttpOptions(String host, int port, List<String> allowedOrigins, List<String> allowedHosts,
                          int idleTimeoutSeconds, int maxConnections, boolean insecure, TlsFiles tls,
                          String authTokenFile, int headerTimeoutSeconds) {
    /** Loopback: nothing outside this machine reaches the bridge unless a setting says so. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** A connection that sends and receives nothing this long is closed (half-sent requests, dead peers). */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** Open connections at most; more are closed at once, well before the process runs out of files. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    /** Headers that take longer are a slow client or an attack (slowloris), not a browser. */
    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
    public static final boolean DEFAULT_INSECURE = false;
    /** Empty: no authentication (loopback only). */
    public static final String DEFAULT_AUTH_TOKEN_FILE = "";

    /** Whether {@code host} is a loopback address, which only this machine reaches. */
    public boolean loopback() {
        return isLoopback(host);
    }

    static JsonObject defaults() {
        return new JsonObject()
                .put("host", DEFAULT_HOST)
                .put("port", DEFAULT_PORT)
                .put("allowedOrigins", new JsonArray())
                .put("allowedHosts", new JsonArray())
                .put("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS)
                .put("maxConnections", DEFAULT_MAX_CONNECTIONS)
                .put("headerTimeoutSeconds", DEFAULT_HEADER_TIMEOUT_SECONDS)
                .put("insecure", DEFAULT_INSECURE)
                .put("tls", TlsFiles.defaults(false))
                .put("auth", new JsonObject().put("tokenFile", DEFAULT_AUTH_TOKEN_FILE));
    }

    static HttpOptions from(Section http) {
        String host = http.text("host", DEFAULT_HOST);
        if (host == null) {
            throw new ConfigException(http.key("host"), "must not be empty");
        }
        TlsFiles files = TlsFiles.from(http.object("tls"), false);
        String tokenFile = http.object("auth").text("tokenFile", DEFAULT_AUTH_TOKEN_FILE);
        boolean insecure = http.flag("insecure", DEFAULT_INSECURE);
        if (!isLoopback(host) && !insecure && (files == null || tokenFile == null)) {
            throw new ConfigException(http.key("host"), host + " is not a loopback address: serving it needs "
                    + "http.tls.certFile, http.tls.keyFile and http.auth.tokenFile, or http.insecure: true");
        }
        return new HttpOptions(host, (int) http.number("port", DEFAULT_PORT, 0, 65535),
                http.texts("allowedOrigins", "origins", "[\"http://example.org:8080\"]"),
                http.texts("allowedHosts", "host names", "[\"dash.example.org\"]"),
                (int) http.number("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 3600),
                (int) http.number("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 100_000),
                insecure, files, tokenFile,
                (int) http.number("headerTimeoutSeconds", DEFAULT_HEADER_TIMEOUT_SECONDS, 1, 3600));
    }

    /** A loopback name or address; a name is looked up, and one that does not resolve is not loopback. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
