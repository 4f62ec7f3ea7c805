package dev.tlsprovenance.cli.doctor;

/**
 * One DNS record this server should publish for itself, as doctor prints it: owner name (absolute), type and data
 * in presentation form, and why.
 */
public record DnsRecord(String name, String type, String data, String why) {

    /** The zone-file line an administrator pastes: {@code _25._tcp.mx.example.org. IN TLSA 3 1 1 ...}. */
    public String zoneLine() {
        return name + ". IN " + type + " " + data;
    }
}
