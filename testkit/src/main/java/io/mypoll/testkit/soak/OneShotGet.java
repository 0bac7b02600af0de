// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A GET on a TCP connection of its own, closed once the answer has come: the
 * soak's readings leave no idle connection behind that the bridge would count
 * as open (as a pooling client's would). Blocking; for the soak's main thread.
 */
final class OneShotGet {
    private OneShotGet() {
    }

    /** The body of {@code GET path} at {@code 127.0.0.1:port}; fails unless the status is 200. */
    static String body(int port, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // HTTP/1.0: the body ends with the connection, never in chunks.
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || !response.startsWith(" 200", 8) || end < 0) {
                throw new IOException("GET " + path + " on port " + port + ": " + response.lines().findFirst()
                        .orElse("no answer"));
            }
            return response.substring(end + 4);
        }
    }
}
