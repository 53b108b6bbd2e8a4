package dev.perennial.data;

import dev.perennial.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Turns what a user gave ({@code --input} files, folders and globs) into a sorted list of readable inputs. */
public final class InputFiles {

    private InputFiles() {
    }

    public static List<Path> expand(List<String> specs) {
        Set<Path> files = new LinkedHashSet<>();
        for (String spec : specs) {
            List<Path> found = expandOne(spec);
            if (found.isEmpty()) {
                throw new UserError("--input " + spec + ": matches no " + String.join(", ", InputFormat.extensions())
                        + " file; check the path");
            }
            files.addAll(found);
        }
        return List.copyOf(files);
    }

    private static List<Path> expandOne(String spec) {
        Path path = Path.of(spec);
        if (Files.isRegularFile(path)) {
            InputFormat.of(path); // refuses an unsupported extension, naming it
            return List.of(path);
        }
        if (Files.isDirectory(path)) {
            return walk(path, p -> InputFormat.isSupported(p));
        }
        if (spec.contains("*") || spec.contains("?") || spec.contains("[")) {
            Path base = globBase(spec);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + spec);
            return Files.isDirectory(base) ? walk(base, p -> matcher.matches(p) && InputFormat.isSupported(p)) : List.of();
        }
        throw new UserError("--input " + spec + ": no such file or folder");
    }

    /** The folder a glob starts in: its text up to the last '/' before the first wildcard. */
    private static Path globBase(String glob) {
        String fixed = glob.replaceAll("[*?\\[].*$", "");
        int slash = fixed.lastIndexOf('/');
        return slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : fixed.substring(0, slash));
    }

    private static List<Path> walk(Path root, Predicate<Path> keep) {
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> files = new ArrayList<>(paths.filter(Files::isRegularFile).filter(keep).toList());
            files.sort(null);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
