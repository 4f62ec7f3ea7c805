package dev.tlsprovenance.verify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 address range such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}; literals only, never DNS. */
public final class CidrRange {
    private final String text;
    private final byte[] network;
    private final int prefixLength;

    private CidrRange(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** @throws IllegalArgumentException naming the bad value */
    public static CidrRange parse(String cidr) {
        String value = cidr == null ? "" : cidr.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an address range: '" + cidr + "' (expected e.g. 192.0.2.0/24 or 2001:db8::/32)");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("bad prefix length in address range '" + cidr + "'");
            }
        }
        return new CidrRange(value, bytes, prefix);
    }

    public boolean contains(String address) {
        byte[] bytes = address == null ? null : literal(address);
        if (bytes == null || bytes.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    // Only literal addresses: InetAddress.getByName on a literal never touches DNS.
    private static byte[] literal(String address) {
        String a = address.trim();
        if (a.isEmpty() || !(a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            return null;
        }
        if (a.indexOf(':') < 0 && a.chars().filter(c -> c == '.').count() != 3) {
            return null;
        }
        if (a.indexOf(':') >= 0 && !a.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange && ((CidrRange) o).prefixLength == prefixLength && Arrays.equals(((CidrRange) o).network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
