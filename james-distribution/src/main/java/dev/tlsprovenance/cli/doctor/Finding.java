package dev.tlsprovenance.cli.doctor;

/**
 * One line of the doctor's report: what was checked ({@code area} and {@code subject}), the verdict, and a sentence
 * an administrator can act on.
 */
public record Finding(String area, String subject, Verdict verdict, String message) {

    public enum Verdict {
        /** Fine. */
        OK,
        /** Worth a look, but TLS delivery works. */
        WARN,
        /** Would break TLS delivery (or the server's start): the doctor exits non-zero. */
        FAIL;

        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Finding ok(String area, String subject, String message) {
        return new Finding(area, subject, Verdict.OK, message);
    }

    public static Finding warn(String area, String subject, String message) {
        return new Finding(area, subject, Verdict.WARN, message);
    }

    public static Finding fail(String area, String subject, String message) {
        return new Finding(area, subject, Verdict.FAIL, message);
    }
}
