package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A DETR config.json (model_type "detr", transformers' DetrConfig) with a timm ResNet backbone
 * ({@code use_timm_backbone: true}, as facebook/detr-resnet-50 has it): the transformer's sizes, the object queries
 * and the labels. Missing keys take DetrConfig's defaults. {@code backbone_kwargs} go to timm's create_model as
 * transformers passes them, so {@code layers}, {@code channels} and {@code stem_width} there override the named
 * ResNet's (what a tiny test model uses); a dilated backbone and transformers' own ResNet are refused.
 *
 * @param backbone    the ResNet
 * @param dModel      d_model, the transformer's width
 * @param labels      id2label in id order: the classifier has one more output, "no object"
 */
public record DetrConfig(Backbone backbone, int dModel, int encoderLayers, int decoderLayers, int encoderHeads,
                         int decoderHeads, int encoderFfn, int decoderFfn, int numQueries, Activation activation,
                         List<String> labels) {

    public static final String MODEL_TYPE = "detr";

    /** timm's ResNet with bottleneck blocks: blocks per stage, each stage's width (x4 out), the stem's width. */
    public record Backbone(String name, List<Integer> layers, List<Integer> channels, int stemWidth, int inChannels) {

        /** The channels of the last feature map, input_projection's input. */
        public int outChannels() {
            return channels.getLast() * 4;
        }
    }

    /** timm's ResNets with bottleneck blocks (resnet.py: resnet50, resnet101) and their blocks per stage. */
    private static final Map<String, List<Integer>> RESNETS = Map.of("resnet50", List.of(3, 4, 6, 3),
            "resnet101", List.of(3, 4, 23, 3));

    public int numLabels() {
        return labels.size();
    }

    public static DetrConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    public static DetrConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(MODEL_TYPE.equals(type), "model_type is " + (type == null ? "missing" : "'" + type + "'")
                + "; Perennial's DETR reads model_type '" + MODEL_TYPE + "'");
        r.require(r.bool("use_timm_backbone", true), "use_timm_backbone is false; Perennial's DETR runs the timm "
                + "ResNet backbone of facebook/detr-resnet-50 and facebook/detr-resnet-101 (use_timm_backbone: true)");
        r.require(!r.bool("dilation", false), "dilation is true; Perennial's DETR runs undilated backbones (the "
                + "DC5 models are not supported)");
        String name = r.text("backbone", "resnet50");
        r.require(RESNETS.containsKey(name), "backbone '" + name + "' is not supported; Perennial's DETR runs "
                + String.join(", ", RESNETS.keySet().stream().sorted().toList()));
        ConfigReader kwargs = r.object("backbone_kwargs");
        List<Integer> layers = ints(kwargs, "layers", RESNETS.get(name));
        List<Integer> channels = ints(kwargs, "channels", List.of(64, 128, 256, 512));
        int inChannels = kwargs.integer("in_chans", r.integer("num_channels", 3));
        Backbone backbone = new Backbone(name, layers, channels, positive(kwargs, "stem_width", 64), inChannels);
        int d = positive(r, "d_model", 256);
        int encoderHeads = positive(r, "encoder_attention_heads", 8);
        int decoderHeads = positive(r, "decoder_attention_heads", 8);
        r.require(d % encoderHeads == 0 && d % decoderHeads == 0, "d_model " + d + " is not a multiple of "
                + "encoder_attention_heads and decoder_attention_heads");
        r.require(d % 4 == 0, "d_model " + d + " is not a multiple of 4 (the sine positions split it in four)");
        return new DetrConfig(backbone, d, positive(r, "encoder_layers", 6), positive(r, "decoder_layers", 6),
                encoderHeads, decoderHeads, positive(r, "encoder_ffn_dim", 2048), positive(r, "decoder_ffn_dim", 2048),
                positive(r, "num_queries", 100), r.activation("activation_function", "relu"), labels(r));
    }

    /** id2label as a list: ids 0 to n-1, each present. */
    private static List<String> labels(ConfigReader r) {
        JsonNode map = r.json().get("id2label");
        r.require(map != null && map.isObject() && !map.isEmpty(), "id2label is missing; a DETR config names its "
                + "classes in id2label");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < map.size(); i++) {
            JsonNode label = map.get(Integer.toString(i));
            r.require(label != null, "id2label has no id " + i + "; ids run from 0 to " + (map.size() - 1));
            labels.add(label.asText());
        }
        return List.copyOf(labels);
    }

    private static List<Integer> ints(ConfigReader r, String key, List<Integer> fallback) {
        JsonNode v = r.json().get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        r.require(v.isArray() && v.size() == 4, key + " is " + v + ", not four whole numbers (one per ResNet stage)");
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : v) {
            r.require(n.isIntegralNumber() && n.asInt() > 0, key + " is " + v + ", not four whole numbers above 0");
            out.add(n.asInt());
        }
        return List.copyOf(out);
    }

    private static int positive(ConfigReader r, String key, int fallback) {
        int v = r.integer(key, fallback);
        r.require(v > 0, key + " is " + v + ", not a whole number above 0");
        return v;
    }
}
