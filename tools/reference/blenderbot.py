"""Blenderbot (transformers' BlenderbotForConditionalGeneration, facebook/blenderbot-400M-distill) in float64, written
from the transformers source without transformers itself; run with Debian's Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/blenderbot.py src/test/resources/reference/blenderbot
    /usr/bin/python3 tools/reference/blenderbot.py --write-real-shape DIR   (blenderbot-400M-distill's shapes, random)
    /usr/bin/python3 tools/reference/blenderbot.py --time DIR [--seq 64] [--tokens 32] [--beams 1,4] [--rounds 3]

Sources (huggingface/transformers, src/transformers/):
- models/blenderbot/modeling_blenderbot.py: BlenderbotLearnedPositionalEmbedding (max_position_embeddings rows,
  positions past .. past + T - 1, no offset), BlenderbotScaledWordEmbedding (embed_tokens * sqrt(d_model) when
  scale_embedding), BlenderbotEncoderLayer / BlenderbotDecoderLayer (pre-LN, as M2M100's: m2m100.py's layers),
  BlenderbotEncoder / BlenderbotDecoder (embeddings + positions, layers, then layer_norm; no layernorm_embedding),
  BlenderbotForConditionalGeneration (lm_head tied to model.shared, + final_logits_bias).
- convert_slow_tokenizer.py BlenderbotConverter: byte-level BPE with add_prefix_space, the post-processor
  "$A </s>" (BlenderbotTokenizer.build_inputs_with_special_tokens: no <s>).
The searches and logits processors are bart.py's, with generation_config.json's encoder_no_repeat_ngram_size over the
padded input ids (bart.py's encoder_ngrams).

The tiny folder: config.json as BlenderbotConfig writes blenderbot-400M-distill's, generation_config.json as that
checkpoint has it (10 beams, min_length 20, max_length 60, length_penalty 0.65, no_repeat_ngram_size 3; min_length 8
and max_length 20 here), model.safetensors (float32, the checkpoint's names), a byte-level BPE tokenizer.json with
Blenderbot's ids (<pad> 0, <s> 1, </s> 2, <unk> 3), tokenizer_config.json, special_tokens_map.json and
expected.safetensors.
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import clip  # noqa: E402
from bart import greedy, beam_search, processors, padded, encoder_ngrams, unreadable_tokens  # noqa: E402
from clap import roberta_vocab, tokenizer_json, words, bpe, special, BOS, PAD, EOS, UNK, MASK  # noqa: E402
from clip import BYTE_ENCODER, write_json  # noqa: E402
from m2m100 import PreLnSeq2Seq, randomize, float32_error, time_folder  # noqa: E402


class LearnedPositions(nn.Module):
    """BlenderbotLearnedPositionalEmbedding: row p for position p (the decoder's from its past length)."""

    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(c["max_position_embeddings"], c["d_model"]))

    def forward(self, ids, past=0):
        return self.weight[torch.arange(past, past + ids.shape[1])][None]


def blenderbot(config):
    return PreLnSeq2Seq(config, positions=LearnedPositions, logits_bias=True)


CORPUS = ("hello , how are you today ? i am good , thank you . do you like dogs ? i love dogs and cats . what do "
          "you do for fun ? i like to read books and play music . ") * 3
# "Bobobo": pieces the tiny model likes to generate, so that encoder_no_repeat_ngram_size bans some
TEXTS = ["Hello, how are you today? Bobobo", "I like to read books. Do you like dogs and cats?"]


def encode(text, vocab, ranks):
    """add_prefix_space (a space before the text), byte-level BPE, then </s>."""
    return [vocab[s] for w in words(" " + text) for s in bpe(w, ranks)] + [vocab[EOS]]


