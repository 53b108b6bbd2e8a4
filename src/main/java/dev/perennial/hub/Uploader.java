package dev.perennial.hub;

import dev.perennial.UserError;
import dev.perennial.io.Hashing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Uploads a folder to a model repository on the Hub as one commit, in the steps of huggingface_hub's
 * {@code hf upload} (cli/upload.py) and {@code upload_folder}/{@code create_commit} (hf_api.py): create the
 * repository if asked, create a missing branch from main, ask the Hub which files go to LFS, store those it lacks
 * ({@link GitLfs}), then commit every file: regular ones inline, LFS ones by SHA-256.
 */
public final class Uploader {

    public static final String DEFAULT_MESSAGE = "Upload folder with Perennial";

    /** What to upload where. {@code include} and {@code exclude} are globs over the folder's paths. */
    public record Request(Path folder, String repo, String revision, boolean create, boolean isPrivate,
                          String message, List<String> include, List<String> exclude) {
    }

    /**
     * The commit made (or, when no file changed, the branch's head), how many files it holds, how many were left
     * out as unchanged, how many went through LFS and how many of those were sent now.
     */
    public record Result(String commitUrl, String commitOid, int files, int unchanged, int lfsFiles, int lfsUploaded,
                         boolean repoCreated, boolean branchCreated) {
    }

    private final HubClient client;
    private final HubWrites writes;
    private final GitLfs lfs;

    public Uploader(HubClient client, boolean showProgress) {
        this.client = client;
        this.writes = new HubWrites(client);
        this.lfs = new GitLfs(client, showProgress);
    }

    public Result upload(Request request) {
        if (request.message().isBlank()) {
            throw new UserError("--message is empty; give the commit a message");
        }
        List<UploadFile> files = UploadFolder.list(request.folder(), request.include(), request.exclude());
        if (client.settings().token().isEmpty()) {
            throw new UserError("uploading needs a Hub token with write access: set HF_TOKEN, or put one in "
                    + "HF_HOME/token (https://huggingface.co/settings/tokens)");
        }
        String repo = request.repo();
        boolean created = request.create() && writes.createRepo(repo, request.isPrivate());
        // cli/upload.py creates a --revision that does not exist yet, from main.
        boolean branched = !request.revision().equals("main") && writes.head(repo, request.revision()).isEmpty();
        if (branched) {
            writes.createBranch(repo, request.revision());
        }
        Map<String, HubWrites.UploadMode> modes = writes.preupload(repo, request.revision(), files);
        List<UploadFile> kept = files.stream().filter(f -> !modes.get(f.path()).ignored()).toList();
        if (kept.isEmpty()) {
            throw new UserError(repo + ": the repository's .gitignore ignores every file to upload; nothing to commit");
        }
        List<GitLfs.LfsObject> objects = new ArrayList<>();
        CommitPayload payload = new CommitPayload(request.message());
        int changed = 0;
        for (UploadFile file : kept) {
            HubWrites.UploadMode mode = modes.get(file.path());
            String oid = mode.lfs() ? Hashing.sha256(file.source()) : file.gitOid();
            if (oid.equals(mode.remoteOid())) {
                continue; // the same file is there: create_commit leaves it out ("no-op operations", hf_api.py)
            }
            changed++;
            if (mode.lfs()) {
                objects.add(new GitLfs.LfsObject(file, oid));
                payload.lfs(file, oid);
            } else {
                payload.regular(file);
            }
        }
        int unchanged = kept.size() - changed;
        if (changed == 0) {
            // as create_commit: no empty commit; the answer is the branch's head
            String head = writes.head(repo, request.revision()).orElseThrow();
            return new Result(commitUrl(repo, head), head, 0, unchanged, 0, 0, created, branched);
        }
        int uploaded = lfs.upload(repo, request.revision(), objects);
        HubWrites.Commit commit = writes.commit(repo, request.revision(), payload.bytes());
        return new Result(commit.url(), commit.oid(), changed, unchanged, objects.size(), uploaded, created, branched);
    }

    private String commitUrl(String repo, String commit) {
        return client.settings().endpoint() + "/" + repo + "/commit/" + commit;
    }
}
