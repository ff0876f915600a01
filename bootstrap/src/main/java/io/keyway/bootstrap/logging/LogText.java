package io.keyway.bootstrap.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes text safe to put in a log line, whoever wrote it: a client's model name, path or header can neither forge a
 * line (control characters are escaped, so a line break cannot start a fake entry) nor leave a credential behind
 * (anything shaped like a Keyway key, an OpenRouter or OpenAI-style key, or a bearer token is redacted).
 */
public final class LogText {
    static final String REDACTED = "[REDACTED]";
    /**
     * Keyway keys keep their kind and id (which are not secret and help an operator) and lose the secret; provider
     * keys and bearer values lose everything after their prefix.
     */
    private static final Pattern CREDENTIALS = Pattern.compile(
            "(kwm?-[0-9a-fA-F]{16}_)[A-Za-z0-9_-]+"
                    + "|(sk-or-)[A-Za-z0-9_-]+"
                    + "|(sk-(?:proj-)?)[A-Za-z0-9_-]{16,}"
                    + "|(?i)((?:bearer|basic)\\s+)[^\\s,;\"']+"
                    + "|(?i)(authorization[\"']?\\s*[:=]\\s*[\"']?)(?!bearer|basic)[^\\s,;\"']+");

    private LogText() {
    }

    /** A message for one log line: credentials redacted, control characters escaped. */
    public static String line(String text) {
        if (text == null) {
            return null;
        }
        return escapeControls(redact(text));
    }

    /** Credentials redacted; line breaks kept (for stack traces, whose lines the logger writes itself). */
    public static String redact(String text) {
        if (text == null || !mayHoldACredential(text)) {
            return text;
        }
        Matcher matcher = CREDENTIALS.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            String kept = null;
            for (int group = 1; group <= matcher.groupCount() && kept == null; group++) {
                kept = matcher.group(group);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement((kept == null ? "" : kept) + REDACTED));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean mayHoldACredential(String text) {
        return text.contains("kw") || text.contains("sk-") || text.contains("earer") || text.contains("EARER")
                || text.contains("asic") || text.contains("ASIC") || text.contains("uthorization") || text.contains("UTHORIZATION");
    }

    static String escapeControls(String text) {
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
