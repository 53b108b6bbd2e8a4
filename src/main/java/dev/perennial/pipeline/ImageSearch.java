package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.io.Hashing;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A folder of images, embedded by CLIP or BLIP retrieval into a cached {@link ImageIndex}, ranked for text queries
 * by cosine similarity.
 */
final class ImageSearch {

    private final ImageTextEmbedder embedder;
    private final ImageIndex index;
    private final List<String> notes;

    private ImageSearch(ImageTextEmbedder embedder, ImageIndex index, List<String> notes) {
        this.embedder = embedder;
        this.index = index;
        this.notes = notes;
    }

    /**
     * The index of {@code folder} brought up to date: images whose bytes are unchanged keep their embeddings, the
     * others are embedded, removed ones dropped; an image that cannot be decoded is skipped and reported.
     */
    static ImageSearch open(ImageTextEmbedder embedder, Path folder) {
        String model = ModelFolders.fingerprint(embedder.dir());
        ImageIndex cached = ImageIndex.read(folder, model, embedder.dimension());
        Map<String, ImageIndex.Entry> byFile = new HashMap<>();
        cached.entries().forEach(e -> byFile.put(e.file(), e));
        List<ImageIndex.Entry> entries = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> newFiles = new ArrayList<>();
        List<String> newHashes = new ArrayList<>();
        List<RgbImage> newImages = new ArrayList<>();
        for (Path relative : ImageIndex.images(folder)) {
            String name = relative.toString().replace('\\', '/');
            Path file = folder.resolve(relative);
            String hash = Hashing.sha256(file);
            ImageIndex.Entry known = byFile.get(name);
            if (known != null && known.sha256().equals(hash)) {
                entries.add(known);
                continue;
            }
            try {
                newImages.add(ImageFiles.read(file));
                newFiles.add(name);
                newHashes.add(hash);
            } catch (UserError e) {
                skipped.add(e.getMessage());
            }
        }
        float[][] vectors = newImages.isEmpty() ? new float[0][] : embedder.imageEmbeddings(newImages);
        for (int i = 0; i < vectors.length; i++) {
            entries.add(new ImageIndex.Entry(newFiles.get(i), newHashes.get(i), vectors[i]));
        }
        entries.sort(Comparator.comparing(ImageIndex.Entry::file));
        ImageIndex index = new ImageIndex(model, embedder.dimension(), List.copyOf(entries));
        if (!entries.equals(cached.entries())) { // an image embedded now, or one gone
            index.write(folder);
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%s: %d images indexed (%d embedded now, %d from %s)", folder,
                entries.size(), vectors.length, entries.size() - vectors.length, ImageIndex.location(folder, model)));
        skipped.forEach(problem -> notes.add("skipped " + problem));
        return new ImageSearch(embedder, index, List.copyOf(notes));
    }

    /** How the index was refreshed, and a line for each image that could not be decoded. */
    List<String> notes() {
        return notes;
    }

    /** The {@code top} images most similar (cosine) to the query, best first. */
    Outputs.SearchHits search(Inputs.Query query) {
        float[] text = embedder.textEmbeddings(List.of(query.query()))[0];
        List<Outputs.SearchHit> hits = new ArrayList<>();
        for (ImageIndex.Entry e : index.entries()) {
            hits.add(new Outputs.SearchHit(e.file(), Vectors.dot(text, e.embedding())));
        }
        hits.sort(Comparator.comparingDouble(Outputs.SearchHit::score).reversed()
                .thenComparing(Outputs.SearchHit::file));
        return new Outputs.SearchHits(List.copyOf(hits.subList(0, Math.min(query.top(), hits.size()))));
    }
}
