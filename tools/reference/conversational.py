"""Blenderbot-style chat over the tiny random BART of tools/reference/bart.py, in float64, written from the transformers
source without transformers itself; run with Debian's Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/conversational.py src/test/resources/reference/bart \
        src/test/resources/reference/conversational

Sources (huggingface/transformers, src/transformers/):
- models/blenderbot/tokenization_blenderbot.py: BlenderbotTokenizer._build_conversation_input_ids (4.x): user turns
  prefixed with a space, turns joined by two spaces, encode() adding </s> (build_inputs_with_special_tokens:
  token_ids_0 + [eos]), the last model_max_length ids kept; its default_chat_template makes the same text.
- pipelines/conversational.py (4.x): generate with the model's generation config, the decoder start token dropped,
  decode(skip_special_tokens=True); here without clean_up_tokenization_spaces (transformers 5's default).
- generation/logits_process.py: EncoderNoRepeatNGramLogitsProcessor (_get_ngrams over the encoder's input ids,
  _get_generated_ngrams over the decoder sequence's last n-1 ids), before the other processors as
  generation/utils.py _get_logits_processor orders it (Blenderbot's checkpoints set encoder_no_repeat_ngram_size 3).
- the model and the searches: tools/reference/bart.py.

Reads the BART folder (its weights, tokenizer.json, tokenizer_config.json's model_max_length, generation_config.json)
and writes expected.safetensors into the output folder: "prompt_ids" (the encoder's ids per conversation, rows
padded with -1), "beam_ids" (the reply with the generation config's settings) and "greedy_ids" (num_beams 1), and
"encoder_ngram_beam_ids" / "encoder_ngram_greedy_ids" (the same with encoder_no_repeat_ngram_size 3 and 2), each after
the decoder start token, eos left out; the metadata holds the conversations, the replies' texts and whether
each prompt was truncated.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from bart import Bart, beam_search, greedy, padded, processors, decode, encoder_ngrams  # noqa: E402
from clap import bpe, words, EOS  # noqa: E402

CONVERSATIONS = [
    [{"role": "user", "content": "Hello, how are you?"}],
    [{"role": "user", "content": "The cat sat on the mat."},
     {"role": "assistant", "content": " The dog sat on the log."},
     {"role": "user", "content": "A storm hit the coast on Monday."}],
    [{"role": "user", "content": "Officials said the storm was strong. " * 3},
     {"role": "assistant", "content": " The city said schools will close."},
     {"role": "user", "content": "The cat sat on the mat and the dog sat on the log. " * 2}],
    # pieces the tiny model likes to generate, so that encoder_no_repeat_ngram_size bans some
    [{"role": "user", "content": "w w w wat wat"}],
]


def conversation_ids(messages, vocab, ranks, max_length):
    texts = [(" " + m["content"]) if m["role"] == "user" else m["content"] for m in messages]
    full = "  ".join(texts)
    ids = [vocab[s] for w in words(full) for s in bpe(w, ranks)] + [vocab[EOS]]
    return ids[-max_length:], len(ids) > max_length


def main(folder, out):
    os.makedirs(out, exist_ok=True)
    read = lambda name: json.load(open(os.path.join(folder, name)))  # noqa: E731
    config, generation, tokenizer = read("config.json"), read("generation_config.json"), read("tokenizer.json")
    max_length = read("tokenizer_config.json")["model_max_length"]
    vocab = tokenizer["model"]["vocab"]
    ranks = {tuple(m.split(" ")): r for r, m in enumerate(tokenizer["model"]["merges"])}
    model = Bart(config).double().eval()
    weights = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    model.load_state_dict({(k[len("model."):] if k.startswith("model.") else k): v.double()
                           for k, v in weights.items()})
    gen = dict(generation)
    prompts, truncated, beams, greedies, replies = [], [], [], [], []
    ngram_beams, ngram_greedies = [], []
    with torch.no_grad():
        for messages in CONVERSATIONS:
            ids, cut = conversation_ids(messages, vocab, ranks, max_length)
            prompts.append(ids)
            truncated.append(cut)
            one = torch.tensor([ids], dtype=torch.int64)
            mask = torch.ones_like(one)
            enc = model.encode(one, mask)
            beam = beam_search(model, enc, mask, gen, processors(gen))[0]
            one_beam = dict(gen, num_beams=1)
            greedies.append(greedy(model, enc, mask, one_beam, processors(one_beam))[0])
            beams.append(beam)
            replies.append(decode(beam, vocab))
            ngram_beams.append(beam_search(model, enc, mask, gen, encoder_ngrams(processors(gen), [ids], 3))[0])
            ngram_greedies.append(greedy(model, enc, mask, one_beam,
                                         encoder_ngrams(processors(one_beam), [ids], 2))[0])
    print("prompt lengths", [len(p) for p in prompts], "truncated", truncated)
    print("replies", replies)
    assert truncated == [False, False, True, False], "the third conversation must be cut, the others not"
    print("with encoder_no_repeat_ngram_size 3: beam", ngram_beams, "and 2: greedy", ngram_greedies)
    print("without: beam", beams, "greedy", greedies)
    assert ngram_beams != beams and ngram_greedies != greedies, "the encoder n-grams change nothing; pick others"
    safetensors_io.save(os.path.join(out, "expected.safetensors"),
                        {"prompt_ids": padded(prompts), "beam_ids": padded(beams), "greedy_ids": padded(greedies),
                         "encoder_ngram_beam_ids": padded(ngram_beams),
                         "encoder_ngram_greedy_ids": padded(ngram_greedies)},
                        {"conversations": json.dumps(CONVERSATIONS), "replies": json.dumps(replies),
                         "truncated": json.dumps(truncated), "model": "src/test/resources/reference/bart"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
