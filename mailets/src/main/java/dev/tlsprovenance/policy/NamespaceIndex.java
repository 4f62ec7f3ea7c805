package dev.tlsprovenance.policy;

import java.util.List;

/**
 * The lookup structure behind {@link TlsPolicyTable#lookup(String)}: one open-addressing hash table holding
 * exact names ({@code a.example.com}) and parent suffixes ({@code .example.com}) together, with each slot's
 * hash in a dense {@code int[]} so that a probe that misses touches one array cell and no key. Suffix
 * hashes of the queried name are computed from the right in one pass, without building substrings, and
 * only suffixes with a label count some row has are probed. Cost: O(labels), no allocation but a small
 * array, independent of the number of rows.
 */
final class NamespaceIndex {
    private static final int MAX_SUFFIX_LABELS = 63;

    private final int[] hashes;
    /** Slot i holds its key as {@code char[]} at 2i and its row at 2i+1: a hit reads one neighbourhood. */
    private final Object[] entries;
    private final int mask;
    /** Bit n set when some suffix row has n labels ({@code .example.com} has 2). */
    private final long suffixLabelCounts;
    private final boolean hasSuffixes;

    NamespaceIndex(List<NamespacePolicy> rows) {
        int capacity = Integer.highestOneBit(Math.max(4, rows.size() * 2 + 1) - 1) << 1;
        hashes = new int[capacity];
        entries = new Object[capacity * 2];
        mask = capacity - 1;
        long labelCounts = 0;
        boolean suffixes = false;
        for (NamespacePolicy row : rows) {
            String key = row.namespace();
            if (key.startsWith(".")) {
                suffixes = true;
                labelCounts |= 1L << Math.min(MAX_SUFFIX_LABELS, labels(key));
            }
            insert(key, row);
        }
        suffixLabelCounts = labelCounts;
        hasSuffixes = suffixes;
    }

    /** The exact row for {@code name}, else the longest suffix row, else null; {@code name} is canonical. */
    NamespacePolicy find(String name) {
        NamespacePolicy exact = get(name, 0, name.hashCode());
        if (exact != null || !hasSuffixes) {
            return exact;
        }
        int length = name.length();
        int dots = 0;
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) == '.') {
                dots++;
            }
        }
        if (dots == 0) {
            return null;
        }
        // Suffix i (from the left) starts at dotPositions[i] and has (dots - i) labels.
        int[] dotPositions = new int[dots];
        int[] suffixHashes = new int[dots];
        int hash = 0;
        int power = 1;
        int dot = dots;
        for (int i = length - 1; i >= 0; i--) {
            char c = name.charAt(i);
            hash += c * power;
            power *= 31;
            if (c == '.') {
                dot--;
                dotPositions[dot] = i;
                suffixHashes[dot] = hash;
            }
        }
        for (int i = 0; i < dots; i++) {
            int labels = dots - i;
            if ((suffixLabelCounts & (1L << Math.min(MAX_SUFFIX_LABELS, labels))) == 0) {
                continue;
            }
            NamespacePolicy row = get(name, dotPositions[i], suffixHashes[i]);
            if (row != null) {
                return row;
            }
        }
        return null;
    }

    private NamespacePolicy get(String name, int from, int hash) {
        int length = name.length() - from;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            char[] key = (char[]) entries[slot * 2];
            if (key == null) {
                return null;
            }
            if (hashes[slot] == hash && key.length == length && sameChars(name, from, key)) {
                return (NamespacePolicy) entries[slot * 2 + 1];
            }
        }
    }

    private static boolean sameChars(String name, int from, char[] key) {
        for (int i = 0; i < key.length; i++) {
            if (name.charAt(from + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    private void insert(String key, NamespacePolicy row) {
        int hash = key.hashCode();
        int slot = spread(hash) & mask;
        while (entries[slot * 2] != null) {
            slot = (slot + 1) & mask;
        }
        hashes[slot] = hash;
        entries[slot * 2] = key.toCharArray();
        entries[slot * 2 + 1] = row;
    }

    private static int spread(int hash) {
        int mixed = hash * 0x9E3779B9;
        return mixed ^ (mixed >>> 16);
    }

    private static int labels(String suffix) {
        int count = 0;
        for (int i = 0; i < suffix.length(); i++) {
            if (suffix.charAt(i) == '.') {
                count++;
            }
        }
        return count;
    }
}
