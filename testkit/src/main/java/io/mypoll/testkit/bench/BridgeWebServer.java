// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.testkit.BridgeNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;

/**
 * The bridge's Main in a JVM of its own, as users run it, serving one emulated
 * device to SockJS clients at {@code /eventbus/websocket}.
 */
final class BridgeWebServer implements WebServer {
    /** The device's id: clients drive it with mypoll.control.bench requests. */
    static final String DEVICE = "bench";

    private final BridgeNode node;

    private BridgeWebServer(BridgeNode node) {
        this.node = node;
    }

    /**
     * Starts a bridge whose emulated device is idle until a client sets its rate.
     *
     * @param queueLen the emulator's queue: large enough for one burst, so a burst is lost only past the device
     * @param jvmOptions the bridge JVM's options (heap, collector), as scripts/run.sh's JAVA_OPTS
     */
    static BridgeWebServer start(int queueLen, List<String> jvmOptions) throws IOException, InterruptedException {
        return new BridgeWebServer(BridgeNode.start("bridge", config(queueLen), jvmOptions));
    }

    /**
     * The production defaults but three: an ephemeral port; bridge.allowControl, since the client drives
     * the device's timer and bursts with mypoll.control requests over its socket (nothing else reaches a
     * bridge in its own JVM without a cluster); and no summary of events in the log (logEvents), which the other
     * benchmarks leave out too. The client sends no Origin header and connects to 127.0.0.1, which the
     * origin and host checks let through as they do any program's.
     */
    static JsonObject config(int queueLen) {
        return new JsonObject().put("node", "bench-web").put("logEvents", false)
                .put("http", new JsonObject().put("port", 0))
                .put("bridge", new JsonObject().put("allowControl", true))
                .put("devices", new JsonArray().add(new JsonObject().put("id", DEVICE).put("type", "emulator")
                        .put("periodMs", 0).put("queueLen", queueLen)));
    }

    @Override
    public String protocol() {
        return "bridge";
    }

    @Override
    public String url() {
        return "ws://127.0.0.1:" + node.port() + "/eventbus/websocket";
    }

    @Override
    public List<Long> processes() {
        return List.of(node.pid());
    }

    @Override
    public String log() {
        return String.join("\n", node.lines());
    }

    boolean alive() {
        return node.alive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        node.close();
    }
}
