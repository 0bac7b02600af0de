// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import java.io.IOException;
import java.util.List;

/** A WebSocket server that {@link WebBenchmark} measures: the bridge, or websocketd with the C reader. */
interface WebServer extends AutoCloseable {
    /** The client's --protocol: "bridge" (SockJS event-bus frames) or "lines" (one event a message). */
    String protocol();

    /** The WebSocket URL the client connects to. */
    String url();

    /** The processes whose CPU time and memory are the server's cost, at this moment. */
    List<Long> processes() throws IOException;

    /** The server's own output so far, to show when a run fails. */
    String log();

    @Override
    void close() throws IOException, InterruptedException;
}
