package dev.perennial.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The hidden activations of Hugging Face's ACT2FN that the supported models use. */
public enum Activation {
    GELU("gelu"),
    GELU_TANH("gelu_new", "gelu_pytorch_tanh", "gelu_fast"),
    SILU("silu", "swish"),
    RELU("relu"),
    /** CLIP's {@code x · sigmoid(1.702 x)} (transformers' QuickGELUActivation). */
    QUICK_GELU("quick_gelu");

    private final List<String> names;

    Activation(String... names) {
        this.names = List.of(names);
    }

    /** The name config.json's hidden_act gives it (the first of its names, as transformers' ACT2FN spells it). */
    public String configName() {
        return names.getFirst();
    }

    public static Optional<Activation> byName(String name) {
        return Arrays.stream(values()).filter(a -> a.names.contains(name)).findFirst();
    }

    public static List<String> allNames() {
        return Arrays.stream(values()).flatMap(a -> a.names.stream()).toList();
    }

    Tensor apply(Tensor x) {
        return switch (this) {
            case GELU -> torch.gelu(x);
            case GELU_TANH -> torch.gelu(x, "tanh");
            case SILU -> torch.silu(x);
            case RELU -> torch.relu(x);
            case QUICK_GELU -> x.mul(torch.sigmoid(x.mul(new Scalar(1.702))));
        };
    }
}
