package io.github.netspec.maven;

import io.github.netspec.generator.GeneratedSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last successful generation saw and wrote: a fingerprint of its inputs (every spec's path and
 * text, the configuration, the generator itself) and a digest of every file it generated. It decides
 * whether a build can skip generating, and it is how stale files are known to be ours to delete.
 *
 * <p>Stored as text, one entry per line: {@code fingerprint HEX}, then {@code output PATH HEX}.
 */
record BuildState(String fingerprint, Map<Path, String> outputs) {

    static final BuildState NONE = new BuildState("", Map.of());

    static BuildState read(Path file) {
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        try {
            String fingerprint = "";
            Map<Path, String> outputs = new TreeMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("fingerprint ")) {
                    fingerprint = line.substring("fingerprint ".length());
                } else if (line.startsWith("output ")) {
                    int digestStart = line.lastIndexOf(' ');
                    outputs.put(Path.of(line.substring("output ".length(), digestStart)), line.substring(digestStart + 1));
                }
            }
            return new BuildState(fingerprint, outputs);
        } catch (IOException | RuntimeException unreadable) {
            return NONE; // a damaged record only costs one full regeneration
        }
    }

    void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder("fingerprint ").append(fingerprint).append('\n');
        outputs.forEach((path, digest) -> text.append("output ").append(path.toString().replace('\\', '/'))
                .append(' ').append(digest).append('\n'));
        GeneratedSources.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether every file this state records is still in {@code outputRoot} with the same content. */
    boolean outputsIntact(Path outputRoot) {
        for (Map.Entry<Path, String> output : outputs.entrySet()) {
            Path file = outputRoot.resolve(output.getKey());
            try {
                if (!Files.isRegularFile(file) || !digest(Files.readAllBytes(file)).equals(output.getValue())) {
                    return false;
                }
            } catch (IOException unreadable) {
                return false;
            }
        }
        return true;
    }

    static BuildState of(String fingerprint, Map<Path, byte[]> files) {
        Map<Path, String> outputs = new TreeMap<>();
        files.forEach((path, bytes) -> outputs.put(path, digest(bytes)));
        return new BuildState(fingerprint, outputs);
    }

    /** A digest of the parts in order, each length-prefixed so that no two lists of parts collide. */
    static String fingerprint(List<byte[]> parts) {
        MessageDigest sha = sha256();
        for (byte[] part : parts) {
            sha.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) ':');
            sha.update(part);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static String digest(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
