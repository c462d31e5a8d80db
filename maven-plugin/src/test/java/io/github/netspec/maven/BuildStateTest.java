package io.github.netspec.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildStateTest {

    @TempDir
    Path folder;

    @Test
    void survivesAWriteAndReadAndNoticesChangedOrMissingOutputs() throws Exception {
        Path out = folder.resolve("out");
        Path generated = Path.of("com/acme/Net.java");
        Files.createDirectories(out.resolve(generated).getParent());
        Files.writeString(out.resolve(generated), "class Net {}");
        BuildState state = BuildState.of("abc", Map.of(generated, "class Net {}".getBytes(StandardCharsets.UTF_8)));

        Path file = folder.resolve("state/generate-default.txt");
        state.write(file);
        BuildState read = BuildState.read(file);
        assertEquals(state, read);
        assertTrue(read.outputsIntact(out));

        Files.writeString(out.resolve(generated), "class Net { edited }");
        assertFalse(read.outputsIntact(out), "an edited output is regenerated");
        Files.delete(out.resolve(generated));
        assertFalse(read.outputsIntact(out), "a deleted output is regenerated");
    }

    @Test
    void aMissingOrDamagedRecordMeansRegenerate() throws Exception {
        assertEquals(BuildState.NONE, BuildState.read(folder.resolve("none.txt")));
        Path damaged = Files.write(folder.resolve("damaged.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertEquals("", BuildState.read(damaged).fingerprint());
    }

    @Test
    void fingerprintsDependOnEveryPartAndTheirBoundaries() {
        byte[] ab = "ab".getBytes(StandardCharsets.UTF_8);
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b".getBytes(StandardCharsets.UTF_8);
        assertEquals(BuildState.fingerprint(List.of(a, b)), BuildState.fingerprint(List.of(a, b)));
        assertNotEquals(BuildState.fingerprint(List.of(ab)), BuildState.fingerprint(List.of(a, b)));
        assertNotEquals(BuildState.fingerprint(List.of(a, b)), BuildState.fingerprint(List.of(b, a)));
    }
}