def tokenizer_files(out, vocab, merges):
    tokenizer = tokenizer_json(vocab, merges)
    tokenizer["pre_tokenizer"]["add_prefix_space"] = True
    tokenizer["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": EOS, "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}},
                 {"SpecialToken": {"id": EOS, "type_id": 0}}],
        "special_tokens": {EOS: {"id": EOS, "ids": [vocab[EOS]], "tokens": [EOS]}}}
    write_json(os.path.join(out, "tokenizer.json"), tokenizer)
    write_json(os.path.join(out, "special_tokens_map.json"),
               {"bos_token": special(BOS), "cls_token": special(BOS), "eos_token": special(EOS),
                "mask_token": special(MASK), "pad_token": special(PAD), "sep_token": special(EOS),
                "unk_token": special(UNK)})
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "add_prefix_space": True, "bos_token": BOS, "clean_up_tokenization_spaces": True, "cls_token": BOS,
        "eos_token": EOS, "errors": "replace", "mask_token": MASK, "model_max_length": 128, "pad_token": PAD,
        "sep_token": EOS, "tokenizer_class": "BlenderbotTokenizer", "trim_offsets": True, "unk_token": UNK})


def config_json(vocab_size, d=32, encoder_layers=2, decoder_layers=2, heads=4, ffn=48, positions=64, gen=None):
    """config.json as BlenderbotConfig.save_pretrained writes facebook/blenderbot-400M-distill's."""
    gen = gen or GENERATION
    return {
        "_name_or_path": "facebook/blenderbot-400M-distill", "activation_dropout": 0.0, "activation_function": "gelu",
        "add_bias_logits": False, "add_final_layer_norm": True, "architectures": ["BlenderbotForConditionalGeneration"],
        "attention_dropout": 0.0, "bos_token_id": 1, "classif_dropout": 0.0, "classifier_dropout": 0.0,
        "d_model": d, "decoder_attention_heads": heads, "decoder_ffn_dim": ffn, "decoder_layerdrop": 0.0,
        "decoder_layers": decoder_layers, "decoder_start_token_id": 1, "do_blenderbot_90_layernorm": True,
        "dropout": 0.1, "encoder_attention_heads": heads, "encoder_ffn_dim": ffn, "encoder_layerdrop": 0.0,
        "encoder_layers": encoder_layers, "encoder_no_repeat_ngram_size": 3, "eos_token_id": 2,
        "extra_layer_norm": False, "extra_pos_embeddings": 0, "force_bos_token_to_be_generated": False,
        "forced_eos_token_id": 2, "gradient_checkpointing": False, "init_std": 0.02, "is_encoder_decoder": True,
        "layernorm_variant": "prelayernorm", "length_penalty": gen["length_penalty"], "max_length": gen["max_length"],
        "max_position_embeddings": positions, "min_length": gen["min_length"], "model_type": "blenderbot",
        "no_repeat_ngram_size": gen["no_repeat_ngram_size"], "normalize_before": True, "normalize_embedding": False,
        "num_beams": gen["num_beams"], "num_hidden_layers": encoder_layers, "pad_token_id": 0,
        "scale_embedding": True, "static_position_embeddings": False, "transformers_version": "4.36.0",
        "unk_token_id": 3, "use_cache": True, "vocab_size": vocab_size,
    }


GENERATION = {"length_penalty": 0.65, "max_length": 60, "min_length": 20, "no_repeat_ngram_size": 3, "num_beams": 10}


def generation_config_json(gen):
    """generation_config.json as facebook/blenderbot-400M-distill has it."""
    return {"bos_token_id": 1, "decoder_start_token_id": 1, "encoder_no_repeat_ngram_size": 3, "eos_token_id": 2,
            "forced_eos_token_id": 2, "length_penalty": gen["length_penalty"], "max_length": gen["max_length"],
            "min_length": gen["min_length"], "no_repeat_ngram_size": gen["no_repeat_ngram_size"],
            "num_beams": gen["num_beams"], "pad_token_id": 0, "transformers_version": "4.36.0"}


REAL = dict(d=1280, encoder_layers=2, decoder_layers=12, heads=32, ffn=5120, positions=128)
REAL_VOCAB = 8008


