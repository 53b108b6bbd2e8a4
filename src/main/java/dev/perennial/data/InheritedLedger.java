package dev.perennial.data;

import dev.perennial.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ledger a run inherits from the model it continues ({@code model.init}), matched to the run's corpora by
 * content rather than by name: a corpus that the config names differently but whose content hash is a ledger
 * corpus's is that corpus, and its entry moves to the config's name, so that replay, forgetting and the ledger the
 * run leaves all use the names the config gives. A ledger corpus the config gives another content under the same
 * name, or one that replay needs and no corpus holds, is refused with what the ledger holds and how to map it.
 */
final class InheritedLedger {

    /** The ledger under the run's names, and a console line for every corpus matched under another name. */
    record Matched(Ledger ledger, List<String> notes) {
    }

    private static final String FIX = "corpora are matched to the ledger by their content_hash, whatever their names";

    private InheritedLedger() {
    }

    /**
     * Matches {@code parent}'s corpora to {@code corpora}. {@code replays}: some stage replays earlier data, so every
     * corpus the parent consumed must be found. A ledger corpus found nowhere is otherwise kept under its own name
     * (the run neither replays nor evaluates it, and its history stays in the ledger the run leaves).
     */
    static Matched match(Ledger parent, Map<String, Corpus> corpora, boolean replays) {
        Map<String, Ledger.Entry> matched = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, Ledger.Entry> e : sorted(parent)) {
            String name = e.getKey();
            Ledger.Entry entry = e.getValue();
            Corpus sameName = corpora.get(name);
            if (sameName != null && !sameName.hash().equals(entry.hash())) {
                throw refused(parent, "corpus " + name + " (" + sameName.dir() + ") is not the " + name + " that "
                        + "model.init read: its content hash is " + brief(sameName.hash()) + ", the ledger's "
                        + brief(entry.hash()), "point corpora." + name + " at the folder prepared from the data the "
                        + "parent read, or give this corpus another name");
            }
            List<String> sameContent = corpora.entrySet().stream()
                    .filter(c -> c.getValue().hash().equals(entry.hash())).map(Map.Entry::getKey).toList();
            String target = sameName != null ? name : sameContent.size() == 1 ? sameContent.getFirst() : null;
            if (sameName == null && sameContent.size() > 1) {
                throw refused(parent, "corpora " + String.join(" and ", sameContent) + " both hold the content of the "
                        + "ledger's " + name, "name that folder once under corpora:");
            }
            if (target == null && replays && entry.consumed() > 0) {
                throw refused(parent, "replay draws from corpus " + name + ", which model.init read, but no corpus "
                        + "under corpora: holds it (by name or content)", "add the folder prepared from that data "
                        + "under corpora: (e.g. corpora: {" + name + ": FOLDER}), or set replay to 0");
            }
            if (target == null) {
                notes.add("note: model.init read corpus " + name + " (content " + brief(entry.hash()) + "), which no "
                        + "corpus under corpora: holds; it is not evaluated (add its folder under corpora: to measure "
                        + "forgetting on it)");
                target = name;
            } else if (!target.equals(name)) {
                notes.add("corpus " + target + " is the ledger's " + name + " by content (" + brief(entry.hash())
                        + "): replayed and evaluated as " + target);
            }
            if (matched.put(target, entry) != null) {
                throw refused(parent, "corpus " + target + " holds the content of two ledger corpora",
                        "name each of them under corpora:");
            }
        }
        return new Matched(new Ledger(parent.seqLen(), matched), List.copyOf(notes));
    }

    /**
     * A corpus the config names as the parent's ledger does must be there: the refusal of a missing folder says what
     * the ledger holds, as a mismatch does.
     */
    static void checkFolder(Ledger parent, String name, Path dir) {
        if (parent.entry(name) != null && !Files.isRegularFile(dir.resolve("metadata.json"))) {
            throw refused(parent, "corpus " + name + " (" + dir + ") is not a prepared corpus (no metadata.json), "
                    + "and model.init read a corpus " + name, "point corpora." + name + " at the folder prepared "
                    + "from that data (content " + brief(parent.entry(name).hash()) + ")");
        }
    }

    private static UserError refused(Ledger parent, String problem, String fix) {
        return new UserError(problem + ". model.init's ledger holds " + holds(parent) + "; " + fix + " (" + FIX + ")");
    }

    /** "d0 (content 0123456789ab, 1,234 sequences of 32 tokens, 300 consumed, 0 replayed), ...". */
    private static String holds(Ledger parent) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Ledger.Entry> e : sorted(parent)) {
            Ledger.Entry entry = e.getValue();
            parts.add(String.format(Locale.ROOT, "%s (content %s, %,d sequences of %d tokens, %,d consumed, %,d "
                            + "replayed)", e.getKey(), brief(entry.hash()), entry.sequences(), parent.seqLen(),
                    entry.consumed(), entry.replayed()));
        }
        return String.join(", ", parts);
    }

    private static List<Map.Entry<String, Ledger.Entry>> sorted(Ledger ledger) {
        return ledger.corpora().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
    }

    /** The first 12 hex digits of a content hash, as Perennial's messages show hashes. */
    private static String brief(String hash) {
        return hash.substring(0, Math.min(12, hash.length()));
    }
}
