package dev.perennial.hub;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.function.Predicate;

/** The --include and --exclude patterns of the hub commands: Java globs over paths inside a repository. */
final class Globs {

    private Globs() {
    }

    /** Whether a repository path ('/'-separated) matches any of {@code globs}. */
    static Predicate<String> anyOf(List<String> globs) {
        List<PathMatcher> matchers = globs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        return name -> matchers.stream().anyMatch(m -> m.matches(Path.of(name)));
    }
}
