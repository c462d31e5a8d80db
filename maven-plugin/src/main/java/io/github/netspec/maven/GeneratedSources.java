package io.github.netspec.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Brings a folder of generated .java files in line with what the generator produced, touching as little
 * as possible: a file whose bytes are unchanged keeps its mtime (so the compiler's incremental build
 * stays incremental), a changed file is replaced through a temporary file and an atomic rename (so no
 * reader sees half a file), and .java files no spec produces any more are removed. Nothing else in the
 * folder, and nothing outside it, is touched.
 */
final class GeneratedSources {

    /** What a sync did, relative paths under the output folder. */
    record Report(List<Path> written, List<Path> unchanged, List<Path> removed) {}

    private GeneratedSources() {}

    /** @param files content by path relative to {@code outputRoot} */
    static Report sync(Path outputRoot, Map<Path, byte[]> files) throws IOException {
        List<Path> written = new ArrayList<>();
        List<Path> unchanged = new ArrayList<>();
        Set<Path> expected = new HashSet<>();
        for (Map.Entry<Path, byte[]> file : files.entrySet()) {
            Path target = outputRoot.resolve(file.getKey()).normalize();
            expected.add(target);
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), file.getValue())) {
                unchanged.add(file.getKey());
            } else {
                writeAtomically(target, file.getValue());
                written.add(file.getKey());
            }
        }
        return new Report(written, unchanged, removeStale(outputRoot, expected));
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static List<Path> removeStale(Path outputRoot, Set<Path> expected) throws IOException {
        if (!Files.isDirectory(outputRoot)) {
            return List.of();
        }
        List<Path> stale;
        try (Stream<Path> files = Files.walk(outputRoot)) {
            stale = files.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p) && !expected.contains(p.normalize()))
                    .sorted()
                    .toList();
        }
        List<Path> removed = new ArrayList<>();
        for (Path file : stale) {
            Files.delete(file);
            removed.add(outputRoot.relativize(file));
        }
        return removed;
    }

    /** The package a spec's folder gives it: {@code com/acme/mnist.net} is in {@code com.acme}. */
    static String folderPackage(Path relativeSpec) {
        Path folder = relativeSpec.getParent();
        if (folder == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        folder.forEach(part -> parts.add(part.toString()));
        return String.join(".", parts);
    }
}
