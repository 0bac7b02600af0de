// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README stays a page a newcomer reads in minutes, and its layout table is the repository's. */
class ReadmeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LAYOUT_ROW = Pattern.compile("^\\| `([^`/]+)/` \\|");

    @Test
    void theReadmeIsUnder200Lines() throws IOException {
        int lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines < 200, "README.md has " + lines + " lines; reference belongs in docs/");
    }

    @Test
    void theLayoutTableNamesEveryTopLevelFolderAndNoOther() throws IOException {
        List<String> rows = Files.readAllLines(ROOT.resolve("README.md")).stream()
                .map(LAYOUT_ROW::matcher).filter(Matcher::find).map(m -> m.group(1)).sorted().toList();
        List<String> folders;
        try (Stream<Path> top = Files.list(ROOT)) {
            folders = top.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && !name.equals("target")).sorted().toList();
        }
        assertEquals(folders, rows, "README.md's layout table against the folders at the top level");
    }
}
