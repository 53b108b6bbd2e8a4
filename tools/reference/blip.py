"""BLIP (transformers' BlipForConditionalGeneration, BlipForQuestionAnswering, BlipForImageTextRetrieval) and its
image processor in float64, written from the transformers source without transformers itself; run with Debian's
Python, torch 1.13 and numpy:

    /usr/bin/python3 tools/reference/blip.py src/test/resources/reference/blip
    /usr/bin/python3 tools/reference/blip.py --time [--rounds 3] [--batch 1] [--kind caption|vqa]
        (Salesforce/blip-*-base shapes, float32, random weights: captions/s and answers/s)
    /usr/bin/python3 tools/reference/blip.py --write-real-shape KIND DIR   (that model as a folder, for Java)

Sources (huggingface/transformers, src/transformers/models/blip/):
- modeling_blip.py: BlipVisionEmbeddings (patch conv with bias, class token first, learned positions),
  BlipAttention (one fused qkv Linear, scale head_dim**-0.5, projection), BlipEncoderLayer (pre-LN), BlipVisionModel
  (post_layernorm over every position: last_hidden_state is image_embeds); BlipForConditionalGeneration.generate
  (input_ids [bos, eos] or the prompt's, input_ids[:, 0] = bos_token_id, the last token dropped, eos = sep_token_id),
  BlipForQuestionAnswering.generate (text_encoder over the question with cross-attention into the image, the decoder
  from bos into the question states, all-ones masks), BlipForImageTextRetrieval.forward (use_itm_head: itm_head of
  the [CLS] state with cross-attention; else cosine of normalize(vision_proj(image_embeds[:, 0])) and
  normalize(text_proj(text_encoder(ids)[:, 0])), no cross-attention).
- modeling_blip_text.py: BlipTextEmbeddings (word + position, LayerNorm; no token types), BlipTextSelfAttention
  (scores / sqrt(head size) + extended mask), BlipTextSelfOutput / BlipTextOutput (post-LN), BlipTextLayer
  (attention, crossattention when encoder_hidden_states are given, intermediate, output),
  BlipTextModel.get_extended_attention_mask ((1 - mask) * -10000, causal when is_decoder), invert_attention_mask
  for the cross-attention (finfo.min), BlipTextLMPredictionHead (transform: dense, act, LayerNorm; decoder tied to
  word_embeddings, + bias).
- image_processing_blip.py: BlipImageProcessor (convert_rgb, resize to size (384, 384) with PIL bicubic, rescale
  1/255, normalize with OPENAI_CLIP_MEAN / STD; no crop): clip_image_processing.clip_pixel_values without the crop.
- generation: whisper.py's greedy and beam_search (a prompt of any length; generated_len counted after it), up to
  max_length(): 20 new tokens after the prompt when text_config's max_length is the default 20 (transformers 5).

The tiny folders blip-caption, blip-vqa and blip-itm hold config.json as BlipConfig writes Salesforce/blip-*-base's
(text_config, vision_config), model.safetensors (float32, the checkpoints' names; the tied lm head absent),
preprocessor_config.json as Salesforce/blip-image-captioning-base's (image size scaled down), a BERT WordPiece
tokenizer.json with [DEC] and [ENC] added, tokenizer_config.json, special_tokens_map.json, image.png and
expected.safetensors.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import bert  # noqa: E402
import whisper  # noqa: E402
from clip_image_processing import clip_pixel_values  # noqa: E402

NEG_MASK = -10000.0  # get_extended_attention_mask
DEFAULT_MAX_LENGTH = 20  # GenerationConfig's max_length when nothing sets it


def gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / 2 ** 0.5))


# ---------------------------------------------------------------------------------------------------------------
# the vision model (modeling_blip.py)


class VisionLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.heads, self.eps = c["num_attention_heads"], c["layer_norm_eps"]
        self.self_attn = nn.Module()
        self.self_attn.qkv = nn.Linear(d, 3 * d)
        self.self_attn.projection = nn.Linear(d, d)
        self.layer_norm1 = nn.LayerNorm(d, eps=self.eps)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(d, c["intermediate_size"])
        self.mlp.fc2 = nn.Linear(c["intermediate_size"], d)
        self.layer_norm2 = nn.LayerNorm(d, eps=self.eps)

    def forward(self, x):
        b, t, d = x.shape
        h = self.layer_norm1(x)
        qkv = self.self_attn.qkv(h).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        w = torch.softmax((q @ k.transpose(-1, -2)) * (d // self.heads) ** -0.5, dim=-1)
        x = x + self.self_attn.projection((w @ v).permute(0, 2, 1, 3).reshape(b, t, d))
        return x + self.mlp.fc2(gelu(self.mlp.fc1(self.layer_norm2(x))))


class VisionModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c["hidden_size"], c["patch_size"]
        positions = (c["image_size"] // p) ** 2 + 1
        self.embeddings = nn.Module()
        self.embeddings.class_embedding = nn.Parameter(torch.zeros(1, 1, d))
        self.embeddings.patch_embedding = nn.Conv2d(3, d, kernel_size=p, stride=p)
        self.embeddings.position_embedding = nn.Parameter(torch.zeros(1, positions, d))
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList([VisionLayer(c) for _ in range(c["num_hidden_layers"])])
        self.post_layernorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, pixel_values):
        e = self.embeddings
        patches = e.patch_embedding(pixel_values.to(e.patch_embedding.weight.dtype)).flatten(2).transpose(1, 2)
        x = torch.cat([e.class_embedding.expand(pixel_values.shape[0], 1, -1), patches], 1)
        x = x + e.position_embedding[:, :x.shape[1]]
        for layer in self.encoder.layers:
            x = layer(x)
        return self.post_layernorm(x)


# ---------------------------------------------------------------------------------------------------------------
# the text model (modeling_blip_text.py)


class TextAttention(nn.Module):
    """BlipTextAttention: self (query, key, value) and output (dense, LayerNorm over the residual sum)."""

    def __init__(self, c, source_width):
        super().__init__()
        d = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.self = nn.Module()
        self.self.query = nn.Linear(d, d)
        self.self.key = nn.Linear(source_width, d)
        self.self.value = nn.Linear(source_width, d)
        self.output = nn.Module()
        self.output.dense = nn.Linear(d, d)
        self.output.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def split(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).transpose(1, 2)

    def forward(self, x, source, additive_mask):
        b, t, d = x.shape
        q, k, v = self.split(self.self.query(x)), self.split(self.self.key(source)), self.split(self.self.value(source))
        scores = q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5 + additive_mask
        out = (torch.softmax(scores, dim=-1) @ v).permute(0, 2, 1, 3).reshape(b, t, d)
        return self.output.LayerNorm(self.output.dense(out) + x)


class TextLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, ff = c["hidden_size"], c["intermediate_size"]
        self.attention = TextAttention(c, d)
        self.crossattention = TextAttention(c, c["encoder_hidden_size"])  # is_decoder: every layer has one
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(d, ff)
        self.output = nn.Module()
        self.output.dense = nn.Linear(ff, d)
        self.output.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])

    def forward(self, x, self_mask, enc, enc_mask):
        x = self.attention(x, x, self_mask)
        if enc is not None:
            x = self.crossattention(x, enc, enc_mask)
        return self.output.LayerNorm(self.output.dense(gelu(self.intermediate.dense(x))) + x)


class TextModel(nn.Module):
    """BlipTextModel without a pooler (add_pooling_layer=False, as every head builds it)."""

    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.embeddings = nn.Module()
        self.embeddings.word_embeddings = nn.Embedding(c["vocab_size"], d)
        self.embeddings.position_embeddings = nn.Embedding(c["max_position_embeddings"], d)
        self.embeddings.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([TextLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, ids, mask=None, enc=None, enc_mask=None, is_decoder=False):
        b, t = ids.shape
        e = self.embeddings
        x = e.LayerNorm(e.word_embeddings(ids) + e.position_embeddings(torch.arange(t))[None])
        mask = torch.ones(b, t, dtype=x.dtype) if mask is None else mask.to(x.dtype)
        extended = mask[:, None, None, :]
        if is_decoder:
            causal = (torch.arange(t)[None, :] <= torch.arange(t)[:, None]).to(x.dtype)
            extended = causal[None, None] * extended
        additive = (1.0 - extended) * NEG_MASK
        enc_additive = None
        if enc is not None:
            enc_mask = torch.ones(enc.shape[:2], dtype=x.dtype) if enc_mask is None else enc_mask.to(x.dtype)
            enc_additive = ((1.0 - enc_mask) * torch.finfo(x.dtype).min)[:, None, None, :]  # invert_attention_mask
        for layer in self.encoder.layer:
            x = layer(x, additive, enc, enc_additive)
        return x


class LmHeadModel(nn.Module):
    """BlipTextLMHeadModel: bert, then cls.predictions (transform, decoder tied to the word embeddings, bias)."""

    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.bert = TextModel(c)
        self.cls = nn.Module()
        self.cls.predictions = nn.Module()
        self.cls.predictions.transform = nn.Module()
        self.cls.predictions.transform.dense = nn.Linear(d, d)
        self.cls.predictions.transform.LayerNorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.cls.predictions.bias = nn.Parameter(torch.zeros(c["vocab_size"]))

    def full_logits(self, enc, ids):
        """Logits for every position of ids [B, T] (causal), cross-attending enc (all-ones mask), no cache."""
        x = self.bert(ids, None, enc, None, is_decoder=True)
        t = self.cls.predictions.transform
        x = t.LayerNorm(gelu(t.dense(x)))
        return x @ self.bert.embeddings.word_embeddings.weight.t() + self.cls.predictions.bias


class Blip(nn.Module):
    """The three heads over one vision model: which parts exist follows the architecture."""

    def __init__(self, config):
        super().__init__()
        self.kind = config["architectures"][0]
        tc, vc = config["text_config"], config["vision_config"]
        self.vision_model = VisionModel(vc)
        if self.kind != "BlipForConditionalGeneration":
            self.text_encoder = TextModel(tc)
        if self.kind != "BlipForImageTextRetrieval":
            self.text_decoder = LmHeadModel(tc)
        else:
            width = config["image_text_hidden_size"]
            self.vision_proj = nn.Linear(vc["hidden_size"], width)
            self.text_proj = nn.Linear(tc["hidden_size"], width)
            self.itm_head = nn.Linear(tc["hidden_size"], 2)

    def question_embeds(self, ids, mask, image_embeds):
        return self.text_encoder(ids, mask, image_embeds, None)

    def itm(self, ids, mask, image_embeds):
        """softmax(itm_head(the [CLS] state))[:, 1]: the probability that the text matches the image."""
        logits = self.itm_head(self.text_encoder(ids, mask, image_embeds, None)[:, 0])
        return torch.softmax(logits, dim=-1)[:, 1]

    def cosine(self, ids, mask, image_embeds):
        """The cosine of each image's and text's projected [CLS] states (the row pairs)."""
        image = nn.functional.normalize(self.vision_proj(image_embeds[:, 0]), dim=-1)
        text = nn.functional.normalize(self.text_proj(self.text_encoder(ids, mask)[:, 0]), dim=-1)
        return (image * text).sum(-1)


# ---------------------------------------------------------------------------------------------------------------
# the folders


WORDS = ["a", "picture", "of", "photo", "cat", "dog", "on", "the", "mat", "grass", "what", "is", "color", "red",
         "blue", "green", "sky", "sitting", "two", "in", "how", "many", "?", "there", "are", "and", "white"]
DEC, ENC = "[DEC]", "[ENC]"
PROMPT = "a picture of"
QUESTION = "what color is the cat?"
TEXTS = ["a cat on the mat", "two dogs in the green grass"]
IMAGE_SIZE, PATCH = 32, 8
EOS_BOOST = {"BlipForConditionalGeneration": 1.5, "BlipForQuestionAnswering": 2.5}
PREPROCESSOR = {"do_normalize": True, "do_resize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073],
                "image_processor_type": "BlipImageProcessor", "image_std": [0.26862954, 0.26130258, 0.27577711],
                "processor_class": "BlipProcessor", "resample": 3, "rescale_factor": 0.00392156862745098,
                "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}}


def vocabulary():
    """bert.py's WordPiece vocabulary with the words above, then [DEC] (bos_token) and [ENC], as BLIP's tokenizer
    adds them after bert-base-uncased's 30522 tokens."""
    vocab = bert.vocabulary()
    for w in WORDS:
        if w not in vocab:
            vocab[w] = len(vocab)
    vocab[DEC] = len(vocab)
    vocab[ENC] = len(vocab)
    return vocab


