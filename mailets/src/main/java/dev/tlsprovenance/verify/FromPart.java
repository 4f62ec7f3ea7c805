package dev.tlsprovenance.verify;

import java.util.Locale;

/**
 * The from-clause of a Received line, typed: which parts the client supplied (its HELO/EHLO text, wherever the
 * writer puts it) and which the recorder wrote (the connecting address and the name it found for it). Client parts
 * are kept as data and never read for TLS facts.
 *
 * <p>Writers put the HELO in one of two places: as the clause's first word (Postfix, Sendmail, OpenSMTPD, Exchange,
 * Gmail), or in a comment ({@code (EHLO x)} James, {@code (HELO x)} qmail, {@code helo=x} Exim,
 * {@code "EHLO x"} vger, {@code (account u HELO x)} CommuniGate). In a comment carrying the HELO only the text before its
 * {@linkplain #heloMarker HELO marker} can name the address.
 */
final class FromPart {
    /** The clause's first token as written (HELO, reverse name or address, depending on the writer); null without a from-clause. */
    final String value;
    /** The connecting address the recorder wrote; null when none was found. */
    final String address;
    /** Token index of the comment holding {@link #address}, -1 when it came from a literal or the first word. */
    final int addressComment;
    /** How many comments of the clause state an address: more than one means client text made one up. */
    final int addressComments;
    /** The name the client greeted with, as far as the writer records it. */
    final String helo;
    /** The name the recorder found for the address ({@code name} in {@code (name [addr])}), or null. */
    final String reverseName;
    /** More than one word before the first comment, or stray words: the first word was not one token. */
    final boolean extraWords;
    /** The clause's words after the first one, lower case and space-joined (e.g. {@code pickup service}). */
    final String words;

    private FromPart(String value, String address, int addressComment, int addressComments, String helo,
                     String reverseName, boolean extraWords, String words) {
        this.value = value;
        this.address = address;
        this.addressComment = addressComment;
        this.addressComments = addressComments;
        this.helo = helo;
        this.reverseName = reverseName;
        this.extraWords = extraWords;
        this.words = words;
    }

    static FromPart read(ReceivedSyntax s) {
        ReceivedSyntax.Clause clause = s.clause(ReceivedSyntax.FROM);
        if (clause == null) {
            return new FromPart(null, null, -1, 0, null, null, false, "");
        }
        int valueToken = s.valueOf(clause);
        String value = valueToken < 0 ? null : s.text(valueToken);
        String address = null;
        int addressComment = -1;
        int addressComments = 0;
        String helo = null;
        String reverseName = null;
        String literalAddress = null;
        boolean extraWords = false;
        StringBuilder words = null;
        for (int t = clause.keyword + 1; t < clause.end; t++) {
            if (t == valueToken) {
                continue;
            }
            byte type = s.type(t);
            if (type == ReceivedSyntax.COMMENT) {
                String inner = s.inner(t);
                int marker = heloMarker(inner);
                if (marker >= 0 && helo == null) {
                    helo = heloName(inner, marker);
                }
                String recorderPart = marker >= 0 ? inner.substring(0, marker) : inner;
                if (recorderPart.regionMatches(true, 0, "envelope-", 0, 9)) {
                    continue;
                }
                String found = Addresses.addressIn(recorderPart);
                if (found != null) {
                    addressComments++;
                    if (address == null) {
                        address = found;
                        addressComment = t;
                        reverseName = nameBeforeLiteral(recorderPart);
                    }
                }
            } else if (type == ReceivedSyntax.LITERAL) {
                if (literalAddress == null) {
                    literalAddress = Addresses.addressIn(s.text(t));
                }
            } else if (type == ReceivedSyntax.WORD) {
                extraWords = true;
                if (words == null) {
                    words = new StringBuilder();
                } else {
                    words.append(' ');
                }
                words.append(s.text(t).toLowerCase(Locale.ROOT));
            } else if (type == ReceivedSyntax.QUOTED) {
                String inner = s.inner(t);
                int marker = heloMarker(inner);
                if (marker >= 0 && helo == null) {
                    helo = heloName(inner, marker);
                }
            } else {
                extraWords = true;
            }
        }
        if (address == null) {
            address = literalAddress != null ? literalAddress : Addresses.fromAddress(value);
        }
        if (helo == null) {
            helo = value;
        } else if (reverseName == null) {
            // James and qmail: "from <name the recorder found> (EHLO <helo>) ([addr])".
            reverseName = value;
        }
        return new FromPart(value, address, addressComment, addressComments, helo, reverseName, extraWords,
            words == null ? "" : words.toString());
    }

    /** Where a comment's client-supplied HELO text starts ({@code EHLO x}, {@code HELO x}, {@code helo=x}), or -1. */
    static int heloMarker(String inner) {
        int n = inner.length();
        for (int i = 0; i + 5 <= n; i++) {
            char c = inner.charAt(i);
            if (c != 'e' && c != 'E' && c != 'h' && c != 'H') {
                continue;
            }
            if (i > 0 && inner.charAt(i - 1) != ' ' && inner.charAt(i - 1) != '"') {
                continue;
            }
            if (inner.regionMatches(true, i, "EHLO ", 0, 5) || inner.regionMatches(true, i, "HELO ", 0, 5)
                || inner.regionMatches(true, i, "helo=", 0, 5)) {
                return i;
            }
        }
        return -1;
    }

    private static String heloName(String inner, int marker) {
        int start = marker + 5;
        int end = start;
        while (end < inner.length() && inner.charAt(end) != ' ' && inner.charAt(end) != '"' && inner.charAt(end) != ')') {
            end++;
        }
        return end > start ? inner.substring(start, end) : null;
    }

    private static String nameBeforeLiteral(String comment) {
        int open = comment.indexOf('[');
        if (open <= 0) {
            return null;
        }
        String name = comment.substring(0, open).trim();
        return name.isEmpty() || name.indexOf(' ') >= 0 ? null : name;
    }
}
