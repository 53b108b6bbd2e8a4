"""VITS text-to-speech (transformers' VitsModel and VitsTokenizer) in float64, written from the transformers source.

Sources (huggingface/transformers, main as stored in 2026):
- src/transformers/models/vits/modeling_vits.py: VitsTextEncoder / VitsEncoder / VitsEncoderLayer, VitsAttention
  (_get_relative_embeddings, _relative_position_to_absolute_position, _absolute_position_to_relative_position),
  VitsFeedForward, VitsStochasticDurationPredictor.forward(reverse=True), VitsDurationPredictor,
  VitsDilatedDepthSeparableConv, VitsConvFlow, VitsElementwiseAffine, _unconstrained_rational_quadratic_spline,
  _rational_quadratic_spline, VitsResidualCouplingBlock / Layer, VitsWaveNet, VitsHifiGan, HifiGanResidualBlock,
  VitsModel.forward (length regulation, the alignment path, the prior sampled with noise_scale).
- src/transformers/models/vits/configuration_vits.py: VitsConfig's defaults.
- src/transformers/models/vits/tokenization_vits.py: normalize_text, prepare_for_tokenization (normalize, then the
  characters outside vocab.json dropped and the text stripped), _tokenize (add_blank interleaves id 0).

The relative-position attention is written with explicit index arithmetic (relative position j - i, the window's
embedding row j - i + window_size) rather than transformers' pad-and-reshape, as an independent statement of what
those reshapes compute. The two noise tensors transformers draws (torch.randn for the duration flow, (B, 2, T), and
torch.randn_like for the prior, (B, flow_size, frames)) are taken as arguments, so Java can be given the same.

Usage: /usr/bin/python3 tools/reference/vits.py src/test/resources/reference/vits
writes that folder (a tiny stochastic-duration VITS with the checkpoints' weight_g/weight_v names) and a sibling
"<name>-deterministic" (the deterministic duration predictor, speaking_rate 1.5, and weight norm under transformers'
newer parametrizations.weight.original0/1 names): config.json, model.safetensors, vocab.json,
tokenizer_config.json, special_tokens_map.json and expected.safetensors (input_ids, both noises, the durations, the
spectrogram and the waveform), and tokenizer_cases.json (texts and their ids).

Benchmarks at a real checkpoint's shapes (random float32 weights, the character tokenizer above):
  /usr/bin/python3 tools/reference/vits.py --random-checkpoint vits-ljs|mms-tts-eng DIR
  /usr/bin/python3 tools/reference/vits.py --time DIR "TEXT" REPEATS THREADS   (a JSON line per repeat) `build(config)` gives random
float32 weights at any config's shapes (e.g. mms-tts-eng's) for benchmarks.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

# configuration_vits.py, VitsConfig.__init__ defaults
DEFAULTS = dict(vocab_size=38, hidden_size=192, num_hidden_layers=6, num_attention_heads=2, window_size=4,
                use_bias=True, ffn_dim=768, layerdrop=0.1, ffn_kernel_size=3, flow_size=192, spectrogram_bins=513,
                hidden_act="relu", hidden_dropout=0.1, attention_dropout=0.1, activation_dropout=0.1,
                initializer_range=0.02, layer_norm_eps=1e-5, use_stochastic_duration_prediction=True, num_speakers=1,
                speaker_embedding_size=0, upsample_initial_channel=512, upsample_rates=[8, 8, 2, 2],
                upsample_kernel_sizes=[16, 16, 4, 4], resblock_kernel_sizes=[3, 7, 11],
                resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5], [1, 3, 5]], leaky_relu_slope=0.1,
                depth_separable_channels=2, depth_separable_num_layers=3, duration_predictor_flow_bins=10,
                duration_predictor_tail_bound=5.0, duration_predictor_kernel_size=3, duration_predictor_dropout=0.5,
                duration_predictor_num_flows=4, duration_predictor_filter_channels=256, prior_encoder_num_flows=4,
                prior_encoder_num_wavenet_layers=4, posterior_encoder_num_wavenet_layers=16, wavenet_kernel_size=5,
                wavenet_dilation_rate=1, wavenet_dropout=0.0, speaking_rate=1.0, noise_scale=0.667,
                noise_scale_duration=0.8, sampling_rate=16000)


def full_config(c):
    out = dict(DEFAULTS)
    out.update(c)
    return out


# ---------------------------------------------------------------------------------------------------------------
# parameter names and shapes, as the checkpoints hold them

WEIGHT_NORM = "weight_norm"  # a conv whose weight is stored as (g, v)


def conv(shapes, name, out_ch, in_ch, k, bias=True, norm=False):
    shapes[name] = ((out_ch, in_ch, k), norm)
    if bias:
        shapes[name + ".bias"] = ((out_ch,), False)


def layer_norm(shapes, name, d):
    shapes[name + ".weight"] = ((d,), False)
    shapes[name + ".bias"] = ((d,), False)


def dds_shapes(shapes, prefix, c):
    h, k = c["hidden_size"], c["duration_predictor_kernel_size"]
    for i in range(c["depth_separable_num_layers"]):
        conv(shapes, f"{prefix}.convs_dilated.{i}", h, 1, k)
        conv(shapes, f"{prefix}.convs_pointwise.{i}", h, h, 1)
        layer_norm(shapes, f"{prefix}.norms_1.{i}", h)
        layer_norm(shapes, f"{prefix}.norms_2.{i}", h)


def flows_shapes(shapes, prefix, c):
    ch = c["depth_separable_channels"]
    half, h, bins = ch // 2, c["hidden_size"], c["duration_predictor_flow_bins"]
    shapes[f"{prefix}.0.translate"] = ((ch, 1), False)
    shapes[f"{prefix}.0.log_scale"] = ((ch, 1), False)
    for i in range(1, c["duration_predictor_num_flows"] + 1):
        conv(shapes, f"{prefix}.{i}.conv_pre", h, half, 1)
        dds_shapes(shapes, f"{prefix}.{i}.conv_dds", c)
        conv(shapes, f"{prefix}.{i}.conv_proj", half * (bins * 3 - 1), h, 1)


def wavenet_shapes(shapes, prefix, c, layers):
    h, k = c["hidden_size"], c["wavenet_kernel_size"]
    for i in range(layers):
        conv(shapes, f"{prefix}.in_layers.{i}", 2 * h, h, k, norm=True)
    for i in range(layers):
        conv(shapes, f"{prefix}.res_skip_layers.{i}", 2 * h if i < layers - 1 else h, h, 1, norm=True)


def shapes_of(c):
    """{name: (shape, weight_normed)} in the order of VitsModel's state_dict (weight-normed convs once, by base name)."""
    s = {}
    h, fs = c["hidden_size"], c["flow_size"]
    s["text_encoder.embed_tokens.weight"] = ((c["vocab_size"], h), False)
    for i in range(c["num_hidden_layers"]):
        at = f"text_encoder.encoder.layers.{i}."
        hd = h // c["num_attention_heads"]
        s[at + "attention.emb_rel_k"] = ((1, 2 * c["window_size"] + 1, hd), False)
        s[at + "attention.emb_rel_v"] = ((1, 2 * c["window_size"] + 1, hd), False)
        for p in ("k_proj", "v_proj", "q_proj", "out_proj"):
            s[at + f"attention.{p}.weight"] = ((h, h), False)
            s[at + f"attention.{p}.bias"] = ((h,), False)
        layer_norm(s, at + "layer_norm", h)
        conv(s, at + "feed_forward.conv_1", c["ffn_dim"], h, c["ffn_kernel_size"])
        conv(s, at + "feed_forward.conv_2", h, c["ffn_dim"], c["ffn_kernel_size"])
        layer_norm(s, at + "final_layer_norm", h)
    conv(s, "text_encoder.project", 2 * fs, h, 1)
    for i in range(c["prior_encoder_num_flows"]):
        conv(s, f"flow.flows.{i}.conv_pre", h, fs // 2, 1)
        wavenet_shapes(s, f"flow.flows.{i}.wavenet", c, c["prior_encoder_num_wavenet_layers"])
        conv(s, f"flow.flows.{i}.conv_post", fs // 2, h, 1)
    ch0 = c["upsample_initial_channel"]
    conv(s, "decoder.conv_pre", ch0, fs, 7)
    for i, (u, k) in enumerate(zip(c["upsample_rates"], c["upsample_kernel_sizes"])):
        s[f"decoder.upsampler.{i}"] = ((ch0 // 2 ** i, ch0 // 2 ** (i + 1), k), False)
        s[f"decoder.upsampler.{i}.bias"] = ((ch0 // 2 ** (i + 1),), False)
    n = 0
    for i in range(len(c["upsample_rates"])):
        ch = ch0 // 2 ** (i + 1)
        for k, dil in zip(c["resblock_kernel_sizes"], c["resblock_dilation_sizes"]):
            for j in range(len(dil)):
                conv(s, f"decoder.resblocks.{n}.convs1.{j}", ch, ch, k)
            for j in range(len(dil)):
                conv(s, f"decoder.resblocks.{n}.convs2.{j}", ch, ch, k)
            n += 1
    conv(s, "decoder.conv_post", 1, ch0 // 2 ** len(c["upsample_rates"]), 7, bias=False)
    dp = "duration_predictor"
    if c["use_stochastic_duration_prediction"]:
        conv(s, f"{dp}.conv_pre", h, h, 1)
        conv(s, f"{dp}.conv_proj", h, h, 1)
        dds_shapes(s, f"{dp}.conv_dds", c)
        flows_shapes(s, f"{dp}.flows", c)
        conv(s, f"{dp}.post_conv_pre", h, 1, 1)
        conv(s, f"{dp}.post_conv_proj", h, h, 1)
        dds_shapes(s, f"{dp}.post_conv_dds", c)
        flows_shapes(s, f"{dp}.post_flows", c)
    else:
        fc, k = c["duration_predictor_filter_channels"], c["duration_predictor_kernel_size"]
        conv(s, f"{dp}.conv_1", fc, h, k)
        layer_norm(s, f"{dp}.norm_1", fc)
        conv(s, f"{dp}.conv_2", fc, fc, k)
        layer_norm(s, f"{dp}.norm_2", fc)
        conv(s, f"{dp}.proj", 1, fc, 1)
    conv(s, "posterior_encoder.conv_pre", h, c["spectrogram_bins"], 1)
    wavenet_shapes(s, "posterior_encoder.wavenet", c, c["posterior_encoder_num_wavenet_layers"])
    conv(s, "posterior_encoder.conv_proj", 2 * fs, h, 1)
    return s


def checkpoint_names(name, shape, norm, style):
    """The stored tensors of one declared entry: a plain weight, or weight norm's (g, v) under either naming."""
    if name.endswith((".bias", ".translate", ".log_scale", ".emb_rel_k", ".emb_rel_v")) or name.endswith(".weight"):
        return [(name, shape)]
    if not norm:
        return [(name + ".weight", shape)]
    g_shape = (shape[0],) + (1,) * (len(shape) - 1)
    if style == "parametrizations":
        return [(name + ".parametrizations.weight.original0", g_shape),
                (name + ".parametrizations.weight.original1", shape)]
    return [(name + ".weight_g", g_shape), (name + ".weight_v", shape)]


def build(config, seed=0, style="weight_g", dtype=torch.float32):
    """Random checkpoint tensors {stored name: tensor} for a config, small enough that the flows stay in range."""
    c = full_config(config)
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name, (shape, norm) in shapes_of(c).items():
        for stored, s in checkpoint_names(name, shape, norm, style):
            if len(s) == 1 and stored.endswith(".weight"):
                t = 1 + 0.1 * torch.randn(s, generator=g, dtype=torch.float64)
            elif len(s) == 1:
                t = 0.1 * torch.randn(s, generator=g, dtype=torch.float64)
            elif stored.endswith(("original0", "weight_g")):
                t = 0.3 + 0.4 * torch.rand(s, generator=g, dtype=torch.float64)
            elif stored.endswith(("translate", "log_scale")):
                t = 0.2 * torch.randn(s, generator=g, dtype=torch.float64)
            elif stored.endswith(("embed_tokens.weight", "emb_rel_k", "emb_rel_v")):
                t = 0.3 * torch.randn(s, generator=g, dtype=torch.float64)
            else:
                fan_in = s[1] * s[2] if len(s) == 3 and not stored.startswith("decoder.upsampler") else s[0] if len(s) == 3 else s[1]
                t = torch.randn(s, generator=g, dtype=torch.float64) / math.sqrt(fan_in)
                if stored.startswith("decoder.conv_post"):
                    t = t * 0.1  # keep the waveform off tanh's flat ends, where differences would not show
            out[stored] = t.to(dtype)
    return out


# ---------------------------------------------------------------------------------------------------------------
# the model, over a {stored name: tensor} dict P (float64 for the reference)

def weight(P, name):
    if name + ".weight" in P:
        return P[name + ".weight"]
    if name + ".weight_g" in P:
        g, v = P[name + ".weight_g"], P[name + ".weight_v"]
    else:
        g, v = P[name + ".parametrizations.weight.original0"], P[name + ".parametrizations.weight.original1"]
    # torch.nn.utils.weight_norm (dim=0): w = g * v / ||v|| over every dimension but the first
    return g * v / v.flatten(1).norm(dim=1).view(-1, *([1] * (v.dim() - 1)))


def conv1d(P, name, x, padding=0, dilation=1, groups=1):
    return F.conv1d(x, weight(P, name), P.get(name + ".bias"), 1, padding, dilation, groups)


def ln_channels(P, name, x, eps):
    """LayerNorm over the channels of (B, C, T)."""
    return F.layer_norm(x.transpose(1, -1), (x.shape[1],), P[name + ".weight"], P[name + ".bias"], eps).transpose(1, -1)


def relative_table(emb, length, window):
    """(2·length − 1, hd): row r holds the embedding of relative position r − (length − 1), zero outside the window."""
    hd = emb.shape[-1]
    table = torch.zeros(2 * length - 1, hd, dtype=emb.dtype)
    for r in range(2 * length - 1):
        d = r - (length - 1)
        if -window <= d <= window:
            table[r] = emb[0, d + window]
    return table


def attention(P, at, x, c):
    b, t, h = x.shape
    nh = c["num_attention_heads"]
    hd = h // nh
    w = c["window_size"]

    def heads(y):
        return y.view(b, t, nh, hd).transpose(1, 2)

    q = heads(F.linear(x, P[at + "q_proj.weight"], P[at + "q_proj.bias"]) * hd ** -0.5)
    k = heads(F.linear(x, P[at + "k_proj.weight"], P[at + "k_proj.bias"]))
    v = heads(F.linear(x, P[at + "v_proj.weight"], P[at + "v_proj.bias"]))
    logits = q @ k.transpose(-1, -2)
    rel_k = relative_table(P[at + "emb_rel_k"], t, w)
    rel_logits = q @ rel_k.T  # (b, nh, t, 2t-1): query i against relative position r-(t-1)
    i = torch.arange(t).view(t, 1)
    j = torch.arange(t).view(1, t)
    logits = logits + rel_logits[:, :, i, j - i + t - 1]
    probs = logits.softmax(-1)
    out = probs @ v
    rel_v = relative_table(P[at + "emb_rel_v"], t, w)
    rel_probs = torch.zeros(b, nh, t, 2 * t - 1, dtype=x.dtype)
    rel_probs[:, :, i, j - i + t - 1] = probs
    out = out + rel_probs @ rel_v
    out = out.transpose(1, 2).reshape(b, t, h)
    return F.linear(out, P[at + "out_proj.weight"], P[at + "out_proj.bias"])


def feed_forward(P, at, x, c):
    k = c["ffn_kernel_size"]
    pad = ((k - 1) // 2, k // 2)
    y = F.pad(x.transpose(1, 2), pad)
    y = torch.relu(conv1d(P, at + "conv_1", y))
    y = conv1d(P, at + "conv_2", F.pad(y, pad))
    return y.transpose(1, 2)


def text_encoder(P, ids, c):
    h = P["text_encoder.embed_tokens.weight"][ids] * math.sqrt(c["hidden_size"])
    eps = c["layer_norm_eps"]
    for n in range(c["num_hidden_layers"]):
        at = f"text_encoder.encoder.layers.{n}."
        h = F.layer_norm(h + attention(P, at + "attention.", h, c), (h.shape[-1],), P[at + "layer_norm.weight"],
                         P[at + "layer_norm.bias"], eps)
        h = F.layer_norm(h + feed_forward(P, at + "feed_forward.", h, c), (h.shape[-1],),
                         P[at + "final_layer_norm.weight"], P[at + "final_layer_norm.bias"], eps)
    stats = conv1d(P, "text_encoder.project", h.transpose(1, 2))
    fs = c["flow_size"]
    return h.transpose(1, 2), stats[:, :fs], stats[:, fs:]


def dds(P, prefix, x, c, g=None):
    if g is not None:
        x = x + g
    k = c["duration_predictor_kernel_size"]
    for i in range(c["depth_separable_num_layers"]):
        d = k ** i
        y = conv1d(P, f"{prefix}.convs_dilated.{i}", x, padding=(k * d - d) // 2, dilation=d, groups=x.shape[1])
        y = F.gelu(ln_channels(P, f"{prefix}.norms_1.{i}", y, 1e-5))
        y = conv1d(P, f"{prefix}.convs_pointwise.{i}", y)
        y = F.gelu(ln_channels(P, f"{prefix}.norms_2.{i}", y, 1e-5))
        x = x + y
    return x


def spline_inverse(y, uw, uh, ud, bound, min_w=1e-3, min_h=1e-3, min_d=1e-3):
    """The inverse of the monotonic rational-quadratic spline on [-bound, bound], identity outside."""
    bins = uw.shape[-1]
    edge = math.log(math.exp(1 - min_d) - 1)
    ud = F.pad(ud, (1, 1), value=edge)

    def knots(u, minimum):
        size = minimum + (1 - minimum * bins) * u.softmax(-1)
        cum = F.pad(size.cumsum(-1), (1, 0)) * 2 * bound - bound
        cum[..., 0] = -bound
        cum[..., -1] = bound
        return cum, cum[..., 1:] - cum[..., :-1]

    cw, w = knots(uw, min_w)
    ch, h = knots(uh, min_h)
    deriv = min_d + F.softplus(ud)
    locations = ch.clone()
    locations[..., -1] += 1e-6
    inside = (y >= -bound) & (y <= bound)
    idx = ((y[..., None] >= locations).sum(-1) - 1).clamp(0, bins - 1)[..., None]

    def at(t, offset=0):
        return t[..., offset:].gather(-1, idx)[..., 0]

    x_cw, x_w, x_ch, x_h = at(cw), at(w), at(ch), at(h)
    delta = at(h / w)
    d0, d1 = at(deriv), at(deriv, 1)
    s = d0 + d1 - 2 * delta
    dy = y - x_ch
    a = x_h * (delta - d0) + dy * s
    b = x_h * d0 - dy * s
    cc = -delta * dy
    root = 2 * cc / (-b - torch.sqrt(b * b - 4 * a * cc))
    return torch.where(inside, root * x_w + x_cw, y)


def conv_flow_inverse(P, prefix, z, mask, g, c):
    half = c["depth_separable_channels"] // 2
    bins = c["duration_predictor_flow_bins"]
    first, second = z[:, :half], z[:, half:]
    hsz = c["hidden_size"]
    hidden = dds(P, prefix + ".conv_dds", conv1d(P, prefix + ".conv_pre", first), c, g) * mask
    hidden = conv1d(P, prefix + ".conv_proj", hidden) * mask
    b, _, t = first.shape
    hidden = hidden.reshape(b, half, 3 * bins - 1, t).permute(0, 1, 3, 2)
    second = spline_inverse(second, hidden[..., :bins] / math.sqrt(hsz), hidden[..., bins:2 * bins] / math.sqrt(hsz),
                            hidden[..., 2 * bins:], c["duration_predictor_tail_bound"])
    return torch.cat([first, second], 1) * mask


def stochastic_log_durations(P, x, mask, noise, c):
    dp = "duration_predictor"
    x = conv1d(P, f"{dp}.conv_pre", x)
    x = dds(P, f"{dp}.conv_dds", x, c) * mask
    x = conv1d(P, f"{dp}.conv_proj", x) * mask
    z = noise * c["noise_scale_duration"]
    # the flows reversed, without the first spline flow (modeling_vits.py: "remove a useless vflow")
    order = list(range(c["duration_predictor_num_flows"], 1, -1)) + [0]
    for i in order:
        z = torch.flip(z, [1])
        if i == 0:
            z = (z - P[f"{dp}.flows.0.translate"]) * torch.exp(-P[f"{dp}.flows.0.log_scale"]) * mask
        else:
            z = conv_flow_inverse(P, f"{dp}.flows.{i}", z, mask, x, c)
    return z[:, :1]


def deterministic_log_durations(P, x, mask, c):
    dp = "duration_predictor"
    k = c["duration_predictor_kernel_size"]
    eps = c["layer_norm_eps"]
    x = ln_channels(P, f"{dp}.norm_1", torch.relu(conv1d(P, f"{dp}.conv_1", x * mask, padding=k // 2)), eps)
    x = ln_channels(P, f"{dp}.norm_2", torch.relu(conv1d(P, f"{dp}.conv_2", x * mask, padding=k // 2)), eps)
    return conv1d(P, f"{dp}.proj", x * mask) * mask


def wavenet(P, prefix, x, mask, layers, c):
    h, k = c["hidden_size"], c["wavenet_kernel_size"]
    out = torch.zeros_like(x)
    for i in range(layers):
        d = c["wavenet_dilation_rate"] ** i
        y = conv1d(P, f"{prefix}.in_layers.{i}", x, padding=(k * d - d) // 2, dilation=d)
        acts = torch.tanh(y[:, :h]) * torch.sigmoid(y[:, h:])
        rs = conv1d(P, f"{prefix}.res_skip_layers.{i}", acts)
        if i < layers - 1:
            x = (x + rs[:, :h]) * mask
            out = out + rs[:, h:]
        else:
            out = out + rs
    return out * mask


def flow_inverse(P, z, mask, c):
    half = c["flow_size"] // 2
    for i in reversed(range(c["prior_encoder_num_flows"])):
        z = torch.flip(z, [1])
        at = f"flow.flows.{i}"
        first, second = z[:, :half], z[:, half:]
        hidden = conv1d(P, at + ".conv_pre", first) * mask
        hidden = wavenet(P, at + ".wavenet", hidden, mask, c["prior_encoder_num_wavenet_layers"], c)
        mean = conv1d(P, at + ".conv_post", hidden) * mask
        z = torch.cat([first, (second - mean) * mask], 1)
    return z


def hifigan(P, x, c):
    slope = c["leaky_relu_slope"]
    x = conv1d(P, "decoder.conv_pre", x, padding=3)
    kernels = len(c["resblock_kernel_sizes"])
    for i, (u, k) in enumerate(zip(c["upsample_rates"], c["upsample_kernel_sizes"])):
        x = F.conv_transpose1d(F.leaky_relu(x, slope), P[f"decoder.upsampler.{i}.weight"],
                               P[f"decoder.upsampler.{i}.bias"], stride=u, padding=(k - u) // 2)
        total = 0
        for j, (rk, dil) in enumerate(zip(c["resblock_kernel_sizes"], c["resblock_dilation_sizes"])):
            at = f"decoder.resblocks.{i * kernels + j}"
            y = x
            for m, d in enumerate(dil):
                r = conv1d(P, f"{at}.convs1.{m}", F.leaky_relu(y, slope), padding=(rk * d - d) // 2, dilation=d)
                y = y + conv1d(P, f"{at}.convs2.{m}", F.leaky_relu(r, slope), padding=(rk - 1) // 2)
            total = total + y
        x = total / kernels
    return torch.tanh(conv1d(P, "decoder.conv_post", F.leaky_relu(x), padding=3))


def forward(P, ids, c, duration_noise, prior_noise=None):
    """(durations, spectrogram, waveform) of one text; prior_noise None asks for its shape (returned instead)."""
    c = full_config(c)
    mask = torch.ones(1, 1, ids.shape[1], dtype=duration_noise.dtype)
    hidden, means, logvars = text_encoder(P, ids, c)
    if c["use_stochastic_duration_prediction"]:
        logw = stochastic_log_durations(P, hidden, mask, duration_noise, c)
    else:
        logw = deterministic_log_durations(P, hidden, mask, c)
    scaled = torch.exp(logw) * mask / c["speaking_rate"]
    durations = torch.ceil(scaled)
    frames = max(1, int(durations.sum().item()))
    if prior_noise is None:
        return scaled, (1, c["flow_size"], frames)
    token = torch.repeat_interleave(torch.arange(ids.shape[1]), durations[0, 0].long())
    prior = means[:, :, token] + prior_noise * torch.exp(logvars[:, :, token]) * c["noise_scale"]
    out_mask = torch.ones(1, 1, frames, dtype=prior.dtype)
    spectrogram = flow_inverse(P, prior, out_mask, c) * out_mask
    return durations, spectrogram, hifigan(P, spectrogram, c)[:, 0]


# ---------------------------------------------------------------------------------------------------------------
# the tokenizer (tokenization_vits.py)

def tokenize(text, vocab, specials, normalize=True, add_blank=True):
    if normalize:
        words = list(vocab) + [s for s in specials if s not in vocab]
        out, i = "", 0
        while i < len(text):
            for word in words:
                if text[i:i + len(word)] == word:
                    out += word
                    i += len(word)
                    break
            else:
                out += text[i].lower()
                i += 1
        text = "".join(ch for ch in out if ch in vocab).strip()
    ids = [vocab[ch] for ch in text]
    if add_blank:
        blanked = [0] * (2 * len(ids) + 1)
        blanked[1::2] = ids
        ids = blanked
    return ids


# ---------------------------------------------------------------------------------------------------------------
# the folders

VOCAB = ["k", "'", "z", "y", "u", "d", "h", "e", "s", "w", "3", "c", "p", "-", "1", "j", "m", "i", " ", "f", "l",
         "o", "0", "b", "r", "a", "4", "2", "n", "_", "x", "v", "t", "q", "5", "6", "g", "–"]

TINY = dict(vocab_size=len(VOCAB), hidden_size=16, num_hidden_layers=2, num_attention_heads=2, window_size=2,
            ffn_dim=24, ffn_kernel_size=3, flow_size=8, spectrogram_bins=10, upsample_initial_channel=16,
            upsample_rates=[4, 2], upsample_kernel_sizes=[8, 4], resblock_kernel_sizes=[3, 5],
            resblock_dilation_sizes=[[1, 2], [1, 3]], depth_separable_channels=2, depth_separable_num_layers=2,
            duration_predictor_flow_bins=4, duration_predictor_num_flows=3, duration_predictor_filter_channels=12,
            prior_encoder_num_flows=2, prior_encoder_num_wavenet_layers=3, posterior_encoder_num_wavenet_layers=2,
            wavenet_kernel_size=3, wavenet_dilation_rate=2, sampling_rate=16000)

TEXTS = ["Hello - World, 42!", "  The QUICK brown fox; jumps?  ", "k", "éà ü"]


def config_json(c):
    out = dict(architectures=["VitsModel"], model_type="vits", torch_dtype="float32",
               transformers_version="4.33.0.dev0", pad_token_id=0, activation_dropout=0.1, attention_dropout=0.1)
    out.update(full_config(c))
    return dict(sorted(out.items()))


def write_folder(out, c, style, seed, text):
    os.makedirs(out, exist_ok=True)
    vocab = {ch: i for i, ch in enumerate(VOCAB)}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json(c), f, indent=2, sort_keys=True)
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, indent=2, ensure_ascii=False)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(dict(add_blank=True, clean_up_tokenization_spaces=True, is_uroman=False, language="eng",
                       model_max_length=1000000000000000019884624838656, normalize=True, pad_token="k",
                       phonemize=False, tokenizer_class="VitsTokenizer", unk_token="<unk>"), f, indent=2)
    with open(os.path.join(out, "special_tokens_map.json"), "w") as f:
        json.dump(dict(pad_token="k", unk_token="<unk>"), f, indent=2)
    stored = build(c, seed=seed, style=style)
    safetensors_io.save(os.path.join(out, "model.safetensors"), stored, {"format": "pt"})
    P = {k: v.to(torch.float64) for k, v in stored.items()}
    full = full_config(c)
    ids = torch.tensor([tokenize(text, vocab, ["k", "<unk>"])])
    g = torch.Generator().manual_seed(seed + 1)
    # float32 noise, as torch.randn draws it for transformers
    duration_noise = torch.randn(1, 2, ids.shape[1], generator=g).to(torch.float64)
    scaled, prior_shape = forward(P, ids, full, duration_noise)
    # float32 and float64 must agree on every ceil: no scaled duration within 1e-3 of a whole number
    gap = (scaled - scaled.round()).abs().min().item()
    assert gap > 1e-3, f"a duration is {gap} from a whole number; choose another seed"
    prior_noise = torch.randn(*prior_shape, generator=g).to(torch.float64)
    durations, spectrogram, waveform = forward(P, ids, full, duration_noise, prior_noise)
    expected = {"input_ids": ids.to(torch.int64), "duration_noise": duration_noise, "prior_noise": prior_noise,
                "durations": durations[0, 0], "spectrogram": spectrogram, "waveform": waveform}
    # what torch.manual_seed(555) then VitsModel.forward's two draws give, for Java's seeded generator: torch.randn
    # for the duration noise (a short draw: another path in torch's normal sampler than 16 or more numbers), then
    # torch.randn_like(prior_means) for the prior, whose prior_means is a transposed matmul result: randn_like keeps
    # its strides and fills the non-contiguous tensor element by element, unlike torch.randn of the same shape
    seeded = torch.Generator().manual_seed(555)
    expected["seeded_555_short"] = torch.randn(1, 2, 5, generator=seeded).to(torch.float64)
    expected["seeded_555_long"] = torch.empty(1, 40, 8).transpose(1, 2).normal_(generator=seeded).to(torch.float64)
    safetensors_io.save(os.path.join(out, "expected.safetensors"), expected, {"text": text})
    with open(os.path.join(out, "tokenizer_cases.json"), "w", encoding="utf-8") as f:
        json.dump([dict(text=t, ids=tokenize(t, vocab, ["k", "<unk>"])) for t in TEXTS], f, ensure_ascii=False)
    print(f"{out}: {ids.shape[1]} ids, durations {durations[0, 0].long().tolist()}, {waveform.shape[1]} samples, "
          f"|waveform| max {waveform.abs().max().item():.4f}, ceil gap {gap:.4f}")


# the real checkpoints' shapes (their config.json), for benchmarks with random weights
SHAPES = {"mms-tts-eng": dict(vocab_size=len(VOCAB), sampling_rate=16000),
          "vits-ljs": dict(vocab_size=len(VOCAB), sampling_rate=22050)}


def random_checkpoint(out, shape):
    """A folder at a real checkpoint's shapes with random float32 weights and a character tokenizer."""
    c = SHAPES[shape]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json(c), f, indent=2, sort_keys=True)
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({ch: i for i, ch in enumerate(VOCAB)}, f, ensure_ascii=False)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(dict(add_blank=True, normalize=True, phonemize=False, pad_token="k", unk_token="<unk>"), f)
    safetensors_io.save(os.path.join(out, "model.safetensors"), build(c, seed=0), {"format": "pt"})


def time_reference(folder, text, repeats, threads):
    """Real-time factor of this reference in float32 (PyTorch eager), sentence by sentence as Perennial reads it, every
    repeat from seed 555 as `perennial bench pipeline text-to-speech` (so every repeat makes the same audio); the CPU
    time of the process beside the wall time."""
    import re
    import time
    torch.set_num_threads(threads)
    with open(os.path.join(folder, "config.json")) as f:
        c = full_config(json.load(f))
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    P = safetensors_io.load(os.path.join(folder, "model.safetensors"))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if tokenize(s, vocab, ["k"]) != [0]]
    for repeat in range(repeats):
        g = torch.Generator().manual_seed(555)
        start, cpu, samples = time.perf_counter(), time.process_time(), 0
        with torch.no_grad():
            for sentence in sentences:
                ids = torch.tensor([tokenize(sentence, vocab, ["k"])])
                noise = torch.randn(1, 2, ids.shape[1], generator=g)
                _, shape = forward(P, ids, c, noise)
                # the prior's noise as VitsModel draws it (randn_like of a transposed tensor; see write_folder)
                prior = torch.empty(shape[0], shape[2], shape[1]).transpose(1, 2).normal_(generator=g)
                samples += forward(P, ids, c, noise, prior)[2].shape[1]
        seconds = time.perf_counter() - start
        audio = samples / c["sampling_rate"]
        print(json.dumps(dict(repeat=repeat, synthesis_seconds=seconds, cpu_seconds=time.process_time() - cpu, audio_seconds=audio,
                              real_time_factor=audio / seconds)))


def main(out):
    write_folder(out, TINY, "weight_g", 4, "Hello, world.")
    deterministic = dict(TINY, use_stochastic_duration_prediction=False, speaking_rate=1.5)
    write_folder(out.rstrip("/") + "-deterministic", deterministic, "parametrizations", 7, "Quick test")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--random-checkpoint":
        random_checkpoint(sys.argv[3], sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "--time":
        time_reference(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference/vits")
