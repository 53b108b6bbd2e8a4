package dev.perennial.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Hashing;
import dev.perennial.progress.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Downloads a model repository into the huggingface_hub cache: each file, under its blob's lock in
 * {@code .locks/}, into {@code blobs/ETAG.incomplete} (resumed with a Range request when a previous try or command
 * left one, retried when the transfer breaks off), checked for size and, for LFS files, SHA-256 against the Hub's
 * X-Linked-Etag, renamed to {@code blobs/ETAG} and linked from {@code snapshots/COMMIT/}. A file that fails its
 * check is deleted and nothing of it reaches the snapshot.
 */
public final class Downloader {

    /**
     * The files Perennial needs from a model repository, when no --include is given: a causal LM's, and what the
     * pipelines read besides (the image processor's settings, sentence-transformers' modules and pooling).
     */
    public static final List<String> DEFAULT_INCLUDE = List.of("config.json", "*.safetensors",
            "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json", "README.md", "preprocessor_config.json", "modules.json",
            "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json");

    private final HubClient client;
    private final HubCache cache;
    private final ResumingTransfer transfer;
    private final boolean showProgress;

    public Downloader(HubClient client, boolean showProgress) {
        this.client = client;
        this.cache = new HubCache(client.settings().cache());
        this.transfer = new ResumingTransfer(client);
        this.showProgress = showProgress;
    }

    /** Downloads the files matching {@code include} and returns the snapshot folder. */
    public Path download(String repo, String revision, List<String> include) {
        JsonNode info = client.info(repo, revision);
        String commit = info.path("sha").asText();
        List<String> files = new ArrayList<>();
        Predicate<String> included = Globs.anyOf(include);
        for (JsonNode sibling : info.path("siblings")) {
            String name = sibling.path("rfilename").asText();
            if (included.test(name)) {
                files.add(name);
            }
        }
        if (files.isEmpty()) {
            throw new UserError(repo + "@" + revision + ": no file matches " + include + "; see 'perennial hub info "
                    + repo + "'");
        }
        for (String file : files) {
            downloadFile(repo, revision, file);
        }
        try {
            cache.writeRef(repo, revision, commit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cache.snapshot(repo, commit);
    }

    /** One file into the cache; returns its snapshot path (empty when the Hub says it does not exist). */
    public Optional<Path> downloadFile(String repo, String revision, String file) {
        Optional<HubClient.FileMetadata> found = client.metadata(repo, revision, file);
        try {
            if (found.isEmpty()) {
                String commit = cache.commit(repo, revision).orElse(revision);
                Path marker = cache.repo(repo).resolve(".no_exist").resolve(commit).resolve(file);
                Files.createDirectories(marker.getParent());
                Files.writeString(marker, "");
                return Optional.empty();
            }
            HubClient.FileMetadata meta = found.get();
            Path blob = cache.blob(repo, meta.etag());
            Files.createDirectories(blob.getParent());
            // Under the lock, as huggingface_hub's hf_hub_download: another download of this blob may have just
            // finished it, and the snapshot link is replaced by one download at a time.
            try (BlobLock _ = BlobLock.acquire(cache.lock(repo, meta.etag()))) {
                if (!isComplete(blob, meta)) {
                    fetch(repo, revision, file, meta, blob);
                }
                cache.link(repo, meta.commit(), file, meta.etag());
            }
            cache.writeRef(repo, revision, meta.commit());
            return Optional.of(cache.snapshot(repo, meta.commit()).resolve(file));
        } catch (IOException e) {
            throw new UserError("could not write the Hub cache under " + cache.root() + ": " + e.getMessage(), e);
        }
    }

    private static boolean isComplete(Path blob, HubClient.FileMetadata meta) throws IOException {
        return Files.isRegularFile(blob) && (meta.size() < 0 || Files.size(blob) == meta.size());
    }

    private void fetch(String repo, String revision, String file, HubClient.FileMetadata meta, Path blob)
            throws IOException {
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        if (meta.size() >= 0 && Files.exists(incomplete) && Files.size(incomplete) > meta.size()) {
            Files.delete(incomplete);
        }
        Progress progress = showProgress ? Progress.console(file, "B", meta.size()) : Progress.silent();
        transfer.into(incomplete, repo, revision, file, meta.size(), progress);
        long size = Files.size(incomplete);
        verify(repo, file, meta, incomplete, size);
        Files.move(incomplete, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress.finish(String.format("%s: %,d bytes", file, size));
    }

    /** The size, and for LFS files the SHA-256, against the Hub's metadata; a mismatched file is deleted. */
    private static void verify(String repo, String file, HubClient.FileMetadata meta, Path incomplete, long size)
            throws IOException {
        if (meta.size() >= 0 && size != meta.size()) {
            throw new UserError(repo + "/" + file + ": the transfer stopped at " + size + " of " + meta.size()
                    + " bytes; run the download again to resume it");
        }
        if (meta.lfs() && meta.etag().matches("[0-9a-f]{64}")) {
            String sha = Hashing.sha256(incomplete);
            if (!sha.equals(meta.etag())) {
                Files.delete(incomplete);
                throw new UserError(repo + "/" + file + ": checksum mismatch (SHA-256 " + sha + ", the Hub says "
                        + meta.etag() + "); the file was discarded, nothing was added to the cache");
            }
        }
    }
}
