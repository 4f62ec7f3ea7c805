package dev.tlsprovenance.verify;

import java.util.List;

/** Finds IP addresses in the free-form from/by parts of Received lines; tolerant of every spelling seen in the wild. */
final class Addresses {
    private Addresses() {
    }

    /**
     * The connecting client's address from the from-part: {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]},
     * {@code ([192.0.2.1]:46792 helo=...)}, Exim's {@code [10.0.8.6.13219]}, Exchange's {@code (192.0.2.1)},
     * qmail's {@code (user@192.0.2.1)}, OpenSMTPD's {@code [local]}.
     */
    static String fromAddress(String fromText) {
        if (fromText == null || fromText.isEmpty()) {
            return null;
        }
        int open = fromText.indexOf('[');
        while (open >= 0) {
            int close = fromText.indexOf(']', open);
            if (close < 0) {
                break;
            }
            String inside = fromText.substring(open + 1, close);
            if (inside.equalsIgnoreCase("local")) {
                return "local";
            }
            String address = cleanAddress(inside);
            if (address != null) {
                return address;
            }
            open = fromText.indexOf('[', close);
        }
        int paren = fromText.indexOf('(');
        while (paren >= 0) {
            int close = fromText.indexOf(')', paren);
            if (close < 0) {
                break;
            }
            String inside = fromText.substring(paren + 1, close);
            int at = inside.lastIndexOf('@');
            String candidate = at >= 0 ? inside.substring(at + 1) : inside;
            String address = cleanAddress(candidate);
            if (address != null) {
                return address;
            }
            paren = fromText.indexOf('(', close);
        }
        return null;
    }

    /**
     * The address one from-part comment states, as its writer puts it: {@code name [192.0.2.1]}, {@code [192.0.2.1]:46792},
     * {@code 192.0.2.1}, {@code user@192.0.2.1}, {@code [local]}; null when the comment states none.
     */
    static String addressIn(String comment) {
        if (comment == null || comment.isEmpty()) {
            return null;
        }
        int open = comment.indexOf('[');
        while (open >= 0) {
            int close = comment.indexOf(']', open);
            if (close < 0) {
                break;
            }
            String inside = comment.substring(open + 1, close);
            if (inside.equalsIgnoreCase("local")) {
                return "local";
            }
            String address = cleanAddress(inside);
            if (address != null) {
                return address;
            }
            open = comment.indexOf('[', close);
        }
        int at = comment.lastIndexOf('@');
        return cleanAddress(at >= 0 ? comment.substring(at + 1) : comment);
    }

    /** The first comment that is nothing but an address, as Exchange writes after the by-host: {@code (10.2.3.4)}. */
    static String plainAddress(List<String> comments) {
        for (String comment : comments) {
            String inside = comment.startsWith("[") && comment.endsWith("]") ? comment.substring(1, comment.length() - 1) : comment;
            String address = cleanAddress(inside);
            if (address != null) {
                return address;
            }
        }
        return null;
    }

    static boolean isLoopback(String address) {
        return address.equals("local") || address.startsWith("127.") || address.equals("::1")
            || address.equalsIgnoreCase("::ffff:127.0.0.1");
    }

    private static String cleanAddress(String text) {
        String s = text.trim();
        if (s.regionMatches(true, 0, "IPv6:", 0, 5)) {
            s = s.substring(5);
        }
        int percent = s.indexOf('%');
        if (percent > 0) {
            s = s.substring(0, percent);
        }
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        int colon = s.indexOf(':');
        if (colon > 0 && s.indexOf(':', colon + 1) < 0 && isDottedQuadish(s.substring(0, colon))) {
            // ecelerity and others: [192.0.2.1:50387]
            s = s.substring(0, colon);
        }
        if (isDottedQuadish(s)) {
            return ipv4Part(s);
        }
        if (s.indexOf(':') >= 0 && isHexColons(s)) {
            if (s.regionMatches(true, 0, "::ffff:", 0, 7) && isDottedQuadish(s.substring(7))) {
                return ipv4Part(s.substring(7));
            }
            return s.toLowerCase(java.util.Locale.ROOT);
        }
        return null;
    }

    private static boolean isDottedQuadish(String s) {
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!Character.isDigit(c)) {
                return false;
            }
        }
        return dots == 3 || dots == 4;
    }

    // Exim 3/4.0 appended the port with a dot: 10.0.8.6.13219
    private static String ipv4Part(String s) {
        int count = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '.' && ++count == 4) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    private static boolean isHexColons(String s) {
        int colons = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colons++;
            } else if (!(Character.digit(c, 16) >= 0 || c == '.')) {
                return false;
            }
        }
        return colons >= 2;
    }
}
