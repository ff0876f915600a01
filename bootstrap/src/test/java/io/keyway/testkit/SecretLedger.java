package io.keyway.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the tests create or send (admin tokens, management and gateway keys, provider keys), so that the
 * database dump and the logs of the whole run can be searched for them.
 */
public final class SecretLedger {
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private SecretLedger() {
    }

    public static String record(String secret) {
        SECRETS.add(secret);
        return secret;
    }

    public static Set<String> all() {
        return Set.copyOf(SECRETS);
    }

    /**
     * The forms a secret could leak in: as it is, its secret part alone (after the key id, for Keyway keys), and
     * the hex and base64 spellings of each.
     */
    public static List<String> encodingsOf(String secret) {
        List<String> forms = new ArrayList<>();
        List<String> cores = new ArrayList<>(List.of(secret));
        int underscore = secret.indexOf('_');
        if ((secret.startsWith("kw-") || secret.startsWith("kwm-")) && underscore > 0) {
            String secretPart = secret.substring(underscore + 1, secret.length() - 8);
            cores.add(secretPart);
            byte[] raw = Base64.getUrlDecoder().decode(secretPart);
            forms.add(HexFormat.of().formatHex(raw));
            forms.add(Base64.getEncoder().encodeToString(raw));
            forms.add(new String(raw, StandardCharsets.ISO_8859_1));
        }
        for (String core : cores) {
            byte[] bytes = core.getBytes(StandardCharsets.UTF_8);
            forms.add(core);
            forms.add(HexFormat.of().formatHex(bytes));
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return forms;
    }
}
