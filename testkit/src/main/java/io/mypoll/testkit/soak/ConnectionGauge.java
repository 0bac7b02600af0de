// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A node's open HTTP connections and SockJS bridge sockets. The connections
 * come from its {@code /metrics}: the bridge's own gauge
 * ({@code mypoll_bridge_connections}, the connections its limit counts) when
 * it has one, else Vert.x's ({@code vertx_http_server_active_connections},
 * every HTTP server's channels); when {@code /metrics} does not answer at the
 * first reading, from the kernel's TCP table (the node's connections on its
 * HTTP port that are open at its end). The sockets come from
 * {@code /api/status}. Each reading is one connection of its own
 * ({@link OneShotGet}), which the gauge counts when the reading goes through
 * a server the gauge covers: {@link #atRest()} says what the gauge reads with
 * no client.
 */
final class ConnectionGauge {
    static final String BRIDGE = "mypoll_bridge_connections";
    static final String VERTX = "vertx_http_server_active_connections";
    static final String KERNEL = "the kernel's TCP table";
    /** ESTABLISHED and CLOSE_WAIT: the states of a connection the node still holds open. */
    private static final List<String> HELD = List.of("01", "08");

    private final long pid;
    private final int httpPort;
    private final int metricsPort;
    private final boolean healthListener;
    private String name;
    private String whyKernel;

    /**
     * @param pid            the node's process
     * @param httpPort       its HTTP port
     * @param metricsPort    where to read /metrics: its health listener's port if it has one, else httpPort
     */
    ConnectionGauge(long pid, int httpPort, int metricsPort) {
        this.pid = pid;
        this.httpPort = httpPort;
        this.metricsPort = metricsPort;
        this.healthListener = metricsPort != httpPort;
    }

    /** Reads once; the first reading chooses the gauge. */
    Reading read() throws IOException {
        long connections;
        if (name == null) {
            try {
                connections = fromMetrics();
            } catch (IOException e) {
                name = KERNEL;
                whyKernel = e.getMessage();
                connections = fromKernel();
            }
        } else {
            connections = KERNEL.equals(name) ? fromKernel() : fromMetrics();
        }
        JsonObject status = new JsonObject(OneShotGet.body(httpPort, "/api/status")).getJsonObject("sockets");
        return new Reading(connections, status.getLong("sockets", -1L), status.getLong("dropped", -1L));
    }

    /** The gauge, and where it is read. */
    String describe() {
        return KERNEL.equals(name) ? String.format(Locale.ROOT, "connections held open on port %d in %s (/metrics: "
                + "%s)", httpPort, KERNEL, whyKernel) : String.format(Locale.ROOT, "%s, from /metrics on %s", name,
                healthListener ? "the health listener" : "the HTTP port");
    }

    String name() {
        return name;
    }

    /** What the gauge reads with no client: 1 when it counts the reading's own connection, else 0. */
    int atRest() {
        return KERNEL.equals(name) || BRIDGE.equals(name) && healthListener ? 0 : 1;
    }

    /** One reading: open connections, open SockJS bridge sockets, and messages dropped for them so far. */
    record Reading(long connections, long sockets, long dropped) {
    }

    private long fromMetrics() throws IOException {
        String metrics = OneShotGet.body(metricsPort, "/metrics");
        if (name == null) {
            name = metrics.lines().anyMatch(line -> line.startsWith(BRIDGE + " ") || line.startsWith(BRIDGE + "{"))
                    ? BRIDGE : VERTX;
        }
        double total = 0;
        for (String line : (Iterable<String>) metrics.lines()::iterator) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(total);
    }

    /**
     * The connections on the HTTP port that the node's end holds open. The
     * table is the network namespace's; only the node listens on the port.
     */
    private long fromKernel() throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", httpPort);
        long held = 0;
        for (String table : List.of("tcp", "tcp6")) {
            Path path = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(local) && HELD.contains(f[3])) {
                    held++;
                }
            }
        }
        return held;
    }
}
