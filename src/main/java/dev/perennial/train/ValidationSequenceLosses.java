package dev.perennial.train;

import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.data.Corpus;
import dev.perennial.data.ValidationSet;
import dev.perennial.eval.Evaluation;
import dev.perennial.tensor.DType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A saved model's loss on each validation sequence of each corpus, with the validation sets a run's evaluations use
 * (same windows, same count), so that two runs' models can be compared sequence by sequence.
 */
public final class ValidationSequenceLosses {

    private ValidationSequenceLosses() {
    }

    /** Per corpus name, the model's mean token loss on each of its validation sequences, in the set's order. */
    public static Map<String, double[]> of(Path modelDir, Map<String, Path> corpora, int seqLen, int sequences,
                                           boolean spread, int batch) {
        Map<String, double[]> losses = new LinkedHashMap<>();
        try (ModelFolder.Loaded loaded = ModelFolder.load(modelDir, DType.F32)) {
            for (Map.Entry<String, Path> entry : corpora.entrySet()) {
                try (Corpus corpus = Corpus.open(entry.getValue())) {
                    ValidationSet set = new ValidationSet(corpus, entry.getKey(), seqLen, sequences, spread);
                    losses.put(entry.getKey(), Evaluation.sequenceLosses(loaded.model(), set, batch));
                }
            }
        }
        return losses;
    }
}