def config_json(kind, vocab_size, bos, sep, text=(32, 4, 2, 64), vision=(32, 4, 2, 64), image_size=IMAGE_SIZE,
                patch=PATCH, positions=64, max_length=20, num_beams=1):
    """config.json as BlipConfig.save_pretrained writes Salesforce/blip-*-base's (the keys the models read, and
    the generation keys of PretrainedConfig that text_config carries)."""
    d, heads, layers, ff = text
    vd, vheads, vlayers, vff = vision
    generation = {"do_sample": False, "early_stopping": False, "length_penalty": 1.0, "max_length": max_length,
                  "min_length": 0, "no_repeat_ngram_size": 0, "num_beams": num_beams, "repetition_penalty": 1.0}
    return {
        "architectures": [kind], "image_text_hidden_size": 16 if d < 100 else 256, "initializer_factor": 1.0,
        "initializer_range": 0.02, "label_smoothing": 0.0, "logit_scale_init_value": 2.6592, "model_type": "blip",
        "projection_dim": 512, "torch_dtype": "float32", "transformers_version": "4.26.0.dev0",
        "text_config": dict(generation, **{
            "attention_probs_dropout_prob": 0.0, "bos_token_id": bos, "encoder_hidden_size": vd, "eos_token_id": 2,
            "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": d, "initializer_range": 0.02,
            "intermediate_size": ff, "is_decoder": True, "layer_norm_eps": 1e-12,
            "max_position_embeddings": positions, "model_type": "blip_text_model", "num_attention_heads": heads,
            "num_hidden_layers": layers, "pad_token_id": 0, "projection_dim": 768, "sep_token_id": sep,
            "use_cache": True, "vocab_size": vocab_size}),
        "vision_config": dict(generation, **{
            "attention_dropout": 0.0, "dropout": 0.0, "hidden_act": "gelu", "hidden_size": vd, "image_size": image_size,
            "initializer_factor": 1.0, "initializer_range": 1e-10, "intermediate_size": vff, "layer_norm_eps": 1e-05,
            "model_type": "blip_vision_model", "num_attention_heads": vheads, "num_channels": 3,
            "num_hidden_layers": vlayers, "patch_size": patch, "projection_dim": 512}),
    }


