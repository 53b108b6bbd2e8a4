package dev.perennial.model;

import dev.perennial.UserError;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The check every family's checkpoint passes before it is used: exactly the declared tensors, with their shapes. */
final class WeightCheck {

    private WeightCheck() {
    }

    /**
     * Refuses (closing the tensors) unless {@code tensors} hold exactly {@code shapes}, apart from the names
     * {@code ignorable} accepts; one line names the missing, unexpected and misshapen tensors, and each has its own
     * problem for --verbose.
     */
    static void refuseMismatches(Map<String, long[]> shapes, Map<String, Tensor> tensors, Predicate<String> ignorable,
                                 String modelType, String source) {
        List<String> missing = new ArrayList<>();
        List<String> misshapen = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> expected : shapes.entrySet()) {
            Tensor t = tensors.get(expected.getKey());
            if (t == null) {
                missing.add(expected.getKey());
                problems.add(source + ": tensor " + expected.getKey() + " is missing");
            } else if (!Arrays.equals(t.sizes().vec().get(), expected.getValue())) {
                misshapen.add(expected.getKey());
                problems.add(source + ": tensor " + expected.getKey() + " has shape "
                        + Arrays.toString(t.sizes().vec().get()) + " but config.json implies "
                        + Arrays.toString(expected.getValue()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name) && !ignorable.test(name)) {
                unexpected.add(name);
                problems.add(source + ": tensor " + name + " is not a parameter of " + modelType
                        + " with this config.json");
            }
        }
        if (!problems.isEmpty()) {
            tensors.values().forEach(Tensor::close);
            if (problems.size() > 1) {
                String mismatches = Stream.of(named("missing", missing), named("not parameters", unexpected),
                        named("misshapen", misshapen)).filter(s -> !s.isEmpty()).collect(Collectors.joining("; "));
                problems.addFirst(source + ": the tensors do not match config.json (" + modelType + "): "
                        + mismatches + "; check that config.json and the weights belong to the same model");
            }
            throw new UserError(problems, null);
        }
    }

    /** "missing a, b, c and 4 more", or "" for none: the first few names of a kind of mismatch. */
    private static String named(String kind, List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        int shown = Math.min(3, names.size());
        return kind + " " + String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
    }
}
