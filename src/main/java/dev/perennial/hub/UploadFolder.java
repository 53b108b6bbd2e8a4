package dev.perennial.hub;

import dev.perennial.UserError;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The files of a folder that an upload commits: every regular file below it (symbolic links followed, as in a Hub
 * cache snapshot), except hidden ones and those under hidden folders ({@code .git}, {@code .cache}, the temporary
 * {@code .NAME.tmp} and {@code .NAME.partial} of Perennial's atomic writes) and {@code *.partial} and
 * {@code *.incomplete} leftovers; then only those matching --include, if given, and none matching --exclude.
 */
public final class UploadFolder {

    private UploadFolder() {
    }

    public static List<UploadFile> list(Path folder, List<String> include, List<String> exclude) {
        if (!Files.isDirectory(folder)) {
            throw new UserError(folder + ": not a folder; give the folder to upload (a model folder, a run's final/)");
        }
        Predicate<String> included = include.isEmpty() ? name -> true : Globs.anyOf(include);
        Predicate<String> excluded = Globs.anyOf(exclude);
        List<UploadFile> files;
        try (Stream<Path> walk = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
            files = walk.filter(Files::isRegularFile).sorted()
                    .map(f -> new UploadFile(repoPath(folder, f), f, size(f)))
                    .filter(f -> !skipped(f.path()) && included.test(f.path()) && !excluded.test(f.path()))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(folder + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new UserError(folder + ": no file to upload (hidden files, *.partial and *.incomplete are skipped"
                    + (include.isEmpty() && exclude.isEmpty() ? "" : ", and --include/--exclude chose none") + ")");
        }
        return files;
    }

    private static String repoPath(Path folder, Path file) {
        return folder.relativize(file).toString().replace(File.separatorChar, '/');
    }

    static boolean skipped(String path) {
        return path.startsWith(".") || path.contains("/.") || path.endsWith(".partial") || path.endsWith(".incomplete");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
