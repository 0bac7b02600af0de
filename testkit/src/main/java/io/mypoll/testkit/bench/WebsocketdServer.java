// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The peer reference: websocketd on loopback running
 * {@code sigio_eventfd_epoll --emulate --stream} for each connection. Each
 * client gets a reader process, with an emulated device of its own (the same
 * kind of socketpair producer as the bridge's emulator), whose event lines
 * websocketd sends as WebSocket messages, one a line; the client's messages
 * reach the reader's stdin as its commands ({@code rate HZ}, {@code burst N}).
 */
final class WebsocketdServer implements WebServer {
    private static final long START_TIMEOUT_MS = 10_000;

    private final Process process;
    private final Path log;
    private final int port;

    private WebsocketdServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static WebsocketdServer start(String websocketd, String cTool) throws IOException, InterruptedException {
        int port = freePort();
        Path log = Files.createTempFile("mypoll-websocketd", ".log");
        // loglevel error: no line per connection, but a reader's error message (its stderr) is kept.
        Process process = new ProcessBuilder(websocketd, "--address=127.0.0.1", "--port=" + port,
                "--loglevel=error", Path.of(cTool).toAbsolutePath().toString(), "--emulate", "--stream")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        WebsocketdServer server = new WebsocketdServer(process, log, port);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!server.listening()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                String output = server.log();
                server.close();
                throw new IllegalStateException(websocketd + " did not listen on 127.0.0.1:" + port + " within "
                        + START_TIMEOUT_MS + " ms:\n" + output);
            }
            Thread.sleep(50);
        }
        return server;
    }

    /** A port nobody listens on now; websocketd cannot pick one itself and say which. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String protocol() {
        return "lines";
    }

    @Override
    public String url() {
        return "ws://127.0.0.1:" + port + "/";
    }

    /** websocketd and the readers it runs: their CPU time and memory together are this server's cost. */
    @Override
    public List<Long> processes() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .map(ProcessHandle::pid).toList();
    }

    @Override
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Its readers end when their stdin closes; one that does not is ended here, by its pid.
        // The handles are taken now: they know each reader's start time, so a pid used again is left alone.
        List<ProcessHandle> readers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        readers.forEach(ProcessHandle::destroy);
        Files.deleteIfExists(log);
    }
}
