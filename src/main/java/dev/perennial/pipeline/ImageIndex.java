package dev.perennial.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cached embeddings of a folder of images for one model, in {@code FOLDER/.perennial-index/MODEL.json}: for each
 * image its path in the folder, the SHA-256 of its bytes and its normalised embedding (float32 little-endian,
 * base64). An entry is reused only while the file's hash is unchanged, so an edited, added or removed image is
 * re-embedded or dropped on the next search; the file is written atomically. This class owns the format.
 *
 * @param model   the model's fingerprint ({@link ModelFolders#fingerprint}); another model's index is not read
 * @param entries the images, sorted by path
 */
record ImageIndex(String model, int dimension, List<Entry> entries) {

    static final String FOLDER = ".perennial-index";
    static final String FORMAT = "perennial-image-index/1";
    /** The files indexed, by extension (the formats the image package decodes). */
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "webp", "bmp");

    record Entry(String file, String sha256, float[] embedding) {
    }

    /** The JSON form. */
    private record Stored(String format, String model, int dimension, List<StoredEntry> images) {
    }

    private record StoredEntry(String file, String sha256, String embedding) {
    }

    static Path location(Path folder, String model) {
        return folder.resolve(FOLDER).resolve(model.substring(0, 16) + ".json");
    }

    /** The index stored for {@code model}, or an empty one when there is none or it cannot be read. */
    static ImageIndex read(Path folder, String model, int dimension) {
        Path file = location(folder, model);
        if (Files.isRegularFile(file)) {
            try {
                Stored stored = Json.MAPPER.readValue(file.toFile(), Stored.class);
                if (FORMAT.equals(stored.format()) && model.equals(stored.model())
                        && stored.dimension() == dimension) {
                    List<Entry> entries = new ArrayList<>();
                    for (StoredEntry e : stored.images()) {
                        entries.add(new Entry(e.file(), e.sha256(), Outputs.Embedding.fromBase64(e.embedding(), dimension)));
                    }
                    return new ImageIndex(model, dimension, entries);
                }
            } catch (IOException | IllegalArgumentException e) {
                // a damaged index is rebuilt: it is a cache
            }
        }
        return new ImageIndex(model, dimension, List.of());
    }

    void write(Path folder) {
        List<StoredEntry> images = entries.stream().map(e -> new StoredEntry(e.file(), e.sha256(),
                Outputs.Embedding.base64(e.embedding()))).toList();
        byte[] bytes;
        try {
            bytes = Json.LINE.writeValueAsBytes(new Stored(FORMAT, model, dimension, images));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Path file = location(folder, model);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UserError(file.getParent() + ": cannot create the index folder (" + e.getMessage() + ")", e);
        }
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The image files of {@code folder} (recursively, hidden ones skipped), by path relative to it. */
    static List<Path> images(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UserError(folder + ": no such folder of images");
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(folder::relativize)
                    .filter(p -> {
                        for (Path part : p) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(p -> EXTENSIONS.contains(extension(p))).sorted().toList();
        } catch (IOException e) {
            throw new UserError(folder + ": cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
