// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every relative link of the project's Markdown pages leads to a file, and every anchor to a heading. */
class DocumentationLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyRelativeLinkAndAnchorOfTheDocsResolves() throws IOException {
        MarkdownLinks links = new MarkdownLinks();
        List<String> broken = new ArrayList<>();
        List<Path> pages = pages();
        assertTrue(pages.size() >= 8, "the pages found: " + pages);
        for (Path page : pages) {
            broken.addAll(links.broken(page));
        }
        assertEquals(List.of(), broken, "links that lead nowhere");
    }

    @Test
    void aLinkToAMissingFileIsBroken(@TempDir Path dir) throws IOException {
        Path page = Files.writeString(dir.resolve("A.md"), "# A\n\nSee [B](B.md) and [code](`x`).\n");
        assertEquals(List.of(page + ":3: B.md (no such file)"), new MarkdownLinks().broken(page));
    }

    @Test
    void anAnchorThatNoHeadingMakesIsBroken(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("B.md"), "# B\n\n## Web access: SockJS, REST\n\n```\n# not a heading\n```\n");
        Path page = Files.writeString(dir.resolve("A.md"), "[ok](B.md#web-access-sockjs-rest) [bad](B.md#not-a-heading)\n");
        assertEquals(List.of(page + ":1: B.md#not-a-heading (no heading makes #not-a-heading)"),
                new MarkdownLinks().broken(page));
    }

    @Test
    void aRepeatedHeadingGetsANumberedAnchor(@TempDir Path dir) throws IOException {
        Path page = Files.writeString(dir.resolve("A.md"), "# Notes\n\n## Notes\n\n[second](#notes-1)\n");
        assertEquals(List.of(), new MarkdownLinks().broken(page));
    }

    /** README.md, docs/ and every other Markdown page of the repository, outside build output and npm's. */
    private static List<Path> pages() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> Stream.of("target", "node_modules", ".git")
                            .noneMatch(skip -> ROOT.relativize(p).toString().contains(skip)))
                    .sorted().toList();
        }
    }
}
