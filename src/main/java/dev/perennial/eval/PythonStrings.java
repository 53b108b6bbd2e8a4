package dev.perennial.eval;

import java.util.Locale;

/** Python's str methods that lm-evaluation-harness's task preprocessing calls, with Python's semantics. */
final class PythonStrings {

    /** The code points for which Python's {@code str.isspace()} is true (Unicode White_Space plus U+001C–U+001F). */
    private static final String SPACES = "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680"
            + "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

    private PythonStrings() {
    }

    static boolean isSpace(int codePoint) {
        return codePoint < 0x10000 && SPACES.indexOf(codePoint) >= 0;
    }

    /** {@code str.strip()}: without leading and trailing whitespace as {@link #isSpace} knows it. */
    static String strip(String s) {
        return lstrip(rstrip(s));
    }

    /** {@code str.lstrip()}. */
    static String lstrip(String s) {
        int start = 0;
        while (start < s.length() && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        return s.substring(start);
    }

    /** {@code str.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(0, end);
    }

    /**
     * Python 3.8+'s {@code str.capitalize()}: the first character in title case, every other one in lower case
     * ("hELLO wORLD" → "Hello world"), with the full mappings ("ß…" → "Ss…", "ǆ" → "ǅ").
     */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return titleCase(first) + s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    /**
     * A character's title case: its own title-case letter, or, for one whose upper case is several characters
     * (SpecialCasing.txt: "ß" → "SS", "ﬁ" → "FI", "ŉ" → "ʼN"), that upper case up to its first cased letter and the
     * rest in lower case, which is SpecialCasing's title case for all of them ("Ss", "Fi", "ʼN").
     */
    private static String titleCase(int codePoint) {
        String upper = Character.toString(codePoint).toUpperCase(Locale.ROOT);
        if (upper.codePointCount(0, upper.length()) == 1) {
            return Character.toString(Character.toTitleCase(codePoint));
        }
        int end = 0;
        while (end < upper.length()) {
            int cp = upper.codePointAt(end);
            end += Character.charCount(cp);
            if (Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
                break;
            }
        }
        return upper.substring(0, end) + upper.substring(end).toLowerCase(Locale.ROOT);
    }
}
