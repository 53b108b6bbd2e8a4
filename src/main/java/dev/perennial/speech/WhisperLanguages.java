package dev.perennial.speech;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Whisper's language codes and names, as models/whisper/tokenization_whisper.py's LANGUAGES table has them ("en" is
 * "english"), so that a language may be given either way and a transcript can name it.
 */
public final class WhisperLanguages {

    private static final String TABLE = "en english,zh chinese,de german,es spanish,ru russian,ko korean,fr french,"
            + "ja japanese,pt portuguese,tr turkish,pl polish,ca catalan,nl dutch,ar arabic,sv swedish,it italian,"
            + "id indonesian,hi hindi,fi finnish,vi vietnamese,he hebrew,uk ukrainian,el greek,ms malay,cs czech,"
            + "ro romanian,da danish,hu hungarian,ta tamil,no norwegian,th thai,ur urdu,hr croatian,bg bulgarian,"
            + "lt lithuanian,la latin,mi maori,ml malayalam,cy welsh,sk slovak,te telugu,fa persian,lv latvian,"
            + "bn bengali,sr serbian,az azerbaijani,sl slovenian,kn kannada,et estonian,mk macedonian,br breton,"
            + "eu basque,is icelandic,hy armenian,ne nepali,mn mongolian,bs bosnian,kk kazakh,sq albanian,sw swahili,"
            + "gl galician,mr marathi,pa punjabi,si sinhala,km khmer,sn shona,yo yoruba,so somali,af afrikaans,"
            + "oc occitan,ka georgian,be belarusian,tg tajik,sd sindhi,gu gujarati,am amharic,yi yiddish,lo lao,"
            + "uz uzbek,fo faroese,ht haitian creole,ps pashto,tk turkmen,nn nynorsk,mt maltese,sa sanskrit,"
            + "lb luxembourgish,my myanmar,bo tibetan,tl tagalog,mg malagasy,as assamese,tt tatar,haw hawaiian,"
            + "ln lingala,ha hausa,ba bashkir,jw javanese,su sundanese,yue cantonese";

    private static final Map<String, String> NAMES = names();

    private WhisperLanguages() {
    }

    /** The name of a code ("en" to "english"), or null for a code the table lacks. */
    public static String name(String code) {
        return NAMES.get(code);
    }

    /** The code of a language given as a code, a token ("&lt;|de|&gt;") or a name ("German"); else it unchanged. */
    public static String code(String language) {
        String lower = language.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("<|") && lower.endsWith("|>")) {
            return lower.substring(2, lower.length() - 2);
        }
        for (Map.Entry<String, String> e : NAMES.entrySet()) {
            if (e.getValue().equals(lower)) {
                return e.getKey();
            }
        }
        return lower;
    }

    private static Map<String, String> names() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : TABLE.split(",")) {
            int space = entry.indexOf(' ');
            out.put(entry.substring(0, space), entry.substring(space + 1));
        }
        return Map.copyOf(out);
    }
}
