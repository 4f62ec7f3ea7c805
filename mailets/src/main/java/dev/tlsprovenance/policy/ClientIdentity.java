package dev.tlsprovenance.policy;

import java.nio.file.Path;
import java.util.Objects;

/** The PKCS#12 key store holding the certificate and key we present to a peer for mutual TLS. */
public final class ClientIdentity {
    private final Path keyStore;
    private final String password;

    private ClientIdentity(Path keyStore, String password) {
        this.keyStore = keyStore;
        this.password = password;
    }

    public static ClientIdentity of(Path keyStore, String password) {
        return new ClientIdentity(Objects.requireNonNull(keyStore, "keyStore"), Objects.requireNonNull(password, "password"));
    }

    public Path keyStore() {
        return keyStore;
    }

    public String password() {
        return password;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ClientIdentity)) {
            return false;
        }
        ClientIdentity other = (ClientIdentity) o;
        return keyStore.equals(other.keyStore) && password.equals(other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyStore, password);
    }

    /** Never shows the password: policies end up in logs. */
    @Override
    public String toString() {
        return "ClientIdentity{keyStore=" + keyStore + ", password=***}";
    }
}