def write_json(path, obj):
    bert.write_json(path, obj)


def tokenizer_files(out, vocab):
    """tokenizer.json (BertTokenizerFast with [DEC] and [ENC] added), tokenizer_config.json and
    special_tokens_map.json as Salesforce/blip-image-captioning-base has them (no truncation or padding baked in)."""
    base = {t: i for t, i in vocab.items() if t not in (DEC, ENC)}
    tok = bert.tokenizer_json(base)
    tok["model"]["vocab"] = vocab
    tok["truncation"], tok["padding"] = None, None
    for token in (DEC, ENC):
        tok["added_tokens"].append({"id": vocab[token], "content": token, "single_word": False, "lstrip": False,
                                    "rstrip": False, "normalized": False, "special": True})
    write_json(os.path.join(out, "tokenizer.json"), tok)
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "bos_token": DEC, "cls_token": "[CLS]", "do_basic_tokenize": True, "do_lower_case": True, "mask_token":
        "[MASK]", "model_max_length": 512, "name_or_path": "Salesforce/blip-image-captioning-base", "never_split":
        None, "pad_token": "[PAD]", "processor_class": "BlipProcessor", "sep_token": "[SEP]", "special_tokens_map_file":
        None, "strip_accents": None, "tokenize_chinese_chars": True, "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]", "additional_special_tokens": [ENC]})
    write_json(os.path.join(out, "special_tokens_map.json"), {
        "additional_special_tokens": [ENC], "bos_token": DEC, "cls_token": "[CLS]", "mask_token": "[MASK]",
        "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"})


