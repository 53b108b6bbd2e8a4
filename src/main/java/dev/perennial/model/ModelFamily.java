package dev.perennial.model;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The model families Perennial implements, each with the {@code model_type}s of config.json it runs and the name
 * commands use for it ({@code perennial bench --arch}).
 */
public enum ModelFamily {

    /** GPT-NeoX / Pythia, the paper's architecture. */
    GPT_NEOX("gpt-neox", List.of("gpt_neox")),
    /** Llama 2 and 3, and the models that differ from it only in settings. */
    LLAMA("llama", List.of("llama", "mistral", "qwen2"));

    private final String commandName;
    private final List<String> modelTypes;

    ModelFamily(String commandName, List<String> modelTypes) {
        this.commandName = commandName;
        this.modelTypes = modelTypes;
    }

    @JsonValue
    public String commandName() {
        return commandName;
    }

    /** The config.json {@code model_type}s of this family; the first is the one Perennial writes. */
    public List<String> modelTypes() {
        return modelTypes;
    }

    /** Every supported {@code model_type}, for messages. */
    public static List<String> supportedModelTypes() {
        return Arrays.stream(values()).flatMap(f -> f.modelTypes.stream()).toList();
    }

    public static Optional<ModelFamily> ofModelType(String modelType) {
        return Arrays.stream(values()).filter(f -> f.modelTypes.contains(modelType)).findFirst();
    }

    public static Optional<ModelFamily> ofCommandName(String name) {
        return Arrays.stream(values()).filter(f -> f.commandName.equals(name)).findFirst();
    }

    /** The command names, for messages: "gpt-neox, llama". */
    public static String commandNames() {
        return String.join(", ", Arrays.stream(values()).map(ModelFamily::commandName).toList());
    }
}
