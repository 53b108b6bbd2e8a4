package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.audio.ClapConfig;
import dev.perennial.audio.ClapFeatures;
import dev.perennial.audio.SincResampler;
import dev.perennial.audio.Waveform;
import dev.perennial.model.ClapModel;
import dev.perennial.model.ClapModelConfig;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * CLAP with its processors: the RoBERTa tokenizer (truncating to the text model's positions) and the feature
 * extractor of preprocessor_config.json. The random choices of the feature extractor are drawn from
 * {@code new java.util.Random(0)} for every recording, so the same file always gets the same scores (transformers
 * draws them from numpy's global generator): rand_trunc's crop offset of a recording longer than max_length_s, or
 * fusion's three crops. Under fusion a recording is always marked is_longer, as transformers marks a batch's one
 * clip when none is longer.
 */
final class ClapEncoder implements Encoder {

    /** The seed of each recording's crop offset. */
    static final long CROP_SEED = 0;

    private final Path dir;
    private final ClapModel model;
    private final EncoderTokenizer tokenizer;
    private final ClapConfig featureConfig;
    private final ClapFeatures features;
    private final int batchSize;
    private final torch.ScalarType dtype;

    private ClapEncoder(Path dir, ClapModel model, EncoderTokenizer tokenizer, ClapConfig featureConfig,
                        int batchSize, torch.ScalarType dtype) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.featureConfig = featureConfig;
        this.features = new ClapFeatures(featureConfig);
        this.batchSize = batchSize;
        this.dtype = dtype;
    }

    static ClapEncoder load(Path dir, PipelineOptions options) {
        Path processorConfig = dir.resolve("preprocessor_config.json");
        ClapConfig featureConfig = ClapConfig.read(processorConfig);
        ClapModel model = ClapModel.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> {
            requireMatch(processorConfig, featureConfig, m.config().audio());
            EncoderTokenizer tokenizer = EncoderTokenizer.load(dir, m.config().text().maxPositions());
            return new ClapEncoder(dir, m, tokenizer, featureConfig, options.batchSize(), options.dtype().scalarType());
        });
    }

    /**
     * The feature extractor must give what the audio encoder takes: its mel bins, at most its frames, and 4 channels
     * (fusion) exactly for a fused model.
     */
    private static void requireMatch(Path file, ClapConfig features, ClapModelConfig.Audio audio) {
        boolean fusion = features.truncation() == ClapConfig.Truncation.FUSION;
        if (fusion != audio.fusion()) {
            throw new UserError(file + ": truncation is " + (fusion ? "fusion" : "rand_trunc") + " but config.json's "
                    + "audio_config has enable_fusion " + audio.fusion() + "; a fused CLAP takes truncation fusion, an "
                    + "unfused one rand_trunc: the files belong to different models");
        }
        int frames = 1 + features.maxSamples() / features.hopLength();
        if (features.featureSize() != audio.numMelBins() || frames > audio.maxFrames()) {
            throw new UserError(file + ": feature_size " + features.featureSize() + " and " + frames + " frames "
                    + "(max_length_s · sampling_rate / hop_length + 1) do not fit the model's audio encoder, which "
                    + "takes " + audio.numMelBins() + " mel bins and at most " + audio.maxFrames() + " frames "
                    + "(config.json's num_mel_bins and spec_size); the files belong to different models");
        }
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return ClapModelConfig.MODEL_TYPE;
    }

    /**
     * transformers' ZeroShotAudioClassificationPipeline: the recording resampled to the feature extractor's rate,
     * logits_per_audio = exp(logit_scale_a) · cos(audio, text) for each hypothesis, softmax over the labels, sorted
     * best first.
     */
    Outputs.Labels classify(Inputs.LabelledAudio input) {
        Random random = new Random(CROP_SEED);
        ClapFeatures.Mel mel = features(input.audio(), random);
        boolean[] longer = featureConfig.truncation() == ClapConfig.Truncation.FUSION
                ? ClapFeatures.batchLonger(new boolean[] {mel.longer()}, random) : null;
        float[] audio;
        try (PointerScope scope = new PointerScope()) {
            Tensor embeds = model.audioEmbeds(Tensors.fromFloats(mel.flat(), 1, mel.channels().length, mel.frames(),
                    mel.mels()).to(dtype), longer);
            audio = Tensors.toFloats(embeds.to(torch.ScalarType.Float).contiguous());
        }
        List<String> hypotheses = input.hypotheses();
        double[] logits = new double[hypotheses.size()];
        for (int from = 0; from < hypotheses.size(); from += batchSize) {
            List<String> chunk = hypotheses.subList(from, Math.min(hypotheses.size(), from + batchSize));
            EncoderTokenizer.Batch batch = tokenizer.encode(chunk);
            try (PointerScope scope = new PointerScope()) {
                Tensor ids = Tensors.fromLongs(batch.ids(), batch.size(), batch.length());
                Tensor mask = Tensors.fromLongs(batch.mask(), batch.size(), batch.length());
                Tensor text = model.textEmbeds(ids, mask).to(torch.ScalarType.Float).contiguous();
                float[] rows = Tensors.toFloats(text);
                int dim = audio.length;
                for (int i = 0; i < chunk.size(); i++) {
                    float[] row = Arrays.copyOfRange(rows, i * dim, (i + 1) * dim);
                    logits[from + i] = model.logitScaleAudio() * Vectors.dot(audio, row);
                }
            }
        }
        return Outputs.Labels.ranked(input.candidateLabels(), logits);
    }

    /** The log-mel features of a recording at the feature extractor's rate, its random choices drawn from random. */
    private ClapFeatures.Mel features(Waveform recording, Random random) {
        Waveform resampled = SincResampler.resample(recording, featureConfig.samplingRate());
        return features.extract(resampled, random);
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
