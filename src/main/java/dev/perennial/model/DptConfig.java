package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A DPT-Hybrid config.json (model_type "dpt" with {@code is_hybrid: true}, transformers' DPTConfig, as
 * Intel/dpt-hybrid-midas): a BiT backbone ({@code backbone_config}), a ViT over its last feature map, and the neck
 * and depth head. Missing keys take DPTConfig's and BitConfig's defaults. What Intel/dpt-hybrid-midas does not use is
 * refused with the key named: a plain (non-hybrid) DPT, another readout than "project", batch norm in the fusion
 * blocks, the head's extra projection, a pre-activation or dilated BiT.
 *
 * @param bit                 the BiT backbone
 * @param hiddenSize          the ViT's width
 * @param outIndices          backbone_out_indices: the ViT layers whose outputs reach the neck (the last two are
 *                            used; the first two neck inputs are BiT's stage1 and stage2 maps)
 * @param reassembleFactors   per neck input: resize factor (only 1 and 0.5-style downsampling or whole upsampling)
 * @param neckHiddenSizes     per neck input: its channels after reassembling
 * @param featmapChannels     backbone_featmap_shape[1]: the channels the ViT's 1x1 projection reads
 * @param fusionBias          use_bias_in_fusion_residual (default: true, since there is no batch norm)
 */
public record DptConfig(Bit bit, int hiddenSize, int layers, int heads, int intermediateSize, Activation activation,
                        double layerNormEps, int imageSize, int patchSize, int numChannels, boolean qkvBias,
                        List<Integer> outIndices, List<Double> reassembleFactors, List<Integer> neckHiddenSizes,
                        List<Integer> neckIgnoreStages, int fusionHiddenSize, int featmapChannels, boolean fusionBias) {

    public static final String MODEL_TYPE = "dpt";

    /**
     * BitConfig for DPT-Hybrid: bottleneck layers, TF "SAME" padding, stages of {@code depths} layers whose out
     * channels are {@code channels} (make_div(hidden_sizes · width_factor)).
     *
     * @param dynamicPooling embedding_dynamic_padding: the stem's max pool pads as TF "SAME" does
     */
    public record Bit(int embeddingSize, List<Integer> depths, List<Integer> channels, int numGroups,
                      Activation activation, boolean dynamicPooling) {

        /** A stage's bottleneck width: make_div(out · 0.25). */
        public int mid(int stage) {
            return makeDiv(channels.get(stage) * 0.25);
        }

        /** The stride of a stage's first layer: 1, then 2 (BitEncoder._get_updated_hyperparameters). */
        public int stride(int stage) {
            return stage == 0 ? 1 : 2;
        }

        /** A stage's input channels. */
        public int in(int stage) {
            return stage == 0 ? embeddingSize : channels.get(stage - 1);
        }
    }

    /** modeling_bit.make_div: {@code value} rounded to a multiple of 8, at least 8 and at least 90% of it. */
    static int makeDiv(double value) {
        int divisor = 8;
        int v = Math.max(divisor, (int) (value + divisor / 2.0) / divisor * divisor);
        return v < 0.9 * value ? v + divisor : v;
    }

    /** Patches along the side of image_size, which position_embeddings were learned for. */
    public int grid() {
        return imageSize / patchSize;
    }

    public static DptConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    public static DptConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(MODEL_TYPE.equals(type), "model_type is " + (type == null ? "missing" : "'" + type + "'")
                + "; Perennial's DPT reads model_type '" + MODEL_TYPE + "'");
        r.require(r.bool("is_hybrid", false), "is_hybrid is not true; Perennial runs DPT-Hybrid (the BiT backbone "
                + "of Intel/dpt-hybrid-midas), not the plain ViT DPTs such as Intel/dpt-large");
        String readout = r.text("readout_type", "project");
        r.require(readout.equals("project"), "readout_type is '" + readout + "'; DPT-Hybrid reads out by 'project'");
        r.require(!r.bool("use_batch_norm_in_fusion_residual", false), "use_batch_norm_in_fusion_residual is true; "
                + "Perennial's DPT runs the depth models, whose fusion blocks have no batch norm");
        r.require(!r.bool("add_projection", false), "add_projection is true; Perennial's DPT runs heads without the "
                + "extra projection (as Intel/dpt-hybrid-midas)");
        int headIn = r.integer("head_in_index", -1);
        r.require(headIn == -1, "head_in_index is " + headIn + "; the depth head reads the last fused map (-1)");
        int hidden = r.positive("hidden_size", 768);
        int heads = r.heads("num_attention_heads", 12, hidden);
        int layers = r.layers("num_hidden_layers", 12);
        int patch = r.positive("patch_size", 16);
        int image = r.positive("image_size", 384);
        r.require(patch == 16, "patch_size is " + patch + "; DPT-Hybrid's tokens are BiT's stride-16 map, so its "
                + "patch_size is 16");
        r.require(image % patch == 0, "image_size " + image + " is not a multiple of patch_size " + patch);
        List<Integer> outIndices = r.integers("backbone_out_indices", List.of(2, 5, 8, 11));
        r.require(outIndices.size() == 4, "backbone_out_indices is " + outIndices + "; DPT's neck takes four maps");
        for (int i : outIndices.subList(2, 4)) {
            r.require(i >= 0 && i < layers, "backbone_out_indices holds " + i + ", not a layer of the "
                    + layers + " (num_hidden_layers)");
        }
        List<Double> factors = r.numbers("reassemble_factors", List.of(1.0, 1.0, 1.0, 0.5));
        List<Integer> neck = r.integers("neck_hidden_sizes", List.of(256, 512, 768, 768));
        List<Integer> ignore = r.integers("neck_ignore_stages", List.of(0, 1));
        r.require(factors.size() == 4 && neck.size() == 4, "reassemble_factors and neck_hidden_sizes hold one "
                + "entry per neck map, four each");
        r.require(ignore.equals(List.of(0, 1)), "neck_ignore_stages is " + ignore + "; DPT-Hybrid passes BiT's two "
                + "maps through as they are ([0, 1])");
        for (double f : factors) {
            r.require(f == 1 || (f > 1 && f == Math.rint(f)) || (f < 1 && f > 0 && 1 / f == Math.rint(1 / f)),
                    "reassemble_factors holds " + f + ", not a whole upsampling factor, 1 or 1/N");
        }
        JsonNode given = json.get("backbone_config");
        Bit bit = bit(r.object("backbone_config"), given != null && !given.isNull());
        r.require(neck.get(0).equals(bit.channels().get(0)) && neck.get(1).equals(bit.channels().get(1)),
                "neck_hidden_sizes " + neck + " must start with the BiT stage channels " + bit.channels().subList(0, 2));
        List<Integer> featmap = r.integers("backbone_featmap_shape", List.of(1, 1024, 24, 24));
        r.require(featmap.size() == 4 && featmap.get(1).equals(bit.channels().get(2)), "backbone_featmap_shape is "
                + featmap + "; its channels (second entry) must be BiT's last stage's, " + bit.channels().get(2));
        // DPTPreActResidualLayer: without batch norm the convs have biases unless the config says otherwise
        boolean fusionBias = r.bool("use_bias_in_fusion_residual", true);
        return new DptConfig(bit, hidden, layers, heads, r.positive("intermediate_size", 3072),
                r.activation("gelu"), r.number("layer_norm_eps", 1e-12), image, patch,
                r.positive("num_channels", 3), r.bool("qkv_bias", true), outIndices, factors, neck, ignore,
                r.positive("fusion_hidden_size", 256), featmap.get(1), fusionBias);
    }

    /**
     * The BiT backbone: without a backbone_config, DPTConfig's hybrid one (configuration_dpt.py: bottleneck layers,
     * "same" padding, depths [3, 4, 9], dynamic padding in the stem); a given one fills its missing keys with
     * BitConfig's defaults (pre-activation layers, no padding rule, depths [3, 4, 6, 3]), as BitConfig(**dict) does.
     */
    private static Bit bit(ConfigReader b, boolean given) {
        String layerType = b.text("layer_type", given ? "preactivation" : "bottleneck");
        b.require(layerType.equals("bottleneck"), "layer_type is '" + layerType + "'; DPT-Hybrid's BiT has "
                + "bottleneck layers (the pre-activation BiT is not supported)");
        String padding = b.text("global_padding", given ? "none" : "SAME");
        b.require(padding.equalsIgnoreCase("same"), "global_padding is '" + padding + "'; DPT-Hybrid's BiT pads "
                + "as TensorFlow's 'SAME'");
        List<Integer> depths = b.integers("depths", given ? List.of(3, 4, 6, 3) : List.of(3, 4, 9));
        List<Integer> hidden = b.integers("hidden_sizes", List.of(256, 512, 1024, 2048));
        b.require(depths.size() == 3 && hidden.size() >= 3, "depths is " + depths + "; DPT-Hybrid's BiT has three "
                + "stages (depths), and hidden_sizes one entry for each");
        double width = b.number("width_factor", 1);
        List<Integer> channels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            channels.add(makeDiv(hidden.get(i) * width));
        }
        int outputStride = b.integer("output_stride", 32);
        b.require(outputStride > 16, "output_stride is " + outputStride + "; dilated BiT stages are not supported "
                + "(DPT-Hybrid's backbone ends at stride 16 under the default 32)");
        int groups = b.positive("num_groups", 32);
        int embedding = b.positive("embedding_size", 64);
        Bit bit = new Bit(embedding, List.copyOf(depths), List.copyOf(channels), groups, b.activation("relu"),
                b.bool("embedding_dynamic_padding", !given));
        for (int s = 0; s < 3; s++) {
            for (int c : new int[] {bit.mid(s), bit.channels().get(s), embedding}) {
                b.require(c % groups == 0, "num_groups " + groups + " does not divide " + c + " channels");
            }
        }
        return bit;
    }
}