def randomize(model, generator, scale=0.3):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name or "layer_norm" in name or "layernorm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.1 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(scale * torch.randn(p.shape, generator=generator))


def checkpoint(model):
    """model.safetensors' names: the module names (the tied lm head decoder is not saved)."""
    return {k: v for k, v in model.state_dict().items()}


def make_image(path):
    """A 45 x 37 RGB picture with smooth colour ramps and noise (resized to 32 x 32 by the processor)."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:37, 0:45]
    arr = np.stack([x * 5, y * 6, (x + y) * 3], -1) + rng.integers(0, 40, (37, 45, 3))
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path)


def tokens(text, vocab):
    return bert.encode(text, vocab)


def decode(ids, vocab):
    """tokenizer.decode(skip_special_tokens=True): WordPiece pieces joined, ## glued, clean-up of ' ?' and the like."""
    piece = {i: t for t, i in vocab.items()}
    specials = set(bert.SPECIALS) | {DEC, ENC}
    text = ""
    for i in ids:
        p = piece[i]
        if p in specials:
            continue
        text += p[2:] if p.startswith("##") else (" " + p if text else p)
    for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
                 (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
        text = text.replace(a, b)
    return text


def min_gap(model, enc, rows, prompt_len):
    """The smallest top-1 / top-2 logit gap at the generated positions: float32 must pick the same tokens."""
    gaps = []
    for r, row in enumerate(rows):
        ids = torch.tensor([row[:-1]]) if len(row) > prompt_len else None
        if ids is None:
            continue
        logits = model.text_decoder.full_logits(enc[r:r + 1], ids)[0, prompt_len - 1:]
        top = torch.topk(logits, 2, dim=-1).values
        gaps.append(float((top[:, 0] - top[:, 1]).min()))
    return min(gaps)


def max_length(gen, prompt_len):
    """transformers 5: text_config's max_length 20 is GenerationConfig's default, which the text decoder's generation
    config does not keep, so generate allows 20 tokens after the prompt within max_position_embeddings
    (generation/utils.py _prepare_generated_length); any other max_length counts the prompt."""
    if gen["max_length"] != DEFAULT_MAX_LENGTH:
        return gen["max_length"]
    return min(DEFAULT_MAX_LENGTH + prompt_len, gen["max_position_embeddings"])


def generate(model, enc, init, eos, gen, beams=1):
    process = lambda ids, scores: scores  # noqa: E731  (the checkpoints turn no logits processor on)
    max_new = max_length(gen, len(init)) - len(init)
    if beams == 1:
        return whisper.greedy(model.text_decoder, enc, init, process, eos, max_new)
    return whisper.beam_search(model.text_decoder, enc, init, process, eos, max_new, beams,
                               gen["length_penalty"], gen["early_stopping"])


def padded(rows):
    width = max(1, max(len(r) for r in rows))
    return torch.tensor([r + [-1] * (width - len(r)) for r in rows], dtype=torch.int64)


def folder(out, kind, seed, vocab, pixel_values, image_pixels):
    os.makedirs(out, exist_ok=True)
    tokenizer_files(out, vocab)
    write_json(os.path.join(out, "preprocessor_config.json"), PREPROCESSOR)
    make_image(os.path.join(out, "image.png"))
    config = config_json(kind, len(vocab), vocab[DEC], vocab["[SEP]"])
    write_json(os.path.join(out, "config.json"), config)
    model = Blip(config).double().eval()
    randomize(model, torch.Generator().manual_seed(seed))
    if hasattr(model, "text_decoder"):
        with torch.no_grad():  # [SEP] likely enough that some sequences end before max_length
            model.text_decoder.cls.predictions.bias[vocab["[SEP]"]] += EOS_BOOST[kind]
    safetensors_io.save(os.path.join(out, "model.safetensors"), {k: v.float() for k, v in checkpoint(model).items()},
                        {"format": "pt"})
    model.load_state_dict({k: v.float().double() for k, v in model.state_dict().items()})
    tc = config["text_config"]
    bos, sep = tc["bos_token_id"], tc["sep_token_id"]
    expected = {"pixel_values": pixel_values, "image_pixel_values": image_pixels}
    meta = {"kind": kind}
    with torch.no_grad():
        image_embeds = model.vision_model(pixel_values)
        expected["image_embeds"] = image_embeds
        if kind == "BlipForConditionalGeneration":
            decoder_ids = torch.tensor([[bos, 20, 21, 22, 23], [bos, 30, 31, 8, 9]])
            expected["decoder_input_ids"] = decoder_ids
            expected["logits"] = model.text_decoder.full_logits(image_embeds, decoder_ids)
            greedy = generate(model, image_embeds, [bos], sep, tc)
            beam = generate(model, image_embeds, [bos], sep, tc, beams=3)
            prompt = [bos] + tokens(PROMPT, vocab)[1:-1]  # input_ids[:, 0] = bos, the [SEP] dropped
            prompted = generate(model, image_embeds, prompt, sep, tc)
            prompted_beam = generate(model, image_embeds, prompt, sep, tc, beams=3)
            print("greedy", greedy, "beam", beam, "prompted", prompted, "prompted beam", prompted_beam)
            print("gap greedy %.4f prompted %.4f" % (min_gap(model, image_embeds, [[bos] + g + [sep] for g in greedy], 1),
                                                     min_gap(model, image_embeds, [prompt + g + [sep] for g in prompted],
                                                             len(prompt))))
            assert greedy != beam, "beam search finds the greedy captions; pick another seed"
            expected.update({"greedy_ids": padded(greedy), "beam_ids": padded(beam), "prompt_ids": torch.tensor([prompt]),
                             "prompted_ids": padded(prompted), "prompted_beam_ids": padded(prompted_beam)})
            image_embed = model.vision_model(image_pixels)
            meta["caption"] = decode(generate(model, image_embed, [bos], sep, tc)[0], vocab)
            meta["prompted_caption"] = decode(prompt + generate(model, image_embed, prompt, sep, tc)[0], vocab)
            meta["prompt"] = PROMPT
        elif kind == "BlipForQuestionAnswering":
            question = torch.tensor([tokens(QUESTION, vocab)] * 2)
            q = model.question_embeds(question, None, image_embeds)
            answers = generate(model, q, [bos], sep, tc)
            beam = generate(model, q, [bos], sep, tc, beams=3)
            print("answers", answers, "beam", beam, "gap %.4f" % min_gap(model, q, [[bos] + a + [sep] for a in answers], 1))
            expected.update({"question_ids": question, "question_embeds": q, "answer_ids": padded(answers),
                             "beam_answer_ids": padded(beam)})
            one = torch.tensor([tokens(QUESTION, vocab)])
            meta["question"] = QUESTION
            meta["answer"] = decode(generate(model, model.question_embeds(one, None, model.vision_model(image_pixels)),
                                             [bos], sep, tc)[0], vocab)
        else:
            rows = [tokens(t, vocab) for t in TEXTS]
            ids, mask = bert.pad_batch(rows, 0)
            expected.update({"text_ids": ids, "text_mask": mask, "itm_probability": model.itm(ids, mask, image_embeds),
                             "cosine": model.cosine(ids, mask, image_embeds)})
            one = torch.tensor([rows[0]])
            image_embed = model.vision_model(image_pixels)
            meta.update({"text": TEXTS[0], "probability": repr(float(model.itm(one, None, image_embed)[0])),
                         "similarity": repr(float(model.cosine(one, None, image_embed)[0]))})
            print("itm", expected["itm_probability"], "cosine", expected["cosine"])
    print(kind, meta)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected, meta)


