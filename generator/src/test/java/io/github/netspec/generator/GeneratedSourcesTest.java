package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedSourcesTest {

    @TempDir
    Path out;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unchangedFilesKeepTheirBytesAndMtime() throws Exception {
        Path relative = Path.of("com/acme/Net.java");
        GeneratedSources.sync(out, Map.of(relative, bytes("class Net {}")), List.of());
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(out.resolve(relative), old);

        GeneratedSources.Report report = GeneratedSources.sync(out, Map.of(relative, bytes("class Net {}")), List.of());
        assertEquals(List.of(relative), report.unchanged());
        assertTrue(report.written().isEmpty());
        assertEquals(old, Files.getLastModifiedTime(out.resolve(relative)));
    }

    @Test
    void changedFilesAreReplacedWithNoTemporaryFilesLeft() throws Exception {
        Path relative = Path.of("Net.java");
        GeneratedSources.sync(out, Map.of(relative, bytes("class Net {}")), List.of());
        GeneratedSources.Report report = GeneratedSources.sync(out, Map.of(relative, bytes("class Net { int x; }")), List.of(relative));
        assertEquals(List.of(relative), report.written());
        assertEquals("class Net { int x; }", Files.readString(out.resolve(relative)));
        try (Stream<Path> files = Files.walk(out)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    @Test
    void removesOnlyWhatItGeneratedBeforeAndNoLongerGenerates() throws Exception {
        Path old = Path.of("a/b/Old.java");
        Path kept = Path.of("a/Kept.java");
        GeneratedSources.sync(out, Map.of(old, bytes("class Old {}"), kept, bytes("class Kept {}")), List.of());
        Files.writeString(out.resolve("a/Handwritten.java"), "class Handwritten {}");
        Files.writeString(out.resolve("a/notes.txt"), "not ours to delete");

        GeneratedSources.Report report = GeneratedSources.sync(out, Map.of(kept, bytes("class Kept {}")), List.of(old, kept));
        assertEquals(List.of(old), report.removed());
        assertFalse(Files.exists(out.resolve(old)));
        assertFalse(Files.exists(out.resolve("a/b")), "the folder the removal emptied goes too");
        assertTrue(Files.exists(out.resolve(kept)));
        assertTrue(Files.exists(out.resolve("a/Handwritten.java")), "a .java file we never wrote stays");
        assertTrue(Files.exists(out.resolve("a/notes.txt")));
    }

    @Test
    void aMissingOutputFolderIsCreated() throws Exception {
        Path nested = out.resolve("does not exist yet");
        GeneratedSources.sync(nested, Map.of(Path.of("p/Net.java"), bytes("x")), List.of());
        assertTrue(Files.isRegularFile(nested.resolve("p/Net.java")));
    }

    @Test
    void aSpecFolderNamesItsPackage() {
        assertEquals("com.acme", GeneratedSources.folderPackage(Path.of("com", "acme", "mnist.net")));
        assertEquals("", GeneratedSources.folderPackage(Path.of("mnist.net")));
    }
}
