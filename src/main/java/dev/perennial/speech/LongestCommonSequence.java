package dev.perennial.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins the token sequences of overlapping windows into one, dropping what two neighbours both heard. Ported from
 * transformers' models/whisper/tokenization_whisper.py, _find_longest_common_sequence (without token timestamps).
 */
final class LongestCommonSequence {

    private LongestCommonSequence() {
    }

    static List<Integer> merge(List<List<Integer>> sequences) {
        List<Integer> left = sequences.getFirst();
        List<Integer> total = new ArrayList<>();
        for (List<Integer> right : sequences.subList(1, sequences.size())) {
            int[] best = bestOverlap(left, right);
            // each side keeps its own half of the overlap: the left window for its start, the right for its end
            int leftMid = (best[1] + best[0]) / 2;
            int rightMid = (best[3] + best[2]) / 2;
            total.addAll(left.subList(0, leftMid));
            left = right.subList(rightMid, right.size());
        }
        total.addAll(left);
        return total;
    }

    /**
     * Slides {@code right} along the end of {@code left} and keeps the alignment with the best share of equal
     * tokens (more than one), a longer one winning ties by i / 10000; without one, nothing overlaps.
     * Returns {left start, left stop, right start, right stop}.
     */
    private static int[] bestOverlap(List<Integer> left, List<Integer> right) {
        int leftLength = left.size();
        int rightLength = right.size();
        double max = 0.0;
        int[] best = {leftLength, leftLength, 0, 0};
        for (int i = 1; i < leftLength + rightLength; i++) {
            double eps = i / 10000.0;
            int leftStart = Math.max(0, leftLength - i);
            int leftStop = Math.min(leftLength, leftLength + rightLength - i);
            int rightStart = Math.max(0, i - leftLength);
            int matches = 0;
            for (int k = 0; k < leftStop - leftStart; k++) {
                if (left.get(leftStart + k).equals(right.get(rightStart + k))) {
                    matches++;
                }
            }
            double matching = (double) matches / i + eps;
            if (matches > 1 && matching > max) {
                max = matching;
                best = new int[] {leftStart, leftStop, rightStart, Math.min(rightLength, i)};
            }
        }
        return best;
    }
}
