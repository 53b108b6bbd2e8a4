package dev.perennial.cli;

import dev.perennial.UserError;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Entry point. One error convention for every command: a {@link UserError} (or a bad flag) prints one line,
 * {@code error: what, where, how to fix}, without a stack trace, and exits 2; anything else is a bug and exits 1.
 * {@code --verbose} adds every problem and the stack trace.
 */
public final class Main {

    public static final int EXIT_USER_ERROR = 2;
    public static final int EXIT_INTERNAL_ERROR = 1;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cli = new CommandLine(new PerennialCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage() + hint(e.getCommandLine()));
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return EXIT_USER_ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserError userError) {
                err.println("error: " + userError.getMessage());
                if (verbose) {
                    userError.problems().forEach(p -> err.println("  - " + p));
                    e.printStackTrace(err);
                }
                err.flush();
                return EXIT_USER_ERROR;
            }
            err.println("internal error: " + e + (verbose ? "" : " (run again with --verbose for the stack trace, "
                    + "and please report it)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return EXIT_INTERNAL_ERROR;
        });
        return cli.execute(args);
    }

    private static String hint(CommandLine commandLine) {
        return " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
    }
}