def tiny(out):
    vocab = vocabulary()
    pixel_values = torch.randn(2, 3, IMAGE_SIZE, IMAGE_SIZE, generator=torch.Generator().manual_seed(3),
                               dtype=torch.float64).float().double()
    os.makedirs(out, exist_ok=True)
    make_image(os.path.join(out, "image.png"))
    image = torch.from_numpy(clip_pixel_values(Image.open(os.path.join(out, "image.png")),
                                               dict(PREPROCESSOR, do_center_crop=False))).double()[None]
    os.remove(os.path.join(out, "image.png"))
    for name, kind, seed in (("caption", "BlipForConditionalGeneration", 11),
                             ("vqa", "BlipForQuestionAnswering", 12),
                             ("itm", "BlipForImageTextRetrieval", 13)):
        folder(os.path.join(out, name), kind, seed, vocab, pixel_values, image)


# ---------------------------------------------------------------------------------------------------------------
# real shapes (Salesforce/blip-image-captioning-base, blip-vqa-base, blip-itm-base-coco), float32, random weights


KINDS = {"caption": "BlipForConditionalGeneration", "vqa": "BlipForQuestionAnswering",
         "itm": "BlipForImageTextRetrieval"}


def real_config(kind):
    return config_json(KINDS[kind], 30524, 30522, 102, text=(768, 12, 12, 3072), vision=(768, 12, 12, 3072),
                       image_size=384, patch=16, positions=512)


