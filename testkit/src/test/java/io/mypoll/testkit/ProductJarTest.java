// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runnable jar that users run holds the product and nothing that only measures or checks it. */
class ProductJarTest {
    /** Built by the bridge module's package phase, which runs before this module's tests. */
    private static final Path JAR = Path.of("..", "verticles", "target", "mypoll-bridge.jar");
    private static List<String> entries;

    @BeforeAll
    static void readJar() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: build the bridge module first");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void holdsTheBridgeAndItsDashboard() {
        assertTrue(entries.contains("io/mypoll/bridge/Main.class"), "Main");
        assertTrue(entries.contains("io/mypoll/driver/DeviceLoop.class"), "the driver");
        assertTrue(entries.contains("webroot/index.html"), "the dashboard");
        assertTrue(entries.contains("webroot/app.js"), "the dashboard's main module");
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("webroot/js/") && e.endsWith(".js")),
                "the dashboard's other modules");
    }

    @Test
    void holdsNoBenchmarkNoCheckAndNoTest() {
        List<String> strays = entries.stream()
                .filter(e -> e.startsWith("io/mypoll/"))
                .filter(e -> e.startsWith("io/mypoll/testkit/") || e.contains("/bench/") || e.contains("/check/")
                        || e.endsWith("Test.class") || e.endsWith("E2E.class") || e.contains("Benchmark"))
                .toList();
        assertEquals(List.of(), strays);
    }

    @Test
    void holdsNoneOfTheDashboardsBuildFiles() {
        List<String> strays = entries.stream()
                .filter(e -> e.startsWith("webroot/node_modules/") || e.equals("webroot/package.json")
                        || e.equals("webroot/package-lock.json") || e.equals("webroot/copy-libs.mjs"))
                .toList();
        assertEquals(List.of(), strays);
    }
}
