package dev.perennial.config;

import dev.perennial.Choice;
import dev.perennial.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Collects every problem of a config before refusing it, so one run of the command shows them all. */
public final class Problems {

    private final List<String> problems = new ArrayList<>();

    public void add(KeyPath key, String message) {
        problems.add(key + ": " + message);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Requires a finite number in {@code [lo, hi]}; false (and a problem) otherwise. */
    public boolean inRange(KeyPath key, double value, double lo, double hi, String meaning) {
        if (!Double.isFinite(value) || value < lo || value > hi) {
            add(key, Numbers.format(value) + " is not in [" + Numbers.format(lo) + ", " + Numbers.format(hi) + "]"
                    + (meaning.isEmpty() ? "" : " (" + meaning + ")"));
            return false;
        }
        return true;
    }

    public boolean positive(KeyPath key, double value, String meaning) {
        if (!Double.isFinite(value) || value <= 0) {
            add(key, Numbers.format(value) + " must be a number above 0" + (meaning.isEmpty() ? "" : " (" + meaning + ")"));
            return false;
        }
        return true;
    }

    public boolean nonNegative(KeyPath key, double value, String meaning) {
        if (!Double.isFinite(value) || value < 0) {
            add(key, Numbers.format(value) + " must be 0 or above (" + meaning + ")");
            return false;
        }
        return true;
    }

    public boolean wholeAtLeastOne(KeyPath key, double value, String meaning) {
        if (!Double.isFinite(value) || value < 1 || value != Math.rint(value) || value > Long.MAX_VALUE) {
            add(key, Numbers.format(value) + " must be a whole number of at least 1 (" + meaning + ")");
            return false;
        }
        return true;
    }

    /**
     * A whole number from 1 to {@code max} (a count the code holds in an int): larger is refused as given, never
     * clamped, so no message reports a number the user did not write.
     */
    public boolean wholeFromOneTo(KeyPath key, double value, long max, String meaning) {
        if (!wholeAtLeastOne(key, value, meaning)) {
            return false;
        }
        if (value > max) {
            add(key, Numbers.format(value) + " is more than " + String.format(Locale.ROOT, "%,d", max)
                    + ", the most Perennial takes (" + meaning + ")");
            return false;
        }
        return true;
    }

    /** The choice spelled {@code id}, {@code defaultValue} when absent, or empty (and a problem) when unknown. */
    public <E extends Enum<E> & Choice> Optional<E> choice(Class<E> type, String id, E defaultValue, KeyPath key) {
        if (id == null) {
            return Optional.ofNullable(defaultValue);
        }
        Optional<E> found = Choice.byId(type, id);
        if (found.isEmpty()) {
            add(key, "'" + id + "' is not one of " + String.join(", ", Choice.ids(type)));
        }
        return found;
    }

    /** Throws a {@link UserError} naming {@code source} when any problem was found. */
    public void throwIfAny(String source) {
        if (!problems.isEmpty()) {
            String prefix = source.isEmpty() ? "" : source + ": ";
            throw new UserError(problems.stream().map(p -> prefix + p).toList(), null);
        }
    }
}
