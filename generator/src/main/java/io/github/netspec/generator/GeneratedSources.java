package io.github.netspec.generator;

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
 * reader sees half a file), and {@link #sync} removes the .java files no spec produces any more.
 * Nothing else in the folder, and nothing outside it, is touched.
 */
public final class GeneratedSources {

    /** What a sync did, relative paths under the output folder. */
    public record Report(List<Path> written, List<Path> unchanged, List<Path> removed) {}

    private GeneratedSources() {}

    /**
     * Makes {@code outputRoot} hold exactly {@code files}: writes what changed and removes the .java
     * files nothing generates any more. For a folder the generator owns, such as the plugin's.
     *
     * @param files content by path relative to {@code outputRoot}
     */
    public static Report sync(Path outputRoot, Map<Path, byte[]> files) throws IOException {
        Report report = update(outputRoot, files);
        return new Report(report.written(), report.unchanged(), removeStale(outputRoot, files.keySet()));
    }

    /**
     * Writes what changed of {@code files} and removes nothing: for a folder shared with other sources,
     * such as the one a user names on the command line.
     */
    public static Report update(Path outputRoot, Map<Path, byte[]> files) throws IOException {
        List<Path> written = new ArrayList<>();
        List<Path> unchanged = new ArrayList<>();
        for (Map.Entry<Path, byte[]> file : files.entrySet()) {
            Path target = outputRoot.resolve(file.getKey()).normalize();
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), file.getValue())) {
                unchanged.add(file.getKey());
            } else {
                writeAtomically(target, file.getValue());
                written.add(file.getKey());
            }
        }
        return new Report(written, unchanged, List.of());
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

    private static List<Path> removeStale(Path outputRoot, Set<Path> relativePaths) throws IOException {
        if (!Files.isDirectory(outputRoot)) {
            return List.of();
        }
        Set<Path> expected = new HashSet<>();
        relativePaths.forEach(p -> expected.add(outputRoot.resolve(p).normalize()));
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
    public static String folderPackage(Path relativeSpec) {
        Path folder = relativeSpec.getParent();
        if (folder == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        folder.forEach(part -> parts.add(part.toString()));
        return String.join(".", parts);
    }
}
