// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit;

import io.mypoll.bridge.Main;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The bridge's Main in a JVM of its own, as users run it; its output is shown if it fails. */
public final class BridgeNode implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving https?://[^ ]*:(\\d+)/");
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path dir;
    private final int port;
    private final int healthPort;

    private BridgeNode(String name, JsonObject config, List<String> jvmOptions) throws IOException,
            InterruptedException {
        this.name = name;
        JsonObject health = config.getJsonObject("health");
        healthPort = health == null ? 0 : health.getInteger("port", 0);
        dir = Files.createTempDirectory("mypoll-node");
        Path conf = dir.resolve("config.json");
        Files.writeString(conf, config.encodePrettily());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Absolute, since the node runs in its own directory.
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, Main.class.getName(), "-conf", conf.toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.currentTimeMillis() + 60_000;
        Matcher serving = null;
        while (serving == null) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                close();
                throw new IllegalStateException("the " + name + " did not start:\n" + String.join("\n", lines));
            }
            serving = lines.stream().map(SERVING::matcher).filter(Matcher::find).findFirst().orElse(null);
            Thread.sleep(100);
        }
        port = Integer.parseInt(serving.group(1));
    }

    /** Starts a node with this JVM's options (heap, Hazelcast's --add-opens) and waits until it serves HTTP. */
    public static BridgeNode start(String name, JsonObject config) throws IOException, InterruptedException {
        return start(name, config, ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    public static BridgeNode start(String name, JsonObject config, List<String> jvmOptions) throws IOException,
            InterruptedException {
        return new BridgeNode(name, config, jvmOptions);
    }

    /** The HTTP port the node serves. */
    public int port() {
        return port;
    }

    /** The port of the node's health listener ({@code health.port} of its configuration); 0 for none. */
    public int healthPort() {
        return healthPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public List<String> lines() {
        return List.copyOf(lines);
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
        if (lines.stream().anyMatch(l -> l.contains("SEVERE") || l.contains("Exception"))) {
            System.out.println(name + " log:\n" + String.join("\n", lines));
        }
    }
}