def tiny(out):
    os.makedirs(out, exist_ok=True)
    merges = clip.train_merges(CORPUS, 60, words, end_of_word="")
    vocab = roberta_vocab(merges, specials=(PAD, BOS, EOS, UNK))  # blenderbot-400M-distill: <pad> 0, <s> 1
    ranks = {m: r for r, m in enumerate(merges)}
    tokenizer_files(out, vocab, merges)
    gen = dict(GENERATION, max_length=20, min_length=8)
    config = config_json(len(vocab), gen=gen)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), generation_config_json(gen))

    generator = torch.Generator().manual_seed(400)
    model = blenderbot(config).double().eval()
    randomize(model, generator)
    with torch.no_grad():
        model.final_logits_bias[0, 2] += 2.0  # end of text probable enough that the beams finish before max_length
        model.final_logits_bias[0, unreadable_tokens(vocab)] -= 8.0  # replies of readable text, as bart.py's
    safetensors_io.save(os.path.join(out, "model.safetensors"),
                        {k: v.float() for k, v in model.checkpoint().items()}, {"format": "pt"})
    model.load_state_dict({k: v.float().double() for k, v in model.state_dict().items()})

    rows = [encode(t, vocab, ranks) for t in TEXTS]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [vocab[PAD]] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    full = dict(generation_config_json(gen), early_stopping=False)
    with torch.no_grad():
        enc = model.encode(ids, mask)
        decoder_ids = torch.tensor([[1, 40, 41, 42, 43, 44], [1, 50, 50, 51, 9, 2]], dtype=torch.int64)
        logits = model.full_logits(enc, mask, decoder_ids)
        one_beam = dict(full, num_beams=1)
        rows, n = ids.tolist(), full["encoder_no_repeat_ngram_size"]
        greedy_ids = greedy(model, enc, mask, one_beam, encoder_ngrams(processors(one_beam), rows, n))
        beam_ids = beam_search(model, enc, mask, full, encoder_ngrams(processors(full), rows, n))
        unbanned = (greedy(model, enc, mask, one_beam, processors(one_beam)),
                    beam_search(model, enc, mask, full, processors(full)))
    print("greedy", greedy_ids, "beam", beam_ids,
          "float32 logits error %.2e" % float32_error(model, ids, mask, decoder_ids))
    print("without encoder_no_repeat_ngram_size: greedy", unbanned[0], "beam", unbanned[1])
    assert unbanned != (greedy_ids, beam_ids), "the encoder n-grams change nothing; pick other texts"
    safetensors_io.save(os.path.join(out, "expected.safetensors"), {
        "input_ids": ids, "attention_mask": mask, "encoder_hidden_state": enc, "decoder_input_ids": decoder_ids,
        "logits": logits, "greedy_ids": padded(greedy_ids), "beam_ids": padded(beam_ids)}, {
        "texts": json.dumps(TEXTS),
        "note": "input_ids: ' ' + text + </s> per row, padded with <pad> 0; beam_ids: generation_config.json's "
                "settings (10 beams, encoder_no_repeat_ngram_size 3 over input_ids); greedy_ids: the same with 1 "
                "beam; rows "
                "padded with -1"})


def write_real_shape(out):
    """config.json, generation_config.json and model.safetensors of a random model at blenderbot-400M-distill's
    shapes (1.4 GB of float32), for benchmarks against the Java model."""
    os.makedirs(out, exist_ok=True)
    config = config_json(REAL_VOCAB, **REAL)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), generation_config_json(GENERATION))
    model = blenderbot(config).float().eval()
    safetensors_io.save(os.path.join(out, "model.safetensors"), model.checkpoint(), {"format": "pt"})


if __name__ == "__main__":
    if sys.argv[1] == "--write-real-shape":
        write_real_shape(sys.argv[2])
    elif sys.argv[1] == "--time":
        time_folder(sys.argv[1:], build=blenderbot)
    else:
        tiny(sys.argv[1])
