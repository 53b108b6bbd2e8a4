package dev.perennial.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * huggingface_hub's cache layout, so that a model downloaded by either tool is found by both:
 * {@code models--ORG--NAME/blobs/ETAG}, {@code snapshots/COMMIT/FILE} (a relative symlink to the blob),
 * {@code refs/REVISION} (the commit), and {@code .no_exist/COMMIT/FILE} for files known to be absent; and the
 * lock files {@code .locks/models--ORG--NAME/ETAG.lock} next to the repositories.
 */
public record HubCache(Path root) {

    public Path repo(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    public Path blob(String repoId, String etag) {
        return repo(repoId).resolve("blobs").resolve(etag);
    }

    /** The file locked while the blob {@code etag} is downloaded, where huggingface_hub puts it. */
    public Path lock(String repoId, String etag) {
        return root.resolve(".locks").resolve(repo(repoId).getFileName()).resolve(etag + ".lock");
    }

    public Path snapshot(String repoId, String commit) {
        return repo(repoId).resolve("snapshots").resolve(commit);
    }

    public Path ref(String repoId, String revision) {
        return repo(repoId).resolve("refs").resolve(revision);
    }

    /**
     * How people name the model that {@code dir}, a snapshot folder of this cache, holds: {@code ORG/NAME} when
     * {@code refs/main} points at it, else {@code ORG/NAME@COMMIT}; empty for any other folder. Repository ids
     * cannot hold "--" (huggingface_hub's validate_repo_id), so the folder name maps back to one id.
     */
    public Optional<String> modelName(Path dir) {
        Path relative = root.relativize(dir);
        if (relative.getNameCount() != 3 || !relative.getName(1).toString().equals("snapshots")
                || !relative.getName(0).toString().startsWith("models--")) {
            return Optional.empty();
        }
        String repoId = relative.getName(0).toString().substring("models--".length()).replace("--", "/");
        String commit = relative.getName(2).toString();
        return Optional.of(commit(repoId, "main").filter(commit::equals).isPresent() ? repoId
                : repoId + "@" + commit);
    }

    /** The commit a revision (branch, tag or commit hash) points to in the cache, if known. */
    public Optional<String> commit(String repoId, String revision) {
        if (revision.matches("[0-9a-f]{40}") && Files.isDirectory(snapshot(repoId, revision))) {
            return Optional.of(revision);
        }
        Path ref = ref(repoId, revision);
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Records that {@code revision} points to {@code commit}. */
    void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = ref(repoId, revision);
        Files.createDirectories(ref.getParent());
        Path tmp = Files.createTempFile(ref.getParent(), ref.getFileName() + ".", ".tmp"); // one per writer
        Files.writeString(tmp, commit);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Links snapshot/COMMIT/FILE to its blob with a relative symlink, as huggingface_hub does. */
    void link(String repoId, String commit, String file, String etag) throws IOException {
        Path target = snapshot(repoId, commit).resolve(file);
        Files.createDirectories(target.getParent());
        Path relative = target.getParent().relativize(blob(repoId, etag));
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, relative);
    }
}
