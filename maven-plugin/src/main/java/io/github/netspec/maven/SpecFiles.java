package io.github.netspec.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the specs under a source folder with Ant-style include and exclude patterns, as Maven users
 * write them elsewhere ({@code **}{@code /*.net}, {@code legacy/**}).
 */
final class SpecFiles {

    static final List<String> DEFAULT_INCLUDES = List.of("**/*.net");

    private SpecFiles() {}

    /** The matching files, relative to {@code root} with '/' separators, sorted; none if the folder is missing. */
    static List<String> find(Path root, List<String> includes, List<String> excludes) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Pattern> included = (includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : includes).stream()
                .map(SpecFiles::antPattern).toList();
        List<Pattern> excluded = (excludes == null ? List.<String>of() : excludes).stream().map(SpecFiles::antPattern).toList();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> root.relativize(file).toString().replace(File.separatorChar, '/'))
                    .filter(path -> matchesAny(included, path) && !matchesAny(excluded, path))
                    .sorted()
                    .toList();
        }
    }

    private static boolean matchesAny(List<Pattern> patterns, String path) {
        return patterns.stream().anyMatch(p -> p.matcher(path).matches());
    }

    /** {@code **}{@code /} is any number of folders (even none), {@code *} any name part, {@code ?} one character. */
    static Pattern antPattern(String pattern) {
        String normalized = pattern.replace('\\', '/');
        if (normalized.endsWith("/")) {
            normalized += "**"; // Ant: a trailing slash means everything below
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (normalized.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (normalized.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