def real_model(kind):
    model = Blip(real_config(kind)).float().eval()
    with torch.no_grad():
        for name, p in model.named_parameters():  # _init_weights: N(0, 0.02), LayerNorm 1 and 0, biases 0
            if "LayerNorm" in name or "layer_norm" in name or "layernorm" in name:
                p.fill_(1.0 if name.endswith("weight") else 0.0)
            elif name.endswith("bias"):
                p.zero_()
            else:
                p.normal_(0, 0.02)
    return model


def write_real_shape(kind, out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = real_model(kind)
    write_json(os.path.join(out, "config.json"), real_config(kind))
    write_json(os.path.join(out, "preprocessor_config.json"), dict(PREPROCESSOR, size={"height": 384, "width": 384}))
    safetensors_io.save(os.path.join(out, "model.safetensors"), checkpoint(model), {"format": "pt"})


def time_real(rounds, batch, kinds):
    """Captions (greedy from [DEC] to max_length 20 with a KV cache, as generate runs it) and VQA answers (the same
    after the text encoder over an 8-token question) of random images at the real shapes, float32; the first round
    warms up."""
    torch.manual_seed(0)
    for kind in kinds:
        model = real_model(kind)
        tc = real_config(kind)["text_config"]
        pixels = torch.randn(batch, 3, 384, 384)
        question = torch.tensor([[101, 2054, 3609, 2003, 1996, 4937, 1029, 102]] * batch)
        for r in range(rounds):
            start = time.perf_counter()
            with torch.no_grad():
                enc = model.vision_model(pixels)
                if kind == "vqa":
                    enc = model.question_embeds(question, None, enc)
                encoded = time.perf_counter()
                out = cached_greedy(model.text_decoder, enc, [30522], 102, tc["max_length"])
            took = time.perf_counter() - start
            steps = max(len(o) for o in out)
            print("%s batch %d round %d: %.3f s, %.3f %s/s, %d tokens; encoders %.0f ms, decoder %.1f ms/token"
                  % (kind, batch, r, took, batch / took, "captions" if kind == "caption" else "answers",
                     sum(len(o) for o in out), (encoded - start) * 1000, (took - (encoded - start)) * 1000 / steps))


def cached_greedy(decoder, enc, init, eos, max_length):
    """Greedy decoding with a KV cache (what transformers' generate does), for timing only: the float64 expectations
    come from whisper.greedy, which recomputes every step."""
    b = enc.shape[0]
    bert_model = decoder.bert
    layers = bert_model.encoder.layer
    cross = [(l.crossattention.split(l.crossattention.self.key(enc)), l.crossattention.split(l.crossattention.self.value(enc)))
             for l in layers]
    past = [None] * len(layers)
    ids = torch.tensor([init] * b)
    feed = ids
    out = [[] for _ in range(b)]
    done = [False] * b
    while ids.shape[1] < max_length:
        start = ids.shape[1] - feed.shape[1]
        e = bert_model.embeddings
        x = e.LayerNorm(e.word_embeddings(feed) + e.position_embeddings(torch.arange(start, ids.shape[1]))[None])
        t = feed.shape[1]
        for i, l in enumerate(layers):
            a = l.attention
            q, k, v = a.split(a.self.query(x)), a.split(a.self.key(x)), a.split(a.self.value(x))
            if past[i] is not None:
                k, v = torch.cat([past[i][0], k], 2), torch.cat([past[i][1], v], 2)
            past[i] = (k, v)
            mask = torch.ones(t, k.shape[2], dtype=torch.bool).tril(k.shape[2] - t)
            h = nn.functional.scaled_dot_product_attention(q, k, v, mask) if hasattr(nn.functional, "scaled_dot_product_attention") \
                else torch.softmax((q @ k.transpose(-1, -2)) / q.shape[-1] ** 0.5 + (~mask) * NEG_MASK, -1) @ v
            x = a.output.LayerNorm(a.output.dense(h.permute(0, 2, 1, 3).reshape(b, t, -1)) + x)
            c = l.crossattention
            q = c.split(c.self.query(x))
            h = torch.softmax((q @ cross[i][0].transpose(-1, -2)) / q.shape[-1] ** 0.5, -1) @ cross[i][1]
            x = c.output.LayerNorm(c.output.dense(h.permute(0, 2, 1, 3).reshape(b, t, -1)) + x)
            x = l.output.LayerNorm(l.output.dense(gelu(l.intermediate.dense(x))) + x)
        tr = decoder.cls.predictions.transform
        logits = tr.LayerNorm(gelu(tr.dense(x[:, -1]))) @ e.word_embeddings.weight.t() + decoder.cls.predictions.bias
        nxt = logits.argmax(-1)
        for k in range(b):
            if not done[k]:
                out[k].append(int(nxt[k]))
                done[k] = int(nxt[k]) == eos
        ids = torch.cat([ids, nxt[:, None]], 1)
        feed = nxt[:, None]
        if all(done):
            break
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--time":
        args = sys.argv[2:]
        rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 3
        batch = int(args[args.index("--batch") + 1]) if "--batch" in args else 1
        kinds = [args[args.index("--kind") + 1]] if "--kind" in args else ["caption", "vqa"]
        time_real(rounds, batch, kinds)
    elif sys.argv[1] == "--write-real-shape":
        write_real_shape(sys.argv[2], sys.argv[3])
    else:
        tiny(sys.argv[1])
