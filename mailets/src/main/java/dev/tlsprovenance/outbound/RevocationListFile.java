package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The X.509 CRLs of a policy row's {@code crl=} file (PEM, one or more CRLs). Read on first use and read again
 * whenever the file's modification time or size changes, so that a CRL refreshed on disk (CRLs expire at their
 * next-update time) takes effect on the next connection without a policy reload. Thread-safe.
 */
public final class RevocationListFile {
    private final Path file;
    private volatile Snapshot snapshot;

    public RevocationListFile(Path file) {
        this.file = Objects.requireNonNull(file);
    }

    public Path file() {
        return file;
    }

    /**
     * @throws IOException naming the file when it cannot be read or holds no PEM X.509 CRL
     */
    public List<X509CRL> current() throws IOException {
        long modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file).toMillis();
            size = Files.size(file);
        } catch (IOException e) {
            throw new IOException("crl file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        Snapshot seen = snapshot;
        if (seen != null && seen.modified == modified && seen.size == size) {
            return seen.crls;
        }
        List<X509CRL> crls = read();
        snapshot = new Snapshot(modified, size, crls);
        return crls;
    }

    private List<X509CRL> read() throws IOException {
        List<X509CRL> crls = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                crls.add((X509CRL) crl);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("crl file " + file + " is not a PEM X.509 CRL file: " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            throw new IOException("crl file " + file + " holds no PEM X.509 CRL");
        }
        return List.copyOf(crls);
    }

    @Override
    public String toString() {
        return file.toString();
    }

    private static final class Snapshot {
        private final long modified;
        private final long size;
        private final List<X509CRL> crls;

        Snapshot(long modified, long size, List<X509CRL> crls) {
            this.modified = modified;
            this.size = size;
            this.crls = crls;
        }
    }
}
