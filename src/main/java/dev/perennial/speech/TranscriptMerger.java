package dev.perennial.speech;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the token ids Whisper produced for each window into one transcript, as transformers' speech-recognition
 * pipeline does: models/whisper/tokenization_whisper.py, _decode_asr (segment level; word timestamps and
 * return_language are not ported). Times come from timestamp tokens ({@code timePrecision} seconds apart, 0.02 for
 * Whisper: chunk_length / max_source_positions) shifted by where each window starts; text in a window's strides is
 * left to the neighbour that heard it whole, and the text of overlapping windows is joined by
 * {@link LongestCommonSequence}.
 */
public final class TranscriptMerger {

    /** _decode_asr's segment_size default (the pipeline passes none): a window's length in timestamp steps. */
    private static final int SEGMENT_SIZE = 1500;

    private final SpecialTokens specials;
    private final TokenText text;
    private final double timePrecision;

    public TranscriptMerger(SpecialTokens specials, TokenText text, double timePrecision) {
        this.specials = specials;
        this.text = text;
        this.timePrecision = timePrecision;
    }

    /** The windows in order; {@code timestamps} is return_timestamps=True (segments), else text only. */
    public Transcript merge(List<WindowTokens> windows, boolean timestamps) {
        return new Run(timestamps).over(windows);
    }

    /** The state machine of one _decode_asr call. */
    private final class Run {

        private final boolean timestamps;
        private final List<Segment> chunks = new ArrayList<>();
        private final List<String> chunkTexts = new ArrayList<>();
        private List<List<Integer>> previousTokens = new ArrayList<>();
        private List<Integer> currentTokens = new ArrayList<>();
        private String lastLanguage;
        private double chunkStart = Double.NaN;
        private double chunkEnd = Double.NaN;
        private double timeOffset = 0.0;
        private boolean skip;

        Run(boolean timestamps) {
            this.timestamps = timestamps;
        }

        Transcript over(List<WindowTokens> windows) {
            for (WindowTokens window : windows) {
                window(stripPrompt(window.tokens()), window.stride());
            }
            if (!previousTokens.isEmpty()) {
                // the last segment had no end timestamp (or there were no timestamps at all)
                closeChunk();
            }
            return new Transcript(String.join("", chunkTexts), timestamps ? chunks : List.of());
        }

        private void window(List<Integer> tokens, Stride stride) {
            Integer lastTimestamp = null;
            double firstTimestamp = specials.timestampBegin();
            // sequential long-form output concatenates segments whose timestamps restart below the maximum
            double curMaxTimestamp = 0.0;
            double prevSegmentsLength = 0.0;
            double penultimateTimestamp = 0.0;
            if (stride != null) {
                timeOffset -= stride.left();
                double rightStrideStart = stride.length() - stride.right();
                if (stride.left() != 0) {
                    firstTimestamp = stride.left() / timePrecision + specials.timestampBegin();
                }
                if (stride.right() != 0) {
                    lastTimestamp = firstTimestampOfRightStride(tokens, rightStrideStart);
                }
            }
            currentTokens = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                int token = tokens.get(i);
                if (specials.ids().contains(token)) {
                    language(token);
                } else if (specials.isTimestamp(token)) {
                    double timestamp = (token - specials.timestampBegin()) * timePrecision;
                    if (timestamp < curMaxTimestamp) {
                        boolean lastWasSingleEnding = i >= 2 && !(specials.isTimestamp(tokens.get(i - 1))
                                && specials.isTimestamp(tokens.get(i - 2)));
                        if (lastWasSingleEnding) {
                            prevSegmentsLength += timePrecision * SEGMENT_SIZE;
                        } else {
                            curMaxTimestamp = penultimateTimestamp;
                            prevSegmentsLength += penultimateTimestamp;
                        }
                    }
                    penultimateTimestamp = curMaxTimestamp;
                    curMaxTimestamp = timestamp;
                    double time = roundToHundredths(
                            (token - specials.timestampBegin()) * timePrecision + timeOffset + prevSegmentsLength);
                    timestampToken(token, time, lastTimestamp, firstTimestamp);
                } else {
                    currentTokens.add(token);
                }
            }
            if (stride != null) {
                timeOffset += stride.length() - stride.right();
            }
            if (!currentTokens.isEmpty()) {
                previousTokens.add(currentTokens);
            } else if (previousTokens.stream().allMatch(List::isEmpty)) {
                // nothing pending: a start timestamp seen in a window without text is forgotten
                chunkStart = Double.NaN;
                chunkEnd = Double.NaN;
                previousTokens = new ArrayList<>();
                currentTokens = new ArrayList<>();
            }
        }

        /**
         * The earliest of the timestamps at the end of the window that lie in its right stride (the very last one
         * always counts): from it on, timestamps are left to the next window.
         */
        private Integer firstTimestampOfRightStride(List<Integer> tokens, double rightStrideStart) {
            Integer last = null;
            for (int i = tokens.size() - 1; i >= 0; i--) {
                int token = tokens.get(i);
                if (specials.isTimestamp(token)) {
                    if (last != null && (token - specials.timestampBegin()) * timePrecision < rightStrideStart) {
                        break;
                    }
                    last = token;
                }
            }
            return last;
        }

        private void timestampToken(int token, double time, Integer lastTimestamp, double firstTimestamp) {
            if (lastTimestamp != null && token >= lastTimestamp) {
                // in the right stride: skipped with the one after it (timestamps come in pairs)
                skip = true;
            } else if (skip || (!previousTokens.isEmpty() && token < firstTimestamp)) {
                skip = false;
            } else if (Double.isNaN(chunkStart)) {
                chunkStart = time;
            } else if (time != chunkStart) {
                // an end equal to the start is a duplicated start token in the model's output, not an end
                chunkEnd = time;
                previousTokens.add(currentTokens);
                closeChunk();
                currentTokens = new ArrayList<>();
            }
        }

        private void language(int token) {
            String language = specials.languages().get(token);
            if (language == null) {
                return;
            }
            if (lastLanguage != null && !language.equals(lastLanguage) && !timestamps) {
                previousTokens.add(currentTokens);
                closeChunk();
                currentTokens = new ArrayList<>();
            }
            lastLanguage = language;
        }

        /** Resolves the pending tokens into the current chunk's text, records it and starts a new chunk. */
        private void closeChunk() {
            String chunkText = text.decode(LongestCommonSequence.merge(previousTokens));
            chunks.add(new Segment(chunkStart, chunkEnd, chunkText));
            chunkTexts.add(chunkText);
            previousTokens = new ArrayList<>();
            chunkStart = Double.NaN;
            chunkEnd = Double.NaN;
        }
    }

    /** WhisperTokenizer._strip_prompt: ids from {@code <|startofprev|>} up to {@code <|startoftranscript|>} go. */
    private List<Integer> stripPrompt(List<Integer> tokens) {
        if (tokens.isEmpty() || tokens.getFirst() != specials.startOfPrevious()) {
            return tokens;
        }
        int start = tokens.indexOf(specials.startOfTranscript());
        return start < 0 ? List.of() : tokens.subList(start, tokens.size());
    }

    /** Python's round(x, 2): the exact binary value rounded to hundredths, ties to even. */
    static double roundToHundredths(double x) {
        return new BigDecimal(x).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }
}
