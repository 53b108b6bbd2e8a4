package dev.perennial.hub;

import dev.perennial.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves what a user wrote where a model is accepted: a local folder as it is, or {@code ORG/NAME[@REVISION]}
 * through the huggingface_hub cache, downloading what is missing unless HF_HUB_OFFLINE is set.
 */
public final class HubModels {

    private static final Pattern REPO = Pattern.compile("([A-Za-z0-9][\\w.-]*/[\\w.-]+)(?:@([\\w./-]+))?");

    private HubModels() {
    }

    /** {@code ORG/NAME[@REVISION]} split, if {@code spec} has that form. */
    public static Optional<String[]> parse(String spec) {
        Matcher m = REPO.matcher(spec);
        return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2) == null ? "main" : m.group(2)})
                : Optional.empty();
    }

    public static Path resolve(String spec, Path base, HubSettings settings, boolean showProgress) {
        Path local = base.resolve(spec);
        Optional<String[]> repo = parse(spec);
        if (Files.exists(local) || repo.isEmpty()) {
            return local;
        }
        String id = repo.get()[0];
        String revision = repo.get()[1];
        HubCache cache = new HubCache(settings.cache());
        Optional<Path> cached = cache.commit(id, revision).map(c -> cache.snapshot(id, c))
                .filter(s -> Files.isRegularFile(s.resolve("config.json")));
        if (cached.isPresent() && (settings.offline() || isComplete(cached.get()))) {
            return cached.get();
        }
        if (settings.offline()) {
            throw new UserError(spec + ": not in the Hub cache " + settings.cache() + " and HF_HUB_OFFLINE is set; "
                    + "download it with 'perennial hub download " + id + "' while online");
        }
        return new Downloader(new HubClient(settings), showProgress).download(id, revision, Downloader.DEFAULT_INCLUDE);
    }

    /**
     * The {@code config.json} that {@code spec} names: the file itself, the one in a local folder, or, for
     * {@code ORG/NAME[@REVISION]}, the one in the Hub cache, downloading that file alone when it is missing (unless
     * HF_HUB_OFFLINE is set): enough to plan for a model without its weights.
     */
    public static Path resolveConfig(String spec, Path base, HubSettings settings) {
        Path local = base.resolve(spec);
        if (Files.isDirectory(local)) {
            return local.resolve("config.json");
        }
        Optional<String[]> repo = parse(spec);
        if (Files.exists(local) || repo.isEmpty()) {
            if (!Files.exists(local)) {
                throw new UserError(spec + ": no such file or folder, and not ORG/NAME; give a model folder, its "
                        + "config.json or a Hugging Face model id");
            }
            return local;
        }
        String id = repo.get()[0];
        String revision = repo.get()[1];
        HubCache cache = new HubCache(settings.cache());
        Optional<Path> cached = cache.commit(id, revision).map(c -> cache.snapshot(id, c).resolve("config.json"))
                .filter(Files::isRegularFile);
        if (cached.isPresent()) {
            return cached.get();
        }
        if (settings.offline()) {
            throw new UserError(spec + ": no config.json in the Hub cache " + settings.cache() + " and HF_HUB_OFFLINE "
                    + "is set; download it with 'perennial hub download " + id + " --include config.json' while online");
        }
        return new Downloader(new HubClient(settings), false).downloadFile(id, revision, "config.json")
                .orElseThrow(() -> new UserError(id + "@" + revision + ": the repository has no config.json"));
    }

    private static boolean isComplete(Path snapshot) {
        return Files.isRegularFile(snapshot.resolve("tokenizer.json"))
                && (Files.exists(snapshot.resolve("model.safetensors"))
                || Files.exists(snapshot.resolve("model.safetensors.index.json")));
    }
}
