"""Blenderbot chat over the tiny random Blenderbot of tools/reference/blenderbot.py, in float64, written from the
transformers source without transformers itself; run with Debian's Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/conversational.py src/test/resources/reference/blenderbot \
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
- the model: tools/reference/blenderbot.py; the searches and processors (encoder_ngrams): tools/reference/bart.py.

Reads the Blenderbot folder (its weights, tokenizer.json, tokenizer_config.json's model_max_length, at most the
encoder's max_position_embeddings as Perennial's Chatbot cuts, generation_config.json) and writes expected.safetensors
into the output folder: "prompt_ids" (the encoder's ids per conversation, rows padded with -1), "beam_ids" (the reply
with the generation config's settings, encoder_no_repeat_ngram_size 3 included) and "greedy_ids" (num_beams 1), and
"unbanned_beam_ids" / "encoder_bigram_greedy_ids" (the same with encoder_no_repeat_ngram_size 0 and 2), each after
the decoder start token, eos left out; the metadata holds the conversations, the replies' texts and whether
each prompt was truncated.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import seq2seq_timing  # noqa: E402
from bart import beam_search, greedy, padded, processors, decode, encoder_ngrams  # noqa: E402
from blenderbot import blenderbot  # noqa: E402
from clap import bpe, words, EOS  # noqa: E402

CONVERSATIONS = [
    [{"role": "user", "content": "Hello, how are you?"}],
    [{"role": "user", "content": "Do you like dogs?"},
     {"role": "assistant", "content": " I love dogs and cats."},
     {"role": "user", "content": "What do you do for fun?"}],
    [{"role": "user", "content": "I like to read books and play music. " * 3},
     {"role": "assistant", "content": " Thank you, I am good."},
     {"role": "user", "content": "Do you like dogs and cats? What do you do for fun? " * 2}],
    # pieces the tiny model likes to generate, so that encoder_no_repeat_ngram_size bans some
    [{"role": "user", "content": "Bobobobo &&&"}],
]


def conversation_ids(messages, vocab, ranks, max_length):
    texts = [(" " + m["content"]) if m["role"] == "user" else m["content"] for m in messages]
    full = "  ".join(texts)
    ids = [vocab[s] for w in words(full) for s in bpe(w, ranks)] + [vocab[EOS]]
    return ids[-max_length:], len(ids) > max_length


def searches(model, ids, gen):
    """The beam search and greedy replies to prompt ids with gen's encoder_no_repeat_ngram_size (0: none)."""
    one = torch.tensor([ids], dtype=torch.int64)
    mask = torch.ones_like(one)
    enc = model.encode(one, mask)
    one_beam = dict(gen, num_beams=1)
    n = gen.get("encoder_no_repeat_ngram_size", 0)
    banned = (lambda process: encoder_ngrams(process, [ids], n)) if n > 0 else (lambda process: process)
    return (beam_search(model, enc, mask, gen, banned(processors(gen)))[0],
            greedy(model, enc, mask, one_beam, banned(processors(one_beam)))[0])


def main(folder, out):
    os.makedirs(out, exist_ok=True)
    read = lambda name: json.load(open(os.path.join(folder, name)))  # noqa: E731
    config, generation, tokenizer = read("config.json"), read("generation_config.json"), read("tokenizer.json")
    max_length = min(read("tokenizer_config.json")["model_max_length"], config["max_position_embeddings"])
    vocab = tokenizer["model"]["vocab"]
    ranks = {tuple(m.split(" ")): r for r, m in enumerate(tokenizer["model"]["merges"])}
    model = seq2seq_timing.load(blenderbot(config), folder).double().eval()
    gen = dict(generation, early_stopping=generation.get("early_stopping", False))
    prompts, truncated, beams, greedies, replies = [], [], [], [], []
    unbanned_beams, bigram_greedies = [], []
    with torch.no_grad():
        for messages in CONVERSATIONS:
            ids, cut = conversation_ids(messages, vocab, ranks, max_length)
            prompts.append(ids)
            truncated.append(cut)
            beam, greedy_ids = searches(model, ids, gen)
            beams.append(beam)
            greedies.append(greedy_ids)
            replies.append(decode(beam, vocab))
            unbanned_beams.append(searches(model, ids, dict(gen, encoder_no_repeat_ngram_size=0))[0])
            bigram_greedies.append(searches(model, ids, dict(gen, encoder_no_repeat_ngram_size=2))[1])
    print("prompt lengths", [len(p) for p in prompts], "truncated", truncated)
    print("replies", replies)
    assert truncated == [False, False, True, False], "the third conversation must be cut, the others not"
    print("with encoder_no_repeat_ngram_size 3: beam", beams, "greedy", greedies)
    print("without: beam", unbanned_beams, "with 2: greedy", bigram_greedies)
    assert unbanned_beams != beams and bigram_greedies != greedies, "the encoder n-grams change nothing; pick others"
    safetensors_io.save(os.path.join(out, "expected.safetensors"),
                        {"prompt_ids": padded(prompts), "beam_ids": padded(beams), "greedy_ids": padded(greedies),
                         "unbanned_beam_ids": padded(unbanned_beams),
                         "encoder_bigram_greedy_ids": padded(bigram_greedies)},
                        {"conversations": json.dumps(CONVERSATIONS), "replies": json.dumps(replies),
                         "truncated": json.dumps(truncated), "model": "src/test/resources/reference/blenderbot"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
