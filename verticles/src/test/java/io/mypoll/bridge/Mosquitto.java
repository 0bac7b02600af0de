// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's mosquitto broker on a free loopback port, with a configuration file of its own, and
 * {@code mosquitto_sub} subscribers to it. A machine without them fails the test that asks: scripts/prerequisites.sh
 * installs them.
 */
final class Mosquitto implements AutoCloseable {
    final int port;
    private final Path conf;
    private final List<Sub> subs = new ArrayList<>();
    private Process broker;

    /**
     * @param persistent keep the subscribers' sessions and queued messages across a stop and start, in the
     *                   directory's own file (a subscriber then misses nothing of a bridge that reconnects first)
     */
    Mosquitto(Path dir, boolean persistent) throws IOException, InterruptedException {
        require("mosquitto");
        require("mosquitto_sub");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                // Started as root, mosquitto would become the mosquitto user, who cannot write the test's
                // directory; as anyone else, it stays who it is and ignores this.
                "user " + System.getProperty("user.name"),
                "persistence " + persistent,
                "persistence_location " + dir.toAbsolutePath() + "/",
                "autosave_interval 0",
                // What waits for an offline persistent subscriber: every event of the test.
                "max_queued_messages 0",
                "max_queued_bytes 0",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                ""));
        start();
    }

    static void require(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new AssertionError(program + " is missing: the MQTT tests need Debian's mosquitto and "
                + "mosquitto-clients (scripts/prerequisites.sh installs them)");
    }

    private static String path(String program) {
        return Files.isExecutable(Path.of("/usr/sbin", program)) ? "/usr/sbin/" + program : program;
    }

    /** Starts the broker and waits until it takes connections. */
    void start() throws IOException, InterruptedException {
        broker = new ProcessBuilder(path("mosquitto"), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(conf.resolveSibling("mosquitto.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!broker.isAlive()) {
                    throw new AssertionError("mosquitto exited with " + broker.exitValue() + ": "
                            + Files.readString(conf.resolveSibling("mosquitto.log")));
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("mosquitto does not take connections on port " + port);
                }
                Thread.sleep(20); // polled with the deadline above
            }
        }
    }

    /** Stops the broker as a service stop would (SIGTERM), and waits for it to exit. */
    void stop() throws InterruptedException {
        broker.destroy();
        if (!broker.waitFor(10, TimeUnit.SECONDS)) {
            broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A {@code mosquitto_sub -v} of {@code topic} at QoS 1; with a client id, a persistent session that
     * the broker keeps while it is away.
     */
    Sub subscribe(String topic, String clientId) throws IOException {
        List<String> command = new ArrayList<>(List.of(path("mosquitto_sub"), "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-q", "1", "-v", "-t", topic));
        if (clientId != null) {
            command.addAll(List.of("-c", "-i", clientId));
        }
        Sub sub = new Sub(new ProcessBuilder(command).redirectErrorStream(true).start());
        subs.add(sub);
        return sub;
    }

    /**
     * A subscriber that is subscribed when this returns: it has seen the retained probe that is published to
     * {@code probeTopic} (which its filter must match) before it starts.
     */
    Sub subscribeReady(String topic, String clientId, String probeTopic) throws IOException, InterruptedException {
        publish(probeTopic, "probe", true);
        Sub sub = subscribe(topic, clientId);
        sub.await(line -> line.equals(probeTopic + " probe"), 10_000);
        return sub;
    }

    /** {@code mosquitto_pub}: one message at QoS 1, retained or not; waits for it to be sent. */
    void publish(String topic, String message, boolean retain) throws IOException, InterruptedException {
        require("mosquitto_pub");
        List<String> command = new ArrayList<>(List.of(path("mosquitto_pub"), "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-q", "1", "-t", topic, "-m", message));
        if (retain) {
            command.add("-r");
        }
        Process pub = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!pub.waitFor(10, TimeUnit.SECONDS) || pub.exitValue() != 0) {
            pub.destroyForcibly();
            throw new AssertionError("mosquitto_pub " + topic + " failed: "
                    + new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws InterruptedException {
        subs.forEach(s -> s.process.destroyForcibly());
        if (broker != null) {
            broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One subscriber's messages, "topic payload" per line. */
    static final class Sub {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        /** Wakes a waiting {@link #await} when a line arrives. */
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final java.util.Set<Integer> taken = new java.util.HashSet<>();

        Sub(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                        queue.add(line);
                    }
                } catch (IOException e) {
                    // The process ended.
                }
            }, "mosquitto_sub");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * The first line that matches and was not returned before, within the time: lines that arrived while
         * the test waited for another stay there for the next call.
         */
        String await(Predicate<String> match, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (true) {
                for (int i = 0; i < lines.size(); i++) {
                    if (!taken.contains(i) && match.test(lines.get(i))) {
                        taken.add(i);
                        return lines.get(i);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                queue.poll(left, TimeUnit.MILLISECONDS);
            }
            throw new AssertionError("no matching message within " + timeoutMs + " ms; got " + lines.size()
                    + " lines, the last: " + lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        }

        /** The payload of a "topic payload" line. */
        static String payload(String line) {
            return line.substring(line.indexOf(' ') + 1);
        }

        static String topic(String line) {
            return line.substring(0, line.indexOf(' '));
        }
    }
}
