package dev.perennial.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;

import java.nio.file.Path;

/**
 * Writes a learned byte-level BPE model as the standard Hugging Face files: {@code tokenizer.json} (the layout
 * GPT-2's tokenizer.json has: ByteLevel pre-tokenizer and decoder, a BPE model, the end-of-text token as an
 * added special token) and {@code tokenizer_config.json}.
 */
public final class TokenizerFiles {

    public static final String EOS_TOKEN = "<|endoftext|>";
    private TokenizerFiles() {
    }

    public static void write(BpeTrainer.Model model, Path dir) {
        byte[] tokenizer = tokenizerJson(model);
        byte[] config = tokenizerConfigJson();
        AtomicFiles.write(dir.resolve("tokenizer.json"), out -> out.write(tokenizer));
        AtomicFiles.write(dir.resolve("tokenizer_config.json"), out -> out.write(config));
    }

    /** The tokenizer.json bytes of {@code model}: deterministic, so that their hash identifies the tokenizer. */
    static byte[] tokenizerJson(BpeTrainer.Model model) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode eos = root.putArray("added_tokens").addObject();
        eos.put("id", model.tokens().size());
        eos.put("content", EOS_TOKEN);
        eos.put("single_word", false);
        eos.put("lstrip", false);
        eos.put("rstrip", false);
        eos.put("normalized", false);
        eos.put("special", true);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));
        ObjectNode bpe = root.putObject("model");
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        bpe.putNull("unk_token");
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        bpe.put("fuse_unk", false);
        bpe.put("byte_fallback", false);
        bpe.put("ignore_merges", false);
        ObjectNode vocab = bpe.putObject("vocab");
        for (int id = 0; id < model.tokens().size(); id++) {
            vocab.put(model.tokens().get(id), id);
        }
        ArrayNode merges = bpe.putArray("merges");
        for (int[] merge : model.merges()) {
            merges.add(model.tokens().get(merge[0]) + " " + model.tokens().get(merge[1]));
        }
        return bytes(root);
    }

    private static byte[] tokenizerConfigJson() {
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", EOS_TOKEN);
        config.put("eos_token", EOS_TOKEN);
        config.put("unk_token", EOS_TOKEN);
        config.put("add_prefix_space", false);
        config.put("clean_up_tokenization_spaces", false);
        return bytes(config);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return Json.FILE.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
        return node;
    }
}
