package org.pretrain4j.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Opens corpora from a file, a directory (all text files below it, sorted) or a glob. */
public final class Corpora {
    private Corpora() {
    }

    /**
     * Resolves {@code spec} to a corpus: a file; a directory, whose non-hidden files ending in
     * .txt, .text, .jsonl, .json, .ndjson, .tsv or .gz (or without extension) are read in sorted
     * order; or a glob such as {@code data/*.txt.gz} (the part before the first wildcard is the
     * folder searched). A missing path or a folder without text fails naming it.
     */
    public static FileCorpus open(String spec, CorpusOptions options) {
        requireNonNull(spec, "spec is null");
        requireNonNull(options, "options is null");
        return new FileCorpus(spec, resolve(spec), options);
    }

    static List<Path> resolve(String spec) {
        int wildcard = firstWildcard(spec);
        if (wildcard >= 0 && !Files.exists(Paths.get(spec))) {
            int slash = spec.lastIndexOf('/', wildcard);
            Path base = slash < 0 ? Paths.get(".") : Paths.get(spec.substring(0, slash + 1));
            if (!Files.isDirectory(base)) {
                throw new CorpusException("corpus glob " + spec + ": folder " + base + " not found");
            }
            String pattern = slash < 0 ? spec : spec.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            List<Path> files = walk(base, p -> matcher.matches(base.relativize(p)));
            if (files.isEmpty()) {
                throw new CorpusException("corpus glob " + spec + " matches no files");
            }
            return files;
        }
        Path path = Paths.get(spec);
        if (Files.isDirectory(path)) {
            List<Path> files = walk(path, Corpora::looksLikeText);
            if (files.isEmpty()) {
                throw new CorpusException("corpus folder " + path + " contains no text files (*.txt, *.text, *.jsonl, *.json, *.tsv, *.gz)");
            }
            return files;
        }
        if (!Files.exists(path)) {
            throw new CorpusException("corpus file not found: " + path);
        }
        return List.of(path);
    }

    private static int firstWildcard(String spec) {
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }

    private static List<Path> walk(Path base, java.util.function.Predicate<Path> filter) {
        try (Stream<Path> s = Files.walk(base)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(filter).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new CorpusException("cannot list corpus folder " + base + ": " + e.getMessage(), e);
        }
    }

    static boolean looksLikeText(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return true;
        }
        String ext = name.substring(dot + 1);
        return List.of("txt", "text", "jsonl", "json", "ndjson", "tsv").contains(ext);
    }
}
