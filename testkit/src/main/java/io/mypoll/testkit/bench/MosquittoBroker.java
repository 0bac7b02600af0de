// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A mosquitto broker of the benchmark's own, on a free loopback port, with nothing kept on disk
 * (no persistence) and anonymous clients; stopped with the benchmark.
 */
final class MosquittoBroker implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private MosquittoBroker(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts {@code executable} and waits until it takes connections.
     *
     * @param extraConfig lines added to the configuration (settings the benchmark states it changed)
     */
    static MosquittoBroker start(String executable, String extraConfig) throws IOException, InterruptedException {
        int port;
        // A port free now; the broker binds it a moment later, and says so if it was taken meanwhile.
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path dir = Files.createTempDirectory("mypoll-mosquitto");
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + extraConfig);
        Path log = dir.resolve("mosquitto.log");
        Process process = new ProcessBuilder(executable, "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        MosquittoBroker broker = new MosquittoBroker(process, dir, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return broker;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String output = Files.readString(log, StandardCharsets.UTF_8).strip();
                    broker.close();
                    throw new IllegalStateException(executable + " did not take connections on 127.0.0.1:" + port
                            + " within 10 s: " + output);
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    /** The broker's version, from Debian's package, else what it says of itself. */
    static String version(String executable) {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version}", "mosquitto")
                    .redirectErrorStream(true).start();
            String dpkg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0 && !dpkg.isEmpty()) {
                return dpkg;
            }
            p = new ProcessBuilder(executable, "-h").redirectErrorStream(true).start();
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return help.lines().findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
