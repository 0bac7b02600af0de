// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/ARCHITECTURE.md, read from the sources' imports: a
 * package uses only packages of a lower layer, and the driver knows no Vert.x.
 */
class PackageLayersTest {
    private static final Path BRIDGE = Path.of("src", "main", "java", "io", "mypoll", "bridge");
    private static final Path DRIVER = Path.of("..", "driver", "src", "main", "java");
    private static final Pattern BRIDGE_IMPORT = Pattern.compile(
            "^import (?:static )?io\\.mypoll\\.bridge\\.(?:([a-z]+)\\.|[A-Z])",
            Pattern.MULTILINE);
    /** Higher uses lower; features of one layer do not use each other. */
    private static final Map<String, Integer> LAYER = Map.of(
            "", 4, "device", 3, "web", 3, "service", 3, "mqtt", 3, "cluster", 2, "config", 1, "logging", 1, "contract", 0);

    @Test
    void everyImportGoesToALowerLayer() throws IOException {
        List<String> upward = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(BRIDGE)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                Path dir = BRIDGE.relativize(file.getParent());
                String from = dir.toString();
                Integer fromLayer = LAYER.get(from);
                assertTrue(fromLayer != null, "package " + from + " has no layer in this test and the docs");
                Matcher m = BRIDGE_IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1) == null ? "" : m.group(1);
                    Integer toLayer = LAYER.get(to);
                    if (toLayer == null || !to.equals(from) && toLayer >= fromLayer) {
                        upward.add(file.getFileName() + " (" + (from.isEmpty() ? "root" : from) + ") uses " + to);
                    }
                }
            }
        }
        assertTrue(files > 20, "read the sources: " + files + " files");
        assertEquals(List.of(), upward);
    }

    @Test
    void theDriverKnowsNoVertx() throws IOException {
        try (Stream<Path> sources = Files.walk(DRIVER)) {
            List<String> vertx = sources.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> read(p).contains("import io.vertx.") || read(p).contains("import io.mypoll.bridge."))
                    .map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of(), vertx);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
