package dev.perennial;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package map in docs/architecture.md is the project's rule for which package may use which: this test reads
 * that table and every source file under src/main, and lists each import (or qualified name) that points along an
 * arrow the table does not have, and each use of libtorch outside the packages the table allows it in.
 */
class ArchitectureTest {

    private static final Path DOC = Path.of("docs/architecture.md");
    private static final Path SOURCES = Path.of("src/main/java/dev/perennial");
    private static final Pattern PROJECT_REFERENCE = Pattern.compile("\\bdev\\.perennial\\.([a-z]+)\\.");
    private static final Pattern LIBTORCH_REFERENCE = Pattern.compile("\\borg\\.bytedeco\\.");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** One row of the table: what a package may use, and whether it may touch libtorch. */
    private record Rule(Set<String> uses, boolean libtorch) {
    }

    @Test
    void everyImportFollowsAnArrowOfTheMap() throws IOException {
        Map<String, Rule> rules = readTable();
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String pkg = packageOf(file);
                if (pkg == null) {
                    continue; // the root package (UserError, Choice) is open to all and uses none
                }
                Rule rule = rules.get(pkg);
                if (rule == null) {
                    violations.add("package " + pkg + " (" + file + ") is not in the table of " + DOC);
                    continue;
                }
                String code = COMMENT.matcher(Files.readString(file)).replaceAll("");
                Matcher m = PROJECT_REFERENCE.matcher(code);
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && !rule.uses().contains(used)) {
                        violations.add(file + " uses " + used + ", which " + pkg + " may not");
                    }
                }
                if (!rule.libtorch() && LIBTORCH_REFERENCE.matcher(code).find()) {
                    violations.add(file + " uses libtorch, which " + pkg + " may not");
                }
            }
        }
        assertThat(violations).as("imports against " + DOC).isEmpty();
    }

    @Test
    void theTableNamesEveryPackageAndOnlyPackagesThatExist() throws IOException {
        Map<String, Rule> rules = readTable();
        Set<String> packages;
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            packages = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(new TreeSet<>(rules.keySet())).isEqualTo(packages);
        rules.forEach((pkg, rule) -> assertThat(packages).as("what " + pkg + " uses").containsAll(rule.uses()));
    }

    private static String packageOf(Path file) {
        Path relative = SOURCES.relativize(file);
        return relative.getNameCount() > 1 ? relative.getName(0).toString() : null;
    }

    /** The rows between the table's markers: `| `package` | what | uses, ... | yes/no |`. */
    private static Map<String, Rule> readTable() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf("<!-- package-table: read by ArchitectureTest -->");
        int end = lines.indexOf("<!-- end package-table -->");
        assertThat(start).as("table markers in " + DOC).isNotNegative().isLessThan(end);
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (String line : lines.subList(start + 3, end)) {
            String[] cells = line.split("\\|", -1);
            String pkg = cells[1].strip().replace("`", "");
            String uses = cells[3].strip();
            Set<String> used = uses.equals("everything above") ? new TreeSet<>(rules.keySet())
                    : Arrays.stream(uses.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new));
            rules.put(pkg, new Rule(used, cells[4].strip().equals("yes")));
        }
        return rules;
    }
}
