// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The bridge's Main (or a program beside it) in a JVM of its own, with its output lines collected. */
final class BridgeProcess implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** Starts {@code Main -conf DIR/config.json ARGS...} in {@code dir}. */
    BridgeProcess(Path dir, String config, String... args) throws IOException {
        this(dir, config, List.of(), Map.of(), args);
    }

    /** Starts {@code java JVM_OPTIONS... Main -conf DIR/config.json ARGS...} in {@code dir}. */
    BridgeProcess(Path dir, List<String> jvmOptions, String config, String... args) throws IOException {
        this(dir, config, jvmOptions, Map.of(), args);
    }

    /**
     * Starts {@code java JVM_OPTIONS Main -conf DIR/config.json ARGS...} in {@code dir}, with
     * {@code environment} added to this process's.
     */
    BridgeProcess(Path dir, String config, List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        this(Main.class.getName(), dir, config, jvmOptions, environment, args);
    }

    /**
     * Starts {@code java PROGRAM -conf DIR/config.json ARGS...} in {@code dir}: a program that takes the bridge's
     * settings, as a main class or a single-file source program ({@code examples/*.java}).
     */
    static BridgeProcess program(String program, Path dir, String config, String... args) throws IOException {
        return new BridgeProcess(program, dir, config, List.of(), Map.of(), args);
    }

    private BridgeProcess(String program, Path dir, String config, List<String> jvmOptions,
                          Map<String, String> environment, String... args) throws IOException {
        Path conf = dir.resolve("config.json");
        Files.writeString(conf, config);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), program, "-conf", conf.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        process = builder.start();
        reader = new Thread(() -> {
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
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for an output line that matches. */
    String await(Predicate<String> match, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            String line = queue.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (line != null && match.test(line)) {
                return line;
            }
        }
        throw new AssertionError("no matching line within " + timeoutMs + " ms; output:\n" + String.join("\n", lines));
    }

    /** The options of {@code conf/jvm.options}, the bridge's as scripts/run.sh and the unit start it. */
    static List<String> jvmOptions() throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("..", "conf", "jvm.options"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                options.addAll(List.of(line.trim().split("\\s+")));
            }
        }
        return options;
    }

    int waitForExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeoutMs + " ms; output:\n" + String.join("\n", lines));
        }
        reader.join(5_000); // the reader ends at the end of the output: it has taken the last lines
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
