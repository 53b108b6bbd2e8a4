package dev.perennial;

import java.util.List;

/**
 * A mistake in what the user gave us (a config, a flag, a file), as opposed to a bug. The CLI prints the first
 * line of {@link #problems()} without a stack trace and exits 2. Each problem says what is wrong, where (file,
 * key, line) and how to fix it.
 */
public class UserError extends RuntimeException {

    private final List<String> problems;

    public UserError(String problem) {
        this(List.of(problem), null);
    }

    public UserError(String problem, Throwable cause) {
        this(List.of(problem), cause);
    }

    public UserError(List<String> problems, Throwable cause) {
        super(summary(problems), cause);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a user error needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String summary(List<String> problems) {
        if (problems.size() <= 1) {
            return problems.isEmpty() ? "" : problems.getFirst();
        }
        return problems.getFirst() + " (and " + (problems.size() - 1) + " more; --verbose lists them all)";
    }
}
