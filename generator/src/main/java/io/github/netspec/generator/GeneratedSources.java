package io.github.netspec.generator;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Brings a folder of generated files in line with what the generator produced, touching as little as
 * possible: a file whose bytes are unchanged keeps its mtime (so the compiler's incremental build stays
 * incremental), a changed file is replaced through a temporary file and an atomic rename (so no reader
 * ever sees half a file), and {@link #sync} removes the files an earlier run generated that nothing
 * generates any more. Files this generator did not write are never touched, wherever they are.
 */
public final class GeneratedSources {

    /** What a sync did, relative paths under the output folder. */
    public record Report(List<Path> written, List<Path> unchanged, List<Path> removed) {}

    private GeneratedSources() {}

    /**
     * Writes what changed of {@code files}, then removes each of {@code previouslyGenerated} that is no
     * longer among them (and the folders that removal leaves empty).
     *
     * @param files content by path relative to {@code outputRoot}
     * @param previouslyGenerated relative paths the last run generated, from its record of them
     */
    public static Report sync(Path outputRoot, Map<Path, byte[]> files, Collection<Path> previouslyGenerated)
            throws IOException {
        Report report = update(outputRoot, files);
        List<Path> removed = new ArrayList<>();
        for (Path stale : new TreeSet<>(previouslyGenerated)) {
            if (!files.containsKey(stale) && Files.deleteIfExists(outputRoot.resolve(stale))) {
                removed.add(stale);
                removeEmptyFolders(outputRoot, outputRoot.resolve(stale).getParent());
            }
        }
        return new Report(report.written(), report.unchanged(), removed);
    }

    /** Writes what changed of {@code files} and removes nothing. */
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

    /**
     * Replaces {@code target} through a temporary file in the same folder and an atomic rename. The file
     * gets rw-r--r--, as a plain write under the usual umask would, not the owner-only mode of a temporary file.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(temporary, bytes);
            if (Files.getFileStore(temporary).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Removes {@code folder} and its parents up to (not including) the root, while they are empty. */
    private static void removeEmptyFolders(Path root, Path folder) throws IOException {
        Path normalizedRoot = root.normalize();
        for (Path current = folder.normalize(); current != null && current.startsWith(normalizedRoot)
                && !current.equals(normalizedRoot); current = current.getParent()) {
            try {
                Files.deleteIfExists(current);
            } catch (DirectoryNotEmptyException stillUsed) {
                return;
            }
        }
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
