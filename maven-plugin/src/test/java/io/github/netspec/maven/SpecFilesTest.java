package io.github.netspec.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecFilesTest {

    @TempDir
    Path root;

    @Test
    void antPatternsMatchAsInOtherMavenPlugins() {
        Pattern anyNet = SpecFiles.antPattern("**/*.net");
        assertTrue(anyNet.matcher("mnist.net").matches(), "**/ matches no folder at all");
        assertTrue(anyNet.matcher("com/acme/mnist.net").matches());
        assertFalse(anyNet.matcher("mnist.net.bak").matches());
        assertTrue(SpecFiles.antPattern("legacy/**").matcher("legacy/a/b.net").matches());
        assertTrue(SpecFiles.antPattern("legacy/").matcher("legacy/b.net").matches(), "a trailing slash means everything below");
        assertFalse(SpecFiles.antPattern("*.net").matcher("a/b.net").matches(), "* stays within one folder");
        assertTrue(SpecFiles.antPattern("v?.net").matcher("v1.net").matches());
        assertTrue(SpecFiles.antPattern("my nets/(draft).net").matcher("my nets/(draft).net").matches(), "other characters are literal");
    }

    @Test
    void findsSortedSpecsWithIncludesAndExcludes() throws Exception {
        for (String file : List.of("b.net", "a/c.net", "legacy/old.net", "notes.txt")) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.writeString(root.resolve(file), "");
        }
        assertEquals(List.of("a/c.net", "b.net", "legacy/old.net"), SpecFiles.find(root, null, null));
        assertEquals(List.of("a/c.net", "b.net"), SpecFiles.find(root, List.of(), List.of("legacy/**")));
        assertEquals(List.of("notes.txt"), SpecFiles.find(root, List.of("*.txt"), List.of()));
        assertEquals(List.of(), SpecFiles.find(root.resolve("missing"), null, null));
    }
}
