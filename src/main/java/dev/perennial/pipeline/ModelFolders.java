package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.Hashing;
import dev.perennial.model.ModelConfigs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where a pipeline's model comes from: a folder, or ORG/NAME[@REV] through the Hub cache; and what kind it is. */
final class ModelFolders {

    private ModelFolders() {
    }

    /** {@code model} as a folder: itself, or its Hub snapshot (downloaded unless HF_HUB_OFFLINE is set). */
    static Path resolve(String model) {
        Path dir = HubModels.resolve(model, Path.of(""), HubSettings.fromEnvironment(), true);
        if (!Files.isDirectory(dir)) {
            throw new UserError(model + ": no such model folder, and not a Hub name (write ORG/NAME[@REVISION])");
        }
        return dir;
    }

    /** config.json's model_type of {@code dir}. */
    static String modelType(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": no config.json; a Hugging Face model folder holds config.json, the "
                    + "safetensors weights and the tokenizer and processor files");
        }
        JsonNode type = ModelConfigs.readJson(file).path("model_type");
        if (!type.isTextual()) {
            throw new UserError(file + ": model_type is missing; config.json names the architecture with it");
        }
        return type.asText();
    }

    /**
     * What identifies a model's outputs for a cache: the SHA-256 of its config files, and of each weights file's
     * name, size and modification time (hashing gigabytes of weights on every start would cost seconds).
     */
    static String fingerprint(Path dir) {
        StringBuilder what = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json")) {
                    what.append(name).append(' ').append(Hashing.sha256(file)).append('\n');
                } else if (name.endsWith(".safetensors")) {
                    what.append(name).append(' ').append(Files.size(file)).append(' ')
                            .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UserError(dir + ": cannot be listed (" + e.getMessage() + ")", e);
        }
        return Hashing.sha256(what.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code dir}'s preprocessor_config.json, which must be there: {@code family}'s image processor settings. */
    static Path preprocessorConfig(Path dir, String family) {
        Path file = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": no preprocessor_config.json; " + family + "'s image processor settings are in "
                    + "it (download it with the model)");
        }
        return file;
    }

    /** Refuses a model whose type the task does not run, naming the types it does. */
    static void requireRuns(Task<?, ?> task, Path dir, String modelType) {
        if (!task.modelTypes().contains(modelType)) {
            List<Task<?, ?>> others = Task.forModelType(modelType);
            throw new UserError(dir + ": model_type '" + modelType + "' cannot run " + task.name() + "; Perennial runs "
                    + "it with " + String.join(", ", task.modelTypes()) + (others.isEmpty() ? ""
                    : " (this model can run " + String.join(", ", others.stream().map(Task::name).toList()) + ")"));
        }
    }
}
